import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  decodeAttributeText,
  REDRIVEN_BY_SQS,
} from "../../shared/adapters/sqs-dead-letter-parker.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";
import { attempt } from "../io.js";

/** A dead-lettered message as received, with what the function wrote about its failure. */
export interface DeadLetterMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly systemAttributes: Readonly<Record<string, string>>;
  readonly reason: string;
  readonly failureMessage?: string;
  readonly employeeId?: string;
  /** When it failed: the function's failedAt, else when SQS got the message. */
  readonly failedAt?: Date;
}

export interface ReceiveOptions {
  readonly count: number;
  readonly visibilityTimeoutSeconds: number;
  /** Aborts the call: for receives that hold no message yet, so a stop request is honoured. */
  readonly signal?: AbortSignal;
}

/** One ReceiveMessage call; the messages stay hidden for the visibility timeout given. */
export const receiveLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  options: ReceiveOptions,
): Promise<DeadLetterMessage[]> => {
  const { Messages = [] } = await attempt(`receiving from ${queueUrl}`, () =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, options.count)),
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
      { abortSignal: options.signal },
    ),
  );
  return Messages.filter((m) => m.MessageId && m.ReceiptHandle).map(toLetter);
};

const toLetter = (message: Message): DeadLetterMessage => {
  const attributes = message.MessageAttributes ?? {};
  const text = (name: string): string | undefined => {
    const value = attributes[name]?.StringValue;
    return value ? decodeAttributeText(value) : undefined;
  };
  const body = message.Body ?? "";
  const employeeId = text("employeeId") ?? employeeIdOf(body);
  const failureMessage = text("failureMessage");
  const failedAt = dateOf(text("failedAt")) ?? dateOf(message.Attributes?.SentTimestamp, true);
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body,
    attributes,
    systemAttributes: { ...message.Attributes },
    reason: text("failureReason") ?? REDRIVEN_BY_SQS,
    ...(failureMessage === undefined ? {} : { failureMessage }),
    ...(employeeId === undefined ? {} : { employeeId }),
    ...(failedAt === undefined ? {} : { failedAt }),
  };
};

/** Messages SQS redrove carry no employeeId attribute: the body may still say whose hire it is. */
const employeeIdOf = (body: string): string | undefined => {
  const parsed = parseMessageBody(body);
  return parsed.ok ? parsed.event.employee.employeeId : parsed.hints.employeeId;
};

const dateOf = (value: string | undefined, epochMs = false): Date | undefined => {
  if (!value) return undefined;
  const date = epochMs ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** Makes messages visible again at once. Should this fail, they reappear when their timeout ends. */
export const releaseLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
): Promise<void> => {
  for (let start = 0; start < receiptHandles.length; start += 10) {
    const chunk = receiptHandles.slice(start, start + 10);
    await attempt(`making messages visible again on ${queueUrl}`, () =>
      sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((handle, i) => ({
            Id: `m${start + i}`,
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      ),
    );
  }
};

/** Messages visible now (not hidden by a receive); approximate on SQS, exact locally. */
export const visibleCount = async (
  sqs: SQSClient,
  queueUrl: string,
  signal?: AbortSignal,
): Promise<number> => {
  const { Attributes = {} } = await attempt(`reading the attributes of ${queueUrl}`, () =>
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
      { abortSignal: signal },
    ),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
};

/**
 * How many fruitless receives end a scan. SQS short polling samples a subset of its servers,
 * so one empty answer while the queue still counts visible messages is not yet the end.
 */
export const FRUITLESS_RECEIVES = 3;
