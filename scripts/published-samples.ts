/**
 * Real samples of what the bus carries, for docs/subscribers.md and docs/asyncapi.yaml: the
 * default `npm start` run (the sample events, rules, source mappings and seed under events/) on
 * the local stack, then the mass termination that quarantines the service and the operator's
 * release, and the events they published, as an EventBridge target receives them: one of every
 * DetailType.
 * `npm run samples` writes them to docs/samples/; test/integration/contract-samples.test.ts
 * runs the capture again and checks that the committed samples are still what the service
 * publishes (but for the IDs and times that differ per run).
 */
import { DescribeEventBusCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { runCli } from "../cli/program.js";
import { parseConnectSeed } from "../emulators/connect/index.js";
import {
  readEventBodies,
  readJsonFile,
  readMappingRules,
  readSourceMappings,
} from "../local/inputs.js";
import {
  DEFAULT_MAPPINGS,
  DEFAULT_PHASES,
  DEFAULT_SEED,
  DEFAULT_SOURCES,
  withRelativeTimes,
} from "../local/phases.js";
import { drainQueue, type PipelineOptions, runPhases } from "../local/pipeline.js";
import { enqueue } from "../local/queues.js";
import {
  apiPaceEnv,
  LOCAL_EVENT_BUS,
  LOCAL_REGION,
  type LocalStack,
  startLocalStack,
} from "../local/stack.js";
import {
  type DetailType,
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
  USER_CREATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
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
 * that brought an existing user in line, the termination due in 2099 that stays scheduled (its
 * `effectiveAt` is a fixed date, unlike the one due `{{now+10s}}`), the termination at once,
 * the hire no rule applies to, the mass termination's trip and its release.
 */
export const SAMPLE_PICKS: Readonly<
  Record<DetailType, (detail: Record<string, unknown>) => boolean>
> = {
  [USER_CREATED]: (detail) => detail.sourceEventId === "wd-7f3c9a",
  [USER_UPDATED]: (detail) => detail.sourceEventId === "wd-rehire-20002",
  [USER_REMOVAL_SCHEDULED]: (detail) => detail.sourceEventId === "wd-term-C60002",
  [USER_REMOVED]: (detail) => detail.sourceEventId === "wd-term-E12346",
  [PROVISIONING_FAILED]: (detail) => detail.reason === "NoMappingRule",
  [PROVISIONING_QUARANTINED]: (detail) => detail.reason === "RemovalThresholdExceeded",
  [PROVISIONING_RESUMED]: (detail) => detail.reason === "RemovalThresholdExceeded",
};

/**
 * What a quarantine's events have that differs per run: `since` is when the trip happened, the
 * `eventId` is derived from it (one per quarantine), and the failure window's counts at the trip
 * depend on which of the batch's records, processed at once, had finished before the trip (a
 * termination of a user the run removed already needs no removal, and may finish first).
 */
const QUARANTINE_VOLATILE = [
  "eventId",
  "since",
  "counts.windowRecords",
  "counts.failedRecords",
  // The terminations refused before the trip stopped the batch: as many as were in hand.
  "counts.heldBack",
];

/**
 * What differs from one run to the next: EventBridge's IDs and times, the publication time, the
 * IDs of the users the run created, and what a quarantine has of its own. A Detail path (`a.b`
 * for a member of a member) is compared by its type only, so it must still be there.
 */
export const VOLATILE: {
  readonly event: readonly string[];
  readonly detail: readonly string[];
  readonly byDetailType: Readonly<Partial<Record<DetailType, readonly string[]>>>;
} = {
  event: ["id", "time"],
  detail: ["occurredAt", "userId", "userArn"],
  byDetailType: {
    [PROVISIONING_QUARANTINED]: QUARANTINE_VOLATILE,
    [PROVISIONING_RESUMED]: QUARANTINE_VOLATILE,
  },
};

/** Lambda environments polling at once, as npm start runs them (production's maximum). */
const CONSUMERS = 2;

/** The path of a DetailType's sample, from the repository's root. */
export const samplePath = (detailType: DetailType): string =>
  `docs/samples/${fileNameOf(detailType)}.json`;

/** Past the deletion threshold: a dozen terminations at once (events/leavers/README.md). */
export const QUARANTINE_PHASE = "events/leavers/mass-termination.json";

/** The release's `--allow-removals`: the mass termination's dozen, checked and found real. */
export const RELEASE_ALLOW_REMOVALS = 12;

/**
 * Runs the default `npm start` inputs on a fresh local stack, then the mass termination, which
 * trips the deletion threshold, then `onboard quarantine release --allow-removals` as an
 * operator would; the samples the bus carried.
 */
export const captureSamples = async (root: string): Promise<Map<DetailType, DeliveredEvent>> => {
  const at = (path: string) => `${root}/${path}`;
  const [phases, quarantinePhase, rules, sources, seedJson] = await Promise.all([
    Promise.all(
      DEFAULT_PHASES.map(async (paths) =>
        (await Promise.all(paths.map((path) => readEventBodies(at(path))))).flat(),
      ),
    ),
    readEventBodies(at(QUARANTINE_PHASE)),
    readMappingRules(at(DEFAULT_MAPPINGS), () => {}),
    readSourceMappings(at(DEFAULT_SOURCES)),
    readJsonFile(at(DEFAULT_SEED), "--connect-seed"),
  ]);
  const seed = parseConnectSeed(seedJson);
  const stack = await startLocalStack({
    seed,
    rules,
    sources,
    visibilityTimeoutSeconds: 20,
    functionEnv: { ...apiPaceEnv(seed, CONSUMERS), POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  try {
    const options = { consumers: CONSUMERS, timeoutMs: 15_000 };
    // As npm start runs them, placeholders and all: it waits for the termination due within
    // the run, and stops before the later phases if the service quarantined itself.
    const report = await runPhases(
      stack,
      phases.map((list) => list.map(({ body }) => body)),
      {
        ...options,
        beforeSend: (bodies) => bodies.map((body) => withRelativeTimes(body, Date.now())),
      },
    );
    if (report.quarantine.active) {
      throw new Error(`the default run quarantined the service (${report.quarantine.reason})`);
    }
    await quarantineAndRelease(
      stack,
      quarantinePhase.map(({ body }) => body),
      options,
    );
    return await deliveredSamples(stack);
  } finally {
    await stack.stop();
  }
};

/**
 * The mass termination until the service quarantines itself, then the release. Not runPhases:
 * it would wait out the visibility timeout for the records handed back to reappear, and the
 * release needs them on the queue, not visible. Nor is the queue drained after the release: the
 * samples are complete once the CLI has published Provisioning Resumed.
 */
const quarantineAndRelease = async (
  stack: LocalStack,
  bodies: readonly string[],
  options: PipelineOptions,
): Promise<void> => {
  await enqueue(stack.sqs, stack.queues.queueUrl, bodies);
  const { quarantined } = await drainQueue(stack, options);
  if (!quarantined) throw new Error(`${QUARANTINE_PHASE} did not trip the deletion threshold`);
  let output = "";
  const collect = (text: string) => {
    output += text;
  };
  // The operator's command line, in this process: its clients find the stack through the
  // AWS_ENDPOINT_URL_* variables the stack set.
  const code = await runCli(
    [
      "quarantine",
      "release",
      "--ledger-table",
      stack.table.ledgerTableName,
      "--allow-removals",
      String(RELEASE_ALLOW_REMOVALS),
    ],
    {
      stdout: collect,
      stderr: collect,
      interactive: false,
      interruptible: () => new AbortController().signal,
    },
  );
  if (code !== 0) throw new Error(`onboard quarantine release failed (${code}): ${output}`);
};

/** The event picked for each DetailType, as an EventBridge target receives it. */
const deliveredSamples = async (stack: LocalStack): Promise<Map<DetailType, DeliveredEvent>> => {
  const client = new EventBridgeClient({ region: LOCAL_REGION });
  const bus = await client.send(new DescribeEventBusCommand({ Name: LOCAL_EVENT_BUS }));
  client.destroy();
  const account = bus.Arn?.split(":")[4] ?? "";
  const samples = new Map<DetailType, DeliveredEvent>();
  for (const [detailType, pick] of Object.entries(SAMPLE_PICKS)) {
    const event = stack.eventBridge
      .events()
      .find((e) => e.detailType === detailType && pick(e.detail));
    if (!event) throw new Error(`the capture published no ${detailType} to sample`);
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
};

/**
 * A sample with what differs per run replaced by its type (`"string"`, `"number"`, ...), to
 * compare two captures: a volatile member must still be there, with a value of the same type.
 */
export const stableSample = (event: DeliveredEvent): Record<string, unknown> => {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  const detailPaths = [
    ...VOLATILE.detail,
    ...(VOLATILE.byDetailType[event["detail-type"] as DetailType] ?? []),
  ];
  for (const key of VOLATILE.event) replaceByType(copy, [key]);
  for (const path of detailPaths) replaceByType(copy, ["detail", ...path.split(".")]);
  return copy;
};

const replaceByType = (value: Record<string, unknown>, path: readonly string[]): void => {
  const [key, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(value, key)) return;
  const member = value[key];
  if (rest.length === 0) value[key] = member === null ? "null" : typeof member;
  else if (typeof member === "object" && member !== null) {
    replaceByType(member as Record<string, unknown>, rest);
  }
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
