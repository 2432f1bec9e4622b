/**
 * Joiners and movers on the local stack: employee events at chosen HR versions, Lambda
 * environments of the real handler (optionally wrapped, to line deliveries up), and readings of
 * what the emulators saw. Everything observed comes from the emulators, the ledger table and
 * the function's own log lines, never from the handler's return value.
 */
import type { ApiStats, ConnectApi } from "../../emulators/connect/index.js";
import {
  createLambdaRunner,
  type LambdaRunner,
  type SqsLambdaHandler,
} from "../../emulators/lambda/index.js";
import { createHandler } from "../../functions/create-onboard-employee-handler.js";
import type { LocalStack } from "../../local/stack.js";
import { queueDepth } from "../../shared/queue-tools.js";
import { LogCapture } from "../reliability/support/observe.js";
import { hireBody } from "./lambda-events.js";

export type EmployeeEventType = "EmployeeHired" | "EmployeeRehired" | "EmployeeUpdated";

/**
 * A canonical event for an employee at an HR version (`occurredAt`); its eventId names the
 * employee and the version, as an HRIS's would.
 */
export const employeeEvent = (
  eventType: EmployeeEventType,
  occurredAt: string,
  employee: Record<string, unknown>,
): string =>
  hireBody(employee, {
    eventType,
    occurredAt,
    eventId: `${String(employee.employeeId ?? "E12345")}-${eventType}-${occurredAt}`,
  });

/** The APIs that change a user, one per aspect (tags take two). */
export const CHANGE_APIS = [
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
  "UpdateUserIdentityInfo",
  "UpdateUserPhoneConfig",
  "TagResource",
  "UntagResource",
] as const satisfies readonly ConnectApi[];

/** The emulator's counters for these APIs, by API. */
export const apiStats = (
  stack: LocalStack,
  apis: readonly ConnectApi[],
): Record<string, ApiStats> => {
  const all = stack.connect.stats();
  return Object.fromEntries(apis.map((api) => [api, all[api] as ApiStats]));
};

/** Successful calls per API since `before` (a snapshot from `apiStats`). */
export const callsSince = (
  stack: LocalStack,
  before: Record<string, ApiStats>,
): Record<string, number> =>
  Object.fromEntries(
    Object.entries(apiStats(stack, Object.keys(before) as ConnectApi[])).map(([api, now]) => [
      api,
      now.ok - (before[api]?.ok ?? 0),
    ]),
  );

/** Published events of one detail type (about one employee, when given), in order. */
export const published = (stack: LocalStack, detailType: string, employeeId?: string) =>
  stack.eventBridge
    .events()
    .filter(
      (event) =>
        event.detailType === detailType &&
        (employeeId === undefined || event.detail.employeeId === employeeId),
    )
    .map((event) => event.detail);

/** The Connect users tagged for an employee. */
export const usersOf = (stack: LocalStack, employeeId: string) =>
  stack.connect.users().filter((user) => user.tags.employeeId === employeeId);

export interface EnvironmentOptions {
  readonly count?: number;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  /** Settings over the stack's function environment (POWERTOOLS_LOG_LEVEL, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Wraps each environment's handler (its index given), to observe or line up deliveries. */
  readonly wrap?: (handler: SqsLambdaHandler, index: number) => SqsLambdaHandler;
  readonly onInvoke?: Parameters<typeof createLambdaRunner>[0]["onInvoke"];
}

/**
 * Lambda environments polling the onboarding queue, each its own handler from `createHandler`
 * (own caches, own pacing), as Lambda runs them: one invocation at a time per environment.
 */
export const environments = (stack: LocalStack, options: EnvironmentOptions = {}) =>
  Array.from({ length: options.count ?? 2 }, (_, i) =>
    createLambdaRunner({
      sqsClient: stack.sqs,
      queueUrl: stack.queues.queueUrl,
      queueArn: stack.queues.queueArn,
      handler: (options.wrap ?? ((handler) => handler))(
        createHandler({ ...stack.env, ...options.env }),
        i,
      ),
      batchSize: options.batchSize ?? 10,
      maximumConcurrency: 1,
      timeoutMs: options.timeoutMs ?? 10_000,
      functionName: `connect-onboarding-env-${i + 1}`,
      ...(options.onInvoke ? { onInvoke: options.onInvoke } : {}),
    }),
  );

/**
 * Runs the environments until the onboarding queue holds nothing, visible or in flight, and no
 * invocation runs; then stops them all.
 */
export const runUntilDrained = async (
  stack: LocalStack,
  runners: readonly LambdaRunner[],
  timeoutMs = 60_000,
): Promise<void> => {
  let done = false;
  const isDone = async () => {
    if (done) return true;
    const depth = await queueDepth(stack.sqs, stack.queues.queueUrl);
    done = depth.total === 0 && runners.every((runner) => runner.stats().inFlight === 0);
    if (done) for (const runner of runners) void runner.stop();
    return done;
  };
  try {
    await Promise.all(runners.map((runner) => runner.drain(isDone, { timeoutMs })));
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
  }
};

/** A promise with its resolve function, to line concurrent deliveries up on an event. */
export const gate = () => {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

/**
 * The function's log lines while `run` runs (the Powertools Logger writes JSON lines to stdout),
 * for what only they tell: a record's outcome (STALE, UNCHANGED, ...).
 */
export const functionLogs = async (
  run: () => Promise<void>,
): Promise<Record<string, unknown>[]> => {
  const capture = new LogCapture().start();
  try {
    await run();
  } finally {
    capture.stop();
  }
  return capture.jsonLinesSince(0);
};

/** The outcome each sync logged, by employee, in the order logged. */
export const outcomesLogged = (lines: readonly Record<string, unknown>[], employeeId: string) =>
  lines
    .filter((line) => line.employeeId === employeeId && typeof line.outcome === "string")
    .map((line) => line.outcome as string);
