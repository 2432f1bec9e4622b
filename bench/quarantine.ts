/**
 * Quarantine reaction (issue 13): Connect denies CreateUser from the first record of a backlog;
 * how many records do invocations that start after the trip still receive before the event
 * source mapping stops? Goal: none, only the records already in hand. Two environments, batches
 * of 10, so a second batch is usually in hand when the first trips.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SQSEvent } from "aws-lambda";
import { parseConnectSeed } from "../emulators/connect/index.js";
import { createHandler } from "../functions/create-onboard-employee-handler.js";
import { runPipeline } from "../local/pipeline.js";
import { startLocalStack } from "../local/stack.js";
import { parseRulesJson } from "../shared/domain/mapping-rule-file.js";
import { hireBody } from "./workloads.js";

export const QUARANTINE = { hires: 200, consumers: 2, batchSize: 10 };

export const quarantineFigure = async (root: string) => {
  const { hires, consumers, batchSize } = QUARANTINE;
  const seed = parseConnectSeed({
    ...JSON.parse(await readFile(join(root, "events/connect-seed.json"), "utf8")),
    faults: { CreateUser: { deniedRate: 1 } },
  });
  const stack = await startLocalStack({
    seed,
    rules: parseRulesJson(await readFile(join(root, "events/mappings.json"), "utf8")).rules,
    visibilityTimeoutSeconds: 2,
    functionEnv: { POWERTOOLS_LOG_LEVEL: "SILENT" },
  });
  try {
    const starts: { at: number; records: number }[] = [];
    const handlers = Array.from({ length: consumers }, () => {
      const handler = createHandler(stack.env);
      return ((event: SQSEvent, context: Parameters<typeof handler>[1]) => {
        starts.push({ at: Date.now(), records: event.Records.length });
        return handler(event, context);
      }) as typeof handler;
    });
    const bodies = Array.from({ length: hires }, (_, i) => hireBody("quarantine", i));
    const started = performance.now();
    const report = await runPipeline(stack, bodies, { handlers, batchSize, timeoutMs: 10_000 });
    const state = await stack.table.quarantine();
    const trippedAt = Date.parse(state?.since ?? "");
    const after = starts.filter((s) => s.at > trippedAt);
    return {
      hires,
      consumers,
      batchSize,
      reason: report.quarantine.reason,
      invocations: starts.length,
      received: starts.reduce((n, s) => n + s.records, 0),
      inHand: starts.filter((s) => s.at <= trippedAt).reduce((n, s) => n + s.records, 0),
      afterTrip: after.reduce((n, s) => n + s.records, 0),
      queued: report.queued.length,
      deadLetters: report.deadLetters.length,
      createUserCalls: stack.connect.stats().CreateUser?.requests ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stack.stop();
  }
};

export type QuarantineFigure = Awaited<ReturnType<typeof quarantineFigure>>;

/** The figure's rows in the bench's table: figure, measured, baseline, ratio, target. */
export const quarantineRows = (r: QuarantineFigure): string[][] => [
  [
    "quarantine reaction (records after the trip)",
    `${r.afterTrip} (in hand ${r.inHand} of ${r.received} received)`,
    `${r.consumers} x batches of ${r.batchSize}`,
    "",
    `0 ${r.afterTrip === 0 ? "met" : "MISSED"}`,
  ],
  [
    "  queued / dead letters / CreateUser calls",
    `${r.queued} / ${r.deadLetters} / ${r.createUserCalls}`,
    `${r.hires} hires`,
    "",
    `all queued, 0 DLQ ${r.queued === r.hires && r.deadLetters === 0 ? "met" : "MISSED"}`,
  ],
];
