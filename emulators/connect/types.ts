/**
 * Shared types of the Amazon Connect user-management emulator.
 *
 * Field names inside identity info and phone config keep the Connect API's own spelling
 * (`FirstName`, `PhoneType`, ...), exactly as on the wire and in DESIGN section 8.
 */

/** The operations the emulator serves, named as in the Connect API (and as in `stats()`). */
export const CONNECT_APIS = [
  "CreateUser",
  "DescribeUser",
  "DeleteUser",
  "SearchUsers",
  "ListUsers",
  "ListRoutingProfiles",
  "ListSecurityProfiles",
  "ListUserHierarchyGroups",
  "ListTagsForResource",
  "TagResource",
  "UntagResource",
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
  "UpdateUserIdentityInfo",
  "UpdateUserPhoneConfig",
] as const;

export type ConnectApi = (typeof CONNECT_APIS)[number];

export function isConnectApi(name: string): name is ConnectApi {
  return (CONNECT_APIS as readonly string[]).includes(name);
}

export type IdentityManagementType = "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";
export const IDENTITY_MANAGEMENT_TYPES: readonly IdentityManagementType[] = [
  "SAML",
  "CONNECT_MANAGED",
  "EXISTING_DIRECTORY",
];

export type PhoneType = "SOFT_PHONE" | "DESK_PHONE";
export const PHONE_TYPES: readonly PhoneType[] = ["SOFT_PHONE", "DESK_PHONE"];

/** `UserIdentityInfo` of the Connect API. */
export interface IdentityInfo {
  FirstName?: string;
  LastName?: string;
  Email?: string;
  SecondaryEmail?: string;
  Mobile?: string;
}

/** `UserPhoneConfig` of the Connect API (`AfterContactWorkTimeLimit` in seconds). */
export interface PhoneConfig {
  PhoneType: PhoneType;
  AutoAccept?: boolean;
  AfterContactWorkTimeLimit?: number;
  DeskPhoneNumber?: string;
  PersistentConnection?: boolean;
}

/** A token bucket: steady `rps` refill, `burst` capacity. */
export interface Quota {
  rps: number;
  burst: number;
}

/** Injectable faults for one API (rates are probabilities in [0, 1]). */
export interface Faults {
  /** Probability of an `InternalServiceException` (500) instead of running the operation. */
  errorRate: number;
  /** Probability of a `ThrottlingException` (429) on top of the token bucket. */
  throttleRate: number;
  /** Probability that the socket is destroyed before the operation runs (nothing happens). */
  dropRate: number;
  /**
   * Probability that the socket is destroyed after the operation ran (the write is applied,
   * the response is lost): the case idempotent callers must survive.
   */
  dropAfterRate: number;
  /**
   * Probability that the request is read and never answered (nothing happens): the connection
   * stays open until the client gives up or the emulator stops, as with a stalled endpoint or a
   * black-holed network path. Rolled before the operation runs, like `dropRate`.
   */
  hangRate: number;
  /**
   * Probability of an `AccessDeniedException` (403) before the operation runs (nothing happens):
   * the caller's IAM policy does not allow the action. Denied before throttling, as IAM
   * authorizes a request before the service's rate limits count it.
   */
  deniedRate: number;
  /** Added latency, uniform in [min, max] milliseconds (real time). */
  latencyMs: [number, number];
}

export interface SeedProfile {
  id?: string;
  name: string;
}

export interface SeedUser {
  id?: string;
  username: string;
  identityInfo?: IdentityInfo;
  phoneConfig?: PhoneConfig;
  directoryUserId?: string;
  routingProfileId: string;
  securityProfileIds: string[];
  hierarchyGroupId?: string;
  tags?: Record<string, string>;
}

export interface SeedInstance {
  id: string;
  identityManagementType: IdentityManagementType;
  /** Default `us-east-1`. */
  region?: string;
  /** Default `123456789012`. */
  accountId?: string;
}

export type SeedQuotas = { [K in ConnectApi]?: Quota } & { maxUsers?: number };
export type SeedFaults = { [K in ConnectApi | "*"]?: Partial<Faults> };

/** The `--connect-seed` document (DESIGN section 8). Everything but `instance` is optional. */
export interface ConnectSeed {
  instance: SeedInstance;
  routingProfiles?: SeedProfile[];
  securityProfiles?: SeedProfile[];
  hierarchyGroups?: SeedProfile[];
  users?: SeedUser[];
  quotas?: SeedQuotas;
  /** Per API; the key `"*"` applies to every API that has no entry of its own. */
  faults?: SeedFaults;
  searchLagMs?: number;
}

/** One user in the DESIGN section 8 report shape. */
export interface ReportUser {
  id: string;
  arn: string;
  username: string;
  identityInfo: IdentityInfo;
  phoneConfig: PhoneConfig;
  routingProfileId: string;
  securityProfileIds: string[];
  hierarchyGroupId?: string;
  tags: Record<string, string>;
}

export interface ApiStats {
  /** Every request routed to this API. */
  requests: number;
  /** `ThrottlingException` responses (token bucket or injected). */
  throttled: number;
  /** Injected faults: `InternalServiceException` responses, dropped and hung connections. */
  faults: number;
  /** Requests held unanswered by `hangRate` (also counted in `faults`). */
  hung: number;
  /** 2xx responses. */
  ok: number;
  /** Other 4xx responses (validation, not found, duplicate, quota, missing auth). */
  clientErrors: number;
}
