/**
 * `onboard reconcile` on the local stack: a seeded instance with users in every class, a
 * ledger written by the real pipeline, and rosters in every form an HR system exports. Each
 * `--apply` path is checked by what lands on the onboarding queue, and the hires and updates
 * by what the function then makes of them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectClient, UpdateUserRoutingProfileCommand } from "@aws-sdk/client-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainQueue, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages } from "../../shared/queue-tools.js";
import { FAST_QUOTAS, SAMPLE_IDS, sampleSeed, startSampleStack } from "../support/local-stack.js";
import { FAST } from "./dead-letters.js";
import { onboard, onboardInProcess } from "./support.js";

interface Entry {
  class: string;
  employeeId: string | null;
  userId: string | null;
  username: string | null;
  ruleId: string | null;
  differences?: { aspect: string; from: unknown; to: unknown }[];
  failure?: { reason: string; message: string };
  note?: string;
  fix: string | null;
}

interface Report {
  asOf: string;
  entries: Entry[];
  totals: Record<string, number>;
  problems: { where: string; reason: string; message: string }[];
  applied: {
    sent: number;
    events: Record<string, number>;
    messageIds: string[];
    withheld: number;
  } | null;
}

const PROFILES = {
  basic: SAMPLE_IDS.basicRouting,
  care: SAMPLE_IDS.careRouting,
  agent: SAMPLE_IDS.agent,
  remote: SAMPLE_IDS.remoteTeam,
};
const ADMIN = "0e9d8c7b-0004-4a3b-9c2d-4000000000a1";
const ORPHAN = "0e9d8c7b-0004-4a3b-9c2d-4000000000a2";
const LEAVER = "0e9d8c7b-0004-4a3b-9c2d-4000000000a3";

const seededUser = (id: string, username: string, tags: Record<string, string>) => ({
  id,
  username,
  identityInfo: { FirstName: "Seeded", LastName: "User", Email: username },
  phoneConfig: {
    PhoneType: "SOFT_PHONE" as const,
    AutoAccept: false,
    AfterContactWorkTimeLimit: 0,
  },
  routingProfileId: PROFILES.basic,
  securityProfileIds: [PROFILES.agent],
  tags,
});

/** The employees HR lists as active, as a CSV export would (E31003 was made a supervisor). */
const ROSTER = [
  ["E31001", "Ana", "Lima", "ana.lima@example.com", "Customer Care", "Agent II", "Austin"],
  ["E31002", "Bo", "Ek", "bo.ek@example.com", "Customer Care", "Agent II", "Austin"],
  ["E31003", "Cy", "Vo", "cy.vo@example.com", "Customer Care", "Team Supervisor", "Austin"],
  ["E31004", "Di", "Ng", "di.ng@example.com", "Customer Care", "Agent I", "Remote"],
  ["E31006", "Ed", "Oz", "ed.oz@example.com", "Finance", "Analyst", "Austin"],
  ["E20002", "María", "García", "maria.garcia@example.com", "Customer Care", "Agent I", "Remote"],
  ["E00001", "Alex", "Kim", "alex.kim@example.com", "Customer Care", "Agent I", "Remote"],
];
const COLUMNS = [
  "employeeId",
  "firstName",
  "lastName",
  "workEmail",
  "department",
  "jobTitle",
  "location",
];
const AS_OF = "2026-12-01T09:00:00Z";

const rosterObjects = () =>
  ROSTER.map((row) => Object.fromEntries(COLUMNS.map((column, i) => [column, row[i]])));

let stack: LocalStack;
let dir: string;
let csv: string;
let base: string[];

beforeAll(async () => {
  const seed = sampleSeed({ quotas: FAST_QUOTAS });
  stack = await startSampleStack({
    // The orphans' terminations are removed when drained: a handful of active employees would
    // otherwise allow none by share (the deletion threshold is the leaver tests' business).
    functionEnv: { REMOVAL_THRESHOLD_PERCENT: "100" },
    seed: {
      ...seed,
      users: [
        ...(seed.users ?? []),
        seededUser(ADMIN, "admin@example.com", {}),
        seededUser(ORPHAN, "gone.before@example.com", {
          employeeId: "E39999",
          managedBy: "connect-onboarding",
        }),
        seededUser(LEAVER, "left.disabled@example.com", {
          employeeId: "E39998",
          managedBy: "connect-onboarding",
          status: "disabled",
        }),
      ],
    },
  });
  // Hired as HR first sent them; since then E31003 was made a supervisor, and E31005 left.
  const hire = (employee: Record<string, string>) =>
    JSON.stringify({
      eventType: "EmployeeHired",
      eventId: `hire-${employee.employeeId}`,
      occurredAt: "2026-11-28T10:00:00Z",
      employee,
    });
  const [e31001, e31002, e31003] = rosterObjects();
  await runPipeline(
    stack,
    [
      hire(e31001 as Record<string, string>),
      hire(e31002 as Record<string, string>),
      hire({ ...(e31003 as Record<string, string>), jobTitle: "Agent II" }),
      hire({
        employeeId: "E31005",
        firstName: "Fe",
        lastName: "Li",
        workEmail: "fe.li@example.com",
        department: "Customer Care",
        jobTitle: "Agent II",
        location: "Austin",
      }),
    ],
    FAST,
  );
  // Someone changes E31002's routing profile in the console.
  const edited = stack.connect.users().find((user) => user.tags.employeeId === "E31002");
  const connect = new ConnectClient({});
  await connect.send(
    new UpdateUserRoutingProfileCommand({
      InstanceId: stack.connect.instanceId,
      UserId: edited?.id,
      RoutingProfileId: PROFILES.basic,
    }),
  );
  connect.destroy();

  dir = mkdtempSync(join(tmpdir(), "connect-onboarding-reconcile-"));
  csv = join(dir, "roster.csv");
  writeFileSync(csv, `${[COLUMNS, ...ROSTER].map((row) => row.join(",")).join("\n")}\n`);
  base = [
    "reconcile",
    "--instance-id",
    stack.connect.instanceId,
    "--ledger-table",
    stack.table.ledgerTableName,
    "--table",
    stack.table.tableName,
    "--as-of",
    AS_OF,
    // The emulated quota (FAST_QUOTAS): 20 calls per second for every API.
    "--rps",
    "20",
  ];
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const reconcile = async (roster: string, ...extra: string[]) => {
  const run = await onboardInProcess([...base, "--roster", roster, "--json", ...extra]);
  return { ...run, report: JSON.parse(run.stdout) as Report };
};

const entryOf = (report: Report, employeeId: string | null, userId?: string) =>
  report.entries.filter(
    (entry) => entry.employeeId === employeeId && (userId === undefined || entry.userId === userId),
  );

/** BambooHR's sample webhook, with one more employee whose record lacks a work email. */
const bamboo = (): string => {
  const payload = JSON.parse(readFileSync("events/sources/payloads/bamboohr-webhook.json", "utf8"));
  payload.employees.push({
    action: "Updated",
    changedFields: ["Department"],
    fields: {
      "Employee #": "B50009",
      "First Name": "No",
      "Last Name": "Email",
      Department: "Sales",
    },
    id: "50009",
    timestamp: "2026-11-28T16:03:00+0000",
  });
  const file = join(dir, "bamboohr.json");
  writeFileSync(file, JSON.stringify(payload));
  return file;
};

const userOf = (employeeId: string) =>
  stack.connect.users().find((user) => user.tags.employeeId === employeeId)?.id;

describe("onboard reconcile on a seeded instance", () => {
  it("classifies every employee of the roster and every user of the instance", async () => {
    const { code, stderr, report } = await reconcile(csv);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(report.totals).toEqual({
      MISSING: 2,
      DRIFTED: 3,
      ORPHANED: 2,
      UNMANAGED: 2,
      IN_SYNC: 2,
    });
    const summary = report.entries.map((entry) => [
      entry.class,
      entry.employeeId,
      entry.differences?.map((d) => d.aspect) ?? null,
      entry.failure?.reason ?? null,
      entry.fix,
    ]);
    expect(summary).toEqual([
      ["MISSING", "E31004", null, null, "EmployeeHired"],
      ["MISSING", "E31006", null, "NoMappingRule", null],
      ["DRIFTED", "E20002", ["phoneConfig", "tags"], null, "EmployeeUpdated"],
      ["DRIFTED", "E31002", ["routingProfile"], null, "EmployeeUpdated"],
      ["DRIFTED", "E31003", ["securityProfiles", "phoneConfig"], null, "EmployeeUpdated"],
      ["ORPHANED", "E31005", null, null, "EmployeeTerminated"],
      ["ORPHANED", "E39999", null, null, "EmployeeTerminated"],
      ["UNMANAGED", "E00001", null, null, null],
      ["UNMANAGED", null, null, null, null],
      ["IN_SYNC", "E31001", null, null, null],
      ["IN_SYNC", "E39998", null, null, null],
    ]);
    // Users are named, and a MISSING employee has none.
    expect(entryOf(report, "E31004")[0]).toMatchObject({
      userId: null,
      username: null,
      ruleId: "cc-agents",
    });
    expect(entryOf(report, "E31002")[0]).toMatchObject({
      userId: userOf("E31002"),
      username: "bo.ek@example.com",
      ruleId: "cc-austin-agents",
      differences: [{ aspect: "routingProfile", from: PROFILES.basic, to: PROFILES.care }],
    });
    // The seeded user the ledger never saw is compared like any other.
    expect(entryOf(report, "E20002")[0]?.differences?.[0]).toMatchObject({
      aspect: "phoneConfig",
      fields: ["AutoAccept"],
    });
    expect(entryOf(report, "E31005")[0]).toMatchObject({ ruleId: "cc-austin-agents" });
    expect(entryOf(report, "E00001")[0]).toMatchObject({
      userId: "0e9d8c7b-0004-4a3b-9c2d-400000000002",
      username: "alex.kim@example.com",
    });
    expect(entryOf(report, null)[0]).toMatchObject({
      userId: ADMIN,
      username: "admin@example.com",
    });
    expect(entryOf(report, "E39998")[0]?.note).toMatch(/disabled/);
    expect(report.problems).toEqual([]);
    expect(report.applied).toBeNull();
    // Reconciling changed nothing.
    expect(stack.connect.stats().UpdateUserRoutingProfile?.requests).toBe(1);
    expect((await peekMessages(stack.sqs, stack.queues.queueUrl)).length).toBe(0);
  });

  it("prints a table a person reads: profile names, every difference, totals and the fixes", async () => {
    const run = await onboardInProcess([...base, "--roster", csv]);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toContain(`Roster ${csv}: 7 employees, as of 2026-12-01T09:00:00.000Z`);
    expect(out).toMatch(
      /DRIFTED\s+E31002\s+\S+\s+bo\.ek@example\.com\s+cc-austin-agents\s+routingProfile: "Basic Routing Profile" -> "Customer Care Routing"/,
    );
    expect(out).toMatch(
      /securityProfiles: "Agent", "Spanish QA" -> "Agent", "CallCenterManager"|securityProfiles: .*"CallCenterManager"/,
    );
    expect(out).toMatch(/MISSING\s+E31006\s+-\s+-\s+-\s+FAILS with NoMappingRule/);
    expect(out).toContain(
      "Totals: MISSING 2  DRIFTED 3  ORPHANED 2  UNMANAGED 2  IN_SYNC 2 (--all lists the 2 IN_SYNC)",
    );
    expect(out).toContain(
      "Fixes through the onboarding queue: 1 hire, 3 updates (2 terminations only with --include-orphans)",
    );
    expect(out).not.toMatch(/^\s+IN_SYNC/m);
    const all = await onboardInProcess([...base, "--roster", csv, "--all"]);
    expect(all.stdout).toMatch(/^\s+IN_SYNC\s+E31001/m);
  });

  it("reads the roster as bare employee objects, as canonical events in any envelope, and as CSV alike", async () => {
    const json = join(dir, "roster.json");
    const jsonl = join(dir, "roster.jsonl");
    const objects = rosterObjects();
    writeFileSync(json, JSON.stringify(objects));
    writeFileSync(
      jsonl,
      objects
        .map((employee, i) =>
          JSON.stringify(
            i % 2 === 0
              ? { eventType: "EmployeeUpdated", eventId: `e-${i}`, employee }
              : {
                  version: "0",
                  id: `eb-${i}`,
                  "detail-type": "Employee Updated",
                  source: "hr",
                  time: AS_OF,
                  detail: employee,
                },
          ),
        )
        .join("\n"),
    );
    const fromCsv = await reconcile(csv);
    for (const file of [json, jsonl]) {
      const other = await reconcile(file);
      expect(other.stderr, file).toBe("");
      expect(other.report.entries, file).toEqual(fromCsv.report.entries);
    }
  });

  it("reads payloads through the source mappings, and names the records it cannot read", async () => {
    const { code, stderr, report } = await reconcile(bamboo(), "--sources", "events/sources");
    expect(code).toBe(1);
    expect(report.problems).toEqual([
      {
        where: "bamboohr.json employee 4",
        reason: "SourceMappingFailed",
        message: "source bamboohr: employee.workEmail: the expression found nothing in the payload",
      },
    ]);
    expect(stderr).toContain(
      "bamboohr.json employee 4: SourceMappingFailed: source bamboohr: employee.workEmail:",
    );
    expect(entryOf(report, "B50001")[0]).toMatchObject({ class: "MISSING", fix: "EmployeeHired" });
    // Every user the service manages is absent from this roster; the disabled leaver's is as
    // the lifecycle leaves it.
    expect(report.totals).toMatchObject({ ORPHANED: 6, IN_SYNC: 1 });
  });

  it("refuses to send removals while a roster record cannot be read", async () => {
    const run = await onboardInProcess([
      ...base,
      "--roster",
      bamboo(),
      "--sources",
      "events/sources",
      "--apply",
      "--queue-url",
      stack.queues.queueUrl,
      "--yes",
      "--include-orphans",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/would look like a leaver: nothing sent/);
    expect((await peekMessages(stack.sqs, stack.queues.queueUrl)).length).toBe(0);
  });

  it("shows progress on a terminal, on stderr, and nothing there otherwise", async () => {
    const tty = await onboardInProcess([...base, "--roster", csv, "--json"], { interactive: true });
    // A bar redrawn in place ("\r" and erase-line), ending on the whole roster.
    expect(tty.stderr).toContain(`\r${String.fromCharCode(27)}[K[`);
    expect(tty.stderr).toMatch(
      /\] 7\/7 {2}MISSING 2 {2}DRIFTED 3 {2}ORPHANED 0 {2}UNMANAGED 1 {2}IN_SYNC 1\n$/,
    );
    expect(() => JSON.parse(tty.stdout)).not.toThrow();
    const piped = await onboardInProcess([...base, "--roster", csv, "--json"]);
    expect(piped.stderr).toBe("");
  });

  it("never fixes with a roster older than what the ledger applied", async () => {
    const { report } = await reconcile(csv, "--as-of", "2026-11-01T00:00:00Z");
    // The ledger applied the hires of 2026-11-28: fixes from 2026-11-01 would be stale.
    for (const id of ["E31002", "E31003", "E31005"]) {
      const [entry] = entryOf(report, id);
      expect(entry?.fix, id).toBeNull();
      expect(entry?.note, id).toMatch(/stale/);
    }
    // The employees the ledger never saw are fixed at the roster's time.
    expect(entryOf(report, "E31004")[0]?.fix).toBe("EmployeeHired");
    expect(entryOf(report, "E39999")[0]?.fix).toBe("EmployeeTerminated");
  });
});

describe("onboard reconcile --apply", () => {
  const apply = (...extra: string[]) => [
    ...base,
    "--roster",
    csv,
    "--apply",
    "--queue-url",
    stack.queues.queueUrl,
    ...extra,
  ];

  it("refuses without --yes when no terminal can answer, before reading anything", async () => {
    const run = await onboard(apply(), stack);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no terminal can answer here .*give --yes/);
    expect((await peekMessages(stack.sqs, stack.queues.queueUrl)).length).toBe(0);
  });

  it("asks first with the counts, and sends nothing unless told yes", async () => {
    const questions: string[] = [];
    const run = await onboardInProcess(apply(), {
      prompt: async (question) => {
        questions.push(question);
        return "n";
      },
    });
    expect(questions).toEqual([
      `Send 4 events (1 hire, 3 updates) to ${stack.queues.queueUrl}? The function applies them with its pacing, deletion threshold and quarantine. [y/N] `,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Nothing sent.");
    expect((await peekMessages(stack.sqs, stack.queues.queueUrl)).length).toBe(0);
  });

  it("sends a hire per MISSING and an update per DRIFTED employee, and the function brings them in line", async () => {
    const run = await onboardInProcess(apply(), { prompt: async () => "yes" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Sent 4 events (1 hire, 3 updates) to ${stack.queues.queueUrl}.`);
    // The same roster again: the same events (same eventIds and versions), which the function
    // applies once.
    const again = await reconcile(csv, "--apply", "--queue-url", stack.queues.queueUrl, "--yes");
    expect(again.report.applied).toMatchObject({
      sent: 4,
      events: { EmployeeHired: 1, EmployeeUpdated: 3 },
      withheld: 2,
    });
    const queued = (await peekMessages(stack.sqs, stack.queues.queueUrl)).map(
      (message) => JSON.parse(message.body) as Record<string, unknown>,
    );
    expect(queued).toHaveLength(8);
    const byEmployee = (id: string) =>
      queued.filter((body) => (body.employee as { employeeId: string }).employeeId === id);
    expect(byEmployee("E31004")[0]).toEqual({
      eventType: "EmployeeHired",
      eventId: `onboard-reconcile-E31004-${Date.parse(AS_OF)}`,
      occurredAt: "2026-12-01T09:00:00.000Z",
      source: "onboard-reconcile",
      employee: {
        employeeId: "E31004",
        firstName: "Di",
        lastName: "Ng",
        workEmail: "di.ng@example.com",
        department: "Customer Care",
        jobTitle: "Agent I",
        location: "Remote",
      },
    });
    for (const id of ["E31002", "E31003", "E20002"]) {
      expect(
        byEmployee(id).map((body) => body.eventType),
        id,
      ).toEqual(["EmployeeUpdated", "EmployeeUpdated"]);
    }
    expect(queued.some((body) => body.eventType === "EmployeeTerminated")).toBe(false);

    await drainQueue(stack, FAST);
    const after = await reconcile(csv);
    expect(after.report.totals).toMatchObject({ MISSING: 1, DRIFTED: 0, IN_SYNC: 6 });
    expect(entryOf(after.report, "E31006")[0]?.failure?.reason).toBe("NoMappingRule");
    expect(stack.connect.users().filter((user) => user.tags.employeeId === "E31004")).toHaveLength(
      1,
    );
    expect(
      stack.connect.users().find((user) => user.tags.employeeId === "E31002")?.routingProfileId,
    ).toBe(PROFILES.care);
  });

  it("with --include-orphans also sends a canonical termination for each ORPHANED user", async () => {
    const run = await reconcile(
      csv,
      "--apply",
      "--queue-url",
      stack.queues.queueUrl,
      "--yes",
      "--include-orphans",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.applied).toMatchObject({
      sent: 2,
      events: { EmployeeTerminated: 2 },
      withheld: 0,
    });
    const queued = (await peekMessages(stack.sqs, stack.queues.queueUrl)).map(
      (message) => JSON.parse(message.body) as Record<string, unknown>,
    );
    const version = Date.parse(AS_OF);
    expect(queued.sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)))).toEqual(
      ["E31005", "E39999"].map((employeeId) => ({
        eventType: "EmployeeTerminated",
        eventId: `onboard-reconcile-${employeeId}-${version}`,
        occurredAt: "2026-12-01T09:00:00.000Z",
        source: "onboard-reconcile",
        employee: { employeeId },
      })),
    );
    // What the function does with them is the leavers' business (removal, the deletion
    // threshold, quarantine); the queue is left empty for the tests after this one.
    await drainQueue(stack, FAST);
  });
});
