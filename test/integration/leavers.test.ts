/**
 * Leavers on the local stack (DESIGN section 5): terminations through the real handler, with
 * Connect, DynamoDB, SQS, EventBridge and EventBridge Scheduler all over HTTP. A termination
 * deletes (or disables) the one user the service manages for the employee, once; a future one
 * is a one-time schedule that fires and removes; a rescission or a newer hire cancels it, an
 * update does not; an unmanaged user is never touched; the deletion threshold stops a mass
 * termination; a replay changes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHandler } from "../../functions/create-onboard-employee-handler.js";
import { awaitDueRemovals, collectReport, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { removalScheduleName } from "../../shared/domain/leaver.js";
import {
  PROVISIONING_FAILED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
} from "../../shared/domain/output-events.js";
import { lambdaContext, sqsEvent, sqsRecord } from "../support/lambda-events.js";
import { employeeEvent, published, usersOf } from "../support/lifecycle.js";
import { FAST_QUOTAS, SAMPLE_IDS, sampleSeed, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 2, timeoutMs: 10_000, drainTimeoutMs: 60_000 };
/**
 * One employee in the instance: 20 % of one allows no removal at all, so tests not about the
 * threshold allow them all by share (the count still applies).
 */
const ALL_BY_SHARE = { REMOVAL_THRESHOLD_PERCENT: "100" };
const HIRED_AT = "2026-11-28T10:00:00Z";
const { basicRouting: BASIC_ROUTING, careRouting: CARE_ROUTING } = SAMPLE_IDS;
const DISABLED_PROFILE = "7a6b5c4d-0002-4e3f-9a8b-2000000000ff";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const hire = (employeeId = "E12345", occurredAt = HIRED_AT, extra: Record<string, unknown> = {}) =>
  employeeEvent("EmployeeHired", occurredAt, {
    employeeId,
    workEmail: `${employeeId.toLowerCase()}@example.com`,
    ...extra,
  });

const leaver = (
  eventType: "EmployeeTerminated" | "EmployeeTerminationRescinded",
  employeeId: string,
  occurredAt: string,
  extra: { effectiveAt?: string; employee?: Record<string, unknown> } = {},
) =>
  JSON.stringify({
    eventType,
    eventId: `${employeeId}-${eventType}-${occurredAt}`,
    occurredAt,
    source: "workday",
    ...(extra.effectiveAt ? { effectiveAt: extra.effectiveAt } : {}),
    employee: { employeeId, ...extra.employee },
  });

const terminate = (employeeId: string, occurredAt: string, effectiveAt?: string) =>
  leaver("EmployeeTerminated", employeeId, occurredAt, effectiveAt ? { effectiveAt } : {});

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

const schedulesOf = (s: LocalStack, employeeId: string) =>
  s.scheduler.schedules().filter((schedule) => schedule.name === removalScheduleName(employeeId));

const deleteCalls = (s: LocalStack) => s.connect.stats().DeleteUser?.ok ?? 0;

describe("a termination at once", () => {
  it("deletes the employee's managed user and announces it with a deterministic eventId", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    const [user] = usersOf(s, "E12345");
    expect(user).toBeDefined();

    const report = await runPipeline(s, [terminate("E12345", "2026-12-10T09:00:00Z")], FAST);

    expect(usersOf(s, "E12345")).toEqual([]);
    expect(deleteCalls(s)).toBe(1);
    const removed = published(s, USER_REMOVED, "E12345");
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      sourceEventId: "E12345-EmployeeTerminated-2026-12-10T09:00:00Z",
      userId: user?.id,
      userArn: user?.arn,
      username: user?.username,
      action: "DELETED",
    });
    expect(removed[0]?.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.deadLetters).toEqual([]);
    expect(await s.table.ledger.entry("E12345")).toMatchObject({ status: "REMOVED" });
  });

  it("is safe to replay: the same termination again deletes nothing more and announces the same event", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    const termination = terminate("E12345", "2026-12-10T09:00:00Z");
    await runPipeline(s, [termination], FAST);
    const [first] = published(s, USER_REMOVED, "E12345");

    // A redelivery, a DLQ replay: the event last applied.
    const report = await runPipeline(s, [termination, termination], FAST);

    expect(deleteCalls(s)).toBe(1);
    const removed = published(s, USER_REMOVED, "E12345");
    // Published again (at-least-once), always as the same event subscribers de-duplicate on.
    expect(new Set(removed.map((detail) => detail.eventId))).toEqual(new Set([first?.eventId]));
    expect(report.deadLetters).toEqual([]);

    // A later termination of a user already deleted: nothing to do, nothing announced, no error.
    const later = await runPipeline(s, [terminate("E12345", "2026-12-11T09:00:00Z")], FAST);
    expect(later.deadLetters).toEqual([]);
    expect(deleteCalls(s)).toBe(1);
    expect(new Set(published(s, USER_REMOVED, "E12345").map((d) => d.eventId))).toEqual(
      new Set([first?.eventId]),
    );
  });

  it("never lets a stale termination remove a user a newer hire gave back", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire("E12345", "2026-12-20T10:00:00Z")], FAST);
    const report = await runPipeline(s, [terminate("E12345", "2026-12-10T09:00:00Z")], FAST);
    expect(usersOf(s, "E12345")).toHaveLength(1);
    expect(deleteCalls(s)).toBe(0);
    expect(published(s, USER_REMOVED, "E12345")).toEqual([]);
    expect(report.deadLetters).toEqual([]);
  });
});

describe("a termination for a user the service does not manage", () => {
  it("is NotManaged on the DLQ, for an unmanaged user and for no user at all; nothing deleted", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    // The seed's E00001 is tagged for its employee, without managedBy=connect-onboarding.
    const before = usersOf(s, "E00001");
    expect(before).toHaveLength(1);

    const report = await runPipeline(
      s,
      [terminate("E00001", "2026-12-10T09:00:00Z"), terminate("E99999", "2026-12-10T09:00:00Z")],
      FAST,
    );

    expect(usersOf(s, "E00001")).toEqual(before);
    expect(deleteCalls(s)).toBe(0);
    expect(report.deadLetters.map((letter) => letter.reason).sort()).toEqual([
      "NotManaged",
      "NotManaged",
    ]);
    expect(published(s, PROVISIONING_FAILED).map((d) => d.reason)).toEqual([
      "NotManaged",
      "NotManaged",
    ]);
    expect(published(s, USER_REMOVED)).toEqual([]);
  });
});

describe("LEAVER_ACTION=DISABLE", () => {
  it("disables the user (disabled profiles, no hierarchy group, status=disabled); a later hire restores it", async () => {
    const seed = sampleSeed({ quotas: FAST_QUOTAS });
    const s = await startSampleStack({
      seed: {
        ...seed,
        securityProfiles: [
          ...(seed.securityProfiles ?? []),
          { id: DISABLED_PROFILE, name: "Disabled" },
        ],
      },
      functionEnv: {
        LEAVER_ACTION: "DISABLE",
        DISABLED_ROUTING_PROFILE: "Basic Routing Profile",
        DISABLED_SECURITY_PROFILES: "Disabled",
        ...ALL_BY_SHARE,
      },
    });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    const [hired] = usersOf(s, "E12345");
    expect(hired?.routingProfileId).toBe(CARE_ROUTING);
    expect(hired?.hierarchyGroupId).toBeDefined();

    await runPipeline(s, [terminate("E12345", "2026-12-10T09:00:00Z")], FAST);

    const [disabled] = usersOf(s, "E12345");
    expect(disabled?.id).toBe(hired?.id);
    expect(disabled?.routingProfileId).toBe(BASIC_ROUTING);
    expect(disabled?.securityProfileIds).toEqual([DISABLED_PROFILE]);
    expect(disabled?.hierarchyGroupId).toBeUndefined();
    expect(disabled?.tags).toMatchObject({ status: "disabled", managedBy: "connect-onboarding" });
    expect(deleteCalls(s)).toBe(0);
    expect(published(s, USER_REMOVED, "E12345")).toMatchObject([
      { userId: hired?.id, action: "DISABLED" },
    ]);

    // Rehired: the user comes back as its rule says, under the same ID.
    await runPipeline(s, [hire("E12345", "2027-02-01T10:00:00Z")], FAST);
    const [restored] = usersOf(s, "E12345");
    expect(restored?.id).toBe(hired?.id);
    expect(restored?.routingProfileId).toBe(hired?.routingProfileId);
    expect(restored?.securityProfileIds).toEqual(hired?.securityProfileIds);
    expect(restored?.hierarchyGroupId).toBe(hired?.hierarchyGroupId);
    expect(restored?.tags.status).toBeUndefined();
    expect(await s.table.ledger.entry("E12345")).toMatchObject({ status: "ACTIVE" });
  });
});

describe("a future-dated termination", () => {
  it("is scheduled on EventBridge Scheduler, then fires and removes the user", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    const effectiveAt = inSeconds(3);

    const report = await runPipeline(
      s,
      [terminate("E12345", "2026-12-10T09:00:00Z", effectiveAt)],
      // Stop at the schedule: the removal is awaited below.
      { ...FAST },
    );
    // runPipeline waits for removals due within 60 s: by now it has fired.
    expect(published(s, USER_REMOVAL_SCHEDULED, "E12345")).toMatchObject([
      { effectiveAt: new Date(effectiveAt).toISOString() },
    ]);
    expect(s.scheduler.deliveries().length).toBe(1);
    expect(usersOf(s, "E12345")).toEqual([]);
    expect(published(s, USER_REMOVED, "E12345")).toMatchObject([{ action: "DELETED" }]);
    expect(report.scheduled).toEqual([]);
    // ActionAfterCompletion DELETE: the schedule is gone once it ran.
    expect(schedulesOf(s, "E12345")).toEqual([]);
    expect(report.deadLetters).toEqual([]);
  });

  it("is listed as scheduled when due after the run, the user kept until then", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    const report = await runPipeline(
      s,
      [
        leaver("EmployeeTerminated", "E12345", "2026-12-10T09:00:00Z", {
          employee: { lastDayOfWork: "2099-06-30", timeZone: "America/Chicago" },
        }),
      ],
      FAST,
    );
    const [user] = usersOf(s, "E12345");
    expect(user).toBeDefined();
    expect(report.scheduled).toEqual([
      { employeeId: "E12345", userId: user?.id, effectiveAt: "2099-07-01T05:00:00.000Z" },
    ]);
    const [schedule] = schedulesOf(s, "E12345");
    expect(schedule?.scheduleExpression).toBe("at(2099-07-01T05:00:00)");
    expect(schedule?.groupName).toBe(s.env.SCHEDULE_GROUP_NAME);
    expect(schedule?.targetArn).toBe(s.queues.queueArn);
    // What the schedule will deliver names the employee and nothing personal.
    expect(schedule?.input).not.toContain("@");
    expect(JSON.parse(schedule?.input ?? "{}")).toMatchObject({
      eventType: "EmployeeTerminated",
      scheduledRemoval: true,
      employee: { employeeId: "E12345" },
    });
  });

  it("is cancelled by a rescission: the schedule is deleted and the user stays", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    await runPipeline(
      s,
      [terminate("E12345", "2026-12-10T09:00:00Z", "2099-01-01T00:00:00Z")],
      FAST,
    );
    expect(schedulesOf(s, "E12345")).toHaveLength(1);

    const report = await runPipeline(
      s,
      [leaver("EmployeeTerminationRescinded", "E12345", "2026-12-11T09:00:00Z")],
      FAST,
    );

    expect(schedulesOf(s, "E12345")).toEqual([]);
    expect(usersOf(s, "E12345")).toHaveLength(1);
    expect(report.scheduled).toEqual([]);
    expect(report.deadLetters).toEqual([]);
    expect((await s.table.ledger.entry("E12345"))?.pendingRemoval).toBeUndefined();
  });

  it("is cancelled by a newer hire", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    await runPipeline(
      s,
      [terminate("E12345", "2026-12-10T09:00:00Z", "2099-01-01T00:00:00Z")],
      FAST,
    );
    const report = await runPipeline(s, [hire("E12345", "2026-12-12T10:00:00Z")], FAST);
    expect(schedulesOf(s, "E12345")).toEqual([]);
    expect(report.scheduled).toEqual([]);
    expect(usersOf(s, "E12345")).toHaveLength(1);
  });

  it("is not cancelled by an update: it still fires and removes", async () => {
    const s = await startSampleStack({ functionEnv: ALL_BY_SHARE });
    stack = s;
    await runPipeline(s, [hire()], FAST);
    await runPipeline(
      s,
      [terminate("E12345", "2026-12-10T09:00:00Z", "2099-01-01T00:00:00Z")],
      FAST,
    );
    await runPipeline(
      s,
      [
        employeeEvent("EmployeeUpdated", "2026-12-12T10:00:00Z", {
          employeeId: "E12345",
          workEmail: "e12345@example.com",
          jobTitle: "Agent III",
        }),
      ],
      FAST,
    );
    expect(schedulesOf(s, "E12345")).toHaveLength(1);
    expect((await collectReport(s)).scheduled).toMatchObject([{ employeeId: "E12345" }]);

    // The termination, brought forward by HR, replaces the schedule; it fires within the run.
    await runPipeline(
      s,
      [
        employeeEvent("EmployeeUpdated", "2026-12-13T10:00:00Z", {
          employeeId: "E12345",
          workEmail: "e12345@example.com",
          jobTitle: "Agent IV",
        }),
        terminate("E12345", "2026-12-14T09:00:00Z", inSeconds(3)),
      ],
      FAST,
    );
    await awaitDueRemovals(s, FAST);
    expect(usersOf(s, "E12345")).toEqual([]);
    expect(published(s, USER_REMOVED, "E12345")).toHaveLength(1);
  });
});

describe("the deletion threshold", () => {
  it("stops the 11th removal of the day: refused, returned to the queue, nothing removed for it", async () => {
    const s = await startSampleStack({ functionEnv: { REMOVAL_THRESHOLD_PERCENT: "100" } });
    stack = s;
    const staff = Array.from({ length: 12 }, (_, i) => `L${String(i + 1).padStart(4, "0")}`);
    await runPipeline(
      s,
      staff.map((employeeId) => hire(employeeId)),
      FAST,
    );
    expect(staff.every((employeeId) => usersOf(s, employeeId).length === 1)).toBe(true);

    // One Lambda environment, one batch: the records it could not do go back to the queue.
    const handler = createHandler(s.env);
    const records = staff.map((employeeId) =>
      sqsRecord(terminate(employeeId, "2026-12-10T09:00:00Z"), { messageId: `m-${employeeId}` }),
    );
    const first = await handler(sqsEvent(...records.slice(0, 6)), lambdaContext());
    const second = await handler(sqsEvent(...records.slice(6)), lambdaContext());

    expect(first?.batchItemFailures ?? []).toEqual([]);
    expect(second?.batchItemFailures).toHaveLength(2);
    expect(deleteCalls(s)).toBe(10);
    const remaining = staff.filter((employeeId) => usersOf(s, employeeId).length === 1);
    expect(remaining).toHaveLength(2);
    expect(second?.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      remaining.map((employeeId) => `m-${employeeId}`).sort(),
    );
    expect(published(s, USER_REMOVED)).toHaveLength(10);
    // Not parked: the termination is not what is wrong.
    expect((await collectReport(s)).deadLetters).toEqual([]);

    // Retried while still past the threshold: refused again, still nothing removed.
    const again = await handler(
      sqsEvent(...records.filter((r) => remaining.includes(r.messageId.slice(2)))),
      lambdaContext(),
    );
    expect(again?.batchItemFailures).toHaveLength(2);
    expect(deleteCalls(s)).toBe(10);
  });
});
