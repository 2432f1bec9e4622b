import {
  type ConnectClient,
  CreateUserCommand,
  DescribeUserCommand,
  paginateListRoutingProfiles,
  paginateListSecurityProfiles,
  paginateListUserHierarchyGroups,
  paginateListUsers,
  SearchUsersCommand,
} from "@aws-sdk/client-connect";
import type { Deadline } from "../application/deadline.js";
import type { CreateUserRequest } from "../domain/create-user-request.js";
import type { ProfileKind } from "../domain/profile-ref.js";
import type {
  ConnectUserDirectory,
  CreateUserResult,
  ExistingUser,
  ProfileCatalog,
  ProfileSummary,
} from "../ports.js";
import { classifyConnectError } from "./connect-errors.js";

/** The List APIs' page size ceilings (API reference): 1000 for users and the profile lists. */
const LIST_PAGE_SIZE = 1000;

/** The Connect instance's users and profiles, over the AWS SDK. */
export class ConnectInstance implements ConnectUserDirectory, ProfileCatalog {
  constructor(
    private readonly client: ConnectClient,
    private readonly instanceId: string,
  ) {}

  async createUser(request: CreateUserRequest, deadline: Deadline): Promise<CreateUserResult> {
    try {
      const output = await this.client.send(
        new CreateUserCommand({
          ...request,
          IdentityInfo: { ...request.IdentityInfo },
          PhoneConfig: { ...request.PhoneConfig },
        }),
        { abortSignal: deadline.signal },
      );
      if (!output.UserId || !output.UserArn)
        throw new Error("CreateUser returned no UserId or UserArn");
      return { status: "created", userId: output.UserId, userArn: output.UserArn };
    } catch (error) {
      if (error instanceof Error && error.name === "DuplicateResourceException")
        return { status: "duplicate" };
      throw classifyConnectError(error, "CreateUser");
    }
  }

  /**
   * SearchUsers first (one call, tags included); its index lags fresh writes, so a miss falls
   * back to paging ListUsers, which sees every user at once, then DescribeUser for the tags.
   */
  async findUser(username: string, deadline: Deadline): Promise<ExistingUser | undefined> {
    return (
      (await this.searchByUsername(username, deadline)) ??
      (await this.scanForUsername(username, deadline))
    );
  }

  async listProfiles(kind: ProfileKind, deadline: Deadline): Promise<ProfileSummary[]> {
    const input = { InstanceId: this.instanceId, MaxResults: LIST_PAGE_SIZE };
    const config = { client: this.client };
    // A paginator passes what follows the input to every page's send().
    const options = { abortSignal: deadline.signal };
    const profiles: ProfileSummary[] = [];
    const keep = (items: readonly { Id?: string; Name?: string }[] | undefined) => {
      for (const item of items ?? [])
        if (item.Id && item.Name) profiles.push({ id: item.Id, name: item.Name });
    };
    try {
      if (kind === "routingProfile") {
        for await (const page of paginateListRoutingProfiles(config, input, options))
          keep(page.RoutingProfileSummaryList);
      } else if (kind === "securityProfile") {
        for await (const page of paginateListSecurityProfiles(config, input, options))
          keep(page.SecurityProfileSummaryList);
      } else {
        for await (const page of paginateListUserHierarchyGroups(config, input, options)) {
          keep(page.UserHierarchyGroupSummaryList);
        }
      }
    } catch (error) {
      throw classifyConnectError(error, `List ${kind}s`);
    }
    return profiles;
  }

  private async searchByUsername(
    username: string,
    deadline: Deadline,
  ): Promise<ExistingUser | undefined> {
    try {
      const output = await this.client.send(
        new SearchUsersCommand({
          InstanceId: this.instanceId,
          MaxResults: 10,
          SearchCriteria: {
            StringCondition: { FieldName: "Username", Value: username, ComparisonType: "EXACT" },
          },
        }),
        { abortSignal: deadline.signal },
      );
      const user = output.Users?.find((candidate) => sameUsername(candidate.Username, username));
      if (!user?.Id || !user.Arn) return undefined;
      return {
        userId: user.Id,
        userArn: user.Arn,
        username: user.Username ?? username,
        tags: user.Tags ?? {},
        ...profilesOf(user),
      };
    } catch (error) {
      throw classifyConnectError(error, "SearchUsers");
    }
  }

  private async scanForUsername(
    username: string,
    deadline: Deadline,
  ): Promise<ExistingUser | undefined> {
    let userId: string | undefined;
    try {
      const pages = paginateListUsers(
        { client: this.client },
        { InstanceId: this.instanceId, MaxResults: LIST_PAGE_SIZE },
        { abortSignal: deadline.signal },
      );
      for await (const page of pages) {
        userId = page.UserSummaryList?.find((summary) =>
          sameUsername(summary.Username, username),
        )?.Id;
        if (userId) break;
      }
    } catch (error) {
      throw classifyConnectError(error, "ListUsers");
    }
    return userId ? this.describe(userId, deadline) : undefined;
  }

  private async describe(userId: string, deadline: Deadline): Promise<ExistingUser | undefined> {
    try {
      const { User: user } = await this.client.send(
        new DescribeUserCommand({ InstanceId: this.instanceId, UserId: userId }),
        { abortSignal: deadline.signal },
      );
      if (!user?.Id || !user.Arn) return undefined;
      return {
        userId: user.Id,
        userArn: user.Arn,
        username: user.Username ?? "",
        tags: user.Tags ?? {},
        ...profilesOf(user),
      };
    } catch (error) {
      // Deleted between the listing and now: as good as not found.
      if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
      throw classifyConnectError(error, "DescribeUser");
    }
  }
}

const sameUsername = (candidate: string | undefined, wanted: string): boolean =>
  candidate !== undefined && candidate.toLowerCase() === wanted.toLowerCase();

const profilesOf = (user: {
  RoutingProfileId?: string | undefined;
  SecurityProfileIds?: string[] | undefined;
  HierarchyGroupId?: string | undefined;
}) => ({
  ...(user.RoutingProfileId ? { routingProfileId: user.RoutingProfileId } : {}),
  ...(user.SecurityProfileIds?.length ? { securityProfileIds: user.SecurityProfileIds } : {}),
  ...(user.HierarchyGroupId ? { hierarchyGroupId: user.HierarchyGroupId } : {}),
});
