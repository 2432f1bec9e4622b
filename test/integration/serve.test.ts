/**
 * `npm start -- --serve` as an operator uses it: a process that prints its environment on one
 * line and stays up; the operator CLI, then `serverless invoke local --stage local`, work
 * against it with that environment alone; SIGTERM ends it cleanly.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { copyFile, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ConnectClient, ListUsersCommand } from "@aws-sdk/client-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hireBody } from "../support/lambda-events.js";
import { finished, type Run } from "../support/processes.js";
import { temporaryDirectory } from "../support/temp-dir.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The keys DESIGN section 10 lists (AWS_ENDPOINT_URL_LAMBDA comes with an emulated Lambda API). */
const CLIENT_KEYS = [
  "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_ENDPOINT_URL_CONNECT",
  "AWS_ENDPOINT_URL_EVENTBRIDGE",
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "CONNECT_INSTANCE_ID",
  "MAPPING_TABLE_NAME",
  "SOURCE_TABLE_NAME",
  "LEDGER_TABLE_NAME",
  "QUEUE_URL",
  "DLQ_URL",
  "EVENT_BUS_NAME",
];

let server: ChildProcessWithoutNullStreams;
let exited: Promise<Run>;
let env: Record<string, string>;
let serveLine = "";
const logLines: string[] = [];
const logWaiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];

/** Resolves with the first log line (seen or to come) that passes the test. */
const logLine = (test: (line: string) => boolean): Promise<string> => {
  const seen = logLines.find(test);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => logWaiters.push({ test, resolve }));
};

/** A client's environment: this process's PATH and the like, then only what the line gave. */
const clientEnv = (): NodeJS.ProcessEnv => {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith("AWS_")) delete base[name];
  return { ...base, ...env };
};

const onboard = (...args: string[]): Promise<Run> =>
  finished(spawn(process.execPath, ["cli/onboard.js", ...args], { cwd: ROOT, env: clientEnv() }));

beforeAll(async () => {
  server = spawn(process.execPath, ["--import", "tsx", "local/start.ts", "--serve", "--verbose"], {
    cwd: ROOT,
    env: { ...process.env },
  });
  exited = finished(server);
  createInterface({ input: server.stderr }).on("line", (line) => {
    logLines.push(line);
    for (const waiter of [...logWaiters]) {
      if (!waiter.test(line)) continue;
      logWaiters.splice(logWaiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  serveLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`--serve exited (${code}) before its line`)));
  });
  env = (JSON.parse(serveLine) as { env: Record<string, string> }).env;
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill("SIGTERM");
    await exited;
  }
});

describe("npm start -- --serve", () => {
  it("prints one JSON line with every endpoint and the environment a client needs", () => {
    expect(Object.keys(env)).toEqual(expect.arrayContaining(CLIENT_KEYS));
    for (const key of CLIENT_KEYS.filter((k) => k.startsWith("AWS_ENDPOINT_URL_"))) {
      expect(env[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(env.QUEUE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\d{12}\/connect-onboarding$/);
    expect(env.DLQ_URL).toMatch(/\/connect-onboarding-dlq$/);
    expect(serveLine).toBe(JSON.stringify({ env }));
  });

  it("takes onboard mappings import, send and dlq list, and provisions what is sent", async () => {
    const imported = await onboard(
      "mappings",
      "import",
      "test/cli/fixtures/finance-rule.json",
      "--table",
      env.MAPPING_TABLE_NAME as string,
    );
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/\+\s+added\s+finance/);

    const dir = temporaryDirectory("serve");
    const hires = join(dir, "hires.jsonl");
    const finance = hireBody({
      employeeId: "S-FIN-1",
      workEmail: "serve.finance@example.com",
      firstName: "Zoë 🦄",
      department: "Finance",
    });
    const legal = hireBody({
      employeeId: "S-LEG-1",
      workEmail: "serve.legal@example.com",
      department: "Legal",
      location: "Nowhere",
      jobTitle: "Counsel",
    });
    await writeFile(hires, `${finance}\n${legal}\n`);
    const sent = await onboard("send", hires, "--queue-url", env.QUEUE_URL as string);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe(`Sent 2 messages to ${env.QUEUE_URL}\n`);
    // fauxqs refused the raw emoji: the CLI said so and sent the same JSON escaped.
    expect(sent.stderr).toContain(
      "hires.jsonl line 1: the queue refused its characters beyond U+FFFF",
    );

    const ready = await logLine(
      (line) =>
        line.includes("Connect user in line with HR") && line.includes('"employeeId":"S-FIN-1"'),
    );
    expect(JSON.parse(ready)).toMatchObject({ ruleId: "finance" });
    await logLine(
      (line) => line.includes("Event parked on the dead-letter queue") && line.includes("S-LEG-1"),
    );

    const connect = new ConnectClient({
      endpoint: env.AWS_ENDPOINT_URL_CONNECT,
      region: env.AWS_REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const { UserSummaryList = [] } = await connect.send(
        new ListUsersCommand({ InstanceId: env.CONNECT_INSTANCE_ID }),
      );
      expect(UserSummaryList.map((user) => user.Username)).toContain("serve.finance@example.com");
    } finally {
      connect.destroy();
    }

    const listed = await onboard("dlq", "list", "--queue-url", env.DLQ_URL as string, "--json");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).groups).toEqual([
      expect.objectContaining({
        reason: "NoMappingRule",
        count: 1,
        sampleEmployeeIds: ["S-LEG-1"],
      }),
    ]);
  }, 60_000);

  it("runs the function with `serverless invoke local --stage local` against it", async () => {
    // A service folder of its own: the package step of the deploy tests clears .esbuild/ in the
    // repository, which this build must not race with.
    const service = await mkdtemp(join(tmpdir(), "connect-onboarding-invoke-local-"));
    try {
      for (const name of ["functions", "shared", "scripts", "node_modules", "events"]) {
        await symlink(join(ROOT, name), join(service, name));
      }
      for (const name of ["serverless.yml", "package.json", "package-lock.json", "tsconfig.json"]) {
        await copyFile(join(ROOT, name), join(service, name));
      }
      const run = await finished(
        spawn(
          join(ROOT, "node_modules", ".bin", "serverless"),
          [
            "invoke",
            "local",
            "--stage",
            "local",
            "--function",
            "onboardEmployee",
            "--path",
            "events/sqs/raw.json",
          ],
          { cwd: service, env: clientEnv() },
        ),
      );
      expect(run.stderr).not.toMatch(/^Error:/m);
      expect(run.code).toBe(0);
      // The handler's answer ends stdout: nothing to retry.
      expect(JSON.parse(run.stdout.slice(run.stdout.lastIndexOf("\n{")))).toEqual({
        batchItemFailures: [],
      });
      const created = run.stdout
        .split("\n")
        .find((line) => line.includes("Connect user in line with HR") && line.includes("E12345"));
      expect(created).toBeDefined();
      // No name, email or phone number in its logs either.
      expect(run.stdout).not.toContain("jose.nunez@example.com");
    } finally {
      await rm(service, { recursive: true, force: true });
    }
  }, 180_000);

  it("stops on SIGTERM and exits 0", async () => {
    server.kill("SIGTERM");
    const run = await exited;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("SIGTERM: stopping the local stack");
  }, 30_000);
});

describe("npm start -- --serve with --events phases", () => {
  it("sends each phase once the queue is empty, while the stack is already up", async () => {
    const phased = spawn(
      process.execPath,
      [
        ...["--import", "tsx", "local/start.ts", "--serve", "--verbose"],
        ...["--events", "events/hires/01-new-hires.json"],
        ...["--events", "events/lifecycle/01-movers.json"],
        ...["--events", "events/lifecycle/02-out-of-order.json"],
      ],
      { cwd: ROOT, env: { ...process.env } },
    );
    const done = finished(phased);
    const lines: string[] = [];
    const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
    createInterface({ input: phased.stderr }).on("line", (line) => {
      lines.push(line);
      for (const waiter of waiters.filter(({ test }) => test(line))) waiter.resolve(line);
    });
    const seen = (test: (line: string) => boolean) =>
      new Promise<string>((resolve) => {
        const found = lines.find(test);
        if (found) resolve(found);
        else waiters.push({ test, resolve });
      });
    try {
      // The older update of E12348 came after the newer one: its phase was sent last.
      const stale = await seen(
        (line) => line.includes('"outcome":"STALE"') && line.includes('"employeeId":"E12348"'),
      );
      expect(JSON.parse(stale)).toMatchObject({ sourceEventId: "ce-4410-2" });
      expect(
        lines.some(
          (line) => line.includes('"outcome":"UPDATED"') && line.includes('"employeeId":"E12345"'),
        ),
      ).toBe(true);
    } finally {
      phased.kill("SIGTERM");
      expect((await done).code).toBe(0);
    }
  }, 60_000);
});
