import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  decodeAttributeText,
  encodeAttributeText,
  SqsDeadLetterParker,
} from "../../../shared/adapters/sqs-dead-letter-parker.js";
import { NO_DEADLINE } from "../../../shared/application/deadline.js";

const SEED = 20261128;
/** SendMessage's allowed characters for attribute values. */
const SQS_ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe("encodeAttributeText / decodeAttributeText", () => {
  it("keeps text SQS accepts as it is, backslashes aside", () => {
    expect(encodeAttributeText('no rule matches department="Customer Care" 😀 ü')).toBe(
      'no rule matches department="Customer Care" 😀 ü',
    );
    expect(encodeAttributeText("a\\b")).toBe("a\\\\b");
  });

  it("writes what SQS refuses as \\uXXXX", () => {
    expect(encodeAttributeText("a\uFFFFb\uFFFEc\uD800d\uDC00e\u0007f\u0000")).toBe(
      "a\\uFFFFb\\uFFFEc\\uD800d\\uDC00e\\u0007f\\u0000",
    );
    // Allowed: tab, line feed, carriage return, astral characters including U+10FFFF.
    expect(encodeAttributeText("\t\n\r\u{10FFFF}")).toBe("\t\n\r\u{10FFFF}");
  });

  it("gives only characters SQS accepts, and decodes to the exact original, for any text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 60 }),
          fc.string({
            unit: fc.constantFrom("\\", "u", "0", "F", "\uFFFF", "\uD800", "\uDC00", "a", "\u0001"),
            maxLength: 30,
          }),
        ),
        (text) => {
          const encoded = encodeAttributeText(text);
          expect(encoded).toMatch(SQS_ALLOWED);
          expect(decodeAttributeText(encoded)).toBe(text);
        },
      ),
      { numRuns: 2000, seed: SEED },
    );
  });
});

describe("SqsDeadLetterParker", () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it("sends only characters SQS accepts in every attribute, whatever the failure quotes", async () => {
    sqs.on(SendMessageCommand).resolves({});
    await new SqsDeadLetterParker(new SQSClient({}), "https://sqs.example/dlq").park(
      {
        body: "{}",
        reason: "ProfileNotFound",
        message: 'security profile "Ad\uFFFFmin\uD800" in rule r1 does not exist on the instance',
        failedAt: new Date("2026-11-28T10:00:00Z"),
        sourceMessageId: "m-1",
        attributes: {
          traceparent: { dataType: "String", stringValue: "00-ab\\cd-01" },
          local: { dataType: "String.custom", stringValue: "x\uFFFF" },
        },
      },
      NO_DEADLINE,
    );
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    const attributes = input?.MessageAttributes ?? {};
    for (const value of Object.values(attributes)) {
      expect(value.StringValue ?? "").toMatch(SQS_ALLOWED);
    }
    expect(decodeAttributeText(attributes.failureMessage?.StringValue ?? "")).toBe(
      'security profile "Ad\uFFFFmin\uD800" in rule r1 does not exist on the instance',
    );
    // The sender's own attributes stay verbatim when SQS can carry them.
    expect(attributes.traceparent).toEqual({ DataType: "String", StringValue: "00-ab\\cd-01" });
    expect(attributes.local).toEqual({ DataType: "String.custom", StringValue: "x\\uFFFF" });
  });
});
