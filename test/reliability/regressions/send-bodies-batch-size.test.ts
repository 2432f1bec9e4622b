/**
 * Found by the reliability suite (poison scenario): the local sender, which feeds `npm start` and
 * the local pipeline, put ten bodies in every SendMessageBatch whatever their size, so a few
 * large bodies in a row (the over-256 KiB events that must be parked as PayloadTooLarge) made
 * SQS refuse the whole batch with BatchRequestTooLong and the run died before the function saw
 * them. Batches now also stay within SQS's 1 MiB total.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, expect, it } from "vitest";
import { enqueue, type Queues, startQueues } from "../../../local/queues.js";
import { peekMessages } from "../../../shared/queue-tools.js";

let queues: Queues | undefined;
let sqs: SQSClient | undefined;
afterEach(async () => {
  sqs?.destroy();
  await queues?.stop();
});

it("sends large bodies in batches SQS accepts, in order, one message each", async () => {
  queues = await startQueues();
  sqs = new SQSClient({
    endpoint: queues.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const bodies = [
    "small-1",
    `${"a".repeat(300 * 1024)}`,
    `${"b".repeat(300 * 1024)}`,
    `${"c".repeat(300 * 1024)}`,
    `${"€".repeat(300 * 1024)}`, // 900 KiB in bytes, 300 Ki characters
    "small-2",
    `${"d".repeat(1_040_000)}`,
  ];

  const { messageIds: ids } = await enqueue(sqs, queues.queueUrl, bodies);

  expect(ids).toHaveLength(bodies.length);
  expect(new Set(ids).size).toBe(bodies.length);
  const queued = await peekMessages(sqs, queues.queueUrl);
  expect(queued.map((message) => message.body).sort()).toEqual([...bodies].sort());
});
