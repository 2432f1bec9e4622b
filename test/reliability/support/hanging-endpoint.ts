/**
 * An endpoint that stops answering, in front of one of the local stack's stand-ins (fauxqs,
 * dynalite, the EventBridge emulator), which are not to be modified. It forwards each request to
 * the stand-in untouched, except the ones chosen to hang: those are read whole and never
 * answered, the connection left open until the client gives up or the endpoint stops, as with
 * a stalled AWS endpoint or a black-holed network path. Nothing of a hung request reaches the
 * stand-in.
 *
 * It rewrites its own origin to the stand-in's in request bodies and back in responses, as a
 * reverse proxy does, so that an SQS queue URL can name it: the SQS client sends each call to its
 * QueueUrl's origin.
 */
import { createServer, request as forward, type IncomingMessage, type Server } from "node:http";
import { close, listen } from "../../../emulators/http-server.js";

/** What a hang rule may look at. */
export interface RequestSummary {
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target` (JSON protocols: `AWSEvents.PutEvents`, `DynamoDB_20120810.Scan`, ...). */
  readonly target: string;
  readonly body: string;
}

/** `true`: every request hangs; a number: that share of them (seeded); a predicate: those. */
export type HangRule = boolean | number | ((request: RequestSummary) => boolean);

export interface HangingEndpoint {
  readonly endpoint: string;
  hang(rule: HangRule): void;
  /** Requests forwarded, and requests held unanswered (by `X-Amz-Target` or path). */
  stats(): { forwarded: number; hung: number; hungBy: Record<string, number> };
  /** Requests being held right now. */
  holding(): number;
  stop(): Promise<void>;
}

export const startHangingEndpoint = async (
  upstream: string,
  random: () => number = Math.random,
): Promise<HangingEndpoint> => {
  const target = new URL(upstream);
  let rule: HangRule = false;
  let self = "";
  let forwarded = 0;
  let hung = 0;
  const hungBy: Record<string, number> = {};
  const held = new Set<IncomingMessage>();

  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    const summary: RequestSummary = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      target: String(req.headers["x-amz-target"] ?? ""),
      body,
    };
    if (shouldHang(rule, summary, random)) {
      hung++;
      const key = summary.target || summary.path;
      hungBy[key] = (hungBy[key] ?? 0) + 1;
      held.add(req);
      res.once("close", () => held.delete(req));
      return;
    }
    forwarded++;
    const payload = Buffer.from(body.replaceAll(self, target.origin), "utf8");
    const { "transfer-encoding": _chunked, connection: _hop, ...kept } = req.headers;
    const headers = { ...kept, host: target.host, "content-length": payload.length };
    const outbound = forward(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
      },
      async (upstreamResponse) => {
        const text = (await readAll(upstreamResponse)).replaceAll(target.origin, self);
        const answer = Buffer.from(text, "utf8");
        const {
          "transfer-encoding": _chunked,
          connection: _hop,
          ...kept
        } = upstreamResponse.headers;
        res.writeHead(upstreamResponse.statusCode ?? 502, {
          ...kept,
          "content-length": answer.length,
        });
        res.end(answer);
      },
    );
    // The stand-in went away (the stack is stopping): the client sees the connection go.
    outbound.on("error", () => res.destroy());
    outbound.end(payload);
  });
  const port = await listen(server);
  self = `http://127.0.0.1:${port}`;
  return {
    endpoint: self,
    hang(next) {
      rule = next;
    },
    stats: () => ({ forwarded, hung, hungBy: { ...hungBy } }),
    holding: () => held.size,
    // close() destroys every connection, the held ones included: stopping never waits on them.
    stop: () => close(server),
  };
};

const shouldHang = (rule: HangRule, request: RequestSummary, random: () => number): boolean => {
  if (typeof rule === "boolean") return rule;
  if (typeof rule === "number") return rule > 0 && random() < rule;
  return rule(request);
};

const readAll = async (stream: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};
