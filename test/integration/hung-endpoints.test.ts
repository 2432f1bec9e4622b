/**
 * Issue 10, item 1: an endpoint that accepts the connection and never answers. One at a time,
 * PutEvents, CreateUser, the DLQ's SendMessage and the rules Scan hang for every request, on
 * the local stack over HTTP. Every invocation must still return its outcomes before the
 * function timeout (the Lambda emulator abandons a handler at its timeout, as Lambda does), and
 * on the last delivery the function parks what it could not provision, once, with the reason;
 * what it cannot park (the DLQ itself hangs) it hands back to SQS and says so in its logs.
 */
import { afterEach, expect, it } from "vitest";
import { createLambdaRunner, type LambdaRunner } from "../../emulators/lambda/index.js";
import { createHandler } from "../../functions/create-onboard-employee-handler.js";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages, queueDepth, sendBodies } from "../../shared/queue-tools.js";
import {
  type HangingEndpoint,
  startHangingEndpoint,
} from "../reliability/support/hanging-endpoint.js";
import { LogCapture } from "../reliability/support/observe.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";

/** Lambda's default timeout is 3 s; 2 s keeps four cases quick and the margins tight. */
const TIMEOUT_MS = 2_000;
/** The second delivery is the last: the function parks on it. */
const MAX_RECEIVES = 2;

let stack: LocalStack | undefined;
let hanging: HangingEndpoint | undefined;
let logs: LogCapture | undefined;
afterEach(async () => {
  logs?.stop();
  await hanging?.stop();
  await stack?.stop();
  stack = undefined;
  hanging = undefined;
  logs = undefined;
});

const hires = (prefix: string) => [
  hireBody({ employeeId: `${prefix}1`, workEmail: `${prefix.toLowerCase()}1@example.com` }),
  hireBody({ employeeId: `${prefix}2`, workEmail: `${prefix.toLowerCase()}2@example.com` }),
  hireBody({
    employeeId: `${prefix}3`,
    workEmail: `${prefix.toLowerCase()}3@example.com`,
    location: "Remote",
  }),
];
/** A body parked at once (InvalidJson): its park needs the failed-event and the DLQ. */
const poison = (prefix: string) => `not json ${prefix}`;

const start = async () => {
  logs = new LogCapture().start();
  stack = await startSampleStack({
    maxReceiveCount: MAX_RECEIVES,
    visibilityTimeoutSeconds: TIMEOUT_MS / 1000,
    functionEnv: { POWERTOOLS_LOG_LEVEL: "WARN" },
  });
  return stack;
};

/** Runs one consumer until the queue is empty; the function's env may be adjusted. */
const drain = async (
  s: LocalStack,
  bodies: string[],
  env: Record<string, string> = {},
): Promise<LambdaRunner> => {
  const runner = createLambdaRunner({
    sqsClient: s.sqs,
    queueUrl: s.queues.queueUrl,
    queueArn: s.queues.queueArn,
    handler: createHandler({ ...s.env, ...env }),
    batchSize: 10,
    maximumConcurrency: 1,
    timeoutMs: TIMEOUT_MS,
  });
  await sendBodies(s.sqs, s.queues.queueUrl, bodies);
  await runner.drain(
    async () =>
      runner.stats().inFlight === 0 && (await queueDepth(s.sqs, s.queues.queueUrl)).total === 0,
    { timeoutMs: 60_000 },
  );
  return runner;
};

const letters = async (s: LocalStack) =>
  (await peekMessages(s.sqs, s.queues.dlqUrl)).map((letter) => ({
    body: letter.body,
    reason: letter.attributes.failureReason ?? "MaxReceiveCountExceeded",
  }));

const sorted = <T>(items: T[]) =>
  [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

it("PutEvents hangs: users made, every hire parked once as EventPublishFailed on its last delivery", async () => {
  const s = await start();
  hanging = await startHangingEndpoint(s.eventBridge.endpoint);
  hanging.hang((request) => request.target === "AWSEvents.PutEvents");
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = hanging.endpoint;
  const bodies = [...hires("PE"), poison("PE")];

  const runner = await drain(s, bodies);

  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 0, records: 8 });
  expect(sorted(await letters(s))).toEqual(
    sorted([
      ...hires("PE").map((body) => ({ body, reason: "EventPublishFailed" })),
      { body: poison("PE"), reason: "InvalidJson" },
    ]),
  );
  // The users exist: a DLQ redrive once the bus answers adopts and announces them.
  expect(s.connect.users().filter((u) => u.tags.employeeId?.startsWith("PE"))).toHaveLength(3);
  expect(hanging.stats().hung).toBeGreaterThan(0);
});

it("the bus check hangs: the invocation fails before its timeout and touches nothing", async () => {
  const s = await start();
  hanging = await startHangingEndpoint(s.eventBridge.endpoint);
  hanging.hang(true);
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = hanging.endpoint;

  const runner = await drain(s, hires("BC"));

  // Each delivery failed as a whole, in time; SQS then moved the messages itself.
  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 2, succeeded: 0 });
  expect(hanging.stats().hungBy).toEqual({ "AWSEvents.DescribeEventBus": 2 });
  expect(s.connect.stats().CreateUser?.requests).toBe(0);
  expect(sorted(await letters(s))).toEqual(
    sorted(hires("BC").map((body) => ({ body, reason: "MaxReceiveCountExceeded" }))),
  );
});

it("CreateUser hangs: each hire parked once as ConnectUnavailable on its last delivery", async () => {
  const s = await start();
  s.connect.setFaults("CreateUser", { hangRate: 1 });

  const runner = await drain(s, hires("CU"));

  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 0, records: 6 });
  expect(sorted(await letters(s))).toEqual(
    sorted(hires("CU").map((body) => ({ body, reason: "ConnectUnavailable" }))),
  );
  expect(s.connect.stats().CreateUser?.hung).toBe(6);
  const failed = s.eventBridge
    .events()
    .filter((event) => event.detailType === "Connect User Provisioning Failed");
  expect(failed.map((event) => event.detail.employeeId).sort()).toEqual(["CU1", "CU2", "CU3"]);
});

it("the rules Scan hangs: each hire parked once as MappingTableUnavailable on its last delivery", async () => {
  const s = await start();
  hanging = await startHangingEndpoint(s.table.endpoint);
  // The ledger (GetItem, UpdateItem) shares the endpoint and still answers.
  hanging.hang((request) => request.target === "DynamoDB_20120810.Scan");
  process.env.AWS_ENDPOINT_URL_DYNAMODB = hanging.endpoint;

  const runner = await drain(s, hires("SC"));

  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 0, records: 6 });
  expect(sorted(await letters(s))).toEqual(
    sorted(hires("SC").map((body) => ({ body, reason: "MappingTableUnavailable" }))),
  );
  expect(hanging.stats().hungBy).toMatchObject({ "DynamoDB_20120810.Scan": expect.any(Number) });
});

it("the ledger hangs: each hire parked once as LedgerUnavailable on its last delivery, no user made", async () => {
  const s = await start();
  hanging = await startHangingEndpoint(s.table.endpoint);
  // Every DynamoDB call but the rules Scan: the claim is the first call that hangs.
  hanging.hang((request) => request.target !== "DynamoDB_20120810.Scan");
  process.env.AWS_ENDPOINT_URL_DYNAMODB = hanging.endpoint;

  const runner = await drain(s, hires("LG"));

  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 0, records: 6 });
  expect(sorted(await letters(s))).toEqual(
    sorted(hires("LG").map((body) => ({ body, reason: "LedgerUnavailable" }))),
  );
  // Nothing is changed on Connect without the employee claimed first.
  expect(s.connect.users().filter((user) => user.tags.employeeId?.startsWith("LG"))).toEqual([]);
});

it("the DLQ hangs: the hires are provisioned; what cannot be parked goes back to SQS, logged with its reason", async () => {
  const s = await start();
  hanging = await startHangingEndpoint(s.queues.endpoint);
  hanging.hang((request) => request.target === "AmazonSQS.SendMessage");
  // The SQS client sends each call to its QueueUrl's origin: the DLQ's URL names the endpoint.
  const dlqUrl = s.queues.dlqUrl.replace(new URL(s.queues.dlqUrl).origin, hanging.endpoint);
  process.env.AWS_ENDPOINT_URL_SQS = hanging.endpoint;
  const bodies = [...hires("DQ"), poison("DQ")];

  const runner = await drain(s, bodies, { DLQ_URL: dlqUrl });

  expect(runner.stats()).toMatchObject({ timeouts: 0, batchFailures: 0, records: 5 });
  const created = s.eventBridge
    .events()
    .filter((event) => event.detailType === "Connect User Created");
  expect(created.map((event) => event.detail.employeeId).sort()).toEqual(["DQ1", "DQ2", "DQ3"]);
  // Handed back on both deliveries, so SQS moved it to the DLQ itself: once, not lost.
  expect(await letters(s)).toEqual([{ body: poison("DQ"), reason: "MaxReceiveCountExceeded" }]);
  expect(hanging.stats().hungBy["AmazonSQS.SendMessage"]).toBe(2);
  const failedParks = (logs?.lines() ?? [])
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === "Event could not be parked on the dead-letter queue");
  expect(failedParks).toHaveLength(2);
  for (const entry of failedParks) {
    expect(entry).toMatchObject({
      level: "ERROR",
      reason: "InvalidJson",
      parkFailure: "DeadLetterUnavailable",
      messageId: expect.any(String),
    });
  }
});
