import {
  DescribeEventBusCommand,
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { Clock } from "../application/clock.js";
import { type Deadline, hasPassed } from "../application/deadline.js";
import { EventPublishFailedError } from "../domain/failures.js";
import type { OutputEvent } from "../domain/output-events.js";
import type { ProvisioningEventPublisher } from "../ports.js";

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

export interface PublisherOptions {
  /** Attempts per entry, counting the first; failed entries of a call are sent again alone. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** The longest an entry waits for others to share its PutEvents call. */
  readonly maxWaitMs: number;
}

export const DEFAULT_PUBLISHER_OPTIONS: PublisherOptions = {
  maxAttempts: 4,
  baseDelayMs: 50,
  maxWaitMs: 50,
};

interface Pending {
  readonly entry: PutEventsRequestEntry;
  readonly deadline: Deadline;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The bus named in EVENT_BUS_NAME does not exist. PutEvents to a missing bus succeeds and
 * delivers nothing, so without this check every event would vanish while its message is deleted
 * as done.
 */
export class EventBusNotFoundError extends Error {
  override readonly name = "EventBusNotFoundError";
  constructor(
    readonly eventBusName: string,
    options?: ErrorOptions,
  ) {
    super(
      `event bus "${eventBusName}" does not exist (EVENT_BUS_NAME): no record is processed until it does`,
      options,
    );
  }
}

/** The bus could not be checked (the call failed or ran out of time); it is checked again. */
export class EventBusUncheckedError extends Error {
  override readonly name = "EventBusUncheckedError";
  constructor(
    readonly eventBusName: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `event bus "${eventBusName}" could not be checked (${problem}): no record is processed until it is`,
      options,
    );
  }
}

/**
 * Publishes to the bus in batches of up to 10 entries per PutEvents call. Work that may publish
 * (a record) runs inside `track`; an entry waits for the other tracked work to reach the bus
 * too, so the records of an invocation share calls, but never longer than `maxWaitMs`. Each
 * caller's promise settles with its own entry: a record is done only once its event is on the
 * bus, and entries the bus refused are retried, then reported, never dropped.
 */
export class EventBridgePublisher implements ProvisioningEventPublisher {
  #pending: Pending[] = [];
  /** Tracked work still running. */
  #working = 0;
  /** Entries handed to `publish` and not yet settled: queued here or in a PutEvents call. */
  #unsettled = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly clock: Clock,
    private readonly options: PublisherOptions = DEFAULT_PUBLISHER_OPTIONS,
  ) {}

  /** Runs work that may publish, so its entry can share a call with the others'. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#working++;
    try {
      return await work();
    } finally {
      this.#working--;
      this.schedule();
    }
  }

  /**
   * Checks that the bus exists (DescribeEventBus), since PutEvents cannot tell: the cold start's
   * check. Throws EventBusNotFoundError for a missing bus, EventBusUncheckedError otherwise.
   */
  async verifyBus(deadline: Deadline): Promise<void> {
    try {
      await this.client.send(new DescribeEventBusCommand({ Name: this.eventBusName }), {
        abortSignal: deadline.signal,
      });
    } catch (error) {
      if (error instanceof Error && error.name === "ResourceNotFoundException")
        throw new EventBusNotFoundError(this.eventBusName, { cause: error });
      throw new EventBusUncheckedError(this.eventBusName, problemOf(error), { cause: error });
    }
  }

  publish(event: OutputEvent, deadline: Deadline): Promise<void> {
    if (hasPassed(deadline, this.clock))
      return Promise.reject(failure("PutEvents not attempted: the deadline had passed"));
    return new Promise<void>((resolve, reject) => {
      const entry: PutEventsRequestEntry = {
        EventBusName: this.eventBusName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
      };
      this.#unsettled++;
      this.#pending.push({ entry, deadline, resolve, reject });
      this.schedule();
    }).finally(() => {
      this.#unsettled--;
    });
  }

  /**
   * Sends at once (this turn of the event loop) when a call is full or when no tracked work
   * could add an entry any more, that is every one is waiting on the bus; otherwise waits.
   */
  private schedule(): void {
    if (this.#pending.length === 0) return;
    if (this.#pending.length >= MAX_ENTRIES_PER_CALL || this.#unsettled >= this.#working) {
      this.#immediate ??= setImmediate(() => this.flush());
    } else {
      this.#timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    }
  }

  private flush(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    const pending = this.#pending;
    this.#pending = [];
    for (let i = 0; i < pending.length; i += MAX_ENTRIES_PER_CALL) {
      void this.send(pending.slice(i, i + MAX_ENTRIES_PER_CALL));
    }
  }

  /**
   * One call for the batch, bounded by the earliest deadline among its entries; entries that
   * the bus refused, or that the call did not settle, are sent again while their own deadline
   * leaves room for the backoff, then rejected.
   */
  private async send(batch: Pending[]): Promise<void> {
    let remaining = batch;
    let lastProblem = "";
    for (let attempt = 1; ; attempt++) {
      const first = remaining.reduce((a, b) => (b.deadline.at < a.deadline.at ? b : a));
      try {
        const output = await this.client.send(
          new PutEventsCommand({ Entries: remaining.map((p) => p.entry) }),
          { abortSignal: first.deadline.signal },
        );
        const results = output.Entries ?? [];
        const failed: Pending[] = [];
        remaining.forEach((pending, i) => {
          const result = results[i];
          // A missing result entry cannot be taken as success: try that entry again.
          if (result?.EventId && !result.ErrorCode) pending.resolve();
          else {
            failed.push(pending);
            lastProblem = result?.ErrorCode ?? "no result entry";
          }
        });
        remaining = failed;
      } catch (error) {
        lastProblem = problemOf(error);
      }
      if (remaining.length === 0) return;
      if (attempt >= this.options.maxAttempts) break;
      const delay = this.options.baseDelayMs * 2 ** (attempt - 1);
      // An entry whose deadline comes before its next attempt could is rejected now, not later.
      const retryAt = this.clock.now() + delay;
      const late = remaining.filter((pending) => pending.deadline.at <= retryAt);
      if (late.length > 0) {
        const error = failure(
          `PutEvents did not accept the entry before the deadline (${lastProblem})`,
        );
        for (const pending of late) pending.reject(error);
        remaining = remaining.filter((pending) => pending.deadline.at > retryAt);
        if (remaining.length === 0) return;
      }
      await this.clock.sleep(delay);
    }
    const error = failure(
      `PutEvents did not accept the entry after ${this.options.maxAttempts} attempts (${lastProblem})`,
    );
    for (const pending of remaining) pending.reject(error);
  }
}

const failure = (message: string) => new EventPublishFailedError(message);

const problemOf = (error: unknown): string => {
  const name = error instanceof Error ? error.name : String(error);
  return name === "AbortError" ? "no answer before the deadline" : name;
};
