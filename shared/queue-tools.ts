/**
 * SQS as the local harness and the operator CLI use it: sending message bodies as an HR system
 * would, reading a queue without consuming it, and counting what is in it. Written once for
 * both (`npm start`, `onboard send`, `onboard dlq list|replay`); nothing here goes into the
 * Lambda bundle. Each caller frames failures in its own words.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { sendMessageBatches } from "./adapters/sqs-send-batches.js";
import { ASTRAL, oversizedBody, type Rewrite, withoutAstralCharacters } from "./sqs-bodies.js";

export {
  MessageTooLargeError,
  oversizedBody,
  REWRITE_NOTE,
  type Rewrite,
  SQS_MAX_MESSAGE_BYTES,
  withoutAstralCharacters,
} from "./sqs-bodies.js";

/** ChangeMessageVisibilityBatch takes at most 10 entries. */
const VISIBILITY_BATCH = 10;

/**
 * How many fruitless receives end a scan. SQS short polling samples a subset of its servers,
 * so one empty answer while the queue still counts visible messages is not yet the end.
 */
export const FRUITLESS_RECEIVES = 3;

export interface SendOutcome {
  /** The message ID of each body sent, by input index (undefined: not sent). */
  readonly messageIds: (string | undefined)[];
  /** Bodies SQS refused; sending stops after the batch that had one. */
  readonly refused: { index: number; code: string; message: string }[];
  /** Bodies the queue refused for characters beyond U+FFFF, sent again rewritten. */
  readonly rewritten: { index: number; rewrite: Rewrite }[];
}

/**
 * Sends each body in order, in as few SendMessageBatch calls as SQS allows. A body the queue
 * refuses as InvalidMessageContents for characters beyond U+FFFF (which SQS accepts and fauxqs
 * does not) is sent again in a form the queue takes: see `withoutAstralCharacters`. A body over
 * SQS's size limit is refused before anything is sent (MessageTooLargeError). SDK errors are
 * thrown as they come.
 */
export const sendBodies = async (
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<SendOutcome> => {
  const tooLarge = oversizedBody(bodies);
  if (tooLarge) throw tooLarge;
  const messageIds: (string | undefined)[] = bodies.map(() => undefined);
  const refused: SendOutcome["refused"] = [];
  const rewritten: SendOutcome["rewritten"] = [];
  const send = async (entries: { index: number; body: string }[]) => {
    const output = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map(({ index, body }) => ({ Id: `m${index}`, MessageBody: body })),
      }),
    );
    for (const entry of output.Successful ?? []) {
      messageIds[Number(entry.Id?.slice(1))] = entry.MessageId;
    }
    return output.Failed ?? [];
  };
  for (const { start, items } of sendMessageBatches(bodies, (body) => body)) {
    const failed = await send(items.map((body, i) => ({ index: start + i, body })));
    const retry: { index: number; body: string }[] = [];
    for (const failure of failed) {
      const index = Number(failure.Id?.slice(1));
      const body = bodies[index] ?? "";
      // The code comes bare or with the AWS.SimpleQueueService. prefix of the query protocol.
      if (failure.Code?.endsWith("InvalidMessageContents") && ASTRAL.test(body)) {
        const fitted = withoutAstralCharacters(body);
        retry.push({ index, body: fitted.body });
        rewritten.push({ index, rewrite: fitted.rewrite });
      } else {
        refused.push({ index, code: failure.Code ?? "Error", message: failure.Message ?? "" });
      }
    }
    // An escaped body is longer (12 bytes of escapes for a 4-byte character): batch it anew.
    for (const batch of sendMessageBatches(retry, ({ body }) => body)) {
      for (const failure of await send(batch.items)) {
        refused.push({
          index: Number(failure.Id?.slice(1)),
          code: failure.Code ?? "Error",
          message: failure.Message ?? "",
        });
      }
    }
    if (refused.length > 0) break;
  }
  refused.sort((a, b) => a.index - b.index);
  rewritten.sort((a, b) => a.index - b.index);
  return { messageIds, refused, rewritten };
};

/** A message as received, with its attributes as SQS gave them. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly systemAttributes: Readonly<Record<string, string>>;
}

/** One ReceiveMessage call (short poll); the messages stay hidden for the visibility timeout. */
export const receiveMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  options: { count: number; visibilityTimeoutSeconds: number; signal?: AbortSignal },
): Promise<ReceivedMessage[]> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, Math.max(1, options.count)),
      VisibilityTimeout: options.visibilityTimeoutSeconds,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
    }),
    // A command that holds no message yet may stop at once on a signal (cli/onboard.ts).
    { abortSignal: options.signal },
  );
  return Messages.filter(
    (message): message is Message & { MessageId: string; ReceiptHandle: string } =>
      Boolean(message.MessageId && message.ReceiptHandle),
  ).map((message) => ({
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? "",
    attributes: message.MessageAttributes ?? {},
    systemAttributes: { ...message.Attributes },
  }));
};

/** Makes messages visible again at once. Should this fail, they reappear when their timeout ends. */
export const releaseMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
): Promise<void> => {
  for (let start = 0; start < receiptHandles.length; start += VISIBILITY_BATCH) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: receiptHandles.slice(start, start + VISIBILITY_BATCH).map((handle, i) => ({
          Id: `v${start + i}`,
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
};

/**
 * Reads every message in a queue without consuming it: each is received (hidden only while the
 * read goes on) and then made visible again, as an operator's "peek" would.
 */
export const scanMessages = async (
  sqs: SQSClient,
  queueUrl: string,
  options: { visibilityTimeoutSeconds?: number } = {},
): Promise<ReceivedMessage[]> => {
  const seen = new Map<string, ReceivedMessage>();
  const handles: string[] = [];
  try {
    let fruitless = 0;
    while (fruitless < FRUITLESS_RECEIVES) {
      const batch = await receiveMessages(sqs, queueUrl, {
        count: 10,
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 60,
      });
      handles.push(...batch.map((message) => message.receiptHandle));
      const fresh = batch.filter((message) => !seen.has(message.messageId));
      for (const message of fresh) seen.set(message.messageId, message);
      if (fresh.length > 0) fruitless = 0;
      else if (batch.length === 0 && (await queueDepth(sqs, queueUrl)).visible === 0) break;
      else fruitless++;
    }
  } finally {
    await releaseMessages(sqs, queueUrl, handles);
  }
  return [...seen.values()];
};

/** A message read by `peekMessages`: its string attributes, and how often it was received. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receiveCount: number;
}

/** `scanMessages`, with the message attributes as plain strings. */
export const peekMessages = async (sqs: SQSClient, queueUrl: string): Promise<QueuedMessage[]> =>
  (await scanMessages(sqs, queueUrl)).map((message) => ({
    messageId: message.messageId,
    body: message.body,
    attributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, value]) => [name, value.StringValue ?? ""]),
    ),
    receiveCount: Number(message.systemAttributes.ApproximateReceiveCount ?? 1),
  }));

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly total: number;
}

/** Messages anywhere in the queue: visible, received but not deleted, or delayed (approximate on SQS). */
export const queueDepth = async (
  sqs: SQSClient,
  queueUrl: string,
  signal?: AbortSignal,
): Promise<QueueDepth> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
    { abortSignal: signal },
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible, inFlight, delayed, total: visible + inFlight + delayed };
};
