/**
 * The bus samples of docs/samples/ (shown in docs/subscribers.md and docs/asyncapi.yaml) are
 * real: the default `npm start` run on the local stack, the mass termination that quarantines
 * the service and `onboard quarantine release --allow-removals` publish them again, identical
 * but for what differs per run (scripts/published-samples.ts's VOLATILE: EventBridge's id and
 * time, the publication time, the new users' IDs, a quarantine's start and what derives from
 * it). When an event's content changes, `npm run samples` then `npm run schemas` refresh them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  captureSamples,
  type DeliveredEvent,
  RELEASE_ALLOW_REMOVALS,
  SAMPLE_PICKS,
  samplePath,
  stableSample,
} from "../../scripts/published-samples.js";
import {
  DETAIL_TYPES,
  type DetailType,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
} from "../../shared/contracts/detail-types.js";
import { deterministicId } from "../../shared/domain/output-events.js";
import { publishedEventProblems } from "../support/event-contracts.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let fresh: Map<DetailType, DeliveredEvent>;
beforeAll(async () => {
  // Five phases (one waits for a termination due 10 s after it is sent), the mass termination
  // and the release: about 30 s on a quiet machine, more on a loaded one.
  fresh = await captureSamples(ROOT);
}, 240_000);

const committed = (detailType: DetailType): DeliveredEvent =>
  JSON.parse(readFileSync(join(ROOT, samplePath(detailType)), "utf8")) as DeliveredEvent;

describe("docs/samples/", () => {
  it("has a sample of every DetailType, each conforming to its schema", () => {
    expect(Object.keys(SAMPLE_PICKS)).toEqual([...DETAIL_TYPES]);
    expect(
      publishedEventProblems(
        DETAIL_TYPES.map((t) => ({ detailType: t, detail: committed(t).detail })),
      ),
    ).toEqual([]);
  });

  it.each(DETAIL_TYPES)("%s is what the local stack publishes", (detailType) => {
    const captured = fresh.get(detailType);
    expect(captured, "the capture published none").toBeDefined();
    expect(stableSample(committed(detailType))).toEqual(stableSample(captured as DeliveredEvent));
  });

  it.each([
    ["committed", () => committed],
    ["captured", () => (t: DetailType) => fresh.get(t) as DeliveredEvent],
  ] as const)("the %s quarantine and its release name one quarantine", (_, source) => {
    // What VOLATILE leaves out of the comparison still holds together: the release names the
    // quarantine it ended, and each eventId is the one derived from that quarantine's start.
    const sampleOf = source();
    const quarantined = sampleOf(PROVISIONING_QUARANTINED).detail;
    const resumed = sampleOf(PROVISIONING_RESUMED).detail;
    expect(resumed.since).toBe(quarantined.since);
    expect(resumed.allowRemovals).toBe(RELEASE_ALLOW_REMOVALS);
    // The window as it was at the trip; the threshold's figures as they are at the release,
    // the allowance raised by --allow-removals.
    const { windowRecords, failedRecords, removals, removalLimit } = quarantined.counts as Record<
      string,
      number
    >;
    expect(resumed.counts).toMatchObject({ windowRecords, failedRecords, removals });
    expect((resumed.counts as Record<string, number>).removalLimit).toBe(
      Number(removalLimit) + RELEASE_ALLOW_REMOVALS,
    );
    const instanceId = String(quarantined.instanceId);
    const since = String(quarantined.since);
    expect(quarantined.eventId).toBe(
      deterministicId("provisioning-quarantined", instanceId, since),
    );
    expect(resumed.eventId).toBe(deterministicId("provisioning-resumed", instanceId, since));
  });
});
