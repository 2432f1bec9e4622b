/**
 * The plan: what it takes to make the user Connect has match the user the employee should have.
 * Pure, and the one place that decides it: the function applies it, `onboard plan` shows it,
 * reconciliation reports its changes as differences.
 */
import {
  type ConnectUser,
  DISABLED_STATUS,
  IDENTITY_FIELDS,
  type IdentityField,
  type PhoneConfig,
  type PhoneField,
  STATUS_TAG,
} from "./connect-user.js";
import type { DesiredUser } from "./desired-user.js";

/** The aspects of a user the service manages, each changed with its own Connect API. */
export const ASPECTS = [
  "routingProfile",
  "securityProfiles",
  "hierarchyGroup",
  "identityInfo",
  "phoneConfig",
  "tags",
  "status",
] as const;
export type Aspect = (typeof ASPECTS)[number];

/** Phone settings without the desk phone number, which is personal data. */
export interface PhoneSettings {
  readonly PhoneType: PhoneConfig["PhoneType"] | null;
  readonly AutoAccept: boolean;
  readonly AfterContactWorkTimeLimit: number;
}

/**
 * One changed aspect, `{aspect, from, to}`. Identity values are personal: that change names the
 * fields that differ and carries no values (`from`/`to` are null); a desk phone number likewise
 * appears only as a field name.
 */
export type UserChange =
  | { readonly aspect: "routingProfile"; readonly from: string; readonly to: string }
  | {
      readonly aspect: "securityProfiles";
      readonly from: readonly string[];
      readonly to: readonly string[];
    }
  | { readonly aspect: "hierarchyGroup"; readonly from: string | null; readonly to: string | null }
  | {
      readonly aspect: "identityInfo";
      readonly from: null;
      readonly to: null;
      readonly fields: readonly IdentityField[];
    }
  | {
      readonly aspect: "phoneConfig";
      readonly from: PhoneSettings;
      readonly to: PhoneSettings;
      readonly fields: readonly PhoneField[];
    }
  | {
      readonly aspect: "tags";
      /** The rule tags that differ, before: null where the user had none. */
      readonly from: Readonly<Record<string, string | null>>;
      /** ... and after: null where the tag is removed. */
      readonly to: Readonly<Record<string, string | null>>;
    }
  | { readonly aspect: "status"; readonly from: string; readonly to: string };

/** The username cannot change (Connect has no API for it): a mismatch is reported, not fixed. */
export interface UsernameDrift {
  readonly current: string;
  readonly desired: string;
}

export type SyncPlan =
  | { readonly action: "CREATE"; readonly desired: DesiredUser }
  | {
      readonly action: "UPDATE";
      readonly desired: DesiredUser;
      readonly user: ConnectUser;
      readonly changes: readonly UserChange[];
      readonly usernameDrift?: UsernameDrift;
    }
  | {
      readonly action: "UNCHANGED";
      readonly desired: DesiredUser;
      readonly user: ConnectUser;
      readonly usernameDrift?: UsernameDrift;
    }
  | { readonly action: "STALE"; readonly appliedVersion: number };

export type PlanAction = SyncPlan["action"];

/** What the ledger remembers of the last change applied to this employee. */
export interface AppliedState {
  /** The HR version (epoch milliseconds) of the event last applied. */
  readonly version: number;
  /** The rule tag keys the service set then: the only tags it may take away. */
  readonly ruleTagKeys: readonly string[];
}

export interface PlanInput {
  /** The event's HR version (epoch milliseconds). */
  readonly version: number;
  readonly applied?: AppliedState;
  readonly desired: DesiredUser;
  /** The employee's user as Connect has it; absent when there is none. */
  readonly actual?: ConnectUser;
}

/**
 * An event older than the version last applied changes nothing. The same version is the same
 * event (a redelivery), not a stale one.
 */
export const isStale = (version: number, appliedVersion: number | undefined): boolean =>
  appliedVersion !== undefined && version < appliedVersion;

export const planSync = ({ version, applied, desired, actual }: PlanInput): SyncPlan => {
  if (applied && isStale(version, applied.version)) {
    return { action: "STALE", appliedVersion: applied.version };
  }
  if (!actual) return { action: "CREATE", desired };
  const changes = userChanges(desired, actual, applied?.ruleTagKeys ?? []);
  const drift = usernameDrift(desired, actual);
  const extra = drift ? { usernameDrift: drift } : {};
  return changes.length > 0
    ? { action: "UPDATE", desired, user: actual, changes, ...extra }
    : { action: "UNCHANGED", desired, user: actual, ...extra };
};

/** Every aspect in which the user differs from the desired one, in ASPECTS order. */
export const userChanges = (
  desired: DesiredUser,
  actual: ConnectUser,
  appliedRuleTagKeys: readonly string[] = [],
): UserChange[] => {
  const changes: UserChange[] = [];
  if (desired.routingProfileId !== actual.routingProfileId) {
    changes.push({
      aspect: "routingProfile",
      from: actual.routingProfileId,
      to: desired.routingProfileId,
    });
  }
  const currentProfiles = [...new Set(actual.securityProfileIds)].sort();
  if (!sameList(currentProfiles, desired.securityProfileIds)) {
    changes.push({
      aspect: "securityProfiles",
      from: currentProfiles,
      to: [...desired.securityProfileIds],
    });
  }
  const group = desired.hierarchyGroupId ?? null;
  if (group !== (actual.hierarchyGroupId ?? null)) {
    changes.push({ aspect: "hierarchyGroup", from: actual.hierarchyGroupId ?? null, to: group });
  }
  const identity = IDENTITY_FIELDS.filter(
    (field) => (desired.identityInfo[field] ?? "") !== (actual.identityInfo[field] ?? ""),
  );
  if (identity.length > 0) {
    changes.push({ aspect: "identityInfo", from: null, to: null, fields: identity });
  }
  const phone = phoneFields(desired.phoneConfig, actual.phoneConfig);
  if (phone.length > 0) {
    changes.push({
      aspect: "phoneConfig",
      from: phoneSettings(actual.phoneConfig),
      to: phoneSettings(desired.phoneConfig),
      fields: phone,
    });
  }
  const tags = tagChanges(desired.ruleTags, actual.tags, appliedRuleTagKeys);
  if (tags) changes.push(tags);
  // A leaver disabled rather than deleted carries the status tag; a hire or update restores it.
  if (actual.tags[STATUS_TAG] === DISABLED_STATUS) {
    changes.push({ aspect: "status", from: "DISABLED", to: "ACTIVE" });
  }
  return changes;
};

/**
 * One aspect changed in steps (attempts at the same event, or the two calls tags take) as one
 * change: from what it was before the first step to what the last made it. Tags change key by
 * key, so their keys are united.
 */
export const mergeChanges = (earlier: UserChange, later: UserChange): UserChange =>
  earlier.aspect === "tags" && later.aspect === "tags"
    ? {
        aspect: "tags",
        from: sortedKeys({ ...later.from, ...earlier.from }),
        to: sortedKeys({ ...earlier.to, ...later.to }),
      }
    : ({ ...later, from: earlier.from } as UserChange);

/** A tags change narrowed to some of its keys. */
export const onlyTags = (
  change: Extract<UserChange, { aspect: "tags" }>,
  keys: readonly string[],
): UserChange => {
  const pick = (tags: Readonly<Record<string, string | null>>) =>
    Object.fromEntries(
      keys.filter((key) => Object.hasOwn(tags, key)).map((key) => [key, tags[key] ?? null]),
    );
  return { aspect: "tags", from: pick(change.from), to: pick(change.to) };
};

const sortedKeys = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Usernames compare as Connect compares them: without regard to case. */
export const usernameDrift = (
  desired: Pick<DesiredUser, "username">,
  actual: Pick<ConnectUser, "username">,
): UsernameDrift | undefined =>
  desired.username.toLowerCase() === actual.username.toLowerCase()
    ? undefined
    : { current: actual.username, desired: desired.username };

// Connect reports an unset AutoAccept and after-contact-work limit as false and 0.
const phoneSettings = (config: Partial<PhoneConfig>): PhoneSettings => ({
  PhoneType: config.PhoneType ?? null,
  AutoAccept: config.AutoAccept ?? false,
  AfterContactWorkTimeLimit: config.AfterContactWorkTimeLimit ?? 0,
});

const phoneFields = (desired: PhoneConfig, actual: Partial<PhoneConfig>): PhoneField[] => {
  const want = phoneSettings(desired);
  const have = phoneSettings(actual);
  const fields: PhoneField[] = [];
  if (want.PhoneType !== have.PhoneType) fields.push("PhoneType");
  if (want.AutoAccept !== have.AutoAccept) fields.push("AutoAccept");
  if (want.AfterContactWorkTimeLimit !== have.AfterContactWorkTimeLimit) {
    fields.push("AfterContactWorkTimeLimit");
  }
  // A soft phone ignores the desk number, so a leftover one is no difference.
  if (desired.PhoneType === "DESK_PHONE" && desired.DeskPhoneNumber !== actual.DeskPhoneNumber) {
    fields.push("DeskPhoneNumber");
  }
  return fields;
};

/**
 * The rule's tags, set where they differ and removed where the service set them before and the
 * rule no longer has them. Tags someone else put on the user are theirs: never removed.
 */
const tagChanges = (
  wanted: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
  appliedKeys: readonly string[],
): UserChange | undefined => {
  const from: Record<string, string | null> = {};
  const to: Record<string, string | null> = {};
  const keys = [...new Set([...Object.keys(wanted), ...appliedKeys])].sort();
  for (const key of keys) {
    const want = Object.hasOwn(wanted, key) ? (wanted[key] as string) : null;
    const have = Object.hasOwn(current, key) ? (current[key] as string) : null;
    if (want === have) continue;
    from[key] = have;
    to[key] = want;
  }
  return Object.keys(to).length > 0 ? { aspect: "tags", from, to } : undefined;
};

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);
