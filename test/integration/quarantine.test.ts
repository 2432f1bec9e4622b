/**
 * Quarantine through the local stack over HTTP (docs/quarantine.md): the real handler, fauxqs,
 * dynalite, the Connect and EventBridge emulators and the Lambda API's event source mapping.
 * Assertions read the emulators' state: the mapping as GetEventSourceMapping reports it, the
 * queue as SQS holds it, the events as EventBridge recorded them.
 */
import { GetEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/create-onboard-employee-handler.js";
import { drainQueue, type PipelineOptions, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { RemovalThresholdExceededError } from "../../shared/domain/failures.js";
import { peekMessages } from "../../shared/queue-tools.js";
import { onboardInProcess } from "../cli/support.js";
import { hireBody } from "../support/lambda-events.js";
import { FAST_QUOTAS, sampleSeed, startSampleStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** One environment, small batches: what is "in hand" when the trip comes is one batch. */
const ONE: PipelineOptions = {
  consumers: 1,
  batchSize: 3,
  timeoutMs: 5_000,
  drainTimeoutMs: 60_000,
};

const hires = (n: number, fields: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) =>
    hireBody({ employeeId: `E-q${i}`, workEmail: `q${i}@example.com`, ...fields }),
  );

const start = (functionEnv: Record<string, string> = {}, faults = {}) =>
  startSampleStack({
    seed: sampleSeed({ quotas: FAST_QUOTAS, faults }),
    // Records handed back reappear in a second, so the report can list them soon.
    visibilityTimeoutSeconds: 1,
    functionEnv,
  });

const mappingState = async (s: LocalStack) =>
  (await s.lambdaClient.send(new GetEventSourceMappingCommand({ UUID: s.mapping.uuid }))).State;

const published = (s: LocalStack, detailType: string) =>
  s.eventBridge.events().filter((e) => e.detailType === detailType);

const DENIED = { "*": { deniedRate: 1 } };

describe("quarantine through the local stack", () => {
  it("AccessDeniedException on every call: quarantined after the first batch, mapping disabled, 0 parked, 0 lost", async () => {
    stack = await start({}, DENIED);
    const bodies = hires(12);
    const report = await runPipeline(stack, bodies, ONE);

    expect(report.quarantine).toEqual({ active: true, reason: "AccessDenied" });
    expect(await mappingState(stack)).toBe("Disabled");
    expect(report.deadLetters).toEqual([]);
    expect(published(stack, "Connect User Provisioning Failed")).toEqual([]);
    // Every message waits on the queue: those never received untouched, the batch in hand
    // received once. Each peek (the report's, this one) counts one receive more: 2 and 3.
    expect(report.queued.map((q) => q.body).sort()).toEqual([...bodies].sort());
    const waiting = await peekMessages(stack.sqs, stack.queues.queueUrl);
    const counts = waiting.map((m) => m.receiveCount);
    expect(
      counts.every((n) => n === 2 || n === 3),
      String(counts),
    ).toBe(true);
    expect(counts.filter((n) => n === 3).length).toBeLessThanOrEqual(ONE.batchSize ?? 0);
    // Only the records in hand reached Connect.
    const denied = Object.values(stack.connect.stats()).reduce((n, api) => n + api.clientErrors, 0);
    expect(denied).toBeGreaterThan(0);
    expect(denied).toBeLessThanOrEqual(ONE.batchSize ?? 0);

    const quarantined = published(stack, "Provisioning Quarantined");
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.detail).toMatchObject({
      reason: "AccessDenied",
      instanceId: stack.connect.instanceId,
      employeeId: null,
    });
    const state = await stack.table.quarantine();
    expect(state).toMatchObject({ active: true, reason: "AccessDenied" });
    expect(state?.mapping?.uuid).toBe(stack.mapping.uuid);
  }, 120_000);

  it("two environments tripping at once publish one Provisioning Quarantined", async () => {
    // Latency keeps both environments' first calls in flight together: both are denied, both trip.
    stack = await start({}, { "*": { deniedRate: 1, latencyMs: [150, 150] } });
    const report = await runPipeline(stack, hires(8), { ...ONE, consumers: 2, batchSize: 2 });

    expect(report.quarantine.active).toBe(true);
    expect(published(stack, "Provisioning Quarantined")).toHaveLength(1);
    expect(report.deadLetters).toEqual([]);
    expect(report.queued).toHaveLength(8);
    expect(await mappingState(stack)).toBe("Disabled");
  }, 120_000);

  it("a failure spike quarantines: more than 40% of the last 20 records parked", async () => {
    stack = await start({ QUARANTINE_WINDOW_RECORDS: "20" });
    // No rule for Finance: every one is parked as NoMappingRule, a permanent failure.
    const bodies = hires(40, { department: "Finance" });
    const report = await runPipeline(stack, bodies, ONE);

    expect(report.quarantine).toEqual({ active: true, reason: "FailureSpike" });
    expect(await mappingState(stack)).toBe("Disabled");
    // The spike is judged from the 20th record on; the batch in hand may finish.
    expect(report.deadLetters.length).toBeGreaterThanOrEqual(20);
    expect(report.deadLetters.length).toBeLessThanOrEqual(20 + 2 * (ONE.batchSize ?? 0));
    expect(report.deadLetters.length + report.queued.length).toBe(bodies.length);
    const [event] = published(stack, "Provisioning Quarantined");
    expect(event?.detail).toMatchObject({ reason: "FailureSpike" });
  }, 120_000);

  it("release re-enables the mapping, publishes Provisioning Resumed, and the queue drains", async () => {
    stack = await start({}, DENIED);
    const bodies = hires(9);
    await runPipeline(stack, bodies, ONE);
    expect((await stack.table.quarantine())?.active).toBe(true);

    const status = await onboardInProcess([
      "quarantine",
      "status",
      "--ledger-table",
      stack.table.ledgerTableName,
      "--json",
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      active: true,
      reason: "AccessDenied",
      mapping: { uuid: stack.mapping.uuid, state: "Disabled" },
    });

    // The role is fixed.
    stack.connect.setFaults("*", { deniedRate: 0 });
    const release = await onboardInProcess([
      "quarantine",
      "release",
      "--ledger-table",
      stack.table.ledgerTableName,
    ]);
    expect(release.code, release.stderr).toBe(0);
    expect(release.stdout).toContain("Released the quarantine (AccessDenied");
    expect(await stack.table.quarantine()).toMatchObject({ active: false, allowedRemovals: 0 });
    await stack.mapping.waitForState("Enabled");

    const { quarantined } = await drainQueue(stack, ONE);
    expect(quarantined).toBe(false);
    expect(await peekMessages(stack.sqs, stack.queues.queueUrl)).toEqual([]);
    const created = published(stack, "Connect User Created");
    expect(created.map((e) => e.detail.employeeId).sort()).toEqual(
      bodies.map((_, i) => `E-q${i}`).sort(),
    );
    const resumed = published(stack, "Provisioning Resumed");
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.detail).toMatchObject({ reason: "AccessDenied", allowRemovals: 0 });

    // Released already: a second release changes nothing and says so.
    const again = await onboardInProcess([
      "quarantine",
      "release",
      "--ledger-table",
      stack.table.ledgerTableName,
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Not quarantined/);
    expect(published(stack, "Provisioning Resumed")).toHaveLength(1);
  }, 120_000);

  it("a removal past the deletion threshold quarantines; the termination waits on the queue", async () => {
    stack = await start();
    const local = stack;
    const terminating = hireBody({ employeeId: "E-leaver", workEmail: "leaver@example.com" });
    // The leaver's sync refuses the removal as the threshold would (its budget is the leavers'
    // module); everything else syncs for real.
    const handlers = [
      createHandler(local.env, {
        wrapSync: (sync) => ({
          sync: (event, ...rest) => {
            if (event.employee.employeeId === "E-leaver") {
              return Promise.reject(
                new RemovalThresholdExceededError("10 removals in the last 24 h: the limit"),
              );
            }
            return sync.sync(event, ...rest);
          },
        }),
      }),
    ];
    const report = await runPipeline(local, [terminating, ...hires(6)], {
      ...ONE,
      batchSize: 1,
      handlers,
    });

    expect(report.quarantine).toEqual({ active: true, reason: "RemovalThresholdExceeded" });
    expect(report.deadLetters).toEqual([]);
    expect(report.queued.map((q) => q.body)).toContain(terminating);
    expect(await mappingState(local)).toBe("Disabled");
    expect(published(local, "Provisioning Quarantined")[0]?.detail).toMatchObject({
      reason: "RemovalThresholdExceeded",
    });
    // Without a deletion threshold in this build, --allow-removals refuses to pretend.
    const release = await onboardInProcess([
      "quarantine",
      "release",
      "--ledger-table",
      local.table.ledgerTableName,
      "--allow-removals",
      "2",
    ]);
    expect(release.code).toBe(1);
    expect((await local.table.quarantine())?.active).toBe(true);
  }, 120_000);
});
