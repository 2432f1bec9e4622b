/**
 * The ledger: what the service remembers of each employee (docs/lifecycle.md). One record per
 * employee with the user it has, the HR version last applied and the outcome it published, and a
 * history entry per event. Never a name, an email or a phone number: users are known by their
 * IDs, and the published events are kept without their username (which is often the email).
 */
import type { DetailType, OutputEvent } from "./output-events.js";
import type { UserChange } from "./plan.js";

export const EMPLOYEE_STATUSES = ["ACTIVE", "DISABLED", "REMOVED"] as const;
export type EmployeeStatus = (typeof EMPLOYEE_STATUSES)[number];

/** A change under way: one environment holds the employee until it commits or the lease ends. */
export interface Claim {
  /** Tells this claim from a later one on the same version (a redelivery taking over). */
  readonly token: string;
  readonly version: number;
  readonly eventId: string;
  /** Epoch ms after which another environment may take the employee over. */
  readonly until: number;
  /** What this claim has done to Connect so far, so a retry of the same event reports it all. */
  readonly progress: ClaimProgress;
}

export interface ClaimProgress {
  readonly created?: { readonly userId: string; readonly userArn: string };
  /** Changes made, each recorded once its call succeeded. */
  readonly changes: readonly UserChange[];
  /**
   * Changes about to be made, recorded before their calls: a call that took effect but whose
   * record was lost (a crash, the deadline) is found in Connect by the retry and still
   * announced. Kept only while a claim works on a version.
   */
  readonly pending?: readonly UserChange[];
}

export interface LedgerEntry {
  readonly employeeId: string;
  readonly status?: EmployeeStatus;
  readonly userId?: string;
  readonly userArn?: string;
  /** HR version (epoch ms) and eventId of the event last applied. */
  readonly appliedVersion?: number;
  readonly appliedEventId?: string;
  readonly ruleId?: string;
  /** The rule tag keys set on the user: the only tags the service may later remove. */
  readonly ruleTagKeys: readonly string[];
  /** The employee's match attributes when last applied, for impact analysis of rule changes. */
  readonly matchAttributes: Readonly<Record<string, string>>;
  /**
   * What the last applied event published, without usernames: a redelivery of it publishes the
   * same again, the username read back from Connect.
   */
  readonly outcome: readonly StoredEvent[];
  readonly claim?: Claim;
}

/**
 * An outcome event as the ledger keeps it: without the username and username drift it
 * carried (a username is often the work email), and a note of which it had, so that a
 * redelivery can fill them in again from Connect and the event itself.
 */
export interface StoredEvent {
  readonly source: string;
  readonly detailType: DetailType;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly hadUsername: boolean;
  readonly hadUsernameDrift: boolean;
}

export const storedEvents = (events: readonly OutputEvent[]): StoredEvent[] =>
  events.map(({ source, detailType, detail }) => {
    const { username, usernameDrift, ...kept } = detail as Readonly<Record<string, unknown>>;
    return {
      source,
      detailType,
      detail: kept,
      hadUsername: username !== undefined,
      hadUsernameDrift: usernameDrift !== undefined,
    };
  });

/** The events as first published: `username` is the user's now, `desiredUsername` the template's. */
export const restoredEvents = (
  stored: readonly StoredEvent[],
  names: { readonly username: string; readonly desiredUsername: string },
): OutputEvent[] =>
  stored.map(
    ({ source, detailType, detail, hadUsername, hadUsernameDrift }) =>
      // The same members as when it was published: its contract's shape.
      ({
        source,
        detailType,
        detail: {
          ...detail,
          ...(hadUsername ? { username: names.username } : {}),
          ...(hadUsernameDrift
            ? { usernameDrift: { current: names.username, desired: names.desiredUsername } }
            : {}),
        },
      }) as OutputEvent,
  );

/** What a committed change records. */
export interface AppliedChange {
  readonly version: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: EmployeeStatus;
  readonly userId: string;
  readonly userArn: string;
  readonly ruleId: string;
  readonly ruleTagKeys: readonly string[];
  readonly matchAttributes: Readonly<Record<string, string>>;
  /** CREATED, ALREADY_EXISTED, UPDATED, UNCHANGED; in the history also STALE (skipped). */
  readonly action: string;
  readonly changes: readonly UserChange[];
  readonly outcome: readonly StoredEvent[];
  readonly appliedAt: number;
}

/** One line of an employee's provisioning timeline (`onboard history`). */
export interface HistoryEntry {
  readonly employeeId: string;
  readonly version: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly action: string;
  readonly userId: string;
  readonly ruleId: string;
  readonly changes: readonly UserChange[];
  readonly appliedAt: number;
  /** Epoch seconds at which DynamoDB's TTL removes the entry. */
  readonly expiresAt: number;
}

/** Employee fields that identify a person: never kept, even when a rule matches on them. */
const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  "firstName",
  "lastName",
  "preferredFirstName",
  "workEmail",
  "mobilePhone",
  "deskPhoneNumber",
  "directoryUserId",
]);

/**
 * The attributes worth keeping for "which rule would this employee get?": those the usual match
 * columns and the current rules look at, without personal fields.
 */
export const matchAttributesOf = (
  attributes: Readonly<Record<string, string>>,
  keys: Iterable<string>,
): Record<string, string> => {
  const kept: Record<string, string> = {};
  for (const key of [...new Set(keys)].sort()) {
    if (PERSONAL_FIELDS.has(key) || !Object.hasOwn(attributes, key)) continue;
    kept[key] = attributes[key] as string;
  }
  return kept;
};

/** The history entry a committed change leaves, kept for `historyDays`. */
export const historyEntryOf = (
  employeeId: string,
  applied: Pick<
    AppliedChange,
    "version" | "eventId" | "eventType" | "action" | "userId" | "ruleId" | "changes" | "appliedAt"
  >,
  historyDays: number,
): HistoryEntry => ({
  employeeId,
  version: applied.version,
  eventId: applied.eventId,
  eventType: applied.eventType,
  action: applied.action,
  userId: applied.userId,
  ruleId: applied.ruleId,
  changes: applied.changes,
  appliedAt: applied.appliedAt,
  expiresAt: Math.floor(applied.appliedAt / 1000) + Math.round(historyDays * 86_400),
});
