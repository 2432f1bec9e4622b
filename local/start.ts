/**
 * `npm start`: the whole pipeline on the embedded local stack (docs/local-stack.md).
 *
 *   npm start -- [--events PATH] [--mappings PATH] [--sources PATH] [--connect-seed PATH] [--json] [--serve] [--verbose]
 */
import { parseArgs } from "node:util";
import { type ConnectSeed, parseConnectSeed } from "../emulators/connect/index.js";
import type { EventBody } from "../shared/event-files.js";
import { REWRITE_NOTE, type Rewrite } from "../shared/sqs-bodies.js";
import {
  InputError,
  readEventBodies,
  readJsonFile,
  readMappingRules,
  readSourceMappings,
} from "./inputs.js";
import type { PipelineReport } from "./pipeline.js";
import { routeStdoutToStderr } from "./stdout.js";

// The AWS SDK's notice that it will soon need a newer Node.js: this project supports Node 20.19
// and the notice would open every run. The SDK's own switch for that one notice, which hides
// nothing else; set before any client is built (the SDK loads below, once the arguments are good).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const DEFAULTS = {
  // The canonical samples, then the shipped source mappings' sample payloads.
  events: ["events/hires", "events/sources/payloads"],
  mappings: "events/mappings.json",
  sources: "events/sources",
  seed: "events/connect-seed.json",
};
const CONSUMERS = 2;
/** The handler's log level unless asked: errors only, so the summary is what one reads. */
const QUIET_LOG_LEVEL = "ERROR";
const VERBOSE_LOG_LEVEL = "INFO";

const USAGE = `Usage: npm start -- [--events PATH] [--mappings PATH] [--sources PATH] [--connect-seed PATH] [--json] [--serve] [--verbose]

  --events PATH        a .json file (one body or an array of bodies), a .jsonl/.ndjson file
                       (one body per line, verbatim), or a folder of them
                       (default: ${DEFAULTS.events.join(" and ")}; with --serve, nothing unless given)
  --mappings PATH      mapping rules as a JSON array or CSV (default: ${DEFAULTS.mappings})
  --sources PATH       source mappings: a JSON file (one mapping or an array) or a folder of
                       them (default: ${DEFAULTS.sources}, the shipped ones)
  --connect-seed PATH  the emulated Connect instance (default: ${DEFAULTS.seed})
  --json               print one JSON report on stdout; logs go to stderr
                       (run it as \`npm start -s -- --json\`: without -s npm prints a banner on stdout)
  --serve              keep the stack up: print one JSON line with its endpoints and environment on
                       stdout, consume the queue, and stop on Ctrl-C or SIGTERM
  --verbose            the function's logs at INFO on stderr (default: errors only; or set
                       POWERTOOLS_LOG_LEVEL)
  --help               show this help`;

interface Arguments {
  readonly events: readonly string[] | undefined;
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
        events: { type: "string" },
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
      events: values.events === undefined ? undefined : [values.events],
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
  const events = args.events ?? (args.serve ? [] : DEFAULTS.events);
  const [bodyLists, rules, sources, seed] = await Promise.all([
    Promise.all(events.map((path) => readEventBodies(path))),
    readMappingRules(args.mappings, (line) => process.stderr.write(`${line}\n`)),
    readSourceMappings(args.sources),
    readSeed(args.seed),
  ]);
  const bodies = bodyLists.flat();

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
    functionEnv: { ...apiPaceEnv(seed, CONSUMERS), POWERTOOLS_LOG_LEVEL: level },
  });
  if (args.serve) {
    try {
      return await serve(stack, bodies, stdout.write, pipeline);
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
  try {
    report = await pipeline.runPipeline(
      stack,
      bodies.map(({ body }) => body),
      {
        consumers: CONSUMERS,
        timeoutMs: 15_000,
        onProgress: progress.update,
        onSent: ({ rewritten }) => noteRewrites(bodies, rewritten),
      },
    );
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
  else stdout.write((await import("./summary.js")).renderSummary(report));
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
  bodies: readonly EventBody[],
  write: (text: string) => void,
  pipeline: Pipeline,
): Promise<number> => {
  const consumers = pipeline.startConsumers(stack, { consumers: CONSUMERS, timeoutMs: 15_000 });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  for (const consumer of consumers) consumer.start();
  try {
    if (bodies.length > 0) {
      const { enqueue } = await import("./queues.js");
      const { rewritten } = await enqueue(
        stack.sqs,
        stack.queues.queueUrl,
        bodies.map(({ body }) => body),
      );
      noteRewrites(bodies, rewritten);
    }
    write(`${JSON.stringify({ env: stack.clientEnv })}\n`);
    process.stderr.write(
      `connect-onboarding local stack up (${stack.clientEnv.QUEUE_URL}); Ctrl-C or SIGTERM stops it\n`,
    );
    const signal = await stopped;
    process.stderr.write(`${signal}: stopping the local stack\n`);
  } finally {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  }
  return 0;
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
