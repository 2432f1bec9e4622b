import type { EmployeeEvent } from "../domain/employee-event.js";
import {
  isHeldBack,
  type ProvisioningFailure,
  type ReasonCode,
  toProvisioningFailure,
} from "../domain/failures.js";
import { hrVersion } from "../domain/hr-version.js";
import type { FailureHints } from "../domain/message-body.js";
import { bodyDigest, provisioningFailedEvent } from "../domain/output-events.js";
import type { DeadLetterParker, InboundMessage, ProvisioningEventPublisher } from "../ports.js";
import type { Clock } from "./clock.js";
import { firstHalf, type InvocationDeadlines } from "./deadline.js";
import type { EmployeeSync, SyncResult } from "./employee-sync.js";
import { type Log, logWhenUsed } from "./log.js";
import { type EventRead, MessageReader } from "./message-reader.js";

export interface MessageHandlerSettings {
  readonly instanceId: string;
  readonly eventSource: string;
  /** The queue's maxReceiveCount: on that delivery we park the message ourselves, with a reason. */
  readonly maxReceiveCount: number;
}

export interface MessageHandlerDeps {
  readonly sync: Pick<EmployeeSync, "sync">;
  readonly publisher: ProvisioningEventPublisher;
  readonly parker: DeadLetterParker;
  readonly settings: MessageHandlerSettings;
  readonly clock: Clock;
  /** A logger carrying the message's identifiers (never the employee's name or contacts). */
  readonly logFor: (keys: MessageKeys) => Log;
  /** Reads bodies into events; by default canonical bodies only (no source mappings). */
  readonly reader?: MessageReader;
}

export interface MessageKeys {
  readonly messageId: string;
  readonly employeeId?: string;
  readonly sourceEventId?: string;
}

export type MessageResult =
  | ({ readonly kind: "synced" } & SyncResult)
  | { readonly kind: "parked"; readonly reason: ReasonCode; readonly permanent: boolean }
  | {
      /** A payload a source mapping split into several events (docs/sources.md). */
      readonly kind: "several";
      readonly synced: readonly SyncResult[];
      /** Set when one of them failed: the message was parked with this reason. */
      readonly parked?: { readonly reason: ReasonCode; readonly permanent: boolean };
    };

/** A failed event of a message, with what the Provisioning Failed event says of it. */
interface FailedEvent {
  readonly failure: Pick<ProvisioningFailure, "reason" | "message" | "permanent">;
  readonly hints: FailureHints;
  readonly failureKey?: string;
}

/**
 * One message from the onboarding queue, start to finish. Returns when it is done (the
 * employee synced, or the message parked on the DLQ with its reason); throws a transient
 * failure when SQS should deliver it again.
 */
export class EmployeeMessageHandler {
  readonly #reader: MessageReader;

  constructor(private readonly deps: MessageHandlerDeps) {
    this.#reader = deps.reader ?? new MessageReader();
  }

  /**
   * The sync runs under `deadlines.work`; parking (the failed-event, then the DLQ) under
   * `deadlines.park`, so a message whose work was cut off can still be parked on its last
   * delivery.
   */
  async handle(record: InboundMessage, deadlines: InvocationDeadlines): Promise<MessageResult> {
    const read = await this.#reader.read(record.body, {
      deadline: deadlines.work,
      log: logWhenUsed(() => this.logFor(record, {})),
    });
    if (read.ok && read.events.length > 1) {
      return this.handleSeveral(record, read.events, deadlines);
    }
    const parsed: EventRead = read.ok ? (read.events[0] as EventRead) : read;
    if (!parsed.ok) {
      // The same keys as a valid hire's lines: the hint's eventId is the sourceEventId.
      const { eventId, employeeId } = parsed.hints;
      const log = this.deps.logFor({
        messageId: record.messageId,
        ...(employeeId ? { employeeId } : {}),
        ...(eventId ? { sourceEventId: eventId } : {}),
      });
      // The source table out of reach: SQS delivers the message again.
      if (!parsed.error.permanent && !this.isLastAttempt(record)) throw parsed.error;
      return this.park(record, parsed.error, parsed.hints, log, deadlines);
    }
    const { event } = parsed;
    const hints = { eventId: event.eventId, employeeId: event.employee.employeeId };
    const log = this.logFor(record, hints);
    try {
      return { kind: "synced", ...(await this.sync(event, record, deadlines, log)) };
    } catch (error) {
      const failure = toProvisioningFailure(error);
      // Quarantine: never parked, whatever the delivery (the composition root stops the rest).
      if (isHeldBack(failure)) throw failure;
      if (failure.permanent || this.isLastAttempt(record))
        return this.park(record, failure, hints, log, deadlines);
      log.warn("Employee not synced yet; SQS will deliver the event again", {
        reason: failure.reason,
        receiveCount: record.receiveCount,
      });
      throw failure;
    }
  }

  /**
   * Several events from one record (a payload a source mapping split): each is provisioned in
   * turn, and the record is done when all are. A permanent failure of one does not hold the
   * others back; the record is then parked once, its reason naming the failed events, and a
   * replay is safe since provisioning is idempotent (the others' users are adopted). A
   * transient failure hands the whole record back to SQS, on the same ground.
   */
  private async handleSeveral(
    record: InboundMessage,
    events: readonly EventRead[],
    deadlines: InvocationDeadlines,
  ): Promise<MessageResult> {
    const synced: SyncResult[] = [];
    const failed: (FailedEvent & { readonly index: number })[] = [];
    for (const [index, read] of events.entries()) {
      if (!read.ok) {
        failed.push({ index, failure: read.error, hints: read.hints });
        continue;
      }
      const { event } = read;
      const hints = { eventId: event.eventId, employeeId: event.employee.employeeId };
      try {
        synced.push(await this.sync(event, record, deadlines, this.logFor(record, hints)));
      } catch (error) {
        failed.push({ index, failure: toProvisioningFailure(error), hints });
      }
    }
    if (failed.length === 0) return { kind: "several", synced };
    const held = failed.find(({ failure }) => isHeldBack(failure));
    if (held) throw held.failure;
    const log = this.deps.logFor({ messageId: record.messageId });
    const transient = failed.find(({ failure }) => !failure.permanent);
    if (transient && !this.isLastAttempt(record)) {
      log.warn("Events of the message not all synced yet; SQS will deliver it again", {
        reason: transient.failure.reason,
        events: events.length,
        failed: failed.length,
        receiveCount: record.receiveCount,
      });
      throw transient.failure;
    }
    const first = failed[0] as (typeof failed)[number];
    const name = ({ index, hints }: (typeof failed)[number]) =>
      `event ${index + 1} of ${events.length}${hints.eventId ? ` (${hints.eventId})` : ""}`;
    const others = failed.slice(1).map((entry) => `${name(entry)}: ${entry.failure.reason}`);
    const failure = {
      reason: first.failure.reason,
      permanent: first.failure.permanent,
      message: `${name(first)}: ${first.failure.message}${others.length > 0 ? `; also ${others.join(", ")}` : ""}`,
    };
    // One Provisioning Failed event per failed employee, keyed apart when they have no eventId.
    const announced = failed.map(({ failure: f, hints, index }) => ({
      failure: f,
      hints,
      failureKey: hints.eventId ?? `${bodyDigest(record.body)}#${index + 1}`,
    }));
    await this.park(record, failure, first.hints, log, deadlines, announced);
    return {
      kind: "several",
      synced,
      parked: { reason: failure.reason, permanent: failure.permanent },
    };
  }

  /**
   * The failed-event goes out before the message is parked: if parking then fails, the retry
   * publishes the same event again (same eventId), which is better than a DLQ entry twice.
   */
  private async park(
    record: InboundMessage,
    failure: FailedEvent["failure"],
    hints: FailureHints,
    log: Log,
    deadlines: InvocationDeadlines,
    announced: readonly FailedEvent[] = [{ failure, hints }],
  ): Promise<MessageResult> {
    const { settings, clock, publisher, parker } = this.deps;
    const lastAttempt = this.isLastAttempt(record);
    const now = new Date(clock.now());
    const failedEvents = announced.map((entry) =>
      provisioningFailedEvent(
        settings.eventSource,
        {
          instanceId: settings.instanceId,
          sourceEventId: entry.hints.eventId ?? null,
          employeeId: entry.hints.employeeId ?? null,
          reason: entry.failure.reason,
          message: entry.failure.message,
          failureKey: entry.failureKey ?? entry.hints.eventId ?? bodyDigest(record.body),
        },
        now,
      ),
    );
    // On the last delivery the failed-event may use only the first half of the time left for
    // parking: the DLQ entry, which matters more, keeps the rest. When the bus has just refused
    // this very message's events through every retry, a failed-event would only spend that half
    // on the same refusal: the DLQ gets all of it, and a replay announces the user.
    const busRefused = lastAttempt && failure.reason === "EventPublishFailed";
    const publishBy = lastAttempt ? firstHalf(deadlines.park, clock) : deadlines.park;
    try {
      if (busRefused) {
        log.warn("Provisioning Failed event not published: the bus refused this message's events", {
          reason: failure.reason,
        });
      } else await Promise.all(failedEvents.map((event) => publisher.publish(event, publishBy)));
    } catch (error) {
      // On the last delivery the DLQ entry matters more than the event: park regardless.
      if (!lastAttempt) throw toProvisioningFailure(error);
      log.error("Provisioning Failed event not published; parking anyway", {
        reason: failure.reason,
      });
    }
    try {
      await parker.park(
        {
          body: record.body,
          reason: failure.reason,
          message: failure.message,
          failedAt: now,
          sourceMessageId: record.messageId,
          ...(hints.eventId ? { sourceEventId: hints.eventId } : {}),
          ...(hints.employeeId ? { employeeId: hints.employeeId } : {}),
          attributes: record.attributes,
        },
        deadlines.park,
      );
    } catch (error) {
      // The message goes back to SQS (after maxReceiveCount SQS moves it to the DLQ itself,
      // without the reason): this line is where the reason survives. Keys and codes only.
      const parkFailure = toProvisioningFailure(error);
      log.error("Event could not be parked on the dead-letter queue", {
        reason: failure.reason,
        permanent: failure.permanent,
        parkFailure: parkFailure.reason,
        parkError: parkFailure.message,
        receiveCount: record.receiveCount,
      });
      throw parkFailure;
    }
    log.warn("Event parked on the dead-letter queue", {
      reason: failure.reason,
      permanent: failure.permanent,
      receiveCount: record.receiveCount,
    });
    return { kind: "parked", reason: failure.reason, permanent: failure.permanent };
  }

  /** One event: its HR version, then the sync of its employee. */
  private sync(
    event: EmployeeEvent,
    record: InboundMessage,
    deadlines: InvocationDeadlines,
    log: Log,
  ): Promise<SyncResult> {
    const version = hrVersion(event.occurredAt, record.sentAt);
    return this.deps.sync.sync(event, version, { deadline: deadlines.work, log }, deadlines.park);
  }

  private logFor(record: InboundMessage, hints: FailureHints): Log {
    return this.deps.logFor({
      messageId: record.messageId,
      ...(hints.employeeId ? { employeeId: hints.employeeId } : {}),
      ...(hints.eventId ? { sourceEventId: hints.eventId } : {}),
    });
  }

  private isLastAttempt(record: InboundMessage): boolean {
    return record.receiveCount >= this.deps.settings.maxReceiveCount;
  }
}
