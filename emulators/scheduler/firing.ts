/**
 * Firing one-time schedules: when an enabled `at()` schedule comes due, its target is invoked;
 * for an SQS queue ARN that is SendMessage of the target's Input to that queue, through the SQS
 * client at the endpoint the emulator was given. Then ActionAfterCompletion applies: DELETE
 * removes the schedule, NONE keeps it (it never fires again unless updated).
 *
 * A failed delivery is retried, as the target's RetryPolicy allows (MaximumRetryAttempts more
 * attempts, while the event is younger than MaximumEventAgeInSeconds); after the last one the
 * schedule completes as above. AWS documents exponential backoff without its intervals: here
 * 1 s, 2 s, 4 s ... capped at 60 s, without jitter so tests are deterministic.
 *
 * Not modelled: rate()/cron() schedules (never fired), templated targets other than SQS
 * (recorded as a failure, not retried), the dead-letter queue (failures are recorded instead),
 * FLEXIBLE windows (fired at the window's start, one of the instants AWS may pick), and the
 * 60-second precision (fired at the due second). A one-time schedule whose time has passed when
 * it is created, enabled or updated fires at once: the reference does not say, and firing late
 * loses nothing.
 *
 * Timing: with `realTime` one timer is armed for the next due time (re-armed on every change);
 * without it nothing fires until `runDue()`, which fires everything due at the clock's time.
 */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SchedulerState, StoredSchedule } from "./state.js";
import { DEFAULT_RETRY_POLICY } from "./validation.js";

export interface SqsTargetEndpoint {
  endpoint: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface Delivery {
  scheduleArn: string;
  scheduleName: string;
  groupName: string;
  targetArn: string;
  queueUrl: string;
  messageId: string;
  /** The message body sent: the target's Input. */
  body: string;
  /** ISO times: when the schedule was due, and when this delivery happened. */
  dueAt: string;
  deliveredAt: string;
  attempt: number;
}

export interface DeliveryFailure {
  scheduleArn: string;
  scheduleName: string;
  groupName: string;
  targetArn: string;
  error: string;
  attempt: number;
  failedAt: string;
  /** When the next attempt is due, or null when this was the last. */
  retryAt: string | null;
}

interface PendingRetry {
  attempt: number;
  nextAt: number;
  version: number;
}

/** A target this emulator cannot invoke: reported once, never retried. */
class UnsupportedTarget extends Error {
  override name = "UnsupportedTarget";
}

const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/;
const LOCAL_CREDENTIALS = { accessKeyId: "scheduler", secretAccessKey: "scheduler" };
const MAX_TIMER_MS = 2_147_483_647;
const MAX_BACKOFF_MS = 60_000;

export interface FiringOptions {
  state: SchedulerState;
  now: () => number;
  realTime: boolean;
  sqs?: SqsTargetEndpoint;
  onDelivery?: (delivery: Delivery) => void;
  onFailure?: (failure: DeliveryFailure) => void;
}

export class Firing {
  readonly deliveries: Delivery[] = [];
  readonly failures: DeliveryFailure[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, PendingRetry>();
  private readonly clients = new Map<string, SQSClient>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: FiringOptions) {}

  /** The next instant something is due (a schedule or a retry), if anything is. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const [key, schedule] of this.options.state.schedules) {
      const at = this.dueTime(key, schedule);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** Fires everything due now and resolves when those deliveries have settled. */
  async runDue(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.now();
    const started: Promise<void>[] = [];
    for (const [key, schedule] of this.options.state.schedules) {
      const at = this.dueTime(key, schedule);
      if (at === undefined || at > now) continue;
      const run = this.fire(key, schedule).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, run);
      started.push(run);
    }
    await Promise.all(started);
    this.arm();
  }

  /** Resolves when no delivery is under way. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** Re-arms the one timer for the next due time (real-time mode only). */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.options.realTime || this.stopped) return;
    const next = this.nextDueAt();
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.options.now()));
    this.timer = setTimeout(() => void this.runDue(), delay);
    // The servers keep the process alive while the emulator runs; the timer need not.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.settled();
    for (const client of this.clients.values()) client.destroy();
  }

  private dueTime(key: string, schedule: StoredSchedule): number | undefined {
    if (schedule.input.state !== "ENABLED" || schedule.completed) return undefined;
    if (schedule.dueAt === undefined || this.inFlight.has(key)) return undefined;
    const retry = this.retries.get(key);
    if (retry && retry.version !== schedule.version) this.retries.delete(key);
    else if (retry) return retry.nextAt;
    return schedule.dueAt;
  }

  private async fire(key: string, schedule: StoredSchedule): Promise<void> {
    const { version } = schedule;
    const attempt = (this.retries.get(key)?.attempt ?? 0) + 1;
    const base = {
      scheduleArn: schedule.arn,
      scheduleName: schedule.input.name,
      groupName: schedule.input.groupName,
      targetArn: String(schedule.input.target.Arn),
      attempt,
    };
    try {
      const sent = await this.deliver(schedule);
      if (this.stopped) return;
      this.retries.delete(key);
      const delivery: Delivery = {
        ...base,
        ...sent,
        dueAt: new Date(schedule.dueAt ?? 0).toISOString(),
        deliveredAt: new Date(this.options.now()).toISOString(),
      };
      this.deliveries.push(delivery);
      this.complete(key, schedule, version);
      this.notify(() => this.options.onDelivery?.(delivery));
    } catch (error) {
      if (this.stopped) return;
      const now = this.options.now();
      const retryAt =
        error instanceof UnsupportedTarget ? undefined : this.retryTime(schedule, attempt, now);
      if (retryAt === undefined) {
        this.retries.delete(key);
        this.complete(key, schedule, version);
      } else {
        this.retries.set(key, { attempt, nextAt: retryAt, version });
      }
      const failure: DeliveryFailure = {
        ...base,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        failedAt: new Date(now).toISOString(),
        retryAt: retryAt === undefined ? null : new Date(retryAt).toISOString(),
      };
      this.failures.push(failure);
      this.notify(() => this.options.onFailure?.(failure));
    }
  }

  /** When the next attempt may run, or undefined when the retry policy is spent. */
  private retryTime(schedule: StoredSchedule, attempt: number, now: number): number | undefined {
    const policy = { ...DEFAULT_RETRY_POLICY, ...(schedule.input.target.RetryPolicy as object) };
    if (attempt > policy.MaximumRetryAttempts) return undefined;
    const next = now + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempt - 1));
    const age = next - (schedule.dueAt ?? now);
    return age > policy.MaximumEventAgeInSeconds * 1000 ? undefined : next;
  }

  /** Applies ActionAfterCompletion, unless the schedule changed while it was being delivered. */
  private complete(key: string, schedule: StoredSchedule, version: number): void {
    const current = this.options.state.schedules.get(key);
    if (current !== schedule || current.version !== version) return;
    if (schedule.input.actionAfterCompletion === "DELETE") {
      this.options.state.schedules.delete(key);
    } else {
      schedule.completed = true;
    }
  }

  private async deliver(
    schedule: StoredSchedule,
  ): Promise<{ queueUrl: string; messageId: string; body: string }> {
    const { target } = schedule.input;
    const match = SQS_ARN.exec(String(target.Arn));
    if (!match) {
      throw new UnsupportedTarget(`this emulator delivers only to SQS queues, not ${target.Arn}`);
    }
    const [, , region, account, queueName] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const client = this.client(region);
    const abortSignal = this.abort.signal;
    const { QueueUrl } = await client.send(
      new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: account }),
      { abortSignal },
    );
    // The reference says only that a "default notification" goes out without Input.
    const body = typeof target.Input === "string" ? target.Input : "{}";
    const groupId = (target.SqsParameters as { MessageGroupId?: string } | undefined)
      ?.MessageGroupId;
    const { MessageId } = await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: body,
        ...(groupId ? { MessageGroupId: groupId } : {}),
      }),
      { abortSignal },
    );
    return { queueUrl: QueueUrl ?? "", messageId: MessageId ?? "", body };
  }

  private client(region: string): SQSClient {
    let client = this.clients.get(region);
    if (!client) {
      const { sqs } = this.options;
      client = new SQSClient({
        region,
        ...(sqs ? { endpoint: sqs.endpoint } : {}),
        // A local endpoint checks no signatures; the SDK still needs something to sign with.
        ...(sqs ? { credentials: sqs.credentials ?? LOCAL_CREDENTIALS } : {}),
        // One attempt per delivery: the retry policy above decides what happens next.
        maxAttempts: 1,
      });
      this.clients.set(region, client);
    }
    return client;
  }

  /** An observer that throws must not break the firing loop. */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      console.error("[scheduler-emulator] delivery observer threw", error);
    }
  }
}
