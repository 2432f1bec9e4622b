/**
 * Quarantine (docs/quarantine.md): the service stops consuming before it does damage. This module
 * is the pure part: the reasons, the state every environment and the CLI share, and the sliding
 * window of recent outcomes that tells a failure spike. No personal data: codes, counts, times
 * and the AWS resources involved.
 */
import type { QuarantineTrigger } from "./failures.js";

/**
 * Why the service is quarantined (the contract's names, shared/domain/failures.ts): Connect
 * refused the credentials (AccessDenied; the records' reason is NotAuthorized), a removal would
 * pass the deletion threshold, or too many recent records failed permanently.
 */
export { QUARANTINE_REASONS, type QuarantineReason } from "./failures.js";

import type { QuarantineReason } from "./failures.js";

/** The quarantine a record's trigger puts the service in. */
export const quarantineReasonOf = (trigger: QuarantineTrigger): QuarantineReason =>
  trigger === "NotAuthorized" ? "AccessDenied" : trigger;

/** Fewer records than this in the window never make a spike (DESIGN section 6). */
export const SPIKE_MIN_RECORDS = 20;

export interface SpikeSettings {
  /** The window: the last this many records, across environments (QUARANTINE_WINDOW_RECORDS). */
  readonly windowRecords: number;
  /** A spike is more than this share of the window failing permanently (QUARANTINE_FAILURE_PERCENT). */
  readonly failurePercent: number;
}

/** What the window holds: one character per record, oldest first. */
export const OUTCOME_OK = ".";
export const OUTCOME_FAILED = "F";

export interface WindowCounts {
  /** Records in the window. */
  readonly records: number;
  /** Of them, those that failed permanently (parked at once with a permanent reason). */
  readonly failed: number;
}

/** The window after `outcomes` (true: failed permanently), cut to its size. */
export const appendOutcomes = (
  window: string,
  outcomes: readonly boolean[],
  windowRecords: number,
): string =>
  (window + outcomes.map((failed) => (failed ? OUTCOME_FAILED : OUTCOME_OK)).join("")).slice(
    -windowRecords,
  );

export const windowCounts = (window: string): WindowCounts => ({
  records: window.length,
  failed: [...window].filter((outcome) => outcome === OUTCOME_FAILED).length,
});

/** More than `failurePercent` of at least SPIKE_MIN_RECORDS recent records failed permanently. */
export const isSpike = (counts: WindowCounts, settings: SpikeSettings): boolean =>
  counts.records >= SPIKE_MIN_RECORDS &&
  counts.failed * 100 > settings.failurePercent * counts.records;

/** The event source mapping the function disabled, as the CLI needs it to enable it again. */
export interface MappingRef {
  readonly uuid: string;
  readonly functionName: string;
  readonly eventSourceArn: string;
}

/** What was counted when the service went into quarantine (and since, while it stays). */
export interface QuarantineCounts {
  /** The recent-outcome window at the trip: records in it, and those that failed permanently. */
  readonly windowRecords: number;
  readonly windowFailed: number;
  /** Records handed back to the queue since (counted by every environment). */
  readonly heldBack: number;
}

/** Who tripped it: the Lambda environment and the record in hand (no employee data). */
export interface TrippedBy {
  readonly functionName: string;
  readonly logStreamName?: string;
  readonly awsRequestId?: string;
  readonly messageId?: string;
}

/** The quarantine as every environment and the CLI see it. */
export interface QuarantineState {
  readonly active: boolean;
  readonly reason: QuarantineReason;
  /** ISO 8601, when it began. */
  readonly since: string;
  /** A short explanation for operators: the error code and API, never a record's data. */
  readonly detail: string;
  readonly counts: QuarantineCounts;
  readonly trippedBy: TrippedBy;
  /** Where the function publishes, so the CLI announces the release on the same bus. */
  readonly instanceId: string;
  readonly eventSource: string;
  readonly eventBusName: string;
  /** The mapping disabled, once the function found it. */
  readonly mapping?: MappingRef;
  /** Set once the release is done (the state is kept, inactive, as the last quarantine). */
  readonly releasedAt?: string;
  readonly allowedRemovals?: number;
}

/** A new quarantine, as the environment that trips it records it. */
export type QuarantineTrip = Omit<QuarantineState, "active" | "releasedAt" | "allowedRemovals">;

/**
 * The Lambda API did not do what was asked of an event source mapping. `code` is Lambda's error
 * name: ResourceInUseException while a state transition is under way (the mapping settles in a
 * moment), ResourceNotFoundException when it is gone.
 */
export class EventSourceMappingError extends Error {
  override readonly name = "EventSourceMappingError";
  constructor(
    message: string,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
