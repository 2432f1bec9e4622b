// Derived and validated stack settings, resolved by the framework from serverless.yml:
//   custom.settings: ${file(./scripts/stack-settings.cjs)}
// It reads the stage's params (serverless.yml `params:`, overridable with `--param key=value`),
// turns the numeric ones into numbers (CLI params arrive as strings), checks them, and derives
// what YAML cannot compute, such as the queue's visibility timeout from the function timeout.
// A bad value fails `serverless package`/`deploy` with one message naming every problem.
"use strict";

// The function's own configuration reader and enumerations (TypeScript, loaded through tsx,
// which `npm ci` installs): the stack checks a setting the way the function will read it.
const { require: requireTs } = require("tsx/cjs/api");
const { readConfig, LOG_LEVELS } = requireTs("../shared/config.ts", __filename);
const { IDENTITY_MANAGEMENT_TYPES } = requireTs("../shared/domain/username.ts", __filename);
const { parseProfileRef } = requireTs("../shared/domain/profile-ref.ts", __filename);
const { EMPLOYEE_ID_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE } = requireTs(
  "../shared/domain/connect-user.ts",
  __filename,
);
// The bus's schemas for the EventBridge schema registry, from the contracts docs/schemas/ is
// generated from (shared/contracts/documents.ts).
const { registrySchemas, pascalNameOf } = requireTs("../shared/contracts/documents.ts", __filename);

/** Connect instance IDs are UUIDs; the API accepts 1 to 100 characters of [A-Za-z0-9-]. */
const INSTANCE_ID = /^[A-Za-z0-9-]{1,100}$/;
const INSTANCE_ARN =
  /^arn:(aws[\w-]*):connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]{1,100})$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;
const SNS_TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** An EventBridge event's source: 1 to 256 characters, none of them blank. */
const EVENT_SOURCE = /^\S{1,256}$/;
/** Connect's tag keys (TagResource API reference): 1 to 128 characters, not starting "aws:". */
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/**
 * The tag keys the function itself writes on a user: the two that tie it to its employee, and
 * the lifecycle status (leavers, DESIGN section 5). Rule tags may use only the keys of param
 * ruleTagKeys besides these.
 */
const SERVICE_TAG_KEYS = [EMPLOYEE_ID_TAG, MANAGED_BY_TAG, "status"];
/** The function's environment variables the stack fills from its params. */
const FUNCTION_SETTINGS = {
  CONNECT_INSTANCE_ID: "connectInstanceId",
  IDENTITY_MANAGEMENT_TYPE: "identityManagementType",
  USERNAME_TEMPLATE: "usernameTemplate",
  EVENT_SOURCE: "eventSource",
  MAX_RECEIVE_COUNT: "maxReceiveCount",
  CONNECT_CREATE_USER_RPS: "createUserRps",
  CONNECT_API_RPS: "connectApiRps",
  LEDGER_HISTORY_DAYS: "ledgerHistoryDays",
  MAPPING_CACHE_TTL_SECONDS: "mappingCacheTtlSeconds",
  PROFILE_CACHE_TTL_SECONDS: "profileCacheTtlSeconds",
  POWERTOOLS_LOG_LEVEL: "logLevel",
  FORBIDDEN_SECURITY_PROFILES: "forbiddenSecurityProfiles",
};
/** What CloudFormation fills in at deploy time (!Ref, !GetAtt): present, so only params are judged. */
const RESOLVED_AT_DEPLOY = {
  MAPPING_TABLE_NAME: "resolved-at-deploy",
  SOURCE_TABLE_NAME: "resolved-at-deploy",
  LEDGER_TABLE_NAME: "resolved-at-deploy",
  EVENT_BUS_NAME: "resolved-at-deploy",
  DLQ_URL: "https://sqs.resolved-at-deploy.invalid/queue",
};

/**
 * Runs the function's configuration reader on the environment these params would give it, and
 * words its problems in params: a value the function would refuse at cold start fails the package.
 */
const checkFunctionSettings = (text, problems) => {
  const env = { ...RESOLVED_AT_DEPLOY };
  for (const [variable, param] of Object.entries(FUNCTION_SETTINGS)) env[variable] = text(param);
  try {
    return readConfig(env);
  } catch (error) {
    if (error?.name !== "ConfigurationError") throw error;
    // The stack's own, stricter check of a param may have spoken already: one problem per param.
    const reported = new Set(problems.map((problem) => /^param (\w+)/.exec(problem)?.[1]));
    for (const problem of error.problems) {
      const variable = /^[A-Z_]+/.exec(problem)?.[0] ?? "";
      const param = FUNCTION_SETTINGS[variable];
      if (param && reported.has(param)) continue;
      problems.push(param ? `param ${param}${problem.slice(variable.length)}` : problem);
    }
    return undefined;
  }
};
/**
 * A stack parameter the function or the stack would refuse. Its stack trace is only its message:
 * the framework prints `error.stack`, and a bad `--param` deserves one clear line, not the
 * framework's own frames.
 */
class StackParameterError extends Error {
  constructor(message) {
    super(message);
    this.name = "StackParameterError";
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * `serverless invoke local --stage local` runs the function on this machine against the local
 * stack of `npm start -- --serve`, configured from the environment that command prints. The
 * stage is never deployed: its resources are the local stack's, not CloudFormation's.
 */
const LOCAL_STAGE = "local";
const LOCAL_VARIABLES = [
  "CONNECT_INSTANCE_ID",
  "MAPPING_TABLE_NAME",
  "LEDGER_TABLE_NAME",
  "EVENT_BUS_NAME",
  "DLQ_URL",
];

/**
 * The function's resource settings. Names the stack fixes are plain strings, so `invoke local`
 * can use them with no CloudFormation (it resolves only Ref and Fn::ImportValue, by asking
 * CloudFormation). The DLQ's URL holds the account ID, unknown offline: a Ref, which `invoke
 * local` reads from the deployed stack. On the local stage everything comes from `env`.
 */
const functionResources = ({ stage, names, eventBusName, env = {} }) => {
  if (stage !== LOCAL_STAGE) {
    return {
      MAPPING_TABLE_NAME: names.table,
      SOURCE_TABLE_NAME: names.sourceTable,
      LEDGER_TABLE_NAME: names.ledger,
      EVENT_BUS_NAME: eventBusName || names.eventBus,
      DLQ_URL: { Ref: "DeadLetterQueue" },
    };
  }
  const missing = LOCAL_VARIABLES.filter((name) => !String(env[name] ?? "").trim());
  if (missing.length > 0) {
    throw new StackParameterError(
      `stage ${LOCAL_STAGE} runs the function against the local stack of \`npm start -- --serve\`: set the environment it prints first (missing ${missing.join(", ")})`,
    );
  }
  return {
    MAPPING_TABLE_NAME: env.MAPPING_TABLE_NAME,
    // Optional: without a source table the function reads canonical bodies only.
    SOURCE_TABLE_NAME: env.SOURCE_TABLE_NAME ?? "",
    LEDGER_TABLE_NAME: env.LEDGER_TABLE_NAME,
    EVENT_BUS_NAME: env.EVENT_BUS_NAME,
    DLQ_URL: env.DLQ_URL,
  };
};

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
  const connectApiRps = number("connectApiRps", 0.01, 1000);
  const ledgerHistoryDays = integer("ledgerHistoryDays", 1, 36_500);
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
  const hrEventSource = optional("hrEventSource", EVENT_SOURCE, "an event source");
  if (hrEventBusName !== "" && hrEventSource === "") {
    // A rule without a source would route every producer's "Employee Hired" on that bus.
    problems.push(
      "param hrEventSource is required when hrEventBusName is set: the HR rule routes only the HR system's events",
    );
  }
  const forbidden = forbiddenSecurityProfiles(
    text("forbiddenSecurityProfiles"),
    connectInstanceId,
    problems,
  );
  const ruleTagKeys = tagKeys(text("ruleTagKeys"), problems);
  const alarmTopicArn = optional("alarmTopicArn", SNS_TOPIC_ARN, "an SNS topic ARN");

  const functionConfig = checkFunctionSettings(text, problems);
  const settings = {
    connectInstanceId,
    identityManagementType: functionConfig?.identityManagementType ?? IDENTITY_MANAGEMENT_TYPES[0],
    usernameTemplate: text("usernameTemplate") || "{workEmail}",
    eventBusName,
    eventSource: text("eventSource") || "connect-onboarding",
    hrEventBusName,
    hrEventSource,
    createUserRps,
    connectApiRps,
    ledgerHistoryDays,
    functionTimeout,
    memorySize: integer("memorySize", 128, 10_240),
    batchSize,
    batchingWindow,
    maximumConcurrency,
    maxReceiveCount,
    visibilityTimeout,
    queueRetentionSeconds,
    deadLetterRetentionSeconds,
    logLevel: functionConfig?.logLevel ?? LOG_LEVELS[0],
    logRetentionDays,
    mappingCacheTtlSeconds: integer("mappingCacheTtlSeconds", 0, 86_400),
    profileCacheTtlSeconds: integer("profileCacheTtlSeconds", 0, 86_400),
    metricsNamespace: text("metricsNamespace") || "ConnectOnboarding",
    oldestMessageAgeAlarmSeconds: integer("oldestMessageAgeAlarmSeconds", 60, 1_209_600),
    alarmTopicArn,
    deletionProtection: boolean("deletionProtection"),
    forbiddenSecurityProfiles: forbidden.text,
    forbiddenSecurityProfileArns: forbidden.arns,
    denyForbiddenSecurityProfiles: String(forbidden.arns.length > 0),
    userTagKeys: [...new Set([...SERVICE_TAG_KEYS, ...ruleTagKeys])],
    managedByTag: MANAGED_BY_TAG,
    managedByValue: MANAGED_BY_VALUE,
    employeeIdTag: EMPLOYEE_ID_TAG,
  };
  // Protected tables are also kept when the stack is deleted or the table replaced; so are the
  // queues, whose DLQ holds the hires still to be fixed and replayed.
  settings.tableDeletionPolicy = settings.deletionProtection ? "Retain" : "Delete";
  settings.queueDeletionPolicy = settings.tableDeletionPolicy;
  settings.eventSchemas = eventSchemas(settings.eventSource);
  if (problems.length > 0) {
    throw new StackParameterError(`Invalid stack parameters:\n  - ${problems.join("\n  - ")}`);
  }
  return settings;
};

/**
 * The security profiles no rule may assign (the function's FORBIDDEN_SECURITY_PROFILES, read by
 * it as names, IDs or ARNs). IAM knows profiles by ARN only, so the IDs and ARNs among them
 * become ARNs the role is denied; names are the function's to enforce.
 */
const forbiddenSecurityProfiles = (raw, instanceId, problems) => {
  const entries = [
    ...new Set(
      raw
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ];
  const arns = [];
  for (const entry of entries) {
    const ref = parseProfileRef(entry);
    if (ref.by === "id") {
      // The ARN format of the Service Authorization Reference, in the stack's instance.
      arns.push({
        "Fn::Sub": `arn:\${AWS::Partition}:connect:\${AWS::Region}:\${AWS::AccountId}:instance/${instanceId}/security-profile/${ref.id}`,
      });
    } else if (ref.by === "arn") {
      if (!/:instance\/[^/]+\/security-profile\/[^/]+$/.test(entry)) {
        problems.push(
          `param forbiddenSecurityProfiles: ${entry} is the ARN of a routing profile or hierarchy group, not of a security profile`,
        );
      } else arns.push(entry);
    } else if (entry.startsWith("arn:")) {
      problems.push(`param forbiddenSecurityProfiles: ${entry} is not a security profile ARN`);
    }
  }
  return { text: entries.join(","), arns };
};

/**
 * The schema registry's entries (AWS::EventSchemas::Schema in serverless.yml), one per
 * DetailType, keyed by its name in code (ConnectUserCreated): the name, the description and
 * the OpenAPI 3 document EventBridge generates code bindings from, which names the events'
 * source, the stack's eventSource.
 */
const eventSchemas = (source) =>
  Object.fromEntries(
    registrySchemas(source).map((schema) => [
      pascalNameOf(schema.detailType),
      { name: schema.schemaName, description: schema.description, content: schema.content },
    ]),
  );

/**
 * Tag keys a rule may put on a user. The role matches them with StringLike, so `*` and `?` are
 * wildcards (Connect's tag keys cannot contain either): `*` alone lets rules use any key.
 */
const tagKeys = (raw, problems) => {
  const keys = [
    ...new Set(
      raw
        .split(",")
        .map((key) => key.trim())
        .filter(Boolean),
    ),
  ];
  for (const key of keys) {
    if (key !== "*" && !TAG_KEY.test(key.replace(/[*?]/g, "x"))) {
      problems.push(`param ruleTagKeys: "${key}" is not a Connect tag key`);
    }
  }
  return keys;
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
  "connectApiRps",
  "ledgerHistoryDays",
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
  "forbiddenSecurityProfiles",
  "ruleTagKeys",
];

module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const params = {};
  for (const name of PARAM_NAMES) params[name] = await resolveVariable(`param:${name}`);
  const region = await resolveConfigurationProperty(["provider", "region"]);
  const stage = await resolveVariable("sls:stage");
  const env = process.env;
  if (stage === LOCAL_STAGE) {
    // The local stack's instance, unless a --param names one.
    if (!String(params.connectInstanceId ?? "").trim()) {
      params.connectInstanceId = env.CONNECT_INSTANCE_ID ?? "";
    }
    if (env.IDENTITY_MANAGEMENT_TYPE) params.identityManagementType = env.IDENTITY_MANAGEMENT_TYPE;
  }
  const resources = functionResources({
    stage,
    names: {
      table: await resolveVariable("self:custom.names.table"),
      sourceTable: await resolveVariable("self:custom.names.sourceTable"),
      ledger: await resolveVariable("self:custom.names.ledger"),
      eventBus: await resolveVariable("self:custom.names.eventBus"),
    },
    eventBusName: String(params.eventBusName ?? "").trim(),
    env,
  });
  return {
    ...deriveSettings(params, { region }),
    functionResources: resources,
    // `invoke local` loads the handler with require(), falling back to import() for a `.js` ES
    // module only (the repository's package.json says "type": "module"); it cannot load `.mjs`.
    // Lambda needs `.mjs`: the zip holds no package.json.
    bundleExtension: stage === LOCAL_STAGE ? ".js" : ".mjs",
  };
};
module.exports.deriveSettings = deriveSettings;
module.exports.functionResources = functionResources;
module.exports.LOCAL_STAGE = LOCAL_STAGE;
module.exports.PARAM_NAMES = PARAM_NAMES;
