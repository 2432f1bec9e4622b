// Derived and validated stack settings, resolved by the framework from serverless.yml:
//   custom.settings: ${file(./scripts/stack-settings.cjs)}
// It reads the stage's params (serverless.yml `params:`, overridable with `--param key=value`),
// turns the numeric ones into numbers (CLI params arrive as strings), checks them, and derives
// what YAML cannot compute, such as the queue's visibility timeout from the function timeout.
// A bad value fails `serverless package`/`deploy` with one message naming every problem.
"use strict";

/** Connect instance IDs are UUIDs; the API accepts 1 to 100 characters of [A-Za-z0-9-]. */
const INSTANCE_ID = /^[A-Za-z0-9-]{1,100}$/;
const INSTANCE_ARN =
  /^arn:(aws[\w-]*):connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]{1,100})$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;
const SNS_TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const IDENTITY_TYPES = ["SAML", "CONNECT_MANAGED", "EXISTING_DIRECTORY"];
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"];
/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];
/**
 * Lambda's guidance for SQS event sources: the queue's visibility timeout should be at least six
 * times the function timeout, plus the batching window, so that a batch retried after a throttle
 * is not redelivered while a previous attempt still runs.
 */
const VISIBILITY_FACTOR = 6;

const deriveSettings = (params, { region } = {}) => {
  const problems = [];
  const text = (name) => String(params[name] ?? "").trim();
  const integer = (name, min, max) => {
    const raw = text(name);
    const value = Number(raw);
    if (raw === "" || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`param ${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return min;
    }
    return value;
  };
  const number = (name, min, max) => {
    const raw = text(name);
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`param ${name} must be a number from ${min} to ${max} (got "${raw}")`);
      return min;
    }
    return value;
  };
  const oneOf = (name, allowed) => {
    const value = text(name).toUpperCase();
    if (!allowed.includes(value)) {
      problems.push(`param ${name} must be one of ${allowed.join(", ")} (got "${text(name)}")`);
      return allowed[0];
    }
    return value;
  };
  const boolean = (name) => {
    const raw = text(name).toLowerCase();
    if (raw !== "true" && raw !== "false") {
      problems.push(`param ${name} must be true or false (got "${text(name)}")`);
      return false;
    }
    return raw === "true";
  };
  const optional = (name, pattern, what) => {
    const value = text(name);
    if (value !== "" && !pattern.test(value)) {
      problems.push(`param ${name} must be ${what} or empty (got "${value}")`);
    }
    return value;
  };

  // The Connect instance: required, an ID or an ARN in the stack's own account and Region.
  const instance = text("connectInstanceId");
  let connectInstanceId = "";
  if (instance === "") {
    problems.push(
      "param connectInstanceId is required: pass --param connectInstanceId=<instance ID or ARN>",
    );
  } else {
    const arn = INSTANCE_ARN.exec(instance);
    if (arn) {
      // The ARN's account cannot be checked offline; IAM grants are built for the stack's own
      // account (the function calls Connect with its own role, in its own account and Region).
      const [, , arnRegion, , id] = arn;
      if (region && arnRegion !== region) {
        problems.push(
          `param connectInstanceId names an instance in ${arnRegion}, but the stack deploys to ${region}: the function calls Connect in its own Region`,
        );
      }
      connectInstanceId = id;
    } else if (INSTANCE_ID.test(instance)) {
      connectInstanceId = instance;
    } else {
      problems.push(
        `param connectInstanceId must be a Connect instance ID or instance ARN (got "${instance}")`,
      );
    }
  }

  const functionTimeout = integer("functionTimeoutSeconds", 10, 900);
  const batchSize = integer("batchSize", 1, 10_000);
  const batchingWindow = integer("batchingWindowSeconds", 0, 300);
  if (batchSize > 10 && batchingWindow < 1) {
    problems.push("param batchingWindowSeconds must be at least 1 when batchSize is above 10");
  }
  const maximumConcurrency = integer("maximumConcurrency", 2, 1000);
  const maxReceiveCount = integer("maxReceiveCount", 5, 1000);
  const createUserRps = number("createUserRps", 0.01, 1000);
  // At most 6 x 900 + 300 = 5,700 s, well within SQS's 12-hour maximum.
  const visibilityTimeout = VISIBILITY_FACTOR * functionTimeout + batchingWindow;
  const logRetentionDays = integer("logRetentionDays", 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problems.push(
      `param logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")} (got ${logRetentionDays})`,
    );
  }
  const queueRetentionSeconds = integer("queueRetentionSeconds", 60, 1_209_600);
  const deadLetterRetentionSeconds = 1_209_600;
  if (queueRetentionSeconds >= deadLetterRetentionSeconds) {
    // A standard queue's DLQ keeps the original enqueue time: it must outlive the source.
    problems.push("param queueRetentionSeconds must be shorter than the DLQ's 14 days");
  }

  const eventBusName = optional("eventBusName", EVENT_BUS_NAME, "an event bus name");
  const hrEventBusName = optional("hrEventBusName", EVENT_BUS_NAME, "an event bus name");
  const alarmTopicArn = optional("alarmTopicArn", SNS_TOPIC_ARN, "an SNS topic ARN");

  const settings = {
    connectInstanceId,
    identityManagementType: oneOf("identityManagementType", IDENTITY_TYPES),
    usernameTemplate: text("usernameTemplate") || "{workEmail}",
    eventBusName,
    eventSource: text("eventSource") || "connect-onboarding",
    hrEventBusName,
    hrEventSource: text("hrEventSource"),
    createUserRps,
    functionTimeout,
    memorySize: integer("memorySize", 128, 10_240),
    batchSize,
    batchingWindow,
    maximumConcurrency,
    maxReceiveCount,
    visibilityTimeout,
    queueRetentionSeconds,
    deadLetterRetentionSeconds,
    logLevel: oneOf("logLevel", LOG_LEVELS),
    logRetentionDays,
    mappingCacheTtlSeconds: integer("mappingCacheTtlSeconds", 0, 86_400),
    profileCacheTtlSeconds: integer("profileCacheTtlSeconds", 0, 86_400),
    metricsNamespace: text("metricsNamespace") || "ConnectOnboarding",
    oldestMessageAgeAlarmSeconds: integer("oldestMessageAgeAlarmSeconds", 60, 1_209_600),
    alarmTopicArn,
    deletionProtection: boolean("deletionProtection"),
  };
  // Protected tables are also kept when the stack is deleted or the table replaced.
  settings.tableDeletionPolicy = settings.deletionProtection ? "Retain" : "Delete";
  if (problems.length > 0) {
    throw new Error(`Invalid stack parameters:\n  - ${problems.join("\n  - ")}`);
  }
  return settings;
};

/** The names of the params this file reads: every one needs a default in serverless.yml. */
const PARAM_NAMES = [
  "connectInstanceId",
  "identityManagementType",
  "usernameTemplate",
  "eventBusName",
  "eventSource",
  "hrEventBusName",
  "hrEventSource",
  "createUserRps",
  "functionTimeoutSeconds",
  "memorySize",
  "batchSize",
  "batchingWindowSeconds",
  "maximumConcurrency",
  "maxReceiveCount",
  "queueRetentionSeconds",
  "logLevel",
  "logRetentionDays",
  "mappingCacheTtlSeconds",
  "profileCacheTtlSeconds",
  "metricsNamespace",
  "oldestMessageAgeAlarmSeconds",
  "alarmTopicArn",
  "deletionProtection",
];

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const params = {};
  for (const name of PARAM_NAMES) params[name] = await resolveVariable(`param:${name}`);
  const region = await resolveConfigurationProperty(["provider", "region"]);
  return deriveSettings(params, { region });
};
module.exports.deriveSettings = deriveSettings;
module.exports.PARAM_NAMES = PARAM_NAMES;
