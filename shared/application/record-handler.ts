import type { SQSRecord } from "aws-lambda";
import {
  type ProvisioningFailure,
  type ReasonCode,
  toProvisioningFailure,
} from "../domain/failures.js";
import { type FailureHints, parseMessageBody } from "../domain/message-body.js";
import { bodyDigest, type Outcome, provisioningFailedEvent } from "../domain/output-events.js";
import type { DeadLetterParker, MessageAttribute, ProvisioningEventPublisher } from "../ports.js";
import type { Clock } from "./clock.js";
import { firstHalf, type InvocationDeadlines } from "./deadline.js";
import type { HireProvisioner } from "./hire-provisioner.js";
import type { Log } from "./log.js";

export interface RecordHandlerSettings {
  readonly instanceId: string;
  readonly eventSource: string;
  /** The queue's maxReceiveCount: on that delivery we park the message ourselves, with a reason. */
  readonly maxReceiveCount: number;
}

export interface RecordHandlerDeps {
  readonly provisioner: HireProvisioner;
  readonly publisher: ProvisioningEventPublisher;
  readonly parker: DeadLetterParker;
  readonly settings: RecordHandlerSettings;
  readonly clock: Clock;
  /** A logger carrying the record's identifiers (never the employee's name or contacts). */
  readonly logFor: (keys: RecordKeys) => Log;
}

export interface RecordKeys {
  readonly messageId: string;
  readonly employeeId?: string;
  readonly sourceEventId?: string;
}

export type RecordResult =
  | {
      readonly kind: "provisioned";
      readonly outcome: Outcome;
      readonly userId: string;
      readonly ruleId: string;
    }
  | { readonly kind: "parked"; readonly reason: ReasonCode; readonly permanent: boolean };

/**
 * One SQS record, start to finish. Returns when the record is done (provisioned, or parked on
 * the DLQ with its reason); throws a transient failure when SQS should deliver it again.
 */
export class OnboardingRecordHandler {
  constructor(private readonly deps: RecordHandlerDeps) {}

  /**
   * Provisioning runs under `deadlines.work`; parking (the failed-event, then the DLQ) under
   * `deadlines.park`, so a record whose work was cut off can still be parked on its last delivery.
   */
  async handle(record: SQSRecord, deadlines: InvocationDeadlines): Promise<RecordResult> {
    const parsed = parseMessageBody(record.body);
    if (!parsed.ok) {
      // The same keys as a valid hire's lines: the hint's eventId is the sourceEventId.
      const { eventId, employeeId } = parsed.hints;
      const log = this.deps.logFor({
        messageId: record.messageId,
        ...(employeeId ? { employeeId } : {}),
        ...(eventId ? { sourceEventId: eventId } : {}),
      });
      return this.park(record, parsed.error, parsed.hints, log, deadlines);
    }
    const { event } = parsed;
    const hints = { eventId: event.eventId, employeeId: event.employee.employeeId };
    const log = this.deps.logFor({
      messageId: record.messageId,
      employeeId: hints.employeeId,
      sourceEventId: hints.eventId,
    });
    try {
      const provisioned = await this.deps.provisioner.provision(event, deadlines.work, log);
      log.debug("Hire provisioned and announced");
      return { kind: "provisioned", ...provisioned };
    } catch (error) {
      const failure = toProvisioningFailure(error);
      if (failure.permanent || this.isLastAttempt(record))
        return this.park(record, failure, hints, log, deadlines);
      log.warn("Hire not provisioned yet; SQS will deliver it again", {
        reason: failure.reason,
        receiveCount: receiveCount(record),
      });
      throw failure;
    }
  }

  /**
   * The failed-event goes out before the message is parked: if parking then fails, the retry
   * publishes the same event again (same eventId), which is better than a DLQ entry twice. On
   * the last delivery the event may use only the first half of the time left for parking: the
   * DLQ entry, which matters more, keeps the rest.
   */
  private async park(
    record: SQSRecord,
    failure: ProvisioningFailure,
    hints: FailureHints,
    log: Log,
    deadlines: InvocationDeadlines,
  ): Promise<RecordResult> {
    const { settings, clock, publisher, parker } = this.deps;
    const lastAttempt = this.isLastAttempt(record);
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
      await publisher.publish(
        failedEvent,
        lastAttempt ? firstHalf(deadlines.park, clock) : deadlines.park,
      );
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
          attributes: lambdaAttributes(record),
        },
        deadlines.park,
      );
    } catch (error) {
      // The record goes back to SQS (after maxReceiveCount SQS moves it to the DLQ itself,
      // without the reason): this line is where the reason survives. Keys and codes only.
      const parkFailure = toProvisioningFailure(error);
      log.error("Hire could not be parked on the dead-letter queue", {
        reason: failure.reason,
        permanent: failure.permanent,
        parkFailure: parkFailure.reason,
        parkError: parkFailure.message,
        receiveCount: receiveCount(record),
      });
      throw parkFailure;
    }
    log.warn("Hire parked on the dead-letter queue", {
      reason: failure.reason,
      permanent: failure.permanent,
      receiveCount: receiveCount(record),
    });
    return { kind: "parked", reason: failure.reason, permanent: failure.permanent };
  }

  private isLastAttempt(record: SQSRecord): boolean {
    return receiveCount(record) >= this.deps.settings.maxReceiveCount;
  }
}

const receiveCount = (record: SQSRecord): number =>
  Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1;

const lambdaAttributes = (record: SQSRecord): Record<string, MessageAttribute> => {
  const out: Record<string, MessageAttribute> = {};
  for (const [name, attribute] of Object.entries(record.messageAttributes ?? {})) {
    out[name] = {
      dataType: attribute.dataType,
      ...(attribute.stringValue !== undefined ? { stringValue: attribute.stringValue } : {}),
      ...(attribute.binaryValue !== undefined ? { binaryValue: attribute.binaryValue } : {}),
    };
  }
  return out;
};
