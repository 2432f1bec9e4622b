/** `npm start` as a user runs it: a separate process on the default samples. */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { PipelineReport } from "../../local/pipeline.js";
import { publishedEventProblems } from "../support/event-contracts.js";
import { hireBody } from "../support/lambda-events.js";
import { finished, type Run } from "../support/processes.js";
import { temporaryDirectory } from "../support/temp-dir.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

const dir = mkdtempSync(join(tmpdir(), "npm-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rulesFile = (name: string, rules: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(rules));
  return path;
};
const AGENTS = {
  ruleId: "agents",
  routingProfile: "Customer Care Routing",
  securityProfiles: ["Agent"],
};

const start = (...args: string[]): Promise<Run> =>
  finished(
    spawn(TSX, ["local/start.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "INFO" },
    }),
  );

/** As a user's shell runs it: no log level set, and the SDK's notice not switched off. */
const startAsUser = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> => {
  const base: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete base.POWERTOOLS_LOG_LEVEL;
  delete base.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return finished(spawn(TSX, ["local/start.ts", ...args], { cwd: ROOT, env: base }));
};

/** The log lines of a run's stderr (JSON objects), the rest left out. */
const logsOf = (stderr: string): Record<string, unknown>[] =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("npm start", () => {
  it("runs the sample phases and prints the JSON report of docs/local-stack.md alone on stdout", async () => {
    const run = await start("--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as PipelineReport;
    expect(Object.keys(report).sort()).toEqual([
      "deadLetters",
      "published",
      "quarantine",
      "queued",
      "scheduled",
      "stats",
      "users",
    ]);
    // Nothing trips the quarantine in the samples: every message is done, none waits.
    expect(report.quarantine).toEqual({ active: false, reason: null });
    expect(report.queued).toEqual([]);
    // Phase one: the canonical samples (12 bodies) and the shipped source mappings' payloads (5
    // bodies, 7 employees: BambooHR's webhook carries 3). Phase two: a mover, an email
    // correction, an update that changes nothing, the newer of two updates; phase three: the
    // older one, late. Every plan outcome shows. Phases four and five: the leavers (five
    // terminations, one rescission: events/leavers/README.md).
    expect(report.stats).toMatchObject({
      received: 28,
      created: 11,
      alreadyExisted: 1,
      // The rehire adopted and brought in line, the mover, the correction, the newer update.
      updated: 4,
      unchanged: 1,
      stale: 1,
      // E12346 at once, E12347 ten seconds later (waited for).
      removed: 2,
      // E12347, E12348 (rescinded next), C60002 (still scheduled).
      scheduled: 3,
      failed: 8,
    });
    const removed = report.published.filter((event) => event.detailType === "Connect User Removed");
    expect(removed.map((event) => event.detail.employeeId).sort()).toEqual(["E12346", "E12347"]);
    expect(
      report.published
        .filter((event) => event.detailType === "Connect User Removal Scheduled")
        .map((event) => event.detail.employeeId)
        .sort(),
    ).toEqual(["C60002", "E12347", "E12348"]);
    expect(report.scheduled).toEqual([
      {
        employeeId: "C60002",
        userId: report.users.find((user) => user.tags.employeeId === "C60002")?.id,
        effectiveAt: "2099-12-31T15:00:00.000Z",
      },
    ]);
    // Rescinded: Oluwaseun keeps his user; the unmanaged E00001 keeps its own.
    expect(report.users.filter((user) => user.tags.employeeId === "E12348")).toHaveLength(1);
    expect(report.users.filter((user) => user.tags.employeeId === "E00001")).toHaveLength(1);
    const updated = report.published.filter((event) => event.detailType === "Connect User Updated");
    const aspects = (employeeId: string) =>
      (
        (updated.find((event) => event.detail.employeeId === employeeId)?.detail.changes ?? []) as {
          aspect: string;
        }[]
      ).map((change) => change.aspect);
    expect(aspects("E12345")).toEqual([
      "routingProfile",
      "securityProfiles",
      "hierarchyGroup",
      "phoneConfig",
      "tags",
    ]);
    expect(
      updated.find((event) => event.detail.employeeId === "E12346")?.detail.usernameDrift,
    ).toEqual({ current: "priya.patel@example.com", desired: "priya.patel-shah@example.com" });
    // The late, older update moved nobody to Quality.
    expect(report.users.find((user) => user.tags.employeeId === "E12348")?.routingProfileId).toBe(
      "8f1e2d3c-0001-4a5b-8c7d-100000000003",
    );
    expect(report.stats.durationMs).toBeGreaterThan(0);
    for (const user of report.users) {
      expect(Object.keys(user).sort()).toEqual(
        [
          "arn",
          "hierarchyGroupId",
          "id",
          "identityInfo",
          "phoneConfig",
          "routingProfileId",
          "securityProfileIds",
          "tags",
          "username",
        ].sort(),
      );
    }
    // Thirteen, less the two leavers deleted.
    expect(report.users).toHaveLength(11);
    const jose = report.users.find(
      (u: { username: string }) => u.username === "jose.nunez@example.com",
    );
    expect(jose?.identityInfo).toMatchObject({ FirstName: "Pepe", LastName: "Núñez" });
    // Moved to Sales in phase two: the sales-desk rule's desk phone and cost center.
    expect(jose?.phoneConfig).toEqual({
      PhoneType: "DESK_PHONE",
      AutoAccept: false,
      AfterContactWorkTimeLimit: 15,
      DeskPhoneNumber: "+15125550142",
    });
    expect(jose?.tags).toEqual({
      costCenter: "SL-300",
      employeeId: "E12345",
      managedBy: "connect-onboarding",
    });
    for (const event of report.published) {
      expect(Object.keys(event).sort()).toEqual(["detail", "detailType", "source"]);
      expect(typeof event.detail).toBe("object");
    }
    // What the run published conforms to docs/schemas/, as every published event must.
    expect(publishedEventProblems(report.published)).toEqual([]);
    expect(report.deadLetters.map((l: { reason: string }) => l.reason).sort()).toEqual([
      "InvalidEvent",
      "InvalidJson",
      "MissingDeskPhone",
      "NoMappingRule",
      "NotManaged",
      "ProfileNotFound",
      "UnsupportedEventType",
      "UsernameTaken",
    ]);
    expect(report.deadLetters.map((l: { body: string }) => l.body)).toContain(
      "this line is not JSON",
    );
    // The logs went to stderr, and carry no personal data.
    expect(run.stderr).toContain("Connect user in line with HR");
    expect(run.stderr).toContain("Batch processed");
    expect(run.stderr).not.toContain("jose.nunez@example.com");
    expect(run.stderr).not.toContain("Núñez");

    // cold_start as Lambda would say it: true in each environment's first invocation only. The
    // environments share the function's name, as on AWS; each has its own log stream.
    const logs = logsOf(run.stderr).filter((log) => log.function_request_id !== undefined);
    expect(new Set(logs.map((log) => log.function_name)).size).toBe(1);
    const environments = new Set(logs.map((log) => log.function_log_stream));
    expect(environments.size).toBe(2);
    for (const name of environments) {
      const own = logs.filter((log) => log.function_log_stream === name);
      const first = own[0]?.function_request_id;
      expect(own.filter((log) => log.cold_start).length).toBeGreaterThan(0);
      for (const log of own) expect(log.cold_start).toBe(log.function_request_id === first);
    }
  }, 60_000);

  it("keeps the terminal readable by default: no log lines, no SDK notice, other warnings shown", async () => {
    const probe = join(temporaryDirectory("npm-start-probe"), "probe.mjs");
    writeFileSync(probe, 'process.emitWarning("probe: some other warning");\n');
    const run = await startAsUser([], { NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^connect-onboarding on the local stack: 28 received/);
    expect(run.stderr).toContain("probe: some other warning");
    expect(run.stderr).not.toContain("NodeVersionSupportWarning");
    expect(logsOf(run.stderr)).toEqual([]);
  }, 60_000);

  it("shows the function's logs with --verbose", async () => {
    const run = await startAsUser(["--verbose", "--events", "events/hires/01-new-hires.json"]);
    expect(run.code).toBe(0);
    expect(
      logsOf(run.stderr).filter((log) => log.message === "Connect user in line with HR"),
    ).toHaveLength(5);
  }, 60_000);

  it("prints JSON alone on stdout when run through npm with -s, as the docs say", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.POWERTOOLS_LOG_LEVEL;
    const run = await finished(
      spawn("npm", ["start", "-s", "--", "--json", "--events", "events/hires/01-new-hires.json"], {
        cwd: ROOT,
        env,
      }),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).stats).toMatchObject({ received: 5, created: 4 });
  }, 60_000);

  it("provisions a hire with emoji that fauxqs refuses and SQS accepts, and parks a non-JSON line with one as InvalidJson", async () => {
    const dir = temporaryDirectory("npm-start-emoji");
    const events = join(dir, "emoji.jsonl");
    const hire = hireBody({
      employeeId: "EMOJI1",
      workEmail: "zoe.emoji@example.com",
      firstName: "Zoë 👩🏽‍💻",
      lastName: "Sparklewood 🌈",
    });
    writeFileSync(events, `${hire}\nnot json 🦄\n`);
    const run = await start("--json", "--events", events);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const zoe = report.users.find(
      (user: { username: string }) => user.username === "zoe.emoji@example.com",
    );
    expect(zoe.identityInfo).toMatchObject({ FirstName: "Zoë 👩🏽‍💻", LastName: "Sparklewood 🌈" });
    expect(report.deadLetters).toEqual([
      { body: "not json \uFFFD", reason: "InvalidJson", message: "body is not valid JSON" },
    ]);
    expect(run.stderr).toContain(
      "note: emoji.jsonl line 1: the queue refused its characters beyond U+FFFF (SQS takes them; the local stack's fauxqs does not): sent with them as \\u escapes, the same JSON",
    );
    expect(run.stderr).toContain(
      "note: emoji.jsonl line 2: the queue refused its characters beyond U+FFFF (SQS takes them; the local stack's fauxqs does not): not JSON, so sent with U+FFFD in their place; it is parked as InvalidJson, as on AWS",
    );
  }, 60_000);

  it("refuses a body over SQS's size limit with one line, before starting anything", async () => {
    const dir = temporaryDirectory("npm-start-big");
    const events = join(dir, "big.jsonl");
    writeFileSync(events, `${hireBody()}\n${"x".repeat(1_100_000)}\n`);
    const run = await start("--events", events);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "--events: big.jsonl line 2: 1,100,000 bytes, over SQS's limit of 1,048,576 bytes per message\n",
    );
  });

  it("prints a summary table by default", async () => {
    const run = await start();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^connect-onboarding on the local stack: 28 received, 11 created, 1 already existed, 4 updated, 1 unchanged, 1 stale, 2 removed, 3 scheduled, 8 in the DLQ/,
    );
    expect(run.stdout).toMatch(
      /E12346\s+REMOVED\s+user \S+ deleted \(termination wd-term-E12346\)/,
    );
    expect(run.stdout).toMatch(/E12348\s+RESCINDED\s+pending termination rescinded/);
    expect(run.stdout).toMatch(/E00001\s+DLQ NotManaged/);
    expect(run.stdout).toMatch(
      /Still scheduled[^\n]*\n[^\n]*\nC60002\s+\S+\s+2099-12-31T15:00:00\.000Z/,
    );
    expect(run.stdout).toMatch(
      /E12345\s+UPDATED\s+routingProfile, securityProfiles, hierarchyGroup, phoneConfig, tags \(rule sales-desk\)/,
    );
    expect(run.stdout).toMatch(/E12347\s+UNCHANGED\s+event sf-88213-2: already in line with HR/);
    expect(run.stdout).toMatch(/E12348\s+STALE\s+event ce-4410-2: older than the version/);
    expect(run.stdout).toMatch(
      /E12345\s+CREATED\s+jose\.nunez@example\.com \(rule cc-austin-agents\)/,
    );
    expect(run.stdout).toMatch(/E12351\s+DLQ ProfileNotFound/);
    // Employees from the shipped source mappings' sample payloads.
    expect(run.stdout).toMatch(
      /W30001\s+CREATED\s+lucia\.fernandez@example\.com \(rule cc-austin-agents\)/,
    );
    expect(run.stdout).toMatch(/B50003\s+CREATED\s+chiara\.russo@example\.com \(rule sales-desk\)/);
  }, 60_000);

  it.each([
    [["--events", "no/such/file.json"], /^--events: no\/such\/file\.json does not exist$/],
    [
      ["--mappings", "events/connect-seed.json"],
      /^--mappings: events\/connect-seed\.json file: must be a JSON array of rules$/,
    ],
    [
      ["--connect-seed", "events/mappings.csv"],
      /^--connect-seed: events\/mappings\.csv is not valid JSON/,
    ],
    [["--frobnicate"], /^Unknown option '--frobnicate'.*\(see --help\)$/],
    [
      ["--mappings", rulesFile("typo.json", [{ ...AGENTS, hierachyGroup: "Remote Team" }])],
      /^--mappings: .*typo\.json item 1: hierachyGroup is not a known key; did you mean "hierarchyGroup"\?$/,
    ],
    [
      ["--sources", "events/mappings.json"],
      /^--sources: events\/mappings\.json item 1: ruleId: unknown key.*\(and \d+ more\)$/,
    ],
    [["--serve", "--json"], /^--serve and --json do not go together \(see --help\)$/],
    [["--env", "CONNECT_API_RPS"], /^--env "CONNECT_API_RPS": expected NAME=VALUE \(see --help\)$/],
    [
      ["--env", "MAPPING_TABLE_NAME=mine"],
      /^--env MAPPING_TABLE_NAME: set by the local stack itself \(see docs\/local-stack\.md\)$/,
    ],
    [
      ["--env", "CONNECT_API_RPS=fast", "--events", "events/hires/01-new-hires.json"],
      /^--env: Invalid configuration: CONNECT_API_RPS must be a number above 0/,
    ],
  ])("exits 1 with one clear line for %j", async (args, message) => {
    const run = await start(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("runs each --events as a phase after the one before, with --env settings for the function", async () => {
    const phases = temporaryDirectory("npm-start-phases");
    const employee = { employeeId: "P1", workEmail: "ana.lima@example.com", firstName: "Ana" };
    const file = (name: string, body: string) => {
      const path = join(phases, name);
      writeFileSync(path, `${body}\n`);
      return path;
    };
    const hire = file("1-hire.jsonl", hireBody({ ...employee, lastName: "Lima" }));
    const renamed = file(
      "2-renamed.jsonl",
      hireBody(
        { ...employee, lastName: "Souza" },
        { eventType: "EmployeeUpdated", eventId: "p1-2", occurredAt: "2026-11-30T10:00:00Z" },
      ),
    );
    // Older than the rename: only phases make it arrive after it.
    const late = file(
      "3-late.jsonl",
      hireBody(
        { ...employee, lastName: "Lima", department: "Sales" },
        { eventType: "EmployeeUpdated", eventId: "p1-1", occurredAt: "2026-11-29T10:00:00Z" },
      ),
    );
    const run = await start(
      ...["--events", hire, "--events", renamed, "--events", late],
      ...["--env", "USERNAME_TEMPLATE={firstName}.{lastName}", "--env", "LEAVR_ACTION=DISABLE"],
      "--json",
    );
    expect(run.code).toBe(0);
    // A typo is the function's to ignore, and the run says so.
    expect(run.stderr).toContain(
      "warning: --env LEAVR_ACTION: the function reads no such setting (docs/configuration.md)",
    );
    const report = JSON.parse(run.stdout) as {
      stats: Record<string, number>;
      users: { username: string; tags: Record<string, string>; routingProfileId: string }[];
      published: { detailType: string; detail: Record<string, unknown> }[];
    };
    expect(report.stats).toMatchObject({ received: 3, created: 1, updated: 1, stale: 1 });
    const users = report.users.filter((user) => user.tags.employeeId === "P1");
    expect(users.map((user) => user.username)).toEqual(["ana.lima"]);
    expect(
      report.published.find((event) => event.detailType === "Connect User Updated")?.detail
        .usernameDrift,
    ).toEqual({ current: "ana.lima", desired: "ana.souza" });
  }, 60_000);

  it("refuses a FIFO named *.jsonl as --events at once, instead of waiting on it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "connect-onboarding-npm-start-"));
    try {
      const fifo = join(dir, "hires.jsonl");
      execFileSync("mkfifo", [fifo]);
      const run = await start("--events", fifo);
      expect(run.code).toBe(1);
      expect(run.stderr.split("\n").filter((line) => line.trim() !== "")).toEqual([
        `--events: ${fifo} is a FIFO (named pipe), not a regular file: only regular files are read`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("warns on stderr about a match key no employee field has, and runs", async () => {
    const run = await start(
      "--json",
      "--events",
      "events/hires/01-new-hires.json",
      "--mappings",
      rulesFile("warned.json", [{ ...AGENTS, match: { departmnet: "Customer Care" } }]),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: --mappings: .*warned\.json item 1 \(ruleId agents\): match\.departmnet is not a known employee field; did you mean "department"\?$/m,
    );
    expect(JSON.parse(run.stdout).stats.received).toBeGreaterThan(0);
  }, 60_000);

  it("says what is wrong with a seed that is not JSON in one line, however the JSON parser words it", async () => {
    const dir = temporaryDirectory("npm-start-seed");
    const seed = join(dir, "seed.json");
    writeFileSync(seed, "not json\nat all\n");
    const run = await start("--connect-seed", seed);
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n").filter((line) => line !== "")).toEqual([
      expect.stringMatching(/^--connect-seed: .*seed\.json is not valid JSON \(.*\\nat all.*\)$/),
    ]);
  });
});
