import { ConnectInstance } from "../shared/adapters/connect-user-directory.js";
import { DynamoDbMappingRules } from "../shared/adapters/dynamodb-mapping-rules.js";
import { NO_DEADLINE } from "../shared/application/deadline.js";
import { MATCH_ATTRIBUTES, type MappingRule } from "../shared/domain/mapping-rule.js";
import { PROFILE_LABEL } from "../shared/domain/profile-ref.js";
import { type AwsOptions, connectClient, dynamoDbClient } from "./aws.js";
import { readEventBodies } from "./event-file.js";
import { attempt, type CliIo, EXIT, printJson, table, UsageError } from "./io.js";
import { readRuleFile } from "./mappings/rule-file.js";
import { createPlanner, type HirePlan, type PlanDetails } from "./plan.js";
import { userSettings } from "./settings.js";

export interface PlanOptions extends AwsOptions {
  readonly mappings?: string;
  readonly table?: string;
  readonly instanceId?: string;
  readonly identityManagementType?: string;
  readonly usernameTemplate?: string;
  readonly item?: number;
  readonly json?: boolean;
}

/** Plans each hire in the file; exits 1 when any of them would fail. */
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
  const rules = await loadRules(options, io);
  const connectSdk = settings.instanceId ? connectClient(options) : undefined;
  try {
    const plan = createPlanner({
      rules,
      settings,
      ...(connectSdk && settings.instanceId
        ? { connect: new ConnectInstance(connectSdk, settings.instanceId) }
        : {}),
    });
    const results: { where: string; details: PlanDetails }[] = [];
    for (const { where, body } of bodies) {
      results.push({ where, details: await attempt(`planning ${where}`, () => plan(body)) });
    }
    if (options.json) {
      const plans = results.map((result) => result.details.plan);
      printJson(io, plans.length === 1 ? plans[0] : plans);
    } else {
      io.stdout(results.map(({ where, details }) => renderPlan(where, details)).join("\n"));
    }
    return results.some((result) => result.details.outcome === "FAIL") ? EXIT.failed : EXIT.ok;
  } finally {
    connectSdk?.destroy();
  }
};

const loadRules = async (options: PlanOptions, io: CliIo): Promise<MappingRule[]> => {
  if (options.mappings) return readRuleFile(options.mappings, io);
  const tableName = options.table as string;
  const client = dynamoDbClient(options);
  try {
    // The function's own reader: an item it would skip is skipped here too, with a warning.
    return await attempt(`reading table ${tableName}`, () =>
      new DynamoDbMappingRules(client, tableName).loadRules(NO_DEADLINE, (ruleId, problem) =>
        io.stderr(
          `warning: table item ${ruleId ?? "(no ruleId)"} is invalid; the function ignores it: ${problem}\n`,
        ),
      ),
    );
  } finally {
    client.destroy();
  }
};

export const renderPlan = (where: string, details: PlanDetails): string => {
  const { plan } = details;
  const lines: string[] = [];
  const title = plan.event
    ? `Hire ${plan.event.eventId} (${details.envelope} envelope), employee ${plan.event.employee.employeeId}`
    : "Hire (unreadable)";
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
  lines.push(`  Outcome: ${describeOutcome(plan, details)}`);
  return `${lines.join("\n")}\n`;
};

const describeEmployee = (employee: Readonly<Record<string, string>>): string[] => {
  const shown = MATCH_ATTRIBUTES.filter((key) => employee[key] !== undefined).map(
    (key) => `${key}=${JSON.stringify(employee[key])}`,
  );
  return [
    `  Attributes: ${shown.length > 0 ? shown.join(" ") : "(none that rules usually match)"}`,
  ];
};

const describeMatches = (plan: HirePlan, details: PlanDetails): string[] => {
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

const describeOutcome = (plan: HirePlan, details: PlanDetails): string => {
  if (plan.failure) return `FAILS with ${plan.failure.reason}: ${plan.failure.message}`;
  const username = plan.request?.Username;
  if (details.outcome === "ADOPT_EXISTING") {
    return `user ${username} already exists for this employee (${details.existingUserId}): the function adopts it and announces it again`;
  }
  return details.profiles.some((line) => line.id === undefined)
    ? `would create user ${username} (give --instance-id to resolve profiles and check the username)`
    : `would create user ${username}`;
};
