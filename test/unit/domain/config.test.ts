import { describe, expect, it } from "vitest";
import { ConfigurationError, readConfig } from "../../../shared/config.js";
import { CONNECT_APIS } from "../../../shared/ports.js";

const INSTANCE = "10a4c4eb-f57e-4d4c-b602-bf39176ced07";
const REQUIRED = {
  CONNECT_INSTANCE_ID: INSTANCE,
  MAPPING_TABLE_NAME: "connect-onboarding-mappings",
  LEDGER_TABLE_NAME: "connect-onboarding-ledger",
  EVENT_BUS_NAME: "onboarding-bus",
  DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/onboarding-dlq",
};

const problemsOf = (env: Record<string, string | undefined>): readonly string[] => {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error("expected a ConfigurationError");
};

describe("readConfig", () => {
  it("fills the defaults around the required variables", () => {
    expect(readConfig(REQUIRED)).toEqual({
      instanceId: INSTANCE,
      identityManagementType: "SAML",
      mappingTableName: "connect-onboarding-mappings",
      ledgerTableName: "connect-onboarding-ledger",
      ledgerHistoryDays: 400,
      eventBusName: "onboarding-bus",
      eventSource: "connect-onboarding",
      dlqUrl: REQUIRED.DLQ_URL,
      maxReceiveCount: 5,
      usernameTemplate: "{workEmail}",
      forbiddenSecurityProfiles: ["Admin"],
      connectApiRps: Object.fromEntries(CONNECT_APIS.map((api) => [api, 1])),
      mappingCacheTtlSeconds: 60,
      profileCacheTtlSeconds: 300,
      failureSpike: { windowRecords: 50, failurePercent: 40 },
      serviceName: "connect-onboarding",
      logLevel: "INFO",
      leaverAction: "DELETE",
      disabledSecurityProfiles: [],
      removalThresholdCount: 10,
      removalThresholdPercent: 20,
    });
  });

  it("reads the failure spike's window and percentage, refusing a window under 20 records", () => {
    expect(
      readConfig({
        ...REQUIRED,
        QUARANTINE_WINDOW_RECORDS: "20",
        QUARANTINE_FAILURE_PERCENT: "12.5",
      }).failureSpike,
    ).toEqual({ windowRecords: 20, failurePercent: 12.5 });
    for (const [name, value] of [
      ["QUARANTINE_WINDOW_RECORDS", "19"],
      ["QUARANTINE_WINDOW_RECORDS", "50.5"],
      ["QUARANTINE_WINDOW_RECORDS", "1001"],
      ["QUARANTINE_FAILURE_PERCENT", "-1"],
      ["QUARANTINE_FAILURE_PERCENT", "101"],
      ["QUARANTINE_FAILURE_PERCENT", "forty"],
    ] as const) {
      expect(() => readConfig({ ...REQUIRED, [name]: value }), `${name}=${value}`).toThrow(
        new RegExp(name),
      );
    }
  });

  it("reads every variable of DESIGN section 7", () => {
    const config = readConfig({
      ...REQUIRED,
      IDENTITY_MANAGEMENT_TYPE: " connect_managed ",
      EVENT_SOURCE: "hr.onboarding",
      MAX_RECEIVE_COUNT: "8",
      USERNAME_TEMPLATE: "{firstName}.{lastName}",
      CONNECT_CREATE_USER_RPS: "1.5",
      CONNECT_API_RPS: "0.5",
      CONNECT_API_RPS_SearchUsers: "2",
      LEDGER_HISTORY_DAYS: "30",
      MAPPING_CACHE_TTL_SECONDS: "0",
      PROFILE_CACHE_TTL_SECONDS: "600",
      POWERTOOLS_SERVICE_NAME: "onboard",
      POWERTOOLS_LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      identityManagementType: "CONNECT_MANAGED",
      eventSource: "hr.onboarding",
      maxReceiveCount: 8,
      usernameTemplate: "{firstName}.{lastName}",
      connectApiRps: expect.objectContaining({
        CreateUser: 1.5,
        SearchUsers: 2,
        DescribeUser: 0.5,
        UpdateUserRoutingProfile: 0.5,
      }),
      ledgerHistoryDays: 30,
      mappingCacheTtlSeconds: 0,
      profileCacheTtlSeconds: 600,
      serviceName: "onboard",
      logLevel: "DEBUG",
    });
  });

  it("reads FORBIDDEN_SECURITY_PROFILES as a comma-separated list of names, IDs or ARNs", () => {
    const arn =
      "arn:aws:connect:us-east-1:123456789012:instance/i-1/security-profile/7a6b5c4d-0002-4e3f-9a8b-200000000001";
    expect(
      readConfig({
        ...REQUIRED,
        FORBIDDEN_SECURITY_PROFILES: ` Admin , CallCenterManager,,${arn},7a6b5c4d-0002-4e3f-9a8b-200000000009 `,
      }).forbiddenSecurityProfiles,
    ).toEqual(["Admin", "CallCenterManager", arn, "7a6b5c4d-0002-4e3f-9a8b-200000000009"]);
    expect(
      readConfig({ ...REQUIRED, FORBIDDEN_SECURITY_PROFILES: "  " }).forbiddenSecurityProfiles,
    ).toEqual(["Admin"]);
    expect(problemsOf({ ...REQUIRED, FORBIDDEN_SECURITY_PROFILES: " , " })).toEqual([
      "FORBIDDEN_SECURITY_PROFILES must name at least one security profile",
    ]);
    expect(
      problemsOf({
        ...REQUIRED,
        FORBIDDEN_SECURITY_PROFILES:
          "arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/r-1",
      }),
    ).toEqual([
      'FORBIDDEN_SECURITY_PROFILES: "arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/r-1" is not a security profile ARN',
    ]);
  });

  it("accepts an instance ARN and keeps only the instance ID", () => {
    for (const arn of [
      `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}`,
      `arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/${INSTANCE}`,
      `  arn:aws:connect:eu-west-2:123456789012:instance/${INSTANCE}  `,
    ]) {
      expect(readConfig({ ...REQUIRED, CONNECT_INSTANCE_ID: arn }).instanceId).toBe(INSTANCE);
    }
  });

  it("rejects an instance ARN of another kind", () => {
    const problems = problemsOf({
      ...REQUIRED,
      CONNECT_INSTANCE_ID: `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/queue/q1`,
    });
    expect(problems).toEqual([expect.stringContaining("CONNECT_INSTANCE_ID")]);
  });

  it("paces each Connect API, naming an override for an API the function does not call", () => {
    expect(problemsOf({ ...REQUIRED, CONNECT_API_RPS_CreateUsers: "2" })).toEqual([
      expect.stringMatching(/^CONNECT_API_RPS_CreateUsers names no Connect API the function calls/),
    ]);
    expect(problemsOf({ ...REQUIRED, CONNECT_API_RPS_DescribeUser: "0" })).toEqual([
      'CONNECT_API_RPS_DescribeUser must be a number above 0 and at most 10000 (got "0")',
    ]);
    // CONNECT_CREATE_USER_RPS, from before every API was paced, sets CreateUser's alone; the
    // per-API name wins over it.
    const both = readConfig({
      ...REQUIRED,
      CONNECT_CREATE_USER_RPS: "3",
      CONNECT_API_RPS_CreateUser: "4",
    });
    expect(both.connectApiRps.CreateUser).toBe(4);
    expect(readConfig({ ...REQUIRED, CONNECT_CREATE_USER_RPS: "3" }).connectApiRps).toMatchObject({
      CreateUser: 3,
      SearchUsers: 1,
    });
  });

  it("names every bad variable in one ConfigurationError", () => {
    let caught: unknown;
    try {
      readConfig({
        IDENTITY_MANAGEMENT_TYPE: "LDAP",
        CONNECT_CREATE_USER_RPS: "fast",
        USERNAME_TEMPLATE: "{firstName}.{nickname}",
        DLQ_URL: "",
        EVENT_BUS_NAME: "   ",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const error = caught as ConfigurationError;
    expect(error.name).toBe("ConfigurationError");
    expect(error.problems).toHaveLength(8);
    for (const name of [
      "CONNECT_INSTANCE_ID",
      "MAPPING_TABLE_NAME",
      "LEDGER_TABLE_NAME",
      "EVENT_BUS_NAME",
      "DLQ_URL",
      "IDENTITY_MANAGEMENT_TYPE",
      "CONNECT_CREATE_USER_RPS",
      "USERNAME_TEMPLATE",
    ]) {
      expect(error.problems.filter((problem) => problem.startsWith(name))).toHaveLength(1);
      expect(error.message).toContain(name);
    }
    expect(error.problems).toContain("CONNECT_INSTANCE_ID is required");
    expect(error.message).toContain("nickname");
    expect(error.message).toContain('"LDAP"');
    expect(error.message).toContain('"fast"');
  });

  it.each([
    ["MAX_RECEIVE_COUNT", "0"],
    ["MAX_RECEIVE_COUNT", "2.5"],
    ["MAX_RECEIVE_COUNT", "1001"],
    ["CONNECT_CREATE_USER_RPS", "0"],
    ["CONNECT_CREATE_USER_RPS", "-1"],
    ["CONNECT_CREATE_USER_RPS", "Infinity"],
    ["MAPPING_CACHE_TTL_SECONDS", "-1"],
    ["PROFILE_CACHE_TTL_SECONDS", "sixty"],
    ["POWERTOOLS_LOG_LEVEL", "verbose"],
    ["IDENTITY_MANAGEMENT_TYPE", "saml2"],
    ["USERNAME_TEMPLATE", "static-name"],
    ["DLQ_URL", "onboarding-dlq"],
    ["CONNECT_INSTANCE_ID", "not an id!"],
  ])("rejects %s=%j, naming it", (name, value) => {
    const problems = problemsOf({ ...REQUIRED, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it("reads the source table when set, and leaves it out otherwise (canonical events only)", () => {
    expect(
      readConfig({ ...REQUIRED, SOURCE_TABLE_NAME: " connect-onboarding-sources " }),
    ).toMatchObject({
      sourceTableName: "connect-onboarding-sources",
    });
    expect("sourceTableName" in readConfig(REQUIRED)).toBe(false);
    expect("sourceTableName" in readConfig({ ...REQUIRED, SOURCE_TABLE_NAME: "  " })).toBe(false);
  });

  it("treats blank variables as unset", () => {
    expect(
      readConfig({
        ...REQUIRED,
        IDENTITY_MANAGEMENT_TYPE: "",
        MAX_RECEIVE_COUNT: "  ",
        USERNAME_TEMPLATE: "",
      }),
    ).toMatchObject({
      identityManagementType: "SAML",
      maxReceiveCount: 5,
      usernameTemplate: "{workEmail}",
    });
  });

  it("accepts templates over any known employee field", () => {
    const config = readConfig({
      ...REQUIRED,
      USERNAME_TEMPLATE: "{employeeId}-{jobCode}-{directoryUserId}",
    });
    expect(config.usernameTemplate).toBe("{employeeId}-{jobCode}-{directoryUserId}");
  });
});

describe("readConfig: leavers", () => {
  it("deletes by default, with a threshold of 10 and 20 %, and no schedules unless set up", () => {
    const config = readConfig(REQUIRED);
    expect(config.leaverAction).toBe("DELETE");
    expect(config.removalThresholdCount).toBe(10);
    expect(config.removalThresholdPercent).toBe(20);
    expect(config.disabledSecurityProfiles).toEqual([]);
    expect(config.removalSchedules).toBeUndefined();
  });

  it("needs both disabled settings with DISABLE, checked at cold start", () => {
    expect(problemsOf({ ...REQUIRED, LEAVER_ACTION: "DISABLE" })).toEqual([
      "DISABLED_ROUTING_PROFILE is required with LEAVER_ACTION=DISABLE",
      "DISABLED_SECURITY_PROFILES is required with LEAVER_ACTION=DISABLE",
    ]);
    const config = readConfig({
      ...REQUIRED,
      LEAVER_ACTION: "disable",
      DISABLED_ROUTING_PROFILE: "Disabled",
      DISABLED_SECURITY_PROFILES: "No Access, Read Only",
    });
    expect(config.leaverAction).toBe("DISABLE");
    expect(config.disabledSecurityProfiles).toEqual(["No Access", "Read Only"]);
  });

  it("refuses a disabled security profile that FORBIDDEN_SECURITY_PROFILES forbids, an unknown action, bad thresholds", () => {
    const problems = problemsOf({
      ...REQUIRED,
      LEAVER_ACTION: "DISABLE",
      DISABLED_ROUTING_PROFILE: "Disabled",
      DISABLED_SECURITY_PROFILES: "Admin",
      REMOVAL_THRESHOLD_COUNT: "2.5",
      REMOVAL_THRESHOLD_PERCENT: "101",
    });
    expect(problems.some((p) => p.startsWith("DISABLED_SECURITY_PROFILES names Admin"))).toBe(true);
    expect(problems.some((p) => p.startsWith("REMOVAL_THRESHOLD_COUNT"))).toBe(true);
    expect(problems.some((p) => p.startsWith("REMOVAL_THRESHOLD_PERCENT"))).toBe(true);
    expect(problemsOf({ ...REQUIRED, LEAVER_ACTION: "ARCHIVE" })[0]).toMatch(
      /^LEAVER_ACTION must be one of DELETE, DISABLE/,
    );
  });

  it("takes the three scheduling settings together or not at all", () => {
    const scheduling = {
      SCHEDULE_GROUP_NAME: "connect-onboarding-prod-leavers",
      SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/scheduler",
      QUEUE_ARN: "arn:aws:sqs:us-east-1:123456789012:onboarding",
    };
    expect(readConfig({ ...REQUIRED, ...scheduling }).removalSchedules).toEqual({
      groupName: scheduling.SCHEDULE_GROUP_NAME,
      roleArn: scheduling.SCHEDULER_ROLE_ARN,
      queueArn: scheduling.QUEUE_ARN,
    });
    expect(problemsOf({ ...REQUIRED, SCHEDULE_GROUP_NAME: "g" })).toEqual([
      "SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN and QUEUE_ARN go together: set all three (future-dated terminations) or none",
    ]);
    expect(problemsOf({ ...REQUIRED, ...scheduling, QUEUE_ARN: "onboarding" })).toEqual([
      "QUEUE_ARN must be an SQS queue ARN",
    ]);
  });
});
