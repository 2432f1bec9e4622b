/**
 * HTTP front end: restJson1 routing, the Authorization check, injected faults (errors,
 * throttling, dropped and hung connections, latency), the per-API token buckets, and error
 * serialization the SDK's deserializers understand (`x-amzn-errortype` header,
 * `{"Message": ...}` body, the status from the model).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ConnectError } from "./errors.js";
import { type FaultTable, pickLatency, roll } from "./faults.js";
import { OPERATIONS } from "./operations.js";
import type { ConnectState } from "./state.js";
import type { TokenBucket } from "./token-bucket.js";
import type { ApiStats, ConnectApi } from "./types.js";
import { isJsonObject } from "./validation.js";

interface Route {
  method: string;
  /** First path segment. */
  resource: string;
  /** Number of path labels after it. */
  labels: number;
  /** A fixed last segment after the labels (`/users/{InstanceId}/{UserId}/hierarchy`). */
  suffix?: string;
  api: ConnectApi;
}

/** Paths and methods from the service model's `http` traits. */
const ROUTES: readonly Route[] = [
  { method: "PUT", resource: "users", labels: 1, api: "CreateUser" },
  { method: "GET", resource: "users", labels: 2, api: "DescribeUser" },
  { method: "DELETE", resource: "users", labels: 2, api: "DeleteUser" },
  { method: "POST", resource: "search-users", labels: 0, api: "SearchUsers" },
  { method: "GET", resource: "users-summary", labels: 1, api: "ListUsers" },
  { method: "GET", resource: "routing-profiles-summary", labels: 1, api: "ListRoutingProfiles" },
  { method: "GET", resource: "security-profiles-summary", labels: 1, api: "ListSecurityProfiles" },
  {
    method: "GET",
    resource: "user-hierarchy-groups-summary",
    labels: 1,
    api: "ListUserHierarchyGroups",
  },
  { method: "GET", resource: "tags", labels: 1, api: "ListTagsForResource" },
  { method: "POST", resource: "tags", labels: 1, api: "TagResource" },
  { method: "DELETE", resource: "tags", labels: 1, api: "UntagResource" },
  ...(
    [
      ["routing-profile", "UpdateUserRoutingProfile"],
      ["security-profiles", "UpdateUserSecurityProfiles"],
      ["hierarchy", "UpdateUserHierarchy"],
      ["identity-info", "UpdateUserIdentityInfo"],
      ["phone-config", "UpdateUserPhoneConfig"],
    ] as const
  ).map(([suffix, api]) => ({ method: "POST", resource: "users", labels: 2, suffix, api })),
];

export interface ServerContext {
  state: ConnectState;
  buckets: Record<ConnectApi, TokenBucket>;
  faults: FaultTable;
  stats: Record<ConnectApi, ApiStats>;
  now: () => number;
  random: () => number;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Splits the path before decoding, so that an ARN label (its `/` sent as `%2F`) stays one
 * label. Returns undefined for a malformed escape.
 */
function pathSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function matchRoute(
  method: string,
  segments: string[],
): { route: Route; params: string[] } | undefined {
  const [resource, ...rest] = segments;
  for (const route of ROUTES) {
    if (route.method !== method || route.resource !== resource) continue;
    const params = route.suffix === undefined ? rest : rest.slice(0, -1);
    if (route.suffix !== undefined && rest[rest.length - 1] !== route.suffix) continue;
    if (params.length === route.labels) return { route, params };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) {
        reject(new ConnectError("SerializationException", "Request body too large"));
      } else {
        resolve(Buffer.concat(chunks).toString("utf8"));
      }
    });
    req.on("error", reject);
  });
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConnectError("SerializationException", "The request body is not valid JSON");
  }
  if (!isJsonObject(parsed)) {
    throw new ConnectError("SerializationException", "The request body must be a JSON object");
  }
  return parsed;
}

function send(res: ServerResponse, requestId: string, status: number, body?: unknown): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": requestId,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, requestId: string, error: ConnectError): void {
  const payload = JSON.stringify({ Message: error.message });
  res.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": requestId,
    "x-amzn-errortype": error.code,
  });
  res.end(payload);
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse) {
  const requestId = randomUUID();
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const segments = pathSegments(url.pathname);
  const text = await readBody(req);
  const matched = segments && matchRoute(req.method ?? "GET", segments);
  if (!matched) {
    sendError(
      res,
      requestId,
      new ConnectError(
        "UnknownOperationException",
        `No operation at ${req.method} ${url.pathname}`,
      ),
    );
    return;
  }
  const { api } = matched.route;
  const stats = ctx.stats[api];
  stats.requests++;

  // No SigV4 verification, but the SDK always signs, so an unsigned request is a bug.
  if (!req.headers.authorization) {
    stats.clientErrors++;
    sendError(
      res,
      requestId,
      new ConnectError("MissingAuthenticationTokenException", "Missing Authentication Token"),
    );
    return;
  }

  const faults = ctx.faults.get(api);
  const latency = pickLatency(faults.latencyMs, ctx.random);
  if (latency > 0) await sleep(latency);
  if (roll(faults.dropRate, ctx.random)) {
    stats.faults++;
    req.socket.destroy();
    return;
  }
  if (roll(faults.hangRate, ctx.random)) {
    stats.faults++;
    stats.hung++;
    await untilClosed(res);
    return;
  }
  if (roll(faults.deniedRate, ctx.random)) {
    stats.clientErrors++;
    sendError(
      res,
      requestId,
      new ConnectError(
        "AccessDeniedException",
        `User is not authorized to perform: connect:${api} (injected fault)`,
      ),
    );
    return;
  }
  if (!ctx.buckets[api].tryTake(ctx.now()) || roll(faults.throttleRate, ctx.random)) {
    stats.throttled++;
    sendError(res, requestId, new ConnectError("ThrottlingException", "Rate exceeded"));
    return;
  }
  if (roll(faults.errorRate, ctx.random)) {
    stats.faults++;
    sendError(
      res,
      requestId,
      new ConnectError("InternalServiceException", "Request processing failed (injected fault)"),
    );
    return;
  }

  let result: ReturnType<(typeof OPERATIONS)[ConnectApi]>;
  try {
    const body = req.method === "PUT" || req.method === "POST" ? parseBody(text) : {};
    result = OPERATIONS[api](ctx.state, { params: matched.params, query: url.searchParams, body });
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    if (error.status >= 500) stats.faults++;
    else stats.clientErrors++;
    sendError(res, requestId, error);
    return;
  }
  if (roll(faults.dropAfterRate, ctx.random)) {
    stats.faults++;
    req.socket.destroy();
    return;
  }
  stats.ok++;
  send(res, requestId, result.status, result.body);
}

/** Resolves once the connection under `res` is gone: the client gave up, or the server stopped. */
function untilClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once("close", () => resolve()));
}

export function createConnectServer(ctx: ServerContext): Server {
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (error instanceof ConnectError) {
        if (!res.headersSent) sendError(res, randomUUID(), error);
        return;
      }
      // An emulator bug: answer like the service would, and leave a trace.
      console.error("[connect-emulator] unexpected error", error);
      if (!res.headersSent && !res.destroyed) {
        sendError(
          res,
          randomUUID(),
          new ConnectError("InternalServiceException", "Emulator internal error"),
        );
      }
    });
  });
  return server;
}
