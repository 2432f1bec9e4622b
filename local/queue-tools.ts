import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { sendMessageBatches } from "../shared/adapters/sqs-send-batches.js";

/** ChangeMessageVisibilityBatch takes at most 10 entries. */
const VISIBILITY_BATCH = 10;

/** Sends each body verbatim, in order; returns the message IDs SQS assigned. */
export const sendBodies = async (
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<string[]> => {
  const ids: string[] = [];
  for (const { start, items: chunk } of sendMessageBatches(bodies, (body) => body)) {
    const output = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, i) => ({ Id: `m${start + i}`, MessageBody: body })),
      }),
    );
    if (output.Failed?.length) {
      const first = output.Failed[0];
      throw new Error(
        `SQS refused ${output.Failed.length} message(s): ${first?.Code} ${first?.Message ?? ""}`,
      );
    }
    const byId = new Map(
      (output.Successful ?? []).map((entry) => [entry.Id, entry.MessageId ?? ""]),
    );
    ids.push(...chunk.map((_, i) => byId.get(`m${start + i}`) ?? ""));
  }
  return ids;
};

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receiveCount: number;
}

/**
 * Reads every message in a queue without consuming it: each is received (hidden while the read
 * goes on) and then made visible again, as an operator's "peek" would.
 */
export const peekMessages = async (sqs: SQSClient, queueUrl: string): Promise<QueuedMessage[]> => {
  const seen = new Map<string, QueuedMessage>();
  const handles: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      if (message.ReceiptHandle) handles.push(message.ReceiptHandle);
      if (!message.MessageId || seen.has(message.MessageId)) continue;
      seen.set(message.MessageId, {
        messageId: message.MessageId,
        body: message.Body ?? "",
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            value.StringValue ?? "",
          ]),
        ),
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
      });
    }
  }
  for (let start = 0; start < handles.length; start += VISIBILITY_BATCH) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.slice(start, start + VISIBILITY_BATCH).map((handle, i) => ({
          Id: `v${start + i}`,
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return [...seen.values()];
};

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  total: number;
}

/** Messages anywhere in the queue: visible, received but not deleted, or delayed. */
export async function queueDepth(sqsClient: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqsClient.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
}
