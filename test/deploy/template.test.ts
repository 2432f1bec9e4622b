/**
 * The deployable stack. Runs the package step once (`npm run package`'s script: `serverless
 * package` offline, then the size report), and `serverless print` once for a prod stage with
 * the optional features on; then asserts on the generated CloudFormation template, the
 * artifact and the bundle, and runs the packaged handler in a fresh Node process against the
 * local stack.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { SQSBatchResponse } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConnectSeed } from "../../emulators/connect/index.js";
import { readSourceMappings } from "../../local/inputs.js";
import { LOCAL_EVENT_BUS, type LocalStack, startLocalStack } from "../../local/stack.js";
import {
  BUNDLE_ENTRY,
  BUNDLE_LIMIT_BYTES,
  FUNCTION_ARTIFACT,
  LAZY_ENTRIES,
  OFFLINE_FRAMEWORK_ENV,
  PLACEHOLDER_INSTANCE_ID,
} from "../../scripts/bundle-budget.js";
import { openZip, type ZipArchive } from "../../scripts/zip.js";
import { readConfig } from "../../shared/config.js";
import { DETAIL_TYPES } from "../../shared/contracts/detail-types.js";
import { fileNameOf, registrySchemas } from "../../shared/contracts/documents.js";
import {
  EMPLOYEE_ID_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
} from "../../shared/domain/connect-user.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";
import { publishedEventProblems } from "../support/event-contracts.js";
import {
  activeResources,
  asArray,
  evaluateCondition,
  type Json,
  type Resource,
  reference,
  resolveIfs,
  resourcesOfType,
  type Statement,
  type Template,
} from "./cloudformation.js";

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const FUNCTION = "OnboardEmployeeLambdaFunction";
const ROLE = "IamRoleLambdaExecution";
const QUEUE = "OnboardingQueue";
const DLQ = "DeadLetterQueue";
const TABLE = "MappingTable";
const SOURCE_TABLE = "SourceTable";
const ONE_MIB = 1_048_576;
const PROD_INSTANCE = "11111111-2222-4333-8444-555555555555";
const FORBIDDEN_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const FORBIDDEN_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${PROD_INSTANCE}/security-profile/ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
const FOURTEEN_DAYS = 1_209_600;

/** The environment of DESIGN section 7, plus the metrics namespace. */
const FUNCTION_ENVIRONMENT = [
  "CONNECT_INSTANCE_ID",
  "IDENTITY_MANAGEMENT_TYPE",
  "MAPPING_TABLE_NAME",
  "SOURCE_TABLE_NAME",
  "EVENT_BUS_NAME",
  "EVENT_SOURCE",
  "DLQ_URL",
  "MAX_RECEIVE_COUNT",
  "USERNAME_TEMPLATE",
  "CONNECT_CREATE_USER_RPS",
  "CONNECT_API_RPS",
  "LEDGER_TABLE_NAME",
  "LEDGER_HISTORY_DAYS",
  "MAPPING_CACHE_TTL_SECONDS",
  "PROFILE_CACHE_TTL_SECONDS",
  "POWERTOOLS_SERVICE_NAME",
  "POWERTOOLS_LOG_LEVEL",
  "POWERTOOLS_METRICS_NAMESPACE",
  "FORBIDDEN_SECURITY_PROFILES",
  "LEAVER_ACTION",
  "REMOVAL_THRESHOLD_COUNT",
  "REMOVAL_THRESHOLD_PERCENT",
  "SCHEDULE_GROUP_NAME",
  "SCHEDULER_ROLE_ARN",
  "QUEUE_ARN",
  // Only with LEAVER_ACTION=DISABLE: absent (AWS::NoValue) otherwise.
  "DISABLED_ROUTING_PROFILE",
  "DISABLED_SECURITY_PROFILES",
];

/** What CloudFormation would fill in for the references that must have a shape. */
const RESOLVED_EXAMPLES: Record<string, string> = {
  DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/connect-onboarding-dev-SchedulerRole-abc",
  QUEUE_ARN: "arn:aws:sqs:us-east-1:123456789012:connect-onboarding-dev-onboarding",
};

/** Set only with LEAVER_ACTION=DISABLE. */
const DISABLE_ONLY = ["DISABLED_ROUTING_PROFILE", "DISABLED_SECURITY_PROFILES"];

/** An Fn::Sub pattern for an ARN in the stack's own partition, Region and account. */
const inStack = (service: string, resource: string) =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

// Connect ARNs per the Service Authorization Reference, in the stack's account and Region.
const instanceArn = (id: string) => inStack("connect", `instance/${id}`);
const connectGrants = (id: string): Record<string, string[]> => {
  const instance = instanceArn(id);
  const profiles = ["routing-profile/*", "security-profile/*", "agent-group/*"].map(
    (type) => `${instance}/${type}`,
  );
  return {
    "connect:ListRoutingProfiles": [instance],
    "connect:ListSecurityProfiles": [instance],
    "connect:ListUserHierarchyGroups": [instance],
    "connect:ListUsers": [instance],
    "connect:SearchUsers": [instance],
    // An action SearchUsers depends on (Service Authorization Reference).
    "connect:ListUserProficiencies": [instance, `${instance}/agent/*`],
    "connect:DescribeUser": [`${instance}/agent/*`],
    "connect:CreateUser": [
      `${instance}/agent/*`,
      `${instance}/agent-group/*`,
      `${instance}/routing-profile/*`,
      `${instance}/security-profile/*`,
    ],
    "connect:TagResource": [`${instance}/agent/*`],
    // A mover's changes: the user (if managed) and what it is moved to. One statement names
    // the three profile types for the three calls; each call is authorized against its own.
    "connect:UpdateUserRoutingProfile": [`${instance}/agent/*`, ...profiles],
    "connect:UpdateUserSecurityProfiles": [`${instance}/agent/*`, ...profiles],
    "connect:UpdateUserHierarchy": [`${instance}/agent/*`, ...profiles],
    "connect:UpdateUserIdentityInfo": [`${instance}/agent/*`],
    "connect:UpdateUserPhoneConfig": [`${instance}/agent/*`],
    "connect:UntagResource": [`${instance}/agent/*`],
    // A leaver's removal (LEAVER_ACTION=DELETE).
    "connect:DeleteUser": [`${instance}/agent/*`],
  };
};

/** Every action the function's role may perform: anything added must be added here too. */
const ROLE_ACTIONS = [
  ...Object.keys(connectGrants("x")),
  "dynamodb:Scan",
  // The ledger.
  "dynamodb:GetItem",
  "dynamodb:UpdateItem",
  "dynamodb:PutItem",
  "events:DescribeEventBus",
  "events:PutEvents",
  "sqs:SendMessage",
  // Future-dated terminations' one-time schedules, and the role Scheduler runs them as.
  "scheduler:CreateSchedule",
  "scheduler:UpdateSchedule",
  "scheduler:DeleteSchedule",
  "iam:PassRole",
  // Quarantine: find and disable the function's own event source mapping.
  "lambda:ListEventSourceMappings",
  "lambda:GetEventSourceMapping",
  "lambda:UpdateEventSourceMapping",
  // Added by the framework for the sqs event source.
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  // Added by the framework for the function's log group.
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:TagResource",
].sort();

let packageOutput = "";
let template: Template;
let prod: { custom: { settings: Record<string, Json> } } & Record<string, Json>;
let prodTemplate: Template;
let zip: ZipArchive;
let bundle: string;

/** A prod stage with every optional feature on: HR routing, a given bus, alarms, denied profiles. */
const PROD_OPTIONS = [
  "--stage",
  "prod",
  "--param",
  "connectInstanceId=arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555",
  "--param",
  "eventBusName=shared-events",
  "--param",
  "hrEventBusName=hr-events",
  "--param",
  "hrEventSource=workday",
  "--param",
  "alarmTopicArn=arn:aws:sns:us-east-1:123456789012:ops-alerts",
  "--param",
  `forbiddenSecurityProfiles=Admin, ${FORBIDDEN_ID},${FORBIDDEN_ARN}`,
  "--param",
  "ruleTagKeys=costCenter,team-*",
];

/** cfn-lint, from the Python environment, when this machine has it. */
const CFN_LINT = (() => {
  try {
    execFileSync("cfn-lint", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
let featuresDir: string | undefined;

beforeAll(async () => {
  const env = { ...process.env, ...OFFLINE_FRAMEWORK_ENV };
  const options = { cwd: root, env, maxBuffer: 16 * 1024 * 1024 };
  const [packaged, printed] = await Promise.all([
    (async () => {
      if (CFN_LINT) {
        // For the linter, the prod stage packaged too, first: every `serverless package` empties
        // .serverless, where the default one is read from.
        featuresDir = await mkdtemp(join(tmpdir(), "connect-onboarding-prod-package-"));
        // serverless-esbuild zips from a folder under TMPDIR that it fails to remove (as
        // scripts/package.ts says): given one inside featuresDir, it goes with it.
        const scratch = join(featuresDir, "tmp");
        await mkdir(scratch);
        await run(
          bin("serverless"),
          ["package", "--package", join(featuresDir, "out"), ...PROD_OPTIONS],
          {
            ...options,
            env: { ...env, TMPDIR: scratch, TMP: scratch, TEMP: scratch },
          },
        );
      }
      return run(bin("tsx"), ["scripts/package.ts"], options);
    })(),
    run(bin("serverless"), ["print", "--format", "json", ...PROD_OPTIONS], options),
  ]);
  packageOutput = `${packaged.stdout}\n${packaged.stderr}`;
  template = JSON.parse(
    await readFile(join(root, ".serverless", "cloudformation-template-update-stack.json"), "utf8"),
  );
  prod = JSON.parse(printed.stdout);
  prodTemplate = prod.resources as unknown as Template;
  zip = await openZip(join(root, ".serverless", FUNCTION_ARTIFACT));
  const entry = zip.entries.find((e) => e.name === BUNDLE_ENTRY);
  if (!entry) throw new Error(`${BUNDLE_ENTRY} is not in the artifact`);
  bundle = zip.read(entry).toString("utf8");
}, 180_000);

afterAll(async () => {
  if (featuresDir) await rm(featuresDir, { recursive: true, force: true });
});

const resource = (t: Template, name: string): Resource => {
  const found = activeResources(t)[name];
  if (!found) throw new Error(`no active resource ${name}`);
  return found;
};
const props = (t: Template, name: string) => resource(t, name).Properties;
/** The role's statements: compiled (package) or as configured (print, for the prod variant). */
const statements = (t: Template): Statement[] =>
  t === prodTemplate
    ? (prod.provider as unknown as { iam: { role: { statements: Statement[] } } }).iam.role
        .statements
    : (
        resource(t, ROLE).Properties.Policies as unknown as {
          PolicyDocument: { Statement: Statement[] };
        }[]
      ).flatMap((policy) => policy.PolicyDocument.Statement);
const eventSourceMapping = (t: Template) => {
  const mappings = resourcesOfType(t, "AWS::Lambda::EventSourceMapping");
  expect(mappings).toHaveLength(1);
  return (mappings[0] as [string, Resource])[1].Properties;
};
const environment = (t: Template) =>
  (props(t, FUNCTION).Environment as { Variables: Record<string, Json> }).Variables;

describe("npm run package", () => {
  it("prints the bundle's size in bytes, which is the size of the bundle in the artifact", () => {
    const size = zip.entries.find((e) => e.name === BUNDLE_ENTRY)?.size;
    expect(packageOutput).toContain(`bundle ${BUNDLE_ENTRY}: ${size} bytes`);
    expect(Buffer.byteLength(bundle)).toBe(size);
  });

  it("keeps the minified bundle under 700 KB", () => {
    expect(Buffer.byteLength(bundle)).toBeLessThan(BUNDLE_LIMIT_BYTES);
  });

  it("zips the bundle and nothing else: no source map, metafile, package.json or node_modules", () => {
    // Besides the bundle, only the JSONata engine it imports on first need.
    expect(zip.entries.map((e) => e.name).sort()).toEqual([BUNDLE_ENTRY, ...LAZY_ENTRIES].sort());
  });

  it("keeps the JSONata engine out of the bundle, so no cold start parses it", () => {
    // A message only JSONata's source has.
    const jsonataOnly = "The size of the sequence allocated by the range operator";
    expect(bundle).not.toContain(jsonataOnly);
    expect(bundle).toContain('import("./lazy/jsonata.mjs")');
    const lazy = zip.entries.find((e) => e.name === LAZY_ENTRIES[0]);
    if (!lazy) throw new Error("the JSONata file is not in the artifact");
    const text = zip.read(lazy).toString("utf8");
    expect(text).toContain(jsonataOnly);
    expect(text.slice(-200)).toMatch(/export default [\w$]+\(\);?\s*$/);
  });

  it("builds one minified ES module with the createRequire banner and no source map", () => {
    expect(
      bundle.startsWith(
        "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\};?\s*$/);
    expect(bundle).not.toContain("sourceMappingURL");
    // Minified: a few long lines, not one statement per line.
    expect(bundle.split("\n").length).toBeLessThan(200);
  });

  it("bundles the AWS SDK and every other dependency: the bundle imports Node built-ins only", () => {
    const specifiers = [
      ...bundle.matchAll(/\bfrom\s*["']([^"']+)["']/g),
      ...bundle.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
      ...bundle.matchAll(/^import\s*["']([^"']+)["']/gm),
    ].map((match) => match[1] as string);
    expect(specifiers.length).toBeGreaterThan(0);
    // And the JSONata engine beside it, loaded on first need.
    expect(specifiers.filter((specifier) => !isBuiltin(specifier))).toEqual(["./lazy/jsonata.mjs"]);
  });

  it("keeps the schemas of the Connect operations the function calls, and only those", () => {
    for (const path of [
      "/users/{InstanceId}", // CreateUser
      "/users/{InstanceId}/{UserId}", // DescribeUser
      "/search-users",
      "/users-summary/{InstanceId}",
      "/routing-profiles-summary/{InstanceId}",
      "/security-profiles-summary/{InstanceId}",
      "/user-hierarchy-groups-summary/{InstanceId}",
    ]) {
      expect(bundle, path).toContain(`"${path}"`);
    }
    // Operations it never calls are tree-shaken (scripts/esbuild-plugins.cjs).
    expect(bundle).not.toContain('"/contact-flows/{InstanceId}"');
    expect(bundle).not.toContain('"/queues/{InstanceId}"');
  });
});

describe("the function", () => {
  it("runs on nodejs22.x, arm64, from the bundle's handler", () => {
    const fn = props(template, FUNCTION);
    expect(fn.Runtime).toBe("nodejs22.x");
    expect(fn.Architectures).toEqual(["arm64"]);
    expect(fn.Handler).toBe("functions/onboard-employee.handler");
    expect(fn.Timeout).toBe(60);
  });

  it("gets every variable of DESIGN section 7, and nothing is left empty", () => {
    const env = environment(template);
    expect(Object.keys(env).sort()).toEqual([...FUNCTION_ENVIRONMENT].sort());
    for (const [name, value] of Object.entries(env)) {
      expect(resolveIfs(template, value), name).not.toBe("");
    }
    expect(env.CONNECT_INSTANCE_ID).toBe(PLACEHOLDER_INSTANCE_ID);
    // The table and the bus by the names the stack gives them: plain strings, which `serverless
    // invoke local` can use without asking CloudFormation (it cannot evaluate Fn::If at all).
    expect(env.MAPPING_TABLE_NAME).toBe(props(template, TABLE).TableName);
    expect(env.EVENT_BUS_NAME).toBe(props(template, "EventBus").Name);
    expect(env.DLQ_URL).toEqual({ Ref: DLQ });
    expect(env.IDENTITY_MANAGEMENT_TYPE).toBe("SAML");
    expect(env.USERNAME_TEMPLATE).toBe("{workEmail}");
    expect(env.EVENT_SOURCE).toBe("connect-onboarding");
    // Connect's CreateUser quota is 2/s per account; two environments at 1/s each.
    expect(env.CONNECT_CREATE_USER_RPS).toBe("1");
    expect(env.POWERTOOLS_SERVICE_NAME).toBe("connect-onboarding");
    expect(env.POWERTOOLS_LOG_LEVEL).toBe("DEBUG");
    expect(env.FORBIDDEN_SECURITY_PROFILES).toBe("Admin");
  });

  it("is configured with values its own cold-start validation accepts", () => {
    const env = environment(template);
    const local: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) {
      const resolved = resolveIfs(template, value);
      // AWS::NoValue: the variable is not set at all.
      if (resolved === undefined) continue;
      local[name] =
        typeof resolved === "string"
          ? resolved
          : (RESOLVED_EXAMPLES[name] ?? `resolved-${reference(template, value)}`);
    }
    expect(() => readConfig(local)).not.toThrow();
  });

  it("tells the function the redrive policy's maxReceiveCount", () => {
    const redrive = props(template, QUEUE).RedrivePolicy as { maxReceiveCount: number };
    expect(Number(environment(template).MAX_RECEIVE_COUNT)).toBe(redrive.maxReceiveCount);
  });

  it("keeps its logs for a set time", () => {
    const [[, logGroup] = []] = resourcesOfType(template, "AWS::Logs::LogGroup");
    expect(logGroup?.Properties.LogGroupName).toBe(
      "/aws/lambda/connect-onboarding-dev-onboardEmployee",
    );
    expect(logGroup?.Properties.RetentionInDays).toBe(14);
  });
});

describe("the queues", () => {
  it("encrypt at rest (SSE-SQS) and take messages up to 1 MiB, the parker's ceiling", () => {
    for (const name of [QUEUE, DLQ]) {
      expect(props(template, name).SqsManagedSseEnabled, name).toBe(true);
      expect(props(template, name).MaximumMessageSize, name).toBe(ONE_MIB);
    }
  });

  it("redrive to the DLQ after at least 5 receives", () => {
    const redrive = props(template, QUEUE).RedrivePolicy as {
      deadLetterTargetArn: Json;
      maxReceiveCount: number;
    };
    expect(reference(template, redrive.deadLetterTargetArn)).toBe(`GetAtt:${DLQ}.Arn`);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
  });

  it("hold a message invisible for at least 6x the function timeout plus the batching window", () => {
    const timeout = props(template, FUNCTION).Timeout as number;
    const window = eventSourceMapping(template).MaximumBatchingWindowInSeconds as number;
    expect(props(template, QUEUE).VisibilityTimeout as number).toBeGreaterThanOrEqual(
      6 * timeout + window,
    );
  });

  it("keep dead letters 14 days, longer than the onboarding queue keeps messages", () => {
    const dlqRetention = props(template, DLQ).MessageRetentionPeriod as number;
    expect(dlqRetention).toBe(FOURTEEN_DAYS);
    expect(props(template, QUEUE).MessageRetentionPeriod as number).toBeLessThan(dlqRetention);
  });

  it("are deleted with the stack outside prod, and retained on prod, as the table is", () => {
    for (const name of [QUEUE, DLQ]) {
      expect(resource(template, name).DeletionPolicy, name).toBe("Delete");
      expect(resource(template, name).UpdateReplacePolicy, name).toBe("Delete");
      // `serverless remove` on prod keeps the hires waiting and those parked on the DLQ.
      expect(resource(prodTemplate, name).DeletionPolicy, name).toBe("Retain");
      expect(resource(prodTemplate, name).UpdateReplacePolicy, name).toBe("Retain");
      expect(resource(prodTemplate, name).DeletionPolicy).toBe(
        resource(prodTemplate, TABLE).DeletionPolicy,
      );
    }
  });

  it("let only the onboarding queue use the DLQ", () => {
    expect(props(template, DLQ).RedriveAllowPolicy).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [
        {
          "Fn::Sub": inStack("sqs", "connect-onboarding-dev-onboarding"),
        },
      ],
    });
    expect(props(template, QUEUE).QueueName).toBe("connect-onboarding-dev-onboarding");
  });
});

describe("the event source mapping", () => {
  it("feeds the onboarding queue to the function in batches, reporting failed records only", () => {
    const mapping = eventSourceMapping(template);
    expect(reference(template, mapping.EventSourceArn as Json)).toBe(`GetAtt:${QUEUE}.Arn`);
    expect(reference(template, mapping.FunctionName as Json)).toBe(`GetAtt:${FUNCTION}.Arn`);
    expect(mapping.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    expect(mapping.BatchSize).toBe(5);
    expect(mapping.MaximumBatchingWindowInSeconds).toBe(5);
    expect(mapping.Enabled).toBe(true);
  });

  it("caps concurrency at 2, since Connect's CreateUser quota is per account", () => {
    expect(eventSourceMapping(template).ScalingConfig).toEqual({ MaximumConcurrency: 2 });
  });
});

describe.each([
  ["mapping table", TABLE, "ruleId"],
  ["source table", SOURCE_TABLE, "sourceId"],
])("the %s", (_, logicalId, key) => {
  it(`is keyed by ${key} (S), on demand, with point-in-time recovery`, () => {
    const table = props(template, logicalId);
    expect(table.KeySchema).toEqual([{ AttributeName: key, KeyType: "HASH" }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: key, AttributeType: "S" }]);
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it("can be deleted outside prod, and is protected and retained on prod", () => {
    expect(props(template, logicalId).DeletionProtectionEnabled).toBe(false);
    expect(resource(template, logicalId).DeletionPolicy).toBe("Delete");
    expect(props(prodTemplate, logicalId).DeletionProtectionEnabled).toBe(true);
    expect(resource(prodTemplate, logicalId).DeletionPolicy).toBe("Retain");
    expect(resource(prodTemplate, logicalId).UpdateReplacePolicy).toBe("Retain");
  });
});

describe("events", () => {
  it("go to a bus the stack creates by default", () => {
    expect(props(template, "EventBus").Name).toBe("connect-onboarding-dev");
  });

  it("go to an existing bus, by name, when one is given", () => {
    expect(activeResources(prodTemplate).EventBus).toBeUndefined();
    const env = (prod.provider as { environment: Record<string, Json> }).environment;
    expect(resolveIfs(prodTemplate, env.EVENT_BUS_NAME as Json)).toBe("shared-events");
    const publish = statements(prodTemplate).find((s) => s.Sid === "PublishOnboardingEvents");
    expect(asArray(publish?.Resource as Json).map((r) => reference(prodTemplate, r))).toEqual([
      inStack("events", "event-bus/shared-events"),
    ]);
  });

  it("from HR are not routed unless an HR bus is given", () => {
    expect(activeResources(template).HrEmployeeHiredRule).toBeUndefined();
    expect(activeResources(template).HrEventsQueuePolicy).toBeUndefined();
  });

  it("from HR, when an HR bus is given, are routed from it to the onboarding queue", () => {
    const rule = props(prodTemplate, "HrEmployeeHiredRule");
    expect(rule.EventBusName).toBe("hr-events");
    expect(rule.State).toBe("ENABLED");
    // The source is part of the pattern as it stands, with no condition that could drop it.
    expect(rule.EventPattern).toEqual({
      "detail-type": ["Employee Hired", "EmployeeHired"],
      source: ["workday"],
    });
    const [target] = rule.Targets as { Arn: Json; DeadLetterConfig: { Arn: Json } }[];
    expect(reference(prodTemplate, target?.Arn as Json)).toBe(`GetAtt:${QUEUE}.Arn`);
    expect(reference(prodTemplate, target?.DeadLetterConfig.Arn as Json)).toBe(`GetAtt:${DLQ}.Arn`);
  });

  it("from HR may be sent to the queue by that rule only", () => {
    const policy = props(prodTemplate, "HrEventsQueuePolicy");
    expect((policy.Queues as Json[]).map((q) => reference(prodTemplate, q))).toEqual([
      `Ref:${QUEUE}`,
      `Ref:${DLQ}`,
    ]);
    const document = policy.PolicyDocument as unknown as { Statement: Statement[] };
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe("Allow");
      expect((statement as unknown as { Principal: Json }).Principal).toEqual({
        Service: "events.amazonaws.com",
      });
      expect(statement.Action).toBe("sqs:SendMessage");
      expect(statement.Condition).toEqual({
        ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": ["HrEmployeeHiredRule", "Arn"] } },
      });
    }
    expect(document.Statement.map((s) => reference(prodTemplate, s.Resource))).toEqual([
      `GetAtt:${QUEUE}.Arn`,
      `GetAtt:${DLQ}.Arn`,
    ]);
  });
});

describe("the EventBridge schema registry", () => {
  const schemasOf = (t: Template) =>
    resourcesOfType(t, "AWS::EventSchemas::Schema").map(([, r]) => r.Properties);

  it("holds one OpenAPI 3 schema per DetailType, in a registry of the stack's own", () => {
    for (const t of [template, prodTemplate]) {
      expect(resourcesOfType(t, "AWS::EventSchemas::Registry")).toHaveLength(1);
      const schemas = schemasOf(t);
      expect(
        schemas.map((p) => JSON.parse(p.Content as string).components.schemas.AWSEvent),
      ).toEqual(
        DETAIL_TYPES.map((detailType) =>
          expect.objectContaining({ "x-amazon-events-detail-type": detailType }),
        ),
      );
      for (const p of schemas) {
        expect(p.Type).toBe("OpenApi3");
        expect(p.RegistryName).toEqual({ "Fn::GetAtt": ["EventSchemaRegistry", "RegistryName"] });
      }
    }
    expect(props(template, "EventSchemaRegistry").RegistryName).toBe("connect-onboarding-dev");
  });

  it("is generated from the same contracts as docs/schemas/, for the stack's event source", () => {
    const generated = registrySchemas("connect-onboarding");
    expect(
      schemasOf(template).map((p) => ({
        schemaName: p.SchemaName,
        description: p.Description,
        content: p.Content,
      })),
    ).toEqual(
      generated.map(({ schemaName, description, content }) => ({
        schemaName,
        description,
        content,
      })),
    );
    // Its Detail is the published schema's, in OpenAPI form: the same members, the same required.
    for (const { detailType, content } of generated) {
      const doc = JSON.parse(content);
      const detail = doc.components.schemas[detailType.replaceAll(" ", "")];
      const published = JSON.parse(
        readFileSync(join(root, "docs/schemas", `${fileNameOf(detailType)}.json`), "utf8"),
      );
      expect(Object.keys(detail.properties)).toEqual(Object.keys(published.properties));
      expect(detail.required).toEqual(published.required);
    }
  });
});

describe("alarms", () => {
  const alarms = (t: Template) =>
    resourcesOfType(t, "AWS::CloudWatch::Alarm").map(([, alarm]) => ({
      namespace: alarm.Properties.Namespace,
      metric: alarm.Properties.MetricName,
      on: (alarm.Properties.Dimensions as { Name: string; Value: Json }[]).map(
        (d) => `${d.Name}=${reference(t, d.Value)}`,
      ),
      statistic: alarm.Properties.Statistic,
      threshold: alarm.Properties.Threshold,
      comparison: alarm.Properties.ComparisonOperator,
      actions: resolveIfs(t, alarm.Properties.AlarmActions ?? null) ?? [],
    }));

  it("watch the DLQ, the oldest message's age, the function's errors and throttles, and quarantine", () => {
    expect(alarms(template)).toEqual([
      {
        namespace: "AWS/SQS",
        metric: "ApproximateNumberOfMessagesVisible",
        on: [`QueueName=GetAtt:${DLQ}.QueueName`],
        statistic: "Maximum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        actions: [],
      },
      {
        namespace: "AWS/SQS",
        metric: "ApproximateAgeOfOldestMessage",
        on: [`QueueName=GetAtt:${QUEUE}.QueueName`],
        statistic: "Maximum",
        threshold: 900,
        comparison: "GreaterThanOrEqualToThreshold",
        actions: [],
      },
      {
        namespace: "AWS/Lambda",
        metric: "Errors",
        on: [`FunctionName=Ref:${FUNCTION}`],
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        actions: [],
      },
      {
        namespace: "AWS/Lambda",
        metric: "Throttles",
        on: [`FunctionName=Ref:${FUNCTION}`],
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        actions: [],
      },
      // The function's own metric, written with each Provisioning Quarantined it announces.
      {
        namespace: "ConnectOnboarding",
        metric: "Quarantined",
        on: ["service=connect-onboarding"],
        statistic: "Sum",
        threshold: 0,
        comparison: "GreaterThanThreshold",
        actions: [],
      },
    ]);
  });

  it("notify the alarm topic when one is given", () => {
    for (const alarm of alarms(prodTemplate)) {
      expect(alarm.actions).toEqual(["arn:aws:sns:us-east-1:123456789012:ops-alerts"]);
    }
  });
});

describe("the function's role (least privilege)", () => {
  const grants = (t: Template) => {
    const byAction = new Map<string, Set<string>>();
    for (const statement of statements(t)) {
      expect(statement.Effect).toBe("Allow");
      for (const action of asArray(statement.Action)) {
        const set = byAction.get(action) ?? new Set<string>();
        for (const r of asArray(statement.Resource as Json)) set.add(reference(t, r));
        byAction.set(action, set);
      }
    }
    return byAction;
  };

  it("grants exactly the actions the function needs, with no wildcard action", () => {
    expect([...grants(template).keys()].sort()).toEqual(ROLE_ACTIONS);
    expect(resource(template, ROLE).Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("never grants a '*' resource, but to the one action that takes no resource", () => {
    for (const [action, resources] of grants(template)) {
      // ListEventSourceMappings has no resource type (Service Authorization Reference, Lambda).
      if (action === "lambda:ListEventSourceMappings") {
        expect([...resources]).toEqual(["*"]);
        continue;
      }
      for (const r of resources) expect(r, action).not.toBe("*");
    }
  });

  it("lets the function get and update only the event source mappings that invoke it", () => {
    const stop = statements(template).find((s) => s.Sid === "StopOwnEventSourceMapping");
    expect(asArray(stop?.Action ?? [])).toEqual([
      "lambda:GetEventSourceMapping",
      "lambda:UpdateEventSourceMapping",
    ]);
    expect(stop?.Condition).toEqual({
      ArnEquals: {
        "lambda:FunctionArn": {
          "Fn::Sub":
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Sub, as printed
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:connect-onboarding-dev-onboardEmployee",
        },
      },
    });
    // The name the condition spells is the function's.
    expect(resource(template, FUNCTION).Properties.FunctionName).toBe(
      "connect-onboarding-dev-onboardEmployee",
    );
  });

  it("scopes Connect to the instance and its agent, routing-profile, security-profile and agent-group resources", () => {
    const byAction = grants(template);
    for (const [action, expected] of Object.entries(connectGrants(PLACEHOLDER_INSTANCE_ID))) {
      expect([...(byAction.get(action) ?? [])].sort(), action).toEqual([...expected].sort());
    }
    const prodGrants = grants(prodTemplate);
    for (const [action, expected] of Object.entries(
      connectGrants("11111111-2222-4333-8444-555555555555"),
    )) {
      expect([...(prodGrants.get(action) ?? [])].sort(), action).toEqual([...expected].sort());
    }
  });

  it("reads only the mapping and source tables, keeps the ledger, publishes to and checks only the bus, parks only on the DLQ", () => {
    const byAction = grants(template);
    expect([...(byAction.get("dynamodb:Scan") ?? [])].sort()).toEqual([
      `GetAtt:${TABLE}.Arn`,
      `GetAtt:${SOURCE_TABLE}.Arn`,
    ]);
    expect([...(byAction.get("events:PutEvents") ?? [])]).toEqual(["GetAtt:EventBus.Arn"]);
    expect([...(byAction.get("events:DescribeEventBus") ?? [])]).toEqual(["GetAtt:EventBus.Arn"]);
    expect([...(byAction.get("sqs:SendMessage") ?? [])]).toEqual([`GetAtt:${DLQ}.Arn`]);
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) {
      expect([...(byAction.get(action) ?? [])], action).toEqual([`GetAtt:${QUEUE}.Arn`]);
    }
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
      for (const r of byAction.get(action) ?? []) {
        expect(r, action).toMatch(/:log-group:\/aws\/lambda\/connect-onboarding-dev/);
      }
    }
  });

  it("has one named statement per need", () => {
    const named = statements(template).filter((s) => s.Sid !== undefined);
    expect(named.map((s) => s.Sid)).toEqual([
      "ConnectResolveProfilesByName",
      "ConnectFindExistingUser",
      "ConnectSearchUsersDependency",
      "ConnectDescribeExistingUser",
      "ConnectCreateUser",
      "ConnectTagNewUser",
      "ConnectUpdateManagedUsers",
      "ConnectUpdateUsersToProfiles",
      "ConnectUntagManagedUsers",
      "ConnectDeleteManagedUsers",
      "ScheduleLeaverRemovals",
      "PassTheSchedulerRole",
      "ReadMappingRules",
      "KeepTheLedger",
      "ReadSourceMappings",
      "PublishOnboardingEvents",
      "ParkFailedEvents",
      "FindOwnEventSourceMapping",
      "StopOwnEventSourceMapping",
    ]);
    // Everything the framework adds unnamed is for logs and the event source.
    for (const statement of statements(template).filter((s) => s.Sid === undefined)) {
      for (const action of asArray(statement.Action)) expect(action).toMatch(/^(logs|sqs):/);
    }
  });
});

describe("leavers in the stack", () => {
  const named = (t: Template, sid: string) => {
    const statement = statements(t).find((s) => s.Sid === sid);
    if (!statement) throw new Error(`no statement ${sid}`);
    return statement;
  };
  const group = "connect-onboarding-dev-leavers";

  it("deletes only users the service manages", () => {
    const statement = named(template, "ConnectDeleteManagedUsers");
    expect(asArray(statement.Action)).toEqual(["connect:DeleteUser"]);
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:ResourceTag/managedBy": MANAGED_BY_VALUE },
    });
  });

  it("creates, updates and deletes schedules in its own group only", () => {
    const group_ = resourcesOfType(template, "AWS::Scheduler::ScheduleGroup");
    expect(group_).toHaveLength(1);
    expect((group_[0] as [string, Resource])[1].Properties.Name).toBe(group);
    const statement = named(template, "ScheduleLeaverRemovals");
    expect(asArray(statement.Action).sort()).toEqual([
      "scheduler:CreateSchedule",
      "scheduler:DeleteSchedule",
      "scheduler:UpdateSchedule",
    ]);
    expect(asArray(statement.Resource as Json).map((r) => reference(template, r))).toEqual([
      inStack("scheduler", `schedule/${group}/*`),
    ]);
    expect(environment(template).SCHEDULE_GROUP_NAME).toBe(group);
  });

  it("passes only the scheduler's role, and only to Scheduler", () => {
    const statement = named(template, "PassTheSchedulerRole");
    expect(asArray(statement.Action)).toEqual(["iam:PassRole"]);
    expect(asArray(statement.Resource as Json).map((r) => reference(template, r))).toEqual([
      "GetAtt:SchedulerRole.Arn",
    ]);
    expect(statement.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
    });
    expect(reference(template, environment(template).SCHEDULER_ROLE_ARN as Json)).toBe(
      "GetAtt:SchedulerRole.Arn",
    );
    expect(reference(template, environment(template).QUEUE_ARN as Json)).toBe(
      `GetAtt:${QUEUE}.Arn`,
    );
  });

  it("lets Scheduler, for this group's schedules in this account, send to the onboarding queue and nothing else", () => {
    const role = resource(template, "SchedulerRole").Properties as unknown as {
      AssumeRolePolicyDocument: { Statement: (Statement & { Principal?: Json })[] };
      Policies: { PolicyDocument: { Statement: Statement[] } }[];
      ManagedPolicyArns?: unknown;
    };
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust?.Principal).toEqual({ Service: "scheduler.amazonaws.com" });
    expect(trust?.Action).toBe("sts:AssumeRole");
    const condition = trust?.Condition as Record<string, Record<string, Json>>;
    expect(condition.StringEquals?.["aws:SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    expect(reference(template, condition.ArnLike?.["aws:SourceArn"] as Json)).toBe(
      inStack("scheduler", `schedule/${group}/*`),
    );
    const granted = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(granted.flatMap((s) => asArray(s.Action))).toEqual(["sqs:SendMessage"]);
    expect(
      granted.flatMap((s) => asArray(s.Resource as Json)).map((r) => reference(template, r)),
    ).toEqual([`GetAtt:${QUEUE}.Arn`]);
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it("gives the disabled profiles only with LEAVER_ACTION=DISABLE, and the threshold's defaults", () => {
    const env = environment(template);
    expect(env.LEAVER_ACTION).toBe("DELETE");
    expect(resolveIfs(template, env.DISABLED_ROUTING_PROFILE as Json)).toBeUndefined();
    expect(resolveIfs(template, env.DISABLED_SECURITY_PROFILES as Json)).toBeUndefined();
    expect(env.REMOVAL_THRESHOLD_COUNT).toBe("10");
    expect(env.REMOVAL_THRESHOLD_PERCENT).toBe("20");
  });
});

/** The tag keys (StringLike patterns) the role may write when it creates a user. */
const allowedTagKeys = (t: Template): string[] => {
  const create = statements(t).find((s) => s.Sid === "ConnectCreateUser");
  const condition = create?.Condition as Record<string, Record<string, string[]>> | undefined;
  return condition?.["ForAllValues:StringLike"]?.["aws:TagKeys"] ?? [];
};

/** IAM's StringLike: `*` any run of characters, `?` any one. */
const like = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(value);

describe("the tags the role may write", () => {
  const condition = (t: Template, sid: string) =>
    statements(t).find((s) => s.Sid === sid)?.Condition;
  const SERVICE_KEYS = [EMPLOYEE_ID_TAG, MANAGED_BY_TAG, "status"];

  it("on CreateUser: always managedBy=connect-onboarding and an employeeId, and only allowed keys", () => {
    expect(condition(template, "ConnectCreateUser")).toEqual({
      StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE },
      Null: { [`aws:RequestTag/${EMPLOYEE_ID_TAG}`]: "false" },
      "ForAllValues:StringLike": { "aws:TagKeys": [...SERVICE_KEYS, "costCenter"] },
    });
  });

  it("on TagResource (tagging the new user): the same keys, managedBy only as connect-onboarding", () => {
    expect(condition(template, "ConnectTagNewUser")).toEqual({
      StringEqualsIfExists: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE },
      "ForAllValues:StringLike": { "aws:TagKeys": [...SERVICE_KEYS, "costCenter"] },
    });
  });

  it("on a mover's updates and untagging: only users the service manages, only its keys", () => {
    expect(condition(template, "ConnectUpdateManagedUsers")).toEqual({
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE },
    });
    expect(condition(template, "ConnectUntagManagedUsers")).toEqual({
      StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE },
      "ForAllValues:StringLike": { "aws:TagKeys": [...SERVICE_KEYS, "costCenter"] },
    });
    // The profiles a user is moved to carry no such tag: that grant names them alone.
    expect(condition(template, "ConnectUpdateUsersToProfiles")).toBeUndefined();
  });

  it("take the rule tag keys from param ruleTagKeys, wildcards included", () => {
    for (const sid of ["ConnectCreateUser", "ConnectTagNewUser", "ConnectUntagManagedUsers"]) {
      expect(
        (condition(prodTemplate, sid) as Record<string, Record<string, Json>>)[
          "ForAllValues:StringLike"
        ],
      ).toEqual({ "aws:TagKeys": [...SERVICE_KEYS, "costCenter", "team-*"] });
    }
  });

  it("by default allow every tag key the sample rules set", async () => {
    const rules = parseRulesJson(
      await readFile(join(root, "events", "mappings.json"), "utf8"),
    ).rules;
    const allowed = allowedTagKeys(template);
    const keys = rules.flatMap((rule) => Object.keys(rule.tags));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(
        allowed.some((p) => like(p, key)),
        key,
      ).toBe(true);
  });
});

describe("forbidden security profiles", () => {
  it("reach the function as FORBIDDEN_SECURITY_PROFILES", () => {
    const env = (prod.provider as { environment: Record<string, Json> }).environment;
    expect(env.FORBIDDEN_SECURITY_PROFILES).toBe(`Admin,${FORBIDDEN_ID},${FORBIDDEN_ARN}`);
  });

  it("given by ID or ARN, are denied to the role on CreateUser and UpdateUserSecurityProfiles", () => {
    const deny = props(prodTemplate, "ForbiddenSecurityProfilesDeny");
    expect(deny.Roles).toEqual([{ Ref: ROLE }]);
    expect(deny.PolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "NeverAssignForbiddenSecurityProfiles",
          Effect: "Deny",
          Action: ["connect:CreateUser", "connect:UpdateUserSecurityProfiles"],
          // The ID in the stack's instance; the ARN as given. The name (Admin) IAM cannot know.
          Resource: [
            {
              "Fn::Sub": inStack(
                "connect",
                `instance/${PROD_INSTANCE}/security-profile/${FORBIDDEN_ID}`,
              ),
            },
            FORBIDDEN_ARN,
          ],
        },
      ],
    });
  });

  it("given by name only (the default, Admin), are the function's to refuse: no Deny", () => {
    expect(activeResources(template).ForbiddenSecurityProfilesDeny).toBeUndefined();
  });
});

describe("the operator policy", () => {
  it("is a managed policy of Allow statements on the stack's own resources, exported for attaching", () => {
    const policy = resource(template, "OperatorPolicy");
    expect(policy.Type).toBe("AWS::IAM::ManagedPolicy");
    expect(policy.Properties.ManagedPolicyName).toBe("connect-onboarding-dev-operator");
    const document = policy.Properties.PolicyDocument as unknown as { Statement: Statement[] };
    for (const statement of document.Statement) {
      expect(statement.Effect, statement.Sid).toBe("Allow");
      for (const action of asArray(statement.Action)) expect(action).not.toMatch(/\*/);
      for (const r of asArray(statement.Resource as Json)) {
        expect(reference(template, r), statement.Sid).not.toBe("*");
      }
    }
    expect(template.Outputs?.OperatorPolicyArn).toEqual({
      Description: "The managed policy to attach to whoever runs the onboard CLI",
      Value: { Ref: "OperatorPolicy" },
      Export: { Name: "connect-onboarding-dev-OperatorPolicyArn" },
    });
  });
});

describe("the stack's conditions", () => {
  it("evaluate as the default parameters say", () => {
    expect(evaluateCondition(template, "CreateEventBus")).toBe(true);
    expect(evaluateCondition(template, "RouteHrEvents")).toBe(false);
    expect(evaluateCondition(template, "NotifyAlarmTopic")).toBe(false);
    expect(evaluateCondition(template, "DenyForbiddenSecurityProfiles")).toBe(false);
    expect(evaluateCondition(prodTemplate, "DenyForbiddenSecurityProfiles")).toBe(true);
    expect(evaluateCondition(prodTemplate, "CreateEventBus")).toBe(false);
    expect(evaluateCondition(prodTemplate, "RouteHrEvents")).toBe(true);
  });

  it("leave prod logging at INFO for a year", () => {
    const provider = prod.provider as {
      environment: Record<string, Json>;
      logRetentionInDays: Json;
    };
    expect(provider.environment.POWERTOOLS_LOG_LEVEL).toBe("INFO");
    expect(provider.logRetentionInDays).toBe(365);
  });
});

interface LintFinding {
  Level: "Error" | "Warning" | "Informational";
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] | null; Start: { LineNumber: number } };
}

/** cfn-lint's findings on a template file (it exits non-zero when it has any). */
const lint = async (file: string): Promise<LintFinding[]> => {
  const output = await run("cfn-lint", ["--format", "json", file], { maxBuffer: 16 * 1024 * 1024 })
    .then(({ stdout }) => stdout)
    .catch((error: { stdout?: string }) => {
      if (!error.stdout) throw error;
      return error.stdout;
    });
  return JSON.parse(output) as LintFinding[];
};

/**
 * Whether a location lies in a part of the template its conditions leave out: a resource whose
 * condition is false, or the branch of an Fn::If not taken. The framework bakes params in as
 * literals, so such parts hold the params' empty defaults (an HR rule on bus "", alarm actions
 * [""]), which cfn-lint checks although CloudFormation never creates them.
 */
const switchedOff = (t: Template, path: readonly (string | number)[]): boolean => {
  let node: unknown = t;
  for (const [i, key] of path.entries()) {
    if (path[0] === "Resources" && i === 2) {
      const condition = t.Resources[path[1] as string]?.Condition;
      if (condition && !evaluateCondition(t, condition)) return true;
    }
    if (key === "Fn::If" && Array.isArray((node as Record<string, unknown>)[key])) {
      const [condition] = (node as Record<string, Json[]>)[key] as Json[];
      const taken = evaluateCondition(t, condition as Json) ? 1 : 2;
      const branch = path[i + 1];
      if ((branch === 1 || branch === 2) && branch !== taken) return true;
    }
    node = (node as Record<string | number, unknown> | undefined)?.[key];
  }
  return false;
};

const errorsOf = (t: Template, findings: readonly LintFinding[]): string[] =>
  findings
    .filter((f) => f.Level === "Error" && !switchedOff(t, f.Location.Path ?? []))
    .map((f) => `${f.Rule.Id} ${JSON.stringify(f.Location.Path)}: ${f.Message}`);

describe("cfn-lint", () => {
  // Ignored: E3031 and E3033 (a value's pattern and minimum length), and only where the
  // template's constant conditions switch the part off: there the params' empty defaults sit.
  // Warnings do not fail (W8003: a condition is constant, which baked-in params make them all).
  it.runIf(CFN_LINT)(
    "finds no error in the packaged template, where its conditions switch parts on (runs when the cfn-lint command exists)",
    async () => {
      const file = join(root, ".serverless", "cloudformation-template-update-stack.json");
      const findings = await lint(file);
      expect(errorsOf(template, findings)).toEqual([]);
      // The switched-off findings are the ones explained above, not a silenced real error.
      for (const f of findings.filter((f) => f.Level === "Error")) {
        expect(f.Rule.Id, f.Message).toMatch(/^E303[13]$/);
      }
    },
    60_000,
  );

  it.runIf(CFN_LINT)(
    "finds no error at all with every optional feature on, packaged for prod (runs when the cfn-lint command exists)",
    async () => {
      const file = join(featuresDir as string, "out", "cloudformation-template-update-stack.json");
      const packaged = JSON.parse(await readFile(file, "utf8")) as Template;
      for (const name of [
        "HrEmployeeHiredRule",
        "ForbiddenSecurityProfilesDeny",
        "OperatorPolicy",
      ]) {
        expect(activeResources(packaged)[name], name).toBeDefined();
      }
      const errors = (await lint(file)).filter((f) => f.Level === "Error");
      expect(
        errors.map((f) => `${f.Rule.Id} ${JSON.stringify(f.Location.Path)}: ${f.Message}`),
      ).toEqual([]);
    },
    60_000,
  );
});

describe("the packaged handler", () => {
  let stack: LocalStack | undefined;
  let workDir: string | undefined;

  afterAll(async () => {
    await stack?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("runs in a fresh Node process on events/sqs/raw.json against the local stack", async () => {
    const sample = (path: string) => readFile(join(root, "events", path), "utf8");
    const seed = parseConnectSeed(JSON.parse(await sample("connect-seed.json")));
    const rules = parseRulesJson(await sample("mappings.json")).rules;
    const sources = await readSourceMappings(join(root, "events/sources"));
    stack = await startLocalStack({ seed, rules, sources });

    workDir = await mkdtemp(join(tmpdir(), "connect-onboarding-artifact-"));
    // Unzip the artifact as Lambda would.
    for (const entry of zip.entries) {
      const target = join(workDir, "task", entry.name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, zip.read(entry));
    }
    const resultFile = join(workDir, "result.json");
    const runner = join(workDir, "invoke.mjs");
    await writeFile(
      runner,
      [
        'import { readFile, writeFile } from "node:fs/promises";',
        'import { pathToFileURL } from "node:url";',
        "const [bundle, eventFile, resultFile] = process.argv.slice(2);",
        "const { handler } = await import(pathToFileURL(bundle).href);",
        'const event = JSON.parse(await readFile(eventFile, "utf8"));',
        "const started = Date.now();",
        "const context = {",
        '  functionName: "connect-onboarding-dev-onboardEmployee", functionVersion: "$LATEST",',
        '  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:connect-onboarding-dev-onboardEmployee",',
        '  memoryLimitInMB: "512", awsRequestId: "packaged-handler-test", callbackWaitsForEmptyEventLoop: true,',
        '  logGroupName: "/aws/lambda/connect-onboarding-dev-onboardEmployee", logStreamName: "test",',
        "  getRemainingTimeInMillis: () => 60_000 - (Date.now() - started),",
        "  done() {}, fail() {}, succeed() {},",
        "};",
        "const result = await handler(event, context);",
        "await writeFile(resultFile, JSON.stringify(result));",
      ].join("\n"),
    );

    // The template's environment, with what CloudFormation would fill in pointing at the stack.
    const fromTemplate: Record<string, string> = {};
    for (const [name, value] of Object.entries(environment(template))) {
      const resolved = resolveIfs(template, value);
      if (typeof resolved === "string") fromTemplate[name] = resolved;
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      ...fromTemplate,
      ...pick(stack.env, [
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ENDPOINT_URL_CONNECT",
        "AWS_ENDPOINT_URL_EVENTBRIDGE",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SCHEDULER",
        "POWERTOOLS_METRICS_DISABLED",
        "SCHEDULER_ROLE_ARN",
        "QUEUE_ARN",
      ]),
      SCHEDULE_GROUP_NAME: stack.env.SCHEDULE_GROUP_NAME as string,
      CONNECT_INSTANCE_ID: stack.connect.instanceId,
      MAPPING_TABLE_NAME: stack.table.tableName,
      SOURCE_TABLE_NAME: stack.table.sourceTableName,
      LEDGER_TABLE_NAME: stack.table.ledgerTableName,
      EVENT_BUS_NAME: LOCAL_EVENT_BUS,
      DLQ_URL: stack.queues.dlqUrl,
      POWERTOOLS_LOG_LEVEL: "WARN",
    };
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(FUNCTION_ENVIRONMENT.filter((name) => !DISABLE_ONLY.includes(name))),
    );

    await run(
      process.execPath,
      [runner, join(workDir, "task", BUNDLE_ENTRY), join(root, "events/sqs/raw.json"), resultFile],
      { cwd: workDir, env, timeout: 60_000 },
    );
    const result = JSON.parse(await readFile(resultFile, "utf8")) as SQSBatchResponse;
    expect(result).toEqual({ batchItemFailures: [] });

    const created = stack.connect.users().find((u) => u.username === "jose.nunez@example.com");
    expect(created?.tags).toMatchObject({
      employeeId: "E12345",
      managedBy: "connect-onboarding",
      costCenter: "CC-100",
    });
    // Every tag the function wrote is one its role may write.
    const allowed = allowedTagKeys(template);
    for (const key of Object.keys(created?.tags ?? {})) {
      expect(
        allowed.some((pattern) => like(pattern, key)),
        key,
      ).toBe(true);
    }
    // What the packaged function published conforms to docs/schemas/.
    expect(publishedEventProblems(stack.eventBridge.events())).toEqual([]);
    expect(stack.eventBridge.events()).toMatchObject([
      {
        eventBusName: LOCAL_EVENT_BUS,
        source: "connect-onboarding",
        detailType: "Connect User Created",
        detail: { employeeId: "E12345", userArn: created?.arn, outcome: "CREATED" },
      },
    ]);

    // A payload only a source mapping reads: the bundle loads JSONata on demand and maps it.
    const sqsSample = JSON.parse(await sample("sqs/raw.json")) as {
      Records: Record<string, unknown>[];
    };
    const mapped = {
      Records: [
        {
          ...sqsSample.Records[0],
          messageId: "5e8f0a4c-0000-4000-8000-000000000001",
          body: await sample("sources/payloads/bamboohr-webhook.json"),
        },
      ],
    };
    const mappedFile = join(workDir, "bamboohr-event.json");
    await writeFile(mappedFile, JSON.stringify(mapped));
    await run(
      process.execPath,
      [runner, join(workDir, "task", BUNDLE_ENTRY), mappedFile, resultFile],
      {
        cwd: workDir,
        env,
        timeout: 60_000,
      },
    );
    expect(JSON.parse(await readFile(resultFile, "utf8"))).toEqual({ batchItemFailures: [] });
    for (const employeeId of ["B50001", "B50002", "B50003"]) {
      expect(stack.connect.users().filter((u) => u.tags.employeeId === employeeId)).toHaveLength(1);
    }
  }, 90_000);
});

const pick = (source: Readonly<Record<string, string>>, keys: readonly string[]) =>
  Object.fromEntries(
    keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key] as string]),
  );
