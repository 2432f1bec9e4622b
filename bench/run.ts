/**
 * `npm run bench [-- --json]`: every figure against a baseline measured in the same run.
 *   throughput  - a 300-hire backlog through two consumers against a CreateUser quota of 20/s;
 *   overhead    - handler vs the bare SDK calls it must make, per hire, zero-latency emulators;
 *   coldStart   - init of the packaged bundle vs a bundle that only builds the same SDK clients,
 *                 without and with a source table configured, and what the first payload that
 *                 needs a source mapping adds (JSONata loaded, the shipped mappings compiled);
 *   rules       - median time to pick the winner among 5,000 rules;
 *   memory      - peak RSS of the handler process vs the baseline's over the same backlog;
 *   reconcile   - `onboard reconcile` over 5,000 managed users: users classified per second
 *                 against the lookup quota the CLI is paced to (bench/reconcile.ts).
 * Ratios are the thing to read: this machine is shared and noisy, absolute figures wander.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { parseConnectSeed } from "../emulators/connect/index.js";
import { collectReport, drainQueue } from "../local/pipeline.js";
import { enqueue } from "../local/queues.js";
import { type LocalStack, startLocalStack } from "../local/stack.js";
import { routeStdoutToStderr } from "../local/stdout.js";
import { RuleSet } from "../shared/domain/mapping-rule.js";
import { parseRulesJson } from "../shared/domain/mapping-rule-file.js";
import { RECONCILE, type ReconcileFigure, reconcileFigure, reconcileRows } from "./reconcile.js";
import { generatedEmployees, generatedRules, hireBody, median, seededRandom } from "./workloads.js";

// The AWS SDK's own switch for its notice that it will soon need Node 22: that notice only.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const WORK = join(ROOT, ".bench");
const BUNDLE = join(ROOT, ".esbuild/.build/functions/onboard-employee.mjs");
const TSX = join(ROOT, "node_modules/.bin/tsx");

const THROUGHPUT = { hires: 300, quotaRps: 20, burst: 5, consumers: 2 };
const OVERHEAD = { pairedProcesses: 2, rounds: 8, perRound: 400, memoryRounds: 5 };
const COLD_STARTS = 15;
const RULES = { count: 5_000, lookups: 5_000 };

const { values: flags } = parseArgs({ options: { json: { type: "boolean", default: false } } });
const out = routeStdoutToStderr();
const say = (line: string) => process.stderr.write(`${line}\n`);

const sampleSeed = async (overrides: Record<string, unknown>) =>
  parseConnectSeed({
    ...JSON.parse(await readFile(join(ROOT, "events/connect-seed.json"), "utf8")),
    users: [],
    ...overrides,
  });
const sampleRules = async () =>
  parseRulesJson(await readFile(join(ROOT, "events/mappings.json"), "utf8")).rules;

const run = (
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> =>
  new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0
        ? done(`${stdout}\n${stderr}`)
        : fail(new Error(`${command} ${args.join(" ")} exited ${code}\n${stderr}`)),
    );
  });

const lastJsonLine = <T>(output: string): T => {
  const line = output
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`no JSON result in:\n${output}`);
  return JSON.parse(line) as T;
};

// 1. Quota efficiency -------------------------------------------------------------------------

const throughput = async () => {
  const { hires, quotaRps, burst, consumers } = THROUGHPUT;
  const stack = await startLocalStack({
    seed: await sampleSeed({ quotas: { CreateUser: { rps: quotaRps, burst }, maxUsers: 10_000 } }),
    rules: await sampleRules(),
    functionEnv: {
      CONNECT_CREATE_USER_RPS: String(quotaRps / consumers),
      // The handler runs in this process: at INFO its 300-odd lines would scroll the table away.
      // Throughput is bound by the quota, not by logging; the overhead figure keeps INFO.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "ERROR",
    },
  });
  try {
    await enqueue(
      stack.sqs,
      stack.queues.queueUrl,
      Array.from({ length: hires }, (_, i) => hireBody("quota", i)),
    );
    const { drainedAfterMs } = await drainQueue(stack, { consumers });
    const seconds = drainedAfterMs / 1000;
    return {
      quotaRps,
      hires,
      seconds,
      efficiency: (hires - burst) / quotaRps / seconds,
      ...(await audit(stack, hires)),
    };
  } finally {
    await stack.stop();
  }
};

/** From the emulators' state: users per employee, throttles Connect answered, DLQ contents. */
const audit = async (stack: LocalStack, hires: number) => {
  const perEmployee = new Map<string, number>();
  for (const user of stack.connect.users()) {
    const id = user.tags.employeeId;
    if (id) perEmployee.set(id, (perEmployee.get(id) ?? 0) + 1);
  }
  const duplicates = [...perEmployee.values()].reduce((sum, n) => sum + n - 1, 0);
  const missing = hires - perEmployee.size;
  if (missing !== 0) throw new Error(`throughput run lost ${missing} hire(s)`);
  return {
    throttles: stack.connect.stats().CreateUser?.throttled ?? 0,
    deadLetters: (await collectReport(stack)).deadLetters.length,
    duplicates,
  };
};

// 2 and 4b. Per-event overhead and memory ------------------------------------------------------

interface PairedResult {
  readonly handlerMs: number[];
  readonly baselineMs: number[];
}

interface AloneResult {
  readonly peakRssMb: number;
}

const overhead = async () => {
  const stack = await startLocalStack({
    seed: await sampleSeed({
      quotas: { CreateUser: { rps: 1_000_000, burst: 1_000_000 }, maxUsers: 1_000_000 },
    }),
    rules: await sampleRules(),
    functionEnv: { CONNECT_CREATE_USER_RPS: "10000", POWERTOOLS_LOG_LEVEL: "INFO" },
  });
  try {
    const seed = await sampleSeed({});
    const profiles = {
      routingProfileId: seed.routingProfiles?.find((p) => p.name === "Customer Care Routing")?.id,
      securityProfileId: seed.securityProfiles?.find((p) => p.name === "Agent")?.id,
      hierarchyGroupId: seed.hierarchyGroups?.find((p) => p.name === "Remote Team")?.id,
    };
    const env = { ...process.env, ...stack.env, BENCH_PROFILES: JSON.stringify(profiles) };
    const workerBundle = await bundle("bench/overhead-worker.ts", "overhead-worker");
    const worker = async <T>(mode: string, rounds: number) =>
      lastJsonLine<T>(
        await run(
          process.execPath,
          [workerBundle, mode, String(rounds), String(OVERHEAD.perRound)],
          env,
        ),
      );
    const paired: PairedResult[] = [];
    for (let i = 0; i < OVERHEAD.pairedProcesses; i++) {
      paired.push(await worker<PairedResult>("paired", OVERHEAD.rounds));
    }
    const handlerAlone = await worker<AloneResult>("handler", OVERHEAD.memoryRounds);
    const baselineAlone = await worker<AloneResult>("baseline", OVERHEAD.memoryRounds);
    const perHireMs = median(paired.flatMap((r) => r.handlerMs));
    const baselinePerHireMs = median(paired.flatMap((r) => r.baselineMs));
    return {
      overhead: { perHireMs, baselinePerHireMs, ratio: perHireMs / baselinePerHireMs },
      memory: { peakRssMb: handlerAlone.peakRssMb, baselinePeakRssMb: baselineAlone.peakRssMb },
    };
  } finally {
    await stack.stop();
  }
};

// 3. Cold start ----------------------------------------------------------------------------------

/**
 * Bundles an entry point with the options and plugins the deployed bundle is built with, so
 * what is measured runs as it would on Lambda: minified, tree-shaken, no TypeScript loader.
 */
const bundle = async (entry: string, name: string): Promise<string> => {
  const outfile = join(WORK, `${name}.mjs`);
  const plugins = createRequire(import.meta.url)("../scripts/esbuild-plugins.cjs");
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    mainFields: ["module", "main"],
    banner: {
      js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    },
    legalComments: "none",
    plugins,
    logLevel: "warning",
  });
  return outfile;
};

const INIT_PROBE = `const t = performance.now(); await import(process.env.BENCH_MODULE); process.stderr.write(JSON.stringify({ initMs: performance.now() - t }) + "\\n");`;

const coldStart = async () => {
  await run(TSX, ["scripts/package.ts"]);
  const baselineBundle = await bundle("bench/baseline-entry.ts", "baseline-clients");
  const functionEnv = {
    ...process.env,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    CONNECT_INSTANCE_ID: "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
    MAPPING_TABLE_NAME: "mappings",
    EVENT_BUS_NAME: "onboarding",
    DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/onboarding-dlq",
    POWERTOOLS_METRICS_NAMESPACE: "ConnectOnboarding",
  };
  const initOf = async (module: string, extra: Record<string, string> = {}) =>
    lastJsonLine<{ initMs: number }>(
      await run(process.execPath, ["--input-type=module", "-e", INIT_PROBE], {
        ...functionEnv,
        ...extra,
        BENCH_MODULE: pathToFileURL(module).href,
      }),
    ).initMs;
  const mappingBundle = await bundle("bench/source-mapping-entry.ts", "source-mapping-probe");
  const withSources = { SOURCE_TABLE_NAME: "sources" };
  const initMs: number[] = [];
  const baselineInitMs: number[] = [];
  const sourcesInitMs: number[] = [];
  const firstMappingMs: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    initMs.push(await initOf(BUNDLE));
    baselineInitMs.push(await initOf(baselineBundle));
    sourcesInitMs.push(await initOf(BUNDLE, withSources));
    firstMappingMs.push(
      lastJsonLine<{ firstMappingMs: number }>(
        await run(process.execPath, [mappingBundle], { ...functionEnv, BENCH_ROOT: ROOT }),
      ).firstMappingMs,
    );
  }
  const [bundleBytes, baselineBytes] = await Promise.all([stat(BUNDLE), stat(baselineBundle)]);
  const baseline = median(baselineInitMs);
  return {
    bundleBytes: bundleBytes.size,
    baselineBundleBytes: baselineBytes.size,
    initMs: median(initMs),
    baselineInitMs: baseline,
    ratio: median(initMs) / baseline,
    withSourceMapping: {
      initMs: median(sourcesInitMs),
      ratio: median(sourcesInitMs) / baseline,
      firstMappingMs: median(firstMappingMs),
      initAndFirstMappingRatio: (median(sourcesInitMs) + median(firstMappingMs)) / baseline,
    },
  };
};

// 4a. Rule engine --------------------------------------------------------------------------------

const rules = () => {
  const random = seededRandom(7);
  const set = new RuleSet(generatedRules(RULES.count, random));
  const employees = generatedEmployees(1_000, random);
  for (const employee of employees) set.select(employee);
  const micros: number[] = [];
  for (let i = 0; i < RULES.lookups; i++) {
    const employee = employees[i % employees.length] as Record<string, string>;
    const started = performance.now();
    set.select(employee);
    micros.push((performance.now() - started) * 1000);
  }
  return { count: RULES.count, medianMicros: median(micros) };
};

// Report -----------------------------------------------------------------------------------------

const TARGETS = {
  efficiency: 0.95,
  overheadRatio: 1.2,
  coldStartRatio: 1.1,
  bundleBytes: 700_000,
  /** Users classified per second over the lookup quota: Connect, not the CLI, sets the pace. */
  reconcileRatio: 0.9,
};

const main = async () => {
  await mkdir(WORK, { recursive: true });
  const started = performance.now();
  say("bench: rule engine");
  const ruleFigures = rules();
  say("bench: cold start (package, baseline bundle, init x15 each, with and without sources)");
  const cold = await coldStart();
  say("bench: per-event overhead (handler and baseline processes, alternated)");
  const { overhead: perEvent, memory } = await overhead();
  say(`bench: quota efficiency (${THROUGHPUT.hires} hires, CreateUser ${THROUGHPUT.quotaRps}/s)`);
  const quota = await throughput();
  say(`bench: reconcile (${RECONCILE.users} managed users, lookups ${RECONCILE.lookupRps}/s)`);
  const reconciled = await reconcileFigure(ROOT, WORK);
  const report = {
    throughput: quota,
    overhead: perEvent,
    coldStart: cold,
    rules: ruleFigures,
    memory,
    reconcile: reconciled,
  };
  say(`bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  out.restore();
  out.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : table(report));
};

type Report = {
  throughput: Awaited<ReturnType<typeof throughput>>;
  overhead: { perHireMs: number; baselinePerHireMs: number; ratio: number };
  coldStart: Awaited<ReturnType<typeof coldStart>>;
  rules: ReturnType<typeof rules>;
  memory: { peakRssMb: number; baselinePeakRssMb: number };
  reconcile: ReconcileFigure;
};

const table = (r: Report): string => {
  const f = (n: number, digits = 2) => n.toFixed(digits);
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const rows = [
    ["figure", "measured", "baseline", "ratio", "target"],
    [
      "quota efficiency",
      `${r.throughput.hires} hires in ${f(r.throughput.seconds)} s`,
      `${r.throughput.quotaRps}/s quota`,
      f(r.throughput.efficiency),
      `>= ${TARGETS.efficiency} ${verdict(r.throughput.efficiency >= TARGETS.efficiency)}`,
    ],
    [
      "  throttles / dead letters / duplicates",
      `${r.throughput.throttles} / ${r.throughput.deadLetters} / ${r.throughput.duplicates}`,
      "",
      "",
      `0 DLQ, 0 dup ${verdict(r.throughput.deadLetters === 0 && r.throughput.duplicates === 0)}`,
    ],
    [
      "per-hire time",
      `${f(r.overhead.perHireMs, 3)} ms`,
      `${f(r.overhead.baselinePerHireMs, 3)} ms`,
      f(r.overhead.ratio),
      `<= ${TARGETS.overheadRatio} ${verdict(r.overhead.ratio <= TARGETS.overheadRatio)}`,
    ],
    [
      "cold start (init)",
      `${f(r.coldStart.initMs, 1)} ms`,
      `${f(r.coldStart.baselineInitMs, 1)} ms`,
      f(r.coldStart.ratio),
      `<= ${TARGETS.coldStartRatio} ${verdict(r.coldStart.ratio <= TARGETS.coldStartRatio)}`,
    ],
    [
      "  with a source table",
      `${f(r.coldStart.withSourceMapping.initMs, 1)} ms`,
      `${f(r.coldStart.baselineInitMs, 1)} ms`,
      f(r.coldStart.withSourceMapping.ratio),
      `<= ${TARGETS.coldStartRatio} ${verdict(r.coldStart.withSourceMapping.ratio <= TARGETS.coldStartRatio)}`,
    ],
    [
      "  + first mapped payload",
      `+${f(r.coldStart.withSourceMapping.firstMappingMs, 1)} ms`,
      `${f(r.coldStart.baselineInitMs, 1)} ms`,
      f(r.coldStart.withSourceMapping.initAndFirstMappingRatio),
      "(once per environment)",
    ],
    [
      "bundle size",
      `${r.coldStart.bundleBytes} B`,
      `${r.coldStart.baselineBundleBytes} B`,
      f(r.coldStart.bundleBytes / r.coldStart.baselineBundleBytes),
      `<= ${TARGETS.bundleBytes} B ${verdict(r.coldStart.bundleBytes <= TARGETS.bundleBytes)}`,
    ],
    ["rule engine", `${f(r.rules.medianMicros, 1)} µs / lookup`, `${r.rules.count} rules`, "", ""],
    [
      "peak RSS",
      `${f(r.memory.peakRssMb, 0)} MB`,
      `${f(r.memory.baselinePeakRssMb, 0)} MB`,
      f(r.memory.peakRssMb / r.memory.baselinePeakRssMb),
      "",
    ],
    ...reconcileRows(r.reconcile, TARGETS.reconcileRatio),
  ];
  const widths =
    rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length))) ?? [];
  return `${rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
};

main().catch((error: unknown) => {
  out.restore();
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
