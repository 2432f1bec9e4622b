/**
 * The failure taxonomy (docs/failures.md). Every way a hire can fail has one small error class
 * carrying its reason code, so the record handler decides park-or-retry from `permanent` alone.
 */

/** Reasons retrying cannot help with: the message is parked at once. */
export const PERMANENT_REASONS = [
  "InvalidJson",
  "InvalidEvent",
  "UnsupportedEventType",
  "PayloadTooLarge",
  "NoMappingRule",
  "ProfileNotFound",
  "AmbiguousProfile",
  "ForbiddenProfile",
  "MissingDeskPhone",
  "InvalidUsername",
  "UsernameTaken",
  "NotManaged",
  "ConnectRejected",
  "UserQuotaExceeded",
  "SourceMappingFailed",
] as const;

/** Reasons the world may heal: retried, and parked with the reason only on the last attempt. */
export const TRANSIENT_REASONS = [
  "ConnectThrottled",
  "ConnectUnavailable",
  "UserLookupPending",
  "MappingTableUnavailable",
  "LedgerUnavailable",
  "EmployeeBusy",
  "SourceTableUnavailable",
  "EventPublishFailed",
  "DeadLetterUnavailable",
  "InternalError",
  "RemovalThresholdExceeded",
  "SchedulerUnavailable",
  "NotAuthorized",
  "Quarantined",
] as const;

export type PermanentReason = (typeof PERMANENT_REASONS)[number];
export type TransientReason = (typeof TRANSIENT_REASONS)[number];

/**
 * Reasons that put the whole service in quarantine (docs/quarantine.md) instead of failing one
 * record: nothing can succeed, or going on would do damage. Never parked: the record goes back
 * to the queue, and so does every record not done yet.
 */
export const QUARANTINE_TRIGGERS = [
  "NotAuthorized",
  "RemovalThresholdExceeded",
] as const satisfies readonly TransientReason[];
export type QuarantineTrigger = (typeof QUARANTINE_TRIGGERS)[number];

/** Every reason code a message may be parked with: the list the CLI and docs read too. */
export const REASON_CODES: readonly ReasonCode[] = [...PERMANENT_REASONS, ...TRANSIENT_REASONS];

export type ReasonCode = PermanentReason | TransientReason;

/**
 * Why the service stops consuming its queue (docs/subscribers.md, Provisioning Quarantined):
 * nothing is parked, so these are not reason codes of a message.
 */
export const QUARANTINE_REASONS = [
  "AccessDenied",
  "RemovalThresholdExceeded",
  "FailureSpike",
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export abstract class ProvisioningFailure extends Error {
  abstract readonly reason: ReasonCode;
  abstract readonly permanent: boolean;
}

/** Retrying cannot help: the message is parked on the DLQ at once. */
export abstract class PermanentFailure extends ProvisioningFailure {
  abstract override readonly reason: PermanentReason;
  readonly permanent = true;
}

/** The world may heal: the record is handed back to SQS for redelivery. */
export abstract class TransientFailure extends ProvisioningFailure {
  abstract override readonly reason: TransientReason;
  readonly permanent = false;
}

export class InvalidJsonError extends PermanentFailure {
  override readonly name = "InvalidJsonError";
  readonly reason = "InvalidJson";
}

export class InvalidEventError extends PermanentFailure {
  override readonly name = "InvalidEventError";
  readonly reason = "InvalidEvent";
  constructor(
    message: string,
    readonly paths: readonly string[] = [],
  ) {
    super(message);
  }
}

export class UnsupportedEventTypeError extends PermanentFailure {
  override readonly name = "UnsupportedEventTypeError";
  readonly reason = "UnsupportedEventType";
}

export class PayloadTooLargeError extends PermanentFailure {
  override readonly name = "PayloadTooLargeError";
  readonly reason = "PayloadTooLarge";
}

export class NoMappingRuleError extends PermanentFailure {
  override readonly name = "NoMappingRuleError";
  readonly reason = "NoMappingRule";
}

export class ProfileNotFoundError extends PermanentFailure {
  override readonly name = "ProfileNotFoundError";
  readonly reason = "ProfileNotFound";
}

export class AmbiguousProfileError extends PermanentFailure {
  override readonly name = "AmbiguousProfileError";
  readonly reason = "AmbiguousProfile";
}

/** A rule gives a security profile FORBIDDEN_SECURITY_PROFILES names (Admin by default). */
export class ForbiddenProfileError extends PermanentFailure {
  override readonly name = "ForbiddenProfileError";
  readonly reason = "ForbiddenProfile";
}

export class MissingDeskPhoneError extends PermanentFailure {
  override readonly name = "MissingDeskPhoneError";
  readonly reason = "MissingDeskPhone";
}

/** The username template gives nothing Connect accepts; an email is never altered to fit. */
export class InvalidUsernameError extends PermanentFailure {
  override readonly name = "InvalidUsernameError";
  readonly reason = "InvalidUsername";
}

export class UsernameTakenError extends PermanentFailure {
  override readonly name = "UsernameTakenError";
  readonly reason = "UsernameTaken";
}

/** The employee's user exists but this service does not manage it: it is never touched. */
export class NotManagedError extends PermanentFailure {
  override readonly name = "NotManagedError";
  readonly reason = "NotManaged";
}

export class ConnectRejectedError extends PermanentFailure {
  override readonly name = "ConnectRejectedError";
  readonly reason = "ConnectRejected";
}

export class UserQuotaExceededError extends PermanentFailure {
  override readonly name = "UserQuotaExceededError";
  readonly reason = "UserQuotaExceeded";
}

/** A source mapping could not turn the payload into events: the mapping (or the payload) needs a fix. */
export class SourceMappingFailedError extends PermanentFailure {
  override readonly name = "SourceMappingFailedError";
  readonly reason = "SourceMappingFailed";
  constructor(
    message: string,
    readonly sourceId: string,
    readonly field: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class ConnectThrottledError extends TransientFailure {
  override readonly name: string = "ConnectThrottledError";
  readonly reason = "ConnectThrottled";
}

/**
 * The pace leaves this call no slot before the function must return: SQS delivers the record
 * again, instead of the batch running into the Lambda timeout. Not worth retrying in place.
 */
export class NoPacedSlotError extends ConnectThrottledError {
  override readonly name = "NoPacedSlotError";
}

export class ConnectUnavailableError extends TransientFailure {
  override readonly name = "ConnectUnavailableError";
  readonly reason = "ConnectUnavailable";
}

/** CreateUser said the username exists, but no lookup can see it yet. */
export class UserLookupPendingError extends TransientFailure {
  override readonly name = "UserLookupPendingError";
  readonly reason = "UserLookupPending";
}

export class MappingTableUnavailableError extends TransientFailure {
  override readonly name = "MappingTableUnavailableError";
  readonly reason = "MappingTableUnavailable";
}

export class LedgerUnavailableError extends TransientFailure {
  override readonly name = "LedgerUnavailableError";
  readonly reason = "LedgerUnavailable";
}

/** Another Lambda environment is changing this employee's user right now. */
export class EmployeeBusyError extends TransientFailure {
  override readonly name = "EmployeeBusyError";
  readonly reason = "EmployeeBusy";
}

export class SourceTableUnavailableError extends TransientFailure {
  override readonly name = "SourceTableUnavailableError";
  readonly reason = "SourceTableUnavailable";
}

export class EventPublishFailedError extends TransientFailure {
  override readonly name = "EventPublishFailedError";
  readonly reason = "EventPublishFailed";
}

export class DeadLetterUnavailableError extends TransientFailure {
  override readonly name = "DeadLetterUnavailableError";
  readonly reason = "DeadLetterUnavailable";
}

/**
 * The removal would pass the deletion threshold (docs/lifecycle.md): nothing is removed and the
 * termination waits on the queue. Never parked at once: it is not the event that is wrong.
 */
export class RemovalThresholdExceededError extends TransientFailure {
  override readonly name = "RemovalThresholdExceededError";
  readonly reason = "RemovalThresholdExceeded";
}

/** EventBridge Scheduler (a future-dated termination's schedule) could not be reached. */
export class SchedulerUnavailableError extends TransientFailure {
  override readonly name = "SchedulerUnavailableError";
  readonly reason = "SchedulerUnavailable";
}

/** Anything unforeseen (a bug, a runtime fault) is retried, then parked with this reason. */
export class InternalError extends TransientFailure {
  override readonly name = "InternalError";
  readonly reason = "InternalError";
}

/**
 * Connect refused the function's credentials (AccessDeniedException, an unrecognized or expired
 * key): every call would fail the same way, so the service quarantines itself rather than park
 * every record; once the role is fixed and the service released, the records are retried.
 */
export class NotAuthorizedError extends TransientFailure {
  override readonly name = "NotAuthorizedError";
  readonly reason = "NotAuthorized";
}

/** The service is in quarantine: the record goes back to the queue untouched. */
export class QuarantinedError extends TransientFailure {
  override readonly name = "QuarantinedError";
  readonly reason = "Quarantined";
}

/** A trigger of quarantine: the record is handed back, never parked. */
export const tripsQuarantine = (
  failure: Pick<ProvisioningFailure, "reason">,
): failure is ProvisioningFailure & { reason: QuarantineTrigger } =>
  (QUARANTINE_TRIGGERS as readonly string[]).includes(failure.reason);

/** Handed back to the queue whatever the delivery: a quarantine trigger, or quarantine itself. */
export const isHeldBack = (failure: Pick<ProvisioningFailure, "reason">): boolean =>
  tripsQuarantine(failure) || failure.reason === "Quarantined";

/** Turns anything thrown into a classified failure; unknown errors are presumed transient. */
export const toProvisioningFailure = (error: unknown): ProvisioningFailure => {
  if (error instanceof ProvisioningFailure) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new InternalError(`unexpected ${name}`, { cause: error });
};
