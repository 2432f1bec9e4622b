/**
 * Quarantine through the local stack over HTTP (docs/quarantine.md): the real handler, fauxqs,
 * dynalite, the Connect and EventBridge emulators and the Lambda API's event source mapping.
 * Assertions read the emulators' state: the mapping as GetEventSourceMapping reports it, the
 * queue as SQS holds it, the events as EventBridge recorded them.
 */
import { GetEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { drainQueue, type PipelineOptions, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
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

  it("a removal past the deletion threshold quarantines; release --allow-removals lets the held-back ones through", async () => {
    // A threshold of 2 removals (the percentage out of the way): the third termination trips it.
    stack = await start({ REMOVAL_THRESHOLD_COUNT: "2", REMOVAL_THRESHOLD_PERCENT: "100" });
    const local = stack;
    const staff = hires(4);
    await runPipeline(local, staff, ONE);
    expect(published(local, "Connect User Created")).toHaveLength(4);
    const terminations = staff.map((_, i) =>
      JSON.stringify({
        eventType: "EmployeeTerminated",
        eventId: `term-E-q${i}`,
        occurredAt: "2026-11-30T10:00:00Z",
        source: "workday",
        employee: { employeeId: `E-q${i}` },
      }),
    );

    const report = await runPipeline(local, terminations, ONE);

    expect(report.quarantine).toEqual({ active: true, reason: "RemovalThresholdExceeded" });
    expect(report.deadLetters).toEqual([]);
    expect(published(local, "Connect User Removed")).toHaveLength(2);
    expect(report.queued).toHaveLength(2);
    expect(await mappingState(local)).toBe("Disabled");
    expect(published(local, "Provisioning Quarantined")).toHaveLength(1);
    const announced = published(local, "Provisioning Quarantined")[0]?.detail;
    expect(announced).toMatchObject({
      reason: "RemovalThresholdExceeded",
      counts: { removals: 2, removalLimit: 2, activeEmployees: 2 },
    });
    expect(
      (announced?.counts as { heldBack?: number } | undefined)?.heldBack,
    ).toBeGreaterThanOrEqual(1);
    const status = await onboardInProcess([
      "quarantine",
      "status",
      "--ledger-table",
      local.table.ledgerTableName,
      "--json",
    ]);
    expect(status.code).toBe(0);
    // The CLI knows the threshold the function enforced (2), not only its own defaults.
    expect(JSON.parse(status.stdout).removals).toMatchObject({ used: 2, limit: 2 });
    expect(JSON.parse(status.stdout).removals.heldBack).toBeGreaterThanOrEqual(1);

    const release = await onboardInProcess([
      "quarantine",
      "release",
      "--ledger-table",
      local.table.ledgerTableName,
      "--allow-removals",
      "2",
    ]);
    expect(release.code).toBe(0);
    expect(await mappingState(local)).toBe("Enabled");
    expect(published(local, "Provisioning Resumed")[0]?.detail).toMatchObject({
      reason: "RemovalThresholdExceeded",
      allowRemovals: 2,
      // The allowance raised: two more than the threshold's own two.
      counts: { removals: 2, removalLimit: 4 },
    });
    const { quarantined } = await drainQueue(local, ONE);
    expect(quarantined).toBe(false);
    const removed = published(local, "Connect User Removed").map((e) => e.detail.employeeId);
    expect(removed.sort()).toEqual(["E-q0", "E-q1", "E-q2", "E-q3"]);
    expect(await peekMessages(local.sqs, local.queues.queueUrl)).toEqual([]);
  }, 120_000);
});
