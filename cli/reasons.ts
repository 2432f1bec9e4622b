import { REDRIVEN_BY_SQS } from "../shared/adapters/sqs-dead-letter-parker.js";
import { REASON_CODES, type ReasonCode } from "../shared/domain/failures.js";

/**
 * The codes `dlq replay --reason` accepts: every reason the function parks with (transient ones
 * too: it parks those on the last attempt), and SQS's own redrive. A typo must not silently
 * select nothing.
 */
export const dlqReasons = (): string[] => [...REASON_CODES, REDRIVEN_BY_SQS];

const REPLAY = (reason: string) => `\`onboard dlq replay --reason ${reason}\``;
const FIX_SENDER =
  "fix the sender or the source data and send the event again (a replay fails the same way)";

/**
 * What an operator does about a message parked with each reason (docs/failures.md says the
 * same at more length). `dlq list` prints it beside each group.
 */
const REMEDIES: Readonly<Record<ReasonCode | typeof REDRIVEN_BY_SQS, string>> = {
  InvalidJson: `the body is not JSON: ${FIX_SENDER}`,
  InvalidEvent: `the message names the field: ${FIX_SENDER}`,
  UnsupportedEventType: `the event is not an employee event this service handles (hired, rehired, updated, terminated, termination rescinded): route only those to the queue (a replay fails the same way)`,
  PayloadTooLarge: `the body is over 256 KiB: ${FIX_SENDER}`,
  NoMappingRule: `add a rule that matches (onboard mappings import), then ${REPLAY("NoMappingRule")}`,
  ProfileNotFound: `create the profile or group in Connect, or fix the rule's name (or use an ID or ARN), then ${REPLAY("ProfileNotFound")}`,
  AmbiguousProfile: `several profiles share the name: give the rule an ID or ARN instead, then ${REPLAY("AmbiguousProfile")}`,
  ForbiddenProfile: `the rule grants a profile FORBIDDEN_SECURITY_PROFILES lists: fix the rule (onboard mappings import refuses such rules), then ${REPLAY("ForbiddenProfile")}`,
  MissingDeskPhone: `add the employee's deskPhoneNumber at the source, or give the rule phone.type SOFT_PHONE, then ${REPLAY("MissingDeskPhone")}`,
  InvalidUsername: `Connect would not take the username: correct the email at the source, or choose a USERNAME_TEMPLATE that gives a valid one, then ${REPLAY("InvalidUsername")}`,
  UsernameTaken: `another user holds the username: resolve the clash in Connect (or change USERNAME_TEMPLATE), then ${REPLAY("UsernameTaken")}`,
  SourceMappingFailed: `a source mapping could not make an event of the payload: fix it (onboard sources validate, onboard sources test), import it, then ${REPLAY("SourceMappingFailed")}`,
  NotManaged: `the employee's Connect user is not managed by connect-onboarding (no managedBy=connect-onboarding tag): tag it to hand it over, or leave it to whoever manages it; then ${REPLAY("NotManaged")}`,
  ConnectRejected: `Connect refused the request as it stands: read the message, fix the rule or the data, then ${REPLAY("ConnectRejected")}`,
  UserQuotaExceeded: `the instance is full: remove users or raise its users-per-instance quota, then ${REPLAY("UserQuotaExceeded")}`,
  NotAuthorized: `Connect refused the function's credentials, so the service quarantined itself (nothing is parked for it): fix the role's policy, the instance ID or its Region, then \`onboard quarantine release\`; a letter from before quarantine existed is replayed with ${REPLAY("NotAuthorized")}`,
  RemovalThresholdExceeded: `removals passed the deletion threshold, so the service quarantined itself and the removals wait on the queue: check that the terminations are real (\`onboard quarantine status\` shows the count), then \`onboard quarantine release --allow-removals N\`; should one reach the DLQ, ${REPLAY("RemovalThresholdExceeded")} once released`,
  Quarantined: `the service was quarantined when the record came: see \`onboard quarantine status\`, remove the cause, \`onboard quarantine release\`; should one reach the DLQ, ${REPLAY("Quarantined")} once released`,
  ConnectThrottled: `Connect throttled it on every attempt: lower createUserRps or maximumConcurrency (or raise the quota), then ${REPLAY("ConnectThrottled")}`,
  ConnectUnavailable: `Connect failed on every attempt: once it is healthy, run ${REPLAY("ConnectUnavailable")}`,
  UserLookupPending: `Connect had the username but no lookup found it yet: run ${REPLAY("UserLookupPending")} (it adopts or parks it properly)`,
  MappingTableUnavailable: `the mapping table could not be read: check the table and the role, then ${REPLAY("MappingTableUnavailable")}`,
  SourceTableUnavailable: `the source mappings' table could not be read: check the table and the role, then ${REPLAY("SourceTableUnavailable")}`,
  LedgerUnavailable: `the ledger table could not be read or written: check the table and the role, then ${REPLAY("LedgerUnavailable")}`,
  EmployeeBusy: `another Lambda environment held the employee on every attempt: ${REPLAY("EmployeeBusy")} (the change is applied once)`,
  EventPublishFailed: `the bus refused the event: check the bus and the role; then ${REPLAY("EventPublishFailed")} (provisioning is idempotent)`,
  DeadLetterUnavailable: `parking failed and SQS's redrive moved it: check the DLQ and the role, then ${REPLAY("DeadLetterUnavailable")}`,
  InternalError: `an unexpected error on every attempt: read the function's logs for the messageId, fix, then ${REPLAY("InternalError")}`,
  SchedulerUnavailable: `EventBridge Scheduler refused or failed the termination's schedule: check the schedule group, SCHEDULER_ROLE_ARN and the role's scheduler and iam:PassRole permissions, then ${REPLAY("SchedulerUnavailable")}`,
  [REDRIVEN_BY_SQS]: `SQS moved it after maxReceiveCount receives, with no reason from the function: read the function's logs for the message ID, then ${REPLAY(REDRIVEN_BY_SQS)}`,
};

/** What to do about a reason code; unknown codes point at the documentation. */
export const remedyFor = (reason: string): string =>
  (REMEDIES as Readonly<Record<string, string>>)[reason] ??
  "see docs/failures.md for this reason code";

/** The reasons that have a remedy written down (a test checks that every code has one). */
export const reasonsWithRemedies = (): string[] => Object.keys(REMEDIES);
