/**
 * Real samples of what the bus carries, for docs/subscribers.md and docs/asyncapi.yaml: the
 * default `npm start` run (the sample events, rules, source mappings and seed under events/) on
 * the local stack, and the events it published, as an EventBridge target receives them.
 * `npm run samples` writes them to docs/samples/; test/integration/contract-samples.test.ts
 * runs the capture again and checks that the committed samples are still what the service
 * publishes (but for the IDs and times that differ per run).
 */
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { parseConnectSeed } from "../emulators/connect/index.js";
import {
  readEventBodies,
  readJsonFile,
  readMappingRules,
  readSourceMappings,
} from "../local/inputs.js";
import { runPipeline } from "../local/pipeline.js";
import { apiPaceEnv, LOCAL_EVENT_BUS, LOCAL_REGION, startLocalStack } from "../local/stack.js";
import {
  type DetailType,
  PROVISIONING_FAILED,
  USER_CREATED,
  USER_UPDATED,
} from "../shared/contracts/detail-types.js";
import { fileNameOf } from "../shared/contracts/names.js";

/** An event as an EventBridge rule's target receives it. */
export interface DeliveredEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/**
 * Which published event stands for each DetailType: the DESIGN's own example hire, the rehire
 * that brought an existing user in line, the hire no rule applies to. DetailTypes the default
 * run does not publish have no sample.
 */
export const SAMPLE_PICKS: Partial<
  Record<DetailType, (detail: Record<string, unknown>) => boolean>
> = {
  [USER_CREATED]: (detail) => detail.sourceEventId === "wd-7f3c9a",
  [USER_UPDATED]: (detail) => detail.sourceEventId === "wd-rehire-20002",
  [PROVISIONING_FAILED]: (detail) => detail.reason === "NoMappingRule",
};

/** What differs from one run to the next: EventBridge's IDs and times, the new user's ID. */
export const VOLATILE = {
  event: ["id", "time"],
  detail: ["occurredAt", "userId", "userArn"],
} as const;

/** The path of a DetailType's sample, from the repository's root. */
export const samplePath = (detailType: DetailType): string =>
  `docs/samples/${fileNameOf(detailType)}.json`;

/** Runs the default `npm start` inputs on a fresh local stack; the samples it published. */
export const captureSamples = async (root: string): Promise<Map<DetailType, DeliveredEvent>> => {
  const at = (path: string) => `${root}/${path}`;
  const [hires, payloads, rules, sources, seedJson] = await Promise.all([
    readEventBodies(at("events/hires")),
    readEventBodies(at("events/sources/payloads")),
    readMappingRules(at("events/mappings.json"), () => {}),
    readSourceMappings(at("events/sources")),
    readJsonFile(at("events/connect-seed.json"), "--connect-seed"),
  ]);
  const seed = parseConnectSeed(seedJson);
  const stack = await startLocalStack({
    seed,
    rules,
    sources,
    visibilityTimeoutSeconds: 20,
    functionEnv: { ...apiPaceEnv(seed, 2), POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  try {
    await runPipeline(
      stack,
      [...hires, ...payloads].map(({ body }) => body),
      { consumers: 2, timeoutMs: 15_000 },
    );
    const client = new EventBridgeClient({ region: LOCAL_REGION });
    const bus = await client.send(new DescribeEventBusCommand({ Name: LOCAL_EVENT_BUS }));
    client.destroy();
    const account = bus.Arn?.split(":")[4] ?? "";
    const samples = new Map<DetailType, DeliveredEvent>();
    for (const [detailType, pick] of Object.entries(SAMPLE_PICKS)) {
      const event = stack.eventBridge
        .events()
        .find((e) => e.detailType === detailType && pick(e.detail));
      if (!event) throw new Error(`the default run published no ${detailType} to sample`);
      samples.set(detailType as DetailType, {
        version: "0",
        id: event.id,
        "detail-type": event.detailType,
        source: event.source,
        account,
        time: event.time,
        region: LOCAL_REGION,
        resources: event.resources,
        detail: event.detail,
      });
    }
    return samples;
  } finally {
    await stack.stop();
  }
};

/** A sample with what differs per run taken out, to compare two captures. */
export const stableSample = (event: DeliveredEvent): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...event, detail: { ...event.detail } };
  for (const key of VOLATILE.event) delete copy[key];
  for (const key of VOLATILE.detail) delete (copy.detail as Record<string, unknown>)[key];
  return copy;
};

/** The page that shows the samples, each between `<!-- sample: name -->` and `<!-- /sample -->`. */
export const SUBSCRIBERS_PAGE = "docs/subscribers.md";

const SAMPLE_BLOCK = /(<!-- sample: ([\w-]+) -->\n```json\n)[\s\S]*?(\n```\n<!-- \/sample -->)/g;

/** The page with each sample block holding that sample's file as it is (samples by file name). */
export const withSampleBlocks = (page: string, samples: ReadonlyMap<string, string>): string =>
  page.replace(SAMPLE_BLOCK, (block, open: string, name: string, close: string) => {
    const text = samples.get(name);
    return text === undefined ? block : `${open}${text.trimEnd()}${close}`;
  });

/** The names of the samples the page shows. */
export const sampleBlockNames = (page: string): string[] =>
  [...page.matchAll(SAMPLE_BLOCK)].map((match) => match[2] as string);
