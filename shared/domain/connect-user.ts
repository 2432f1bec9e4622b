/**
 * A Connect user as this service sees it: the fields it manages, with the Connect API's own
 * member names, and the tags that tie a user to its employee.
 */
import type { PhoneType } from "./mapping-rule.js";

/** The tag that ties a Connect user to its employee: finding users rests on it. */
export const EMPLOYEE_ID_TAG = "employeeId";
/** The tag that says this service manages the user: nothing else is ever changed or removed. */
export const MANAGED_BY_TAG = "managedBy";
export const MANAGED_BY_VALUE = "connect-onboarding";
/** Set on a leaver's user when it is disabled rather than deleted (value `disabled`). */
export const STATUS_TAG = "status";
export const DISABLED_STATUS = "disabled";
/** Tags no rule may set: the service writes them itself. */
export const RESERVED_TAGS: readonly string[] = [EMPLOYEE_ID_TAG, MANAGED_BY_TAG, STATUS_TAG];

/** `UserIdentityInfo` as the service sets it. */
export interface IdentityInfo {
  readonly FirstName: string;
  readonly LastName: string;
  readonly Email?: string;
  readonly Mobile?: string;
}

/** The identity fields the service compares; an Updated event names which changed, never values. */
export const IDENTITY_FIELDS = ["FirstName", "LastName", "Email", "Mobile"] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** `UserPhoneConfig` as the service sets it. */
export interface PhoneConfig {
  readonly PhoneType: PhoneType;
  readonly AutoAccept: boolean;
  readonly AfterContactWorkTimeLimit: number;
  readonly DeskPhoneNumber?: string;
}

export const PHONE_FIELDS = [
  "PhoneType",
  "AutoAccept",
  "AfterContactWorkTimeLimit",
  "DeskPhoneNumber",
] as const;
export type PhoneField = (typeof PHONE_FIELDS)[number];

/** A user as DescribeUser reports it, in the parts the service manages. */
export interface ConnectUser {
  readonly userId: string;
  readonly userArn: string;
  readonly username: string;
  readonly identityInfo: Partial<IdentityInfo>;
  readonly phoneConfig: Partial<PhoneConfig>;
  readonly routingProfileId: string;
  readonly securityProfileIds: readonly string[];
  readonly hierarchyGroupId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Whose user this is, as far as its tags say. */
export type Ownership =
  /** Tagged for this employee and managed by this service: ours to change. */
  | "managed"
  /** Tagged for this employee, but without `managedBy`: someone else manages it. */
  | "unmanaged"
  /** Tagged for another employee, or for nobody. */
  | "other";

export const ownershipOf = (
  tags: Readonly<Record<string, string>>,
  employeeId: string,
): Ownership => {
  if (tags[EMPLOYEE_ID_TAG] !== employeeId) return "other";
  return tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE ? "managed" : "unmanaged";
};
