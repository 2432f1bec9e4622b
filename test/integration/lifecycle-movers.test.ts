/**
 * Movers and corrections on the local stack (DESIGN sections 4 and 7): what HR changes about an
 * employee reaches their one Connect user, each aspect through its own API, and is announced in
 * a "Connect User Updated" event; a username that no longer fits is reported, never a second
 * user. Then a hire for a user that already exists, and the timeline `onboard history` prints.
 */
import { CreateUserCommand } from "@aws-sdk/client-connect";
import { afterEach, describe, expect, it } from "vitest";
import { connectClientFor } from "../../emulators/connect/testing.js";
import { collectReport, runPipeline } from "../../local/pipeline.js";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";
import { USER_CREATED, USER_UPDATED } from "../../shared/domain/output-events.js";
import { CONNECT_APIS } from "../../shared/ports.js";
import { onboardInProcess } from "../cli/support.js";
import {
  apiStats,
  CHANGE_APIS,
  callsSince,
  employeeEvent,
  environments,
  functionLogs,
  outcomesLogged,
  published,
  runUntilDrained,
  usersOf,
} from "../support/lifecycle.js";
import { SAMPLE_IDS, sampleSeed, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 2, timeoutMs: 10_000, drainTimeoutMs: 60_000 };
const INFO = { POWERTOOLS_LOG_LEVEL: "INFO" };

// The sample instance's profiles (events/connect-seed.json).
const {
  careRouting: CARE_ROUTING,
  salesRouting: SALES_ROUTING,
  agent: AGENT,
  spanishQa: SPANISH_QA,
  austinTeam1: AUSTIN_TEAM_1,
  remoteTeam: REMOTE_TEAM,
  salesEast: SALES_EAST,
} = SAMPLE_IDS;

const NO_CHANGE_CALLS = Object.fromEntries(CHANGE_APIS.map((api) => [api, 0]));

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Runs events through two fresh Lambda environments, returning their log lines. */
const deliver = async (s: LocalStack, bodies: string[]) => {
  await enqueue(s.sqs, s.queues.queueUrl, bodies);
  return functionLogs(() => runUntilDrained(s, environments(s, { count: 2, env: INFO })));
};

describe("a correction that changes the username the template gives", () => {
  it.each([
    {
      name: "an email correction with the default {workEmail} template",
      env: {} as Record<string, string>,
      correction: { workEmail: "jose.nunez@corp.example.com" },
      fields: ["Email"],
      drift: { current: "jose.nunez@example.com", desired: "jose.nunez@corp.example.com" },
    },
    {
      name: "a last-name change with USERNAME_TEMPLATE={firstName}.{lastName}",
      env: { USERNAME_TEMPLATE: "{firstName}.{lastName}" },
      correction: { lastName: "Núñez Ortega" },
      fields: ["LastName"],
      drift: { current: "jose.nunez", desired: "jose.nunezortega" },
    },
  ])("$name: one user, updated, the Updated event carrying usernameDrift", async (c) => {
    const s = await startSampleStack({ functionEnv: c.env });
    stack = s;
    const hire = employeeEvent("EmployeeHired", "2026-11-28T10:00:00Z", {});
    const correction = employeeEvent("EmployeeUpdated", "2026-12-02T08:30:00Z", c.correction);
    await runPipeline(s, [hire], FAST);
    const [user] = usersOf(s, "E12345");
    expect(user?.username).toBe(c.drift.current);
    const before = apiStats(s, [...CHANGE_APIS, "CreateUser"]);

    const logs = await deliver(s, [correction]);

    expect(outcomesLogged(logs, "E12345")).toEqual(["UPDATED"]);
    // Never a second user: not by employee, not under the new username.
    expect(s.connect.users().filter((u) => u.username === c.drift.desired)).toEqual([]);
    const users = usersOf(s, "E12345");
    expect(users).toHaveLength(1);
    expect(users[0]?.id).toBe(user?.id);
    expect(users[0]?.username).toBe(c.drift.current);
    expect(users[0]?.identityInfo).toEqual({
      ...user?.identityInfo,
      ...(c.correction.workEmail ? { Email: c.correction.workEmail } : {}),
      ...(c.correction.lastName ? { LastName: c.correction.lastName } : {}),
    });
    expect(callsSince(s, before)).toEqual({
      ...NO_CHANGE_CALLS,
      UpdateUserIdentityInfo: 1,
      CreateUser: 0,
    });
    const updated = published(s, USER_UPDATED, "E12345");
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      sourceEventId: JSON.parse(correction).eventId,
      userId: user?.id,
      username: c.drift.current,
      // Which identity fields changed, never their values.
      changes: [{ aspect: "identityInfo", from: null, to: null, fields: c.fields }],
      usernameDrift: c.drift,
    });
    expect(published(s, USER_CREATED, "E12345")).toHaveLength(1);
    expect((await collectReport(s)).deadLetters).toEqual([]);
    // The ledger knows the user by ID; the username (here an email) is not kept.
    const entry = await s.table.ledger.entry("E12345");
    expect(entry).toMatchObject({ userId: user?.id });
    expect(JSON.stringify(entry)).not.toContain(c.drift.current);
  });
});

describe("a mover", () => {
  // Two rules that differ in routing, security and hierarchy only.
  const rules = parseRulesJson(
    JSON.stringify(
      [
        ["care", "Customer Care", "Customer Care Routing", ["Agent"], "Remote Team"],
        ["sales", "Sales", "Sales Routing", ["Agent", "Spanish QA"], "Sales East"],
      ].map(([ruleId, department, routingProfile, securityProfiles, hierarchyGroup]) => ({
        ruleId,
        priority: 0,
        enabled: true,
        match: { department },
        routingProfile,
        securityProfiles,
        hierarchyGroup,
        phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
        tags: { costCenter: "CC-200" },
      })),
    ),
  ).rules;

  it("needing routing, security and hierarchy changes costs one call per API, and nothing else", async () => {
    const s = await startSampleStack({ rules });
    stack = s;
    await runPipeline(
      s,
      [employeeEvent("EmployeeHired", "2026-11-28T10:00:00Z", { employeeId: "E-mv" })],
      FAST,
    );
    const [user] = usersOf(s, "E-mv");
    expect(user).toMatchObject({ routingProfileId: CARE_ROUTING, hierarchyGroupId: REMOTE_TEAM });
    const lookups = ["CreateUser", "DescribeUser", "SearchUsers", "ListUsers"] as const;
    const before = apiStats(s, [...CHANGE_APIS, ...lookups]);

    const move = employeeEvent("EmployeeUpdated", "2026-12-07T08:00:00Z", {
      employeeId: "E-mv",
      department: "Sales",
    });
    const logs = await deliver(s, [move]);

    expect(outcomesLogged(logs, "E-mv")).toEqual(["UPDATED"]);
    const after = apiStats(s, [...CHANGE_APIS, ...lookups]);
    const requests = Object.fromEntries(
      Object.entries(after).map(([api, stats]) => [
        api,
        stats.requests - (before[api]?.requests ?? 0),
      ]),
    );
    expect(requests).toEqual({
      ...NO_CHANGE_CALLS,
      UpdateUserRoutingProfile: 1,
      UpdateUserSecurityProfiles: 1,
      UpdateUserHierarchy: 1,
      // The ledger names the user: one DescribeUser, no search, no create.
      CreateUser: 0,
      DescribeUser: 1,
      SearchUsers: 0,
      ListUsers: 0,
    });
    expect(usersOf(s, "E-mv")).toEqual([
      {
        ...user,
        routingProfileId: SALES_ROUTING,
        securityProfileIds: [AGENT, SPANISH_QA],
        hierarchyGroupId: SALES_EAST,
      },
    ]);
    expect(published(s, USER_UPDATED, "E-mv")).toEqual([
      expect.objectContaining({
        ruleId: "sales",
        changes: [
          { aspect: "routingProfile", from: CARE_ROUTING, to: SALES_ROUTING },
          { aspect: "securityProfiles", from: [AGENT], to: [AGENT, SPANISH_QA] },
          { aspect: "hierarchyGroup", from: REMOTE_TEAM, to: SALES_EAST },
        ],
      }),
    ]);
    expect(published(s, USER_UPDATED, "E-mv")[0]).not.toHaveProperty("usernameDrift");
  });
});

describe("a hire for a user that already exists, tagged for the employee and managed", () => {
  /** María García's user in the sample seed: E20002, managed, but not as rule cc-austin-agents has it. */
  const MARIA = {
    employeeId: "E20002",
    firstName: "María",
    lastName: "García",
    workEmail: "maria.garcia@example.com",
    mobilePhone: undefined,
    department: "Customer Care",
    location: "Austin",
    jobTitle: "Agent I",
  };
  const HIRE = employeeEvent("EmployeeHired", "2026-11-30T09:00:00Z", MARIA);
  const MOVE = employeeEvent("EmployeeUpdated", "2026-12-10T09:00:00Z", {
    ...MARIA,
    location: "Remote",
  });

  const expectAdopted = (s: LocalStack, userId: string) => {
    expect(usersOf(s, "E20002")).toHaveLength(1);
    expect(published(s, USER_CREATED, "E20002")).toEqual([
      expect.objectContaining({
        userId,
        outcome: "ALREADY_EXISTED",
        ruleId: "cc-austin-agents",
        // As found: the Updated event says what was brought in line.
        routingProfileId: CARE_ROUTING,
        securityProfileIds: [AGENT],
        hierarchyGroupId: REMOTE_TEAM,
      }),
    ]);
    expect(published(s, USER_UPDATED, "E20002")).toEqual([
      expect.objectContaining({
        userId,
        changes: [
          { aspect: "securityProfiles", from: [AGENT], to: [AGENT, SPANISH_QA] },
          { aspect: "hierarchyGroup", from: REMOTE_TEAM, to: AUSTIN_TEAM_1 },
          { aspect: "tags", from: { costCenter: null }, to: { costCenter: "CC-100" } },
        ],
      }),
    ]);
    expect(usersOf(s, "E20002")[0]).toMatchObject({
      id: userId,
      securityProfileIds: [AGENT, SPANISH_QA],
      hierarchyGroupId: AUSTIN_TEAM_1,
      tags: { employeeId: "E20002", managedBy: "connect-onboarding", costCenter: "CC-100" },
    });
  };

  it("found by its tag: brought in line, announced as Created(ALREADY_EXISTED) then Updated", async () => {
    const s = await startSampleStack();
    stack = s;
    const [seeded] = usersOf(s, "E20002");
    const before = apiStats(s, ["CreateUser"]);

    const logs = await deliver(s, [HIRE]);

    expect(outcomesLogged(logs, "E20002")).toEqual(["ALREADY_EXISTED"]);
    // The tag search found it: no CreateUser was tried.
    expect(callsSince(s, before)).toEqual({ CreateUser: 0 });
    expectAdopted(s, seeded?.id as string);
    expect((await collectReport(s)).deadLetters).toEqual([]);
  });

  it("made by hand a moment ago, before the search index has it: found through its username", async () => {
    const s = await startSampleStack({
      seed: sampleSeed({
        quotas: Object.fromEntries(CONNECT_APIS.map((api) => [api, { rps: 20, burst: 5 }])),
        users: [],
        searchLagMs: 60_000,
      }),
    });
    stack = s;
    const admin = connectClientFor(s.connect);
    let userId: string | undefined;
    try {
      ({ UserId: userId } = await admin.send(
        new CreateUserCommand({
          InstanceId: s.connect.instanceId,
          Username: "maria.garcia@example.com",
          IdentityInfo: {
            FirstName: "María",
            LastName: "García",
            Email: "maria.garcia@example.com",
          },
          PhoneConfig: {
            PhoneType: "SOFT_PHONE",
            AutoAccept: false,
            AfterContactWorkTimeLimit: 30,
          },
          RoutingProfileId: CARE_ROUTING,
          SecurityProfileIds: [AGENT],
          HierarchyGroupId: REMOTE_TEAM,
          Tags: { employeeId: "E20002", managedBy: "connect-onboarding" },
        }),
      ));
    } finally {
      admin.destroy();
    }
    const before = apiStats(s, ["CreateUser"]);

    const logs = await deliver(s, [HIRE]);

    expect(outcomesLogged(logs, "E20002")).toEqual(["ALREADY_EXISTED"]);
    // The search missed it; CreateUser said the username is taken, and that user is the
    // employee's.
    expect(s.connect.stats().CreateUser?.clientErrors).toBe(
      (before.CreateUser?.clientErrors ?? 0) + 1,
    );
    expect(callsSince(s, before)).toEqual({ CreateUser: 0 });
    expectAdopted(s, userId as string);
    expect((await collectReport(s)).deadLetters).toEqual([]);
  });

  it("then moved: `onboard history` shows the timeline of those runs, in text and --json", async () => {
    const s = await startSampleStack();
    stack = s;
    const [seeded] = usersOf(s, "E20002");
    await deliver(s, [HIRE]);
    const logs = await deliver(s, [MOVE]);
    expect(outcomesLogged(logs, "E20002")).toEqual(["UPDATED"]);
    const ledger = ["--ledger-table", s.table.ledgerTableName];

    const text = await onboardInProcess(["history", "E20002", ...ledger]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "Employee E20002",
      `  Now: ACTIVE, user ${seeded?.id}, rule cc-agents`,
      `  Last applied: event ${JSON.parse(MOVE).eventId} of 2026-12-10T09:00:00.000Z`,
    ]);
    const rows = lines.filter((line) => line.startsWith("  2026-")).map((line) => line.trim());
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      new RegExp(
        `^2026-11-30T09:00:00\\.000Z +\\S+ +EmployeeHired ${JSON.parse(HIRE).eventId} +ALREADY_EXISTED +cc-austin-agents +securityProfiles: \\["${AGENT}"\\] -> \\["${AGENT}","${SPANISH_QA}"\\]; hierarchyGroup: "${REMOTE_TEAM}" -> "${AUSTIN_TEAM_1}"; tags: \\{"costCenter":null\\} -> \\{"costCenter":"CC-100"\\}$`,
      ),
    );
    expect(rows[1]).toMatch(
      new RegExp(
        `^2026-12-10T09:00:00\\.000Z +\\S+ +EmployeeUpdated ${JSON.parse(MOVE).eventId} +UPDATED +cc-agents +securityProfiles: .+; hierarchyGroup: "${AUSTIN_TEAM_1}" -> "${REMOTE_TEAM}"; phoneConfig: .+; tags: \\{"costCenter":"CC-100"\\} -> \\{"costCenter":"CC-200"\\}$`,
      ),
    );
    // The ledger keeps no names or emails: neither does the timeline.
    expect(text.stdout).not.toContain("García");
    expect(text.stdout).not.toContain("maria.garcia@example.com");

    const json = await onboardInProcess(["history", "E20002", ...ledger, "--json"]);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document).toEqual({
      employeeId: "E20002",
      state: {
        status: "ACTIVE",
        userId: seeded?.id,
        userArn: seeded?.arn,
        ruleId: "cc-agents",
        appliedVersion: Date.parse("2026-12-10T09:00:00Z"),
        appliedAt: "2026-12-10T09:00:00.000Z",
        appliedEventId: JSON.parse(MOVE).eventId,
        matchAttributes: expect.objectContaining({
          department: "Customer Care",
          location: "Remote",
          jobTitle: "Agent I",
        }),
      },
      history: [
        expect.objectContaining({
          version: Date.parse("2026-11-30T09:00:00Z"),
          eventId: JSON.parse(HIRE).eventId,
          eventType: "EmployeeHired",
          action: "ALREADY_EXISTED",
          userId: seeded?.id,
          ruleId: "cc-austin-agents",
          changes: published(s, USER_UPDATED, "E20002")[0]?.changes,
        }),
        expect.objectContaining({
          version: Date.parse("2026-12-10T09:00:00Z"),
          eventId: JSON.parse(MOVE).eventId,
          eventType: "EmployeeUpdated",
          action: "UPDATED",
          userId: seeded?.id,
          ruleId: "cc-agents",
          changes: published(s, USER_UPDATED, "E20002")[1]?.changes,
        }),
      ],
    });
    expect(json.stdout).not.toContain("García");
  });
});
