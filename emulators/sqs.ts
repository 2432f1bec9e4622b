/**
 * SQS: an embedded fauxqs (npm) on 127.0.0.1, reachable at its queue URLs through the real SQS
 * client. fauxqs follows the SQS API; what it refuses that SQS accepts is the harness's to
 * handle (local/queues.ts), not patched here.
 */
import { buildApp } from "fauxqs";

export interface SqsEmulatorOptions {
  /** Region queues are created in, i.e. in their ARNs (default "us-east-1"). */
  region?: string;
}

export interface SqsEmulator {
  endpoint: string;
  region: string;
  stop(): Promise<void>;
}

/** Starts fauxqs on loopback; create queues through the SDK as an IaC tool would. */
export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const region = options.region ?? "us-east-1";
  // buildApp rather than startFauxqs: startFauxqs binds 0.0.0.0, and an unauthenticated
  // queue has no business on the machine's network interfaces.
  const app = buildApp({ logger: false });
  const origins = serveQueueUrlsAtEndpoint(app);
  const endpoint = await app.listen({ port: 0, host: "127.0.0.1" });
  origins.set(endpoint, region);
  return { endpoint, region, stop: () => app.close() };
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
