/**
 * Request validation for CreateUser, the UpdateUser* operations and the tagging APIs.
 *
 * Sources (checked):
 * - [model] the Connect service model, 2017-08-08 (botocore 1.43 `data/connect/2017-08-08/
 *   service-2.json`; the same constraints back the API reference pages): AgentUsername 1..100,
 *   Password pattern `^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$`, AgentFirstName 0..255,
 *   AgentLastName 0..300, PhoneNumber (Mobile, DeskPhoneNumber) `\+[1-9]\d{1,14}$`,
 *   PhoneType SOFT_PHONE|DESK_PHONE, AfterContactWorkTimeLimit >= 0, SecurityProfileIds 1..10,
 *   TagMap 1..50 entries, TagKey 1..128 `^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, TagValue
 *   0..256, Channel VOICE|CHAT|TASK|EMAIL, TagKeyList 1..50. Required members: CreateUser
 *   Username, SecurityProfileIds, RoutingProfileId; UpdateUserRoutingProfile RoutingProfileId;
 *   UpdateUserSecurityProfiles SecurityProfileIds; UpdateUserIdentityInfo IdentityInfo;
 *   UpdateUserPhoneConfig PhoneConfig; UpdateUserHierarchy none (HierarchyGroupId optional);
 *   TagResource tags; UntagResource tagKeys. Optional in the current model: CreateUser's
 *   PhoneConfig, and every member of UserPhoneConfig, PhoneType included.
 * - [ref] the reference's prose for CreateUser / UserIdentityInfo / UserPhoneConfig /
 *   UpdateUser*: Username "up to 20 characters" on non-SAML instances and "up to 64 characters
 *   from [a-zA-Z0-9_-.@]+" on SAML, "@ only if used in an email format"; Password "required if
 *   you are using Connect for identity management. Otherwise, it is an error to include a
 *   password"; DirectoryUserId "If you are using SAML ... an error is returned"; FirstName and
 *   LastName "required if you are using Amazon Connect or SAML"; FirstName/LastName 1-255 /
 *   1-256 on CONNECT_MANAGED instances and NFC only; ACW at most 2,000,000 seconds;
 *   SecondaryEmail pattern `(?=^.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}`;
 *   PhoneConfig optional when channel-specific configs are given, and each PhoneConfig field
 *   "cannot be set simultaneously" with its channel-specific counterpart; PhoneNumberConfigs,
 *   PersistentConnectionConfigs and VoiceEnhancementConfigs support only VOICE; on
 *   EXISTING_DIRECTORY instances "FirstName, LastName, and Email cannot be updated from within
 *   Amazon Connect because they are managed by the directory"; UpdateUserPhoneConfig "will
 *   always set the same ACW timeouts to all channels the user handles".
 * - [cli] the CLI reference for create-user (the product's seed page): Password or
 *   DirectoryUserId on a SAML instance → InvalidRequestException.
 * - [examples] the AWS CLI's published examples (`awscli/examples/connect/*.rst`, run by the
 *   conformance suite): `create-user` on a CONNECT_MANAGED instance (it sends a password) with
 *   `--identity-info FirstName=Mary,LastName=Major` and no Email, succeeding;
 *   `update-user-phone-config` with `PhoneType=SOFT_PHONE,...,DeskPhoneNumber=+18005551212`,
 *   succeeding.
 *
 * Error classes: the reference names one only for [cli]. Elsewhere we follow one rule:
 * a value that is malformed, out of range or missing where the model requires it →
 * InvalidParameterException; a request that is inconsistent with the instance's identity
 * management type (a field it forbids or requires) → InvalidRequestException; an unknown
 * instance, user, profile or group → ResourceNotFoundException.
 *
 * Readings where the reference contradicts itself (examples first, then the current model for
 * optional members, then the strict choice):
 * - Email on CONNECT_MANAGED: CreateUser's prose says Email is required "if you are using
 *   Amazon Connect or SAML"; [examples] create-user succeeds without one. Not required.
 * - Email on SAML: CreateUser says required, UserIdentityInfo says including it on SAML is an
 *   error, no example settles it. Accepted, not required.
 * - PhoneConfig: the older model and the seed page require it; the current model makes it and
 *   PhoneType optional. A user created with no phone type (none in PhoneConfig, no VOICE entry
 *   in PhoneNumberConfigs) is a soft-phone user, the console's default.
 * - UpdateUserPhoneConfig: with every member optional, the members given replace the user's
 *   and the others are kept; a DESK_PHONE left without a DeskPhoneNumber is
 *   InvalidParameterException; a DeskPhoneNumber on a SOFT_PHONE is kept ([examples]).
 * - UpdateUserIdentityInfo: IdentityInfo is required and replaces the user's identity (a
 *   member left out is cleared), under CreateUser's rules for the instance type (FirstName and
 *   LastName required on SAML and CONNECT_MANAGED → InvalidRequestException). On
 *   EXISTING_DIRECTORY instances naming FirstName, LastName or Email is an
 *   InvalidRequestException and the user keeps the directory's values.
 * - UpdateUserHierarchy: no HierarchyGroupId (or an empty one) removes the user's group.
 * - Update order of checks (the reference gives none): instance (404), request (400), user
 *   (404), what the request names (404), then rules that depend on the user (400).
 *
 * Choices where the reference is silent (conservative, i.e. strict):
 * - the [a-zA-Z0-9_-.@] character set applies to every instance type, not only SAML;
 * - "email format" for a username with "@" is `local@label(.label)*.tld`;
 * - Email uses the SecondaryEmail pattern (the current model gives neither a pattern);
 * - DirectoryUserId is accepted only on EXISTING_DIRECTORY instances;
 * - a channel listed twice in one per-channel list: InvalidParameterException.
 */
import { invalidParameter, invalidRequest } from "./errors.js";
import type { IdentityInfo, IdentityManagementType, PhoneConfig, PhoneType } from "./types.js";
import { PHONE_TYPES } from "./types.js";

type Json = Record<string, unknown>;

export const CHANNELS = ["VOICE", "CHAT", "TASK", "EMAIL"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface AutoAcceptConfig {
  Channel: Channel;
  AutoAccept: boolean;
  AgentFirstCallbackAutoAccept?: boolean;
}
export interface AfterContactWorkConfigPerChannel {
  Channel: Channel;
  AfterContactWorkConfig: { AfterContactWorkTimeLimit?: number };
  AgentFirstCallbackAfterContactWorkConfig?: { AfterContactWorkTimeLimit?: number };
}
export interface PhoneNumberConfig {
  Channel: Channel;
  PhoneType: PhoneType;
  PhoneNumber?: string;
}
export interface PersistentConnectionConfig {
  Channel: Channel;
  PersistentConnection: boolean;
}
export interface VoiceEnhancementConfig {
  Channel: Channel;
  VoiceEnhancementMode: "VOICE_ISOLATION" | "NOISE_SUPPRESSION" | "NONE";
}

/** The per-channel settings, stored and echoed as given. */
export interface ChannelConfigs {
  AutoAcceptConfigs?: AutoAcceptConfig[];
  AfterContactWorkConfigs?: AfterContactWorkConfigPerChannel[];
  PhoneNumberConfigs?: PhoneNumberConfig[];
  PersistentConnectionConfigs?: PersistentConnectionConfig[];
  VoiceEnhancementConfigs?: VoiceEnhancementConfig[];
}

/** A CreateUser body that passed validation (references are not resolved yet). */
export interface CreateUserInput {
  username: string;
  identityInfo: IdentityInfo;
  phoneConfig: PhoneConfig;
  directoryUserId?: string;
  securityProfileIds: string[];
  routingProfileId: string;
  hierarchyGroupId?: string;
  tags: Record<string, string>;
  channelConfigs: ChannelConfigs;
}

export const USERNAME_MAX_SAML = 64;
export const USERNAME_MAX_OTHER = 20;
const USERNAME_MODEL_MAX = 100;
const USERNAME_CHARS = /^[a-zA-Z0-9_.@-]+$/;
const USERNAME_EMAIL = /^[a-zA-Z0-9_.-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*\.[a-zA-Z]{2,63}$/;
const PASSWORD = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^(?=.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/;
const ACW_MAX_SECONDS = 2_000_000;
const DEFAULT_PHONE_TYPE: PhoneType = "SOFT_PHONE";
const SECURITY_PROFILES_MIN = 1;
const SECURITY_PROFILES_MAX = 10;
const TAGS_MAX = 50;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const VOICE_ENHANCEMENT_MODES = ["VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE"] as const;

export function isJsonObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Length in Unicode code points, as the service counts it. */
const charLength = (s: string) => [...s].length;

function optString(obj: Json, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(`${path}${key} must be a string`);
  return value;
}

function reqString(obj: Json, key: string, path: string): string {
  const value = optString(obj, key, path);
  if (value === undefined) throw invalidParameter(`${path}${key} is required`);
  return value;
}

function optBoolean(obj: Json, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParameter(`${path}${key} must be a boolean`);
  return value;
}

function optObject(obj: Json, key: string, path: string): Json | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalidParameter(`${path}${key} must be an object`);
  return value;
}

function optArray(obj: Json, key: string, path: string): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${path}${key} must be a list`);
  return value;
}

function optEnum<T extends string>(
  obj: Json,
  key: string,
  allowed: readonly T[],
  path: string,
): T | undefined {
  const value = optString(obj, key, path);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidParameter(`${path}${key} must be one of ${allowed.join(", ")}, got '${value}'`);
  }
  return value as T;
}

function acwSeconds(obj: Json, key: string, path: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidParameter(`${path}${key} must be an integer`);
  }
  if (value < 0 || value > ACW_MAX_SECONDS) {
    throw invalidParameter(`${path}${key} must be between 0 and ${ACW_MAX_SECONDS}, got ${value}`);
  }
  return value;
}

function e164(value: string | undefined, field: string): string | undefined {
  if (value !== undefined && !E164.test(value)) {
    throw invalidParameter(`${field} must be an E.164 phone number (+ and up to 15 digits)`);
  }
  return value;
}

/** Validates a username for an instance type; returns it unchanged. */
export function validateUsername(username: string, type: IdentityManagementType): string {
  const length = charLength(username);
  if (length < 1 || length > USERNAME_MODEL_MAX) {
    throw invalidParameter(`Username must be 1 to ${USERNAME_MODEL_MAX} characters long`);
  }
  const max = type === "SAML" ? USERNAME_MAX_SAML : USERNAME_MAX_OTHER;
  if (length > max) {
    throw invalidParameter(
      `Username must be at most ${max} characters on ${type} instances, got ${length}`,
    );
  }
  if (!USERNAME_CHARS.test(username)) {
    throw invalidParameter("Username may contain only the characters a-z A-Z 0-9 _ - . @");
  }
  if (username.includes("@") && !USERNAME_EMAIL.test(username)) {
    throw invalidParameter("Username may contain @ only in an email format (user@example.com)");
  }
  return username;
}

function validateIdentityInfo(raw: Json | undefined, type: IdentityManagementType): IdentityInfo {
  const path = "IdentityInfo.";
  const obj = raw ?? {};
  const info: IdentityInfo = {};
  const firstName = optString(obj, "FirstName", path);
  const lastName = optString(obj, "LastName", path);
  const email = optString(obj, "Email", path);
  const secondaryEmail = optString(obj, "SecondaryEmail", path);
  const mobile = optString(obj, "Mobile", path);

  const [firstMax, lastMax] = type === "CONNECT_MANAGED" ? [255, 256] : [255, 300];
  for (const [field, value, max] of [
    ["FirstName", firstName, firstMax],
    ["LastName", lastName, lastMax],
  ] as const) {
    if (value === undefined) continue;
    if (charLength(value) > max) {
      throw invalidParameter(`${path}${field} must be at most ${max} characters long`);
    }
    if (value.normalize("NFC") !== value) {
      throw invalidParameter(`${path}${field} must be in Unicode Normalization Form C (NFC)`);
    }
  }
  for (const [field, value] of [
    ["Email", email],
    ["SecondaryEmail", secondaryEmail],
  ] as const) {
    if (value !== undefined && !EMAIL.test(value)) {
      throw invalidParameter(`${path}${field} is not a valid email address`);
    }
  }
  e164(mobile, `${path}Mobile`);

  if (type === "SAML" || type === "CONNECT_MANAGED") {
    const required: [string, string | undefined][] = [
      ["FirstName", firstName],
      ["LastName", lastName],
    ];
    for (const [field, value] of required) {
      if (value === undefined || value.length === 0) {
        throw invalidRequest(`${path}${field} is required on ${type} instances`);
      }
    }
  }

  if (firstName !== undefined) info.FirstName = firstName;
  if (lastName !== undefined) info.LastName = lastName;
  if (email !== undefined) info.Email = email;
  if (secondaryEmail !== undefined) info.SecondaryEmail = secondaryEmail;
  if (mobile !== undefined) info.Mobile = mobile;
  return info;
}

function channelOf(item: Json, path: string): Channel {
  const channel = optEnum(item, "Channel", CHANNELS, path);
  if (channel === undefined) throw invalidParameter(`${path}Channel is required`);
  return channel;
}

function validateChannelList<T extends { Channel: Channel }>(
  body: Json,
  key: string,
  voiceOnly: boolean,
  read: (item: Json, path: string) => T,
): T[] | undefined {
  const list = optArray(body, key, "");
  if (list === undefined) return undefined;
  const seen = new Set<Channel>();
  return list.map((item, i) => {
    const path = `${key}[${i}].`;
    if (!isJsonObject(item)) throw invalidParameter(`${key}[${i}] must be an object`);
    const config = read(item, path);
    if (voiceOnly && config.Channel !== "VOICE") {
      throw invalidParameter(`${path}Channel must be VOICE (the only channel ${key} supports)`);
    }
    if (seen.has(config.Channel)) {
      throw invalidParameter(`${key} lists channel ${config.Channel} more than once`);
    }
    seen.add(config.Channel);
    return config;
  });
}

function validateChannelConfigs(body: Json): ChannelConfigs {
  const configs: ChannelConfigs = {};
  const autoAccept = validateChannelList(body, "AutoAcceptConfigs", false, (item, path) => {
    const AutoAccept = optBoolean(item, "AutoAccept", path);
    if (AutoAccept === undefined) throw invalidParameter(`${path}AutoAccept is required`);
    const config: AutoAcceptConfig = { Channel: channelOf(item, path), AutoAccept };
    const firstCallback = optBoolean(item, "AgentFirstCallbackAutoAccept", path);
    if (firstCallback !== undefined) config.AgentFirstCallbackAutoAccept = firstCallback;
    return config;
  });
  const acw = validateChannelList(body, "AfterContactWorkConfigs", false, (item, path) => {
    const readAcw = (key: string) => {
      const inner = optObject(item, key, path);
      if (inner === undefined) return undefined;
      const limit = acwSeconds(inner, "AfterContactWorkTimeLimit", `${path}${key}.`);
      return limit === undefined ? {} : { AfterContactWorkTimeLimit: limit };
    };
    const main = readAcw("AfterContactWorkConfig");
    if (main === undefined) throw invalidParameter(`${path}AfterContactWorkConfig is required`);
    const config: AfterContactWorkConfigPerChannel = {
      Channel: channelOf(item, path),
      AfterContactWorkConfig: main,
    };
    const firstCallback = readAcw("AgentFirstCallbackAfterContactWorkConfig");
    if (firstCallback !== undefined) {
      config.AgentFirstCallbackAfterContactWorkConfig = firstCallback;
    }
    return config;
  });
  const numbers = validateChannelList(body, "PhoneNumberConfigs", true, (item, path) => {
    const PhoneType = optEnum(item, "PhoneType", PHONE_TYPES, path);
    if (PhoneType === undefined) throw invalidParameter(`${path}PhoneType is required`);
    const config: PhoneNumberConfig = { Channel: channelOf(item, path), PhoneType };
    const number = e164(optString(item, "PhoneNumber", path), `${path}PhoneNumber`);
    if (PhoneType === "DESK_PHONE" && number === undefined) {
      throw invalidParameter(`${path}PhoneNumber is required when PhoneType is DESK_PHONE`);
    }
    if (number !== undefined) config.PhoneNumber = number;
    return config;
  });
  const persistent = validateChannelList(
    body,
    "PersistentConnectionConfigs",
    true,
    (item, path) => {
      const PersistentConnection = optBoolean(item, "PersistentConnection", path);
      if (PersistentConnection === undefined) {
        throw invalidParameter(`${path}PersistentConnection is required`);
      }
      return { Channel: channelOf(item, path), PersistentConnection };
    },
  );
  const voice = validateChannelList(body, "VoiceEnhancementConfigs", true, (item, path) => {
    const mode = optEnum(item, "VoiceEnhancementMode", VOICE_ENHANCEMENT_MODES, path);
    if (mode === undefined) throw invalidParameter(`${path}VoiceEnhancementMode is required`);
    return { Channel: channelOf(item, path), VoiceEnhancementMode: mode };
  });
  if (autoAccept) configs.AutoAcceptConfigs = autoAccept;
  if (acw) configs.AfterContactWorkConfigs = acw;
  if (numbers) configs.PhoneNumberConfigs = numbers;
  if (persistent) configs.PersistentConnectionConfigs = persistent;
  if (voice) configs.VoiceEnhancementConfigs = voice;
  return configs;
}

/**
 * The user's PhoneConfig: the one given, with the fields it leaves out taken from the VOICE
 * entries of the per-channel lists (our reading of how the two forms relate); a soft phone
 * when neither names a phone type.
 */
function validatePhoneConfig(body: Json, channels: ChannelConfigs): PhoneConfig {
  const path = "PhoneConfig.";
  const given = optObject(body, "PhoneConfig", "") ?? {};
  const conflicts: [string, string][] = [
    ["AutoAccept", "AutoAcceptConfigs"],
    ["AfterContactWorkTimeLimit", "AfterContactWorkConfigs"],
    ["PhoneType", "PhoneNumberConfigs"],
    ["DeskPhoneNumber", "PhoneNumberConfigs"],
    ["PersistentConnection", "PersistentConnectionConfigs"],
  ];
  for (const [field, list] of conflicts) {
    if (given[field] !== undefined && given[field] !== null && body[list] !== undefined) {
      throw invalidParameter(`${path}${field} cannot be set together with ${list}`);
    }
  }

  const voiceNumber = channels.PhoneNumberConfigs?.find((c) => c.Channel === "VOICE");
  const voiceAutoAccept = channels.AutoAcceptConfigs?.find((c) => c.Channel === "VOICE");
  const voiceAcw = channels.AfterContactWorkConfigs?.find((c) => c.Channel === "VOICE");
  const voicePersistent = channels.PersistentConnectionConfigs?.find((c) => c.Channel === "VOICE");

  const phoneType =
    optEnum(given, "PhoneType", PHONE_TYPES, path) ?? voiceNumber?.PhoneType ?? DEFAULT_PHONE_TYPE;
  const config: PhoneConfig = { PhoneType: phoneType };
  const autoAccept = optBoolean(given, "AutoAccept", path) ?? voiceAutoAccept?.AutoAccept;
  const acw =
    acwSeconds(given, "AfterContactWorkTimeLimit", path) ??
    voiceAcw?.AfterContactWorkConfig.AfterContactWorkTimeLimit;
  const desk =
    e164(optString(given, "DeskPhoneNumber", path), `${path}DeskPhoneNumber`) ??
    voiceNumber?.PhoneNumber;
  const persistent =
    optBoolean(given, "PersistentConnection", path) ?? voicePersistent?.PersistentConnection;
  if (phoneType === "DESK_PHONE" && desk === undefined) {
    throw invalidParameter(`${path}DeskPhoneNumber is required when PhoneType is DESK_PHONE`);
  }
  if (autoAccept !== undefined) config.AutoAccept = autoAccept;
  if (acw !== undefined) config.AfterContactWorkTimeLimit = acw;
  if (desk !== undefined) config.DeskPhoneNumber = desk;
  if (persistent !== undefined) config.PersistentConnection = persistent;
  return config;
}

function validateSecurityProfileIds(body: Json): string[] {
  const list = optArray(body, "SecurityProfileIds", "");
  if (list === undefined) throw invalidParameter("SecurityProfileIds is required");
  if (list.length < SECURITY_PROFILES_MIN || list.length > SECURITY_PROFILES_MAX) {
    throw invalidParameter(
      `SecurityProfileIds must list ${SECURITY_PROFILES_MIN} to ${SECURITY_PROFILES_MAX} security profiles, got ${list.length}`,
    );
  }
  return list.map((id, i) => {
    if (typeof id !== "string" || id.length === 0) {
      throw invalidParameter(`SecurityProfileIds[${i}] must be a non-empty string`);
    }
    return id;
  });
}

/** Validates a CreateUser body against the instance's identity management type. */
export function validateCreateUser(body: Json, type: IdentityManagementType): CreateUserInput {
  const username = validateUsername(reqString(body, "Username", ""), type);

  const password = optString(body, "Password", "");
  if (type === "CONNECT_MANAGED") {
    if (password === undefined) {
      throw invalidRequest("Password is required on CONNECT_MANAGED instances");
    }
    if (!PASSWORD.test(password)) {
      throw invalidParameter(
        "Password does not meet the password policy: 8 to 64 characters, no spaces, with at least one uppercase letter, one lowercase letter and one digit",
      );
    }
  } else if (password !== undefined) {
    throw invalidRequest(`Password is not allowed on ${type} instances`);
  }

  const directoryUserId = optString(body, "DirectoryUserId", "");
  if (directoryUserId !== undefined && type !== "EXISTING_DIRECTORY") {
    throw invalidRequest(`DirectoryUserId is not allowed on ${type} instances`);
  }

  const identityInfo = validateIdentityInfo(optObject(body, "IdentityInfo", ""), type);
  const channelConfigs = validateChannelConfigs(body);
  const phoneConfig = validatePhoneConfig(body, channelConfigs);
  const securityProfileIds = validateSecurityProfileIds(body);
  const routingProfileId = reqString(body, "RoutingProfileId", "");
  if (routingProfileId.length === 0) throw invalidParameter("RoutingProfileId is required");
  const hierarchyGroupId = optString(body, "HierarchyGroupId", "");
  const tags = body.Tags === undefined ? {} : validateTagMap(body.Tags, "Tags");

  const input: CreateUserInput = {
    username,
    identityInfo,
    phoneConfig,
    securityProfileIds,
    routingProfileId,
    tags,
    channelConfigs,
  };
  if (directoryUserId !== undefined) input.directoryUserId = directoryUserId;
  if (hierarchyGroupId !== undefined && hierarchyGroupId.length > 0) {
    input.hierarchyGroupId = hierarchyGroupId;
  }
  return input;
}

/** UpdateUserRoutingProfile: the routing profile's ID. */
export function validateRoutingProfileUpdate(body: Json): string {
  const id = reqString(body, "RoutingProfileId", "");
  if (id.length === 0) throw invalidParameter("RoutingProfileId is required");
  return id;
}

/** UpdateUserSecurityProfiles: the user's new security profiles (they replace the old). */
export function validateSecurityProfilesUpdate(body: Json): string[] {
  return validateSecurityProfileIds(body);
}

/** UpdateUserHierarchy: the group's ID, or undefined to remove the user's group. */
export function validateHierarchyUpdate(body: Json): string | undefined {
  const id = optString(body, "HierarchyGroupId", "");
  return id === undefined || id.length === 0 ? undefined : id;
}

const DIRECTORY_MANAGED = ["FirstName", "LastName", "Email"] as const;

/**
 * UpdateUserIdentityInfo: the identity that replaces the user's, under the rules CreateUser
 * applies on this instance type. On EXISTING_DIRECTORY instances the directory owns FirstName,
 * LastName and Email: naming one is an InvalidRequestException, and the user keeps its own.
 * Returns the new identity as a function of the user's current one.
 */
export function validateIdentityInfoUpdate(
  body: Json,
  type: IdentityManagementType,
): (current: IdentityInfo) => IdentityInfo {
  const raw = optObject(body, "IdentityInfo", "");
  if (raw === undefined) throw invalidParameter("IdentityInfo is required");
  if (type === "EXISTING_DIRECTORY") {
    for (const field of DIRECTORY_MANAGED) {
      if (raw[field] !== undefined && raw[field] !== null) {
        throw invalidRequest(
          `IdentityInfo.${field} cannot be updated on EXISTING_DIRECTORY instances: the directory manages it`,
        );
      }
    }
  }
  const info = validateIdentityInfo(raw, type);
  return (current) => {
    if (type !== "EXISTING_DIRECTORY") return info;
    const kept: IdentityInfo = { ...info };
    for (const field of DIRECTORY_MANAGED) {
      const value = current[field];
      if (value !== undefined) kept[field] = value;
    }
    return kept;
  };
}

export interface PhoneSettings {
  phoneConfig: PhoneConfig;
  channelConfigs: ChannelConfigs;
}

/**
 * UpdateUserPhoneConfig: the members given replace the user's, the others are kept (the
 * current model makes every member optional, PhoneType included). The per-channel settings
 * follow: an ACW limit applies to every channel ("UpdateUserPhoneConfig API will always set the
 * same ACW timeouts to all channels"), the other members to the VOICE entries. Returns the
 * user's new settings as a function of its current ones (which throws for a desk phone left
 * without a number).
 */
export function validatePhoneConfigUpdate(body: Json): (current: PhoneSettings) => PhoneSettings {
  const path = "PhoneConfig.";
  const given = optObject(body, "PhoneConfig", "");
  if (given === undefined) throw invalidParameter("PhoneConfig is required");
  const phoneType = optEnum(given, "PhoneType", PHONE_TYPES, path);
  const autoAccept = optBoolean(given, "AutoAccept", path);
  const acw = acwSeconds(given, "AfterContactWorkTimeLimit", path);
  const desk = e164(optString(given, "DeskPhoneNumber", path), `${path}DeskPhoneNumber`);
  const persistent = optBoolean(given, "PersistentConnection", path);

  return (current) => {
    const phoneConfig: PhoneConfig = { ...current.phoneConfig };
    if (phoneType !== undefined) phoneConfig.PhoneType = phoneType;
    if (autoAccept !== undefined) phoneConfig.AutoAccept = autoAccept;
    if (acw !== undefined) phoneConfig.AfterContactWorkTimeLimit = acw;
    if (desk !== undefined) phoneConfig.DeskPhoneNumber = desk;
    if (persistent !== undefined) phoneConfig.PersistentConnection = persistent;
    if (phoneConfig.PhoneType === "DESK_PHONE" && phoneConfig.DeskPhoneNumber === undefined) {
      throw invalidParameter(`${path}DeskPhoneNumber is required when PhoneType is DESK_PHONE`);
    }

    const channels = current.channelConfigs;
    const voice = <T extends { Channel: Channel }>(list: T[], change: (c: T) => T) =>
      list.map((c) => (c.Channel === "VOICE" ? change(c) : c));
    const channelConfigs: ChannelConfigs = { ...channels };
    if (channels.PhoneNumberConfigs && (phoneType !== undefined || desk !== undefined)) {
      channelConfigs.PhoneNumberConfigs = voice(channels.PhoneNumberConfigs, (c) => ({
        ...c,
        PhoneType: phoneConfig.PhoneType,
        ...(phoneConfig.DeskPhoneNumber === undefined
          ? {}
          : { PhoneNumber: phoneConfig.DeskPhoneNumber }),
      }));
    }
    if (channels.AutoAcceptConfigs && autoAccept !== undefined) {
      channelConfigs.AutoAcceptConfigs = voice(channels.AutoAcceptConfigs, (c) => ({
        ...c,
        AutoAccept: autoAccept,
      }));
    }
    if (channels.PersistentConnectionConfigs && persistent !== undefined) {
      channelConfigs.PersistentConnectionConfigs = voice(
        channels.PersistentConnectionConfigs,
        (c) => ({ ...c, PersistentConnection: persistent }),
      );
    }
    if (channels.AfterContactWorkConfigs && acw !== undefined) {
      channelConfigs.AfterContactWorkConfigs = channels.AfterContactWorkConfigs.map((c) => ({
        ...c,
        AfterContactWorkConfig: { AfterContactWorkTimeLimit: acw },
      }));
    }
    return { phoneConfig, channelConfigs };
  };
}

export function validateTagKey(key: unknown, field: string): string {
  if (typeof key !== "string") throw invalidParameter(`${field}: tag keys must be strings`);
  const length = charLength(key);
  if (length < 1 || length > TAG_KEY_MAX) {
    throw invalidParameter(`${field}: tag key '${key}' must be 1 to ${TAG_KEY_MAX} characters`);
  }
  if (!TAG_KEY.test(key)) {
    throw invalidParameter(
      key.startsWith("aws:")
        ? `${field}: tag key '${key}' uses the reserved prefix aws:`
        : `${field}: tag key '${key}' may contain only letters, digits, spaces and _ . : / = + - @`,
    );
  }
  return key;
}

/** A `TagMap`: 1 to 50 entries, key and value rules from the model. */
export function validateTagMap(raw: unknown, field: string): Record<string, string> {
  if (!isJsonObject(raw)) throw invalidParameter(`${field} must be a map of strings`);
  const entries = Object.entries(raw);
  if (entries.length < 1 || entries.length > TAGS_MAX) {
    throw invalidParameter(`${field} must hold 1 to ${TAGS_MAX} tags, got ${entries.length}`);
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of entries) {
    validateTagKey(key, field);
    if (typeof value !== "string") {
      throw invalidParameter(`${field}: the value of tag '${key}' must be a string`);
    }
    if (charLength(value) > TAG_VALUE_MAX) {
      throw invalidParameter(
        `${field}: the value of tag '${key}' must be at most ${TAG_VALUE_MAX} characters`,
      );
    }
    tags[key] = value;
  }
  return tags;
}

/** `tagKeys` of UntagResource: 1 to 50 keys. */
export function validateTagKeys(keys: string[]): string[] {
  if (keys.length < 1 || keys.length > TAGS_MAX) {
    throw invalidParameter(`tagKeys must list 1 to ${TAGS_MAX} keys, got ${keys.length}`);
  }
  return keys.map((key) => validateTagKey(key, "tagKeys"));
}

/** Tags on one resource, after a TagResource merge (reference silent; we cap at 50). */
export function checkTagCount(tags: Record<string, string>): void {
  const count = Object.keys(tags).length;
  if (count > TAGS_MAX) {
    throw invalidParameter(`A resource can carry at most ${TAGS_MAX} tags, this would be ${count}`);
  }
}
