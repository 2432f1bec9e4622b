/**
 * The onboarding queue and its DLQ (redrive policy set) on the SQS emulator, created through
 * the real SQS client as an IaC tool would.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startSqsEmulator } from "../emulators/sqs.js";
import { type SendOutcome, sendBodies } from "../shared/queue-tools.js";

export interface QueuesOptions {
  /** The onboarding queue's name (default "connect-onboarding"). */
  queueName?: string;
  /** The dead-letter queue's name (default `<queueName>-dlq`). */
  dlqName?: string;
  /** Receives before SQS moves a message to the DLQ (default 5, as DESIGN section 8 asks). */
  maxReceiveCount?: number;
  /** The onboarding queue's visibility timeout (default 30 s, the SQS default). */
  visibilityTimeoutSeconds?: number;
  /** Region the queues are created in, i.e. in their ARNs (default "us-east-1"). */
  region?: string;
}

export interface Queues {
  endpoint: string;
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  /** The onboarding queue's visibility timeout: how long a record handed back stays hidden. */
  visibilityTimeoutSeconds: number;
  stop(): Promise<void>;
}

/** The longest retention SQS allows; a DLQ should outlive its source queue's messages. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/** Starts the SQS emulator and creates the onboarding queue with a redrive policy to its DLQ. */
export async function startQueues(options: QueuesOptions = {}): Promise<Queues> {
  const queueName = options.queueName ?? "connect-onboarding";
  const dlqName = options.dlqName ?? `${queueName}-dlq`;
  const maxReceiveCount = checkedInteger("maxReceiveCount", options.maxReceiveCount ?? 5, 1, 1000);
  const visibility = checkedInteger(
    "visibilityTimeoutSeconds",
    options.visibilityTimeoutSeconds ?? 30,
    0,
    43_200,
  );
  const sqs = await startSqsEmulator({ region: options.region ?? "us-east-1" });
  const client = new SQSClient({
    endpoint: sqs.endpoint,
    region: sqs.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const dlq = await createQueue(client, dlqName, {
      MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
    });
    const queue = await createQueue(client, queueName, {
      VisibilityTimeout: String(visibility),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(maxReceiveCount),
      }),
    });
    return {
      endpoint: sqs.endpoint,
      queueUrl: queue.url,
      queueArn: queue.arn,
      dlqUrl: dlq.url,
      dlqArn: dlq.arn,
      visibilityTimeoutSeconds: visibility,
      stop: sqs.stop,
    };
  } catch (error) {
    await sqs.stop();
    throw error;
  } finally {
    client.destroy();
  }
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const url = required(created.QueueUrl, `QueueUrl of ${name}`);
  const described = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return { url, arn: required(described.Attributes?.QueueArn, `QueueArn of ${name}`) };
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`fauxqs returned no ${what}`);
  return value;
}

function checkedInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The queue refused a body the harness sent: the run cannot go on as the input asked. */
export class QueueRefusedError extends Error {
  override readonly name = "QueueRefusedError";
}

export interface Enqueued {
  /** One message ID per body, in order. */
  readonly messageIds: string[];
  /** Bodies fauxqs refused for characters SQS accepts, sent rewritten (see `sendBodies`). */
  readonly rewritten: SendOutcome["rewritten"];
}

/**
 * Sends the bodies to a local queue, each as SQS would take it: a body with characters beyond
 * U+FFFF, which fauxqs refuses and SQS accepts, goes in rewritten (JSON keeps its meaning). A body
 * over SQS's size limit (MessageTooLargeError) or one the queue refuses for any other reason
 * throws, naming the body by its index.
 */
export async function enqueue(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
): Promise<Enqueued> {
  const outcome = await sendBodies(sqs, queueUrl, bodies);
  const first = outcome.refused[0];
  if (first) {
    throw new QueueRefusedError(
      `SQS refused message ${first.index + 1} of ${bodies.length}: ${first.code} ${first.message}`.trim(),
    );
  }
  return {
    messageIds: outcome.messageIds.map((id) => id ?? ""),
    rewritten: outcome.rewritten,
  };
}
