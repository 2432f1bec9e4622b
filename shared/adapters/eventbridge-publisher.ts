import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { Clock } from "../application/clock.js";
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
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
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

  publish(event: OutputEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: PutEventsRequestEntry = {
        EventBusName: this.eventBusName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
      };
      this.#unsettled++;
      this.#pending.push({ entry, resolve, reject });
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

  private async send(batch: Pending[]): Promise<void> {
    let remaining = batch;
    let lastProblem = "";
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.client.send(
          new PutEventsCommand({ Entries: remaining.map((p) => p.entry) }),
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
        lastProblem = error instanceof Error ? error.name : String(error);
      }
      if (remaining.length === 0) return;
      if (attempt >= this.options.maxAttempts) break;
      await this.clock.sleep(this.options.baseDelayMs * 2 ** (attempt - 1));
    }
    const failure = new EventPublishFailedError(
      `PutEvents did not accept the entry after ${this.options.maxAttempts} attempts (${lastProblem})`,
    );
    for (const pending of remaining) pending.reject(failure);
  }
}
