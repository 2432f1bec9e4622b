import type { ReportUser } from "../emulators/connect/index.js";
import { createLambdaRunner, type LambdaRunner } from "../emulators/lambda/index.js";
import { createHandler } from "../functions/create-onboard-employee-handler.js";
import { decodeAttributeText, REDRIVEN_BY_SQS } from "../shared/adapters/sqs-dead-letter-parker.js";
import { USER_CREATED } from "../shared/domain/output-events.js";
import { peekMessages, queueDepth, sendBodies } from "./queue-tools.js";
import type { LocalStack } from "./stack.js";

export interface PipelineOptions {
  /** Lambda environments polling the queue at once (production's maximum concurrency). */
  readonly consumers?: number;
  readonly batchSize?: number;
  readonly maximumBatchingWindowMs?: number;
  readonly timeoutMs?: number;
  /** Give up waiting for the queue to drain after this long. */
  readonly drainTimeoutMs?: number;
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

/** The `--json` document of DESIGN section 8. */
export interface PipelineReport {
  readonly users: (Omit<ReportUser, "hierarchyGroupId"> & { hierarchyGroupId: string | null })[];
  readonly published: PublishedEvent[];
  readonly deadLetters: DeadLetterReport[];
  readonly stats: {
    readonly received: number;
    readonly created: number;
    readonly alreadyExisted: number;
    readonly failed: number;
    readonly durationMs: number;
  };
}

/**
 * Sends the bodies to the onboarding queue and runs the real handler over them, as Lambda's
 * event source mapping would, until every message is provisioned, parked or dead-lettered.
 */
export const runPipeline = async (
  stack: LocalStack,
  bodies: readonly string[],
  options: PipelineOptions = {},
): Promise<PipelineReport> => {
  const started = Date.now();
  await sendBodies(stack.sqs, stack.queues.queueUrl, bodies);
  await drainQueue(stack, options);
  return {
    ...(await collectReport(stack)),
    stats: await summarise(stack, bodies.length, Date.now() - started),
  };
};

/**
 * Runs consumers until the onboarding queue holds nothing, visible or in flight. Resolves with
 * the time from the consumers' start to that moment (their shutdown, up to one long poll more,
 * is not counted).
 */
export const drainQueue = async (
  stack: LocalStack,
  options: PipelineOptions = {},
): Promise<{ drainedAfterMs: number }> => {
  const started = performance.now();
  const runners = startConsumers(stack, options);
  let drainedAfterMs: number | undefined;
  const isDone = async () => {
    if (drainedAfterMs !== undefined) return true;
    const done =
      runners.every((runner) => runner.stats().inFlight === 0) &&
      (await queueDepth(stack.sqs, stack.queues.queueUrl)).total === 0;
    if (done) {
      drainedAfterMs ??= performance.now() - started;
      // Every consumer stops now, not after its next poll finds the queue empty.
      for (const runner of runners) void runner.stop();
    }
    return done;
  };
  try {
    await Promise.race(
      runners.map((runner) =>
        runner.drain(isDone, { timeoutMs: options.drainTimeoutMs ?? 120_000 }),
      ),
    );
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
  }
  return { drainedAfterMs: drainedAfterMs ?? performance.now() - started };
};

/**
 * One runner per consumer, each with its own handler instance: separate Lambda environments,
 * each with its own caches and CreateUser pacing, as in production.
 */
export const startConsumers = (
  stack: LocalStack,
  options: PipelineOptions = {},
): LambdaRunner[] => {
  const consumers = options.consumers ?? 2;
  return Array.from({ length: consumers }, (_, i) =>
    createLambdaRunner({
      sqsClient: stack.sqs,
      queueUrl: stack.queues.queueUrl,
      queueArn: stack.queues.queueArn,
      handler: createHandler(stack.env),
      batchSize: options.batchSize ?? 10,
      maximumBatchingWindowMs: options.maximumBatchingWindowMs ?? 0,
      maximumConcurrency: 1,
      timeoutMs: options.timeoutMs ?? 30_000,
      functionName: `connect-onboarding-local-${i + 1}`,
    }),
  );
};

export const collectReport = async (stack: LocalStack): Promise<Omit<PipelineReport, "stats">> => ({
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
});

const summarise = async (stack: LocalStack, received: number, durationMs: number) => {
  const outcomes = new Map<string, string>();
  for (const event of stack.eventBridge.events()) {
    if (event.detailType !== USER_CREATED) continue;
    const key = String(event.detail.eventId);
    // A user first created, then re-announced by a retry, counts as created.
    if (outcomes.get(key) !== "CREATED") outcomes.set(key, String(event.detail.outcome));
  }
  const values = [...outcomes.values()];
  return {
    received,
    created: values.filter((outcome) => outcome === "CREATED").length,
    alreadyExisted: values.filter((outcome) => outcome === "ALREADY_EXISTED").length,
    failed: (await peekMessages(stack.sqs, stack.queues.dlqUrl)).length,
    durationMs,
  };
};
