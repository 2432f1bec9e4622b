/**
 * Lambda's SQS event source mapping: pollers that long-poll the queue, gather batches (batch
 * size, batching window), invoke the function with real SQSEvent records and a Lambda context
 * (concurrency, function timeout), and delete what succeeded, honouring batchItemFailures.
 * The mapping's enabled state (set through the API in `api.ts`) gates the pollers apart from
 * start()/stop(), which say whether the local Lambda service runs at all.
 */
import { randomUUID } from "node:crypto";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { type InvocationReport, judge } from "./batch-response.js";
import { type FunctionConfig, logStreamName, runHandler, type SqsLambdaHandler } from "./invoke.js";
import { toRecord } from "./sqs-records.js";

export interface LambdaRunnerOptions {
  /** Defaults to `new SQSClient({})`: region and AWS_ENDPOINT_URL_SQS from the environment. */
  sqsClient?: SQSClient;
  queueUrl: string;
  /** The event source ARN; its region and account also fill records and the context. */
  queueArn: string;
  handler: SqsLambdaHandler;
  /** Records per invocation, 1 to 10,000 (default 10); above 10 needs a batching window. */
  batchSize?: number;
  /** Time to gather records after the first one arrives, 0 to 300,000 ms (default 0). */
  maximumBatchingWindowMs?: number;
  /**
   * Concurrent invocations, 1 to 1,000 (default 2). AWS's ScalingConfig starts at 2; 1 is
   * accepted here for deliberately serialized local runs.
   */
  maximumConcurrency?: number;
  /** Function timeout, 1 ms to 900,000 ms (default 30,000). */
  timeoutMs?: number;
  functionName?: string;
  memoryLimitInMB?: number;
  /** Honour `batchItemFailures` (FunctionResponseTypes: ReportBatchItemFailures); default true. */
  reportBatchItemFailures?: boolean;
  /**
   * Long-poll wait per ReceiveMessage, 1 to 20 s (default 1). Lambda's pollers wait 20 s, but
   * stop() lets the poll under way finish (see `receive`), so a short wait keeps stops quick.
   */
  pollWaitSeconds?: number;
  /** Called after every invocation, once its deletes are done. */
  onInvoke?: (stats: LambdaRunnerStats, invocation: InvocationReport) => void;
  /** Called on ReceiveMessage or DeleteMessageBatch errors, which the runner survives. */
  onError?: (error: unknown) => void;
}

export interface LambdaRunnerStats {
  invocations: number;
  records: number;
  /** Records processed and deleted. */
  succeeded: number;
  /** Records named in batchItemFailures, left to reappear after the visibility timeout. */
  failedItems: number;
  /** Invocations failed as a whole (error, timeout, invalid response): nothing deleted. */
  batchFailures: number;
  timeouts: number;
  /** Invocations running now, counting their deletes. */
  inFlight: number;
  pollErrors: number;
  deleteErrors: number;
  /** ReceiveMessage calls made, answered or not. */
  receives: number;
}

/** The settings UpdateEventSourceMapping can change on a running mapping. */
export type LambdaRunnerSettings = Pick<
  LambdaRunnerOptions,
  "batchSize" | "maximumBatchingWindowMs" | "reportBatchItemFailures"
>;

export interface LambdaRunner {
  start(): void;
  /** Stops polling (aborting pending long polls) and waits for in-flight invocations. */
  stop(): Promise<void>;
  /**
   * Starts if needed, runs until `isDone()` holds, then stops; rejects after `timeoutMs`
   * (default 60 s; `Infinity` for no limit, when the caller watches for stalls itself).
   */
  drain(isDone: () => boolean | Promise<boolean>, options?: { timeoutMs?: number }): Promise<void>;
  stats(): LambdaRunnerStats;
  /**
   * The event source mapping's enabled state, apart from start()/stop(): a disabled runner
   * receives nothing even when started. Disabling resolves once its pollers have stopped (the
   * invocations in hand finished and settled); enabling starts them again if started.
   */
  setEnabled(enabled: boolean): Promise<void>;
  /** Applies new settings: the pollers stop (finishing what they hold) and start again. */
  reconfigure(settings: LambdaRunnerSettings): Promise<void>;
}

interface RunnerConfig extends FunctionConfig {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  windowMs: number;
  concurrency: number;
  reportBatchItemFailures: boolean;
  pollWaitSeconds: number;
  onInvoke?: LambdaRunnerOptions["onInvoke"];
  onError?: LambdaRunnerOptions["onError"];
}

/** Builds a runner that behaves like Lambda's SQS event source mapping. */
export function createLambdaRunner(options: LambdaRunnerOptions): LambdaRunner {
  const config = resolveConfig(options);
  const runner = new Runner(config);
  // Reconfiguring re-resolves these, so the SQS client and log stream are kept, not remade.
  let current: LambdaRunnerOptions = { ...options, sqsClient: config.sqs };
  return {
    start: () => runner.start(),
    stop: () => runner.stop(),
    drain: (isDone, drainOptions) => runner.drain(isDone, drainOptions?.timeoutMs ?? 60_000),
    stats: () => runner.snapshot(),
    setEnabled: (enabled) => runner.setEnabled(enabled),
    reconfigure: async (settings) => {
      const next = { ...current, ...settings };
      const resolved = resolveConfig(next);
      current = next;
      await runner.reconfigure({ ...resolved, logStreamName: config.logStreamName });
    },
  };
}

function resolveConfig(options: LambdaRunnerOptions): RunnerConfig {
  const [, , , region, account] = options.queueArn.split(":");
  if (!region || !account || !options.queueArn.startsWith("arn:")) {
    throw new TypeError(`queueArn is not an SQS ARN: ${options.queueArn}`);
  }
  const batchSize = checkedInteger("batchSize", options.batchSize ?? 10, 1, 10_000);
  const windowMs = checkedInteger(
    "maximumBatchingWindowMs",
    options.maximumBatchingWindowMs ?? 0,
    0,
    300_000,
  );
  // The same rules CreateEventSourceMapping enforces, so a local setup that works here
  // deploys as configured.
  if (batchSize > 10 && windowMs < 1000) {
    throw new RangeError("batchSize above 10 needs maximumBatchingWindowMs of at least 1000");
  }
  if (options.queueArn.endsWith(".fifo") && (batchSize > 10 || windowMs > 0)) {
    throw new RangeError("FIFO queues allow batchSize up to 10 and no batching window");
  }
  return {
    sqs: options.sqsClient ?? new SQSClient({}),
    queueUrl: options.queueUrl,
    queueArn: options.queueArn,
    region,
    account,
    handler: options.handler,
    batchSize,
    windowMs,
    concurrency: checkedInteger("maximumConcurrency", options.maximumConcurrency ?? 2, 1, 1000),
    timeoutMs: checkedInteger("timeoutMs", options.timeoutMs ?? 30_000, 1, 900_000),
    functionName: options.functionName ?? "connect-onboarding",
    memoryLimitInMB: checkedInteger(
      "memoryLimitInMB",
      options.memoryLimitInMB ?? 1024,
      128,
      10_240,
    ),
    logStreamName: logStreamName(),
    reportBatchItemFailures: options.reportBatchItemFailures ?? true,
    pollWaitSeconds: checkedInteger("pollWaitSeconds", options.pollWaitSeconds ?? 1, 1, 20),
    onInvoke: options.onInvoke,
    onError: options.onError,
  };
}

function checkedInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

const POLL_ERROR_BACKOFF_MS = [100, 200, 400, 800, 1600, 3200];

class Runner {
  /** Pollers are running: start() was called and the mapping is enabled. */
  private running = false;
  /** start() was called, stop() was not. */
  private wanted = false;
  private enabled = true;
  private abort = new AbortController();
  /** Every poller still running, including those of an earlier run that is winding down. */
  private readonly pollers = new Set<Promise<void>>();
  private consecutivePollErrors = 0;
  private readonly progressListeners = new Set<() => void>();
  private readonly counters: LambdaRunnerStats = {
    invocations: 0,
    records: 0,
    succeeded: 0,
    failedItems: 0,
    batchFailures: 0,
    timeouts: 0,
    inFlight: 0,
    pollErrors: 0,
    deleteErrors: 0,
    receives: 0,
  };

  constructor(private config: RunnerConfig) {}

  snapshot(): LambdaRunnerStats {
    return { ...this.counters };
  }

  start(): void {
    this.wanted = true;
    this.spawn();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.halt();
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    if (enabled) this.spawn();
    else await this.halt();
    // A drain waiting on a predicate that looks at the mapping's state re-checks it now.
    this.progress();
  }

  async reconfigure(config: RunnerConfig): Promise<void> {
    const wasRunning = this.running;
    await this.halt();
    this.config = config;
    if (wasRunning) this.spawn();
  }

  private spawn(): void {
    if (this.running || !this.wanted || !this.enabled) return;
    this.running = true;
    this.abort = new AbortController();
    // One poller per concurrency slot: each gathers a batch, invokes, deletes, repeats,
    // so in-flight invocations can never exceed maximumConcurrency.
    for (let i = 0; i < this.config.concurrency; i++) {
      const poller = this.pollLoop(this.abort.signal).finally(() => this.pollers.delete(poller));
      this.pollers.add(poller);
    }
  }

  /** Stops polling; what the pollers hold is still invoked and settled before this resolves. */
  private async halt(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all([...this.pollers]);
  }

  async drain(isDone: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    this.start();
    try {
      await this.untilDone(isDone, timeoutMs);
    } finally {
      await this.stop();
    }
  }

  /** Re-checks the predicate whenever a poll returns or an invocation settles. */
  private untilDone(isDone: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let finished = false;
      let checking = false;
      let recheck = false;
      const finish = (settle: () => void) => {
        finished = true;
        clearTimeout(timer);
        this.progressListeners.delete(check);
        settle();
      };
      const check = async (): Promise<void> => {
        if (finished) return;
        if (checking) {
          recheck = true;
          return;
        }
        checking = true;
        try {
          do {
            recheck = false;
            if (await isDone()) return finish(resolve);
          } while (recheck && !finished);
        } catch (error) {
          finish(() => reject(error));
        } finally {
          checking = false;
        }
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(
            () => finish(() => reject(new Error(`drain: not done after ${timeoutMs} ms`))),
            timeoutMs,
          )
        : undefined;
      this.progressListeners.add(check);
      void check();
    });
  }

  private progress(): void {
    for (const listener of this.progressListeners) listener();
  }

  /** Loops on its own signal, so pollers of a stopped run exit even if start() came again. */
  private async pollLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const batch = await this.gatherBatch(signal);
      // A batch gathered when stop() came is still invoked: those messages are already
      // invisible, and running them beats leaving them to wait out the visibility timeout.
      if (batch.length > 0) await this.invoke(batch);
    }
  }

  /**
   * Gathers up to batchSize messages. Without a window, one receive that returned anything
   * is the batch; with one, receiving continues until the window (counted from the first
   * message) closes. Each receive long-polls, so waiting costs no timers of its own.
   */
  private async gatherBatch(signal: AbortSignal): Promise<Message[]> {
    const { batchSize, windowMs, pollWaitSeconds } = this.config;
    const batch: Message[] = [];
    let windowEnd = Number.POSITIVE_INFINITY;
    while (!signal.aborted && batch.length < batchSize) {
      const remainingMs = windowEnd - Date.now();
      if (batch.length > 0 && remainingMs <= 0) break;
      // SQS waits in whole seconds, so the last poll of a window may run up to a second
      // past it when nothing arrives; any arrival ends the poll at once.
      const waitSeconds =
        batch.length === 0 ? pollWaitSeconds : Math.min(20, Math.ceil(remainingMs / 1000));
      const received = await this.receive(
        Math.min(10, batchSize - batch.length),
        waitSeconds,
        signal,
      );
      if (batch.length === 0 && received.length > 0) windowEnd = Date.now() + windowMs;
      batch.push(...received);
      this.progress();
      if (windowMs === 0 && batch.length > 0) break;
    }
    return batch;
  }

  private async receive(max: number, waitSeconds: number, signal: AbortSignal): Promise<Message[]> {
    this.counters.receives++;
    try {
      const { Messages = [] } = await this.config.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.config.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
        // Not aborted on stop(): SQS (fauxqs too) may still hand messages to a long poll whose
        // caller has gone, and they would sit invisible until the visibility timeout. Lambda's
        // pollers never walk away from a poll either; what it returns gets invoked.
      );
      this.consecutivePollErrors = 0;
      return Messages;
    } catch (error) {
      this.counters.pollErrors++;
      this.reportError(error);
      await this.backOff(signal);
      return [];
    }
  }

  /** Only failing polls wait: a dead endpoint must not turn the pollers into a busy loop. */
  private backOff(signal: AbortSignal): Promise<void> {
    const index = Math.min(this.consecutivePollErrors, POLL_ERROR_BACKOFF_MS.length - 1);
    this.consecutivePollErrors++;
    return new Promise((resolve) => {
      const timer = setTimeout(done, POLL_ERROR_BACKOFF_MS[index]);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { config, counters } = this;
    const records = messages.map((message) => toRecord(message, config));
    const awsRequestId = randomUUID();
    counters.invocations++;
    counters.records += records.length;
    counters.inFlight++;
    let report: InvocationReport;
    try {
      const result = await runHandler(config, { Records: records }, awsRequestId);
      report = judge(result, records, config.reportBatchItemFailures, awsRequestId);
      await this.settle(report, records);
    } finally {
      counters.inFlight--;
    }
    this.notifyInvoked(report);
    this.progress();
  }

  /** A throwing observer must not kill its poller: that would silently lower concurrency. */
  private notifyInvoked(report: InvocationReport): void {
    try {
      this.config.onInvoke?.(this.snapshot(), report);
    } catch (error) {
      this.reportError(error);
    }
  }

  private reportError(error: unknown): void {
    try {
      this.config.onError?.(error);
    } catch {
      // Same reason as above; the error was the observer's own and has nowhere else to go.
    }
  }

  /** Deletes what succeeded; a whole-batch failure deletes nothing, as Lambda does. */
  private async settle(report: InvocationReport, records: SQSRecord[]): Promise<void> {
    const { counters } = this;
    if (report.outcome === "failure") {
      counters.batchFailures++;
      if (report.reason === "timeout") counters.timeouts++;
      return;
    }
    const failed = new Set(report.failedItems);
    const done = records.filter((record) => !failed.has(record.messageId));
    counters.failedItems += failed.size;
    // Await first: `x += await y` would read x before the await and lose concurrent updates.
    const deleteFailures = await this.deleteRecords(done);
    counters.succeeded += done.length - deleteFailures;
  }

  /** Returns how many deletes failed; those messages simply come back, at least once. */
  private async deleteRecords(records: SQSRecord[]): Promise<number> {
    let failures = 0;
    for (let start = 0; start < records.length; start += 10) {
      const chunk = records.slice(start, start + 10);
      try {
        const { Failed = [] } = await this.config.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.config.queueUrl,
            Entries: chunk.map((record, i) => ({
              Id: `m${i}`,
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
        failures += Failed.length;
        if (Failed.length > 0) this.reportError(Failed);
      } catch (error) {
        failures += chunk.length;
        this.reportError(error);
      }
    }
    this.counters.deleteErrors += failures;
    return failures;
  }
}
