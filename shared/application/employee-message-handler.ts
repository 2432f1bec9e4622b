import {
  type ProvisioningFailure,
  type ReasonCode,
  toProvisioningFailure,
} from "../domain/failures.js";
import { hrVersion } from "../domain/hr-version.js";
import { type FailureHints, parseMessageBody } from "../domain/message-body.js";
import { bodyDigest, provisioningFailedEvent } from "../domain/output-events.js";
import type { DeadLetterParker, InboundMessage, ProvisioningEventPublisher } from "../ports.js";
import type { Clock } from "./clock.js";
import type { EmployeeSync, SyncResult } from "./employee-sync.js";
import type { Log } from "./log.js";

export interface MessageHandlerSettings {
  readonly instanceId: string;
  readonly eventSource: string;
  /** The queue's maxReceiveCount: on that delivery we park the message ourselves, with a reason. */
  readonly maxReceiveCount: number;
}

export interface MessageHandlerDeps {
  readonly sync: EmployeeSync;
  readonly publisher: ProvisioningEventPublisher;
  readonly parker: DeadLetterParker;
  readonly settings: MessageHandlerSettings;
  readonly clock: Clock;
  /** A logger carrying the message's identifiers (never the employee's name or contacts). */
  readonly logFor: (keys: MessageKeys) => Log;
}

export interface MessageKeys {
  readonly messageId: string;
  readonly employeeId?: string;
  readonly sourceEventId?: string;
}

export type MessageResult =
  | ({ readonly kind: "synced" } & SyncResult)
  | { readonly kind: "parked"; readonly reason: ReasonCode; readonly permanent: boolean };

/**
 * One message from the onboarding queue, start to finish. Returns when it is done (the
 * employee synced, or the message parked on the DLQ with its reason); throws a transient
 * failure when SQS should deliver it again.
 */
export class EmployeeMessageHandler {
  constructor(private readonly deps: MessageHandlerDeps) {}

  async handle(record: InboundMessage, deadline: number): Promise<MessageResult> {
    const parsed = parseMessageBody(record.body);
    if (!parsed.ok) {
      // The same keys as a valid hire's lines: the hint's eventId is the sourceEventId.
      const { eventId, employeeId } = parsed.hints;
      const log = this.deps.logFor({
        messageId: record.messageId,
        ...(employeeId ? { employeeId } : {}),
        ...(eventId ? { sourceEventId: eventId } : {}),
      });
      return this.park(record, parsed.error, parsed.hints, log);
    }
    const { event } = parsed;
    const hints = { eventId: event.eventId, employeeId: event.employee.employeeId };
    const log = this.deps.logFor({
      messageId: record.messageId,
      employeeId: hints.employeeId,
      sourceEventId: hints.eventId,
    });
    try {
      const version = hrVersion(event.occurredAt, record.sentAt);
      const synced = await this.deps.sync.sync(event, version, { deadline, log });
      return { kind: "synced", ...synced };
    } catch (error) {
      const failure = toProvisioningFailure(error);
      if (failure.permanent || this.isLastAttempt(record))
        return this.park(record, failure, hints, log);
      log.warn("Employee not synced yet; SQS will deliver the event again", {
        reason: failure.reason,
        receiveCount: record.receiveCount,
      });
      throw failure;
    }
  }

  /**
   * The failed-event goes out before the message is parked: if parking then fails, the retry
   * publishes the same event again (same eventId), which is better than a DLQ entry twice.
   */
  private async park(
    record: InboundMessage,
    failure: ProvisioningFailure,
    hints: FailureHints,
    log: Log,
  ): Promise<MessageResult> {
    const { settings, clock, publisher, parker } = this.deps;
    const now = new Date(clock.now());
    const failedEvent = provisioningFailedEvent(
      settings.eventSource,
      {
        instanceId: settings.instanceId,
        sourceEventId: hints.eventId ?? null,
        employeeId: hints.employeeId ?? null,
        reason: failure.reason,
        message: failure.message,
        failureKey: hints.eventId ?? bodyDigest(record.body),
      },
      now,
    );
    try {
      await publisher.publish(failedEvent);
    } catch (error) {
      // On the last delivery the DLQ entry matters more than the event: park regardless.
      if (!this.isLastAttempt(record)) throw toProvisioningFailure(error);
      log.error("Provisioning Failed event not published; parking anyway", {
        reason: failure.reason,
      });
    }
    await parker.park({
      body: record.body,
      reason: failure.reason,
      message: failure.message,
      failedAt: now,
      sourceMessageId: record.messageId,
      ...(hints.eventId ? { sourceEventId: hints.eventId } : {}),
      ...(hints.employeeId ? { employeeId: hints.employeeId } : {}),
      attributes: record.attributes,
    });
    log.warn("Event parked on the dead-letter queue", {
      reason: failure.reason,
      permanent: failure.permanent,
      receiveCount: record.receiveCount,
    });
    return { kind: "parked", reason: failure.reason, permanent: failure.permanent };
  }

  private isLastAttempt(record: InboundMessage): boolean {
    return record.receiveCount >= this.deps.settings.maxReceiveCount;
  }
}
