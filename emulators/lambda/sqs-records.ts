/** The SQS records Lambda builds from received messages. */
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";

/** Where the records come from: the event source ARN and its Region. */
export interface RecordSource {
  readonly queueArn: string;
  readonly region: string;
}

/** The record Lambda builds from a received message. */
export function toRecord(message: Message, config: RecordSource): SQSRecord {
  const record: SQSRecord = {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: recordAttributes(message.Attributes ?? {}),
    messageAttributes: recordMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: config.queueArn,
    awsRegion: config.region,
  };
  if (message.MD5OfMessageAttributes) {
    record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  }
  return record;
}

/** The four attributes every record carries come first, then whatever else SQS returned. */
function recordAttributes(attributes: Record<string, string>): SQSRecordAttributes {
  return {
    ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "",
    SentTimestamp: attributes.SentTimestamp ?? "",
    SenderId: attributes.SenderId ?? "",
    ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "",
    ...attributes,
  };
}

/** Lambda lower-cases the keys, base64-encodes binary and always adds the reserved lists. */
function recordMessageAttributes(
  attributes: Record<string, MessageAttributeValue>,
): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    result[name] = {
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString("base64"),
      }),
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType ?? "String",
    };
  }
  return result;
}
