import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { type Queues, startQueues } from "../../local/queues.js";

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
