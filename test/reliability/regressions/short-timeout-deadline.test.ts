/**
 * Found while checking the pacing fix against the reliability suite's short function timeouts:
 * the handler kept a fixed 3 s back from the Lambda timeout, so with a timeout of 3 s or less
 * (Lambda's default is 3 s) its deadline fell before the invocation even started. No throttled
 * or failed Connect call was ever retried in process, and no record past the first could take
 * a paced CreateUser slot: everything went back to SQS, and on the last delivery was parked.
 * The margin is now at most a fifth of the time the invocation has.
 */
import {
  ConnectClient,
  CreateUserCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  SearchUsersCommand,
  ThrottlingException,
} from "@aws-sdk/client-connect";
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, expect, it } from "vitest";
import sampleRules from "../../../events/mappings.json" with { type: "json" };
import { FakeClock } from "../../support/fake-clock.js";
import { InMemoryLedger } from "../../support/fake-ports.js";
import { hireBody, lambdaContext, sqsEvent, sqsRecord } from "../../support/lambda-events.js";

const ENV = {
  CONNECT_INSTANCE_ID: "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
  MAPPING_TABLE_NAME: "onboarding-mappings",
  EVENT_BUS_NAME: "onboarding",
  DLQ_URL: "http://sqs.us-east-1.localhost/123456789012/onboarding-dlq",
  MAX_RECEIVE_COUNT: "5",
  LEDGER_TABLE_NAME: "onboarding-ledger",
  CONNECT_API_RPS: "10",
  POWERTOOLS_LOG_LEVEL: "SILENT",
  POWERTOOLS_METRICS_DISABLED: "true",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
};
Object.assign(process.env, ENV);
const { createHandler } = await import("../../../functions/create-onboard-employee-handler.js");

const connect = mockClient(ConnectClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
let users = 0;

beforeEach(() => {
  for (const mock of [connect, dynamo, events, sqs]) mock.reset();
  dynamo.on(ScanCommand).resolves({ Items: structuredClone(sampleRules) });
  connect.on(ListRoutingProfilesCommand).resolves({
    RoutingProfileSummaryList: [{ Id: "rp-care", Name: "Customer Care Routing" }],
  });
  connect.on(ListSecurityProfilesCommand).resolves({
    SecurityProfileSummaryList: [
      { Id: "sp-agent", Name: "Agent" },
      { Id: "sp-qa", Name: "Spanish QA" },
    ],
  });
  connect.on(ListUserHierarchyGroupsCommand).resolves({
    UserHierarchyGroupSummaryList: [{ Id: "hg-austin", Name: "Austin Team 1" }],
  });
  // Nobody has a user yet: the tag search finds none.
  connect.on(SearchUsersCommand).resolves({ Users: [] });
  connect.on(CreateUserCommand).callsFake(() => {
    const id = `u-${++users}`;
    return { UserId: id, UserArn: `arn:aws:connect:us-east-1:123456789012:instance/i/agent/${id}` };
  });
  events.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })),
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: "dlq" });
});

/** The function's handler on virtual time, with its ledger in memory. */
const handlerOnVirtualTime = () => {
  const clock = new FakeClock();
  return createHandler(process.env, { clock, ledger: new InMemoryLedger(() => clock.now()) });
};

const hires = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    sqsRecord(hireBody({ employeeId: `E${i}`, workEmail: `hire.${i}@example.com` })),
  );

it("paces a batch within a 3 s function timeout", async () => {
  const handler = handlerOnVirtualTime();

  const response = (await handler(sqsEvent(...hires(5)), lambdaContext(3_000))) as SQSBatchResponse;

  expect(response.batchItemFailures).toEqual([]);
  expect(connect.commandCalls(CreateUserCommand)).toHaveLength(5);
});

it("retries a throttled CreateUser in process within a 3 s function timeout", async () => {
  connect
    .on(CreateUserCommand)
    .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", $metadata: {} }))
    .resolves({
      UserId: "u",
      UserArn: "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u",
    });
  const handler = handlerOnVirtualTime();

  const response = (await handler(sqsEvent(...hires(1)), lambdaContext(3_000))) as SQSBatchResponse;

  expect(response.batchItemFailures).toEqual([]);
  expect(connect.commandCalls(CreateUserCommand)).toHaveLength(2);
});
