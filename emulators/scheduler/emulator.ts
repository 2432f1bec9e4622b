/**
 * Amazon EventBridge Scheduler on loopback, for the real SchedulerClient (restJson1): the
 * routes of the service model's `http` traits, its validation and error shapes, schedule
 * groups, ClientToken idempotency, and one-time schedules that fire into SQS (`firing.ts`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { close, listen } from "../http-server.js";
import {
  parseJsonObject,
  pathSegments,
  readBody,
  sendError,
  sendJson,
  WireError,
} from "../rest-json.js";
import { type InjectableSchedulerError, schedulerError } from "./errors.js";
import { type Delivery, type DeliveryFailure, Firing, type SqsTargetEndpoint } from "./firing.js";
import { OPERATIONS, type OperationContext, type SchedulerOperation } from "./operations.js";
import { type SchedulerQuotas, SchedulerState } from "./state.js";

export interface SchedulerEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) lets the OS choose. */
  port?: number;
  /** Region and account in ARNs (defaults "us-east-1", "000000000000"). */
  region?: string;
  accountId?: string;
  /**
   * Where SQS targets are delivered. Without it the SQS client takes its endpoint from the
   * SDK's standard configuration (AWS_ENDPOINT_URL_SQS).
   */
  sqs?: SqsTargetEndpoint;
  /** The emulator's clock (epoch ms); defaults to Date.now. */
  clock?: () => number;
  /**
   * Fire schedules by themselves when they come due (default true): one timer, armed for the
   * next due time. With false, nothing fires until `runDue()`.
   */
  realTime?: boolean;
  quotas?: Partial<SchedulerQuotas>;
  onDelivery?: (delivery: Delivery) => void;
  onFailure?: (failure: DeliveryFailure) => void;
}

/** A schedule as the emulator holds it, for tests and the harness. */
export interface ScheduleView {
  arn: string;
  name: string;
  groupName: string;
  state: "ENABLED" | "DISABLED";
  scheduleExpression: string;
  /** When a one-time schedule fires (ISO), or null for rate()/cron(). */
  dueAt: string | null;
  /** A one-time schedule kept after invoking its target (ActionAfterCompletion NONE). */
  completed: boolean;
  targetArn: string;
  input: string | null;
}

export interface SchedulerEmulator {
  endpoint: string;
  region: string;
  accountId: string;
  schedules(): ScheduleView[];
  /** Successful deliveries, in order. */
  deliveries(): Delivery[];
  /** Failed delivery attempts, in order, each saying whether another attempt follows. */
  failures(): DeliveryFailure[];
  /** The next instant (epoch ms) a schedule or a retry is due. */
  nextDueAt(): number | undefined;
  /** Fires everything due at the clock's time; resolves with this call's deliveries. */
  runDue(): Promise<Delivery[]>;
  /** Resolves when no delivery is under way. */
  settled(): Promise<void>;
  /** The next `count` calls of `operation` fail with `error` (the model's retryable errors). */
  failNext(operation: SchedulerOperation, error: InjectableSchedulerError, count?: number): void;
  stop(): Promise<void>;
}

export interface SchedulerRoute {
  method: string;
  resource: "schedules" | "schedule-groups";
  labels: number;
  operation: SchedulerOperation;
}

/** Paths and methods from the service model's `http` traits. */
export const SCHEDULER_ROUTES: readonly SchedulerRoute[] = [
  { method: "POST", resource: "schedules", labels: 1, operation: "CreateSchedule" },
  { method: "GET", resource: "schedules", labels: 1, operation: "GetSchedule" },
  { method: "PUT", resource: "schedules", labels: 1, operation: "UpdateSchedule" },
  { method: "DELETE", resource: "schedules", labels: 1, operation: "DeleteSchedule" },
  { method: "GET", resource: "schedules", labels: 0, operation: "ListSchedules" },
  { method: "POST", resource: "schedule-groups", labels: 1, operation: "CreateScheduleGroup" },
  { method: "GET", resource: "schedule-groups", labels: 1, operation: "GetScheduleGroup" },
  { method: "DELETE", resource: "schedule-groups", labels: 1, operation: "DeleteScheduleGroup" },
  { method: "GET", resource: "schedule-groups", labels: 0, operation: "ListScheduleGroups" },
];

const INJECTED_MESSAGES: Record<InjectableSchedulerError, string> = {
  ThrottlingException: "Rate exceeded.",
  InternalServerException: "Internal server error (injected fault).",
};

/** Starts the Scheduler endpoint on loopback. */
export async function startSchedulerEmulator(
  options: SchedulerEmulatorOptions = {},
): Promise<SchedulerEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const now = options.clock ?? Date.now;
  const state = new SchedulerState(
    region,
    accountId,
    { schedules: 1_000_000, scheduleGroups: 500, ...options.quotas },
    now(),
  );
  const firing = new Firing({
    state,
    now,
    realTime: options.realTime ?? true,
    sqs: options.sqs,
    onDelivery: options.onDelivery,
    onFailure: options.onFailure,
  });
  const ctx: OperationContext = { state, now, changed: () => firing.arm() };
  const injected = new Map<SchedulerOperation, InjectableSchedulerError[]>();

  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(ctx, injected, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof WireError) {
        sendError(res, error);
        return;
      }
      // An emulator bug: answer as the service would (a retryable 500), and leave a trace.
      console.error("[scheduler-emulator] unexpected error", error);
      sendError(res, schedulerError("InternalServerException", "Emulator internal error"));
    });
  });
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    accountId,
    schedules: () =>
      [...state.schedules.values()].map((s) => ({
        arn: s.arn,
        name: s.input.name,
        groupName: s.input.groupName,
        state: s.input.state,
        scheduleExpression: s.input.scheduleExpression,
        dueAt: s.dueAt === undefined ? null : new Date(s.dueAt).toISOString(),
        completed: s.completed,
        targetArn: String(s.input.target.Arn),
        input: typeof s.input.target.Input === "string" ? s.input.target.Input : null,
      })),
    deliveries: () => [...firing.deliveries],
    failures: () => [...firing.failures],
    nextDueAt: () => firing.nextDueAt(),
    runDue: async () => {
      const before = firing.deliveries.length;
      await firing.runDue();
      return firing.deliveries.slice(before);
    },
    settled: () => firing.settled(),
    failNext: (operation, error, count = 1) => {
      const queue = injected.get(operation) ?? [];
      for (let i = 0; i < count; i++) queue.push(error);
      injected.set(operation, queue);
    },
    // The server first, so no request lands after the firing engine has gone.
    stop: async () => {
      await close(server);
      await firing.stop();
    },
  };
}

async function handle(
  ctx: OperationContext,
  injected: Map<SchedulerOperation, InjectableSchedulerError[]>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.invalid");
  const text = await readBody(req);
  const segments = pathSegments(url.pathname);
  const [resource, ...params] = segments ?? [];
  const route = SCHEDULER_ROUTES.find(
    (r) => r.method === req.method && r.resource === resource && r.labels === params.length,
  );
  if (!route) {
    throw schedulerError(
      "UnknownOperationException",
      `No operation at ${req.method} ${url.pathname}`,
    );
  }
  // No SigV4 verification, but the SDK always signs, so an unsigned request is a bug.
  if (!req.headers.authorization) {
    throw schedulerError("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  const fault = injected.get(route.operation)?.shift();
  if (fault) throw schedulerError(fault, INJECTED_MESSAGES[fault]);
  const body = route.method === "POST" || route.method === "PUT" ? parseJsonObject(text) : {};
  const result = OPERATIONS[route.operation](ctx, { params, query: url.searchParams, body });
  sendJson(res, 200, result);
}
