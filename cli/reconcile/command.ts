/**
 * `onboard reconcile --roster FILE`: HR's active employees against the instance's users and the
 * ledger, every employee and every user classified (docs/cli.md). With `--apply`, the events
 * that fix what it found go through the onboarding queue, so the function applies them with its
 * pacing, deletion threshold and quarantine: this command never changes a Connect user itself.
 */
import { ConnectInstance } from "../../shared/adapters/connect-users.js";
import { DynamoDbLedger } from "../../shared/adapters/dynamodb-ledger.js";
import { DynamoDbSourceMappings } from "../../shared/adapters/dynamodb-source-mappings.js";
import { ApiPacer } from "../../shared/application/api-pacer.js";
import { systemClock } from "../../shared/application/clock.js";
import { silentLog } from "../../shared/application/log.js";
import { MessageReader } from "../../shared/application/message-reader.js";
import { pacedCalls } from "../../shared/application/paced-calls.js";
import { ProfileResolver } from "../../shared/application/profile-resolver.js";
import { Reconciler, type RosterEmployee } from "../../shared/application/reconciler.js";
import { DEFAULT_RETRY_POLICY } from "../../shared/application/retry.js";
import { RuleBook } from "../../shared/application/rule-book.js";
import { SourceBook } from "../../shared/application/source-book.js";
import { parseDateTime } from "../../shared/domain/hr-version.js";
import type { ProfileKind } from "../../shared/domain/profile-ref.js";
import {
  type FixEventType,
  fixEvent,
  type ReconcileEntry,
  type Reconciliation,
} from "../../shared/domain/reconciliation.js";
import type { SourceMapping } from "../../shared/domain/source-mapping.js";
import type { ConnectApi, ProfileCatalog, ProfileSummary } from "../../shared/ports.js";
import { MessageTooLargeError, REWRITE_NOTE, sendBodies } from "../../shared/queue-tools.js";
import { type AwsOptions, dynamoDbClient, pacedConnectClient, sqsClient } from "../aws.js";
import {
  attempt,
  CLI_CALLS,
  type CliIo,
  EXIT,
  OperationError,
  printJson,
  UsageError,
} from "../io.js";
import { plural } from "../mappings/rule-file.js";
import { loadRules } from "../plan-command.js";
import { createProgress } from "../progress.js";
import { connectApiRates, userSettings } from "../settings.js";
import { readSourceFile } from "../sources/files.js";
import { describeFixes, entryJson, type ProfileNames, renderReconciliation } from "./render.js";
import { type Roster, readRoster, rosterTime } from "./roster.js";

export interface ReconcileOptions extends AwsOptions {
  readonly roster: string;
  readonly instanceId?: string;
  readonly ledgerTable: string;
  readonly table?: string;
  readonly mappings?: string;
  readonly sources?: string;
  readonly sourceTable?: string;
  readonly identityManagementType?: string;
  readonly usernameTemplate?: string;
  readonly forbiddenSecurityProfiles?: string;
  readonly asOf?: string;
  readonly rps?: number;
  readonly all?: boolean;
  readonly json?: boolean;
  readonly apply?: boolean;
  readonly queueUrl?: string;
  readonly yes?: boolean;
  readonly includeOrphans?: boolean;
}

/** What --apply did, in the --json document. */
interface Applied {
  readonly queueUrl: string;
  readonly sent: number;
  readonly events: Partial<Record<FixEventType, number>>;
  readonly messageIds: string[];
  /** Terminations found and not sent, for want of --include-orphans. */
  readonly withheld: number;
}

/** Profile lists are read once per command, as a warm Lambda environment holds them. */
const CACHE = { ttlMs: 3_600_000, missRefreshMs: 3_600_000 };

export const runReconcile = async (options: ReconcileOptions, io: CliIo): Promise<number> => {
  checkUsage(options, io);
  const settings = userSettings(options);
  const instanceId = settings.instanceId as string;
  const rates = connectApiRates(options.rps);
  const asOf = options.asOf
    ? (parseDateTime(options.asOf) as number)
    : await rosterTime(options.roster);

  const dynamo = dynamoDbClient(options);
  const connectSdk = pacedConnectClient(options);
  try {
    const sources = await sourceBook(options, io, dynamo);
    const roster = await readRoster(options.roster, asOf, new MessageReader(sources), sources);
    reportRoster(options.roster, roster, io);
    const rules = await loadRules(options, settings.forbiddenSecurityProfiles, io);
    const pacer = new ApiPacer<ConnectApi>((api) => rates[api], systemClock);
    const connect = new ConnectInstance(
      connectSdk,
      instanceId,
      pacedCalls(pacer, DEFAULT_RETRY_POLICY, systemClock),
    );
    const catalog = listedOnce(connect);
    const reconciler = new Reconciler({
      rules: new RuleBook({ loadRules: async () => [...rules] }, CACHE, systemClock, silentLog),
      profiles: new ProfileResolver(
        catalog,
        instanceId,
        { ...CACHE, forbiddenSecurityProfiles: settings.forbiddenSecurityProfiles },
        systemClock,
      ),
      settings,
      connect,
      ledger: new DynamoDbLedger(dynamo, options.ledgerTable),
    });
    const progress = createProgress(io);
    const result = await attempt(`reconciling with instance ${instanceId}`, () =>
      reconciler.reconcile(roster.employees, asOf, CLI_CALLS, (state) =>
        progress.update({ done: state.done, total: state.total, counts: state.counts }),
      ),
    );
    progress.finish();
    const names = await profileNames(catalog);
    const heading = [
      `Roster ${options.roster}: ${plural(roster.employees.length, "employee")}, as of ${new Date(asOf).toISOString()}${options.asOf ? "" : " (its modification time; --as-of to say otherwise)"}`,
      `Instance ${instanceId}: ${plural(result.entries.filter((e) => e.userId).length, "user")}, ${result.entries.filter((e) => e.userId && e.class !== "UNMANAGED").length} managed by connect-onboarding; ledger ${options.ledgerTable}`,
    ];
    if (!options.json) {
      io.stdout(
        renderReconciliation({
          heading,
          entries: result.entries,
          totals: result.totals,
          names,
          all: Boolean(options.all),
          includeOrphans: Boolean(options.includeOrphans),
        }),
      );
    }
    const applied = options.apply ? await apply(options, roster, result, io) : null;
    if (options.json) {
      printJson(io, {
        roster: options.roster,
        asOf: new Date(asOf).toISOString(),
        instanceId,
        entries: result.entries.map(entryJson),
        totals: result.totals,
        problems: roster.problems,
        applied,
      });
    }
    if (roster.problems.length > 0) return EXIT.failed;
    if (options.apply) return applied ? EXIT.ok : EXIT.failed;
    const { MISSING, DRIFTED, ORPHANED } = result.totals;
    return MISSING + DRIFTED + ORPHANED > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    dynamo.destroy();
    connectSdk.destroy();
  }
};

const checkUsage = (options: ReconcileOptions, io: CliIo): void => {
  if (Boolean(options.mappings) === Boolean(options.table)) {
    throw new UsageError(
      "reconcile needs the rules: --table NAME or --mappings FILE (one of them)",
    );
  }
  if (options.sources && options.sourceTable) {
    throw new UsageError(
      "give the source mappings as --sources FILE or --source-table NAME, not both",
    );
  }
  if (options.asOf !== undefined && parseDateTime(options.asOf) === undefined) {
    throw new UsageError(
      `--as-of ${JSON.stringify(options.asOf)}: must be an RFC 3339 date-time with a time zone, e.g. 2026-11-28T10:00:00Z`,
    );
  }
  for (const [given, name] of [
    [options.queueUrl, "--queue-url"],
    [options.yes, "--yes"],
    [options.includeOrphans, "--include-orphans"],
  ] as const) {
    if (given && !options.apply) throw new UsageError(`${name} goes with --apply`);
  }
  if (!options.apply) return;
  if (!options.queueUrl)
    throw new UsageError("--apply sends through the onboarding queue: give --queue-url");
  if (!options.yes && !io.prompt) {
    throw new UsageError(
      "--apply asks before it sends, and no terminal can answer here (stdin is not one): give --yes",
    );
  }
};

/** The source mappings, from a file or the table; none when neither is given. */
const sourceBook = async (
  options: ReconcileOptions,
  io: CliIo,
  dynamo: ReturnType<typeof dynamoDbClient>,
): Promise<SourceBook | undefined> => {
  if (!options.sources && !options.sourceTable) return undefined;
  const mappings: SourceMapping[] = options.sources
    ? (await readSourceFile(options.sources, io)).mappings
    : await attempt(`reading table ${options.sourceTable}`, () =>
        new DynamoDbSourceMappings(dynamo, options.sourceTable as string).loadSources(
          CLI_CALLS,
          (sourceId, problem) =>
            io.stderr(
              `warning: source item ${sourceId ?? "(no sourceId)"} is invalid; the function ignores it: ${problem}\n`,
            ),
        ),
      );
  return new SourceBook({ loadSources: async () => mappings }, CACHE, systemClock, silentLog);
};

const reportRoster = (path: string, roster: Roster, io: CliIo): void => {
  for (const problem of roster.problems) {
    io.stderr(`${problem.where}: ${problem.reason}: ${problem.message}\n`);
  }
  for (const { employeeId, where, kept } of roster.repeated) {
    io.stderr(
      `warning: ${where}: employee ${employeeId} is listed again; ${kept} is used (the newest)\n`,
    );
  }
  if (roster.problems.length > 0) {
    io.stderr(
      `${path}: ${plural(roster.problems.length, "record")} cannot be read as an employee; the rest is reconciled\n`,
    );
  }
};

/** Each list once per command: the resolver and the names shown share it. */
const listedOnce = (catalog: ProfileCatalog): ProfileCatalog => {
  const lists = new Map<ProfileKind, Promise<ProfileSummary[]>>();
  return {
    listProfiles: (kind, context) => {
      let list = lists.get(kind);
      if (!list) {
        list = catalog.listProfiles(kind, context);
        lists.set(kind, list);
        list.catch(() => lists.delete(kind));
      }
      return list;
    },
  };
};

const profileNames = async (catalog: ProfileCatalog): Promise<ProfileNames> => {
  const kinds: ProfileKind[] = ["routingProfile", "securityProfile", "hierarchyGroup"];
  const lists = await attempt("listing profiles", () =>
    Promise.all(kinds.map((kind) => catalog.listProfiles(kind, CLI_CALLS))),
  );
  return new Map(
    kinds.map((kind, i) => [kind, new Map((lists[i] ?? []).map((p) => [p.id, p.name]))]),
  );
};

/**
 * Sends the fixes, after asking unless --yes. Terminations go only with --include-orphans, and
 * not at all when some roster record could not be read: that employee would look like a leaver.
 */
const apply = async (
  options: ReconcileOptions,
  roster: Roster,
  result: Reconciliation,
  io: CliIo,
): Promise<Applied | null> => {
  const queueUrl = options.queueUrl as string;
  const fixable = result.entries.filter(
    (entry): entry is ReconcileEntry & { fix: NonNullable<ReconcileEntry["fix"]> } =>
      entry.fix !== null,
  );
  const removals = fixable.filter((entry) => entry.fix.eventType === "EmployeeTerminated");
  if (options.includeOrphans && removals.length > 0 && roster.problems.length > 0) {
    throw new OperationError(
      `${options.roster}: ${plural(roster.problems.length, "record")} cannot be read, and an employee among them would look like a leaver: nothing sent; fix the roster, or leave out --include-orphans`,
    );
  }
  const chosen = fixable.filter(
    (entry) => entry.fix.eventType !== "EmployeeTerminated" || options.includeOrphans,
  );
  const withheld = fixable.length - chosen.length;
  const say = (line: string) => (options.json ? io.stderr(line) : io.stdout(line));
  if (chosen.length === 0) {
    say(
      `Nothing to send${withheld > 0 ? ` (${plural(withheld, "termination")} only with --include-orphans)` : ""}.\n`,
    );
    return { queueUrl, sent: 0, events: {}, messageIds: [], withheld };
  }
  const records = new Map<string, RosterEmployee>(
    roster.employees.map((employee) => [employee.event.employee.employeeId, employee]),
  );
  const bodies = chosen.map((entry) =>
    JSON.stringify(
      fixEvent(entry.fix, records.get(entry.fix.employeeId)?.event.employee.attributes),
    ),
  );
  const types = chosen.map((entry) => entry.fix.eventType);
  const what = `${plural(bodies.length, "event")} (${describeFixes(types)}) to ${queueUrl}`;
  if (!options.yes) {
    const answer = await (io.prompt as NonNullable<CliIo["prompt"]>)(
      `Send ${what}? The function applies them with its pacing, deletion threshold and quarantine. [y/N] `,
    );
    if (!/^\s*y(es)?\s*$/i.test(answer)) {
      io.stderr("Nothing sent.\n");
      return null;
    }
  }
  const sqs = sqsClient(options);
  try {
    const outcome = await attempt(`sending to ${queueUrl}`, () =>
      sendBodies(sqs, queueUrl, bodies).catch((error: unknown) => {
        if (!(error instanceof MessageTooLargeError)) throw error;
        throw new OperationError(
          `the fix for employee ${chosen[error.index]?.employeeId}: ${error.message}; nothing sent`,
        );
      }),
    );
    for (const { index, rewrite } of outcome.rewritten) {
      io.stderr(
        `note: the fix for employee ${chosen[index]?.employeeId}: ${REWRITE_NOTE[rewrite]}\n`,
      );
    }
    const messageIds = outcome.messageIds.filter((id): id is string => id !== undefined);
    if (outcome.refused.length > 0) {
      for (const failure of outcome.refused) {
        io.stderr(
          `the fix for employee ${chosen[failure.index]?.employeeId}: not sent: ${failure.code} ${failure.message}`.trimEnd() +
            "\n",
        );
      }
      throw new OperationError(
        `${plural(messageIds.length, "event")} sent, then SQS refused ${outcome.refused.length}; stopped (running reconcile again is safe: a fix sent twice is one change)`,
      );
    }
    const events: Partial<Record<FixEventType, number>> = {};
    for (const type of types) events[type] = (events[type] ?? 0) + 1;
    say(
      `Sent ${what}. Run reconcile again once the queue has drained to see the result.${withheld > 0 ? ` Not sent: ${plural(withheld, "termination")} (--include-orphans).` : ""}\n`,
    );
    return { queueUrl, sent: messageIds.length, events, messageIds, withheld };
  } finally {
    sqs.destroy();
  }
};
