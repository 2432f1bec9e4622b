import type { MessageAttributeValue, SQSClient } from "@aws-sdk/client-sqs";
import {
  decodeAttributeText,
  REDRIVEN_BY_SQS,
} from "../../shared/adapters/sqs-dead-letter-parker.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";
import {
  queueDepth,
  type ReceivedMessage,
  receiveMessages,
  releaseMessages,
  scanMessages,
} from "../../shared/queue-tools.js";
import { attempt } from "../io.js";

export { FRUITLESS_RECEIVES } from "../../shared/queue-tools.js";

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
): Promise<DeadLetterMessage[]> =>
  (await attempt(`receiving from ${queueUrl}`, () => receiveMessages(sqs, queueUrl, options))).map(
    toLetter,
  );

/** Every message of the queue, each hidden only while the read goes on, then visible again. */
export const scanLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  visibilityTimeoutSeconds: number,
): Promise<DeadLetterMessage[]> =>
  (
    await attempt(`reading ${queueUrl}`, () =>
      scanMessages(sqs, queueUrl, { visibilityTimeoutSeconds }),
    )
  ).map(toLetter);

const toLetter = (message: ReceivedMessage): DeadLetterMessage => {
  const text = (name: string): string | undefined => {
    const value = message.attributes[name]?.StringValue;
    return value ? decodeAttributeText(value) : undefined;
  };
  const employeeId = text("employeeId") ?? employeeIdOf(message.body);
  const failureMessage = text("failureMessage");
  const failedAt = dateOf(text("failedAt")) ?? dateOf(message.systemAttributes.SentTimestamp, true);
  return {
    ...message,
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
export const releaseLetters = (
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
): Promise<void> =>
  attempt(`making messages visible again on ${queueUrl}`, () =>
    releaseMessages(sqs, queueUrl, receiptHandles),
  );

/** Messages visible now (not hidden by a receive); approximate on SQS, exact locally. */
export const visibleCount = async (
  sqs: SQSClient,
  queueUrl: string,
  signal?: AbortSignal,
): Promise<number> =>
  (await attempt(`reading the attributes of ${queueUrl}`, () => queueDepth(sqs, queueUrl, signal)))
    .visible;
