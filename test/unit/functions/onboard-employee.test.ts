import {
  AccessDeniedException,
  ConnectClient,
  CreateUserCommand,
  DescribeUserCommand,
  DuplicateResourceException,
  InternalServiceException,
  InvalidParameterException,
  LimitExceededException,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  SearchUsersCommand,
  ThrottlingException,
} from "@aws-sdk/client-connect";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";
import {
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import sampleRules from "../../../events/mappings.json" with { type: "json" };
import { EventBusNotFoundError } from "../../../shared/adapters/eventbridge-publisher.js";
import { ConfigurationError } from "../../../shared/config.js";
import { FakeClock } from "../../support/fake-clock.js";
import {
  hireBody,
  lambdaContext,
  QUEUE_ARN,
  sqsEvent,
  sqsRecord,
} from "../../support/lambda-events.js";

const INSTANCE_ID = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";
const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;
const DLQ_URL = "http://sqs.us-east-1.localhost/123456789012/onboarding-dlq";
const ENV = {
  CONNECT_INSTANCE_ID: INSTANCE_ID,
  MAPPING_TABLE_NAME: "onboarding-mappings",
  LEDGER_TABLE_NAME: "onboarding-ledger",
  EVENT_BUS_NAME: "onboarding",
  DLQ_URL,
  MAX_RECEIVE_COUNT: "5",
  // Lookups unpaced here; CreateUser at 2/s, for the pacing test.
  CONNECT_API_RPS: "10000",
  CONNECT_CREATE_USER_RPS: "2",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_METRICS_DISABLED: "true",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};
Object.assign(process.env, ENV);
const { createHandler } = await import("../../../functions/create-onboard-employee-handler.js");

const PROFILES = {
  routing: [
    { Id: "rp-basic-0000-0000-0000-000000000001", Name: "Basic Routing Profile" },
    { Id: "rp-care-00000-0000-0000-000000000002", Name: "Customer Care Routing" },
    { Id: "rp-sales-0000-0000-0000-000000000003", Name: "Sales Routing" },
  ],
  security: [
    { Id: "sp-agent-0000-0000-0000-000000000002", Name: "Agent" },
    { Id: "sp-mgr-00000-0000-0000-000000000003", Name: "CallCenterManager" },
    { Id: "sp-spqa-0000-0000-0000-000000000004", Name: "Spanish QA" },
  ],
  hierarchy: [
    { Id: "hg-austin-000-0000-0000-000000000001", Name: "Austin Team 1" },
    { Id: "hg-remote-000-0000-0000-000000000002", Name: "Remote Team" },
    { Id: "hg-sales-0000-0000-0000-000000000003", Name: "Sales East" },
  ],
};

const connect = mockClient(ConnectClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const MAPPING_UUID = "a1b2c3d4-0000-4000-8000-00000000e5f6";

let clock: FakeClock;
let userCounter = 0;

const userArn = (id: string) => `${INSTANCE_ARN}/agent/${id}`;
const connectError = <T>(
  Type: new (opts: { message: string; $metadata: object }) => T,
  message = "boom",
) => new Type({ message, $metadata: { httpStatusCode: 400 } });

beforeEach(() => {
  clock = new FakeClock();
  for (const mock of [connect, dynamo, events, sqs, lambda]) mock.reset();
  lambda.on(ListEventSourceMappingsCommand).resolves({
    EventSourceMappings: [
      {
        UUID: MAPPING_UUID,
        EventSourceArn: QUEUE_ARN,
        FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${lambdaContext().functionName}`,
        State: "Enabled",
      },
    ],
  });
  lambda
    .on(UpdateEventSourceMappingCommand)
    .callsFake((input) => ({ UUID: input.UUID, State: "Disabling", EventSourceArn: QUEUE_ARN }));
  dynamo.on(ScanCommand).resolves({ Items: structuredClone(sampleRules) });
  // The ledger: every employee is new to it, so each claim succeeds and writes go through.
  dynamo.on(UpdateCommand).callsFake((input) =>
    String(input.UpdateExpression).startsWith("SET #claim")
      ? {
          Attributes: {
            ...input.Key,
            claim: input.ExpressionAttributeValues[":claim"],
          },
        }
      : {},
  );
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  connect.on(SearchUsersCommand).resolves({ Users: [] });
  connect.on(ListRoutingProfilesCommand).resolves({ RoutingProfileSummaryList: PROFILES.routing });
  connect
    .on(ListSecurityProfilesCommand)
    .resolves({ SecurityProfileSummaryList: PROFILES.security });
  connect
    .on(ListUserHierarchyGroupsCommand)
    .resolves({ UserHierarchyGroupSummaryList: PROFILES.hierarchy });
  connect.on(CreateUserCommand).callsFake(() => {
    const id = `user-${++userCounter}`;
    return { UserId: id, UserArn: userArn(id) };
  });
  events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `eb-${i}` })),
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: "dlq-1" });
});

afterEach(() => vi.restoreAllMocks());

const run = async (
  records: SQSRecord[],
  env: Record<string, string> = {},
): Promise<SQSBatchResponse> => {
  const handler = createHandler({ ...process.env, ...env }, { clock });
  return handler(sqsEvent(...records), lambdaContext()) as Promise<SQSBatchResponse>;
};

const published = () =>
  events
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({
      detailType: entry.DetailType,
      source: entry.Source,
      detail: JSON.parse(entry.Detail ?? "{}"),
    }));

const parked = () =>
  sqs.commandCalls(SendMessageCommand).map((call) => {
    const input = call.args[0].input;
    const attribute = (name: string) => input.MessageAttributes?.[name]?.StringValue;
    return {
      queueUrl: input.QueueUrl,
      body: input.MessageBody,
      reason: attribute("failureReason"),
      message: attribute("failureMessage"),
      sourceMessageId: attribute("sourceMessageId"),
      failedAt: attribute("failedAt"),
    };
  });

/** A user already in Connect: found by search (tag and username) and described in full. */
const existingUser = (
  id: string,
  tags: Record<string, string>,
  username = "jose.nunez@example.com",
) => {
  const user = {
    Id: id,
    Arn: userArn(id),
    Username: username,
    Tags: tags,
    RoutingProfileId: "rp-care-00000-0000-0000-000000000002",
    SecurityProfileIds: ["sp-agent-0000-0000-0000-000000000002"],
  };
  connect.on(SearchUsersCommand).resolves({ Users: [user] });
  connect.on(DescribeUserCommand, { UserId: id }).resolves({ User: user });
  return user;
};

describe("onboard-employee handler", () => {
  it("creates the user from the winning rule and publishes Connect User Created with its ARN", async () => {
    const response = await run([sqsRecord(hireBody())]);

    expect(response.batchItemFailures).toEqual([]);
    const [create] = connect.commandCalls(CreateUserCommand);
    expect(create?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      Username: "jose.nunez@example.com",
      IdentityInfo: {
        FirstName: "José",
        LastName: "Núñez",
        Email: "jose.nunez@example.com",
        Mobile: "+14155550100",
      },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
      SecurityProfileIds: [
        "sp-agent-0000-0000-0000-000000000002",
        "sp-spqa-0000-0000-0000-000000000004",
      ],
      RoutingProfileId: "rp-care-00000-0000-0000-000000000002",
      HierarchyGroupId: "hg-austin-000-0000-0000-000000000001",
      Tags: { costCenter: "CC-100", employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    const [event] = published();
    expect(event).toMatchObject({
      source: "connect-onboarding",
      detailType: "Connect User Created",
      detail: {
        sourceEventId: "evt-E12345",
        employeeId: "E12345",
        instanceId: INSTANCE_ID,
        userArn: userArn(`user-${userCounter}`),
        username: "jose.nunez@example.com",
        ruleId: "cc-austin-agents",
        outcome: "CREATED",
      },
    });
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe(
      "onboarding",
    );
    expect(parked()).toEqual([]);
  });

  it("finds the employee's user by its tag, announces it, and brings it in line", async () => {
    existingUser(
      "existing-1",
      { employeeId: "E12345", managedBy: "connect-onboarding" },
      "JOSE.NUNEZ@example.com",
    );
    const first = await run([sqsRecord(hireBody())]);
    const second = await run([sqsRecord(hireBody())]);

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(connect.commandCalls(CreateUserCommand)).toEqual([]);
    const created = published().filter((e) => e.detailType === "Connect User Created");
    expect(created).toHaveLength(2);
    expect(created[0]?.detail).toMatchObject({
      outcome: "ALREADY_EXISTED",
      userId: "existing-1",
      userArn: userArn("existing-1"),
      securityProfileIds: ["sp-agent-0000-0000-0000-000000000002"],
    });
    expect(created[0]?.detail.eventId).toBe(created[1]?.detail.eventId);
    expect(parked()).toEqual([]);
  });

  it("falls back to paged ListUsers when the search index has not caught up", async () => {
    connect.on(CreateUserCommand).rejects(connectError(DuplicateResourceException));
    connect.on(SearchUsersCommand).resolves({ Users: [] });
    connect
      .on(ListUsersCommand)
      .resolvesOnce({
        UserSummaryList: [{ Id: "someone", Username: "someone@example.com" }],
        NextToken: "page-2",
      })
      .resolvesOnce({
        UserSummaryList: [{ Id: "existing-2", Username: "jose.nunez@example.com" }],
      });
    connect.on(DescribeUserCommand, { UserId: "existing-2" }).resolves({
      User: {
        Id: "existing-2",
        Arn: userArn("existing-2"),
        Username: "jose.nunez@example.com",
        Tags: { employeeId: "E12345", managedBy: "connect-onboarding" },
        RoutingProfileId: "rp-care-00000-0000-0000-000000000002",
        SecurityProfileIds: ["sp-agent-0000-0000-0000-000000000002"],
      },
    });

    const response = await run([sqsRecord(hireBody())]);

    expect(response.batchItemFailures).toEqual([]);
    expect(connect.commandCalls(ListUsersCommand)[1]?.args[0].input.NextToken).toBe("page-2");
    expect(published()[0]?.detail).toMatchObject({
      outcome: "ALREADY_EXISTED",
      userId: "existing-2",
    });
  });

  it("retries when Connect reports a duplicate that no lookup can see yet", async () => {
    connect.on(CreateUserCommand).rejects(connectError(DuplicateResourceException));
    connect.on(SearchUsersCommand).resolves({ Users: [] });
    connect.on(ListUsersCommand).resolves({ UserSummaryList: [] });
    const record = sqsRecord(hireBody());

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(parked()).toEqual([]);
    expect(published()).toEqual([]);
  });

  it("parks UsernameTaken when the username belongs to another employee", async () => {
    connect.on(CreateUserCommand).rejects(connectError(DuplicateResourceException));
    existingUser("other", { employeeId: "E999", managedBy: "connect-onboarding" });
    const record = sqsRecord(hireBody());

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([]);
    expect(parked()).toEqual([
      expect.objectContaining({
        queueUrl: DLQ_URL,
        body: record.body,
        reason: "UsernameTaken",
        sourceMessageId: record.messageId,
      }),
    ]);
    expect(published()).toEqual([
      expect.objectContaining({
        detailType: "Connect User Provisioning Failed",
        detail: expect.objectContaining({
          reason: "UsernameTaken",
          employeeId: "E12345",
          sourceEventId: "evt-E12345",
        }),
      }),
    ]);
  });

  it("reports a record whose created event the bus keeps refusing, so SQS delivers it again", async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "x" }],
    });
    const record = sqsRecord(hireBody());

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(events.commandCalls(PutEventsCommand).length).toBe(4);
    expect(parked()).toEqual([]);
  });

  it("retries only the entries PutEvents failed, and completes when they get through", async () => {
    let call = 0;
    events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call++;
      return call === 1
        ? {
            FailedEntryCount: 1,
            Entries: input.Entries.map((_, i) =>
              i === 1 ? { ErrorCode: "ThrottlingException" } : { EventId: `e${i}` },
            ),
          }
        : { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `r${i}` })) };
    });
    const records = ["E1", "E2", "E3"].map((id) =>
      sqsRecord(hireBody({ employeeId: id, workEmail: `${id.toLowerCase()}@example.com` })),
    );

    const response = await run(records);

    expect(response.batchItemFailures).toEqual([]);
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(calls[calls.length - 1]).toBe(1);
    expect(calls.reduce((a = 0, b = 0) => a + b, 0)).toBe(4);
  });

  it("batches the created events of one invocation into PutEvents calls of at most 10", async () => {
    const records = Array.from({ length: 10 }, (_, i) =>
      sqsRecord(hireBody({ employeeId: `E${i}`, workEmail: `e${i}@example.com` })),
    );
    const response = await run(records);

    expect(response.batchItemFailures).toEqual([]);
    const sizes = events
      .commandCalls(PutEventsCommand)
      .map((c) => c.args[0].input.Entries?.length ?? 0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.length).toBeLessThan(10);
  });

  it("hands back only the record Connect failed for, and the others succeed", async () => {
    connect
      .on(CreateUserCommand, { Username: "e2@example.com" })
      .rejects(connectError(InternalServiceException, "internal"));
    const records = ["E1", "E2", "E3"].map((id) =>
      sqsRecord(hireBody({ employeeId: id, workEmail: `${id.toLowerCase()}@example.com` })),
    );

    const response = await run(records);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.messageId }]);
    expect(
      published()
        .map((e) => e.detail.employeeId)
        .sort(),
    ).toEqual(["E1", "E3"]);
    expect(connect.commandCalls(CreateUserCommand, { Username: "e2@example.com" }).length).toBe(6);
    expect(parked()).toEqual([]);
  });

  it("backs off on throttling, paces every caller, and then creates the user", async () => {
    connect
      .on(CreateUserCommand)
      .rejectsOnce(connectError(ThrottlingException, "Rate exceeded"))
      .resolves({ UserId: "u-1", UserArn: userArn("u-1") });

    const response = await run([sqsRecord(hireBody())]);

    expect(response.batchItemFailures).toEqual([]);
    expect(connect.commandCalls(CreateUserCommand)).toHaveLength(2);
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });

  it("paces CreateUser to CONNECT_CREATE_USER_RPS within one environment", async () => {
    const records = Array.from({ length: 5 }, (_, i) =>
      sqsRecord(hireBody({ employeeId: `E${i}`, workEmail: `e${i}@example.com` })),
    );
    const start = clock.now();

    await run(records);

    // 2 requests per second: five calls need four intervals of 500 ms after the first.
    expect(clock.now() - start).toBe(2_000);
  });

  it("parks UserQuotaExceeded at once: LimitExceededException from CreateUser is not throttling", async () => {
    connect.on(CreateUserCommand).rejects(connectError(LimitExceededException, "quota"));
    const record = sqsRecord(hireBody());

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([]);
    expect(connect.commandCalls(CreateUserCommand)).toHaveLength(1);
    expect(parked().map((p) => p.reason)).toEqual(["UserQuotaExceeded"]);
  });

  it("parks a transient failure itself on the last delivery, with its reason", async () => {
    connect.on(CreateUserCommand).rejects(connectError(InternalServiceException, "internal"));
    const record = sqsRecord(hireBody(), { receiveCount: 5 });

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([]);
    expect(parked()).toEqual([
      expect.objectContaining({ reason: "ConnectUnavailable", body: record.body }),
    ]);
  });

  it("retries when the mapping table cannot be read", async () => {
    dynamo.on(ScanCommand).rejects(
      new DynamoDBServiceException({
        name: "InternalServerError",
        $fault: "server",
        $metadata: {},
      }),
    );
    const record = sqsRecord(hireBody());

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(parked()).toEqual([]);
  });

  it("retries, rather than loses, a permanent failure whose DLQ send fails", async () => {
    sqs.on(SendMessageCommand).rejects(new Error("socket hang up"));
    const record = sqsRecord("not json");

    const response = await run([record]);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  it("refreshes the rules after a miss, so a replay after adding the rule succeeds", async () => {
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: structuredClone(sampleRules) });
    const handler = createHandler(process.env, { clock });

    const first = await handler(sqsEvent(sqsRecord(hireBody())), lambdaContext());
    clock.advance(1_000);
    const replay = await handler(sqsEvent(sqsRecord(hireBody())), lambdaContext());

    expect(first?.batchItemFailures).toEqual([]);
    expect(replay?.batchItemFailures).toEqual([]);
    expect(parked().map((p) => p.reason)).toEqual(["NoMappingRule"]);
    expect(published().map((e) => e.detailType)).toEqual([
      "Connect User Provisioning Failed",
      "Connect User Created",
    ]);
  });
});

describe("every permanent reason code, reached from a real input, is parked and announced", () => {
  const cases: { reason: string; body: () => string; setup?: () => void }[] = [
    { reason: "InvalidJson", body: () => "{not json" },
    { reason: "InvalidEvent", body: () => hireBody({ workEmail: undefined }) },
    {
      reason: "UnsupportedEventType",
      body: () => hireBody({}, { eventType: "EmployeePromoted" }),
    },
    { reason: "PayloadTooLarge", body: () => hireBody({ notes: "x".repeat(300 * 1024) }) },
    { reason: "NoMappingRule", body: () => hireBody({ department: "Finance" }) },
    { reason: "ProfileNotFound", body: () => hireBody({ department: "Quality" }) },
    {
      reason: "AmbiguousProfile",
      body: () => hireBody(),
      setup: () =>
        connect.on(ListUserHierarchyGroupsCommand).resolves({
          UserHierarchyGroupSummaryList: [
            ...PROFILES.hierarchy,
            { Id: "hg-dup-00000-0000-0000-000000000009", Name: "Austin Team 1" },
          ],
        }),
    },
    { reason: "MissingDeskPhone", body: () => hireBody({ department: "Sales" }) },
    {
      reason: "UsernameTaken",
      body: () => hireBody(),
      setup: () => {
        connect.on(CreateUserCommand).rejects(connectError(DuplicateResourceException));
        existingUser("x", {});
      },
    },
    {
      reason: "NotManaged",
      body: () => hireBody(),
      setup: () => {
        existingUser("by-hand", { employeeId: "E12345" }, "jnunez");
      },
    },
    {
      reason: "ConnectRejected",
      body: () => hireBody(),
      setup: () =>
        connect
          .on(CreateUserCommand)
          .rejects(connectError(InvalidParameterException, "IdentityInfo.Email")),
    },
    {
      reason: "UserQuotaExceeded",
      body: () => hireBody(),
      setup: () => connect.on(CreateUserCommand).rejects(connectError(LimitExceededException)),
    },
  ];

  it.each(cases)("$reason", async ({ reason, body, setup }) => {
    setup?.();
    // Customer Care outside Austin: the cc-agents rule, clear of the Austin profiles at stake.
    const good = sqsRecord(
      hireBody({ employeeId: "E777", workEmail: "good@example.com", location: "Remote" }),
    );
    const bad = sqsRecord(body());
    if (
      reason === "UsernameTaken" ||
      reason === "NotManaged" ||
      reason === "ConnectRejected" ||
      reason === "UserQuotaExceeded"
    ) {
      // These hit every CreateUser; run the bad record alone.
      const response = await run([bad]);
      expect(response.batchItemFailures).toEqual([]);
    } else {
      const response = await run([good, bad]);
      expect(response.batchItemFailures).toEqual([]);
      expect(published().filter((e) => e.detailType === "Connect User Created")).toHaveLength(1);
    }
    const letters = parked();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason, body: bad.body, sourceMessageId: bad.messageId });
    expect(letters[0]?.message).toBeTruthy();
    expect(Number.isNaN(Date.parse(letters[0]?.failedAt ?? ""))).toBe(false);
    const failed = published().filter((e) => e.detailType === "Connect User Provisioning Failed");
    expect(failed).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ reason, message: letters[0]?.message }),
      }),
    ]);
  });
});

describe("quarantine (docs/quarantine.md)", () => {
  it("on AccessDeniedException: parks nothing, hands the batch back, disables its own mapping, announces it", async () => {
    connect.on(CreateUserCommand).rejects(connectError(AccessDeniedException));
    const records = [
      sqsRecord(hireBody()),
      sqsRecord(hireBody({ employeeId: "E777", workEmail: "e777@example.com" })),
      sqsRecord(hireBody({ employeeId: "E778", workEmail: "e778@example.com" })),
    ];
    const response = await run(records);

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      records.map((r) => r.messageId).sort(),
    );
    expect(parked()).toEqual([]);
    expect(lambda.commandCalls(ListEventSourceMappingsCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: lambdaContext().functionName,
      EventSourceArn: QUEUE_ARN,
    });
    expect(
      lambda.commandCalls(UpdateEventSourceMappingCommand).map((c) => c.args[0].input),
    ).toEqual([{ UUID: MAPPING_UUID, Enabled: false }]);
    const quarantined = published().filter((e) => e.detailType === "Provisioning Quarantined");
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.detail).toMatchObject({
      reason: "AccessDenied",
      instanceId: INSTANCE_ID,
    });
    expect(published().filter((e) => e.detailType !== "Provisioning Quarantined")).toEqual([]);
    // The records in hand run side by side: each tried once at most, a denial is never retried.
    expect(connect.commandCalls(CreateUserCommand).length).toBeLessThanOrEqual(records.length);
  });

  it("a permanent failure is not a trigger: it is parked, and the mapping stays enabled", async () => {
    await run([sqsRecord(hireBody({ department: "Finance" }))]);
    expect(parked().map((p) => p.reason)).toEqual(["NoMappingRule"]);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toEqual([]);
  });
});

describe("privacy", () => {
  it("writes no name, email or phone number to any log line", async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    const pii = {
      firstName: "Zebulon",
      lastName: "Quixotesque",
      preferredFirstName: "Zeb",
      workEmail: "zebulon.quixotesque@privacy.example",
      mobilePhone: "+14155559876",
      deskPhoneNumber: "+15125554321",
    };
    connect
      .on(CreateUserCommand, { Username: "zebulon.quixotesque@privacy.example" })
      .rejectsOnce(connectError(ThrottlingException))
      .resolves({ UserId: "u", UserArn: userArn("u") });

    await run(
      [
        sqsRecord(hireBody(pii)),
        sqsRecord(hireBody({ ...pii, department: "Sales", employeeId: "E2" })),
        sqsRecord(hireBody({ ...pii, workEmail: "not-an-email", employeeId: "E3" })),
        sqsRecord(hireBody({ ...pii, department: "Nowhere", employeeId: "E4" })),
      ],
      { POWERTOOLS_LOG_LEVEL: "DEBUG" },
    );
    vi.restoreAllMocks();

    const logs = lines.join("\n");
    expect(logs).toContain("E12345");
    for (const value of [...Object.values(pii), "zebulon", "quixotesque", "5559876", "5554321"]) {
      expect(logs.toLowerCase()).not.toContain(value.toLowerCase());
    }
  });
});

describe("a failed park", () => {
  it("is logged with the reason and the record's keys on every delivery, and the record handed back", async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error("socket hang up"), { name: "Error" }));
    const body = hireBody({
      employeeId: "E404",
      department: "Finance",
      workEmail: "ann.lee@example.com",
      firstName: "Annabelle",
      lastName: "Leeworth",
    });
    const first = sqsRecord(body, { messageId: "m-first", receiveCount: 1 });
    const last = sqsRecord(body, { messageId: "m-last", receiveCount: 5 });

    const responses = [
      await run([first], { POWERTOOLS_LOG_LEVEL: "INFO" }),
      await run([last], { POWERTOOLS_LOG_LEVEL: "INFO" }),
    ];
    vi.restoreAllMocks();

    expect(responses.map((r) => r.batchItemFailures)).toEqual([
      [{ itemIdentifier: "m-first" }],
      [{ itemIdentifier: "m-last" }],
    ]);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failedParks = logged.filter(
      (l) => l.message === "Event could not be parked on the dead-letter queue",
    );
    expect(failedParks).toEqual(
      ["m-first", "m-last"].map((messageId, i) =>
        expect.objectContaining({
          level: "ERROR",
          messageId,
          employeeId: "E404",
          sourceEventId: "evt-E404",
          reason: "NoMappingRule",
          parkFailure: "DeadLetterUnavailable",
          receiveCount: i === 0 ? 1 : 5,
        }),
      ),
    );
    const text = lines.join("");
    for (const value of ["Annabelle", "Leeworth", "ann.lee@example.com", "+14155550100"])
      expect(text).not.toContain(value);
  });
});

describe("the bus check", () => {
  it("fails the invocation, naming the bus, before any record is touched; a later one checks again", async () => {
    events
      .on(DescribeEventBusCommand)
      .rejectsOnce(
        new ResourceNotFoundException({
          message: "Event bus onboarding does not exist.",
          $metadata: {},
        }),
      )
      .resolves({
        Name: "onboarding",
        Arn: "arn:aws:events:us-east-1:123456789012:event-bus/onboarding",
      });
    const handler = createHandler(process.env, { clock });
    const record = sqsRecord(hireBody());

    const failed = await handler(sqsEvent(record), lambdaContext()).catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(EventBusNotFoundError);
    expect((failed as Error).message).toContain('event bus "onboarding" does not exist');
    expect(connect.commandCalls(CreateUserCommand)).toHaveLength(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);

    // The bus was created: the next invocation checks again and goes ahead; later ones do not ask.
    for (let i = 0; i < 2; i++) {
      const response = (await handler(
        sqsEvent(sqsRecord(hireBody())),
        lambdaContext(),
      )) as SQSBatchResponse;
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(events.commandCalls(DescribeEventBusCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "onboarding" },
      { Name: "onboarding" },
    ]);
  });
});

describe("batch summary", () => {
  it("logs one INFO line per batch with its outcomes, after the records' own lines", async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    connect
      .on(CreateUserCommand, { Username: "e3@example.com" })
      .rejects(connectError(InternalServiceException, "internal"));

    await run(
      [
        sqsRecord(hireBody({ employeeId: "E1", workEmail: "e1@example.com" })),
        sqsRecord("not json"),
        sqsRecord(hireBody({ employeeId: "E3", workEmail: "e3@example.com" })),
      ],
      { POWERTOOLS_LOG_LEVEL: "INFO" },
    );
    vi.restoreAllMocks();

    const logged = lines.map((line) => JSON.parse(line));
    expect(
      logged.filter((l) => l.message === "Connect user in line with HR").map((l) => l.employeeId),
    ).toEqual(["E1"]);
    const summary = logged.filter((l) => l.message === "Batch processed");
    expect(summary).toEqual([
      expect.objectContaining({
        level: "INFO",
        records: 3,
        UsersCreated: 1,
        UsersAlreadyExisted: 0,
        UsersUpdated: 0,
        EventsUnchanged: 0,
        EventsStale: 0,
        EventsParked: 1,
        EventsRetried: 1,
      }),
    ]);
    expect(logged.indexOf(summary[0])).toBe(logged.length - 1);
  });
});

describe("cold start", () => {
  it("names every bad variable in one clear error", () => {
    const attempt = () =>
      createHandler({ CONNECT_CREATE_USER_RPS: "fast", IDENTITY_MANAGEMENT_TYPE: "LDAP" });
    expect(attempt).toThrow(ConfigurationError);
    let message = "";
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      "CONNECT_INSTANCE_ID is required",
      "MAPPING_TABLE_NAME is required",
      "LEDGER_TABLE_NAME is required",
      "EVENT_BUS_NAME is required",
      "DLQ_URL is required",
      "IDENTITY_MANAGEMENT_TYPE must be one of SAML, CONNECT_MANAGED, EXISTING_DIRECTORY",
      'CONNECT_CREATE_USER_RPS must be a number above 0 and at most 10000 (got "fast")',
    ]) {
      expect(message).toContain(variable);
    }
  });
});
