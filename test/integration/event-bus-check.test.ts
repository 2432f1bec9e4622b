/**
 * Issue 10, item 5: a misnamed bus. PutEvents to a bus that does not exist succeeds and delivers
 * nothing (the EventBridge emulator does as AWS does), so with a typo in EVENT_BUS_NAME every
 * event would vanish while its message is deleted as done. The function checks the bus
 * (DescribeEventBus) before touching a record: with the bus missing, each invocation fails
 * naming it, nothing is created or deleted, and SQS keeps the messages (then moves them to the
 * DLQ itself after maxReceiveCount). Once the name is right, the same messages go through.
 */
import { afterEach, expect, it } from "vitest";
import { createLambdaRunner } from "../../emulators/lambda/index.js";
import { createHandler } from "../../functions/create-onboard-employee-handler.js";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages, queueDepth, sendBodies } from "../../shared/queue-tools.js";
import { LogCapture } from "../reliability/support/observe.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
let logs: LogCapture | undefined;
afterEach(async () => {
  logs?.stop();
  await stack?.stop();
  stack = undefined;
  logs = undefined;
});

const TIMEOUT_MS = 2_000;

it("a misnamed bus fails every invocation by name; no event vanishes and no message is deleted as done", async () => {
  logs = new LogCapture().start();
  stack = await startSampleStack({
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: TIMEOUT_MS / 1000,
    functionEnv: { POWERTOOLS_LOG_LEVEL: "ERROR", EVENT_BUS_NAME: "connect-onbaording" },
  });
  const s = stack;
  const bodies = Array.from({ length: 4 }, (_, i) =>
    hireBody({ employeeId: `EB${i}`, workEmail: `eb${i}@example.com` }),
  );
  const runner = createLambdaRunner({
    sqsClient: s.sqs,
    queueUrl: s.queues.queueUrl,
    queueArn: s.queues.queueArn,
    handler: createHandler(s.env),
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

  expect(runner.stats()).toMatchObject({ batchFailures: 2, succeeded: 0, timeouts: 0 });
  expect(s.connect.stats().CreateUser?.requests).toBe(0);
  expect(s.eventBridge.events()).toEqual([]);
  expect(s.eventBridge.dropped()).toEqual([]);
  // Every message is still somewhere an operator can replay it from.
  const letters = await peekMessages(s.sqs, s.queues.dlqUrl);
  expect(letters.map((letter) => letter.body).sort()).toEqual([...bodies].sort());
  const errors = logs
    .lines()
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter(
      (entry) => entry.message === "Event bus check failed; no record of the batch is processed",
    );
  expect(errors).toHaveLength(2);
  expect(String(errors[0]?.error)).toContain('event bus "connect-onbaording" does not exist');
});

it("with the bus named right, the check passes and the hires go through", async () => {
  stack = await startSampleStack({ visibilityTimeoutSeconds: TIMEOUT_MS / 1000 });
  const s = stack;
  const bodies = Array.from({ length: 3 }, (_, i) =>
    hireBody({ employeeId: `OK${i}`, workEmail: `ok${i}@example.com` }),
  );
  const runner = createLambdaRunner({
    sqsClient: s.sqs,
    queueUrl: s.queues.queueUrl,
    queueArn: s.queues.queueArn,
    handler: createHandler(s.env),
    batchSize: 1,
    maximumConcurrency: 1,
    timeoutMs: TIMEOUT_MS,
  });
  await sendBodies(s.sqs, s.queues.queueUrl, bodies);
  await runner.drain(
    async () =>
      runner.stats().inFlight === 0 && (await queueDepth(s.sqs, s.queues.queueUrl)).total === 0,
    { timeoutMs: 60_000 },
  );

  expect(runner.stats()).toMatchObject({ invocations: 3, succeeded: 3, batchFailures: 0 });
  expect(
    s.eventBridge.events().filter((event) => event.detailType === "Connect User Created"),
  ).toHaveLength(3);
});
