import type { SQSRecord } from "aws-lambda";
import type { InboundMessage, MessageAttribute } from "../ports.js";

/** The one place that knows what an SQS record looks like. */
export const inboundMessage = (record: SQSRecord): InboundMessage => ({
  messageId: record.messageId,
  body: record.body,
  receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1,
  sentAt: Number(record.attributes?.SentTimestamp) || Date.now(),
  attributes: messageAttributes(record),
});

const messageAttributes = (record: SQSRecord): Record<string, MessageAttribute> => {
  const out: Record<string, MessageAttribute> = {};
  for (const [name, attribute] of Object.entries(record.messageAttributes ?? {})) {
    out[name] = {
      dataType: attribute.dataType,
      ...(attribute.stringValue !== undefined ? { stringValue: attribute.stringValue } : {}),
      ...(attribute.binaryValue !== undefined ? { binaryValue: attribute.binaryValue } : {}),
    };
  }
  return out;
};
