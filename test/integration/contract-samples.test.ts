/**
 * The bus samples of docs/samples/ (shown in docs/subscribers.md and docs/asyncapi.yaml) are
 * real: the default `npm start` run on the local stack publishes them again, identical but for
 * what differs per run (EventBridge's id and time, the new user's ID, the publication time).
 * When an event's content changes, `npm run samples` then `npm run schemas` refresh them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  captureSamples,
  type DeliveredEvent,
  SAMPLE_PICKS,
  samplePath,
  stableSample,
} from "../../scripts/published-samples.js";
import type { DetailType } from "../../shared/contracts/detail-types.js";
import { publishedEventProblems } from "../support/event-contracts.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let fresh: Map<DetailType, DeliveredEvent>;
beforeAll(async () => {
  fresh = await captureSamples(ROOT);
}, 120_000);

const committed = (detailType: DetailType): DeliveredEvent =>
  JSON.parse(readFileSync(join(ROOT, samplePath(detailType)), "utf8")) as DeliveredEvent;

describe("docs/samples/", () => {
  const sampled = Object.keys(SAMPLE_PICKS) as DetailType[];

  it("has a sample of Created, Updated and Provisioning Failed, each conforming to its schema", () => {
    expect(sampled).toEqual([
      "Connect User Created",
      "Connect User Updated",
      "Connect User Provisioning Failed",
    ]);
    expect(
      publishedEventProblems(sampled.map((t) => ({ detailType: t, detail: committed(t).detail }))),
    ).toEqual([]);
  });

  it.each(Object.keys(SAMPLE_PICKS))("%s is what the local stack publishes", (detailType) => {
    const captured = fresh.get(detailType as DetailType);
    expect(captured, "the default run published none").toBeDefined();
    expect(stableSample(committed(detailType as DetailType))).toEqual(
      stableSample(captured as DeliveredEvent),
    );
  });
});
