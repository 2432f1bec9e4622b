/**
 * The build-time pieces that need no packaging: the stack-parameter validation that fails a
 * bad `--param` before anything is deployed, and the esbuild plugin's source rewrite.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { StackSettings } from "../../scripts/stack-settings.cjs";

const require = createRequire(import.meta.url);
const { deriveSettings, functionResources, LOCAL_STAGE, PARAM_NAMES } =
  require("../../scripts/stack-settings.cjs") as typeof import("../../scripts/stack-settings.cjs");
const { inlineSchemaKeys, SCHEMA_MODULE } =
  require("../../scripts/esbuild-plugins.cjs") as typeof import("../../scripts/esbuild-plugins.cjs");

/** The `params.default` block of serverless.yml, read as flat `key: value` lines. */
const defaultParams = async (): Promise<Record<string, string>> => {
  const yml = await readFile(new URL("../../serverless.yml", import.meta.url), "utf8");
  const block = /\nparams:\n {2}default:\n((?: {4}.*\n|\s*\n)+)/.exec(yml)?.[1] ?? "";
  const params: Record<string, string> = {};
  for (const [, key, value] of block.matchAll(/^ {4}(\w+): (.*)$/gm)) {
    params[key as string] = (value as string).replace(/^"(.*)"$/, "$1");
  }
  return params;
};

const derive = async (overrides: Record<string, unknown> = {}): Promise<StackSettings> =>
  deriveSettings({
    ...(await defaultParams()),
    connectInstanceId: "11111111-2222-4333-8444-555555555555",
    ...overrides,
  });

describe("stack parameters", () => {
  it("have a default in serverless.yml for every parameter the settings read", async () => {
    expect(Object.keys(await defaultParams()).sort()).toEqual([...PARAM_NAMES].sort());
  });

  it("derive the visibility timeout from the function timeout and the batching window", async () => {
    const settings = await derive({ functionTimeoutSeconds: "120", batchingWindowSeconds: "20" });
    expect(settings.visibilityTimeout).toBe(6 * 120 + 20);
  });

  it("turn CLI strings into numbers and booleans", async () => {
    const settings = await derive({ batchSize: "8", deletionProtection: "true" });
    expect(settings.batchSize).toBe(8);
    expect(settings.deletionProtection).toBe(true);
    expect(settings.tableDeletionPolicy).toBe("Retain");
    expect(settings.queueDeletionPolicy).toBe("Retain");
    expect((await derive()).queueDeletionPolicy).toBe("Delete");
  });

  it("turn forbidden security profiles given by ID or ARN into ARNs to deny; names stay the function's", async () => {
    const arn =
      "arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-4333-8444-555555555555/security-profile/p-1";
    const settings = await derive({
      forbiddenSecurityProfiles: ` Admin , aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,${arn},Admin,`,
    });
    expect(settings.forbiddenSecurityProfiles).toBe(
      `Admin,aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee,${arn}`,
    );
    expect(settings.forbiddenSecurityProfileArns).toEqual([
      {
        "Fn::Sub": `arn:\${AWS::Partition}:connect:\${AWS::Region}:\${AWS::AccountId}:instance/11111111-2222-4333-8444-555555555555/security-profile/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`,
      },
      arn,
    ]);
    expect(settings.denyForbiddenSecurityProfiles).toBe("true");
    const byName = await derive();
    expect(byName.forbiddenSecurityProfiles).toBe("Admin");
    expect(byName.forbiddenSecurityProfileArns).toEqual([]);
    expect(byName.denyForbiddenSecurityProfiles).toBe("false");
  });

  it("let the role write the service's own tag keys and the rules' (ruleTagKeys)", async () => {
    expect((await derive()).userTagKeys).toEqual([
      "employeeId",
      "managedBy",
      "status",
      "costCenter",
    ]);
    expect((await derive({ ruleTagKeys: "team-*, costCenter,status" })).userTagKeys).toEqual([
      "employeeId",
      "managedBy",
      "status",
      "team-*",
      "costCenter",
    ]);
  });

  it("register the bus's schemas under the stack's event source", async () => {
    const schemas = (await derive({ eventSource: "acme.onboarding" })).eventSchemas;
    expect(Object.keys(schemas)).toContain("ConnectUserCreated");
    const created = schemas.ConnectUserCreated as { name: string; content: string };
    expect(created.name).toBe("acme.onboarding@ConnectUserCreated");
    expect(JSON.parse(created.content).components.schemas.AWSEvent).toMatchObject({
      "x-amazon-events-source": "acme.onboarding",
      "x-amazon-events-detail-type": "Connect User Created",
    });
  });

  it("require the HR event source with an HR bus: the rule always names it", async () => {
    await expect(derive({ hrEventBusName: "hr-events" })).rejects.toThrow(
      "param hrEventSource is required when hrEventBusName is set",
    );
    expect(
      (await derive({ hrEventBusName: "hr-events", hrEventSource: "workday" })).hrEventSource,
    ).toBe("workday");
  });

  it("take the instance ID out of an instance ARN in the stack's Region", () => {
    const settings = deriveSettings(
      {
        ...Object.fromEntries(PARAM_NAMES.map((name) => [name, ""])),
        connectInstanceId: "arn:aws:connect:eu-west-2:123456789012:instance/abc-123",
        identityManagementType: "saml",
        createUserRps: 1,
        connectApiRps: 1,
        ledgerHistoryDays: 400,
        functionTimeoutSeconds: 60,
        memorySize: 512,
        batchSize: 5,
        batchingWindowSeconds: 5,
        maximumConcurrency: 2,
        maxReceiveCount: 5,
        queueRetentionSeconds: 345600,
        logLevel: "INFO",
        logRetentionDays: 30,
        mappingCacheTtlSeconds: 60,
        profileCacheTtlSeconds: 300,
        oldestMessageAgeAlarmSeconds: 900,
        deletionProtection: false,
      },
      { region: "eu-west-2" },
    );
    expect(settings.connectInstanceId).toBe("abc-123");
    expect(settings.identityManagementType).toBe("SAML");
  });

  it.each([
    [{ connectInstanceId: "" }, "connectInstanceId is required"],
    [{ connectInstanceId: "not an id!" }, "connectInstanceId must be"],
    [{ maxReceiveCount: "4" }, "maxReceiveCount must be an integer from 5"],
    [{ maximumConcurrency: "1" }, "maximumConcurrency must be an integer from 2"],
    [{ batchSize: "50", batchingWindowSeconds: "0" }, "batchingWindowSeconds must be at least 1"],
    [{ functionTimeoutSeconds: "901" }, "functionTimeoutSeconds must be an integer from 10 to 900"],
    [{ queueRetentionSeconds: "1209600" }, "shorter than the DLQ's 14 days"],
    [{ logRetentionDays: "31" }, "logRetentionDays must be one of"],
    [{ identityManagementType: "LDAP" }, "param identityManagementType must be one of"],
    // Checked by the function's own configuration reader, worded for the param.
    [{ usernameTemplate: "{nickname}" }, "param usernameTemplate names unknown employee fields"],
    [{ logLevel: "LOUD" }, "param logLevel must be one of TRACE"],
    [{ createUserRps: "0" }, "createUserRps must be a number"],
    [{ alarmTopicArn: "ops-alerts" }, "alarmTopicArn must be an SNS topic ARN"],
    [{ deletionProtection: "yes" }, "deletionProtection must be true or false"],
    [{ hrEventSource: "work day" }, "param hrEventSource must be an event source"],
    [
      {
        forbiddenSecurityProfiles:
          "arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/r-1",
      },
      "is the ARN of a routing profile or hierarchy group, not of a security profile",
    ],
    [
      { forbiddenSecurityProfiles: "arn:aws:iam::123456789012:role/x" },
      "is not a security profile ARN",
    ],
    [{ ruleTagKeys: "costCenter,aws:cloudformation" }, 'param ruleTagKeys: "aws:cloudformation"'],
  ])("reject %o", async (overrides, message) => {
    await expect(derive(overrides)).rejects.toThrow(message);
  });

  it("reject an instance ARN from another Region", () => {
    expect(() =>
      deriveSettings(
        { connectInstanceId: "arn:aws:connect:eu-west-2:123456789012:instance/abc-123" },
        { region: "us-east-1" },
      ),
    ).toThrow("names an instance in eu-west-2, but the stack deploys to us-east-1");
  });
});

describe("the function's resource settings", () => {
  const names = {
    table: "connect-onboarding-prod-mappings",
    sourceTable: "connect-onboarding-prod-sources",
    ledger: "connect-onboarding-prod-ledger",
    eventBus: "connect-onboarding-prod",
  };

  it("name the stack's table and bus as plain strings, and the DLQ by a Ref", () => {
    expect(functionResources({ stage: "prod", names, eventBusName: "" })).toEqual({
      MAPPING_TABLE_NAME: "connect-onboarding-prod-mappings",
      SOURCE_TABLE_NAME: "connect-onboarding-prod-sources",
      LEDGER_TABLE_NAME: "connect-onboarding-prod-ledger",
      EVENT_BUS_NAME: "connect-onboarding-prod",
      DLQ_URL: { Ref: "DeadLetterQueue" },
    });
    expect(functionResources({ stage: "prod", names, eventBusName: "shared" }).EVENT_BUS_NAME).toBe(
      "shared",
    );
  });

  it("come from the environment of `npm start -- --serve` on the local stage", () => {
    const env = {
      CONNECT_INSTANCE_ID: "i-1",
      MAPPING_TABLE_NAME: "local-mappings",
      SOURCE_TABLE_NAME: "",
      LEDGER_TABLE_NAME: "local-ledger",
      EVENT_BUS_NAME: "local-bus",
      DLQ_URL: "http://127.0.0.1:9324/000000000000/local-dlq",
    };
    expect(functionResources({ stage: LOCAL_STAGE, names, eventBusName: "", env })).toEqual({
      MAPPING_TABLE_NAME: "local-mappings",
      SOURCE_TABLE_NAME: "",
      LEDGER_TABLE_NAME: "local-ledger",
      EVENT_BUS_NAME: "local-bus",
      DLQ_URL: "http://127.0.0.1:9324/000000000000/local-dlq",
    });
  });

  it("name what the local stage misses, in one line with no stack frames", () => {
    let error: Error | undefined;
    try {
      functionResources({ stage: LOCAL_STAGE, names, eventBusName: "", env: { DLQ_URL: "x" } });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toBe(
      "stage local runs the function against the local stack of `npm start -- --serve`: set the environment it prints first (missing CONNECT_INSTANCE_ID, MAPPING_TABLE_NAME, LEDGER_TABLE_NAME, EVENT_BUS_NAME)",
    );
    // The framework prints error.stack: it must hold the message alone.
    expect(error?.stack).toBe(`StackParameterError: ${error?.message}`);
  });

  it("report bad params without stack frames too", async () => {
    const error = await derive({ connectInstanceId: "" }).catch((caught: Error) => caught);
    expect((error as Error).stack).toBe(`StackParameterError: ${(error as Error).message}`);
  });
});

describe("the AWS SDK schema tree-shaking plugin", () => {
  it("applies to the SDK's schema modules only", () => {
    expect(
      SCHEMA_MODULE.test("/p/node_modules/@aws-sdk/client-connect/dist-es/schemas/schemas_0.js"),
    ).toBe(true);
    expect(
      SCHEMA_MODULE.test(
        "/p/node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/schemas/schemas_0.js",
      ),
    ).toBe(true);
    expect(SCHEMA_MODULE.test("/p/node_modules/@aws-sdk/client-connect/dist-es/index.js")).toBe(
      false,
    );
    expect(SCHEMA_MODULE.test("/p/shared/schemas/schemas_0.js")).toBe(false);
  });

  it("inlines computed keys that name file-level string constants, and nothing else", () => {
    const source = [
      'const _h = "http";',
      'const _e = "error";',
      "const n0 = other();",
      'export var A$ = [9, n0, { [_h]: ["PUT", "/users/{InstanceId}", 200] }, () => B$];',
      "export var E$ = [-3, n0, { [_e]: _c, [_unknown]: 1 }, [], []];",
      "const x = y[_h] ? a : b;",
    ].join("\n");
    const { source: result, rewritten } = inlineSchemaKeys(source);
    expect(rewritten).toBe(2);
    expect(result).toContain('{ "http": ["PUT", "/users/{InstanceId}", 200] }');
    expect(result).toContain('{ "error": _c, [_unknown]: 1 }');
    expect(result).toContain("y[_h] ? a : b");
  });

  it("leaves a module without string constants untouched", () => {
    expect(inlineSchemaKeys("export var A$ = { [k]: 1 };")).toEqual({
      source: "export var A$ = { [k]: 1 };",
      rewritten: 0,
    });
  });
});
