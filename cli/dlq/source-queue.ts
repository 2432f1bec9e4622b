import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { attempt, OperationError, UsageError } from "../io.js";

/**
 * A replay sends dead letters back to the queue that dead-lettered them, and only there: sent to
 * the DLQ itself, each message comes straight back to be read and sent again (a loop that also
 * strips every failure attribute), and sent to an unrelated queue, hires go where nothing
 * provisions them. The source queue is the one whose redrive policy targets the DLQ; SQS's
 * ListDeadLetterSourceQueues would say the same from the other side, but needs a permission of
 * its own and lists every source, where the redrive policy answers for exactly this pair.
 */
export const checkReplayTarget = async (
  sqs: SQSClient,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<void> => {
  if (sameQueueUrl(from, to)) {
    throw new UsageError(
      `--from and --to name the same queue (${from}): replay to its source queue`,
    );
  }
  // Two URLs can name one queue (legacy and current endpoints, an alias): the ARNs decide.
  const [dlq, target] = await Promise.all([
    queueAttributes(sqs, from, "--from", signal),
    queueAttributes(sqs, to, "--to", signal),
  ]);
  if (dlq.arn === target.arn) {
    throw new UsageError(
      `--from and --to name the same queue (${dlq.arn}): replay to its source queue`,
    );
  }
  if (target.deadLetterTargetArn !== dlq.arn) {
    const redrive = target.deadLetterTargetArn
      ? `dead-letters to ${target.deadLetterTargetArn}`
      : "has no redrive policy";
    throw new UsageError(
      `--to ${to} is not the source queue of the DLQ ${dlq.arn}: it ${redrive}; replay to the queue whose redrive policy targets the DLQ`,
    );
  }
};

/** Scheme, host and default port in any case, and a trailing slash, do not make another queue. */
export const sameQueueUrl = (a: string, b: string): boolean => {
  const normal = (url: string): string => {
    try {
      const parsed = new URL(url);
      return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
    } catch {
      return url;
    }
  };
  return normal(a) === normal(b);
};

interface QueueIdentity {
  readonly arn: string;
  readonly deadLetterTargetArn?: string;
}

const queueAttributes = async (
  sqs: SQSClient,
  queueUrl: string,
  option: string,
  signal: AbortSignal | undefined,
): Promise<QueueIdentity> => {
  const { Attributes = {} } = await attempt(`reading the attributes of ${option} ${queueUrl}`, () =>
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["QueueArn", "RedrivePolicy"],
      }),
      { abortSignal: signal },
    ),
  );
  if (!Attributes.QueueArn) {
    throw new OperationError(
      `reading the attributes of ${option} ${queueUrl}: SQS gave no QueueArn`,
    );
  }
  return {
    arn: Attributes.QueueArn,
    ...(deadLetterTarget(Attributes.RedrivePolicy) ?? {}),
  };
};

const deadLetterTarget = (
  policy: string | undefined,
): { deadLetterTargetArn: string } | undefined => {
  if (!policy) return undefined;
  try {
    const { deadLetterTargetArn } = JSON.parse(policy) as { deadLetterTargetArn?: unknown };
    return typeof deadLetterTargetArn === "string" ? { deadLetterTargetArn } : undefined;
  } catch {
    return undefined;
  }
};
