/**
 * Lambda's event source mapping operations over HTTP on loopback, for the real LambdaClient
 * (restJson1, paths of the service model's `http` traits): CreateEventSourceMapping (202),
 * GetEventSourceMapping, ListEventSourceMappings (FunctionName/EventSourceArn filters,
 * Marker/MaxItems), UpdateEventSourceMapping (202) and DeleteEventSourceMapping (202).
 *
 * Lambda's control-plane quota is enforced as a token bucket (AWS's default: 15 requests per
 * second for the control plane); past it, TooManyRequestsException (429) with Retry-After.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SQSClient } from "@aws-sdk/client-sqs";
import { TokenBucket } from "../connect/token-bucket.js";
import { close, listen } from "../http-server.js";
import {
  parseJsonObject,
  pathSegments,
  readBody,
  sendError,
  sendJson,
  WireError,
} from "../rest-json.js";
import { type InjectableLambdaError, lambdaError, throttled } from "./api-errors.js";
import {
  ControlPlane,
  type EventSourceMapping,
  type LambdaFunctionDefinition,
} from "./control-plane.js";
import type { LambdaRunnerOptions } from "./event-source-mapping.js";

export interface LambdaEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) lets the OS choose. */
  port?: number;
  /** Region and account of the functions and mappings (defaults "us-east-1", "000000000000"). */
  region?: string;
  accountId?: string;
  /**
   * Where the mappings' queues are polled. Without it the SQS client takes its endpoint from
   * the SDK's standard configuration (AWS_ENDPOINT_URL_SQS).
   */
  sqs?: { endpoint: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** Functions that mappings may invoke; more can be added with addFunction(). */
  functions?: LambdaFunctionDefinition[];
  /** Execution environments of a mapping whose ScalingConfig sets no maximum (default 2). */
  defaultConcurrency?: number;
  /** Long-poll wait of each ReceiveMessage, 1 to 20 s (default 1, so stops are quick). */
  pollWaitSeconds?: number;
  /**
   * Mappings poll whenever they are Enabled (default true), as on AWS. With false a mapping's
   * pollers run only between its runner's start() (or drain()) and stop().
   */
  autoStart?: boolean;
  /** The least time a state transition takes (default 0: it still ends after the response). */
  transitionMs?: number;
  /** Control-plane requests per second and burst (default 15/15); null turns the quota off. */
  rateLimit?: { rps: number; burst: number } | null;
  clock?: () => number;
  onInvoke?: LambdaRunnerOptions["onInvoke"];
  onError?: LambdaRunnerOptions["onError"];
}

export type LambdaApiOperation =
  | "CreateEventSourceMapping"
  | "GetEventSourceMapping"
  | "ListEventSourceMappings"
  | "UpdateEventSourceMapping"
  | "DeleteEventSourceMapping";

export interface LambdaEmulator {
  endpoint: string;
  region: string;
  accountId: string;
  /** Registers a function; returns its ARN. */
  addFunction(definition: LambdaFunctionDefinition): string;
  /**
   * CreateEventSourceMapping in process, for a harness: the same request members, validation
   * and errors as the API (a rejection is the error the API would answer).
   */
  createEventSourceMapping(request: Record<string, unknown>): Promise<EventSourceMapping>;
  mapping(uuid: string): EventSourceMapping | undefined;
  mappings(): EventSourceMapping[];
  /** The next `count` calls of `operation` fail with `error`. */
  failNext(operation: LambdaApiOperation, error: InjectableLambdaError, count?: number): void;
  /** Stops the server, then every mapping's pollers (letting invocations in hand finish). */
  stop(): Promise<void>;
}

const PREFIX = ["2015-03-31", "event-source-mappings"];

export interface LambdaRoute {
  method: string;
  /** Path labels after /2015-03-31/event-source-mappings. */
  labels: number;
  operation: LambdaApiOperation;
}

export const LAMBDA_ROUTES: readonly LambdaRoute[] = [
  { method: "POST", labels: 0, operation: "CreateEventSourceMapping" },
  { method: "GET", labels: 0, operation: "ListEventSourceMappings" },
  { method: "GET", labels: 1, operation: "GetEventSourceMapping" },
  { method: "PUT", labels: 1, operation: "UpdateEventSourceMapping" },
  { method: "DELETE", labels: 1, operation: "DeleteEventSourceMapping" },
];

const SUCCESS_STATUS: Record<LambdaApiOperation, number> = {
  CreateEventSourceMapping: 202,
  GetEventSourceMapping: 200,
  ListEventSourceMappings: 200,
  UpdateEventSourceMapping: 202,
  DeleteEventSourceMapping: 202,
};

const INJECTED_MESSAGES: Record<InjectableLambdaError, string> = {
  TooManyRequestsException: "Rate exceeded",
  ServiceException: "The Lambda service encountered an internal error (injected fault).",
};

interface ServerContext {
  plane: ControlPlane;
  bucket?: TokenBucket;
  now: () => number;
  injected: Map<LambdaApiOperation, InjectableLambdaError[]>;
}

/** Starts the Lambda event source mapping API on loopback. */
export async function startLambdaEmulator(
  options: LambdaEmulatorOptions = {},
): Promise<LambdaEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const now = options.clock ?? Date.now;
  const sqs = new SQSClient({
    region,
    ...(options.sqs
      ? {
          endpoint: options.sqs.endpoint,
          // A local endpoint checks no signatures; the SDK still needs something to sign with.
          credentials: options.sqs.credentials ?? {
            accessKeyId: "lambda",
            secretAccessKey: "lambda",
          },
        }
      : {}),
  });
  const plane = new ControlPlane({
    region,
    accountId,
    now,
    sqs,
    defaultConcurrency: options.defaultConcurrency ?? 2,
    pollWaitSeconds: options.pollWaitSeconds ?? 1,
    autoStart: options.autoStart ?? true,
    transitionMs: options.transitionMs ?? 0,
    onInvoke: options.onInvoke,
    onError: options.onError,
  });
  for (const definition of options.functions ?? []) plane.addFunction(definition);
  const rateLimit = options.rateLimit === undefined ? { rps: 15, burst: 15 } : options.rateLimit;
  const ctx: ServerContext = {
    plane,
    bucket: rateLimit ? new TokenBucket(rateLimit, now()) : undefined,
    now,
    injected: new Map(),
  };
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof WireError) {
        sendError(res, error);
        return;
      }
      // An emulator bug: answer as the service would (a retryable 500), and leave a trace.
      console.error("[lambda-emulator] unexpected error", error);
      sendError(res, lambdaError("ServiceException", "Emulator internal error"));
    });
  });
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId,
    addFunction: (definition) => plane.addFunction(definition),
    createEventSourceMapping: (request) => plane.create(request),
    mapping: (uuid) => plane.find(uuid),
    mappings: () => plane.all(),
    failNext: (operation, error, count = 1) => {
      const queue = ctx.injected.get(operation) ?? [];
      for (let i = 0; i < count; i++) queue.push(error);
      ctx.injected.set(operation, queue);
    },
    stop: async () => {
      await close(server);
      await plane.stop();
      sqs.destroy();
    },
  };
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const text = await readBody(req);
  const segments = pathSegments(url.pathname) ?? [];
  const onPrefix = PREFIX.every((segment, i) => segments[i] === segment);
  const params = segments.slice(PREFIX.length);
  const route =
    onPrefix && LAMBDA_ROUTES.find((r) => r.method === req.method && r.labels === params.length);
  if (!route) {
    throw lambdaError("UnknownOperationException", `No operation at ${req.method} ${url.pathname}`);
  }
  // No SigV4 verification, but the SDK always signs, so an unsigned request is a bug.
  if (!req.headers.authorization) {
    throw lambdaError("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  if (ctx.bucket && !ctx.bucket.tryTake(ctx.now())) throw throttled();
  const fault = ctx.injected.get(route.operation)?.shift();
  if (fault) {
    throw fault === "TooManyRequestsException"
      ? throttled()
      : lambdaError(fault, INJECTED_MESSAGES[fault]);
  }
  const uuid = params[0] ?? "";
  const body = req.method === "POST" || req.method === "PUT" ? parseJsonObject(text) : {};
  const { plane } = ctx;
  let result: unknown;
  switch (route.operation) {
    case "CreateEventSourceMapping":
      result = (await plane.create(body)).configuration();
      break;
    case "GetEventSourceMapping":
      result = plane.get(uuid).configuration();
      break;
    case "ListEventSourceMappings":
      result = plane.list(url.searchParams);
      break;
    case "UpdateEventSourceMapping":
      result = plane.update(uuid, body).configuration();
      break;
    case "DeleteEventSourceMapping":
      result = plane.delete(uuid).configuration();
      break;
  }
  sendJson(res, SUCCESS_STATUS[route.operation], result);
}
