import { UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import type { ReportUser } from "../emulators/connect/index.js";
import type {
  EventSourceMapping,
  EventSourceMappingRunner,
  EventSourceMappingState,
} from "../emulators/lambda/index.js";

import {
  createHandler,
  type OnboardEmployeeHandler,
} from "../functions/create-onboard-employee-handler.js";
import { LEDGER_KEYS } from "../shared/adapters/dynamodb-ledger.js";
import { decodeAttributeText, REDRIVEN_BY_SQS } from "../shared/adapters/sqs-dead-letter-parker.js";
import type { HistoryEntry } from "../shared/domain/ledger.js";
import { PROVISIONING_FAILED, USER_CREATED, USER_UPDATED } from "../shared/domain/output-events.js";
import { peekMessages, queueDepth } from "../shared/queue-tools.js";
import { type Enqueued, enqueue } from "./queues.js";
import { LOCAL_FUNCTION_NAME, type LocalStack } from "./stack.js";

export interface PipelineOptions {
  /** Lambda environments polling the queue at once (production's maximum concurrency). */
  readonly consumers?: number;
  readonly batchSize?: number;
  /** In whole seconds, as the event source mapping takes it. */
  readonly maximumBatchingWindowMs?: number;
  /** The function timeout. */
  readonly timeoutMs?: number;
  /** Give up waiting for the queue to drain after this long in all (default: no limit). */
  readonly drainTimeoutMs?: number;
  /**
   * Give up when, for this long, no message was received and no invocation finished (default
   * 120 s): the run has stalled. Work that progresses is never cut short.
   */
  readonly stallTimeoutMs?: number;
  /** Called as the run progresses: after each invocation, and a few times a second. */
  readonly onProgress?: (progress: PipelineProgress) => void;
  /** Each phase's bodies as they are sent (npm start resolves relative times then). */
  readonly beforeSend?: (bodies: readonly string[]) => readonly string[];
  /** Called once the bodies are on the queue. */
  readonly onSent?: (enqueued: Enqueued) => void;
  /**
   * The Lambda environments' handlers, one per consumer (default: new ones). Phases reuse
   * theirs: a warm environment keeps its caches, pacing and cold-start state, as on Lambda.
   */
  readonly handlers?: readonly OnboardEmployeeHandler[];
}

/** Where a run stands. */
export interface PipelineProgress {
  readonly sent: number;
  /** Messages still on the onboarding queue (visible, in flight or delayed). */
  readonly remaining: number;
  readonly inFlight: number;
  /** Users announced as created or adopted so far. */
  readonly provisioned: number;
  /** Provisioning Failed events so far (one per parked message, at least). */
  readonly parked: number;
  readonly elapsedMs: number;
}

export const DEFAULT_STALL_TIMEOUT_MS = 120_000;
/** Production's maximum concurrency of the event source mapping. */
const DEFAULT_CONSUMERS = 2;

/** For the stall timeout, nothing moved: no message received, no invocation running or ended. */
export class DrainStalledError extends Error {
  override readonly name = "DrainStalledError";
  constructor(readonly idleMs: number) {
    super(`no message was received and no invocation ran for ${idleMs} ms`);
  }
}

export interface PublishedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface DeadLetterReport {
  readonly body: string;
  readonly reason: string;
  readonly message: string;
}

/** The `--json` document of docs/local-stack.md. */
export interface PipelineReport {
  readonly users: (Omit<ReportUser, "hierarchyGroupId"> & { hierarchyGroupId: string | null })[];
  readonly published: PublishedEvent[];
  readonly deadLetters: DeadLetterReport[];
  /** Terminations still waiting for their effective time when the run ended. */
  readonly scheduled: ScheduledRemovalReport[];
  /** What is still on the onboarding queue (after a quarantine, what waits for the release). */
  readonly queued: { readonly body: string }[];
  readonly quarantine: QuarantineReport;
  readonly stats: PipelineStats;
}

export interface QuarantineReport {
  readonly active: boolean;
  readonly reason: string | null;
}

export interface ScheduledRemovalReport {
  readonly employeeId: string;
  readonly userId: string;
  readonly effectiveAt: string;
}

export interface PipelineStats {
  readonly received: number;
  readonly created: number;
  readonly alreadyExisted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly stale: number;
  /** Leavers' users deleted or disabled. */
  readonly removed: number;
  /** Terminations scheduled for a later effective time. */
  readonly scheduled: number;
  readonly failed: number;
  readonly durationMs: number;
}

/**
 * Sends the bodies to the onboarding queue and runs the real handler over them, as Lambda's
 * event source mapping would, until every message is provisioned, parked or dead-lettered.
 */
export const runPipeline = (
  stack: LocalStack,
  bodies: readonly string[],
  options: PipelineOptions = {},
): Promise<PipelineReport> => runPhases(stack, [bodies], options);

/**
 * Phases in order, each sent only once everything before it is done: so a hire, its update and
 * a late, older update arrive in the order a test or a demonstration needs, whatever SQS does
 * within a phase. `onSent` is called once per phase.
 */
/** The ledger's history entries written since `since` (epoch ms): the run's events. */
export const historySince = async (stack: LocalStack, since: number): Promise<HistoryEntry[]> =>
  (await stack.table.ledgerHistory()).filter((entry) => entry.appliedAt >= since);

export const runPhases = async (
  stack: LocalStack,
  phases: readonly (readonly string[])[],
  options: PipelineOptions = {},
): Promise<PipelineReport> => {
  const started = Date.now();
  const handlers =
    options.handlers ??
    Array.from({ length: options.consumers ?? DEFAULT_CONSUMERS }, () => createHandler(stack.env));
  let sent = 0;
  for (const phase of phases) {
    const bodies = options.beforeSend ? options.beforeSend(phase) : phase;
    const enqueued = await enqueue(stack.sqs, stack.queues.queueUrl, bodies);
    sent += bodies.length;
    options.onSent?.(enqueued);
    // Quarantined: what waits stays on the queue, and later phases are not sent.
    if ((await drainQueue(stack, { ...options, handlers, sent })).quarantined) {
      await handedBack(stack);
      break;
    }
  }
  await awaitDueRemovals(stack, { ...options, handlers, sent });
  return {
    ...(await collectReport(stack)),
    stats: await summarise(stack, sent, started),
  };
};

/** How often a run looks at the queue between invocations (a few SQS calls a second on loopback). */
const CHECK_EVERY_MS = 250;

/**
 * Runs the stack's event source mapping until the onboarding queue holds nothing, visible or in
 * flight, or until the mapping is disabled (the function quarantined the service: the batches in
 * hand settle, the rest waits on the queue). A mapping already disabled runs nothing. Resolves
 * with the time from the pollers' start to that moment (their shutdown, up to one long poll
 * more, is not counted).
 */
export const drainQueue = async (
  stack: LocalStack,
  options: PipelineOptions & { readonly sent?: number } = {},
): Promise<{ drainedAfterMs: number; quarantined: boolean }> => {
  const { mapping } = stack;
  await configureMapping(stack, options);
  if (isStopped(mapping.state())) return { drainedAfterMs: 0, quarantined: true };
  const started = performance.now();
  const { runner } = mapping;
  let quarantined = false;
  const isDone = async () => {
    if (isStopped(mapping.state())) {
      quarantined = true;
      return mapping.state() === "Disabled" && runner.stats().inFlight === 0;
    }
    const depth = await queueDepth(stack.sqs, stack.queues.queueUrl);
    options.onProgress?.({
      sent: options.sent ?? 0,
      remaining: depth.total,
      inFlight: depth.inFlight,
      ...announced(stack),
      elapsedMs: performance.now() - started,
    });
    return runner.stats().inFlight === 0 && depth.total === 0;
  };
  runner.start();
  let drainedAfterMs = 0;
  try {
    await untilDone(stack, runner, isDone, options);
    drainedAfterMs = performance.now() - started;
  } finally {
    await runner.stop();
  }
  return { drainedAfterMs, quarantined };
};

/**
 * Waits for the records a quarantined batch handed back to be visible on the queue again (their
 * visibility timeout lapses; with the mapping disabled nobody receives them), so the report's
 * `queued` holds every message that waits for the release.
 */
const handedBack = async (stack: LocalStack): Promise<void> => {
  const giveUpAt = Date.now() + stack.queues.visibilityTimeoutSeconds * 1000 + 5_000;
  while (Date.now() < giveUpAt) {
    if ((await queueDepth(stack.sqs, stack.queues.queueUrl)).inFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
  }
};

/** Disabling or disabled: consumption stops (a quarantine, until the release enables it). */
const isStopped = (state: EventSourceMappingState): boolean =>
  state === "Disabling" || state === "Disabled";

/**
 * Checks `isDone` after every invocation and every CHECK_EVERY_MS (a message SQS moved to its
 * DLQ, a mapping disabled, show only there); rejects on a stall or the drain timeout.
 */
const untilDone = (
  stack: LocalStack,
  runner: EventSourceMappingRunner,
  isDone: () => Promise<boolean>,
  options: PipelineOptions,
): Promise<void> =>
  new Promise((resolve, reject) => {
    let finished = false;
    let checking = false;
    let again = false;
    const stall = watchForStall([runner], options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      clearTimeout(limit);
      unsubscribe();
      stall.cancel();
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = async () => {
      if (finished) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          if (await isDone()) return finish();
        } while (again && !finished);
      } catch (error) {
        finish(error);
      } finally {
        checking = false;
      }
    };
    const ticker = setInterval(() => void check(), CHECK_EVERY_MS);
    const unsubscribe = stack.onInvoke(() => void check());
    const timeoutMs = options.drainTimeoutMs ?? Number.POSITIVE_INFINITY;
    const limit = Number.isFinite(timeoutMs)
      ? setTimeout(() => finish(new Error(`drain: not done after ${timeoutMs} ms`)), timeoutMs)
      : undefined;
    stall.stalled.catch(finish);
    void check();
  });

/**
 * Sets the stack's event source mapping up for a run through the Lambda API, as a deployment
 * would: the function defined anew with this run's environments (handlers) and timeout, so the
 * mapping's environments are replaced by them; the batch size, batching window and concurrency.
 * Enabled is left as it is: only the function (quarantine) and an operator (release) change it.
 */
const configureMapping = async (stack: LocalStack, options: PipelineOptions): Promise<void> => {
  const consumers = options.handlers?.length ?? options.consumers ?? DEFAULT_CONSUMERS;
  const handlers =
    options.handlers ?? Array.from({ length: consumers }, () => createHandler(stack.env));
  const windowMs = options.maximumBatchingWindowMs ?? 0;
  if (!Number.isInteger(windowMs / 1000)) {
    throw new RangeError(`maximumBatchingWindowMs must be whole seconds, got ${windowMs}`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const defined = definedFunctions.get(stack);
  // The same environments as the phase before: the function stays as it is, so do its
  // execution environments (and their log streams), as between two batches on AWS.
  if (defined?.handlers !== handlers || defined.timeoutMs !== timeoutMs) {
    let next = 0;
    stack.lambda.addFunction({
      functionName: LOCAL_FUNCTION_NAME,
      createHandler: () => handlers[next++ % handlers.length] as OnboardEmployeeHandler,
      timeoutMs,
    });
    definedFunctions.set(stack, { handlers, timeoutMs });
  }
  const { mapping } = stack;
  const before = await settled(mapping);
  await stack.lambdaClient.send(
    new UpdateEventSourceMappingCommand({
      UUID: mapping.uuid,
      FunctionName: LOCAL_FUNCTION_NAME,
      BatchSize: options.batchSize ?? 10,
      MaximumBatchingWindowInSeconds: windowMs / 1000,
      // One consumer: no maximum, so the emulator's default of one environment (AWS allows 2 up).
      ScalingConfig: consumers >= 2 ? { MaximumConcurrency: consumers } : {},
    }),
  );
  await mapping.waitForState(before);
};

/** The function each stack's mapping invokes now: its environments' handlers and timeout. */
const definedFunctions = new WeakMap<
  LocalStack,
  { readonly handlers: readonly OnboardEmployeeHandler[]; readonly timeoutMs: number }
>();

/** The state the mapping settles in: Enabled or Disabled, once a transition under way ends. */
const settled = async (mapping: EventSourceMapping): Promise<"Enabled" | "Disabled"> => {
  const state = mapping.state();
  const target =
    state === "Disabled" || state === "Disabling"
      ? "Disabled"
      : state === "Enabled" || state === "Enabling" || state === "Creating"
        ? "Enabled"
        : undefined;
  if (!target) throw new Error(`the event source mapping is ${state}: a run cannot start now`);
  await mapping.waitForState(target);
  return target;
};

/** Scheduled removals due within this long of the run's end are waited for (DESIGN section 10). */
export const DUE_REMOVALS_HORIZON_MS = 60_000;
/** A schedule still there this long after its time (its deliveries failing) is no longer waited for. */
const DUE_GRACE_MS = 15_000;

/**
 * Waits for the scheduler to fire the removals due within the horizon, and for the function to
 * carry them out; those due later are left scheduled (the report's `scheduled`).
 */
export const awaitDueRemovals = async (
  stack: LocalStack,
  options: PipelineOptions & { readonly sent?: number } = {},
): Promise<void> => {
  const waited = new Set<string>();
  for (;;) {
    const horizon = Date.now() + DUE_REMOVALS_HORIZON_MS;
    const soon = stack.scheduler
      .schedules()
      .filter(
        (schedule) =>
          schedule.state === "ENABLED" &&
          !schedule.completed &&
          schedule.dueAt !== null &&
          Date.parse(schedule.dueAt) <= horizon &&
          !waited.has(`${schedule.arn}@${schedule.dueAt}`),
      );
    if (soon.length === 0) return;
    for (const schedule of soon) waited.add(`${schedule.arn}@${schedule.dueAt}`);
    const giveUpAt = Math.max(...soon.map((s) => Date.parse(s.dueAt as string))) + DUE_GRACE_MS;
    const fired = () => {
      const now = new Map(stack.scheduler.schedules().map((s) => [s.arn, s]));
      return soon.every((s) => now.get(s.arn)?.dueAt !== s.dueAt || now.get(s.arn)?.completed);
    };
    while (!fired() && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
    }
    await stack.scheduler.settled();
    await drainQueue(stack, options);
  }
};

/** How often `queueSettled` looks: a few SQS calls a second on loopback. */
const SETTLED_POLL_MS = 200;

/**
 * Resolves once the onboarding queue holds nothing and no consumer has an invocation in hand,
 * while the consumers keep running (`--serve` sends its next phase then).
 */
export const queueSettled = async (
  stack: LocalStack,
  runner: Pick<EventSourceMappingRunner, "stats">,
  givenUp: () => boolean = () => false,
): Promise<void> => {
  while (!givenUp()) {
    const depth = await queueDepth(stack.sqs, stack.queues.queueUrl);
    if (depth.total === 0 && runner.stats().inFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, SETTLED_POLL_MS));
  }
};

/**
 * Rejects once, for `idleMs`, no consumer received a message or ran an invocation. A running
 * invocation counts as work: its function timeout bounds it. Judged across all consumers: one
 * may sit idle while another holds every message in flight.
 */
const watchForStall = (
  runners: readonly Pick<EventSourceMappingRunner, "stats">[],
  idleMs: number,
): { stalled: Promise<never>; cancel: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  const worked = () =>
    runners.reduce((sum, runner) => {
      const stats = runner.stats();
      return sum + stats.records + stats.invocations + stats.succeeded + stats.failedItems;
    }, 0);
  const stalled = new Promise<never>((_, reject) => {
    let seen = worked();
    let lastActivity = Date.now();
    // One timer, re-armed for what is left of the interval, rather than reset on every event.
    const watch = () => {
      const now = Date.now();
      const work = worked();
      if (work !== seen || runners.some((runner) => runner.stats().inFlight > 0)) {
        seen = work;
        lastActivity = now;
      }
      const idle = now - lastActivity;
      if (idle >= idleMs) reject(new DrainStalledError(idleMs));
      else timer = setTimeout(watch, Math.min(idleMs - idle, 1_000));
    };
    timer = setTimeout(watch, Math.min(idleMs, 1_000));
  });
  // The race may end without it: never an unhandled rejection.
  stalled.catch(() => {});
  return { stalled, cancel: () => clearTimeout(timer) };
};

/** Users announced (created or adopted, each once) and failures announced so far. */
const announced = (stack: LocalStack): { provisioned: number; parked: number } => {
  const users = new Set<string>();
  let parked = 0;
  for (const event of stack.eventBridge.events()) {
    if (event.detailType === USER_CREATED) users.add(String(event.detail.eventId));
    else if (event.detailType === PROVISIONING_FAILED) parked++;
  }
  return { provisioned: users.size, parked };
};

/**
 * The stack's mapping set up for `options` and polling until `stop()`, like a deployed stack's
 * (`--serve`): it consumes while Enabled, stops when the function disables it and resumes when
 * `onboard quarantine release` enables it again.
 */
export const startConsumers = async (
  stack: LocalStack,
  options: PipelineOptions = {},
): Promise<{ runner: EventSourceMappingRunner; stop: () => Promise<void> }> => {
  await configureMapping(stack, options);
  const { runner } = stack.mapping;
  runner.start();
  return { runner, stop: () => runner.stop() };
};

/** Every termination the ledger holds as pending, soonest first. */
export const scheduledRemovals = async (stack: LocalStack): Promise<ScheduledRemovalReport[]> =>
  (await stack.table.ledgerItems())
    .filter((item) => item[LEDGER_KEYS.sort] === "STATE" && item.pendingRemoval)
    .map((item) => {
      const pending = item.pendingRemoval as { dueAt: number };
      return {
        employeeId: String(item.employeeId),
        userId: String(item.userId ?? ""),
        effectiveAt: new Date(Number(pending.dueAt)).toISOString(),
      };
    })
    .sort((a, b) => (a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : 0));

export const collectReport = async (stack: LocalStack): Promise<Omit<PipelineReport, "stats">> => ({
  ...(await queueReport(stack)),
  // Every key of DESIGN section 8 on every user: a user with no hierarchy group says null.
  users: stack.connect
    .users()
    .map((user) => ({ ...user, hierarchyGroupId: user.hierarchyGroupId ?? null })),
  published: stack.eventBridge.events().map((event) => ({
    source: event.source,
    detailType: event.detailType,
    detail: event.detail,
  })),
  deadLetters: (await peekMessages(stack.sqs, stack.queues.dlqUrl)).map((message) => ({
    body: message.body,
    reason: message.attributes.failureReason ?? REDRIVEN_BY_SQS,
    message:
      message.attributes.failureMessage === undefined
        ? "SQS moved the message after maxReceiveCount receives"
        : decodeAttributeText(message.attributes.failureMessage),
  })),
  scheduled: await scheduledRemovals(stack),
});

/** What waits on the onboarding queue, and whether the service is quarantined. */
const queueReport = async (
  stack: LocalStack,
): Promise<Pick<PipelineReport, "queued" | "quarantine">> => {
  const [queued, state] = await Promise.all([
    peekMessages(stack.sqs, stack.queues.queueUrl),
    stack.table.quarantine(),
  ]);
  return {
    queued: queued.map((message) => ({ body: message.body })),
    quarantine: { active: state?.active ?? false, reason: state?.active ? state.reason : null },
  };
};

/**
 * Totals of the run: created and adopted users from the Created events (a user first created,
 * then re-announced by a retry, counts as created), updated users from the Updated events (an
 * adopted user brought in line counts in both), the quiet outcomes from the ledger's history,
 * which keeps one entry per event the function applied or skipped.
 */
const summarise = async (
  stack: LocalStack,
  received: number,
  started: number,
): Promise<PipelineStats> => {
  const outcomes = new Map<string, string>();
  const updates = new Set<string>();
  for (const event of stack.eventBridge.events()) {
    if (event.detailType === USER_UPDATED) updates.add(String(event.detail.eventId));
    if (event.detailType !== USER_CREATED) continue;
    const key = String(event.detail.eventId);
    if (outcomes.get(key) !== "CREATED") outcomes.set(key, String(event.detail.outcome));
  }
  const values = [...outcomes.values()];
  const actions = (await historySince(stack, started)).map((entry) => entry.action);
  const count = (wanted: string) => actions.filter((action) => action === wanted).length;
  return {
    received,
    created: values.filter((outcome) => outcome === "CREATED").length,
    alreadyExisted: values.filter((outcome) => outcome === "ALREADY_EXISTED").length,
    updated: updates.size,
    unchanged: count("UNCHANGED"),
    stale: count("STALE"),
    removed: count("REMOVED") + count("DISABLED"),
    scheduled: count("SCHEDULED"),
    failed: (await peekMessages(stack.sqs, stack.queues.dlqUrl)).length,
    durationMs: Date.now() - started,
  };
};
