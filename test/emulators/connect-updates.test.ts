import {
  type ConnectClient,
  ConnectServiceException,
  CreateUserCommand,
  DescribeUserCommand,
  InternalServiceException,
  InvalidParameterException,
  InvalidRequestException,
  ResourceNotFoundException,
  SearchUsersCommand,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateUserHierarchyCommand,
  UpdateUserIdentityInfoCommand,
  UpdateUserPhoneConfigCommand,
  UpdateUserRoutingProfileCommand,
  UpdateUserSecurityProfilesCommand,
} from "@aws-sdk/client-connect";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONNECT_APIS,
  type ConnectEmulator,
  type ConnectSeed,
  DEFAULT_QUOTAS,
  type IdentityManagementType,
  startConnectEmulator,
} from "../../emulators/connect/index.js";
import {
  connectClientFor,
  type ManualClock,
  manualClock,
  seededRandom,
} from "../../emulators/connect/testing.js";

const INSTANCE = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";
const USER = "0e9d8c7b-0004-4a3b-9c2d-400000000001";
const UPDATE_APIS = [
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
  "UpdateUserIdentityInfo",
  "UpdateUserPhoneConfig",
] as const;
const GENEROUS = Object.fromEntries(
  CONNECT_APIS.map((api) => [api, { rps: 1_000_000, burst: 1_000_000 }]),
);

function seed(type: IdentityManagementType = "SAML"): ConnectSeed {
  return {
    instance: { id: INSTANCE, identityManagementType: type },
    routingProfiles: [
      { id: "rp-basic", name: "Basic Routing Profile" },
      { id: "rp-care", name: "Customer Care Routing" },
    ],
    securityProfiles: [
      { id: "sp-agent", name: "Agent" },
      { id: "sp-qa", name: "Spanish QA" },
    ],
    hierarchyGroups: [
      { id: "hg-austin", name: "Austin Team 1" },
      { id: "hg-remote", name: "Remote Team" },
    ],
    users: [
      {
        id: USER,
        username: "maria.garcia@example.com",
        identityInfo: { FirstName: "María", LastName: "García", Email: "maria@example.com" },
        phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
        directoryUserId: type === "EXISTING_DIRECTORY" ? "mgarcia" : undefined,
        routingProfileId: "rp-basic",
        securityProfileIds: ["sp-agent"],
        hierarchyGroupId: "hg-austin",
        tags: { employeeId: "E20002" },
      },
    ].map((u) => JSON.parse(JSON.stringify(u))),
  };
}

let emulator: ConnectEmulator | undefined;
let client: ConnectClient | undefined;
let clock: ManualClock;

async function start(extra: Partial<ConnectSeed> = {}, type?: IdentityManagementType) {
  clock = manualClock();
  emulator = await startConnectEmulator(
    { ...seed(type), ...extra },
    { now: clock.now, random: seededRandom(3) },
  );
  client = connectClientFor(emulator);
  return { emu: emulator, sdk: client };
}

afterEach(async () => {
  client?.destroy();
  await emulator?.stop();
  client = undefined;
  emulator = undefined;
});

/** Resolves to the rejection (fails the test when the call succeeds). */
async function rejection(promise: Promise<unknown>): Promise<ConnectServiceException> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as ConnectServiceException;
}

async function describeUser(sdk: ConnectClient, userId = USER) {
  const { User } = await sdk.send(
    new DescribeUserCommand({ InstanceId: INSTANCE, UserId: userId }),
  );
  return User;
}

/** One valid call per update API, on the seeded user. */
const validUpdate = {
  UpdateUserRoutingProfile: (userId = USER) =>
    new UpdateUserRoutingProfileCommand({
      InstanceId: INSTANCE,
      UserId: userId,
      RoutingProfileId: "rp-care",
    }),
  UpdateUserSecurityProfiles: (userId = USER) =>
    new UpdateUserSecurityProfilesCommand({
      InstanceId: INSTANCE,
      UserId: userId,
      SecurityProfileIds: ["sp-agent", "sp-qa"],
    }),
  UpdateUserHierarchy: (userId = USER) =>
    new UpdateUserHierarchyCommand({
      InstanceId: INSTANCE,
      UserId: userId,
      HierarchyGroupId: "hg-remote",
    }),
  UpdateUserIdentityInfo: (userId = USER) =>
    new UpdateUserIdentityInfoCommand({
      InstanceId: INSTANCE,
      UserId: userId,
      IdentityInfo: { FirstName: "María", LastName: "García López", Email: "maria@example.com" },
    }),
  UpdateUserPhoneConfig: (userId = USER) =>
    new UpdateUserPhoneConfigCommand({
      InstanceId: INSTANCE,
      UserId: userId,
      PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+15125550199" },
    }),
};

describe("the UpdateUser* operations through the real SDK", () => {
  it("change one aspect each, seen at once by DescribeUser and the report", async () => {
    const { emu, sdk } = await start({ quotas: GENEROUS });
    for (const api of UPDATE_APIS) {
      const out = await sdk.send(validUpdate[api]() as never);
      expect((out as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBe(
        200,
      );
    }
    const user = await describeUser(sdk);
    expect(user).toMatchObject({
      RoutingProfileId: "rp-care",
      SecurityProfileIds: ["sp-agent", "sp-qa"],
      HierarchyGroupId: "hg-remote",
      IdentityInfo: { FirstName: "María", LastName: "García López", Email: "maria@example.com" },
      PhoneConfig: {
        PhoneType: "DESK_PHONE",
        DeskPhoneNumber: "+15125550199",
        AutoAccept: false,
        AfterContactWorkTimeLimit: 30,
      },
      Username: "maria.garcia@example.com",
      Tags: { employeeId: "E20002" },
    });
    expect(user?.LastModifiedTime).toBeInstanceOf(Date);
    expect(emu.users()[0]).toMatchObject({
      routingProfileId: "rp-care",
      securityProfileIds: ["sp-agent", "sp-qa"],
      hierarchyGroupId: "hg-remote",
      identityInfo: { LastName: "García López" },
      phoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+15125550199" },
    });
    for (const api of UPDATE_APIS) expect(emu.stats()[api]).toMatchObject({ requests: 1, ok: 1 });
  });

  it("UpdateUserHierarchy without HierarchyGroupId removes the user's group", async () => {
    const { emu, sdk } = await start({ quotas: GENEROUS });
    await sdk.send(new UpdateUserHierarchyCommand({ InstanceId: INSTANCE, UserId: USER }));
    const user = await describeUser(sdk);
    expect(user).not.toHaveProperty("HierarchyGroupId");
    expect(emu.users()[0]).not.toHaveProperty("hierarchyGroupId");
  });

  it("UpdateUserIdentityInfo replaces the identity: a member left out is cleared", async () => {
    const { sdk } = await start({ quotas: GENEROUS });
    await sdk.send(
      new UpdateUserIdentityInfoCommand({
        InstanceId: INSTANCE,
        UserId: USER,
        IdentityInfo: { FirstName: "María", LastName: "García", Mobile: "+14155550100" },
      }),
    );
    expect((await describeUser(sdk))?.IdentityInfo).toEqual({
      FirstName: "María",
      LastName: "García",
      Mobile: "+14155550100",
    });
  });

  it("UpdateUserPhoneConfig keeps the members it is not given, and sets ACW on every channel", async () => {
    const { sdk } = await start({ quotas: GENEROUS });
    const { UserId } = await sdk.send(
      new CreateUserCommand({
        InstanceId: INSTANCE,
        Username: "multi.channel@example.com",
        IdentityInfo: { FirstName: "Multi", LastName: "Channel" },
        PhoneNumberConfigs: [{ Channel: "VOICE", PhoneType: "SOFT_PHONE" }],
        AutoAcceptConfigs: [
          { Channel: "VOICE", AutoAccept: false },
          { Channel: "CHAT", AutoAccept: true },
        ],
        AfterContactWorkConfigs: [
          { Channel: "VOICE", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 10 } },
          { Channel: "CHAT", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 20 } },
        ],
        RoutingProfileId: "rp-basic",
        SecurityProfileIds: ["sp-agent"],
      }),
    );
    await sdk.send(
      new UpdateUserPhoneConfigCommand({
        InstanceId: INSTANCE,
        UserId,
        PhoneConfig: { AutoAccept: true, AfterContactWorkTimeLimit: 45 },
      }),
    );
    const user = await describeUser(sdk, UserId);
    expect(user?.PhoneConfig).toEqual({
      PhoneType: "SOFT_PHONE",
      AutoAccept: true,
      AfterContactWorkTimeLimit: 45,
    });
    expect(user?.AutoAcceptConfigs).toEqual([
      { Channel: "VOICE", AutoAccept: true },
      { Channel: "CHAT", AutoAccept: true },
    ]);
    expect(user?.AfterContactWorkConfigs).toEqual([
      { Channel: "VOICE", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 45 } },
      { Channel: "CHAT", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 45 } },
    ]);
  });

  it("EXISTING_DIRECTORY: the directory's members cannot be updated, the others can", async () => {
    const { sdk } = await start({ quotas: GENEROUS }, "EXISTING_DIRECTORY");
    const refused = await rejection(
      sdk.send(
        new UpdateUserIdentityInfoCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          IdentityInfo: { Email: "new@example.com" },
        }),
      ),
    );
    expect(refused).toBeInstanceOf(InvalidRequestException);
    expect(refused.message).toContain("Email");
    await sdk.send(
      new UpdateUserIdentityInfoCommand({
        InstanceId: INSTANCE,
        UserId: USER,
        IdentityInfo: { Mobile: "+14155550100", SecondaryEmail: "maria.alt@example.com" },
      }),
    );
    expect((await describeUser(sdk))?.IdentityInfo).toEqual({
      FirstName: "María",
      LastName: "García",
      Email: "maria@example.com",
      Mobile: "+14155550100",
      SecondaryEmail: "maria.alt@example.com",
    });
  });
});

describe("the UpdateUser* errors are the SDK's own exceptions", () => {
  type ErrorClass = (new (...args: never[]) => ConnectServiceException) & { name: string };
  type Bad = [string, () => unknown, ErrorClass, number, string];
  const bad: Bad[] = [
    [
      "UpdateUserRoutingProfile without RoutingProfileId",
      () => new UpdateUserRoutingProfileCommand({ InstanceId: INSTANCE, UserId: USER } as never),
      InvalidParameterException,
      400,
      "RoutingProfileId",
    ],
    [
      "UpdateUserSecurityProfiles with 11 profiles",
      () =>
        new UpdateUserSecurityProfilesCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          SecurityProfileIds: Array.from({ length: 11 }, (_, i) => `sp-${i}`),
        }),
      InvalidParameterException,
      400,
      "SecurityProfileIds",
    ],
    [
      "UpdateUserSecurityProfiles with none",
      () =>
        new UpdateUserSecurityProfilesCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          SecurityProfileIds: [],
        }),
      InvalidParameterException,
      400,
      "SecurityProfileIds",
    ],
    [
      "UpdateUserIdentityInfo with a LastName over 300 characters",
      () =>
        new UpdateUserIdentityInfoCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          IdentityInfo: { FirstName: "A", LastName: "L".repeat(301) },
        }),
      InvalidParameterException,
      400,
      "LastName",
    ],
    [
      "UpdateUserIdentityInfo without FirstName on SAML",
      () =>
        new UpdateUserIdentityInfoCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          IdentityInfo: { LastName: "García" },
        }),
      InvalidRequestException,
      400,
      "FirstName",
    ],
    [
      "UpdateUserPhoneConfig without PhoneConfig",
      () => new UpdateUserPhoneConfigCommand({ InstanceId: INSTANCE, UserId: USER } as never),
      InvalidParameterException,
      400,
      "PhoneConfig",
    ],
    [
      "UpdateUserPhoneConfig to DESK_PHONE without a number",
      () =>
        new UpdateUserPhoneConfigCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          PhoneConfig: { PhoneType: "DESK_PHONE" },
        }),
      InvalidParameterException,
      400,
      "DeskPhoneNumber",
    ],
    [
      "UpdateUserPhoneConfig with a negative ACW",
      () =>
        new UpdateUserPhoneConfigCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          PhoneConfig: { AfterContactWorkTimeLimit: -1 },
        }),
      InvalidParameterException,
      400,
      "AfterContactWorkTimeLimit",
    ],
    [
      "UpdateUserRoutingProfile to an unknown profile",
      () =>
        new UpdateUserRoutingProfileCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          RoutingProfileId: "rp-nope",
        }),
      ResourceNotFoundException,
      404,
      "rp-nope",
    ],
    [
      "UpdateUserSecurityProfiles with an unknown profile",
      () =>
        new UpdateUserSecurityProfilesCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          SecurityProfileIds: ["sp-agent", "sp-nope"],
        }),
      ResourceNotFoundException,
      404,
      "sp-nope",
    ],
    [
      "UpdateUserHierarchy to an unknown group",
      () =>
        new UpdateUserHierarchyCommand({
          InstanceId: INSTANCE,
          UserId: USER,
          HierarchyGroupId: "hg-nope",
        }),
      ResourceNotFoundException,
      404,
      "hg-nope",
    ],
    ...UPDATE_APIS.map(
      (api): Bad => [
        `${api} on an unknown user`,
        () => validUpdate[api]("no-such-user"),
        ResourceNotFoundException,
        404,
        "no-such-user",
      ],
    ),
  ];

  it.each(bad)("%s", async (_name, command, errorClass, status, named) => {
    const { emu, sdk } = await start({ quotas: GENEROUS });
    const before = emu.users();
    const error = await rejection(sdk.send(command() as never));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.name).toBe(errorClass.name);
    expect(error.$metadata.httpStatusCode).toBe(status);
    expect(error.message).toContain(named);
    expect(emu.users()).toEqual(before);
  });

  it.each(UPDATE_APIS)(
    "%s: ThrottlingException (429) and InternalServiceException (500) change nothing",
    async (api) => {
      const { emu, sdk } = await start({ quotas: { ...GENEROUS, [api]: { rps: 0, burst: 0 } } });
      const before = emu.users();
      const throttled = await rejection(sdk.send(validUpdate[api]() as never));
      expect(throttled).toBeInstanceOf(ThrottlingException);
      expect(throttled.$metadata.httpStatusCode).toBe(429);
      emu.setQuota(api, { rps: 1_000, burst: 1_000 });
      emu.setFaults(api, { errorRate: 1 });
      const failed = await rejection(sdk.send(validUpdate[api]() as never));
      expect(failed).toBeInstanceOf(InternalServiceException);
      expect(failed.$metadata.httpStatusCode).toBe(500);
      expect(emu.users()).toEqual(before);
      expect(emu.stats()[api]).toMatchObject({ requests: 2, throttled: 1, faults: 1, ok: 0 });
    },
  );
});

describe("quotas and faults per API", () => {
  it("default every API to 2 requests per second with a burst of 5", () => {
    expect(Object.keys(DEFAULT_QUOTAS).sort()).toEqual([...CONNECT_APIS].sort());
    for (const api of CONNECT_APIS) expect(DEFAULT_QUOTAS[api], api).toEqual({ rps: 2, burst: 5 });
    for (const api of UPDATE_APIS) expect(CONNECT_APIS).toContain(api);
  });

  it("throttle one update API without touching another, and refill at 2 per second", async () => {
    const { sdk } = await start();
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(
        await sdk.send(validUpdate.UpdateUserRoutingProfile()).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      );
    }
    expect(results).toEqual(["ok", "ok", "ok", "ok", "ok", "ThrottlingException"]);
    // Another update API and DescribeUser have buckets of their own.
    for (let i = 0; i < 5; i++) await sdk.send(validUpdate.UpdateUserSecurityProfiles());
    await describeUser(sdk);
    clock.advance(499);
    const early = await rejection(sdk.send(validUpdate.UpdateUserRoutingProfile()));
    expect(early).toBeInstanceOf(ThrottlingException);
    clock.advance(1);
    await sdk.send(validUpdate.UpdateUserRoutingProfile());
  });

  it("fault one API: the others answer as usual", async () => {
    const { emu, sdk } = await start({
      quotas: GENEROUS,
      faults: { UpdateUserHierarchy: { errorRate: 1 } },
    });
    const failed = await rejection(sdk.send(validUpdate.UpdateUserHierarchy()));
    expect(failed).toBeInstanceOf(InternalServiceException);
    await sdk.send(validUpdate.UpdateUserRoutingProfile());
    expect(emu.users()[0]).toMatchObject({
      routingProfileId: "rp-care",
      hierarchyGroupId: "hg-austin",
    });
  });

  it("dropAfterRate on an update: the change is applied, the response lost", async () => {
    const { emu, sdk } = await start({ quotas: GENEROUS });
    emu.setFaults("UpdateUserSecurityProfiles", { dropAfterRate: 1 });
    const error = await rejection(sdk.send(validUpdate.UpdateUserSecurityProfiles()));
    expect(error).not.toBeInstanceOf(ConnectServiceException);
    expect(emu.users()[0]?.securityProfileIds).toEqual(["sp-agent", "sp-qa"]);
  });
});

describe("the search index lags updates as it lags creates", () => {
  const byId = (sdk: ConnectClient) =>
    sdk.send(
      new SearchUsersCommand({
        InstanceId: INSTANCE,
        SearchCriteria: {
          StringCondition: { FieldName: "resourceId", Value: USER, ComparisonType: "EXACT" },
        },
      }),
    );

  it("shows the previous version until searchLagMs has passed since the update", async () => {
    const { emu, sdk } = await start({ quotas: GENEROUS, searchLagMs: 5_000 });
    await sdk.send(validUpdate.UpdateUserRoutingProfile());
    clock.advance(2_000);
    await sdk.send(new UpdateUserHierarchyCommand({ InstanceId: INSTANCE, UserId: USER }));
    expect((await describeUser(sdk))?.RoutingProfileId).toBe("rp-care");

    let [seen] = (await byId(sdk)).Users ?? [];
    expect(seen).toMatchObject({ RoutingProfileId: "rp-basic", HierarchyGroupId: "hg-austin" });
    clock.advance(2_999); // 4,999 ms after the first update
    [seen] = (await byId(sdk)).Users ?? [];
    expect(seen?.RoutingProfileId).toBe("rp-basic");
    clock.advance(1); // the first update is indexed, the second not yet
    [seen] = (await byId(sdk)).Users ?? [];
    expect(seen).toMatchObject({ RoutingProfileId: "rp-care", HierarchyGroupId: "hg-austin" });
    clock.advance(2_000);
    [seen] = (await byId(sdk)).Users ?? [];
    expect(seen?.RoutingProfileId).toBe("rp-care");
    expect(seen).not.toHaveProperty("HierarchyGroupId");
    expect(emu.stats().SearchUsers?.ok).toBe(4);
  });

  it("finds a user by a new tag only once the tag change is indexed", async () => {
    const { sdk } = await start({ quotas: GENEROUS, searchLagMs: 1_000 });
    const userArn = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/${USER}`;
    const byTag = async (key: string) =>
      (
        await sdk.send(
          new SearchUsersCommand({
            InstanceId: INSTANCE,
            SearchFilter: { TagFilter: { TagCondition: { TagKey: key, TagValue: "x" } } },
          }),
        )
      ).Users?.map((u) => u.Id);
    await sdk.send(new TagResourceCommand({ resourceArn: userArn, tags: { status: "x" } }));
    expect(await byTag("status")).toEqual([]);
    clock.advance(1_000);
    expect(await byTag("status")).toEqual([USER]);
    await sdk.send(new UntagResourceCommand({ resourceArn: userArn, tagKeys: ["status"] }));
    expect(await byTag("status")).toEqual([USER]);
    clock.advance(1_000);
    expect(await byTag("status")).toEqual([]);
  });
});
