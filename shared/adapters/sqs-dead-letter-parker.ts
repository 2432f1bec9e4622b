import {
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Deadline } from "../application/deadline.js";
import { DeadLetterUnavailableError } from "../domain/failures.js";
import type { DeadLetter, DeadLetterParker } from "../ports.js";

/** SQS's limits: 10 message attributes, 1 MiB for body and attributes together. */
const MAX_ATTRIBUTES = 10;
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_FAILURE_MESSAGE_CHARS = 1024;

/** Attributes this service writes; stale copies from an earlier parking are replaced, not kept. */
export const FAILURE_ATTRIBUTES = [
  "failureReason",
  "failureMessage",
  "failedAt",
  "sourceMessageId",
  "sourceEventId",
  "employeeId",
  "bodyTruncated",
] as const;

/**
 * The reason readers of the DLQ give a message with no `failureReason`: SQS's redrive moved it
 * there after maxReceiveCount receives, without the function's attributes.
 */
export const REDRIVEN_BY_SQS = "MaxReceiveCountExceeded";

/** Parks messages on the dead-letter queue with the failure attributes of DESIGN section 6. */
export class SqsDeadLetterParker implements DeadLetterParker {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async park(letter: DeadLetter, deadline: Deadline): Promise<void> {
    const attributes = failureAttributes(letter);
    for (const [name, attribute] of Object.entries(letter.attributes)) {
      // One place stays free for bodyTruncated.
      if (Object.keys(attributes).length >= MAX_ATTRIBUTES - 1) break;
      if (!(FAILURE_ATTRIBUTES as readonly string[]).includes(name))
        attributes[name] = toSqs(attribute);
    }
    const body = fitBody(letter.body, attributes);
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          MessageAttributes: attributes,
        }),
        { abortSignal: deadline.signal },
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      const why = name === "AbortError" ? "no answer before the invocation's deadline" : name;
      throw new DeadLetterUnavailableError(
        `the dead-letter queue did not take the message (${why})`,
        {
          cause: error,
        },
      );
    }
  }
}

/**
 * SQS accepts in an attribute value only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
 * #x10000-#x10FFFF (SendMessage reference). A failure message may quote a value from the
 * event, and the event may hold anything JSON escapes can spell (U+FFFF, a lone surrogate): sent
 * raw, SQS would refuse the letter and the failure could never be parked. With the `u` flag a
 * lone surrogate is its own code point, so it falls outside the ranges; a pair does not.
 */
const SQS_REFUSES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * How the failure attributes this service writes are encoded (docs/failures.md): `\` is written
 * `\\`, and each character SQS refuses is written `\uXXXX` (its UTF-16 code unit, as in JSON).
 * Every other character is kept, so the usual message reads as written; `decodeAttributeText`
 * gives back the exact original.
 */
export const encodeAttributeText = (value: string): string =>
  value
    .replace(/\\/g, "\\\\")
    .replace(SQS_REFUSES, (character) => `\\u${hex4(character.charCodeAt(0))}`);

/** The inverse of `encodeAttributeText`, for readers of the DLQ. */
export const decodeAttributeText = (value: string): string =>
  value.replace(/\\(\\|u([0-9A-F]{4}))/g, (_, escaped: string, code?: string) =>
    code === undefined ? escaped : String.fromCharCode(Number.parseInt(code, 16)),
  );

const hex4 = (code: number): string => code.toString(16).toUpperCase().padStart(4, "0");

const failureAttributes = (letter: DeadLetter): Record<string, MessageAttributeValue> => {
  const attributes: Record<string, MessageAttributeValue> = {
    failureReason: text(letter.reason),
    failureMessage: text(letter.message.slice(0, MAX_FAILURE_MESSAGE_CHARS) || letter.reason),
    failedAt: text(letter.failedAt.toISOString()),
    sourceMessageId: text(letter.sourceMessageId),
  };
  if (letter.sourceEventId) attributes.sourceEventId = text(letter.sourceEventId);
  if (letter.employeeId) attributes.employeeId = text(letter.employeeId);
  return attributes;
};

// Only a body already rejected as too large can hit SQS's ceiling; it keeps its head, flagged.
const fitBody = (body: string, attributes: Record<string, MessageAttributeValue>): string => {
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum + name.length + (value.DataType?.length ?? 0) + (value.StringValue?.length ?? 0) * 4,
    64,
  );
  const room = MAX_MESSAGE_BYTES - attributeBytes;
  if (Buffer.byteLength(body, "utf8") <= room) return body;
  attributes.bodyTruncated = text("true");
  return Buffer.from(body, "utf8")
    .subarray(0, room)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
};

const text = (value: string): MessageAttributeValue => ({
  DataType: "String",
  StringValue: encodeAttributeText(value),
});

// The sender's own attributes stay verbatim: they reached the queue through SQS, so SQS takes
// them again. Only one SQS could not carry (possible off AWS only) is encoded, to stay parkable.
const toSqs = (attribute: DeadLetter["attributes"][string]): MessageAttributeValue => {
  if (attribute.binaryValue !== undefined) {
    return {
      DataType: attribute.dataType,
      BinaryValue: Buffer.from(attribute.binaryValue, "base64"),
    };
  }
  const value = attribute.stringValue ?? "";
  return {
    DataType: attribute.dataType,
    StringValue: value.search(SQS_REFUSES) >= 0 ? encodeAttributeText(value) : value,
  };
};
