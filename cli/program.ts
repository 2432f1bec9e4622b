/**
 * The `onboard` command line: option parsing and help only. Each action loads its command
 * module (and with it the AWS SDK) once the arguments are known to be good, so `--help` and
 * usage errors answer at once and print nothing but themselves.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { IDENTITY_MANAGEMENT_TYPES } from "../shared/domain/username.js";
import { type CliIo, describeError, EXIT, UsageError } from "./io.js";
import { dlqReasons } from "./reasons.js";
import { functionDefaults } from "./settings.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/** Runs one command line; resolves to the exit code, never throws. */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
};

const reportError = (error: unknown, io: CliIo): number => {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") {
      return EXIT.ok;
    }
    // `onboard help plan`: help asked for (exit 0); a command group given alone also shows its
    // help, as an error (exit 2).
    if (error.code === "commander.help") return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
  io.stderr(`error: ${describeError(error)}\n`);
  if (process.env.ONBOARD_DEBUG && error instanceof Error && error.stack) {
    io.stderr(`${error.stack}\n`);
  }
  return error instanceof UsageError ? EXIT.usage : EXIT.failed;
};

export const buildProgram = (io: CliIo, setExit: (code: number) => void): Command => {
  const program = new Command("onboard")
    .description(
      "Operate connect-onboarding: plan a hire, manage the mapping and source tables, inspect and replay the dead-letter queue.",
    )
    .version(VERSION)
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text),
    })
    .exitOverride()
    .showSuggestionAfterError()
    .addOption(
      new Option(
        "--endpoint <url>",
        "send every AWS call to this URL (a local stack); otherwise AWS_ENDPOINT_URL_<SERVICE> or AWS itself",
      ).argParser(url),
    )
    .option("--region <region>", "AWS Region (default: AWS_REGION or the profile's region)")
    .option("--profile <name>", "profile from the shared AWS config files (default: AWS_PROFILE)")
    .addHelpText(
      "after",
      `
Credentials come from the AWS SDK's standard chain. Exit codes: 0 success, 1 problems found or
the operation failed, 2 wrong usage, 130 interrupted. Ctrl-C or SIGTERM ends any command at once
(by the signal); dlq replay first finishes the message in hand, for at most 5 seconds.`,
    );

  addPlan(program, io, setExit);
  addMappings(program, io, setExit);
  addSources(program, io, setExit);
  addDlq(program, io, setExit);
  addSend(program, io, setExit);
  addHistory(program, io, setExit);
  addQuarantine(program, io, setExit);
  addReconcile(program, io, setExit);
  return program;
};

type SetExit = (code: number) => void;

/** Rules may not grant these; with --instance-id, a profile named by its ID or ARN is caught too. */
const forbiddenOption = (): Option =>
  new Option(
    "--forbidden-security-profiles <list>",
    "comma-separated names, IDs or ARNs no rule may grant, as the function's FORBIDDEN_SECURITY_PROFILES",
  ).default(functionDefaults().forbiddenSecurityProfiles.join(","));

/** The function's IDENTITY_MANAGEMENT_TYPE, for commands that plan as it would. */
const identityTypeOption = (): Option =>
  new Option(
    "--identity-management-type <type>",
    `${IDENTITY_MANAGEMENT_TYPES.join(" | ")}, as the function's IDENTITY_MANAGEMENT_TYPE`,
  )
    .default(functionDefaults().identityManagementType)
    .argParser(oneOf(IDENTITY_MANAGEMENT_TYPES));

/** The function's USERNAME_TEMPLATE, likewise. */
const usernameTemplateOption = (): Option =>
  new Option("--username-template <template>", "as the function's USERNAME_TEMPLATE").default(
    functionDefaults().usernameTemplate,
  );

// Global options (--endpoint, --region, --profile) may come before or after the command.
const options = <T>(command: Command): T => command.optsWithGlobals() as T;

const addPlan = (program: Command, io: CliIo, setExit: SetExit): void => {
  program
    .command("plan")
    .description(
      "Dry run: what the function would do with an event (create, update with the differences, unchanged, stale), and why. Writes nothing anywhere.",
    )
    .argument(
      "<event-file>",
      ".json (one body or an array), .jsonl (one body per line) or a folder",
    )
    .addOption(new Option("--mappings <file>", "rules from a JSON or CSV file").conflicts("table"))
    .option("--table <name>", "rules from the mapping table")
    .option(
      "--instance-id <id>",
      "Connect instance ID or ARN: resolve profiles, look up the employee's user and plan against it",
    )
    .option(
      "--ledger-table <name>",
      "the ledger: plan against the version last applied (an older event is STALE)",
    )
    .addOption(identityTypeOption())
    .addOption(usernameTemplateOption())
    .addOption(forbiddenOption())
    .addOption(
      new Option("--item <n>", "plan only the n-th body of the file (from 1)").argParser(
        positiveInteger,
      ),
    )
    .option("--json", "print the plan as JSON (an array when the file holds several bodies)")
    .addHelpText(
      "after",
      `
JSON: {"event","matches":[{"ruleId","priority","specificity"}],"winner":{"ruleId"}|null,
       "action":"CREATE"|"ADOPT"|"UPDATE"|"UNCHANGED"|"STALE"|null,"userId","changes":[{"aspect","from","to"}],
       "usernameDrift":{"current","desired"}|null,"request":{CreateUser input}|null,
       "failure":{"reason","message"}|null}
Exits 1 when an event would fail. CONNECT_MANAGED requests show a placeholder, never a password.

Example:
  onboard plan events/hires/01-new-hires.json --table connect-onboarding-mappings \\
    --instance-id 5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10`,
    )
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { runPlan } = await import("./plan-command.js");
      setExit(await runPlan(file, options(command), io));
    });
};

const addMappings = (program: Command, io: CliIo, setExit: SetExit): void => {
  const mappings = program
    .command("mappings")
    .description("Load, export and check the mapping table.");

  mappings
    .command("import")
    .description(
      "Validate every rule in the file (all errors at once, nothing written if any), show the diff against the table, then write.",
    )
    .argument("<file>", "rules as a JSON array (.json) or CSV (.csv)")
    .requiredOption("--table <name>", "the mapping table")
    .option("--dry-run", "show the diff, write nothing")
    .option("--prune", "also delete rules the file does not have")
    .option(
      "--impact",
      "before writing, show which managed employees the new rules move, from which rule to which, and what their users would get",
    )
    .option("--ledger-table <name>", "with --impact: the ledger, whose employees are judged")
    .addOption(forbiddenOption())
    .option("--json", "print the diff (and the impact) as JSON")
    .addHelpText(
      "after",
      `
--impact JSON: "impact":{"ledgerTable","moves":[{"from","to"|null,"employeeIds","changes":[{"aspect","from","to"}]|null}],
       "totals":{"employees","moving","changing","unmatched","unaffected"},"unrecordedKeys"}

Example:
  onboard mappings import new-rules.json --table "$MAPPING_TABLE_NAME" --impact \\
    --ledger-table "$LEDGER_TABLE_NAME" --dry-run`,
    )
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { runImport } = await import("./mappings/import.js");
      setExit(await runImport(file, options(command), io));
    });

  mappings
    .command("export")
    .description("Print the table's rules, sorted by ruleId.")
    .requiredOption("--table <name>", "the mapping table")
    .addOption(
      new Option("--format <format>", "json keeps everything; csv has no tags column")
        .choices(["json", "csv"])
        .default("json"),
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runExport } = await import("./mappings/export.js");
      setExit(await runExport(options(command), io));
    });

  mappings
    .command("validate")
    .description(
      "Check rules: invalid or duplicate rules, rules that can never win (shadowed), and with --instance-id every profile and hierarchy group.",
    )
    .argument("[file]", "check a rules file instead of the table")
    .option("--table <name>", "the mapping table")
    .option("--instance-id <id>", "Connect instance ID or ARN to resolve profiles against")
    .option("--hires <event-file>", "recent hires: report departments and locations no rule covers")
    .addOption(forbiddenOption())
    .option("--json", "print the findings as JSON")
    .addHelpText("after", "\nExits 1 when there are errors; warnings alone exit 0.")
    .action(async (file: string | undefined, _opts: unknown, command: Command) => {
      const { runValidate } = await import("./mappings/validate.js");
      setExit(await runValidate(file, options(command), io));
    });
};

const addSources = (program: Command, io: CliIo, setExit: SetExit): void => {
  const sources = program
    .command("sources")
    .description(
      "Load, export, check and try the source mappings (HR payloads in their own shape).",
    );

  sources
    .command("import")
    .description(
      "Validate and compile every mapping in the file (all errors at once, nothing written if any), then write what differs.",
    )
    .argument("<file>", "a JSON file (one mapping or an array) or a folder of them")
    .requiredOption("--table <name>", "the source table")
    .option("--dry-run", "show the differences, write nothing")
    .option("--prune", "also delete mappings the file does not have")
    .option("--json", "print the differences as JSON")
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { runSourcesImport } = await import("./sources/manage.js");
      setExit(await runSourcesImport(file, options(command), io));
    });

  sources
    .command("export")
    .description("Print the table's mappings as a JSON array, sorted by sourceId.")
    .requiredOption("--table <name>", "the source table")
    .action(async (_opts: unknown, command: Command) => {
      const { runSourcesExport } = await import("./sources/manage.js");
      setExit(await runSourcesExport(options(command), io));
    });

  sources
    .command("validate")
    .description(
      "Compile every expression as the function will; report each problem with its member and, for a syntax error, its position.",
    )
    .argument("[file]", "check a file or folder instead of the table")
    .option("--table <name>", "the source table")
    .option("--json", "print the findings as JSON")
    .addHelpText("after", "\nExits 1 when there are errors.")
    .action(async (file: string | undefined, _opts: unknown, command: Command) => {
      const { runSourcesValidate } = await import("./sources/manage.js");
      setExit(await runSourcesValidate(file, options(command), io));
    });

  sources
    .command("test")
    .description(
      "Show the canonical event(s) a payload becomes and, with rules, the plan for each. Writes nothing anywhere.",
    )
    .argument(
      "<payload-file>",
      ".json (one body or an array), .jsonl (one body per line) or a folder",
    )
    .addOption(
      new Option("--sources <file>", "source mappings from a file or folder").conflicts(
        "sourceTable",
      ),
    )
    .option("--source-table <name>", "source mappings from the source table")
    .addOption(
      new Option("--mappings <file>", "rules from a JSON or CSV file, for the plan").conflicts(
        "table",
      ),
    )
    .option("--table <name>", "rules from the mapping table, for the plan")
    .option(
      "--instance-id <id>",
      "Connect instance ID or ARN: resolve profiles, check the username",
    )
    .addOption(identityTypeOption())
    .addOption(usernameTemplateOption())
    .option("--json", "print the result as JSON (an array when the file holds several bodies)")
    .addHelpText(
      "after",
      `
JSON: {"where","sourceId","envelope","failure":{"reason","message"}|null,
       "events":[{"event","failure","plan":{as onboard plan --json}|null}]}
Exits 1 when the payload or any of its events would fail.

Example:
  onboard sources test events/sources/payloads/bamboohr-webhook.json --sources events/sources \\
    --mappings events/mappings.json`,
    )
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { runSourcesTest } = await import("./sources/test-command.js");
      setExit(await runSourcesTest(file, options(command), io));
    });
};

const addDlq = (program: Command, io: CliIo, setExit: SetExit): void => {
  const dlq = program.command("dlq").description("Inspect and replay the dead-letter queue.");

  dlq
    .command("list")
    .description(
      "Messages grouped by failure reason: counts, oldest age, sample employee IDs, what to do. Consumes nothing.",
    )
    .requiredOption("--queue-url <url>", "the dead-letter queue", url)
    .addOption(
      new Option(
        "--visibility-timeout <seconds>",
        "how long each message is hidden while the list is read",
      )
        .default(30)
        .argParser(visibilityTimeout),
    )
    .addOption(
      new Option("--reason <code>", "only messages parked with this reason (repeatable)").argParser(
        collect(oneOf(dlqReasons())),
      ),
    )
    .addOption(
      new Option("--employee <id>", "only this employee's messages (repeatable)").argParser(
        collect((value) => value.trim()),
      ),
    )
    .option("--bodies", "also show each message: why it failed, what to do, and its body")
    .option("--json", "print the groups (and with --bodies the messages) as JSON")
    .addHelpText(
      "after",
      `
JSON: {"queueUrl","total","groups":[{"reason","count","oldestFailedAt","oldestAgeSeconds",
       "sampleEmployeeIds","sampleMessage","fix"}],"messages":[{"messageId","reason","employeeId",
       "failedAt","failureMessage","attributes","body"}] (with --bodies)}

Example: onboard dlq list --queue-url "$DLQ_URL" --reason NoMappingRule --bodies`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runDlqList } = await import("./dlq/list.js");
      setExit(await runDlqList(options(command), io));
    });

  const reasons = dlqReasons();
  dlq
    .command("replay")
    .description(
      "Send messages back to the queue (failure attributes stripped, replayCount added), deleting each from the DLQ only after its send succeeded.",
    )
    .requiredOption("--from <url>", "the dead-letter queue", url)
    .requiredOption(
      "--to <url>",
      "the queue the function reads: the DLQ's source queue (its redrive policy targets --from)",
      url,
    )
    .addOption(
      new Option("--reason <code>", "only messages parked with this reason (repeatable)").argParser(
        collect(oneOf(reasons)),
      ),
    )
    .addOption(
      new Option("--employee <id>", "only this employee's messages (repeatable)").argParser(
        collect((value) => value.trim()),
      ),
    )
    .addOption(
      new Option("--rate <n>", "messages per second at most").default(10).argParser(positiveNumber),
    )
    .addOption(new Option("--max <n>", "replay at most n messages").argParser(positiveInteger))
    .option("--dry-run", "show what would be replayed, send and delete nothing")
    .addOption(
      new Option(
        "--visibility-timeout <seconds>",
        "how long messages are held hidden while the replay runs",
      )
        .default(60)
        .argParser(visibilityTimeout),
    )
    .option("--json", "print the final counts as JSON")
    .addHelpText(
      "after",
      `
Reasons: ${reasons.join(", ")}.
Refused (exit 2): --to naming the DLQ itself, or a queue whose redrive policy does not target it.
Ctrl-C stops after the message in hand: every message is then in the DLQ or sent, never neither
(Ctrl-C twice quits at once; a message may then be both, and replays are idempotent).`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runDlqReplay } = await import("./dlq/replay.js");
      setExit(await runDlqReplay(options(command), io));
    });
};

const addHistory = (program: Command, io: CliIo, setExit: SetExit): void => {
  program
    .command("history")
    .description(
      "An employee's provisioning timeline from the ledger: each change applied, oldest first, and the state now.",
    )
    .argument("<employee-id>", "the employee's ID, as HR sends it")
    .requiredOption(
      "--ledger-table <name>",
      "the ledger table (the stack's LedgerTableName output)",
    )
    .option("--json", 'print {"employeeId","state","history":[...]} as JSON')
    .action(async (employeeId: string, _opts: unknown, command: Command) => {
      const { runHistory } = await import("./history.js");
      setExit(await runHistory(employeeId.trim(), options(command), io));
    });
};

const addReconcile = (program: Command, io: CliIo, setExit: SetExit): void => {
  program
    .command("reconcile")
    .description(
      "HR's roster against the instance's users and the ledger: every employee and user MISSING, DRIFTED (with the differences), ORPHANED, UNMANAGED or IN_SYNC. Changes nothing; --apply sends the fixes through the onboarding queue.",
    )
    .requiredOption(
      "--roster <file>",
      "the active employees: .csv (employee fields as columns), .json, .jsonl or a folder (employee objects, events, or payloads a source mapping reads)",
    )
    .requiredOption("--instance-id <id>", "Connect instance ID or ARN")
    .requiredOption(
      "--ledger-table <name>",
      "the ledger table (the stack's LedgerTableName output)",
    )
    .addOption(new Option("--mappings <file>", "rules from a JSON or CSV file").conflicts("table"))
    .option("--table <name>", "rules from the mapping table")
    .addOption(
      new Option("--sources <file>", "source mappings from a file or folder").conflicts(
        "sourceTable",
      ),
    )
    .option("--source-table <name>", "source mappings from the source table")
    .addOption(identityTypeOption())
    .addOption(usernameTemplateOption())
    .addOption(forbiddenOption())
    .option(
      "--as-of <date-time>",
      "when the roster was true, the HR version of the fixes (default: the file's modification time)",
    )
    .addOption(
      new Option(
        "--rps <n>",
        "calls per second per Connect API (default: CONNECT_API_RPS and CONNECT_API_RPS_<Api> as the function reads them, else 1)",
      ).argParser(positiveNumber),
    )
    .option("--all", "also list the IN_SYNC entries")
    .option("--json", "print the classification as JSON")
    .option("--apply", "send the fixes through the onboarding queue, after asking")
    .addOption(
      new Option("--queue-url <url>", "with --apply: the queue the function reads").argParser(url),
    )
    .option("--yes", "with --apply: send without asking")
    .option("--include-orphans", "with --apply: also send a termination for each ORPHANED user")
    .addHelpText(
      "after",
      `
JSON: {"roster","asOf","instanceId","entries":[{"class","employeeId","userId","username","ruleId",
       "differences":[{"aspect","from","to"}] (DRIFTED),"usernameDrift"?,"failure"?,"note"?,
       "fix":"EmployeeHired"|"EmployeeUpdated"|"EmployeeTerminated"|null}],
       "totals":{"MISSING","DRIFTED","ORPHANED","UNMANAGED","IN_SYNC"},"problems":[...],
       "applied":{"queueUrl","sent","events","messageIds","withheld"}|null}
Exits 1 when a roster record cannot be read or, without --apply, when anything is MISSING,
DRIFTED or ORPHANED; with --apply, 0 once the fixes are sent.

Example:
  onboard reconcile --roster hr-export.csv --instance-id "$CONNECT_INSTANCE_ID" \\
    --ledger-table "$LEDGER_TABLE_NAME" --table "$MAPPING_TABLE_NAME" --apply --queue-url "$QUEUE_URL"`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runReconcile } = await import("./reconcile/command.js");
      setExit(await runReconcile(options(command), io));
    });
};

const addQuarantine = (program: Command, io: CliIo, setExit: SetExit): void => {
  const quarantine = program
    .command("quarantine")
    .description(
      "The service's quarantine (it stops consuming before it does damage): see why, and release it.",
    );
  const ledger = "--ledger-table <name>";
  const ledgerHelp =
    "the ledger table, which holds the quarantine (the stack's LedgerTableName output)";
  quarantine
    .command("status")
    .description(
      "Whether the service is quarantined: the reason, since when, the counts, the event source mapping and the removals held back.",
    )
    .requiredOption(ledger, ledgerHelp)
    .option(
      "--json",
      'print {"active","reason","since","detail","counts","trippedBy","mapping","removals","releasedAt"} as JSON',
    )
    .action(async (_opts: unknown, command: Command) => {
      const { runQuarantineStatus } = await import("./quarantine.js");
      setExit(await runQuarantineStatus(options(command), io));
    });
  quarantine
    .command("release")
    .description(
      'End the quarantine once its cause is fixed: clear it, enable the function\'s event source mapping again and publish "Provisioning Resumed".',
    )
    .requiredOption(ledger, ledgerHelp)
    .option(
      "--allow-removals <n>",
      "raise the deletion threshold's allowance once by N removals (after a RemovalThresholdExceeded you have checked)",
      positiveInteger,
    )
    .option(
      "--mapping-uuid <uuid>",
      "the event source mapping to enable, when the quarantine names none (the stack's function's SQS mapping)",
    )
    .option("--json", "print what was released as JSON")
    .action(async (_opts: unknown, command: Command) => {
      const { runQuarantineRelease } = await import("./quarantine.js");
      setExit(await runQuarantineRelease(options(command), io));
    });
};

const addSend = (program: Command, io: CliIo, setExit: SetExit): void => {
  program
    .command("send")
    .description("Enqueue hires as an HR system would, verbatim (for smoke tests).")
    .argument(
      "<event-file>",
      ".json (one body or an array), .jsonl (one body per line) or a folder",
    )
    .requiredOption("--queue-url <url>", "the queue the function reads", url)
    .option("--json", "print the message IDs as JSON")
    .action(async (file: string, _opts: unknown, command: Command) => {
      const { runSend } = await import("./send.js");
      setExit(await runSend(file, options(command), io));
    });
};

function url(value: string): string {
  if (!/^https?:\/\/\S+$/.test(value)) throw new InvalidArgumentError("must be an http(s) URL");
  return value;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError("must be a number above 0");
  }
  return number;
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError("must be a whole number from 1");
  }
  return number;
}

/** SQS's own bounds for a visibility timeout. */
function visibilityTimeout(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 43_200) {
    throw new InvalidArgumentError("must be a whole number of seconds from 1 to 43200");
  }
  return number;
}

function oneOf(allowed: readonly string[]) {
  return (value: string): string => {
    const found = allowed.find(
      (candidate) => candidate.toLowerCase() === value.trim().toLowerCase(),
    );
    if (!found) throw new InvalidArgumentError(`must be one of ${allowed.join(", ")}`);
    return found;
  };
}

/** A repeatable option; a comma-separated value counts as several. */
function collect(parse: (value: string) => string) {
  return (value: string, previous: string[] | undefined): string[] => [
    ...(previous ?? []),
    ...value
      .split(",")
      .filter((part) => part.trim() !== "")
      .map(parse),
  ];
}
