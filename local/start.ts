/**
 * `npm start`: the whole pipeline on the embedded local stack (docs/local-stack.md).
 *
 *   npm start -- [--events PATH]... [--mappings PATH] [--sources PATH] [--connect-seed PATH]
 *                [--env NAME=VALUE]... [--json] [--serve] [--verbose]
 */
import { parseArgs } from "node:util";
import { type ConnectSeed, parseConnectSeed } from "../emulators/connect/index.js";
import { readConfig } from "../shared/config.js";
import type { HistoryEntry } from "../shared/domain/ledger.js";
import type { EventBody } from "../shared/event-files.js";
import { REWRITE_NOTE, type Rewrite } from "../shared/sqs-bodies.js";
import {
  InputError,
  readEventBodies,
  readJsonFile,
  readMappingRules,
  readSourceMappings,
} from "./inputs.js";
import {
  DEFAULT_MAPPINGS,
  DEFAULT_PHASES,
  DEFAULT_SEED,
  DEFAULT_SOURCES,
  withRelativeTimes,
} from "./phases.js";
import type { PipelineReport } from "./pipeline.js";
import { routeStdoutToStderr } from "./stdout.js";

// The AWS SDK's notice that it will soon need a newer Node.js: this project supports Node 20.19
// and the notice would open every run. The SDK's own switch for that one notice, which hides
// nothing else; set before any client is built (the SDK loads below, once the arguments are good).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const DEFAULTS = {
  phases: DEFAULT_PHASES,
  mappings: DEFAULT_MAPPINGS,
  sources: DEFAULT_SOURCES,
  seed: DEFAULT_SEED,
};
const CONSUMERS = 2;
/** The handler's log level unless asked: errors only, so the summary is what one reads. */
const QUIET_LOG_LEVEL = "ERROR";
const VERBOSE_LOG_LEVEL = "INFO";

const USAGE = `Usage: npm start -- [--events PATH]... [--mappings PATH] [--sources PATH] [--connect-seed PATH]
                    [--env NAME=VALUE]... [--json] [--serve] [--verbose]

  --events PATH        a .json file (one body or an array of bodies), a .jsonl/.ndjson file
                       (one body per line, verbatim), or a folder of them. Repeatable: each is a
                       phase, sent once everything before it is done; "{{now+10s}}" in a body
                       becomes the time 10 s after its phase is sent. Default, five phases:
                       ${DEFAULTS.phases.map((phase) => phase.join(" + ")).join(";\n                       ")}
                       (with --serve, nothing unless given)
  --mappings PATH      mapping rules as a JSON array or CSV (default: ${DEFAULTS.mappings})
  --sources PATH       source mappings: a JSON file (one mapping or an array) or a folder of
                       them (default: ${DEFAULTS.sources}, the shipped ones)
  --connect-seed PATH  the emulated Connect instance (default: ${DEFAULTS.seed})
  --env NAME=VALUE     a function setting for this run (docs/configuration.md), e.g.
                       --env USERNAME_TEMPLATE={firstName}.{lastName}; repeatable
  --json               print one JSON report on stdout; logs go to stderr
                       (run it as \`npm start -s -- --json\`: without -s npm prints a banner on stdout)
  --serve              keep the stack up: print one JSON line with its endpoints and environment on
                       stdout, consume the queue, and stop on Ctrl-C or SIGTERM
  --verbose            the function's logs at INFO on stderr (default: errors only; or set
                       POWERTOOLS_LOG_LEVEL)
  --help               show this help`;

interface Arguments {
  /** One list of paths per phase; undefined for the default phases. */
  readonly phases: readonly (readonly string[])[] | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly mappings: string;
  readonly sources: string;
  readonly seed: string;
  readonly json: boolean;
  readonly serve: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

const parseArguments = (argv: string[]): Arguments => {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        events: { type: "string", multiple: true },
        env: { type: "string", multiple: true },
        mappings: { type: "string" },
        sources: { type: "string" },
        "connect-seed": { type: "string" },
        json: { type: "boolean", default: false },
        serve: { type: "boolean", default: false },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.serve && values.json) throw new Error("--serve and --json do not go together");
    return {
      phases: values.events?.map((path) => [path]),
      env: functionSettings(values.env ?? []),
      mappings: values.mappings ?? DEFAULTS.mappings,
      sources: values.sources ?? DEFAULTS.sources,
      seed: values["connect-seed"] ?? DEFAULTS.seed,
      json: values.json ?? false,
      serve: values.serve ?? false,
      verbose: values.verbose ?? false,
      help: values.help ?? false,
    };
  } catch (error) {
    throw new InputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
};

/** `--env NAME=VALUE` pairs; a later one for the same name wins. */
const functionSettings = (pairs: readonly string[]): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new Error(`--env ${JSON.stringify(pair)}: expected NAME=VALUE`);
    env[match[1] as string] = match[2] as string;
  }
  return env;
};

/**
 * Settings the stack itself points at its emulators: changing them would take the function off
 * the local stack.
 */
const STACK_SETTINGS = [
  "CONNECT_INSTANCE_ID",
  "MAPPING_TABLE_NAME",
  "SOURCE_TABLE_NAME",
  "LEDGER_TABLE_NAME",
  "EVENT_BUS_NAME",
  "DLQ_URL",
  "MAX_RECEIVE_COUNT",
];

/**
 * The names the function's configuration reader reads: found by letting it read an environment
 * that records every name asked for, so a new setting needs no list kept here.
 */
const settingNames = (): ReadonlySet<string> => {
  const asked = new Set<string>();
  const recording = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name === "string") asked.add(name);
      return undefined;
    },
  });
  try {
    readConfig(recording);
  } catch {
    // The empty environment misses required settings: every name was still asked for.
  }
  return asked;
};

/**
 * `--env` checked before anything starts: a typo is a warning (the function would ignore the
 * name), a value the function refuses or a stack setting is an error.
 */
const checkSettings = (env: Readonly<Record<string, string>>, warn: (line: string) => void) => {
  const known = settingNames();
  for (const name of Object.keys(env)) {
    if (STACK_SETTINGS.includes(name)) {
      throw new InputError(
        `--env ${name}: set by the local stack itself (see docs/local-stack.md)`,
      );
    }
    // Powertools and the SDK read their own settings, beyond what the function reads.
    if (!known.has(name) && !/^(POWERTOOLS_|AWS_|CONNECT_API_RPS_)/.test(name)) {
      warn(`warning: --env ${name}: the function reads no such setting (docs/configuration.md)`);
    }
  }
};

const readSeed = async (path: string): Promise<ConnectSeed> => {
  const json = await readJsonFile(path, "--connect-seed");
  try {
    return parseConnectSeed(json);
  } catch (error) {
    throw new InputError(`--connect-seed: ${path}: ${(error as Error).message}`);
  }
};

const logLevel = (args: Arguments): string =>
  args.verbose ? VERBOSE_LOG_LEVEL : (process.env.POWERTOOLS_LOG_LEVEL ?? QUIET_LOG_LEVEL);

const main = async (): Promise<number> => {
  const args = parseArguments(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  checkSettings(args.env, (line) => process.stderr.write(`${line}\n`));
  const phasePaths = args.phases ?? (args.serve ? [] : DEFAULTS.phases);
  const [phases, rules, sources, seed] = await Promise.all([
    Promise.all(
      phasePaths.map(async (paths) =>
        (await Promise.all(paths.map((path) => readEventBodies(path)))).flat(),
      ),
    ),
    readMappingRules(args.mappings, (line) => process.stderr.write(`${line}\n`)),
    readSourceMappings(args.sources),
    readSeed(args.seed),
  ]);

  // Loaded only once the arguments are good: a mistyped flag gets its one line and no more.
  const [{ startLocalStack, apiPaceEnv }, pipeline] = await Promise.all([
    import("./stack.js"),
    import("./pipeline.js"),
  ]);

  // Everything the stack and the handler print is a log, and logs go to stderr; stdout is
  // kept for the report (or the --serve line) alone.
  const stdout = routeStdoutToStderr();
  const level = logLevel(args);
  const stack = await startLocalStack({
    seed,
    rules,
    sources,
    visibilityTimeoutSeconds: 20,
    functionEnv: { ...apiPaceEnv(seed, CONSUMERS), POWERTOOLS_LOG_LEVEL: level, ...args.env },
  });
  try {
    // The function's own check, at once: a value it refuses is the run's one-line error.
    readConfig(stack.env);
  } catch (error) {
    await stack.stop();
    stdout.restore();
    throw new InputError(`--env: ${(error as Error).message}`);
  }
  if (args.serve) {
    try {
      return await serve(stack, phases, stdout.write, pipeline);
    } finally {
      await stack.stop();
      stdout.restore();
    }
  }

  const { progressLine } = await import("./progress.js");
  // The line would tangle with log lines: shown only while the logs are quiet.
  const quiet = ["ERROR", "CRITICAL", "SILENT"].includes(level.toUpperCase());
  const progress = progressLine(quiet ? process.stderr : { write: () => true });
  let report: PipelineReport;
  let history: HistoryEntry[] = [];
  const started = Date.now();
  try {
    let phase = 0;
    report = await pipeline.runPhases(
      stack,
      phases.map((list) => list.map(({ body }) => body)),
      {
        consumers: CONSUMERS,
        timeoutMs: 15_000,
        onProgress: progress.update,
        beforeSend: (bodies) => bodies.map((body) => withRelativeTimes(body, Date.now())),
        onSent: ({ rewritten }) => noteRewrites(phases[phase++] ?? [], rewritten),
      },
    );
    history = await pipeline.historySince(stack, started);
  } catch (error) {
    if (error instanceof pipeline.DrainStalledError) {
      const { queueDepth } = await import("../shared/queue-tools.js");
      const depth = await queueDepth(stack.sqs, stack.queues.queueUrl);
      throw new RunError(stalled(error.idleMs, depth), { cause: error });
    }
    throw error;
  } finally {
    progress.finish();
    await stack.stop();
    stdout.restore();
  }
  if (args.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else stdout.write((await import("./summary.js")).renderSummary(report, history));
  return 0;
};

/** The run could not finish; the message says why in one line. */
class RunError extends Error {
  override readonly name = "RunError";
}

/** Why a stalled run ended, and what it left behind. */
export const stalled = (
  idleMs: number,
  depth: { total: number; inFlight: number; delayed: number },
): string =>
  `stalled: for ${Math.round(idleMs / 1000)} s no message was received and no invocation ran; ` +
  `${depth.total} message(s) still on the onboarding queue (${depth.inFlight} in flight, ${depth.delayed} delayed)`;

type Pipeline = typeof import("./pipeline.js");
type LocalStack = import("./stack.js").LocalStack;

/**
 * `--serve`: the stack stays up with consumers polling, like a deployed stack with its event
 * source mapping enabled, until SIGINT or SIGTERM.
 */
const serve = async (
  stack: LocalStack,
  phases: readonly (readonly EventBody[])[],
  write: (text: string) => void,
  pipeline: Pipeline,
): Promise<number> => {
  const consumers = await pipeline.startConsumers(stack, {
    consumers: CONSUMERS,
    timeoutMs: 15_000,
  });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  try {
    write(`${JSON.stringify({ env: stack.clientEnv })}\n`);
    process.stderr.write(
      `connect-onboarding local stack up (${stack.clientEnv.QUEUE_URL}); Ctrl-C or SIGTERM stops it\n`,
    );
    // Phases go in the background, each once the queue is empty: the stack is usable already.
    // A phase still waiting when the stack stops is not sent.
    let stopping = false;
    const sending = sendPhases(stack, phases, consumers.runner, pipeline, () => stopping).catch(
      (error: unknown) => {
        if (!stopping) process.stderr.write(`--events: ${(error as Error).message}\n`);
      },
    );
    const signal = await stopped;
    process.stderr.write(`${signal}: stopping the local stack\n`);
    stopping = true;
    await sending;
  } finally {
    await consumers.stop();
  }
  return 0;
};

const sendPhases = async (
  stack: LocalStack,
  phases: readonly (readonly EventBody[])[],
  consumers: Awaited<ReturnType<Pipeline["startConsumers"]>>["runner"],
  pipeline: Pipeline,
  stopping: () => boolean,
): Promise<void> => {
  const { enqueue } = await import("./queues.js");
  for (const [i, phase] of phases.entries()) {
    if (i > 0) await pipeline.queueSettled(stack, consumers, stopping);
    if (stopping()) return;
    const { rewritten } = await enqueue(
      stack.sqs,
      stack.queues.queueUrl,
      phase.map(({ body }) => withRelativeTimes(body, Date.now())),
    );
    noteRewrites(phase, rewritten);
  }
};

const noteRewrites = (
  bodies: readonly EventBody[],
  rewritten: readonly { index: number; rewrite: Rewrite }[],
): void => {
  for (const { index, rewrite } of rewritten) {
    process.stderr.write(`note: ${bodies[index]?.where}: ${REWRITE_NOTE[rewrite]}\n`);
  }
};

/** Failures that are the input's or the run's, not this program's: one line, no stack trace. */
const ONE_LINE_ERRORS = new Set(["RunError", "QueueRefusedError"]);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const name = error instanceof Error ? error.name : "";
    const message =
      error instanceof InputError
        ? error.message
        : ONE_LINE_ERRORS.has(name)
          ? `local run failed: ${(error as Error).message}`
          : `local run failed: ${(error as Error).stack ?? error}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  },
);
