import { KNOWN_EMPLOYEE_FIELDS } from "./domain/employee-event.js";
import {
  DEFAULT_FORBIDDEN_SECURITY_PROFILES,
  forbiddenByText,
  parseForbiddenProfiles,
} from "./domain/forbidden-profiles.js";
import { LEAVER_ACTIONS, type LeaverAction } from "./domain/leaver.js";
import { parseProfileRef } from "./domain/profile-ref.js";
import { SPIKE_MIN_RECORDS, type SpikeSettings } from "./domain/quarantine.js";
import {
  DEFAULT_USERNAME_TEMPLATE,
  IDENTITY_MANAGEMENT_TYPES,
  type IdentityManagementType,
  templatePlaceholders,
} from "./domain/username.js";
import { CONNECT_APIS, type ConnectApi } from "./ports.js";

export interface OnboardingConfig {
  /** The instance ID, even when CONNECT_INSTANCE_ID was given as an ARN. */
  readonly instanceId: string;
  readonly identityManagementType: IdentityManagementType;
  readonly mappingTableName: string;
  readonly ledgerTableName: string;
  readonly ledgerHistoryDays: number;
  /** The source mappings' table (docs/sources.md); without one only canonical bodies are read. */
  readonly sourceTableName?: string;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly dlqUrl: string;
  readonly maxReceiveCount: number;
  readonly usernameTemplate: string;
  /** Security profiles no rule may grant: names, IDs or ARNs (default Admin). */
  readonly forbiddenSecurityProfiles: readonly string[];
  /** Calls per second per Lambda environment, for each Connect API the function calls. */
  readonly connectApiRps: Readonly<Record<ConnectApi, number>>;
  readonly mappingCacheTtlSeconds: number;
  readonly profileCacheTtlSeconds: number;
  /** When the recent records' permanent failures quarantine the service (docs/quarantine.md). */
  readonly failureSpike: SpikeSettings;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /** What a termination does to the user (docs/lifecycle.md). */
  readonly leaverAction: LeaverAction;
  /** With DISABLE: the routing profile and security profiles a disabled user gets (names, IDs or ARNs). */
  readonly disabledRoutingProfile?: string;
  readonly disabledSecurityProfiles: readonly string[];
  /** The deletion threshold: removals per rolling 24 h, by count and by percent of active employees. */
  readonly removalThresholdCount: number;
  readonly removalThresholdPercent: number;
  /** Future-dated terminations' one-time schedules (EventBridge Scheduler); absent when not set up. */
  readonly removalSchedules?: RemovalScheduleConfig;
}

export interface RemovalScheduleConfig {
  readonly groupName: string;
  /** The role EventBridge Scheduler assumes to send the termination to the queue. */
  readonly roleArn: string;
  /** The onboarding queue: where a schedule delivers the termination when it is due. */
  readonly queueArn: string;
}

/** Raised at cold start, naming every bad variable at once, so one deploy fixes them all. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
  }
}

/** Powertools Logger's levels: the one list the function, the CLI and the stack's checks read. */
export const LOG_LEVELS = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "CRITICAL",
  "SILENT",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const INSTANCE_ID = /^[A-Za-z0-9-]{1,100}$/;
/** One character per record in one DynamoDB item: far below its 400 KB, however busy. */
const MAX_WINDOW_RECORDS = 1_000;
const INSTANCE_ARN = /^arn:aws[\w-]*:connect:[\w-]+:\d{12}:instance\/([A-Za-z0-9-]{1,100})$/;

/**
 * Reads and validates the function's environment (docs/configuration.md). The one validator of
 * these settings: the CLI reads its options through it and the stack's parameter checks
 * (scripts/stack-settings.cjs) run it on the environment the stack would give the function.
 */
/** The deletion threshold when REMOVAL_THRESHOLD_COUNT and _PERCENT are not set. */
export const REMOVAL_THRESHOLD_DEFAULTS = { count: 10, percent: 20 } as const;

export const readConfig = (env: Readonly<Record<string, string | undefined>>): OnboardingConfig => {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === "" ? undefined : raw;
  };
  const required = (name: string): string => {
    const raw = value(name);
    if (raw === undefined) problems.push(`${name} is required`);
    return raw ?? "";
  };
  const number = (
    name: string,
    fallback: number,
    check: (n: number) => boolean,
    rule: string,
  ): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || !check(parsed)) {
      problems.push(`${name} must be ${rule} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return parsed;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name)?.toUpperCase();
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(
      `${name} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value(name))})`,
    );
    return fallback;
  };

  const instance = required("CONNECT_INSTANCE_ID");
  const instanceId = INSTANCE_ARN.exec(instance)?.[1] ?? instance;
  if (instance && !INSTANCE_ID.test(instanceId)) {
    problems.push("CONNECT_INSTANCE_ID must be a Connect instance ID or instance ARN");
  }
  const dlqUrl = required("DLQ_URL");
  if (dlqUrl && !/^https?:\/\/\S+$/.test(dlqUrl)) problems.push("DLQ_URL must be an SQS queue URL");
  const usernameTemplate = value("USERNAME_TEMPLATE") ?? DEFAULT_USERNAME_TEMPLATE;
  const placeholders = templatePlaceholders(usernameTemplate);
  if (placeholders.length === 0) {
    problems.push("USERNAME_TEMPLATE must contain at least one {placeholder}, e.g. {workEmail}");
  }
  const unknown = placeholders.filter((field) => !KNOWN_EMPLOYEE_FIELDS.includes(field));
  if (unknown.length > 0) {
    problems.push(`USERNAME_TEMPLATE names unknown employee fields: ${unknown.join(", ")}`);
  }

  const forbiddenSetting = value("FORBIDDEN_SECURITY_PROFILES");
  const forbiddenSecurityProfiles =
    forbiddenSetting === undefined
      ? DEFAULT_FORBIDDEN_SECURITY_PROFILES
      : parseForbiddenProfiles(forbiddenSetting);
  if (forbiddenSecurityProfiles.length === 0) {
    problems.push("FORBIDDEN_SECURITY_PROFILES must name at least one security profile");
  }
  for (const entry of forbiddenSecurityProfiles) {
    if (parseProfileRef(entry).by === "arn" && !entry.includes("/security-profile/")) {
      problems.push(
        `FORBIDDEN_SECURITY_PROFILES: ${JSON.stringify(entry)} is not a security profile ARN`,
      );
    } else if (entry.length > 256) {
      problems.push("FORBIDDEN_SECURITY_PROFILES entries must be at most 256 characters");
    }
  }

  const sourceTableName = value("SOURCE_TABLE_NAME");

  const leaverAction = oneOf("LEAVER_ACTION", LEAVER_ACTIONS, "DELETE");
  const disabledRoutingProfile = value("DISABLED_ROUTING_PROFILE");
  const disabledSetting = value("DISABLED_SECURITY_PROFILES");
  const disabledSecurityProfiles =
    disabledSetting === undefined ? [] : parseForbiddenProfiles(disabledSetting);
  if (leaverAction === "DISABLE") {
    if (disabledRoutingProfile === undefined) {
      problems.push("DISABLED_ROUTING_PROFILE is required with LEAVER_ACTION=DISABLE");
    }
    if (disabledSecurityProfiles.length === 0) {
      problems.push("DISABLED_SECURITY_PROFILES is required with LEAVER_ACTION=DISABLE");
    }
  }
  if (
    disabledRoutingProfile !== undefined &&
    parseProfileRef(disabledRoutingProfile).by === "arn" &&
    !disabledRoutingProfile.includes("/routing-profile/")
  ) {
    problems.push(
      `DISABLED_ROUTING_PROFILE: ${JSON.stringify(disabledRoutingProfile)} is not a routing profile ARN`,
    );
  }
  if (disabledSecurityProfiles.length > 10) {
    problems.push("DISABLED_SECURITY_PROFILES may name at most 10 security profiles");
  }
  for (const entry of disabledSecurityProfiles) {
    if (parseProfileRef(entry).by === "arn" && !entry.includes("/security-profile/")) {
      problems.push(
        `DISABLED_SECURITY_PROFILES: ${JSON.stringify(entry)} is not a security profile ARN`,
      );
    }
  }
  const alsoForbidden = forbiddenByText(
    { securityProfiles: disabledSecurityProfiles },
    forbiddenSecurityProfiles,
  );
  if (alsoForbidden.length > 0) {
    problems.push(
      `DISABLED_SECURITY_PROFILES names ${alsoForbidden.join(", ")}, which FORBIDDEN_SECURITY_PROFILES forbids`,
    );
  }

  const scheduleGroupName = value("SCHEDULE_GROUP_NAME");
  const schedulerRoleArn = value("SCHEDULER_ROLE_ARN");
  const queueArn = value("QUEUE_ARN");
  const scheduling = [scheduleGroupName, schedulerRoleArn, queueArn];
  if (scheduling.some((v) => v !== undefined) && scheduling.some((v) => v === undefined)) {
    problems.push(
      "SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN and QUEUE_ARN go together: set all three (future-dated terminations) or none",
    );
  }
  if (scheduleGroupName !== undefined && !/^[0-9A-Za-z_.-]{1,64}$/.test(scheduleGroupName)) {
    problems.push("SCHEDULE_GROUP_NAME must be 1 to 64 of letters, digits, -, _ and .");
  }
  if (
    schedulerRoleArn !== undefined &&
    !/^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/.test(schedulerRoleArn)
  ) {
    problems.push("SCHEDULER_ROLE_ARN must be an IAM role ARN");
  }
  if (queueArn !== undefined && !/^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]{1,80}$/.test(queueArn)) {
    problems.push("QUEUE_ARN must be an SQS queue ARN");
  }

  const config: OnboardingConfig = {
    instanceId,
    identityManagementType: oneOf("IDENTITY_MANAGEMENT_TYPE", IDENTITY_MANAGEMENT_TYPES, "SAML"),
    mappingTableName: required("MAPPING_TABLE_NAME"),
    ledgerTableName: required("LEDGER_TABLE_NAME"),
    ledgerHistoryDays: number(
      "LEDGER_HISTORY_DAYS",
      400,
      (n) => n > 0 && n <= 36_500,
      "a number of days above 0 and at most 36500",
    ),
    ...(sourceTableName === undefined ? {} : { sourceTableName }),
    eventBusName: required("EVENT_BUS_NAME"),
    eventSource: value("EVENT_SOURCE") ?? "connect-onboarding",
    dlqUrl,
    maxReceiveCount: number(
      "MAX_RECEIVE_COUNT",
      5,
      (n) => Number.isInteger(n) && n >= 1 && n <= 1000,
      "an integer from 1 to 1000",
    ),
    usernameTemplate,
    forbiddenSecurityProfiles,
    connectApiRps: apiRates(env, value, number, problems),
    mappingCacheTtlSeconds: number(
      "MAPPING_CACHE_TTL_SECONDS",
      60,
      (n) => n >= 0,
      "a number of seconds >= 0",
    ),
    profileCacheTtlSeconds: number(
      "PROFILE_CACHE_TTL_SECONDS",
      300,
      (n) => n >= 0,
      "a number of seconds >= 0",
    ),
    failureSpike: {
      windowRecords: number(
        "QUARANTINE_WINDOW_RECORDS",
        50,
        (n) => Number.isInteger(n) && n >= SPIKE_MIN_RECORDS && n <= MAX_WINDOW_RECORDS,
        `an integer from ${SPIKE_MIN_RECORDS} (the fewest records a spike is judged on) to ${MAX_WINDOW_RECORDS}`,
      ),
      failurePercent: number(
        "QUARANTINE_FAILURE_PERCENT",
        40,
        (n) => n >= 0 && n <= 100,
        "a percentage from 0 to 100 (100: a failure spike never quarantines)",
      ),
    },
    serviceName: value("POWERTOOLS_SERVICE_NAME") ?? "connect-onboarding",
    logLevel: oneOf("POWERTOOLS_LOG_LEVEL", LOG_LEVELS, "INFO"),
    leaverAction,
    ...(disabledRoutingProfile === undefined ? {} : { disabledRoutingProfile }),
    disabledSecurityProfiles,
    removalThresholdCount: number(
      "REMOVAL_THRESHOLD_COUNT",
      REMOVAL_THRESHOLD_DEFAULTS.count,
      (n) => Number.isInteger(n) && n >= 0 && n <= 1000,
      "an integer from 0 to 1000",
    ),
    removalThresholdPercent: number(
      "REMOVAL_THRESHOLD_PERCENT",
      REMOVAL_THRESHOLD_DEFAULTS.percent,
      (n) => n >= 0 && n <= 100,
      "a number from 0 to 100",
    ),
    ...(scheduleGroupName && schedulerRoleArn && queueArn
      ? {
          removalSchedules: { groupName: scheduleGroupName, roleArn: schedulerRoleArn, queueArn },
        }
      : {}),
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
};

const RPS_PREFIX = "CONNECT_API_RPS_";
const RPS_RULE = "a number above 0 and at most 10000";
const validRps = (n: number) => n > 0 && n <= 10_000;

/**
 * Each Connect API's pace: CONNECT_API_RPS for all (default 1), CONNECT_API_RPS_<Api> for one
 * (CONNECT_CREATE_USER_RPS, from before there were others, still sets CreateUser's).
 */
const apiRates = (
  env: Readonly<Record<string, string | undefined>>,
  value: (name: string) => string | undefined,
  number: (name: string, fallback: number, check: (n: number) => boolean, rule: string) => number,
  problems: string[],
): Record<ConnectApi, number> => {
  const all = number("CONNECT_API_RPS", 1, validRps, RPS_RULE);
  const legacy = number("CONNECT_CREATE_USER_RPS", all, validRps, RPS_RULE);
  for (const name of Object.keys(env)) {
    if (!name.startsWith(RPS_PREFIX) || value(name) === undefined) continue;
    const api = name.slice(RPS_PREFIX.length);
    if (!(CONNECT_APIS as readonly string[]).includes(api)) {
      problems.push(`${name} names no Connect API the function calls (${CONNECT_APIS.join(", ")})`);
    }
  }
  return Object.fromEntries(
    CONNECT_APIS.map((api) => [
      api,
      number(`${RPS_PREFIX}${api}`, api === "CreateUser" ? legacy : all, validRps, RPS_RULE),
    ]),
  ) as Record<ConnectApi, number>;
};
