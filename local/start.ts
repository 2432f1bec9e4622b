/**
 * `npm start`: the whole pipeline on the embedded local stack (DESIGN section 8).
 *
 *   npm start -- [--events PATH] [--mappings PATH] [--sources PATH] [--connect-seed PATH] [--json]
 */
import { parseArgs } from "node:util";
import { type ConnectSeed, parseConnectSeed } from "../emulators/connect/index.js";
import { parseMessageBody } from "../shared/domain/message-body.js";
import {
  InputError,
  readEventBodies,
  readJsonFile,
  readMappingRules,
  readSourceMappings,
} from "./inputs.js";
import type { PipelineReport } from "./pipeline.js";
import { routeStdoutToStderr } from "./stdout.js";

const DEFAULTS = {
  // The canonical samples, then the shipped source mappings' sample payloads.
  events: ["events/hires", "events/sources/payloads"],
  mappings: "events/mappings.json",
  sources: "events/sources",
  seed: "events/connect-seed.json",
};
const CONSUMERS = 2;

const USAGE = `Usage: npm start -- [--events PATH] [--mappings PATH] [--sources PATH] [--connect-seed PATH] [--json]

  --events PATH        a .json file (one body or an array of bodies), a .jsonl/.ndjson file
                       (one body per line, verbatim), or a folder of them
                       (default: ${DEFAULTS.events.join(" and ")})
  --mappings PATH      mapping rules as a JSON array or CSV (default: ${DEFAULTS.mappings})
  --sources PATH       source mappings: a JSON file (one mapping or an array) or a folder of
                       them (default: ${DEFAULTS.sources}, the shipped ones)
  --connect-seed PATH  the emulated Connect instance (default: ${DEFAULTS.seed})
  --json               print one JSON report on stdout; logs go to stderr
  --help               show this help`;

interface Arguments {
  readonly events: readonly string[];
  readonly mappings: string;
  readonly sources: string;
  readonly seed: string;
  readonly json: boolean;
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
        help: { type: "boolean", short: "h", default: false },
      },
    });
    return {
      events: values.events === undefined ? DEFAULTS.events : [values.events],
      mappings: values.mappings ?? DEFAULTS.mappings,
      sources: values.sources ?? DEFAULTS.sources,
      seed: values["connect-seed"] ?? DEFAULTS.seed,
      json: values.json ?? false,
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

const main = async (): Promise<number> => {
  const args = parseArguments(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [bodyLists, rules, sources, seed] = await Promise.all([
    Promise.all(args.events.map((path) => readEventBodies(path))),
    readMappingRules(args.mappings, (line) => process.stderr.write(`${line}\n`)),
    readSourceMappings(args.sources),
    readSeed(args.seed),
  ]);
  const bodies = bodyLists.flat();

  // Loaded only once the arguments are good: a mistyped flag gets its one line, not the AWS
  // SDK's start-up warnings as well.
  const [{ startLocalStack, apiPaceEnv }, { runPipeline }] = await Promise.all([
    import("./stack.js"),
    import("./pipeline.js"),
  ]);

  // Everything the stack and the handler print is a log, and logs go to stderr; stdout is
  // kept for the report alone.
  const stdout = routeStdoutToStderr();
  const stack = await startLocalStack({
    seed,
    rules,
    sources,
    visibilityTimeoutSeconds: 20,
    functionEnv: apiPaceEnv(seed, CONSUMERS),
  });
  let report: PipelineReport;
  try {
    report = await runPipeline(stack, bodies, { consumers: CONSUMERS, timeoutMs: 15_000 });
  } finally {
    await stack.stop();
    stdout.restore();
  }
  stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : summaryTable(report));
  return 0;
};

const summaryTable = (report: PipelineReport): string => {
  const { stats } = report;
  const rows: string[][] = [["EMPLOYEE", "OUTCOME", "DETAIL"]];
  const announced = new Set<string>();
  for (const { detailType, detail } of report.published) {
    if (detailType !== "Connect User Created" || announced.has(String(detail.eventId))) continue;
    announced.add(String(detail.eventId));
    rows.push([
      String(detail.employeeId),
      String(detail.outcome),
      `${detail.username} (rule ${detail.ruleId}) ${detail.userArn}`,
    ]);
  }
  for (const letter of report.deadLetters) {
    const parsed = parseMessageBody(letter.body);
    const employeeId = parsed.ok
      ? parsed.event.employee.employeeId
      : (parsed.hints.employeeId ?? "-");
    rows.push([employeeId, `DLQ ${letter.reason}`, letter.message]);
  }
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) =>
    [(row[0] ?? "").padEnd(widths[0] ?? 0), (row[1] ?? "").padEnd(widths[1] ?? 0), row[2] ?? ""]
      .join("  ")
      .trimEnd(),
  );
  const header =
    `connect-onboarding on the local stack: ${stats.received} received, ${stats.created} created, ` +
    `${stats.alreadyExisted} already existed, ${stats.failed} in the DLQ (${(stats.durationMs / 1000).toFixed(1)} s)`;
  return `${header}\n\n${lines.join("\n")}\n\n${report.users.length} users in the emulated Connect instance; --json prints the full report.\n`;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof InputError
        ? error.message
        : `local run failed: ${(error as Error).stack ?? error}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  },
);
