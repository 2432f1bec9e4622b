import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";

export interface QueuesOptions {
  /** The onboarding queue's name (default "connect-onboarding"). */
  queueName?: string;
  /** The dead-letter queue's name (default `<queueName>-dlq`). */
  dlqName?: string;
  /** Receives before SQS moves a message to the DLQ (default 5, as DESIGN section 6 asks). */
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
  stop(): Promise<void>;
}

/** The longest retention SQS allows; a DLQ should outlive its source queue's messages. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/**
 * Starts an embedded fauxqs on 127.0.0.1 and creates the onboarding queue with a redrive
 * policy to its DLQ, through the real SQS client as an IaC tool would.
 */
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
  const region = options.region ?? "us-east-1";
  // buildApp rather than startFauxqs: startFauxqs binds 0.0.0.0, and an unauthenticated
  // queue has no business on the machine's network interfaces.
  const app = buildApp({ logger: false });
  const origins = serveQueueUrlsAtEndpoint(app);
  const endpoint = await app.listen({ port: 0, host: "127.0.0.1" });
  origins.set(endpoint, region);
  const client = new SQSClient({
    endpoint,
    region,
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
      endpoint,
      queueUrl: queue.url,
      queueArn: queue.arn,
      dlqUrl: dlq.url,
      dlqArn: dlq.arn,
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    client.destroy();
  }
}

/**
 * fauxqs names queues `http://sqs.<region>.localhost:<port>/...`, a host that does not
 * resolve on machines without systemd-resolved. An SQS client configured through
 * AWS_ENDPOINT_URL_SQS (as the function is) sends each call to its QueueUrl's origin, so
 * those URLs would be unreachable. These hooks make the endpoint itself the queue URLs'
 * origin: outgoing URLs are rewritten to it, incoming ones back to fauxqs's own form.
 * Fastify takes hooks only before listening, when the port is not yet known; hence set().
 */
function serveQueueUrlsAtEndpoint(app: FastifyLike): {
  set(endpoint: string, region: string): void;
} {
  let endpoint = "";
  let internal = "";
  app.addHook("preHandler", (request, _reply, done) => {
    const body = request.body as { QueueUrl?: unknown } | undefined;
    if (
      endpoint &&
      typeof body?.QueueUrl === "string" &&
      body.QueueUrl.startsWith(`${endpoint}/`)
    ) {
      body.QueueUrl = internal + body.QueueUrl.slice(endpoint.length);
    }
    done();
  });
  app.addHook("onSend", (_request, _reply, payload, done) => {
    const rewrite = endpoint && typeof payload === "string";
    done(null, rewrite ? payload.replaceAll(internal, endpoint) : payload);
  });
  return {
    set(listeningAt, region) {
      endpoint = listeningAt;
      internal = `http://sqs.${region}.localhost:${new URL(listeningAt).port}`;
    },
  };
}

type FastifyLike = ReturnType<typeof buildApp>;

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
