/**
 * The DLQ parker against moto's SQS server, an implementation independent of this project's
 * stack (fauxqs takes what SQS refuses). moto refuses a lone surrogate in an attribute value,
 * as SQS does: a failure quoting one could not be parked before its values were encoded.
 * Runs where moto_server is installed (the Python environment of these machines).
 */
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeAttributeText,
  SqsDeadLetterParker,
} from "../../shared/adapters/sqs-dead-letter-parker.js";
import { NO_DEADLINE } from "../../shared/application/deadline.js";
import { hasMoto, type Moto, startMoto } from "../support/moto.js";

describe.skipIf(!hasMoto)("parking on moto's SQS", () => {
  let moto: Moto | undefined;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    moto = await startMoto();
    sqs = new SQSClient(moto.config);
    ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "dlq" })));
  }, 60_000);

  afterAll(() => {
    sqs?.destroy();
    moto?.stop();
  });

  it("moto refuses a raw lone surrogate, as SQS does (the premise of the encoding)", async () => {
    // A queue of its own: moto keeps a refused message half-stored, which breaks later receives.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "premise" }));
    await expect(
      sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: "{}",
          MessageAttributes: { m: { DataType: "String", StringValue: "a\uD800b" } },
        }),
      ),
    ).rejects.toThrow();
  });

  it("parks a failure whose message holds characters SQS refuses, and reads it back exactly", async () => {
    const message = 'profile "Ad\uD800min\uFFFF\u0007" in rule r1 with a \\ backslash and \\u0041';
    await new SqsDeadLetterParker(sqs, queueUrl).park(
      {
        body: '{"eventType":"EmployeeHired"}',
        reason: "ProfileNotFound",
        message,
        failedAt: new Date("2026-11-28T10:00:00Z"),
        sourceMessageId: "m-1",
        attributes: {},
      },
      NO_DEADLINE,
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    const stored = Messages[0]?.MessageAttributes?.failureMessage?.StringValue ?? "";
    expect(stored).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/);
    expect(stored).toContain("\\uD800");
    expect(decodeAttributeText(stored)).toBe(message);
    expect(Messages[0]?.MessageAttributes?.failureReason?.StringValue).toBe("ProfileNotFound");
  });
});
