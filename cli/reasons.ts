import { REDRIVEN_BY_SQS } from "../shared/adapters/sqs-dead-letter-parker.js";
import type { ReasonCode } from "../shared/domain/failures.js";

// Every reason code the function may park a message with (transient ones too: it parks those
// on the last attempt). Typed as a record so a new code in failures.ts fails to compile here.
const PARKED_REASONS: Readonly<Record<ReasonCode, true>> = {
  InvalidJson: true,
  InvalidEvent: true,
  UnsupportedEventType: true,
  PayloadTooLarge: true,
  NoMappingRule: true,
  ProfileNotFound: true,
  AmbiguousProfile: true,
  MissingDeskPhone: true,
  UsernameTaken: true,
  ConnectRejected: true,
  UserQuotaExceeded: true,
  NotAuthorized: true,
  ConnectThrottled: true,
  ConnectUnavailable: true,
  UserLookupPending: true,
  MappingTableUnavailable: true,
  EventPublishFailed: true,
  DeadLetterUnavailable: true,
  InternalError: true,
};

/** The codes `dlq replay --reason` accepts: a typo must not silently select nothing. */
export const dlqReasons = (): string[] => [...Object.keys(PARKED_REASONS), REDRIVEN_BY_SQS];
