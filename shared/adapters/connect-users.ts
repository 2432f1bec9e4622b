import {
  type ConnectClient,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeUserCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  SearchUsersCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserHierarchyCommand,
  UpdateUserIdentityInfoCommand,
  UpdateUserPhoneConfigCommand,
  UpdateUserRoutingProfileCommand,
  UpdateUserSecurityProfilesCommand,
} from "@aws-sdk/client-connect";
import {
  type ConnectUser,
  EMPLOYEE_ID_TAG,
  type IdentityInfo,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type PhoneConfig,
} from "../domain/connect-user.js";
import type { CreateUserRequest } from "../domain/desired-user.js";
import type { ProfileKind } from "../domain/profile-ref.js";
import type {
  ApiInvoker,
  CallContext,
  ConnectApi,
  ConnectUsers,
  CreateUserResult,
  ProfileCatalog,
  ProfileSummary,
  UserDirectory,
  UserListing,
  UserSummary,
} from "../ports.js";
import { classifyConnectError } from "./connect-errors.js";

/** The List APIs' page size ceilings (API reference): 1000 for users and the profile lists. */
const LIST_PAGE_SIZE = 1000;
/** One employee's users fit in a page of 100; a whole instance is read in pages of 500. */
const SEARCH_PAGE_SIZE = 100;
/** SearchUsers' MaxResults ceiling (model `MaxResult500`). */
const SEARCH_PAGE_MAX = 500;

/** Runs a call unpaced, for tools that pace themselves (or need not). */
export const directCalls: ApiInvoker<ConnectApi> = (_api, _context, call) => call();

/**
 * The Connect instance's users and profiles over the AWS SDK: one method per API, each call run
 * through `invoke` (the application's pacing and retries) and its errors classified.
 */
export class ConnectInstance implements ConnectUsers, ProfileCatalog, UserDirectory {
  constructor(
    private readonly client: ConnectClient,
    private readonly instanceId: string,
    private readonly invoke: ApiInvoker<ConnectApi> = directCalls,
  ) {}

  async createUser(request: CreateUserRequest, context: CallContext): Promise<CreateUserResult> {
    return this.invoke("CreateUser", context, async () => {
      try {
        const output = await this.client.send(
          new CreateUserCommand({
            ...request,
            IdentityInfo: { ...request.IdentityInfo },
            PhoneConfig: { ...request.PhoneConfig },
          }),
          { abortSignal: context.deadline.signal },
        );
        if (!output.UserId || !output.UserArn) {
          throw new Error("CreateUser returned no UserId or UserArn");
        }
        return { status: "created", userId: output.UserId, userArn: output.UserArn } as const;
      } catch (error) {
        if (error instanceof Error && error.name === "DuplicateResourceException") {
          return { status: "duplicate" } as const;
        }
        throw classifyConnectError(error, "CreateUser");
      }
    });
  }

  async describeUser(userId: string, context: CallContext): Promise<ConnectUser | undefined> {
    return this.invoke("DescribeUser", context, async () => {
      try {
        const { User: user } = await this.client.send(
          new DescribeUserCommand({ InstanceId: this.instanceId, UserId: userId }),
          { abortSignal: context.deadline.signal },
        );
        if (!user?.Id || !user.Arn || !user.RoutingProfileId) return undefined;
        const identity = user.IdentityInfo ?? {};
        const phone = user.PhoneConfig ?? {};
        return {
          userId: user.Id,
          userArn: user.Arn,
          username: user.Username ?? "",
          identityInfo: defined({
            FirstName: identity.FirstName,
            LastName: identity.LastName,
            Email: identity.Email,
            Mobile: identity.Mobile,
          }),
          phoneConfig: defined({
            PhoneType: phone.PhoneType,
            AutoAccept: phone.AutoAccept,
            AfterContactWorkTimeLimit: phone.AfterContactWorkTimeLimit,
            DeskPhoneNumber: phone.DeskPhoneNumber,
          }) as Partial<PhoneConfig>,
          routingProfileId: user.RoutingProfileId,
          securityProfileIds: user.SecurityProfileIds ?? [],
          ...(user.HierarchyGroupId ? { hierarchyGroupId: user.HierarchyGroupId } : {}),
          tags: user.Tags ?? {},
        };
      } catch (error) {
        // Deleted (by hand, or between a search and now): as good as not found.
        if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
        throw classifyConnectError(error, "DescribeUser");
      }
    });
  }

  findUsersByEmployeeId(employeeId: string, context: CallContext): Promise<UserSummary[]> {
    return this.searchByTag(EMPLOYEE_ID_TAG, employeeId, SEARCH_PAGE_SIZE, context);
  }

  listManagedUsers(context: CallContext): Promise<UserSummary[]> {
    return this.searchByTag(MANAGED_BY_TAG, MANAGED_BY_VALUE, SEARCH_PAGE_MAX, context);
  }

  /** Every page of a SearchUsers on one tag, each paced and under the deadline. */
  private async searchByTag(
    key: string,
    value: string,
    pageSize: number,
    context: CallContext,
  ): Promise<UserSummary[]> {
    const users: UserSummary[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.invoke("SearchUsers", context, () =>
        this.send("SearchUsers", () =>
          this.client.send(
            new SearchUsersCommand({
              InstanceId: this.instanceId,
              MaxResults: pageSize,
              ...(token ? { NextToken: token } : {}),
              SearchFilter: { TagFilter: { TagCondition: { TagKey: key, TagValue: value } } },
            }),
            { abortSignal: context.deadline.signal },
          ),
        ),
      );
      for (const user of output.Users ?? []) {
        // The filter is the index's; the tag itself is the truth.
        if (user.Id && user.Tags?.[key] === value) {
          users.push({ userId: user.Id, username: user.Username ?? "", tags: user.Tags });
        }
      }
      nextToken = output.NextToken;
    } while (nextToken);
    return users;
  }

  async listUsers(context: CallContext): Promise<UserListing[]> {
    const users: UserListing[] = [];
    for await (const page of this.userSummaryPages(context)) {
      for (const user of page) {
        if (user.Id) users.push({ userId: user.Id, username: user.Username ?? "" });
      }
    }
    return users;
  }

  /** ListUsers page by page, each paced and under the deadline; a caller may stop early. */
  private async *userSummaryPages(context: CallContext) {
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.invoke("ListUsers", context, () =>
        this.send("ListUsers", () =>
          this.client.send(
            new ListUsersCommand({
              InstanceId: this.instanceId,
              MaxResults: LIST_PAGE_SIZE,
              ...(token ? { NextToken: token } : {}),
            }),
            { abortSignal: context.deadline.signal },
          ),
        ),
      );
      yield page.UserSummaryList ?? [];
      nextToken = page.NextToken;
    } while (nextToken);
  }

  /**
   * SearchUsers first (one call); its index lags fresh writes, so a miss falls back to paging
   * ListUsers, which sees every user at once.
   */
  async findUserIdByUsername(username: string, context: CallContext): Promise<string | undefined> {
    const searched = await this.invoke("SearchUsers", context, () =>
      this.send("SearchUsers", () =>
        this.client.send(
          new SearchUsersCommand({
            InstanceId: this.instanceId,
            MaxResults: 10,
            SearchCriteria: {
              StringCondition: { FieldName: "Username", Value: username, ComparisonType: "EXACT" },
            },
          }),
          { abortSignal: context.deadline.signal },
        ),
      ),
    );
    const hit = searched.Users?.find((user) => sameUsername(user.Username, username));
    if (hit?.Id) return hit.Id;
    for await (const page of this.userSummaryPages(context)) {
      const found = page.find((user) => sameUsername(user.Username, username));
      if (found?.Id) return found.Id;
    }
    return undefined;
  }

  updateRoutingProfile(userId: string, routingProfileId: string, context: CallContext) {
    return this.update("UpdateUserRoutingProfile", context, () =>
      this.client.send(
        new UpdateUserRoutingProfileCommand({
          InstanceId: this.instanceId,
          UserId: userId,
          RoutingProfileId: routingProfileId,
        }),
        { abortSignal: context.deadline.signal },
      ),
    );
  }

  updateSecurityProfiles(userId: string, ids: readonly string[], context: CallContext) {
    return this.update("UpdateUserSecurityProfiles", context, () =>
      this.client.send(
        new UpdateUserSecurityProfilesCommand({
          InstanceId: this.instanceId,
          UserId: userId,
          SecurityProfileIds: [...ids],
        }),
        { abortSignal: context.deadline.signal },
      ),
    );
  }

  updateHierarchy(userId: string, hierarchyGroupId: string | undefined, context: CallContext) {
    return this.update("UpdateUserHierarchy", context, () =>
      this.client.send(
        new UpdateUserHierarchyCommand({
          InstanceId: this.instanceId,
          UserId: userId,
          ...(hierarchyGroupId ? { HierarchyGroupId: hierarchyGroupId } : {}),
        }),
        { abortSignal: context.deadline.signal },
      ),
    );
  }

  updateIdentityInfo(userId: string, identityInfo: IdentityInfo, context: CallContext) {
    return this.update("UpdateUserIdentityInfo", context, () =>
      this.client.send(
        new UpdateUserIdentityInfoCommand({
          InstanceId: this.instanceId,
          UserId: userId,
          IdentityInfo: { ...identityInfo },
        }),
        { abortSignal: context.deadline.signal },
      ),
    );
  }

  updatePhoneConfig(userId: string, phoneConfig: PhoneConfig, context: CallContext) {
    return this.update("UpdateUserPhoneConfig", context, () =>
      this.client.send(
        new UpdateUserPhoneConfigCommand({
          InstanceId: this.instanceId,
          UserId: userId,
          PhoneConfig: { ...phoneConfig },
        }),
        { abortSignal: context.deadline.signal },
      ),
    );
  }

  tagUser(userArn: string, tags: Readonly<Record<string, string>>, context: CallContext) {
    return this.update("TagResource", context, () =>
      this.client.send(new TagResourceCommand({ resourceArn: userArn, tags: { ...tags } }), {
        abortSignal: context.deadline.signal,
      }),
    );
  }

  untagUser(userArn: string, keys: readonly string[], context: CallContext) {
    return this.update("UntagResource", context, () =>
      this.client.send(new UntagResourceCommand({ resourceArn: userArn, tagKeys: [...keys] }), {
        abortSignal: context.deadline.signal,
      }),
    );
  }

  async deleteUser(userId: string, context: CallContext): Promise<void> {
    await this.invoke("DeleteUser", context, async () => {
      try {
        await this.client.send(
          new DeleteUserCommand({ InstanceId: this.instanceId, UserId: userId }),
          { abortSignal: context.deadline.signal },
        );
      } catch (error) {
        // Gone already: an earlier attempt's DeleteUser went through, or someone removed it.
        if (error instanceof Error && error.name === "ResourceNotFoundException") return;
        throw classifyConnectError(error, "DeleteUser");
      }
    });
  }

  async listProfiles(kind: ProfileKind, context: CallContext): Promise<ProfileSummary[]> {
    const api = LIST_API[kind];
    const profiles: ProfileSummary[] = [];
    let nextToken: string | undefined;
    do {
      const input = {
        InstanceId: this.instanceId,
        MaxResults: LIST_PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
      const page = await this.invoke(api, context, () =>
        this.send(api, () => this.listPage(kind, input, context)),
      );
      for (const item of page.items) {
        if (item.Id && item.Name) profiles.push({ id: item.Id, name: item.Name });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return profiles;
  }

  private async listPage(
    kind: ProfileKind,
    input: { InstanceId: string; MaxResults: number; NextToken?: string },
    context: CallContext,
  ): Promise<{ items: { Id?: string; Name?: string }[]; nextToken?: string | undefined }> {
    if (kind === "routingProfile") {
      const out = await this.client.send(new ListRoutingProfilesCommand(input), {
        abortSignal: context.deadline.signal,
      });
      return { items: out.RoutingProfileSummaryList ?? [], nextToken: out.NextToken };
    }
    if (kind === "securityProfile") {
      const out = await this.client.send(new ListSecurityProfilesCommand(input), {
        abortSignal: context.deadline.signal,
      });
      return { items: out.SecurityProfileSummaryList ?? [], nextToken: out.NextToken };
    }
    const out = await this.client.send(new ListUserHierarchyGroupsCommand(input), {
      abortSignal: context.deadline.signal,
    });
    return { items: out.UserHierarchyGroupSummaryList ?? [], nextToken: out.NextToken };
  }

  private async update(api: ConnectApi, context: CallContext, call: () => Promise<unknown>) {
    await this.invoke(api, context, () => this.send(api, call));
  }

  /** One SDK call, its error turned into the failure taxonomy. */
  private async send<T>(api: ConnectApi, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw classifyConnectError(error, api);
    }
  }
}

const LIST_API: Readonly<Record<ProfileKind, ConnectApi>> = {
  routingProfile: "ListRoutingProfiles",
  securityProfile: "ListSecurityProfiles",
  hierarchyGroup: "ListUserHierarchyGroups",
};

const sameUsername = (candidate: string | undefined, wanted: string): boolean =>
  candidate !== undefined && candidate.toLowerCase() === wanted.toLowerCase();

/** Drops the members the SDK left undefined, so "absent" reads the same everywhere. */
const defined = <T extends Record<string, unknown>>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
