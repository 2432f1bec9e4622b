import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createLambdaRunner,
  type LambdaRunner,
  type LambdaRunnerOptions,
} from "../../emulators/lambda/index.js";
import { type Queues, startQueues } from "../../local/queues.js";
import { queueDepth } from "../../shared/queue-tools.js";
import { localAwsEnv, withEnv } from "../support/with-env.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("createLambdaRunner", () => {
  let queues: Queues;
  let sqs: SQSClient;
  let runner: LambdaRunner | undefined;

  async function useQueues(visibilityTimeoutSeconds: number): Promise<void> {
    queues = await startQueues({ visibilityTimeoutSeconds, maxReceiveCount: 5 });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
  }

  // One-second visibility keeps redelivery tests fast.
  beforeEach(() => useQueues(1));

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    sqs.destroy();
    await queues.stop();
  });

  function makeRunner(
    handler: LambdaRunnerOptions["handler"],
    options: Partial<LambdaRunnerOptions> = {},
  ): LambdaRunner {
    runner = createLambdaRunner({
      sqsClient: sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      functionName: "onboarding-fn",
      handler,
      ...options,
    });
    return runner;
  }

  /** Sent before the runner starts, so the first receive sees them all at once. */
  async function sendBodies(bodies: string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.queueUrl,
          Entries: bodies
            .slice(start, start + 10)
            .map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
        }),
      );
    }
  }

  /** Drained: nothing visible, in flight or delayed, and no invocation still running. */
  function drained(target: LambdaRunner): () => Promise<boolean> {
    return async () =>
      (await queueDepth(sqs, queues.queueUrl)).total === 0 && target.stats().inFlight === 0;
  }

  /** Every delivery of every body, with the ApproximateReceiveCount it arrived with. */
  function deliveryLog() {
    const log = new Map<string, string[]>();
    const note = (record: SQSRecord) => {
      log.set(record.body, [
        ...(log.get(record.body) ?? []),
        record.attributes.ApproximateReceiveCount,
      ]);
    };
    return { log, note };
  }

  it("invokes the handler with Lambda-shaped SQS records and context", async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: '{"eventType":"EmployeeHired"}',
        MessageAttributes: {
          origin: { DataType: "String", StringValue: "workday" },
          attempt: { DataType: "Number", StringValue: "3" },
          blob: { DataType: "Binary", BinaryValue: Buffer.from("hello") },
        },
      }),
    );
    const seen: { event: SQSEvent; context: Context; remaining: [number, number] }[] = [];
    const target = makeRunner(
      async (event, context) => {
        const first = context.getRemainingTimeInMillis();
        await sleep(25);
        seen.push({ event, context, remaining: [first, context.getRemainingTimeInMillis()] });
      },
      { timeoutMs: 5000, memoryLimitInMB: 512 },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(seen).toHaveLength(1);
    const [{ event, context, remaining }] = seen as [(typeof seen)[number]];
    const [record] = event.Records as [SQSRecord];
    expect(event.Records).toHaveLength(1);
    expect(record).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: '{"eventType":"EmployeeHired"}',
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        origin: {
          stringValue: "workday",
          stringListValues: [],
          binaryListValues: [],
          dataType: "String",
        },
        attempt: {
          stringValue: "3",
          stringListValues: [],
          binaryListValues: [],
          dataType: "Number",
        },
        blob: {
          binaryValue: Buffer.from("hello").toString("base64"),
          stringListValues: [],
          binaryListValues: [],
          dataType: "Binary",
        },
      },
      md5OfBody: createHash("md5").update(record.body).digest("hex"),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: "aws:sqs",
      eventSourceARN: queues.queueArn,
      awsRegion: "us-east-1",
    });
    expect(context).toMatchObject({
      functionName: "onboarding-fn",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:onboarding-fn",
      memoryLimitInMB: "512",
      logGroupName: "/aws/lambda/onboarding-fn",
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(remaining[0]).toBeLessThanOrEqual(5000);
    expect(remaining[0]).toBeGreaterThan(4000);
    expect(remaining[1]).toBeLessThanOrEqual(remaining[0] - 20);
    expect(target.stats()).toMatchObject({ invocations: 1, records: 1, succeeded: 1, inFlight: 0 });
  });

  it("deletes the records that succeeded and redelivers only the batchItemFailures", async () => {
    await sendBodies(["a", "b", "c"]);
    const { log, note } = deliveryLog();
    const requestIds = new Set<string>();
    const target = makeRunner(async (event, context): Promise<SQSBatchResponse> => {
      requestIds.add(context.awsRequestId);
      event.Records.forEach(note);
      const failed = event.Records.filter(
        (r) => r.body === "b" && r.attributes.ApproximateReceiveCount === "1",
      );
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(Object.fromEntries(log)).toEqual({ a: ["1"], b: ["1", "2"], c: ["1"] });
    expect(requestIds.size).toBe(target.stats().invocations);
    expect(target.stats()).toMatchObject({ failedItems: 1, succeeded: 3, batchFailures: 0 });
  });

  it("redelivers the whole batch when the handler throws", async () => {
    await sendBodies(["a", "b", "c"]);
    const { log, note } = deliveryLog();
    const errors: unknown[] = [];
    const target = makeRunner(
      async (event) => {
        event.Records.forEach(note);
        if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === "1")) {
          throw new Error("Connect is down");
        }
      },
      { onInvoke: (_stats, invocation) => errors.push(invocation.error) },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(Object.fromEntries(log)).toEqual({ a: ["1", "2"], b: ["1", "2"], c: ["1", "2"] });
    expect(target.stats()).toMatchObject({ batchFailures: 1, succeeded: 3, failedItems: 0 });
    expect(errors[0]).toEqual(new Error("Connect is down"));
  });

  it.each([
    ["a message ID not in the batch", { itemIdentifier: "not-in-this-batch" }],
    ["an empty itemIdentifier", { itemIdentifier: "" }],
    ["a null itemIdentifier", { itemIdentifier: null }],
    ["a misspelt key", { itemIdentifer: "x" }],
  ])("treats a response naming %s as a whole-batch failure", async (_, item) => {
    await sendBodies(["a", "b"]);
    const { log, note } = deliveryLog();
    const target = makeRunner(async (event) => {
      event.Records.forEach(note);
      const first = event.Records.some((r) => r.attributes.ApproximateReceiveCount === "1");
      return (first ? { batchItemFailures: [item] } : undefined) as SQSBatchResponse | undefined;
    });
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(Object.fromEntries(log)).toEqual({ a: ["1", "2"], b: ["1", "2"] });
    expect(target.stats()).toMatchObject({ batchFailures: 1, failedItems: 0 });
  });

  it("fails the whole batch when the handler outlives its timeout", async () => {
    await sendBodies(["slow"]);
    const { log, note } = deliveryLog();
    let release: () => void = () => {};
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const target = makeRunner(
      async (event) => {
        event.Records.forEach(note);
        if (event.Records[0]?.attributes.ApproximateReceiveCount === "1") await hung;
      },
      { timeoutMs: 100 },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });
    release();

    expect(Object.fromEntries(log)).toEqual({ slow: ["1", "2"] });
    expect(target.stats()).toMatchObject({ timeouts: 1, batchFailures: 1, succeeded: 1 });
  });

  it("runs one invocation at a time with maximumConcurrency 1", async () => {
    await sendBodies(Array.from({ length: 9 }, (_, i) => `m${i}`));
    let inFlight = 0;
    let maxInFlight = 0;
    const target = makeRunner(
      async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(5);
        inFlight--;
      },
      { batchSize: 2, maximumConcurrency: 1 },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });
    expect(maxInFlight).toBe(1);
    expect(target.stats()).toMatchObject({ records: 9, succeeded: 9, invocations: 5 });
  });

  it("keeps batches within batchSize and invocations within maximumConcurrency", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await sendBodies(bodies);
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const processed: string[] = [];
    // The first invocation holds until a second one is running, which proves the runner
    // reaches its concurrency without relying on timing.
    let secondStarted: () => void = () => {};
    const concurrent = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const target = makeRunner(
      async (event) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (inFlight === 2) secondStarted();
        sizes.push(event.Records.length);
        if (sizes.length === 1) await Promise.race([concurrent, sleep(3000)]);
        processed.push(...event.Records.map((r) => r.body));
        inFlight--;
      },
      { batchSize: 3, maximumConcurrency: 2 },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(maxInFlight).toBe(2);
    expect(Math.max(...sizes)).toBe(3);
    expect(processed.sort()).toEqual(bodies.sort());
    expect(target.stats()).toMatchObject({ records: 20, succeeded: 20, batchFailures: 0 });
  });

  it("holds a partial batch for the batching window", async () => {
    // A held message stays invisible for the window, so the queue's visibility timeout must
    // outlast it (AWS's advice: at least the window plus six times the function timeout).
    sqs.destroy();
    await queues.stop();
    await useQueues(10);
    const invokedAt: number[] = [];
    const target = makeRunner(
      async (event) => {
        invokedAt.push(Date.now());
        expect(event.Records).toHaveLength(1);
      },
      { maximumBatchingWindowMs: 1000 },
    );
    target.start();
    const sentAt = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: "lonely" }));
    await target.drain(drained(target), { timeoutMs: 10_000 });

    expect(invokedAt).toHaveLength(1);
    const waited = (invokedAt[0] ?? 0) - sentAt;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(2500);
  });

  it("gathers more than 10 records per invocation within the window and invokes once full", async () => {
    await sendBodies(Array.from({ length: 30 }, (_, i) => `m${i}`));
    const sizes: number[] = [];
    const startedAt = Date.now();
    const target = makeRunner(
      async (event) => {
        sizes.push(event.Records.length);
      },
      { batchSize: 15, maximumBatchingWindowMs: 5000 },
    );
    await target.drain(drained(target), { timeoutMs: 10_000 });

    // Full batches do not wait out the 5 s window.
    expect(Date.now() - startedAt).toBeLessThan(4000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(15);
    expect(sizes.some((size) => size > 10)).toBe(true);
  });

  it("stops promptly while a long poll is pending", async () => {
    const target = makeRunner(async () => {});
    target.start();
    // Let the pollers reach their 20 s long poll.
    await sleep(50);
    const before = Date.now();
    await target.stop();
    expect(Date.now() - before).toBeLessThan(1000);
  });

  it("can be started again after stop()", async () => {
    const bodies: string[] = [];
    const target = makeRunner(async (event) => {
      bodies.push(...event.Records.map((r) => r.body));
    });
    target.start();
    await target.stop();
    await sendBodies(["after-restart"]);
    await target.drain(drained(target), { timeoutMs: 10_000 });
    expect(bodies).toEqual(["after-restart"]);
  });

  it("builds its SQS client from the SDK's standard environment when given none", async () => {
    await sendBodies(["via-env"]);
    const bodies: string[] = [];
    await withEnv(localAwsEnv("AWS_ENDPOINT_URL_SQS", queues.endpoint), async () => {
      runner = createLambdaRunner({
        queueUrl: queues.queueUrl,
        queueArn: queues.queueArn,
        handler: async (event) => {
          bodies.push(...event.Records.map((r) => r.body));
        },
      });
      await runner.drain(drained(runner), { timeoutMs: 10_000 });
    });
    expect(bodies).toEqual(["via-env"]);
  });

  it("receives nothing while disabled, and resumes from the same messages when enabled", async () => {
    const { log, note } = deliveryLog();
    const target = makeRunner(async (event) => {
      event.Records.forEach(note);
    });
    target.start();
    await target.setEnabled(false);
    const receives = target.stats().receives;
    await sendBodies(["waits-1", "waits-2"]);
    // An absence takes time to show: well over one long poll (1 s), nothing is received.
    await sleep(1500);
    expect(target.stats().receives).toBe(receives);
    expect(await queueDepth(sqs, queues.queueUrl)).toMatchObject({ visible: 2, inFlight: 0 });

    await target.setEnabled(true);
    await target.drain(drained(target), { timeoutMs: 10_000 });
    expect(Object.fromEntries(log)).toEqual({ "waits-1": ["1"], "waits-2": ["1"] });
  });

  it("resolves setEnabled(false) only once the invocation in hand has finished and settled", async () => {
    await sendBodies(["in-hand"]);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => {};
    const inHand = new Promise<void>((resolve) => {
      started = resolve;
    });
    const target = makeRunner(
      async () => {
        started();
        await released;
      },
      { maximumConcurrency: 1 },
    );
    target.start();
    await inHand;
    let disabled = false;
    const disabling = target.setEnabled(false).then(() => {
      disabled = true;
    });
    await sleep(50);
    expect(disabled).toBe(false);
    release();
    await disabling;
    expect(target.stats()).toMatchObject({ invocations: 1, succeeded: 1, inFlight: 0 });
    expect((await queueDepth(sqs, queues.queueUrl)).total).toBe(0);
  });

  it("re-checks a drain's predicate when its enabled state is set", async () => {
    // Disabled, a runner makes no polls, so nothing else would make the drain look again.
    const target = makeRunner(async () => {});
    await target.setEnabled(false);
    let quarantined = false;
    const draining = target.drain(() => quarantined, { timeoutMs: 5000 });
    quarantined = true;
    await target.setEnabled(false);
    await draining;
    expect(target.stats().receives).toBe(0);
  });

  it("applies new settings with reconfigure, refusing what createLambdaRunner refuses", async () => {
    await sendBodies(["a"]);
    const failedOnce = new Set<string>();
    const { log, note } = deliveryLog();
    const target = makeRunner(async (event): Promise<SQSBatchResponse> => {
      event.Records.forEach(note);
      const first = event.Records.filter((r) => !failedOnce.has(r.body));
      for (const r of first) failedOnce.add(r.body);
      return { batchItemFailures: first.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await expect(target.reconfigure({ batchSize: 11 })).rejects.toThrow(/maximumBatchingWindowMs/);
    // Without ReportBatchItemFailures the response is ignored: the record is done at once.
    await target.reconfigure({ reportBatchItemFailures: false });
    await target.drain(drained(target), { timeoutMs: 10_000 });
    expect(Object.fromEntries(log)).toEqual({ a: ["1"] });
    expect(target.stats()).toMatchObject({ succeeded: 1, failedItems: 0 });
  });

  it("rejects drain when the predicate never holds", async () => {
    const target = makeRunner(async () => {});
    await expect(target.drain(() => false, { timeoutMs: 200 })).rejects.toThrow(/not done/);
  });

  it("drains with no time limit when given Infinity", async () => {
    await sendBodies(["a"]);
    const target = makeRunner(async () => {});
    await target.drain(drained(target), { timeoutMs: Number.POSITIVE_INFINITY });
    expect(target.stats().succeeded).toBe(1);
  });

  it("counts visible, in-flight and delayed messages in queueDepth", async () => {
    await sendBodies(["a", "b"]);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: "later", DelaySeconds: 60 }),
    );
    expect(await queueDepth(sqs, queues.queueUrl)).toEqual({
      visible: 2,
      inFlight: 0,
      delayed: 1,
      total: 3,
    });
  });

  it("refuses settings the event source mapping API refuses", () => {
    const handler = async () => {};
    expect(() => makeRunner(handler, { batchSize: 11 })).toThrow(/maximumBatchingWindowMs/);
    expect(() => makeRunner(handler, { maximumConcurrency: 0 })).toThrow(RangeError);
    expect(() => makeRunner(handler, { maximumBatchingWindowMs: 300_001 })).toThrow(RangeError);
    expect(() => makeRunner(handler, { queueArn: "not-an-arn" })).toThrow(TypeError);
  });
});
