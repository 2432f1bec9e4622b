/**
 * The user an employee should have in Connect: computed from the employee and the winning rule
 * (with its profiles resolved to IDs), compared with the user Connect has by the planner, and
 * turned into a CreateUser request when there is none. Pure.
 */
import {
  EMPLOYEE_ID_TAG,
  type IdentityInfo,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type PhoneConfig,
  RESERVED_TAGS,
} from "./connect-user.js";
import type { Employee } from "./employee-event.js";
import { InvalidEventError, MissingDeskPhoneError } from "./failures.js";
import type { MappingRule } from "./mapping-rule.js";
import { buildUsername, type IdentityManagementType } from "./username.js";

/** The profile IDs a rule's names, IDs or ARNs resolved to on the instance. */
export interface ResolvedProfiles {
  readonly routingProfileId: string;
  readonly securityProfileIds: readonly string[];
  readonly hierarchyGroupId?: string;
}

export interface UserSettings {
  readonly identityManagementType: IdentityManagementType;
  readonly usernameTemplate: string;
}

export interface DesiredUser {
  readonly employeeId: string;
  readonly ruleId: string;
  readonly username: string;
  readonly identityInfo: IdentityInfo;
  readonly phoneConfig: PhoneConfig;
  readonly routingProfileId: string;
  /** Sorted and without repeats: Connect keeps them as a set. */
  readonly securityProfileIds: readonly string[];
  readonly hierarchyGroupId?: string;
  /** The rule's own tags; the employee and managed-by tags are added on top (`userTags`). */
  readonly ruleTags: Readonly<Record<string, string>>;
  /** EXISTING_DIRECTORY only, and only at creation: Connect has no API to change it. */
  readonly directoryUserId?: string;
}

/**
 * Connect's name limits, in characters: the current API reference gives FirstName up to 255 and
 * LastName up to 300, and its UserIdentityInfo page 255/256 on CONNECT_MANAGED instances.
 */
const NAME_LIMITS: Readonly<Record<IdentityManagementType, { first: number; last: number }>> = {
  SAML: { first: 255, last: 300 },
  CONNECT_MANAGED: { first: 255, last: 256 },
  EXISTING_DIRECTORY: { first: 255, last: 300 },
};

export const desiredUser = (
  employee: Employee,
  rule: MappingRule,
  profiles: ResolvedProfiles,
  settings: UserSettings,
): DesiredUser => {
  const type = settings.identityManagementType;
  // Throws InvalidUsername for a username Connect would refuse (or a login it would alter).
  const username = buildUsername(settings.usernameTemplate, employee, type);
  const firstName = employee.preferredFirstName ?? employee.firstName;
  checkNameLength(
    firstName,
    NAME_LIMITS[type].first,
    employee.preferredFirstName ? "preferredFirstName" : "firstName",
  );
  checkNameLength(employee.lastName, NAME_LIMITS[type].last, "lastName");
  return {
    employeeId: employee.employeeId,
    ruleId: rule.ruleId,
    username,
    identityInfo: {
      FirstName: firstName,
      LastName: employee.lastName,
      Email: employee.workEmail,
      ...(employee.mobilePhone ? { Mobile: employee.mobilePhone } : {}),
    },
    phoneConfig: phoneConfig(employee, rule),
    routingProfileId: profiles.routingProfileId,
    securityProfileIds: [...new Set(profiles.securityProfileIds)].sort(),
    ...(profiles.hierarchyGroupId ? { hierarchyGroupId: profiles.hierarchyGroupId } : {}),
    ruleTags: withoutReserved(rule.tags),
    ...(type === "EXISTING_DIRECTORY"
      ? { directoryUserId: employee.directoryUserId ?? username }
      : {}),
  };
};

/** Every tag the user should carry: the rule's, then ours (a rule can never forge ours). */
export const userTags = (desired: Pick<DesiredUser, "ruleTags" | "employeeId">) => ({
  ...desired.ruleTags,
  [EMPLOYEE_ID_TAG]: desired.employeeId,
  [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
});

/** CreateUser's input, with the API's own member names, free of any SDK type. */
export interface CreateUserRequest {
  readonly InstanceId: string;
  readonly Username: string;
  readonly Password?: string;
  readonly IdentityInfo: IdentityInfo;
  readonly PhoneConfig: PhoneConfig;
  readonly DirectoryUserId?: string;
  readonly SecurityProfileIds: string[];
  readonly RoutingProfileId: string;
  readonly HierarchyGroupId?: string;
  readonly Tags: Record<string, string>;
}

/**
 * The CreateUser request for a desired user. `newPassword` is called only for CONNECT_MANAGED
 * instances, the one type where Connect holds the password.
 */
export const createUserRequest = (
  desired: DesiredUser,
  instanceId: string,
  identityManagementType: IdentityManagementType,
  newPassword: () => string,
): CreateUserRequest => ({
  InstanceId: instanceId,
  Username: desired.username,
  ...(identityManagementType === "CONNECT_MANAGED" ? { Password: newPassword() } : {}),
  ...(desired.directoryUserId === undefined ? {} : { DirectoryUserId: desired.directoryUserId }),
  IdentityInfo: { ...desired.identityInfo },
  PhoneConfig: { ...desired.phoneConfig },
  SecurityProfileIds: [...desired.securityProfileIds],
  RoutingProfileId: desired.routingProfileId,
  ...(desired.hierarchyGroupId ? { HierarchyGroupId: desired.hierarchyGroupId } : {}),
  Tags: userTags(desired),
});

const phoneConfig = (employee: Employee, rule: MappingRule): PhoneConfig => {
  const base = {
    PhoneType: rule.phone.type,
    AutoAccept: rule.phone.autoAccept,
    AfterContactWorkTimeLimit: rule.phone.afterContactWorkTimeLimit,
  };
  if (rule.phone.type !== "DESK_PHONE") return base;
  const desk = employee.deskPhoneNumber;
  if (!desk) {
    throw new MissingDeskPhoneError(
      `rule ${rule.ruleId} gives a DESK_PHONE but the employee has no deskPhoneNumber`,
    );
  }
  return { ...base, DeskPhoneNumber: desk };
};

// The reserved tags are the service's; a rule that names one is overruled, not obeyed.
const withoutReserved = (tags: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (!RESERVED_TAGS.includes(key)) out[key] = value;
  }
  return out;
};

const checkNameLength = (name: string, max: number, field: string): void => {
  // Connect counts characters; UTF-16 length is an upper bound, so most names skip the count.
  if (name.length > max && [...name].length > max) {
    throw new InvalidEventError(`employee.${field}: is longer than ${max} characters`, [
      `employee.${field}`,
    ]);
  }
};
