import {
  AccessDeniedException,
  type ConnectClient,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeUserCommand,
  InvalidParameterException,
  ListSecurityProfilesCommand,
  ListUsersCommand,
  paginateListUsers,
  paginateSearchUsers,
  ResourceNotFoundException,
  SearchUsersCommand,
  type SearchUsersCommandInput,
  type UserSummary,
} from "@aws-sdk/client-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConnectEmulator,
  type ConnectSeed,
  startConnectEmulator,
} from "../../emulators/connect/index.js";
import {
  connectClientFor,
  type ManualClock,
  manualClock,
  seededRandom,
} from "../../emulators/connect/testing.js";

const GENEROUS = { rps: 1_000_000, burst: 1_000_000 };
const seed: ConnectSeed = {
  instance: {
    id: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    identityManagementType: "SAML",
    region: "eu-west-2",
    accountId: "111122223333",
  },
  routingProfiles: [
    { id: "rp-basic", name: "Basic Routing Profile" },
    { id: "rp-sales", name: "Sales Routing" },
  ],
  securityProfiles: Array.from({ length: 12 }, (_, i) => ({ id: `sp-${i}`, name: `Profile ${i}` })),
  hierarchyGroups: [
    { id: "hg-austin", name: "Austin Team 1" },
    { id: "hg-remote", name: "Remote Team" },
  ],
  users: [
    {
      id: "seed-1",
      username: "Existing.Agent@example.com",
      identityInfo: { FirstName: "Existing", LastName: "Agent" },
      phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 20 },
      routingProfileId: "rp-basic",
      securityProfileIds: ["sp-0"],
      hierarchyGroupId: "hg-remote",
      tags: { employeeId: "E0", managedBy: "connect-onboarding" },
    },
  ],
  quotas: {
    CreateUser: GENEROUS,
    DeleteUser: GENEROUS,
    DescribeUser: GENEROUS,
    ListUsers: GENEROUS,
    SearchUsers: GENEROUS,
    ListSecurityProfiles: GENEROUS,
  },
};

let emulator: ConnectEmulator;
let client: ConnectClient;
let clock: ManualClock;

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) throw new Error("expected a rejection");
  return outcome as Error & { $metadata: { httpStatusCode?: number } };
}

async function createUser(username: string, extra: Record<string, unknown> = {}) {
  const result = await client.send(
    new CreateUserCommand({
      InstanceId: emulator.instanceId,
      Username: username,
      IdentityInfo: { FirstName: "Pat", LastName: username.split("@")[0] ?? "x" },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AfterContactWorkTimeLimit: 30 },
      RoutingProfileId: "rp-sales",
      SecurityProfileIds: ["sp-1"],
      Tags: { employeeId: username },
      ...extra,
    }),
  );
  return result.UserId ?? "";
}

function search(input: Omit<SearchUsersCommandInput, "InstanceId">) {
  return client.send(new SearchUsersCommand({ InstanceId: emulator.instanceId, ...input }));
}

const byUsername = (value: string, comparison: "EXACT" | "STARTS_WITH" | "CONTAINS") => ({
  StringCondition: { FieldName: "Username", Value: value, ComparisonType: comparison },
});

beforeAll(async () => {
  clock = manualClock();
  emulator = await startConnectEmulator(seed, { now: clock.now, random: seededRandom(3) });
  client = connectClientFor(emulator, "eu-west-2");
  for (let i = 1; i <= 7; i++) await createUser(`pager${i}@example.com`);
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

describe("paging", () => {
  it("pages ListUsers with a small maxResults, every user exactly once", async () => {
    const seen: UserSummary[] = [];
    let token: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await client.send(
        new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 2, NextToken: token }),
      );
      sizes.push(page.UserSummaryList?.length ?? 0);
      seen.push(...(page.UserSummaryList ?? []));
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([2, 2, 2, 2]);
    expect(seen.map((u) => u.Id)).toEqual(emulator.users().map((u) => u.id));
    expect(seen[0]).toMatchObject({
      Id: "seed-1",
      Arn: "arn:aws:connect:eu-west-2:111122223333:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/agent/seed-1",
      Username: "Existing.Agent@example.com",
      LastModifiedRegion: "eu-west-2",
    });
  });

  it("works with the SDK's own paginator", async () => {
    const ids: string[] = [];
    for await (const page of paginateListUsers(
      { client, pageSize: 3 },
      { InstanceId: emulator.instanceId },
    )) {
      ids.push(...(page.UserSummaryList ?? []).map((u) => u.Id ?? ""));
    }
    expect(ids).toEqual(emulator.users().map((u) => u.id));
  });

  it("defaults ListUsers to 100 per page", async () => {
    const page = await client.send(new ListUsersCommand({ InstanceId: emulator.instanceId }));
    expect(page.UserSummaryList).toHaveLength(8);
    expect(page.NextToken).toBeUndefined();
  });

  it("pages ListSecurityProfiles", async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListSecurityProfilesCommand({
          InstanceId: emulator.instanceId,
          MaxResults: 5,
          NextToken: token,
        }),
      );
      sizes.push(page.SecurityProfileSummaryList?.length ?? 0);
      names.push(...(page.SecurityProfileSummaryList ?? []).map((p) => p.Name ?? ""));
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([5, 5, 2]);
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `Profile ${i}`));
  });

  it("does not skip or repeat when users are deleted between pages", async () => {
    const first = await client.send(
      new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 3 }),
    );
    const doomed = await createUser("doomed@example.com");
    await client.send(new DeleteUserCommand({ InstanceId: emulator.instanceId, UserId: doomed }));
    const lastOfFirst = first.UserSummaryList?.[2]?.Id ?? "";
    const rest: string[] = [];
    let token = first.NextToken;
    while (token) {
      const page = await client.send(
        new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 3, NextToken: token }),
      );
      rest.push(...(page.UserSummaryList ?? []).map((u) => u.Id ?? ""));
      token = page.NextToken;
    }
    const all = [...(first.UserSummaryList ?? []).map((u) => u.Id), ...rest];
    expect(all).toEqual(emulator.users().map((u) => u.id));
    expect(rest).not.toContain(lastOfFirst);
  });

  it("rejects out-of-range maxResults with InvalidParameterException", async () => {
    for (const MaxResults of [0, 1001]) {
      const error = await rejection(
        client.send(new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults })),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toContain("maxResults");
    }
    expect(
      await client.send(
        new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 1000 }),
      ),
    ).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const search = await rejection(
      client.send(new SearchUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 501 })),
    );
    expect(search).toBeInstanceOf(InvalidParameterException);
    expect(search.message).toContain("MaxResults");
  });

  it("rejects invalid, foreign and mismatched tokens with InvalidParameterException", async () => {
    const listToken = (
      await client.send(new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 1 }))
    ).NextToken;
    const searchToken = (
      await search({ MaxResults: 1, SearchCriteria: byUsername("pager", "STARTS_WITH") })
    ).NextToken;
    expect(listToken).toBeTruthy();
    expect(searchToken).toBeTruthy();
    const attempts = [
      client.send(new ListUsersCommand({ InstanceId: emulator.instanceId, NextToken: "garbage!" })),
      client.send(
        new ListSecurityProfilesCommand({ InstanceId: emulator.instanceId, NextToken: listToken }),
      ),
      search({ NextToken: listToken }),
      search({ NextToken: searchToken, SearchCriteria: byUsername("other", "STARTS_WITH") }),
    ];
    for (const attempt of attempts) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });
});

describe("SearchUsers", () => {
  it("matches Username EXACT, STARTS_WITH and CONTAINS, ignoring case", async () => {
    const exact = await search({
      SearchCriteria: byUsername("existing.agent@EXAMPLE.com", "EXACT"),
    });
    expect(exact.Users?.map((u) => u.Id)).toEqual(["seed-1"]);
    expect(exact.ApproximateTotalCount).toBe(1);

    const prefix = await search({ SearchCriteria: byUsername("PAGER", "STARTS_WITH") });
    expect(prefix.ApproximateTotalCount).toBe(7);
    const contains = await search({ SearchCriteria: byUsername("ger3@", "CONTAINS") });
    expect(contains.Users?.map((u) => u.Username)).toEqual(["pager3@example.com"]);
    const none = await search({ SearchCriteria: byUsername("pager3", "EXACT") });
    expect(none.Users).toEqual([]);
    expect(none.ApproximateTotalCount).toBe(0);
  });

  it("returns the UserSearchSummary shape, with ACW in milliseconds", async () => {
    const { Users } = await search({
      SearchCriteria: byUsername("Existing.Agent@example.com", "EXACT"),
    });
    expect(Users?.[0]).toEqual({
      Id: "seed-1",
      Arn: `${emulator.instanceArn}/agent/seed-1`,
      Username: "Existing.Agent@example.com",
      IdentityInfo: { FirstName: "Existing", LastName: "Agent" },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 20_000 },
      RoutingProfileId: "rp-basic",
      SecurityProfileIds: ["sp-0"],
      HierarchyGroupId: "hg-remote",
      Tags: { employeeId: "E0", managedBy: "connect-onboarding" },
    });
  });

  it("returns per-channel ACW in milliseconds too, DescribeUser in seconds", async () => {
    const userId = await createUser("channels@example.com", {
      PhoneConfig: { PhoneType: "SOFT_PHONE" },
      AfterContactWorkConfigs: [
        { Channel: "CHAT", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 15 } },
      ],
    });
    try {
      const { Users } = await search({
        SearchCriteria: byUsername("channels@example.com", "EXACT"),
      });
      expect(Users?.[0]?.AfterContactWorkConfigs).toEqual([
        { Channel: "CHAT", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 15_000 } },
      ]);
      const { User } = await client.send(
        new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId: userId }),
      );
      expect(User?.AfterContactWorkConfigs).toEqual([
        { Channel: "CHAT", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 15 } },
      ]);
    } finally {
      await client.send(new DeleteUserCommand({ InstanceId: emulator.instanceId, UserId: userId }));
    }
  });

  it("pages search results and counts them all", async () => {
    const ids: string[] = [];
    const counts: number[] = [];
    for await (const page of paginateSearchUsers(
      { client, pageSize: 2 },
      { InstanceId: emulator.instanceId, SearchCriteria: byUsername("pager", "STARTS_WITH") },
    )) {
      ids.push(...(page.Users ?? []).map((u) => u.Id ?? ""));
      counts.push(page.ApproximateTotalCount ?? -1);
    }
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    expect(counts).toEqual([7, 7, 7, 7]);
  });

  it("combines And/Or conditions, other string fields and filters", async () => {
    const or = await search({
      SearchCriteria: {
        OrConditions: [
          byUsername("pager1@example.com", "EXACT"),
          byUsername("pager2@example.com", "EXACT"),
        ],
      },
    });
    expect(or.Users?.map((u) => u.Username)).toEqual(["pager1@example.com", "pager2@example.com"]);

    const and = await search({
      SearchCriteria: {
        AndConditions: [
          byUsername("e", "CONTAINS"),
          {
            StringCondition: {
              FieldName: "RoutingProfileId",
              Value: "rp-basic",
              ComparisonType: "EXACT",
            },
          },
        ],
      },
    });
    expect(and.Users?.map((u) => u.Id)).toEqual(["seed-1"]);

    const bySecurityProfile = await search({
      SearchCriteria: {
        StringCondition: { FieldName: "SecurityProfileId", Value: "sp-1", ComparisonType: "EXACT" },
      },
    });
    expect(bySecurityProfile.ApproximateTotalCount).toBe(7);

    const byTag = await search({
      SearchFilter: { TagFilter: { TagCondition: { TagKey: "employeeId", TagValue: "E0" } } },
    });
    expect(byTag.Users?.map((u) => u.Id)).toEqual(["seed-1"]);

    const byGroup = await search({
      SearchFilter: {
        UserAttributeFilter: {
          HierarchyGroupCondition: { Value: "hg-remote", HierarchyGroupMatchType: "EXACT" },
        },
      },
    });
    expect(byGroup.Users?.map((u) => u.Id)).toEqual(["seed-1"]);
  });

  it("rejects malformed criteria and both filters at once", async () => {
    const badField = await rejection(
      search({
        SearchCriteria: {
          StringCondition: { FieldName: "Nickname", Value: "x", ComparisonType: "EXACT" },
        },
      }),
    );
    expect(badField).toBeInstanceOf(InvalidParameterException);
    expect(badField.message).toContain("FieldName");
    const both = await rejection(
      search({
        SearchFilter: {
          TagFilter: { TagCondition: { TagKey: "a", TagValue: "b" } },
          UserAttributeFilter: { TagCondition: { TagKey: "a", TagValue: "b" } },
        },
      }),
    );
    expect(both).toBeInstanceOf(AccessDeniedException);
    expect(both.$metadata.httpStatusCode).toBe(403);
  });
});

describe("search index lag", () => {
  it("hides a fresh user from SearchUsers until searchLagMs has passed", async () => {
    emulator.setSearchLagMs(5_000);
    try {
      const username = "fresh.hire@example.com";
      const userId = await createUser(username);
      const find = () => search({ SearchCriteria: byUsername(username, "EXACT") });

      expect((await find()).Users).toEqual([]);
      const listed = await client.send(
        new ListUsersCommand({ InstanceId: emulator.instanceId, MaxResults: 1000 }),
      );
      expect(listed.UserSummaryList?.some((u) => u.Id === userId)).toBe(true);
      const described = await client.send(
        new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId: userId }),
      );
      expect(described.User?.Username).toBe(username);
      // The username index is not lagged: a second create conflicts at once.
      const duplicate = await rejection(createUser(username));
      expect(duplicate.name).toBe("DuplicateResourceException");

      clock.advance(4_999);
      expect((await find()).Users).toEqual([]);
      clock.advance(1);
      expect((await find()).Users?.map((u) => u.Id)).toEqual([userId]);

      await client.send(new DeleteUserCommand({ InstanceId: emulator.instanceId, UserId: userId }));
      const gone = await rejection(
        client.send(new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId: userId })),
      );
      expect(gone).toBeInstanceOf(ResourceNotFoundException);
      expect((await find()).Users?.map((u) => u.Id)).toEqual([userId]);
      clock.advance(5_000);
      expect((await find()).Users).toEqual([]);
    } finally {
      emulator.setSearchLagMs(0);
    }
  });
});
