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
}

interface Pending {
  readonly entry: PutEventsRequestEntry;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Publishes to the bus in batches: events handed over in the same turn of the event loop (the
 * records of one batch finishing together) share PutEvents calls of up to 10 entries. Each
 * caller's promise settles with its own entry, so a record is done only once its event is on
 * the bus; entries the bus refused are retried, then reported, never dropped.
 */
export class EventBridgePublisher implements ProvisioningEventPublisher {
  #pending: Pending[] = [];

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly clock: Clock,
    private readonly options: PublisherOptions = { maxAttempts: 4, baseDelayMs: 50 },
  ) {}

  publish(event: OutputEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry: PutEventsRequestEntry = {
        EventBusName: this.eventBusName,
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
      };
      if (this.#pending.push({ entry, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
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
