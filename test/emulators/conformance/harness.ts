/**
 * Starts the emulators the conformance driver (driver.py) needs, runs the driver once (one
 * Python process for every case) and returns its report.
 *
 * The emulator module is a parameter, so that the same suite can be pointed at another build
 * of the emulator (for example the one before a change, to compare pass counts).
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface Target {
  endpoint: string;
  instanceId: string;
  instanceArn: string;
  stop(): Promise<void>;
}

/** What the suite needs of an emulator build. */
export interface EmulatorModule {
  CONNECT_APIS: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: seeds of any build of the emulator
  startConnectEmulator(seed: any): Promise<Target>;
}

export interface CaseResult {
  op: string;
  name: string;
  via: "boto3" | "cli";
  expected: { status: number; code: string | null };
  got: { status: number | null; code: string | null; message: string };
  pass: boolean;
  problem: string | null;
}

export interface ConformanceReport {
  /** The operations the driver covers. */
  operations: string[];
  results: CaseResult[];
  /** Cases the driver could not run here, with the reason (e.g. no AWS CLI). */
  skipped: string[];
  /** How many cases were generated from the service model. */
  generated: number;
  botocore: string;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const DRIVER = `${HERE}driver.py`;

/** Why the suite cannot run on this machine, or undefined when it can. */
export function conformanceUnavailable(): string | undefined {
  const probe = spawnSync("python3", ["-c", "import boto3, botocore"], { encoding: "utf8" });
  if (probe.error) return "python3 is not installed";
  if (probe.status !== 0) return "boto3 is not installed for python3";
  return undefined;
}

const GENEROUS = { rps: 1_000_000, burst: 1_000_000 };

export async function runConformance(emulator: EmulatorModule): Promise<ConformanceReport> {
  const seeds = JSON.parse(readFileSync(`${HERE}seeds.json`, "utf8"));
  const every = (quota: { rps: number; burst: number }) =>
    Object.fromEntries(emulator.CONNECT_APIS.map((api) => [api, quota]));
  const generous = { ...every(GENEROUS), maxUsers: 10_000 };
  const samlAs = (id: string) => ({ ...seeds.saml, instance: { ...seeds.saml.instance, id } });

  const specs: Record<string, unknown> = {
    saml: { ...seeds.saml, quotas: generous },
    cliExamples: { ...seeds.cliExamples, quotas: generous },
    directory: { ...seeds.directory, quotas: generous },
    // Every bucket empty: each API answers ThrottlingException.
    throttled: {
      ...samlAs("7e570000-0000-4000-8000-000000000004"),
      quotas: every({ rps: 0, burst: 0 }),
    },
    // Every call fails: each API answers InternalServiceException.
    faulty: {
      ...samlAs("fa017000-0000-4000-8000-000000000005"),
      quotas: generous,
      faults: { "*": { errorRate: 1 } },
    },
    // Users per instance reached by the seeded users.
    full: {
      ...samlAs("f0110000-0000-4000-8000-000000000006"),
      quotas: { ...generous, maxUsers: seeds.saml.users.length },
    },
  };

  const started: Record<string, Target> = {};
  try {
    for (const [name, seed] of Object.entries(specs)) {
      started[name] = await emulator.startConnectEmulator(seed);
    }
    const targets = Object.fromEntries(
      Object.entries(started).map(([name, t]) => [
        name,
        { endpoint: t.endpoint, instanceId: t.instanceId, instanceArn: t.instanceArn },
      ]),
    );
    return await runDriver({ targets });
  } finally {
    await Promise.all(Object.values(started).map((t) => t.stop()));
  }
}

function runDriver(input: unknown): Promise<ConformanceReport> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [DRIVER], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (code !== 0) {
        reject(new Error(`conformance driver exited with ${code}:\n${stderr}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString("utf8")) as ConformanceReport);
      } catch (error) {
        reject(new Error(`conformance driver printed no report (${String(error)}):\n${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** "210 of 254 cases", and the failures one per line. */
export function summarize(report: ConformanceReport): string {
  const failed = report.results.filter((r) => !r.pass);
  const lines = [
    `${report.results.length - failed.length} of ${report.results.length} cases pass (${report.generated} generated from botocore ${report.botocore}'s model)`,
    ...failed.map((r) => `FAIL ${r.op} [${r.via}] ${r.name}: ${r.problem}`),
    ...report.skipped.map((s) => `SKIPPED ${s}`),
  ];
  return lines.join("\n");
}
