/**
 * The small interfaces the application needs from the outside world. Adapters in
 * `shared/adapters/` implement them over the AWS SDK; tests may implement them in memory.
 * Every method reports trouble as a classified ProvisioningFailure, never as an SDK error.
 */
import type { Deadline } from "./application/deadline.js";
import type { Log } from "./application/log.js";
import type { ConnectUser, IdentityInfo, PhoneConfig } from "./domain/connect-user.js";
import type { CreateUserRequest } from "./domain/desired-user.js";
import type { ReasonCode } from "./domain/failures.js";
import type { AppliedChange, Claim, HistoryEntry, LedgerEntry } from "./domain/ledger.js";
import type { MappingRule } from "./domain/mapping-rule.js";
import type { OutputEvent } from "./domain/output-events.js";
import type { ProfileKind } from "./domain/profile-ref.js";
import type {
  MappingRef,
  QuarantineState,
  QuarantineTrip,
  SpikeSettings,
  WindowCounts,
} from "./domain/quarantine.js";
import type { SourceMapping } from "./domain/source-mapping.js";

/** Where the mapping rules live (the DynamoDB table in production). */
export interface MappingRuleSource {
  /** Every valid rule; invalid items are reported through `onInvalid` and left out. */
  loadRules(
    context: CallContext,
    onInvalid?: (ruleId: string | undefined, problem: string) => void,
  ): Promise<MappingRule[]>;
}

export interface ProfileSummary {
  readonly id: string;
  readonly name: string;
}

/** The instance's routing profiles, security profiles and hierarchy groups. */
export interface ProfileCatalog {
  listProfiles(kind: ProfileKind, context: CallContext): Promise<ProfileSummary[]>;
}

/**
 * What every outbound call is given: the moment by which it must be over, and where to say that
 * it is being retried. Port methods take it last.
 */
export interface CallContext {
  /**
   * When the calls must be over: none starts or waits past `deadline.at`, and one still
   * running then is aborted through `deadline.signal` (adapters hand it to every SDK call).
   */
  readonly deadline: Deadline;
  readonly log: Log;
}

/** The Connect APIs the function calls: each has its own quota, so each is paced on its own. */
export const CONNECT_APIS = [
  "CreateUser",
  "DescribeUser",
  "SearchUsers",
  "ListUsers",
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
  "UpdateUserIdentityInfo",
  "UpdateUserPhoneConfig",
  "TagResource",
  "UntagResource",
  "DeleteUser",
  "ListRoutingProfiles",
  "ListSecurityProfiles",
  "ListUserHierarchyGroups",
] as const;
export type ConnectApi = (typeof CONNECT_APIS)[number];

/**
 * How an adapter makes one API call: the application wraps every call in its pacing and
 * retries (per API), so the adapter only says which API it is calling.
 */
export type ApiInvoker<Api extends string> = <T>(
  api: Api,
  context: CallContext,
  call: () => Promise<T>,
) => Promise<T>;

export type CreateUserResult =
  | { readonly status: "created"; readonly userId: string; readonly userArn: string }
  | { readonly status: "duplicate" };

/** A user a search found, before DescribeUser tells the rest. */
export interface UserSummary {
  readonly userId: string;
  readonly username: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** A user as ListUsers shows it: its ID and username, nothing about whose it is. */
export interface UserListing {
  readonly userId: string;
  readonly username: string;
}

/**
 * The instance's users in bulk, for reconciliation (docs/cli.md): paged, each page one paced
 * call, so the whole instance costs a few calls rather than one per user.
 */
export interface UserDirectory {
  /** Every user tagged managedBy=connect-onboarding, as the (lagging) search index sees them. */
  listManagedUsers(context: CallContext): Promise<UserSummary[]>;
  /** Every user of the instance, from ListUsers, which sees fresh writes at once. */
  listUsers(context: CallContext): Promise<UserListing[]>;
}

/** The instance's users, one method per Connect API the lifecycle needs. */
export interface ConnectUsers {
  createUser(request: CreateUserRequest, context: CallContext): Promise<CreateUserResult>;
  /** The user as Connect has it; undefined when it no longer exists. */
  describeUser(userId: string, context: CallContext): Promise<ConnectUser | undefined>;
  /** Users tagged for this employee, as the (lagging) search index sees them. */
  findUsersByEmployeeId(employeeId: string, context: CallContext): Promise<UserSummary[]>;
  /** The ID of the user with this username (compared as Connect does, ignoring case), index lag or not. */
  findUserIdByUsername(username: string, context: CallContext): Promise<string | undefined>;
  updateRoutingProfile(
    userId: string,
    routingProfileId: string,
    context: CallContext,
  ): Promise<void>;
  updateSecurityProfiles(
    userId: string,
    securityProfileIds: readonly string[],
    context: CallContext,
  ): Promise<void>;
  /** No group removes the user's. */
  updateHierarchy(
    userId: string,
    hierarchyGroupId: string | undefined,
    context: CallContext,
  ): Promise<void>;
  updateIdentityInfo(
    userId: string,
    identityInfo: IdentityInfo,
    context: CallContext,
  ): Promise<void>;
  updatePhoneConfig(userId: string, phoneConfig: PhoneConfig, context: CallContext): Promise<void>;
  tagUser(
    userArn: string,
    tags: Readonly<Record<string, string>>,
    context: CallContext,
  ): Promise<void>;
  untagUser(userArn: string, keys: readonly string[], context: CallContext): Promise<void>;
  /** DeleteUser; a user already gone is no error (a retry's removal may have gone through). */
  deleteUser(userId: string, context: CallContext): Promise<void>;
}

/** What a claim on an employee found. */
export type ClaimResult =
  /** The employee is this caller's until `claim.until`; `entry` is what the ledger held. */
  | { readonly kind: "claimed"; readonly claim: Claim; readonly entry?: LedgerEntry }
  /** A newer version was applied: this event is stale. */
  | { readonly kind: "stale"; readonly entry: LedgerEntry }
  /** This very version was applied already: a redelivery. */
  | { readonly kind: "applied"; readonly entry: LedgerEntry }
  /** Another environment holds the employee now. */
  | { readonly kind: "busy"; readonly entry: LedgerEntry };

/**
 * The ledger (DynamoDB in production). Writes are conditional: a stale event can never
 * overwrite a newer one, and two environments never change one employee at once.
 */
export interface Ledger {
  claim(
    employeeId: string,
    version: number,
    eventId: string,
    until: number,
    context: CallContext,
  ): Promise<ClaimResult>;
  /** Records what the claim has done so far; later calls replace earlier ones. */
  recordProgress(employeeId: string, claim: Claim, context: CallContext): Promise<void>;
  /** Commits the change and ends the claim; false when the claim was lost meanwhile. */
  commit(
    employeeId: string,
    claim: Claim,
    applied: AppliedChange,
    context: CallContext,
  ): Promise<boolean>;
  /**
   * Claims the employee for the removal a schedule delivers when due: only while the ledger
   * holds that very termination (`eventId`, `version`) as pending; `not-pending` once it was
   * carried out, rescinded or superseded.
   */
  claimPendingRemoval(
    employeeId: string,
    version: number,
    eventId: string,
    until: number,
    context: CallContext,
  ): Promise<ClaimResult | { readonly kind: "not-pending"; readonly entry?: LedgerEntry }>;
  /** Ends the claim without a change, keeping its progress for a retry of the same version. */
  release(employeeId: string, claim: Claim, context: CallContext): Promise<void>;
  appendHistory(entry: HistoryEntry, context: CallContext): Promise<void>;
}

/** Reading the ledger, for operators (`onboard history`, reconciliation). */
export interface LedgerReader {
  entry(employeeId: string): Promise<LedgerEntry | undefined>;
  history(employeeId: string): Promise<HistoryEntry[]>;
}

/** The ledger in bulk: reconciliation reads the employees it compares, impact analysis all. */
export interface LedgerInventory {
  /** The state of each of these employees the ledger holds (none for one it never saw). */
  entries(employeeIds: readonly string[], context: CallContext): Promise<LedgerEntry[]>;
  /** Every employee's state. */
  allEntries(context: CallContext): Promise<LedgerEntry[]>;
}

/** Puts events on the bus; resolves only once the bus accepted the entry. */
export interface ProvisioningEventPublisher {
  publish(event: OutputEvent, deadline: Deadline): Promise<void>;
}

/** A message from the onboarding queue, as much of it as the application needs. */
export interface InboundMessage {
  readonly messageId: string;
  /** The body, verbatim. */
  readonly body: string;
  /** This delivery's number, from 1: on the queue's maxReceiveCount the function parks it. */
  readonly receiveCount: number;
  /** When the queue got the message (epoch ms): the HR version of last resort. */
  readonly sentAt: number;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** A message attribute in the shape Lambda hands it to us. */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

export interface DeadLetter {
  /** The original body, verbatim, so a replay sends exactly what the HR system sent. */
  readonly body: string;
  readonly reason: ReasonCode;
  readonly message: string;
  readonly failedAt: Date;
  readonly sourceMessageId: string;
  readonly sourceEventId?: string;
  readonly employeeId?: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** Parks a message on the dead-letter queue with the reason it could not be provisioned. */
export interface DeadLetterParker {
  park(letter: DeadLetter, deadline: Deadline): Promise<void>;
}

/** Where the source mappings live (the DynamoDB source table in production). */
export interface SourceMappingSource {
  /** Every mapping whose document is valid; invalid items are reported through `onInvalid`. */
  loadSources(
    context: CallContext,
    onInvalid?: (sourceId: string | undefined, problem: string) => void,
  ): Promise<SourceMapping[]>;
}

/**
 * The deletion threshold (docs/lifecycle.md): removals and disables per rolling 24 hours, by
 * count and by share of the employees the ledger holds as active, across every environment.
 */
export interface RemovalBudget {
  /** One removal for this termination; a retry of the same employee and version never counts twice. */
  take(employeeId: string, version: number, context: CallContext): Promise<"allowed" | "exceeded">;
  status(context: CallContext): Promise<RemovalBudgetStatus>;
  /** Raises the allowance once by `extra` removals (`onboard quarantine release --allow-removals`). */
  allowMore(extra: number, context: CallContext): Promise<void>;
}

export interface RemovalBudgetStatus {
  /** Removals counted in the window. */
  readonly used: number;
  /** What the window allows now: the lower of the count and the share of `active`, plus any allowance. */
  readonly limit: number;
  /** Employees the ledger holds as active. */
  readonly active: number;
  readonly windowHours: number;
  /** Removals refused in the window and not allowed since. */
  readonly heldBack: number;
}

/**
 * Future-dated terminations (EventBridge Scheduler in production): one one-time schedule per
 * employee, which delivers `body` to the onboarding queue at `dueAt`.
 */
export interface RemovalScheduler {
  /** Creates the employee's schedule, or replaces the one there is. */
  schedule(employeeId: string, dueAt: number, body: string, context: CallContext): Promise<void>;
  /** Deletes the employee's schedule; none is no error. */
  cancel(employeeId: string, context: CallContext): Promise<void>;
}

/** What an environment learns from adding outcomes to the recent-outcome window. */
export interface WindowReading {
  readonly counts: WindowCounts;
  /** The service's quarantine as stored, when one is active (another environment's, maybe). */
  readonly quarantine?: QuarantineState;
}

/**
 * The quarantine state and the recent-outcome window, shared by every Lambda environment and the
 * CLI (DynamoDB in production: conditional writes, so concurrent environments agree).
 */
export interface QuarantineStore {
  /** The quarantine, active or the last one released; undefined when there never was one. */
  read(context: CallContext): Promise<QuarantineState | undefined>;
  /** Adds records' outcomes (true: failed permanently) to the window; returns it as stored. */
  recordOutcomes(
    outcomes: readonly boolean[],
    settings: SpikeSettings,
    context: CallContext,
  ): Promise<WindowReading>;
  /**
   * Records a quarantine unless one is active already: "tripped" for the caller whose write made
   * it (that one announces it), else the active one.
   */
  trip(
    trip: QuarantineTrip,
    context: CallContext,
  ): Promise<
    { readonly tripped: true } | { readonly tripped: false; readonly active: QuarantineState }
  >;
  /** Notes the mapping disabled, and adds records handed back, on the quarantine begun at `since`. */
  note(
    since: string,
    update: { readonly mapping?: MappingRef; readonly heldBack?: number },
    context: CallContext,
  ): Promise<void>;
  /**
   * Ends the active quarantine and empties the window; returns the quarantine released, or
   * undefined when none was active.
   */
  release(allowedRemovals: number, context: CallContext): Promise<QuarantineState | undefined>;
}

/** An event source mapping as Lambda reports it. */
export interface MappingStatus extends MappingRef {
  /** Creating, Enabling, Enabled, Disabling, Disabled, Updating or Deleting. */
  readonly state: string;
}

/** The Lambda API's event source mapping operations the service needs. */
export interface EventSourceMappings {
  /** The function's mapping for this queue; undefined when there is none. */
  find(
    functionName: string,
    eventSourceArn: string,
    context: CallContext,
  ): Promise<MappingStatus | undefined>;
  get(uuid: string, context: CallContext): Promise<MappingStatus | undefined>;
  /** Asks Lambda to stop (false) or resume (true) polling; resolves once it accepted. */
  setEnabled(uuid: string, enabled: boolean, context: CallContext): Promise<MappingStatus>;
}
