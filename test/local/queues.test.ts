import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { enqueue, type Queues, startQueues } from "../../local/queues.js";
import { MessageTooLargeError, peekMessages, queueDepth } from "../../shared/queue-tools.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("startQueues", () => {
  let queues: Queues | undefined;
  let sqs: SQSClient | undefined;

  afterEach(async () => {
    sqs?.destroy();
    await queues?.stop();
  });

  it("creates the queue on loopback with a redrive policy to its DLQ", async () => {
    queues = await startQueues({ queueName: "onboarding", maxReceiveCount: 7 });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
    expect(queues.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(queues.queueArn).toBe("arn:aws:sqs:us-east-1:000000000000:onboarding");
    expect(queues.dlqArn).toBe("arn:aws:sqs:us-east-1:000000000000:onboarding-dlq");
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ["All"] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: queues.dlqArn,
      maxReceiveCount: "7",
    });
    expect(Attributes?.VisibilityTimeout).toBe("30");
  });

  it("serves queue URLs at its own endpoint, so env-configured clients can reach them", async () => {
    queues = await startQueues({ queueName: "onboarding" });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
    // The SDK sends each call to its QueueUrl's origin unless given an explicit endpoint.
    expect(new URL(queues.queueUrl).origin).toBe(queues.endpoint);
    expect(new URL(queues.dlqUrl).origin).toBe(queues.endpoint);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "onboarding-dlq" }));
    expect(QueueUrl).toBe(queues.dlqUrl);
  });

  it("moves a message to the DLQ once it has been received maxReceiveCount times", async () => {
    queues = await startQueues({ maxReceiveCount: 3, visibilityTimeoutSeconds: 0 });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
    const { queueUrl, dlqUrl } = queues;
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "poison" }),
    );

    // Visibility timeout 0: every receive hands the message straight back, like a consumer
    // that fails it each time.
    const receiveCounts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      expect(Messages.map((m) => m.MessageId)).toEqual([sent.MessageId]);
      receiveCounts.push(Messages[0]?.Attributes?.ApproximateReceiveCount ?? "");
    }
    expect(receiveCounts).toEqual(["1", "2", "3"]);

    // The next receive finds the count exhausted: SQS moves the message instead of returning it.
    const fourth = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(fourth.Messages).toBeUndefined();
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    expect(dead.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[sent.MessageId, "poison"]]);
  });

  it("refuses a maxReceiveCount SQS would refuse", async () => {
    await expect(startQueues({ maxReceiveCount: 0 })).rejects.toThrow(RangeError);
  });
});

describe("enqueue: the harness's sender", () => {
  let queues: Queues | undefined;
  let sqs: SQSClient | undefined;
  afterEach(async () => {
    sqs?.destroy();
    await queues?.stop();
  });
  const start = async () => {
    queues = await startQueues();
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
    return { queues, sqs };
  };

  const emojiHire = JSON.stringify({
    eventType: "EmployeeHired",
    eventId: "e-1",
    employee: { employeeId: "E1", firstName: "Zoë 👩🏽‍💻", lastName: "Sparklewood 🌈" },
  });

  it("gets a JSON body with emoji, which fauxqs refuses raw, onto the queue as the same JSON", async () => {
    const { queues, sqs } = await start();
    // What fauxqs does with the raw body, and SQS does not: the reason for the rewrite.
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: emojiHire })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/InvalidMessageContents$/) });

    const sent = await enqueue(sqs, queues.queueUrl, ["plain", emojiHire, "also plain"]);

    expect(sent.messageIds.every((id) => id !== "")).toBe(true);
    expect(sent.rewritten).toEqual([{ index: 1, rewrite: "escaped" }]);
    const bodies = (await peekMessages(sqs, queues.queueUrl)).map((message) => message.body);
    const queued = bodies.find((body) => body.includes("e-1")) ?? "";
    expect(queued).not.toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(queued).toContain("\\ud83c\\udf08");
    expect(JSON.parse(queued)).toEqual(JSON.parse(emojiHire));
    expect(bodies).toContain("plain");
  });

  it("sends a line that is not JSON with U+FFFD for its emoji, and says so", async () => {
    const { queues, sqs } = await start();
    const sent = await enqueue(sqs, queues.queueUrl, ["not json 🦄 at all"]);
    expect(sent.rewritten).toEqual([{ index: 0, rewrite: "replaced" }]);
    expect((await peekMessages(sqs, queues.queueUrl)).map((message) => message.body)).toEqual([
      "not json \uFFFD at all",
    ]);
  });

  it("refuses a body over SQS's 1 MiB before sending anything", async () => {
    const { queues, sqs } = await start();
    const sending = enqueue(sqs, queues.queueUrl, ["first", "x".repeat(1_048_577)]);
    await expect(sending).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(sending).rejects.toMatchObject({ index: 1, bytes: 1_048_577 });
    expect(await queueDepth(sqs, queues.queueUrl)).toMatchObject({ total: 0 });
  });

  it("names the message a queue refuses for another reason, in one line", async () => {
    const { queues, sqs } = await start();
    // A control character: SQS refuses it too, so no rewrite applies.
    await expect(enqueue(sqs, queues.queueUrl, ["ok", "bad \u0001 body"])).rejects.toThrow(
      /^SQS refused message 2 of 2: InvalidMessageContents [^\n]*$/,
    );
  });
});
