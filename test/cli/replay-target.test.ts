/**
 * The replay's target check on its own: what the local stack cannot show, because fauxqs knows
 * each queue by one URL only (two URLs for one queue, as SQS's legacy and current endpoints are).
 */
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { checkReplayTarget, sameQueueUrl } from "../../cli/dlq/source-queue.js";
import { UsageError } from "../../cli/io.js";

const sqsMock = mockClient(SQSClient);
afterEach(() => sqsMock.reset());

const DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:connect-onboarding-prod-onboarding-dlq";
const LEGACY = "https://queue.amazonaws.com/123456789012/connect-onboarding-prod-onboarding-dlq";
const CURRENT =
  "https://sqs.us-east-1.amazonaws.com/123456789012/connect-onboarding-prod-onboarding-dlq";

describe("the replay target check", () => {
  it("refuses two URLs of one queue, by its ARN", async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: DLQ_ARN } });
    const sqs = new SQSClient({ region: "us-east-1" });
    await expect(checkReplayTarget(sqs, LEGACY, CURRENT)).rejects.toThrow(
      new UsageError(
        `--from and --to name the same queue (${DLQ_ARN}): replay to its source queue`,
      ),
    );
  });

  it("refuses the same URL without asking SQS", async () => {
    const sqs = new SQSClient({ region: "us-east-1" });
    await expect(checkReplayTarget(sqs, CURRENT, `${CURRENT}/`)).rejects.toThrow(UsageError);
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it("accepts the queue whose redrive policy targets the DLQ", async () => {
    const source = CURRENT.replace("-dlq", "");
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: CURRENT })
      .resolves({ Attributes: { QueueArn: DLQ_ARN } })
      .on(GetQueueAttributesCommand, { QueueUrl: source })
      .resolves({
        Attributes: {
          QueueArn: DLQ_ARN.replace("-dlq", ""),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 }),
        },
      });
    const sqs = new SQSClient({ region: "us-east-1" });
    await expect(checkReplayTarget(sqs, CURRENT, source)).resolves.toBeUndefined();
  });

  it("compares URLs whatever the case of scheme and host, a default port or a trailing slash", () => {
    expect(
      sameQueueUrl(CURRENT, CURRENT.replace("https://sqs.us-east-1", "HTTPS://SQS.US-EAST-1")),
    ).toBe(true);
    expect(sameQueueUrl(CURRENT, CURRENT.replace(".com/", ".com:443/"))).toBe(true);
    expect(sameQueueUrl(CURRENT, `${CURRENT}/`)).toBe(true);
    expect(sameQueueUrl(CURRENT, CURRENT.replace("us-east-1", "eu-west-1"))).toBe(false);
    expect(sameQueueUrl(CURRENT, CURRENT.replace("-dlq", ""))).toBe(false);
  });
});
