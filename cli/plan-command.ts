import { ConnectInstance } from "../shared/adapters/connect-users.js";
import { DynamoDbLedger } from "../shared/adapters/dynamodb-ledger.js";
import { DynamoDbMappingRules } from "../shared/adapters/dynamodb-mapping-rules.js";
import { MATCH_ATTRIBUTES, type MappingRule } from "../shared/domain/mapping-rule.js";
import { PROFILE_LABEL } from "../shared/domain/profile-ref.js";
import { type AwsOptions, connectClient, dynamoDbClient } from "./aws.js";
import { readEventBodies } from "./event-file.js";
import { attempt, CLI_CALLS, type CliIo, EXIT, printJson, table, UsageError } from "./io.js";
import { plural, readRuleFile } from "./mappings/rule-file.js";
import { createPlanner, type EventPlan, type PlanDetails } from "./plan.js";
import { userSettings } from "./settings.js";

export interface PlanOptions extends AwsOptions {
  readonly mappings?: string;
  readonly table?: string;
  readonly instanceId?: string;
  readonly ledgerTable?: string;
  readonly identityManagementType?: string;
  readonly usernameTemplate?: string;
  readonly forbiddenSecurityProfiles?: string;
  readonly item?: number;
  readonly json?: boolean;
}

/** Up to this many events, each plan is shown in full; above it, a summary. */
export const FULL_PLANS = 10;
/** In the summary, this many failures of each reason are shown. */
const FAILURES_SHOWN_PER_REASON = 3;

/** Plans each event in the file; exits 1 when any of them would fail. */
export const runPlan = async (file: string, options: PlanOptions, io: CliIo): Promise<number> => {
  if (!options.mappings && !options.table) {
    throw new UsageError("plan needs the rules: --mappings FILE or --table NAME");
  }
  const settings = userSettings(options);
  let bodies = await readEventBodies(file);
  if (options.item !== undefined) {
    const chosen = bodies[options.item - 1];
    if (!chosen) throw new UsageError(`--item ${options.item}: ${file} holds ${bodies.length}`);
    bodies = [chosen];
  }
  const rules = await loadRules(options, settings.forbiddenSecurityProfiles, io);
  const connectSdk = settings.instanceId ? connectClient(options) : undefined;
  const dynamodb = options.ledgerTable ? dynamoDbClient(options) : undefined;
  try {
    const plan = createPlanner({
      rules,
      settings,
      ...(connectSdk && settings.instanceId
        ? { connect: new ConnectInstance(connectSdk, settings.instanceId) }
        : {}),
      ...(dynamodb && options.ledgerTable
        ? { ledger: new DynamoDbLedger(dynamodb, options.ledgerTable) }
        : {}),
    });
    const results: { where: string; details: PlanDetails }[] = [];
    for (const { where, body } of bodies) {
      results.push({ where, details: await attempt(`planning ${where}`, () => plan(body)) });
    }
    if (options.json) {
      const plans = results.map((result) => result.details.plan);
      printJson(io, plans.length === 1 ? plans[0] : plans);
    } else if (results.length > FULL_PLANS) {
      io.stdout(renderSummary(file, rules.length, results));
    } else {
      io.stdout(results.map(({ where, details }) => renderPlan(where, details)).join("\n"));
    }
    return results.some((result) => result.details.plan.failure) ? EXIT.failed : EXIT.ok;
  } finally {
    connectSdk?.destroy();
    dynamodb?.destroy();
  }
};

export const loadRules = async (
  options: PlanOptions,
  forbiddenSecurityProfiles: readonly string[],
  io: CliIo,
): Promise<MappingRule[]> => {
  // A rule naming a forbidden profile stops a file from being read, as import would; from the
  // table it is planned, and the plan fails as the function would with ForbiddenProfile.
  if (options.mappings) return readRuleFile(options.mappings, io, { forbiddenSecurityProfiles });
  const tableName = options.table as string;
  const client = dynamoDbClient(options);
  try {
    // The function's own reader: an item it would skip is skipped here too, with a warning.
    return await attempt(`reading table ${tableName}`, () =>
      new DynamoDbMappingRules(client, tableName).loadRules(CLI_CALLS, (ruleId, problem) =>
        io.stderr(
          `warning: table item ${ruleId ?? "(no ruleId)"} is invalid; the function ignores it: ${problem}\n`,
        ),
      ),
    );
  } finally {
    client.destroy();
  }
};

/** Counts per outcome, reason and winning rule, and a few failures of each reason. */
export const renderSummary = (
  file: string,
  ruleCount: number,
  results: readonly { where: string; details: PlanDetails }[],
): string => {
  const count = <T>(items: readonly T[], key: (item: T) => string | undefined) => {
    const counts = new Map<string, number>();
    for (const item of items) {
      const k = key(item);
      if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts.entries()].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));
  };
  const failures = results.filter((result) => result.details.plan.failure);
  const reasons = count(failures, (result) => result.details.plan.failure?.reason);
  const actions = count(results, (result) => result.details.plan.action ?? undefined);
  const rows: string[][] = [
    ...actions.map(([action, n]) => [`would ${ACTION_WORDS[action] ?? action}`, String(n)]),
    ["would fail", String(failures.length)],
    ...reasons.map(([reason, n]) => [`  ${reason}`, String(n)]),
  ];
  const winners = count(results, (result) => result.details.plan.winner?.ruleId);
  const shown = new Map<string, number>();
  const examples = failures.filter((result) => {
    const reason = result.details.plan.failure?.reason ?? "";
    shown.set(reason, (shown.get(reason) ?? 0) + 1);
    return (shown.get(reason) ?? 0) <= FAILURES_SHOWN_PER_REASON;
  });
  const lines = [
    `${file}: ${plural(results.length, "event")} planned against ${plural(ruleCount, "rule")}`,
    table(rows),
    ...(winners.length > 0
      ? ["Winning rules:", table(winners.map(([ruleId, n]) => [ruleId, String(n)]))]
      : []),
    ...(examples.length > 0
      ? [
          `Failures (up to ${FAILURES_SHOWN_PER_REASON} of each reason):`,
          table(
            examples.map(({ where, details }) => [
              where,
              details.plan.failure?.reason ?? "",
              details.plan.failure?.message ?? "",
            ]),
          ),
        ]
      : []),
    `One hire in full: --item N (from 1). Every plan: --json.`,
  ];
  return `${lines.join("\n")}\n`;
};

export const renderPlan = (where: string, details: PlanDetails): string => {
  const { plan } = details;
  const lines: string[] = [];
  const title = plan.event
    ? `${plan.event.eventType} ${plan.event.eventId} (${details.envelope} envelope), employee ${plan.event.employee.employeeId}`
    : unreadableTitle(plan, details);
  lines.push(`${where}: ${title}`);
  if (plan.event) lines.push(...describeEmployee(plan.event.employee));
  lines.push(...describeMatches(plan, details));
  if (details.profiles.length > 0) lines.push(...describeProfiles(details));
  if (plan.request) {
    lines.push("  CreateUser request:");
    lines.push(
      ...JSON.stringify(plan.request, null, 2)
        .split("\n")
        .map((line) => `    ${line}`),
    );
  }
  if (plan.changes.length > 0) {
    lines.push("  Changes:");
    lines.push(
      table(
        plan.changes.map((change) => [change.aspect, describeChange(change)]),
        "    ",
      ),
    );
  }
  if (plan.usernameDrift) {
    lines.push(
      `  Username drift: the user keeps ${plan.usernameDrift.current}; the template now gives ${plan.usernameDrift.desired} (Connect cannot rename users)`,
    );
  }
  lines.push(`  Outcome: ${describeOutcome(plan, details)}`);
  return `${lines.join("\n")}\n`;
};

/** How the summary words each action of the plan. */
const ACTION_WORDS: Readonly<Record<string, string>> = {
  CREATE: "create",
  ADOPT: "adopt an existing user",
  UPDATE: "update",
  UNCHANGED: "leave unchanged",
  STALE: "skip as stale",
};

/** A body that is no valid event: say what it is, and whose, as far as it could be read. */
const unreadableTitle = (plan: EventPlan, details: PlanDetails): string => {
  const reason = plan.failure?.reason;
  if (reason === "InvalidJson") return "Body that is not JSON";
  if (reason === "PayloadTooLarge") return "Body too large to be an employee event";
  const { eventId, employeeId } = details.hints ?? {};
  const whose = [
    eventId === undefined ? undefined : `event ${eventId}`,
    employeeId === undefined ? undefined : `employee ${employeeId}`,
  ].filter(Boolean);
  const what =
    reason === "UnsupportedEventType" ? "Event that is not an employee event" : "Invalid event";
  return whose.length > 0 ? `${what}: ${whose.join(", ")}` : what;
};

const describeEmployee = (employee: Readonly<Record<string, string>>): string[] => {
  const shown = MATCH_ATTRIBUTES.filter((key) => employee[key] !== undefined).map(
    (key) => `${key}=${JSON.stringify(employee[key])}`,
  );
  return [
    `  Attributes: ${shown.length > 0 ? shown.join(" ") : "(none that rules usually match)"}`,
  ];
};

const describeMatches = (plan: EventPlan, details: PlanDetails): string[] => {
  if (!plan.event) return [];
  const lines: string[] = [];
  if (plan.matches.length === 0) lines.push("  Matching rules: none");
  else {
    lines.push("  Matching rules, winner first:");
    lines.push(
      table(
        plan.matches.map((match, i) => [
          i === 0 ? "*" : " ",
          match.ruleId,
          `priority ${match.priority}`,
          `match keys ${match.specificity}`,
        ]),
        "    ",
      ),
    );
  }
  if (plan.winner && details.why) lines.push(`  Winner: ${plan.winner.ruleId}, ${details.why}`);
  if (details.disabledMatches.length > 0) {
    lines.push(`  Disabled rules that would match: ${details.disabledMatches.join(", ")}`);
  }
  return lines;
};

const describeProfiles = (details: PlanDetails): string[] => {
  const resolved = details.profiles.every((line) => line.id !== undefined);
  return [
    resolved ? "  Profiles:" : "  Profiles (names resolve only with --instance-id):",
    table(
      details.profiles.map((line) => [
        PROFILE_LABEL[line.kind],
        line.reference,
        line.id === undefined
          ? "(not resolved)"
          : line.id === line.reference
            ? ""
            : `-> ${line.id}`,
      ]),
      "    ",
    ),
  ];
};

const describeOutcome = (plan: EventPlan, details: PlanDetails): string => {
  if (plan.failure) return `FAILS with ${plan.failure.reason}: ${plan.failure.message}`;
  const stale = details.versioned ? "" : " (give --ledger-table to tell a stale event)";
  switch (plan.action) {
    case "STALE":
      return "STALE: a newer version of this employee was applied already; nothing changes";
    case "UNCHANGED":
      return `UNCHANGED: user ${plan.userId} already matches${stale}`;
    case "UPDATE":
      return `UPDATE user ${plan.userId}: ${plan.changes.length} change(s), each with its own API${stale}`;
    case "ADOPT":
      return `ADOPT user ${plan.userId}: the username is this employee's own user; the function brings it in line (${plan.changes.length} change(s)) and announces it`;
    default:
      return details.online
        ? `CREATE user ${plan.request?.Username}`
        : `CREATE user ${plan.request?.Username} (give --instance-id to resolve profiles and look up the employee's user)`;
  }
};

/** A change's values; identity and desk-phone values are never shown, only what changed. */
const describeChange = (change: EventPlan["changes"][number]): string => {
  if (change.aspect === "identityInfo") return `changes ${change.fields.join(", ")}`;
  const text = (value: unknown) => (value === null ? "(none)" : JSON.stringify(value));
  return `${text(change.from)} -> ${text(change.to)}`;
};
