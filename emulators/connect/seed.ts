/**
 * The `--connect-seed` document: validation with clear messages, and the defaults.
 *
 * Default quotas: 2 requests per second with a burst of 5 for every emulated API, per account
 * and Region, each API with a bucket of its own. The API reference's throttling rule ("For all
 * other operations, a RateLimit of 2 per second, and a BurstLimit of 5 per second"; only
 * GetMetricData and GetCurrentMetricData are named above it) and the best-practices page
 * ("The throttling limits are defined for each API separately at the AWS account level") give
 * this, as DESIGN section 4a does for every user-management API. (The per-API rows of the
 * Service Quotas page were not legible in the copies searched; the previous 10 rps / burst 15
 * for DescribeUser, ListUsers, ListRoutingProfiles and ListUserHierarchyGroups had no burst
 * source either.) Users per instance: 500.
 */
import type {
  ConnectApi,
  ConnectSeed,
  Faults,
  IdentityInfo,
  PhoneConfig,
  Quota,
  SeedFaults,
  SeedProfile,
  SeedQuotas,
  SeedUser,
} from "./types.js";
import { CONNECT_APIS, IDENTITY_MANAGEMENT_TYPES, isConnectApi, PHONE_TYPES } from "./types.js";

export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_ACCOUNT_ID = "123456789012";
export const DEFAULT_MAX_USERS = 500;

export const DEFAULT_QUOTA: Readonly<Quota> = { rps: 2, burst: 5 };

export const DEFAULT_QUOTAS: Readonly<Record<ConnectApi, Quota>> = Object.fromEntries(
  CONNECT_APIS.map((api) => [api, { ...DEFAULT_QUOTA }]),
) as Record<ConnectApi, Quota>;

export const NO_FAULTS: Readonly<Faults> = {
  errorRate: 0,
  throttleRate: 0,
  dropRate: 0,
  dropAfterRate: 0,
  hangRate: 0,
  deniedRate: 0,
  latencyMs: [0, 0],
};

const REGION = /^[a-z]{2}(-[a-z]+){1,2}-[0-9]$/;
const ACCOUNT_ID = /^\d{12}$/;
const TOP_LEVEL_KEYS = [
  "instance",
  "routingProfiles",
  "securityProfiles",
  "hierarchyGroups",
  "users",
  "quotas",
  "faults",
  "searchLagMs",
];
const IDENTITY_INFO_KEYS = ["FirstName", "LastName", "Email", "SecondaryEmail", "Mobile"];
const PHONE_CONFIG_KEYS = [
  "PhoneType",
  "AutoAccept",
  "AfterContactWorkTimeLimit",
  "DeskPhoneNumber",
  "PersistentConnection",
];
const USER_KEYS = [
  "id",
  "username",
  "identityInfo",
  "phoneConfig",
  "directoryUserId",
  "routingProfileId",
  "securityProfileIds",
  "hierarchyGroupId",
  "tags",
];
const FAULT_KEYS = [
  "errorRate",
  "throttleRate",
  "dropRate",
  "dropAfterRate",
  "hangRate",
  "deniedRate",
  "latencyMs",
];

class SeedError extends Error {
  constructor(path: string, problem: string) {
    super(`Invalid Connect seed: ${path} ${problem}`);
    this.name = "SeedError";
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new SeedError(path, "must be an object");
  return value;
}

function onlyKeys(obj: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new SeedError(
        `${path}.${key}`,
        `is not a known field (expected one of: ${allowed.join(", ")})`,
      );
    }
  }
}

function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim().length === 0) {
    throw new SeedError(path, "must be a non-empty string");
  }
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : nonEmptyString(value, path);
}

function nonNegativeNumber(value: unknown, path: string, integer = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SeedError(path, "must be a non-negative number");
  }
  if (integer && !Number.isInteger(value)) throw new SeedError(path, "must be an integer");
  return value;
}

function rate(value: unknown, path: string): number {
  const n = nonNegativeNumber(value, path);
  if (n > 1) throw new SeedError(path, "must be a probability between 0 and 1");
  return n;
}

function parseProfiles(value: unknown, path: string): SeedProfile[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SeedError(path, "must be an array of {id, name}");
  const ids = new Set<string>();
  return value.map((item, i) => {
    const at = `${path}[${i}]`;
    const obj = object(item, at);
    onlyKeys(obj, ["id", "name"], at);
    const profile: SeedProfile = { name: nonEmptyString(obj.name, `${at}.name`) };
    const id = optionalString(obj.id, `${at}.id`);
    if (id !== undefined) {
      if (ids.has(id)) throw new SeedError(`${at}.id`, `duplicates the id '${id}'`);
      ids.add(id);
      profile.id = id;
    }
    return profile;
  });
}

function parseIdentityInfo(value: unknown, path: string): IdentityInfo | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, path);
  onlyKeys(obj, IDENTITY_INFO_KEYS, path);
  const info: IdentityInfo = {};
  for (const key of IDENTITY_INFO_KEYS) {
    const field = obj[key];
    if (field === undefined) continue;
    if (typeof field !== "string") throw new SeedError(`${path}.${key}`, "must be a string");
    info[key as keyof IdentityInfo] = field;
  }
  return info;
}

function parsePhoneConfig(value: unknown, path: string): PhoneConfig | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, path);
  onlyKeys(obj, PHONE_CONFIG_KEYS, path);
  const type = obj.PhoneType;
  if (typeof type !== "string" || !(PHONE_TYPES as readonly string[]).includes(type)) {
    throw new SeedError(`${path}.PhoneType`, `must be one of ${PHONE_TYPES.join(", ")}`);
  }
  const config: PhoneConfig = { PhoneType: type as PhoneConfig["PhoneType"] };
  for (const key of ["AutoAccept", "PersistentConnection"] as const) {
    if (obj[key] === undefined) continue;
    if (typeof obj[key] !== "boolean") throw new SeedError(`${path}.${key}`, "must be a boolean");
    config[key] = obj[key];
  }
  if (obj.AfterContactWorkTimeLimit !== undefined) {
    config.AfterContactWorkTimeLimit = nonNegativeNumber(
      obj.AfterContactWorkTimeLimit,
      `${path}.AfterContactWorkTimeLimit`,
      true,
    );
  }
  if (obj.DeskPhoneNumber !== undefined) {
    config.DeskPhoneNumber = nonEmptyString(obj.DeskPhoneNumber, `${path}.DeskPhoneNumber`);
  }
  return config;
}

function parseTags(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, path);
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(obj)) {
    if (typeof tag !== "string") throw new SeedError(`${path}.${key}`, "must be a string");
    tags[key] = tag;
  }
  return tags;
}

function idSet(profiles: SeedProfile[] | undefined): Set<string> {
  return new Set((profiles ?? []).flatMap((p) => (p.id === undefined ? [] : [p.id])));
}

function parseUsers(
  value: unknown,
  refs: { routing: Set<string>; security: Set<string>; hierarchy: Set<string> },
): SeedUser[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new SeedError("users", "must be an array");
  const ids = new Set<string>();
  const usernames = new Set<string>();
  return value.map((item, i) => {
    const at = `users[${i}]`;
    const obj = object(item, at);
    onlyKeys(obj, USER_KEYS, at);
    const username = nonEmptyString(obj.username, `${at}.username`);
    if (usernames.has(username.toLowerCase())) {
      throw new SeedError(
        `${at}.username`,
        `duplicates '${username}' (usernames are case-insensitive)`,
      );
    }
    usernames.add(username.toLowerCase());
    const routingProfileId = nonEmptyString(obj.routingProfileId, `${at}.routingProfileId`);
    if (!refs.routing.has(routingProfileId)) {
      throw new SeedError(
        `${at}.routingProfileId`,
        `'${routingProfileId}' is not in routingProfiles`,
      );
    }
    if (!Array.isArray(obj.securityProfileIds) || obj.securityProfileIds.length === 0) {
      throw new SeedError(`${at}.securityProfileIds`, "must be a non-empty array of ids");
    }
    const securityProfileIds = obj.securityProfileIds.map((id, j) => {
      const sp = nonEmptyString(id, `${at}.securityProfileIds[${j}]`);
      if (!refs.security.has(sp)) {
        throw new SeedError(`${at}.securityProfileIds[${j}]`, `'${sp}' is not in securityProfiles`);
      }
      return sp;
    });
    const user: SeedUser = { username, routingProfileId, securityProfileIds };
    const id = optionalString(obj.id, `${at}.id`);
    if (id !== undefined) {
      if (ids.has(id)) throw new SeedError(`${at}.id`, `duplicates the id '${id}'`);
      ids.add(id);
      user.id = id;
    }
    const hierarchyGroupId = optionalString(obj.hierarchyGroupId, `${at}.hierarchyGroupId`);
    if (hierarchyGroupId !== undefined) {
      if (!refs.hierarchy.has(hierarchyGroupId)) {
        throw new SeedError(
          `${at}.hierarchyGroupId`,
          `'${hierarchyGroupId}' is not in hierarchyGroups`,
        );
      }
      user.hierarchyGroupId = hierarchyGroupId;
    }
    const identityInfo = parseIdentityInfo(obj.identityInfo, `${at}.identityInfo`);
    if (identityInfo) user.identityInfo = identityInfo;
    const phoneConfig = parsePhoneConfig(obj.phoneConfig, `${at}.phoneConfig`);
    if (phoneConfig) user.phoneConfig = phoneConfig;
    const directoryUserId = optionalString(obj.directoryUserId, `${at}.directoryUserId`);
    if (directoryUserId !== undefined) user.directoryUserId = directoryUserId;
    const tags = parseTags(obj.tags, `${at}.tags`);
    if (tags) user.tags = tags;
    return user;
  });
}

/** Validates `{rps, burst}`. */
export function parseQuota(value: unknown, path: string): Quota {
  const obj = object(value, path);
  onlyKeys(obj, ["rps", "burst"], path);
  return {
    rps: nonNegativeNumber(obj.rps, `${path}.rps`),
    burst: nonNegativeNumber(obj.burst, `${path}.burst`),
  };
}

function parseQuotas(value: unknown): SeedQuotas | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, "quotas");
  const quotas: SeedQuotas = {};
  for (const [key, quota] of Object.entries(obj)) {
    if (key === "maxUsers") {
      quotas.maxUsers = nonNegativeNumber(quota, "quotas.maxUsers", true);
    } else if (isConnectApi(key)) {
      quotas[key] = parseQuota(quota, `quotas.${key}`);
    } else {
      throw new SeedError(
        `quotas.${key}`,
        `is not an emulated API (expected maxUsers or one of: ${CONNECT_APIS.join(", ")})`,
      );
    }
  }
  return quotas;
}

/** Validates a partial fault set. */
export function parseFaults(value: unknown, path: string): Partial<Faults> {
  const obj = object(value, path);
  onlyKeys(obj, FAULT_KEYS, path);
  const faults: Partial<Faults> = {};
  for (const key of [
    "errorRate",
    "throttleRate",
    "dropRate",
    "dropAfterRate",
    "hangRate",
    "deniedRate",
  ] as const) {
    if (obj[key] !== undefined) faults[key] = rate(obj[key], `${path}.${key}`);
  }
  if (obj.latencyMs !== undefined) {
    const latency = obj.latencyMs;
    if (!Array.isArray(latency) || latency.length !== 2) {
      throw new SeedError(`${path}.latencyMs`, "must be [min, max] in milliseconds");
    }
    const min = nonNegativeNumber(latency[0], `${path}.latencyMs[0]`);
    const max = nonNegativeNumber(latency[1], `${path}.latencyMs[1]`);
    if (max < min) throw new SeedError(`${path}.latencyMs`, "must have min <= max");
    faults.latencyMs = [min, max];
  }
  return faults;
}

function parseFaultMap(value: unknown): SeedFaults | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, "faults");
  const faults: SeedFaults = {};
  for (const [key, entry] of Object.entries(obj)) {
    if (key !== "*" && !isConnectApi(key)) {
      throw new SeedError(
        `faults.${key}`,
        `is not an emulated API (expected "*" or one of: ${CONNECT_APIS.join(", ")})`,
      );
    }
    faults[key as ConnectApi | "*"] = parseFaults(entry, `faults.${key}`);
  }
  return faults;
}

/**
 * Validates a parsed `--connect-seed` JSON document and returns a clean copy. Throws an Error
 * whose message names the offending field.
 */
export function parseConnectSeed(json: unknown): ConnectSeed {
  const root = object(json, "(root)");
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      throw new SeedError(
        key,
        `is not a known field (expected one of: ${TOP_LEVEL_KEYS.join(", ")})`,
      );
    }
  }

  const inst = object(root.instance, "instance");
  onlyKeys(inst, ["id", "identityManagementType", "region", "accountId"], "instance");
  const id = nonEmptyString(inst.id, "instance.id");
  if (id.length > 100 || id.includes("/") || id.startsWith("arn:")) {
    throw new SeedError(
      "instance.id",
      "must be a bare instance id (at most 100 characters, no ARN)",
    );
  }
  const type = inst.identityManagementType;
  if (
    typeof type !== "string" ||
    !(IDENTITY_MANAGEMENT_TYPES as readonly string[]).includes(type)
  ) {
    throw new SeedError(
      "instance.identityManagementType",
      `must be one of ${IDENTITY_MANAGEMENT_TYPES.join(", ")}`,
    );
  }
  const seed: ConnectSeed = {
    instance: {
      id,
      identityManagementType: type as ConnectSeed["instance"]["identityManagementType"],
    },
  };
  const region = optionalString(inst.region, "instance.region");
  if (region !== undefined) {
    if (!REGION.test(region))
      throw new SeedError("instance.region", `'${region}' is not a Region name`);
    seed.instance.region = region;
  }
  const accountId = optionalString(inst.accountId, "instance.accountId");
  if (accountId !== undefined) {
    if (!ACCOUNT_ID.test(accountId)) throw new SeedError("instance.accountId", "must be 12 digits");
    seed.instance.accountId = accountId;
  }

  const routingProfiles = parseProfiles(root.routingProfiles, "routingProfiles");
  const securityProfiles = parseProfiles(root.securityProfiles, "securityProfiles");
  const hierarchyGroups = parseProfiles(root.hierarchyGroups, "hierarchyGroups");
  if (routingProfiles) seed.routingProfiles = routingProfiles;
  if (securityProfiles) seed.securityProfiles = securityProfiles;
  if (hierarchyGroups) seed.hierarchyGroups = hierarchyGroups;

  const users = parseUsers(root.users, {
    routing: idSet(routingProfiles),
    security: idSet(securityProfiles),
    hierarchy: idSet(hierarchyGroups),
  });
  if (users) seed.users = users;

  const quotas = parseQuotas(root.quotas);
  if (quotas) seed.quotas = quotas;
  const maxUsers = quotas?.maxUsers ?? DEFAULT_MAX_USERS;
  if (users && users.length > maxUsers) {
    throw new SeedError(
      "users",
      `holds ${users.length} users, more than quotas.maxUsers (${maxUsers})`,
    );
  }

  const faults = parseFaultMap(root.faults);
  if (faults) seed.faults = faults;
  if (root.searchLagMs !== undefined) {
    seed.searchLagMs = nonNegativeNumber(root.searchLagMs, "searchLagMs");
  }
  return seed;
}
