/**
 * Races and bad order on the local stack (DESIGN sections 2 and 4): SQS redelivers and does not
 * keep order, Lambda runs several environments at once, and people change Connect by hand. Each
 * case runs the real handler in Lambda environments polling fauxqs, against the Connect and
 * EventBridge emulators and the ledger on dynalite; what is asserted is what those saw.
 */
import { DeleteUserCommand } from "@aws-sdk/client-connect";
import { ChangeMessageVisibilityCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { connectClientFor } from "../../emulators/connect/testing.js";
import type { SqsLambdaHandler } from "../../emulators/lambda/index.js";
import { collectReport, runPipeline } from "../../local/pipeline.js";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { USER_CREATED, USER_UPDATED } from "../../shared/domain/output-events.js";
import {
  apiStats,
  CHANGE_APIS,
  callsSince,
  employeeEvent,
  environments,
  functionLogs,
  gate,
  outcomesLogged,
  published,
  runUntilDrained,
  usersOf,
} from "../support/lifecycle.js";
import { SAMPLE_IDS, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 2, timeoutMs: 10_000, drainTimeoutMs: 60_000 };
const INFO = { POWERTOOLS_LOG_LEVEL: "INFO" };

// The sample instance's profiles (events/connect-seed.json).
const {
  agent: AGENT,
  spanishQa: SPANISH_QA,
  austinTeam1: AUSTIN_TEAM_1,
  remoteTeam: REMOTE_TEAM,
} = SAMPLE_IDS;

const EMPLOYEE = "E12345";
/** An Austin agent (rule cc-austin-agents). */
const HIRE = employeeEvent("EmployeeHired", "2026-11-28T10:00:00Z", { employeeId: EMPLOYEE });
/** ... who moves to remote work (rule cc-agents): security, hierarchy, phone and tags change. */
const MOVE_REMOTE = employeeEvent("EmployeeUpdated", "2026-12-05T09:00:00Z", {
  employeeId: EMPLOYEE,
  location: "Remote",
});
const toVersion = (iso: string) => Date.parse(iso);

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const hired = async (): Promise<LocalStack> => {
  const started = await startSampleStack();
  stack = started;
  await runPipeline(started, [HIRE], FAST);
  expect(published(started, USER_CREATED, EMPLOYEE).map((d) => d.outcome)).toEqual(["CREATED"]);
  return started;
};

/** What a remote agent's user looks like under rule cc-agents. */
const expectRemoteAgent = (s: LocalStack) => {
  const users = usersOf(s, EMPLOYEE);
  expect(users).toHaveLength(1);
  expect(users[0]).toMatchObject({
    username: "jose.nunez@example.com",
    securityProfileIds: [AGENT],
    hierarchyGroupId: REMOTE_TEAM,
    phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
    tags: { employeeId: EMPLOYEE, managedBy: "connect-onboarding", costCenter: "CC-200" },
  });
  return users[0];
};

/** Both environments hold a delivery before either runs it. */
const lineUp = (deliveries: number) => {
  const together = gate();
  let arrived = 0;
  const wrap =
    (expose?: (handler: Parameters<SqsLambdaHandler>[0]) => Promise<void>) =>
    (handler: SqsLambdaHandler): SqsLambdaHandler =>
    async (event, context) => {
      await expose?.(event);
      arrived += event.Records.length;
      if (arrived >= deliveries) together.open();
      await together.opened;
      return handler(event, context);
    };
  return { wrap, arrived: () => arrived };
};

describe("the same update delivered twice, to two Lambda environments at once", () => {
  it.each([
    ["the same SQS message, made visible again while the first environment holds it", true],
    ["two messages with the same body (an at-least-once publisher)", false],
  ])("%s: one set of changes, one Updated eventId", async (_, sameMessage) => {
    const s = await hired();
    const before = apiStats(s, CHANGE_APIS);
    const { wrap, arrived } = lineUp(2);
    // As when a visibility extension is lost: the message is visible again while the first
    // environment runs it, and the other environment receives it too.
    const exposeAgain = async (event: Parameters<SqsLambdaHandler>[0]) => {
      for (const record of event.Records) {
        if (record.attributes.ApproximateReceiveCount !== "1") continue;
        await s.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: s.queues.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      }
    };
    await enqueue(
      s.sqs,
      s.queues.queueUrl,
      sameMessage ? [MOVE_REMOTE] : [MOVE_REMOTE, MOVE_REMOTE],
    );
    const logs = await functionLogs(() =>
      runUntilDrained(
        s,
        environments(s, {
          count: 2,
          batchSize: 1,
          env: INFO,
          wrap: wrap(sameMessage ? exposeAgain : undefined),
        }),
      ),
    );

    expect(arrived()).toBe(2);
    // One environment applied the change; the other found it applied and published it again.
    expect(outcomesLogged(logs, EMPLOYEE).sort()).toEqual(["REDELIVERED", "UPDATED"]);
    expect(callsSince(s, before)).toEqual({
      UpdateUserRoutingProfile: 0,
      UpdateUserSecurityProfiles: 1,
      UpdateUserHierarchy: 1,
      UpdateUserIdentityInfo: 0,
      UpdateUserPhoneConfig: 1,
      TagResource: 1,
      UntagResource: 0,
    });
    expectRemoteAgent(s);
    const updated = published(s, USER_UPDATED, EMPLOYEE);
    expect(new Set(updated.map((detail) => detail.eventId)).size).toBe(1);
    // Republished as it was first published: subscribers de-duplicate it on its eventId.
    for (const detail of updated) expect(detail).toEqual(updated[0]);
    expect(updated[0]?.changes).toEqual([
      { aspect: "securityProfiles", from: [AGENT, SPANISH_QA], to: [AGENT] },
      { aspect: "hierarchyGroup", from: AUSTIN_TEAM_1, to: REMOTE_TEAM },
      {
        aspect: "phoneConfig",
        from: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
        to: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
        fields: ["AutoAccept"],
      },
      { aspect: "tags", from: { costCenter: "CC-100" }, to: { costCenter: "CC-200" } },
    ]);
    expect(published(s, USER_CREATED, EMPLOYEE)).toHaveLength(1);
    expect((await collectReport(s)).deadLetters).toEqual([]);
    expect(await s.table.ledger.history(EMPLOYEE)).toHaveLength(2);
  });
});

describe("an older update after a newer one", () => {
  it("is STALE: nothing changed in Connect, nothing published, the ledger keeps the newer", async () => {
    const s = await hired();
    await runPipeline(s, [MOVE_REMOTE], FAST);
    expectRemoteAgent(s);
    // HR's earlier promotion to supervisor (rule cc-supervisors), delivered late.
    const older = employeeEvent("EmployeeUpdated", "2026-12-01T09:00:00Z", {
      employeeId: EMPLOYEE,
      jobTitle: "Team Supervisor",
    });
    const users = s.connect.users();
    const stats = s.connect.stats();
    const events = s.eventBridge.events().length;

    await enqueue(s.sqs, s.queues.queueUrl, [older]);
    const logs = await functionLogs(() =>
      runUntilDrained(s, environments(s, { count: 2, env: INFO })),
    );

    expect(outcomesLogged(logs, EMPLOYEE)).toEqual(["STALE"]);
    expect(s.connect.users()).toEqual(users);
    const after = s.connect.stats();
    for (const api of [...CHANGE_APIS, "CreateUser", "DescribeUser", "SearchUsers"] as const) {
      expect(after[api]?.requests, api).toBe(stats[api]?.requests);
    }
    expect(s.eventBridge.events()).toHaveLength(events);
    expect((await collectReport(s)).deadLetters).toEqual([]);

    const entry = await s.table.ledger.entry(EMPLOYEE);
    expect(entry).toMatchObject({
      appliedVersion: toVersion("2026-12-05T09:00:00Z"),
      appliedEventId: JSON.parse(MOVE_REMOTE).eventId,
      ruleId: "cc-agents",
    });
    expect(entry?.claim).toBeUndefined();
    // The timeline, in HR order, shows the late one arrived and was skipped.
    const history = await s.table.ledger.history(EMPLOYEE);
    expect(history.map((item) => [item.eventId, item.action])).toEqual([
      [JSON.parse(HIRE).eventId, "CREATED"],
      [JSON.parse(older).eventId, "STALE"],
      [JSON.parse(MOVE_REMOTE).eventId, "UPDATED"],
    ]);
  });

  it("delivered at the same moment as the newer one, in two environments: Connect ends as the newer says", async () => {
    const s = await hired();
    const older = employeeEvent("EmployeeUpdated", "2026-12-01T09:00:00Z", {
      employeeId: EMPLOYEE,
      jobTitle: "Team Supervisor",
    });
    const { wrap } = lineUp(2);
    await enqueue(s.sqs, s.queues.queueUrl, [older, MOVE_REMOTE]);
    const logs = await functionLogs(() =>
      runUntilDrained(s, environments(s, { count: 2, batchSize: 1, env: INFO, wrap: wrap() })),
    );

    // Whichever claimed the employee first: the older one applied before the newer, or skipped.
    const outcomes = outcomesLogged(logs, EMPLOYEE);
    expect([
      ["UPDATED", "UPDATED"],
      ["UPDATED", "STALE"],
    ]).toContainEqual(outcomes);
    expectRemoteAgent(s);
    expect((await s.table.ledger.entry(EMPLOYEE))?.appliedVersion).toBe(
      toVersion("2026-12-05T09:00:00Z"),
    );
    const updated = published(s, USER_UPDATED, EMPLOYEE);
    expect(updated).toHaveLength(outcomes.filter((outcome) => outcome === "UPDATED").length);
    expect(updated.at(-1)?.sourceEventId).toBe(JSON.parse(MOVE_REMOTE).eventId);
    if (outcomes.includes("STALE")) {
      expect(updated.map((detail) => detail.sourceEventId)).not.toContain(
        JSON.parse(older).eventId,
      );
    }
    expect((await collectReport(s)).deadLetters).toEqual([]);
  });
});

describe("a hire and its update delivered at once, for an employee with no user yet", () => {
  it("gives one user, as the update says, whichever environment claims the employee first", async () => {
    const s = await startSampleStack();
    stack = s;
    const { wrap } = lineUp(2);
    await enqueue(s.sqs, s.queues.queueUrl, [HIRE, MOVE_REMOTE]);
    const logs = await functionLogs(() =>
      runUntilDrained(s, environments(s, { count: 2, batchSize: 1, env: INFO, wrap: wrap() })),
    );

    // The hire first, then the update; or the update creates the user and the hire is late.
    expect([
      ["CREATED", "UPDATED"],
      ["CREATED", "STALE"],
    ]).toContainEqual(outcomesLogged(logs, EMPLOYEE));
    const user = expectRemoteAgent(s);
    expect(published(s, USER_CREATED, EMPLOYEE)).toEqual([
      expect.objectContaining({ outcome: "CREATED", userId: user?.id }),
    ]);
    expect((await s.table.ledger.entry(EMPLOYEE))?.appliedVersion).toBe(
      toVersion("2026-12-05T09:00:00Z"),
    );
    expect((await collectReport(s)).deadLetters).toEqual([]);
  });
});

describe("a user deleted in Connect by hand while the ledger still names it", () => {
  it("is created again by the next update (CREATED), not an error", async () => {
    const s = await hired();
    const [gone] = usersOf(s, EMPLOYEE);
    // The search index lags: it still shows the deleted user when the update comes.
    s.connect.setSearchLagMs(60_000);
    const admin = connectClientFor(s.connect);
    try {
      await admin.send(
        new DeleteUserCommand({ InstanceId: s.connect.instanceId, UserId: gone?.id }),
      );
    } finally {
      admin.destroy();
    }
    expect(usersOf(s, EMPLOYEE)).toEqual([]);
    expect((await s.table.ledger.entry(EMPLOYEE))?.userId).toBe(gone?.id);

    await enqueue(s.sqs, s.queues.queueUrl, [MOVE_REMOTE]);
    const logs = await functionLogs(() =>
      runUntilDrained(s, environments(s, { count: 2, env: INFO })),
    );

    expect(outcomesLogged(logs, EMPLOYEE)).toEqual(["CREATED"]);
    const user = expectRemoteAgent(s);
    expect(user?.id).not.toBe(gone?.id);
    const created = published(s, USER_CREATED, EMPLOYEE);
    expect(created.map((detail) => [detail.outcome, detail.userId])).toEqual([
      ["CREATED", gone?.id],
      ["CREATED", user?.id],
    ]);
    expect(created[1]).toMatchObject({
      sourceEventId: JSON.parse(MOVE_REMOTE).eventId,
      userArn: user?.arn,
      ruleId: "cc-agents",
      securityProfileIds: [AGENT],
      hierarchyGroupId: REMOTE_TEAM,
    });
    // Created as the update asks: nothing left to bring in line.
    expect(published(s, USER_UPDATED, EMPLOYEE)).toEqual([]);
    expect((await collectReport(s)).deadLetters).toEqual([]);
    expect(await s.table.ledger.entry(EMPLOYEE)).toMatchObject({
      userId: user?.id,
      appliedVersion: toVersion("2026-12-05T09:00:00Z"),
    });
    expect((await s.table.ledger.history(EMPLOYEE)).map((item) => item.action)).toEqual([
      "CREATED",
      "CREATED",
    ]);
  });
});
