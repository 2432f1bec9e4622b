import type { EmployeeHired } from "./employee-hired.js";
import { InvalidEventError, MissingDeskPhoneError } from "./failures.js";
import type { MappingRule, PhoneType } from "./mapping-rule.js";
import { buildUsername, type IdentityManagementType } from "./username.js";

/** The profile IDs a rule's names, IDs or ARNs resolved to on the instance. */
export interface ResolvedProfiles {
  readonly routingProfileId: string;
  readonly securityProfileIds: readonly string[];
  readonly hierarchyGroupId?: string;
}

/** CreateUser's input, with the API's own field names, free of any SDK type. */
export interface CreateUserRequest {
  readonly InstanceId: string;
  readonly Username: string;
  readonly Password?: string;
  readonly IdentityInfo: {
    readonly FirstName: string;
    readonly LastName: string;
    readonly Email?: string;
    readonly Mobile?: string;
  };
  readonly PhoneConfig: {
    readonly PhoneType: PhoneType;
    readonly AutoAccept: boolean;
    readonly AfterContactWorkTimeLimit: number;
    readonly DeskPhoneNumber?: string;
  };
  readonly DirectoryUserId?: string;
  readonly SecurityProfileIds: string[];
  readonly RoutingProfileId: string;
  readonly HierarchyGroupId?: string;
  readonly Tags: Record<string, string>;
}

export interface UserSettings {
  readonly instanceId: string;
  readonly identityManagementType: IdentityManagementType;
  readonly usernameTemplate: string;
}

/** The tag that ties a Connect user to its employee: idempotency rests on it. */
export const EMPLOYEE_ID_TAG = "employeeId";
export const MANAGED_BY_TAG = "managedBy";
export const MANAGED_BY_VALUE = "connect-onboarding";

/** Connect's name limits: SAML instances take 100 characters, Connect-managed ones 255/256. */
const NAME_LIMITS: Readonly<Record<IdentityManagementType, { first: number; last: number }>> = {
  SAML: { first: 100, last: 100 },
  CONNECT_MANAGED: { first: 255, last: 256 },
  EXISTING_DIRECTORY: { first: 100, last: 100 },
};

/**
 * Builds the CreateUser request for a hire under the winning rule. `newPassword` is called only
 * for CONNECT_MANAGED instances, the one type where Connect holds the password.
 */
export const buildCreateUserRequest = (
  event: EmployeeHired,
  rule: MappingRule,
  profiles: ResolvedProfiles,
  settings: UserSettings,
  newPassword: () => string,
): CreateUserRequest => {
  const { employee } = event;
  const type = settings.identityManagementType;
  const username = buildUsername(settings.usernameTemplate, employee, type);
  const firstName = employee.preferredFirstName ?? employee.firstName;
  checkNameLength(
    firstName,
    NAME_LIMITS[type].first,
    employee.preferredFirstName ? "preferredFirstName" : "firstName",
  );
  checkNameLength(employee.lastName, NAME_LIMITS[type].last, "lastName");

  return {
    InstanceId: settings.instanceId,
    Username: username,
    ...(type === "CONNECT_MANAGED" ? { Password: newPassword() } : {}),
    ...(type === "EXISTING_DIRECTORY"
      ? { DirectoryUserId: employee.directoryUserId ?? username }
      : {}),
    IdentityInfo: {
      FirstName: firstName,
      LastName: employee.lastName,
      Email: employee.workEmail,
      ...(employee.mobilePhone ? { Mobile: employee.mobilePhone } : {}),
    },
    PhoneConfig: phoneConfig(event, rule),
    SecurityProfileIds: [...profiles.securityProfileIds],
    RoutingProfileId: profiles.routingProfileId,
    ...(profiles.hierarchyGroupId ? { HierarchyGroupId: profiles.hierarchyGroupId } : {}),
    // Ours come last: a rule's tags must not be able to forge the idempotency tag.
    Tags: {
      ...rule.tags,
      [EMPLOYEE_ID_TAG]: employee.employeeId,
      [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
    },
  };
};

const phoneConfig = (event: EmployeeHired, rule: MappingRule): CreateUserRequest["PhoneConfig"] => {
  const base = {
    PhoneType: rule.phone.type,
    AutoAccept: rule.phone.autoAccept,
    AfterContactWorkTimeLimit: rule.phone.afterContactWorkTimeLimit,
  };
  if (rule.phone.type !== "DESK_PHONE") return base;
  const desk = event.employee.deskPhoneNumber;
  if (!desk) {
    throw new MissingDeskPhoneError(
      `rule ${rule.ruleId} gives a DESK_PHONE but the employee has no deskPhoneNumber`,
    );
  }
  return { ...base, DeskPhoneNumber: desk };
};

const checkNameLength = (name: string, max: number, field: string): void => {
  // Connect counts characters; UTF-16 length is an upper bound, so most names skip the count.
  if (name.length > max && [...name].length > max) {
    throw new InvalidEventError(`employee.${field}: is longer than ${max} characters`, [
      `employee.${field}`,
    ]);
  }
};
