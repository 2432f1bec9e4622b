/**
 * The operations: request members in, response members out, with the member names of the
 * Connect service model (the same as the SDK's schemas in
 * `@aws-sdk/client-connect/dist-cjs`). Timestamps are epoch seconds, the restJson1 default.
 */
import { invalidParameter } from "./errors.js";
import {
  decodeNextToken,
  encodeNextToken,
  LIST_MAX_RESULTS,
  readMaxResults,
  SEARCH_MAX_RESULTS,
  takePage,
} from "./paging.js";
import { compileSearch } from "./search.js";
import type { ConnectState, ProfileKind, ProfileRecord, UserRecord } from "./state.js";
import type { ConnectApi } from "./types.js";
import {
  checkTagCount,
  validateCreateUser,
  validateHierarchyUpdate,
  validateIdentityInfoUpdate,
  validatePhoneConfigUpdate,
  validateRoutingProfileUpdate,
  validateSecurityProfilesUpdate,
  validateTagKeys,
  validateTagMap,
} from "./validation.js";

type Json = Record<string, unknown>;

export interface OperationRequest {
  /** Decoded path labels, in path order. */
  params: string[];
  query: URLSearchParams;
  body: Json;
}

export interface OperationResult {
  status: number;
  body?: Json;
}

export type Operation = (state: ConnectState, request: OperationRequest) => OperationResult;

const ok = (body?: Json): OperationResult => (body ? { status: 200, body } : { status: 200 });
const epochSeconds = (ms: number) => ms / 1000;

function label(request: OperationRequest, index: number, name: string): string {
  const value = request.params[index];
  if (value === undefined || value.length === 0) throw invalidParameter(`${name} is required`);
  return value;
}

type AcwConfig = { AfterContactWorkTimeLimit?: number } | undefined;

function acwInMilliseconds(config: AcwConfig): AcwConfig {
  const seconds = config?.AfterContactWorkTimeLimit;
  return seconds === undefined ? config : { AfterContactWorkTimeLimit: seconds * 1000 };
}

/** Copies the per-channel settings onto a response shape, ACW in the unit asked for. */
function withChannelConfigs(target: Json, user: UserRecord, acwUnit: "s" | "ms"): Json {
  const c = user.channelConfigs;
  if (c.AutoAcceptConfigs) target.AutoAcceptConfigs = c.AutoAcceptConfigs;
  if (c.AfterContactWorkConfigs) {
    target.AfterContactWorkConfigs =
      acwUnit === "s"
        ? c.AfterContactWorkConfigs
        : c.AfterContactWorkConfigs.map((entry) => ({
            ...entry,
            AfterContactWorkConfig: acwInMilliseconds(entry.AfterContactWorkConfig),
            ...(entry.AgentFirstCallbackAfterContactWorkConfig && {
              AgentFirstCallbackAfterContactWorkConfig: acwInMilliseconds(
                entry.AgentFirstCallbackAfterContactWorkConfig,
              ),
            }),
          }));
  }
  if (c.PhoneNumberConfigs) target.PhoneNumberConfigs = c.PhoneNumberConfigs;
  if (c.PersistentConnectionConfigs) {
    target.PersistentConnectionConfigs = c.PersistentConnectionConfigs;
  }
  if (c.VoiceEnhancementConfigs) target.VoiceEnhancementConfigs = c.VoiceEnhancementConfigs;
  return target;
}

/** `User` of DescribeUser. */
function describeShape(user: UserRecord, region: string): Json {
  const shape: Json = {
    Id: user.id,
    Arn: user.arn,
    Username: user.username,
    IdentityInfo: user.identityInfo,
    PhoneConfig: user.phoneConfig,
    SecurityProfileIds: user.securityProfileIds,
    RoutingProfileId: user.routingProfileId,
    Tags: user.tags,
    LastModifiedTime: epochSeconds(user.lastModifiedTime),
    LastModifiedRegion: region,
  };
  if (user.directoryUserId !== undefined) shape.DirectoryUserId = user.directoryUserId;
  if (user.hierarchyGroupId !== undefined) shape.HierarchyGroupId = user.hierarchyGroupId;
  return withChannelConfigs(shape, user, "s");
}

/**
 * `UserSearchSummary`: identity info is the "lite" form (first and last name only), and per
 * the reference "AfterContactWorkTimeLimit is returned in milliseconds" by SearchUsers.
 */
function searchShape(user: UserRecord): Json {
  const identity: Json = {};
  if (user.identityInfo.FirstName !== undefined) identity.FirstName = user.identityInfo.FirstName;
  if (user.identityInfo.LastName !== undefined) identity.LastName = user.identityInfo.LastName;
  const phone: Json = { ...user.phoneConfig, ...acwInMilliseconds(user.phoneConfig) };
  const shape: Json = {
    Id: user.id,
    Arn: user.arn,
    Username: user.username,
    IdentityInfo: identity,
    PhoneConfig: phone,
    RoutingProfileId: user.routingProfileId,
    SecurityProfileIds: user.securityProfileIds,
    Tags: user.tags,
  };
  if (user.hierarchyGroupId !== undefined) shape.HierarchyGroupId = user.hierarchyGroupId;
  if (user.directoryUserId !== undefined) shape.DirectoryUserId = user.directoryUserId;
  return withChannelConfigs(shape, user, "ms");
}

function profileSummary(profile: ProfileRecord, region: string): Json {
  return {
    Id: profile.id,
    Arn: profile.arn,
    Name: profile.name,
    LastModifiedTime: epochSeconds(profile.lastModifiedTime),
    LastModifiedRegion: region,
  };
}

/** A List* operation over one kind of record: `maxResults` / `nextToken` query parameters. */
function listOperation<T extends { seq: number }>(
  api: ConnectApi,
  listMember: string,
  items: (state: ConnectState) => Iterable<T>,
  summary: (item: T, region: string) => Json,
): Operation {
  return (state, request) => {
    const instanceId = label(request, 0, "InstanceId");
    state.checkInstance(instanceId);
    const max = readMaxResults(request.query.get("maxResults"), LIST_MAX_RESULTS, "maxResults");
    const cursor = decodeNextToken(request.query.get("nextToken"), api, "nextToken");
    const page = takePage(items(state), cursor, max);
    const body: Json = { [listMember]: page.items.map((i) => summary(i, state.instance.region)) };
    if (page.nextCursor !== undefined) body.NextToken = encodeNextToken(api, page.nextCursor);
    return ok(body);
  };
}

const listProfiles = (api: ConnectApi, listMember: string, kind: ProfileKind) =>
  listOperation(api, listMember, (state) => state.profiles[kind].values(), profileSummary);

export const OPERATIONS: Record<ConnectApi, Operation> = {
  CreateUser(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const input = validateCreateUser(request.body, state.instance.identityManagementType);
    const user = state.createUser(input);
    return ok({ UserId: user.id, UserArn: user.arn });
  },

  DescribeUser(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const user = state.getUser(label(request, 1, "UserId"));
    return ok({ User: describeShape(user, state.instance.region) });
  },

  DeleteUser(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    state.deleteUser(label(request, 1, "UserId"));
    return ok();
  },

  ListUsers: listOperation(
    "ListUsers",
    "UserSummaryList",
    (state) => state.liveUsers(),
    (user, region) => ({
      Id: user.id,
      Arn: user.arn,
      Username: user.username,
      LastModifiedTime: epochSeconds(user.lastModifiedTime),
      LastModifiedRegion: region,
    }),
  ),
  ListRoutingProfiles: listProfiles(
    "ListRoutingProfiles",
    "RoutingProfileSummaryList",
    "routingProfile",
  ),
  ListSecurityProfiles: listProfiles(
    "ListSecurityProfiles",
    "SecurityProfileSummaryList",
    "securityProfile",
  ),
  ListUserHierarchyGroups: listProfiles(
    "ListUserHierarchyGroups",
    "UserHierarchyGroupSummaryList",
    "hierarchyGroup",
  ),

  SearchUsers(state, request) {
    const { body } = request;
    state.checkInstance(body.InstanceId);
    const max = readMaxResults(body.MaxResults, SEARCH_MAX_RESULTS, "MaxResults");
    const scope = JSON.stringify([body.SearchCriteria ?? null, body.SearchFilter ?? null]);
    const cursor = decodeNextToken(body.NextToken, "SearchUsers", "NextToken", scope);
    const matches = state
      .searchableUsers()
      .filter(compileSearch(body.SearchCriteria, body.SearchFilter));
    const page = takePage(matches, cursor, max);
    const response: Json = {
      Users: page.items.map(searchShape),
      ApproximateTotalCount: matches.length,
    };
    if (page.nextCursor !== undefined) {
      response.NextToken = encodeNextToken("SearchUsers", page.nextCursor, scope);
    }
    return ok(response);
  },

  ListTagsForResource(state, request) {
    const resource = state.findTaggable(label(request, 0, "resourceArn"));
    return ok({ tags: resource.tags });
  },

  TagResource(state, request) {
    const resource = state.findTaggable(label(request, 0, "resourceArn"));
    if (request.body.tags === undefined) throw invalidParameter("tags is required");
    const tags = validateTagMap(request.body.tags, "tags");
    const merged = { ...resource.tags, ...tags };
    checkTagCount(merged);
    resource.setTags(merged);
    return ok();
  },

  UntagResource(state, request) {
    const resource = state.findTaggable(label(request, 0, "resourceArn"));
    const remaining = { ...resource.tags };
    for (const key of validateTagKeys(request.query.getAll("tagKeys"))) delete remaining[key];
    resource.setTags(remaining);
    return ok();
  },

  // The UpdateUser* operations: path labels InstanceId then UserId; the order of checks is
  // instance (404), then the body (400), then the user and what it names (404).
  UpdateUserRoutingProfile(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const userId = label(request, 1, "UserId");
    state.setRoutingProfile(userId, validateRoutingProfileUpdate(request.body));
    return ok();
  },

  UpdateUserSecurityProfiles(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const userId = label(request, 1, "UserId");
    state.setSecurityProfiles(userId, validateSecurityProfilesUpdate(request.body));
    return ok();
  },

  UpdateUserHierarchy(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const userId = label(request, 1, "UserId");
    state.setHierarchyGroup(userId, validateHierarchyUpdate(request.body));
    return ok();
  },

  UpdateUserIdentityInfo(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const userId = label(request, 1, "UserId");
    const identity = validateIdentityInfoUpdate(
      request.body,
      state.instance.identityManagementType,
    );
    state.setIdentityInfo(userId, identity(state.getUser(userId).identityInfo));
    return ok();
  },

  UpdateUserPhoneConfig(state, request) {
    state.checkInstance(label(request, 0, "InstanceId"));
    const userId = label(request, 1, "UserId");
    const settings = validatePhoneConfigUpdate(request.body);
    const user = state.getUser(userId);
    const next = settings({ phoneConfig: user.phoneConfig, channelConfigs: user.channelConfigs });
    state.setPhoneConfig(userId, next.phoneConfig, next.channelConfigs);
    return ok();
  },
};
