/**
 * The events the service publishes on its bus (docs/subscribers.md). Every Detail carries an
 * eventId that is a function of the employee, the instance, the action and the HR version, so
 * subscribers can de-duplicate a republished event; no Detail ever carries a password.
 */
import { createHash } from "node:crypto";
import type { DetailType } from "../contracts/detail-types.js";
import {
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
  USER_CREATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
  USER_UPDATED,
} from "../contracts/detail-types.js";
import type { BusEvent, ConnectUserCreatedDetail } from "../contracts/output-events.js";
import type { ReasonCode } from "./failures.js";
import type { UserChange, UsernameDrift } from "./plan.js";
import type { QuarantineCounts, QuarantineReason } from "./quarantine.js";

// The names and the types are the contract's (shared/contracts/), which subscribers import too.
export {
  DETAIL_TYPES,
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
  USER_CREATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
  USER_UPDATED,
} from "../contracts/detail-types.js";
export type { DetailType };

/** How a Created event came about: the user was made now, or was found already there. */
export type Outcome = ConnectUserCreatedDetail["outcome"];

/** A Detail as the service holds it: the contract's type, read-only all the way down. */
type Frozen<T> = T extends readonly (infer E)[]
  ? readonly Frozen<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** An event for the bus, before any transport concern; its Detail is typed by its DetailType. */
export type OutputEvent<T extends DetailType = DetailType> = {
  [K in T]: {
    readonly source: string;
    readonly detailType: K;
    readonly detail: Frozen<BusEvent<K>["detail"]>;
  };
}[T];

/** What every event about an employee's user says. */
interface UserFacts {
  readonly sourceEventId: string;
  readonly employeeId: string;
  readonly instanceId: string;
  /** The HR version (epoch milliseconds) of the event that caused it. */
  readonly version: number;
  readonly userId: string;
  readonly userArn: string;
  readonly username: string;
  readonly ruleId: string;
}

export interface UserCreatedFacts extends UserFacts {
  readonly routingProfileId: string;
  readonly securityProfileIds: readonly string[];
  readonly hierarchyGroupId?: string;
  readonly outcome: Outcome;
}

export interface ProvisioningFailedFacts {
  readonly instanceId: string;
  /** The hire's eventId, or null when the body was too broken to have one. */
  readonly sourceEventId: string | null;
  readonly employeeId: string | null;
  readonly reason: ReasonCode;
  readonly message: string;
  /** What identifies this failure across redeliveries: the eventId, else a digest of the body. */
  readonly failureKey: string;
}

export interface UserUpdatedFacts extends UserFacts {
  readonly changes: readonly UserChange[];
  readonly usernameDrift?: UsernameDrift;
}

/**
 * The same employee, instance and HR version give the same eventId, so subscribers can
 * de-duplicate the republished event of a retry or a replay; a later version (a rehire's new
 * user) gets a new one.
 */
export const userCreatedEvent = (
  source: string,
  facts: UserCreatedFacts,
  now: Date,
): OutputEvent<typeof USER_CREATED> => ({
  source,
  detailType: USER_CREATED,
  detail: {
    eventId: userEventId("user-created", facts),
    sourceEventId: facts.sourceEventId,
    employeeId: facts.employeeId,
    instanceId: facts.instanceId,
    userId: facts.userId,
    userArn: facts.userArn,
    username: facts.username,
    ruleId: facts.ruleId,
    routingProfileId: facts.routingProfileId,
    securityProfileIds: [...facts.securityProfileIds],
    hierarchyGroupId: facts.hierarchyGroupId ?? null,
    outcome: facts.outcome,
    occurredAt: now.toISOString(),
  },
});

export const userUpdatedEvent = (
  source: string,
  facts: UserUpdatedFacts,
  now: Date,
): OutputEvent<typeof USER_UPDATED> => ({
  source,
  detailType: USER_UPDATED,
  detail: {
    eventId: userEventId("user-updated", facts),
    sourceEventId: facts.sourceEventId,
    employeeId: facts.employeeId,
    instanceId: facts.instanceId,
    userId: facts.userId,
    userArn: facts.userArn,
    username: facts.username,
    ruleId: facts.ruleId,
    changes: facts.changes.map((change) => ({ ...change })),
    ...(facts.usernameDrift ? { usernameDrift: { ...facts.usernameDrift } } : {}),
    occurredAt: now.toISOString(),
  },
});

/** What a leaver's events say of the employee and the termination. */
interface LeaverFacts {
  readonly sourceEventId: string;
  readonly employeeId: string;
  readonly instanceId: string;
  /** The termination's HR version (epoch milliseconds). */
  readonly version: number;
  readonly userId: string;
}

/** How a leaver's access was removed (LEAVER_ACTION). */
export type RemovalAction = "DELETED" | "DISABLED";

export interface UserRemovedFacts extends LeaverFacts {
  readonly userArn: string;
  /** Null only when an earlier attempt deleted the user and Connect can no longer say. */
  readonly username: string | null;
  readonly action: RemovalAction;
}

export const userRemovalScheduledEvent = (
  source: string,
  facts: LeaverFacts & { readonly effectiveAt: number },
  now: Date,
): OutputEvent => ({
  source,
  detailType: USER_REMOVAL_SCHEDULED,
  detail: {
    eventId: userEventId("user-removal-scheduled", facts),
    sourceEventId: facts.sourceEventId,
    employeeId: facts.employeeId,
    instanceId: facts.instanceId,
    userId: facts.userId,
    effectiveAt: new Date(facts.effectiveAt).toISOString(),
    occurredAt: now.toISOString(),
  },
});

export const userRemovedEvent = (
  source: string,
  facts: UserRemovedFacts,
  now: Date,
): OutputEvent => ({
  source,
  detailType: USER_REMOVED,
  detail: {
    eventId: userEventId("user-removed", facts),
    sourceEventId: facts.sourceEventId,
    employeeId: facts.employeeId,
    instanceId: facts.instanceId,
    userId: facts.userId,
    userArn: facts.userArn,
    username: facts.username,
    action: facts.action,
    occurredAt: now.toISOString(),
  },
});

const userEventId = (
  action: string,
  facts: Pick<UserFacts, "instanceId" | "employeeId" | "version">,
): string => deterministicId(action, facts.instanceId, facts.employeeId, String(facts.version));

export const provisioningFailedEvent = (
  source: string,
  facts: ProvisioningFailedFacts,
  now: Date,
): OutputEvent<typeof PROVISIONING_FAILED> => ({
  source,
  detailType: PROVISIONING_FAILED,
  detail: {
    eventId: deterministicId(
      "provisioning-failed",
      facts.instanceId,
      facts.failureKey,
      facts.reason,
    ),
    sourceEventId: facts.sourceEventId,
    employeeId: facts.employeeId,
    instanceId: facts.instanceId,
    reason: facts.reason,
    message: facts.message,
    occurredAt: now.toISOString(),
  },
});

/** What the service-wide events say: about the service, so no employee or source event. */
export interface QuarantineFacts {
  readonly instanceId: string;
  readonly reason: QuarantineReason;
  /** When the quarantine began (ISO 8601): with the instance, it identifies the quarantine. */
  readonly since: string;
  readonly counts: QuarantineCounts;
  /** The deletion threshold's figures, for a quarantine it caused. */
  readonly removals?: RemovalFigures;
}

/** The deletion threshold as its budget reports it (the rolling window's). */
export interface RemovalFigures {
  readonly used: number;
  readonly limit: number;
  readonly active: number;
  readonly heldBack: number;
}

/** The contract's counts (docs/schemas/provisioning-quarantined.json) from the state's. */
const contractCounts = (counts: QuarantineCounts, removals?: RemovalFigures) => ({
  windowRecords: counts.windowRecords,
  failedRecords: counts.windowFailed,
  ...(removals
    ? {
        removals: removals.used,
        removalLimit: removals.limit,
        activeEmployees: removals.active,
        heldBack: removals.heldBack,
      }
    : {}),
});

/**
 * One per quarantine: every environment that trips the same quarantine would give the same
 * eventId, though only the one whose trip was recorded first publishes it.
 */
export const provisioningQuarantinedEvent = (
  source: string,
  facts: QuarantineFacts,
  now: Date,
): OutputEvent<typeof PROVISIONING_QUARANTINED> => ({
  source,
  detailType: PROVISIONING_QUARANTINED,
  detail: {
    eventId: deterministicId("provisioning-quarantined", facts.instanceId, facts.since),
    sourceEventId: null,
    employeeId: null,
    instanceId: facts.instanceId,
    reason: facts.reason,
    counts: contractCounts(facts.counts, facts.removals),
    since: facts.since,
    occurredAt: now.toISOString(),
  },
});

/** The release of the quarantine that began at `since` (`onboard quarantine release`). */
export const provisioningResumedEvent = (
  source: string,
  facts: QuarantineFacts & { readonly allowRemovals: number },
  now: Date,
): OutputEvent<typeof PROVISIONING_RESUMED> => ({
  source,
  detailType: PROVISIONING_RESUMED,
  detail: {
    eventId: deterministicId("provisioning-resumed", facts.instanceId, facts.since),
    sourceEventId: null,
    employeeId: null,
    instanceId: facts.instanceId,
    reason: facts.reason,
    counts: contractCounts(facts.counts, facts.removals),
    since: facts.since,
    allowRemovals: facts.allowRemovals,
    occurredAt: now.toISOString(),
  },
});

/** A digest of a message body, for failures that have no eventId to key on. */
export const bodyDigest = (body: string): string =>
  `sha256:${createHash("sha256").update(body).digest("hex")}`;

/** A UUID (version 8, name-based on SHA-256) derived from its parts. */
export const deterministicId = (...parts: string[]): string => {
  const bytes = createHash("sha256").update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
