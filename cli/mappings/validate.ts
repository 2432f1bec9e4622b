import { ConnectInstance } from "../../shared/adapters/connect-users.js";
import { systemClock } from "../../shared/application/clock.js";
import { ProfileResolver } from "../../shared/application/profile-resolver.js";
import { isRecordEvent, KNOWN_EMPLOYEE_FIELDS } from "../../shared/domain/employee-event.js";
import { ForbiddenProfileError, PermanentFailure } from "../../shared/domain/failures.js";
import { forbiddenByText, forbiddenMessage } from "../../shared/domain/forbidden-profiles.js";
import { type MappingRule, matchKeyWarnings, RuleSet } from "../../shared/domain/mapping-rule.js";
import { formatOf, parseRuleFile } from "../../shared/domain/mapping-rule-file.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";
import {
  PROFILE_LABEL,
  type ProfileKind,
  parseProfileRef,
} from "../../shared/domain/profile-ref.js";
import { describeRuleIssues } from "../../shared/domain/rule-issues.js";
import type { ProfileCatalog, ProfileSummary } from "../../shared/ports.js";
import { type AwsOptions, connectClient, dynamoDbClient } from "../aws.js";
import { readEventBodies, readText } from "../event-file.js";
import { attempt, CLI_CALLS, type CliIo, EXIT, printJson, table, UsageError } from "../io.js";
import { userSettings } from "../settings.js";
import { plural } from "./rule-file.js";
import { findShadowedRules } from "./shadowing.js";
import { scanTable } from "./table.js";

export interface ValidateOptions extends AwsOptions {
  readonly table?: string;
  readonly instanceId?: string;
  readonly forbiddenSecurityProfiles?: string;
  readonly hires?: string;
  readonly json?: boolean;
}

export type Check =
  | "invalid-rule"
  | "unknown-match-key"
  | "duplicate-ruleId"
  | "forbidden-profile"
  | "profile"
  | "shadowed"
  | "uncovered-hires";

export interface Finding {
  readonly check: Check;
  readonly ruleId?: string;
  readonly message: string;
}

interface Findings {
  readonly errors: Finding[];
  readonly warnings: Finding[];
}

/** Checks a rule set as the function would meet it; exits 1 when any error is found. */
export const runValidate = async (
  file: string | undefined,
  options: ValidateOptions,
  io: CliIo,
): Promise<number> => {
  if (Boolean(file) === Boolean(options.table)) {
    throw new UsageError("validate takes either a rules FILE or --table NAME");
  }
  const { instanceId, forbiddenSecurityProfiles: forbidden } = userSettings({
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    ...(options.forbiddenSecurityProfiles === undefined
      ? {}
      : { forbiddenSecurityProfiles: options.forbiddenSecurityProfiles }),
  });
  const findings: Findings = { errors: [], warnings: [] };
  const source = file ?? `table ${options.table}`;
  const rules = file
    ? await rulesFromFile(file, forbidden, findings)
    : await rulesFromTable(options.table as string, options, forbidden, findings);
  findDuplicates(rules, findings);
  for (const shadow of findShadowedRules(rules)) {
    findings.errors.push({
      check: "shadowed",
      ruleId: shadow.ruleId,
      message: `can never win: ${shadow.by} is tried first and matches every hire it matches`,
    });
  }
  if (instanceId) await checkProfiles(rules, instanceId, forbidden, options, findings);
  if (options.hires) await checkCoverage(rules, options.hires, findings);

  if (options.json) {
    printJson(io, {
      source,
      instanceId: instanceId ?? null,
      rules: rules.length,
      errors: findings.errors,
      warnings: findings.warnings,
    });
  } else {
    io.stdout(render(source, rules.length, instanceId, findings));
  }
  return findings.errors.length > 0 ? EXIT.failed : EXIT.ok;
};

const rulesFromFile = async (
  file: string,
  forbiddenSecurityProfiles: readonly string[],
  findings: Findings,
): Promise<MappingRule[]> => {
  const { rules, errors, warnings } = parseRuleFile(await readText(file), formatOf(file), {
    forbiddenSecurityProfiles,
  });
  for (const error of errors) {
    findings.errors.push({
      check: error.message.startsWith("duplicate ruleId")
        ? "duplicate-ruleId"
        : error.message.includes("forbidden by FORBIDDEN_SECURITY_PROFILES")
          ? "forbidden-profile"
          : "invalid-rule",
      ...(error.ruleId === undefined ? {} : { ruleId: error.ruleId }),
      message: `${error.where}: ${error.message}`,
    });
  }
  for (const warning of warnings) {
    findings.warnings.push({
      check: "unknown-match-key",
      ...(warning.ruleId === undefined ? {} : { ruleId: warning.ruleId }),
      message: `${warning.where}: ${warning.message}`,
    });
  }
  return rules;
};

const rulesFromTable = async (
  tableName: string,
  options: AwsOptions,
  forbidden: readonly string[],
  findings: Findings,
): Promise<MappingRule[]> => {
  const client = dynamoDbClient(options);
  try {
    const rules: MappingRule[] = [];
    for (const { key, validation } of await scanTable(client, tableName)) {
      if (validation.ok) {
        rules.push(validation.rule);
        for (const reference of forbiddenByText(validation.rule, forbidden)) {
          findings.errors.push({
            check: "forbidden-profile",
            ruleId: key,
            message: forbiddenMessage(reference, validation.rule.ruleId),
          });
        }
        const unknownKeys = matchKeyWarnings(validation.rule, KNOWN_EMPLOYEE_FIELDS);
        if (unknownKeys.length > 0) {
          findings.warnings.push({
            check: "unknown-match-key",
            ruleId: key,
            message: describeRuleIssues(unknownKeys),
          });
        }
      } else {
        findings.errors.push({
          check: "invalid-rule",
          ruleId: key,
          message: `the function skips this item: ${describeRuleIssues(validation.issues)}`,
        });
      }
    }
    return rules;
  } finally {
    client.destroy();
  }
};

/**
 * In the table, ruleId is the key, so duplicates come from keys that differ only by spaces the
 * function trims: two items, one rule name, and which one wins depends on Scan order.
 */
const findDuplicates = (rules: readonly MappingRule[], findings: Findings): void => {
  const counts = new Map<string, number>();
  for (const rule of rules) counts.set(rule.ruleId, (counts.get(rule.ruleId) ?? 0) + 1);
  for (const [ruleId, count] of counts) {
    if (count > 1) {
      findings.errors.push({
        check: "duplicate-ruleId",
        ruleId,
        message: `${count} items are rule ${JSON.stringify(ruleId)} once their keys are trimmed`,
      });
    }
  }
};

/**
 * Names go through the function's own resolver (same lookup, same errors); IDs and ARNs, which
 * the function passes to Connect unchecked, are checked against the instance's lists here.
 * A disabled rule's problem is a warning: it bites only once the rule is enabled.
 */
const checkProfiles = async (
  rules: readonly MappingRule[],
  instanceId: string,
  forbidden: readonly string[],
  options: AwsOptions,
  findings: Findings,
): Promise<void> => {
  const client = connectClient(options);
  try {
    const catalog = cachedCatalog(new ConnectInstance(client, instanceId));
    const resolver = new ProfileResolver(
      catalog,
      instanceId,
      { ttlMs: 3_600_000, missRefreshMs: 3_600_000, forbiddenSecurityProfiles: forbidden },
      systemClock,
    );
    for (const rule of rules) {
      // What only the instance shows: a forbidden profile named by its ID or ARN. Named ones
      // were reported from the rule's text already.
      if (forbiddenByText(rule, forbidden).length === 0) {
        const forbiddenById = await attempt(`checking rule ${rule.ruleId}`, () =>
          forbiddenOnInstance(resolver, rule),
        );
        if (forbiddenById) {
          findings.errors.push({
            check: "forbidden-profile",
            ruleId: rule.ruleId,
            message: forbiddenById,
          });
        }
      }
      for (const [kind, reference] of profileRefs(rule)) {
        const problem = await attempt(
          `checking rule ${rule.ruleId} on instance ${instanceId}`,
          () => checkReference(resolver, catalog, kind, reference, rule.ruleId),
        );
        if (problem === undefined) continue;
        const finding = { check: "profile" as const, ruleId: rule.ruleId, message: problem };
        if (rule.enabled) findings.errors.push(finding);
        else findings.warnings.push({ ...finding, message: `${problem} (the rule is disabled)` });
      }
    }
  } finally {
    client.destroy();
  }
};

/** The function's own check; the rule's other problems are reported by checkReference. */
const forbiddenOnInstance = async (
  resolver: ProfileResolver,
  rule: MappingRule,
): Promise<string | undefined> => {
  try {
    await resolver.resolve(rule, CLI_CALLS);
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenProfileError) return error.message;
    if (error instanceof PermanentFailure) return undefined;
    throw error;
  }
};

const checkReference = async (
  resolver: ProfileResolver,
  catalog: ProfileCatalog,
  kind: ProfileKind,
  reference: string,
  ruleId: string,
): Promise<string | undefined> => {
  let id: string;
  try {
    id = await resolver.resolveOne(kind, reference, ruleId, CLI_CALLS);
  } catch (error) {
    if (
      error instanceof PermanentFailure &&
      (error.reason === "ProfileNotFound" || error.reason === "AmbiguousProfile")
    ) {
      return `${error.reason}: ${error.message}`;
    }
    throw error;
  }
  if (parseProfileRef(reference).by === "name") return undefined;
  const known = (await catalog.listProfiles(kind, CLI_CALLS)).some((profile) => profile.id === id);
  return known
    ? undefined
    : `ProfileNotFound: ${PROFILE_LABEL[kind]} ${reference} in rule ${ruleId} does not exist on the instance`;
};

const profileRefs = (rule: MappingRule): [ProfileKind, string][] => [
  ["routingProfile", rule.routingProfile],
  ...rule.securityProfiles.map((ref): [ProfileKind, string] => ["securityProfile", ref]),
  ...(rule.hierarchyGroup === undefined
    ? []
    : [["hierarchyGroup", rule.hierarchyGroup] as [ProfileKind, string]]),
];

/** Lists each kind once per command, whoever asks. */
const cachedCatalog = (catalog: ProfileCatalog): ProfileCatalog => {
  const lists = new Map<ProfileKind, Promise<ProfileSummary[]>>();
  return {
    listProfiles(kind, context) {
      let list = lists.get(kind);
      if (!list) {
        list = catalog.listProfiles(kind, context);
        lists.set(kind, list);
      }
      return list;
    },
  };
};

/** Recent hires no enabled rule matches, grouped by department and location. */
const checkCoverage = async (
  rules: readonly MappingRule[],
  hiresFile: string,
  findings: Findings,
): Promise<void> => {
  const ruleSet = new RuleSet(rules);
  const groups = new Map<string, string[]>();
  for (const { body } of await readEventBodies(hiresFile)) {
    const parsed = parseMessageBody(body);
    if (!parsed.ok || !isRecordEvent(parsed.event)) continue;
    const { attributes, employeeId } = parsed.event.employee;
    if (ruleSet.select(attributes)) continue;
    const key = ["department", "location"]
      .filter((name) => attributes[name] !== undefined)
      .map((name) => `${name} ${JSON.stringify(attributes[name])}`)
      .join(", ");
    groups.set(key, [...(groups.get(key) ?? []), employeeId]);
  }
  for (const [key, employees] of groups) {
    findings.warnings.push({
      check: "uncovered-hires",
      message: `no rule matches ${key || "hires with no department or location"}: ${plural(employees.length, "hire")} in ${hiresFile} (${employees.slice(0, 5).join(", ")}${employees.length > 5 ? ", ..." : ""})`,
    });
  }
};

const render = (
  source: string,
  count: number,
  instanceId: string | undefined,
  findings: Findings,
): string => {
  const rows = [
    ...findings.errors.map((f) => ["error", f.check, f.ruleId ?? "-", f.message]),
    ...findings.warnings.map((f) => ["warning", f.check, f.ruleId ?? "-", f.message]),
  ];
  const against = instanceId
    ? `against instance ${instanceId}`
    : "(profiles not checked: give --instance-id)";
  return [
    `${source}: ${plural(count, "rule")} ${against}`,
    ...(rows.length > 0 ? [table(rows)] : []),
    `${plural(findings.errors.length, "error")}, ${plural(findings.warnings.length, "warning")}`,
    "",
  ].join("\n");
};
