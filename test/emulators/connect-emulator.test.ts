import { readFileSync } from "node:fs";
import {
  type ConnectClient,
  ConnectServiceException,
  CreateUserCommand,
  type CreateUserCommandInput,
  DeleteUserCommand,
  DescribeUserCommand,
  DuplicateResourceException,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ListRoutingProfilesCommand,
  ListTagsForResourceCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConnectEmulator,
  type ConnectSeed,
  type IdentityManagementType,
  parseConnectSeed,
  startConnectEmulator,
} from "../../emulators/connect/index.js";
import { connectClientFor, manualClock, seededRandom } from "../../emulators/connect/testing.js";

const sample = parseConnectSeed(
  JSON.parse(readFileSync(new URL("../../events/connect-seed.json", import.meta.url), "utf8")),
);
const RP = "8f1e2d3c-0001-4a5b-8c7d-100000000002";
const SP = "7a6b5c4d-0002-4e3f-9a8b-200000000002";
const HG = "3c2b1a09-0003-4d5e-8f7a-300000000001";
const MARIA = "0e9d8c7b-0004-4a3b-9c2d-400000000001";
const ALEX = "0e9d8c7b-0004-4a3b-9c2d-400000000002";
const GENEROUS = { rps: 1_000_000, burst: 1_000_000 };

function seedFor(type: IdentityManagementType): ConnectSeed {
  return {
    ...sample,
    instance: { ...sample.instance, identityManagementType: type },
    securityProfiles: [
      ...(sample.securityProfiles ?? []),
      ...Array.from({ length: 8 }, (_, i) => ({ id: `sp-extra-${i}`, name: `Extra ${i}` })),
    ],
    quotas: {
      CreateUser: GENEROUS,
      DescribeUser: GENEROUS,
      DeleteUser: GENEROUS,
      ListUsers: GENEROUS,
      SearchUsers: GENEROUS,
      ListTagsForResource: GENEROUS,
      TagResource: GENEROUS,
      UntagResource: GENEROUS,
      ListRoutingProfiles: GENEROUS,
      ListUserHierarchyGroups: GENEROUS,
      maxUsers: 500,
    },
    faults: {},
  };
}

/** Resolves to the rejection (fails the test when the call succeeds). */
async function rejection(promise: Promise<unknown>): Promise<ConnectServiceException> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as ConnectServiceException;
}

let counter = 0;
const uniqueName = (prefix = "agent") => `${prefix}${++counter}@example.com`;

function validSaml(emulator: ConnectEmulator): CreateUserCommandInput {
  return {
    InstanceId: emulator.instanceId,
    Username: uniqueName(),
    IdentityInfo: { FirstName: "Ana", LastName: "López", Email: "ana.lopez@example.com" },
    PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
    RoutingProfileId: RP,
    SecurityProfileIds: [SP],
    HierarchyGroupId: HG,
    Tags: { employeeId: "E1", managedBy: "connect-onboarding" },
  };
}

describe("Connect emulator on a SAML instance", () => {
  let emulator: ConnectEmulator;
  let client: ConnectClient;

  beforeAll(async () => {
    emulator = await startConnectEmulator(seedFor("SAML"), {
      now: manualClock().now,
      random: seededRandom(1),
    });
    client = connectClientFor(emulator);
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
  });

  it("creates, describes, lists and deletes a user through the real SDK", async () => {
    const input = validSaml(emulator);
    const created = await client.send(new CreateUserCommand(input));
    expect(created.$metadata.httpStatusCode).toBe(200);
    expect(created.UserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.UserArn).toBe(`${emulator.instanceArn}/agent/${created.UserId}`);

    const { User } = await client.send(
      new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId: created.UserId }),
    );
    expect(User).toMatchObject({
      Id: created.UserId,
      Arn: created.UserArn,
      Username: input.Username,
      IdentityInfo: input.IdentityInfo,
      PhoneConfig: input.PhoneConfig,
      RoutingProfileId: RP,
      SecurityProfileIds: [SP],
      HierarchyGroupId: HG,
      Tags: input.Tags,
      LastModifiedRegion: "us-east-1",
    });
    expect(User?.LastModifiedTime).toBeInstanceOf(Date);

    const listed = await client.send(new ListUsersCommand({ InstanceId: emulator.instanceId }));
    expect(listed.UserSummaryList?.map((u) => u.Username)).toContain(input.Username);

    await client.send(
      new DeleteUserCommand({ InstanceId: emulator.instanceId, UserId: created.UserId }),
    );
    const gone = await rejection(
      client.send(
        new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId: created.UserId }),
      ),
    );
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  it("reports every user, pre-existing included, in the DESIGN report shape", async () => {
    const input = validSaml(emulator);
    const { UserId } = await client.send(new CreateUserCommand(input));
    const users = emulator.users();
    expect(users.find((u) => u.id === ALEX)).toEqual({
      id: ALEX,
      arn: `${emulator.instanceArn}/agent/${ALEX}`,
      username: "alex.kim@example.com",
      identityInfo: { FirstName: "Alex", LastName: "Kim", Email: "alex.kim@example.com" },
      phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      routingProfileId: "8f1e2d3c-0001-4a5b-8c7d-100000000001",
      securityProfileIds: ["7a6b5c4d-0002-4e3f-9a8b-200000000001"],
      tags: { employeeId: "E00001" },
    });
    expect(users.find((u) => u.id === UserId)).toEqual({
      id: UserId,
      arn: `${emulator.instanceArn}/agent/${UserId}`,
      username: input.Username,
      identityInfo: input.IdentityInfo,
      phoneConfig: input.PhoneConfig,
      routingProfileId: RP,
      securityProfileIds: [SP],
      hierarchyGroupId: HG,
      tags: input.Tags,
    });
  });

  it("lists routing profiles and hierarchy groups with their ARNs", async () => {
    const rps = await client.send(
      new ListRoutingProfilesCommand({ InstanceId: emulator.instanceId }),
    );
    expect(rps.RoutingProfileSummaryList?.map((p) => p.Name)).toEqual([
      "Basic Routing Profile",
      "Customer Care Routing",
      "Sales Routing",
    ]);
    expect(rps.RoutingProfileSummaryList?.[1]?.Arn).toBe(
      `${emulator.instanceArn}/routing-profile/${RP}`,
    );
    const groups = await client.send(
      new ListUserHierarchyGroupsCommand({ InstanceId: emulator.instanceId }),
    );
    expect(groups.UserHierarchyGroupSummaryList?.[0]).toMatchObject({
      Id: HG,
      Name: "Austin Team 1",
      Arn: `${emulator.instanceArn}/agent-group/${HG}`,
    });
  });

  type Patch = Partial<CreateUserCommandInput>;
  type ErrorClass = typeof InvalidParameterException | typeof InvalidRequestException;
  const P = InvalidParameterException;
  const R = InvalidRequestException;
  const extraProfiles = (n: number) => Array.from({ length: n }, (_, k) => `sp-extra-${k % 8}`);
  const names = (first?: string, last?: string, more: Record<string, string> = {}) => ({
    IdentityInfo: { FirstName: first, LastName: last, ...more },
  });
  const samlRules: [string, Patch, ErrorClass, string][] = [
    ["Username over 64 characters", { Username: "a".repeat(65) }, P, "Username"],
    ["Username with a space", { Username: "ana lopez" }, P, "Username"],
    ["Username with a non-email @", { Username: "testuser@example" }, P, "Username"],
    ["Username with a disallowed character", { Username: "ana+1@example.com" }, P, "Username"],
    ["Username empty", { Username: "" }, P, "Username"],
    ["no SecurityProfileIds", { SecurityProfileIds: [] }, P, "SecurityProfileIds"],
    [
      "11 SecurityProfileIds",
      { SecurityProfileIds: [SP, ...extraProfiles(10)] },
      P,
      "SecurityProfileIds",
    ],
    ["a Password on SAML", { Password: "Str0ngPassw0rd" }, R, "Password"],
    ["a DirectoryUserId on SAML", { DirectoryUserId: "dir-1" }, R, "DirectoryUserId"],
    [
      "an unknown PhoneType",
      { PhoneConfig: { PhoneType: "CELL_PHONE" as "SOFT_PHONE" } },
      P,
      "PhoneType",
    ],
    [
      "DESK_PHONE without a number",
      { PhoneConfig: { PhoneType: "DESK_PHONE" } },
      P,
      "DeskPhoneNumber",
    ],
    [
      "DESK_PHONE with a number not in E.164",
      { PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "5125550199" } },
      P,
      "DeskPhoneNumber",
    ],
    [
      "a negative AfterContactWorkTimeLimit",
      { PhoneConfig: { PhoneType: "SOFT_PHONE", AfterContactWorkTimeLimit: -1 } },
      P,
      "AfterContactWorkTimeLimit",
    ],
    [
      "an AfterContactWorkTimeLimit over 2,000,000 seconds",
      { PhoneConfig: { PhoneType: "SOFT_PHONE", AfterContactWorkTimeLimit: 2_000_001 } },
      P,
      "AfterContactWorkTimeLimit",
    ],
    [
      "PhoneConfig.AutoAccept together with AutoAcceptConfigs",
      { AutoAcceptConfigs: [{ Channel: "VOICE", AutoAccept: true }] },
      P,
      "AutoAccept",
    ],
    ["FirstName over 255 characters", names("A".repeat(256), "L"), P, "FirstName"],
    ["LastName over 300 characters", names("A", "L".repeat(301)), P, "LastName"],
    ["a FirstName not in NFC", names("Jose\u0301", "Nunez"), P, "FirstName"],
    ["no FirstName on SAML", names(undefined, "López"), R, "FirstName"],
    ["no LastName on SAML", names("Ana", undefined), R, "LastName"],
    ["a malformed Email", names("A", "L", { Email: "not-an-email" }), P, "Email"],
    ["a malformed SecondaryEmail", names("A", "L", { SecondaryEmail: "a@b" }), P, "SecondaryEmail"],
    ["a Mobile not in E.164", names("A", "L", { Mobile: "0415 555 0100" }), P, "Mobile"],
    ["an empty Tags map", { Tags: {} }, P, "Tags"],
    ["a tag key with the aws: prefix", { Tags: { "aws:owner": "x" } }, P, "aws:"],
    ["a tag key over 128 characters", { Tags: { ["k".repeat(129)]: "x" } }, P, "Tags"],
    ["a tag key with a bad character", { Tags: { "cost#center": "x" } }, P, "Tags"],
    ["a tag value over 256 characters", { Tags: { k: "v".repeat(257) } }, P, "Tags"],
    [
      "51 tags",
      { Tags: Object.fromEntries(Array.from({ length: 51 }, (_, n) => [`k${n}`, "v"])) },
      P,
      "Tags",
    ],
  ];

  it.each(samlRules)("rejects %s", async (_name, patch, errorClass, field) => {
    const input = { ...validSaml(emulator), ...patch };
    const error = await rejection(client.send(new CreateUserCommand(input)));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.name).toBe(errorClass.name);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain(field);
  });

  it("accepts the edges of each rule", async () => {
    const edges: Patch[] = [
      { Username: `${"a".repeat(52)}@example.com` }, // 64 characters
      { Username: "plain_user-name.1" },
      { SecurityProfileIds: [SP, ...extraProfiles(9)] },
      { PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+15125550199" } },
      { PhoneConfig: { PhoneType: "SOFT_PHONE", AfterContactWorkTimeLimit: 0 } },
      { PhoneConfig: { PhoneType: "SOFT_PHONE", AfterContactWorkTimeLimit: 2_000_000 } },
      names("José", "Núñez", { Mobile: "+14155550100" }),
      names("A".repeat(255), "L".repeat(300)),
      { Tags: { ["k".repeat(128)]: "v".repeat(256), "cost center/a=b+c@d:e": "" } },
      {
        PhoneConfig: undefined,
        PhoneNumberConfigs: [{ Channel: "VOICE", PhoneType: "SOFT_PHONE" }],
        AutoAcceptConfigs: [{ Channel: "VOICE", AutoAccept: true }],
      },
    ];
    for (const patch of edges) {
      const created = await client.send(
        new CreateUserCommand({ ...validSaml(emulator), ...patch }),
      );
      expect(created.$metadata.httpStatusCode).toBe(200);
    }
  });

  it("makes a user with no phone type a soft-phone user (PhoneConfig is optional in the current model)", async () => {
    for (const patch of [{ PhoneConfig: undefined }, { PhoneConfig: { AutoAccept: true } }]) {
      const { UserId } = await client.send(
        new CreateUserCommand({ ...validSaml(emulator), ...patch }),
      );
      const { User } = await client.send(
        new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId }),
      );
      expect(User?.PhoneConfig).toEqual({ PhoneType: "SOFT_PHONE", ...patch.PhoneConfig });
    }
  });

  it("derives PhoneConfig from the VOICE channel configs", async () => {
    const input = validSaml(emulator);
    delete input.PhoneConfig;
    input.PhoneNumberConfigs = [
      { Channel: "VOICE", PhoneType: "DESK_PHONE", PhoneNumber: "+15125550100" },
    ];
    input.AfterContactWorkConfigs = [
      { Channel: "VOICE", AfterContactWorkConfig: { AfterContactWorkTimeLimit: 45 } },
    ];
    const { UserId } = await client.send(new CreateUserCommand(input));
    const { User } = await client.send(
      new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId }),
    );
    expect(User?.PhoneConfig).toEqual({
      PhoneType: "DESK_PHONE",
      DeskPhoneNumber: "+15125550100",
      AfterContactWorkTimeLimit: 45,
    });
    expect(User?.PhoneNumberConfigs).toEqual(input.PhoneNumberConfigs);
  });

  it.each<[string, Partial<CreateUserCommandInput>]>([
    ["instance", { InstanceId: "00000000-0000-0000-0000-000000000000" }],
    ["routing profile", { RoutingProfileId: "no-such-rp" }],
    ["security profile", { SecurityProfileIds: [SP, "no-such-sp"] }],
    ["hierarchy group", { HierarchyGroupId: "no-such-hg" }],
  ])("answers ResourceNotFoundException (404) for an unknown %s", async (_what, patch) => {
    const input = { ...validSaml(emulator), ...patch };
    const error = await rejection(client.send(new CreateUserCommand(input)));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it("answers ResourceNotFoundException for an unknown instance on the read APIs", async () => {
    const error = await rejection(client.send(new ListUsersCommand({ InstanceId: "nope" })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    const search = await rejection(client.send(new SearchUsersCommand({ InstanceId: "nope" })));
    expect(search).toBeInstanceOf(ResourceNotFoundException);
  });

  it("treats usernames case-insensitively: DuplicateResourceException (409)", async () => {
    const input = { ...validSaml(emulator), Username: "Maria.Garcia@Example.com" };
    const error = await rejection(client.send(new CreateUserCommand(input)));
    expect(error).toBeInstanceOf(DuplicateResourceException);
    expect(error.$metadata.httpStatusCode).toBe(409);

    const fresh = validSaml(emulator);
    await client.send(new CreateUserCommand(fresh));
    const again = await rejection(
      client.send(new CreateUserCommand({ ...fresh, Username: fresh.Username?.toUpperCase() })),
    );
    expect(again).toBeInstanceOf(DuplicateResourceException);
  });

  it("lets a deleted user's username be used again", async () => {
    const input = validSaml(emulator);
    const { UserId } = await client.send(new CreateUserCommand(input));
    await client.send(new DeleteUserCommand({ InstanceId: emulator.instanceId, UserId }));
    const again = await client.send(new CreateUserCommand(input));
    expect(again.UserId).not.toBe(UserId);
  });

  it("accepts the instance ARN wherever it takes an instance ID, and no other account's", async () => {
    const arn = emulator.instanceArn;
    expect(arn).toBe(`arn:aws:connect:us-east-1:123456789012:instance/${emulator.instanceId}`);
    const input = { ...validSaml(emulator), InstanceId: arn };
    const { UserId } = await client.send(new CreateUserCommand(input));
    const { User } = await client.send(new DescribeUserCommand({ InstanceId: arn, UserId }));
    expect(User?.Username).toBe(input.Username);
    const listed = await client.send(new ListUsersCommand({ InstanceId: arn, MaxResults: 1000 }));
    expect(listed.UserSummaryList?.some((u) => u.Id === UserId)).toBe(true);
    const found = await client.send(
      new SearchUsersCommand({
        InstanceId: arn,
        SearchCriteria: {
          StringCondition: {
            FieldName: "Username",
            Value: input.Username,
            ComparisonType: "EXACT",
          },
        },
      }),
    );
    expect(found.Users?.map((u) => u.Id)).toEqual([UserId]);

    const otherAccount = arn.replace("123456789012", "210987654321");
    const error = await rejection(client.send(new ListUsersCommand({ InstanceId: otherAccount })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it("tags and untags users, with the tag rules", async () => {
    const userArn = `${emulator.instanceArn}/agent/${MARIA}`;
    await client.send(new TagResourceCommand({ resourceArn: userArn, tags: { team: "blue" } }));
    const { tags } = await client.send(new ListTagsForResourceCommand({ resourceArn: userArn }));
    expect(tags).toEqual({ employeeId: "E20002", managedBy: "connect-onboarding", team: "blue" });
    await client.send(
      new UntagResourceCommand({ resourceArn: userArn, tagKeys: ["team", "managedBy"] }),
    );
    const after = await client.send(new ListTagsForResourceCommand({ resourceArn: userArn }));
    expect(after.tags).toEqual({ employeeId: "E20002" });

    const reserved = await rejection(
      client.send(new TagResourceCommand({ resourceArn: userArn, tags: { "aws:x": "y" } })),
    );
    expect(reserved).toBeInstanceOf(InvalidParameterException);
    const missing = await rejection(
      client.send(
        new ListTagsForResourceCommand({ resourceArn: `${emulator.instanceArn}/agent/nobody` }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const notAnArn = await rejection(
      client.send(new ListTagsForResourceCommand({ resourceArn: "not-an-arn" })),
    );
    expect(notAnArn).toBeInstanceOf(InvalidParameterException);
  });

  it("requires an Authorization header", async () => {
    const response = await fetch(`${emulator.endpoint}/users-summary/${emulator.instanceId}`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    const signed = await fetch(`${emulator.endpoint}/users-summary/${emulator.instanceId}`, {
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" },
    });
    expect(signed.status).toBe(200);
  });

  it("answers a body that is not JSON with a client error", async () => {
    const response = await fetch(`${emulator.endpoint}/users/${emulator.instanceId}`, {
      method: "PUT",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ Message: expect.stringContaining("JSON") });
  });
});

describe("users-per-instance quota", () => {
  it("answers LimitExceededException (429) once the instance is full, duplicates first", async () => {
    const emulator = await startConnectEmulator(seedFor("SAML"), { now: manualClock().now });
    const client = connectClientFor(emulator);
    try {
      emulator.setMaxUsers(3);
      await client.send(new CreateUserCommand(validSaml(emulator)));
      const full = await rejection(client.send(new CreateUserCommand(validSaml(emulator))));
      expect(full).toBeInstanceOf(LimitExceededException);
      expect(full.$metadata.httpStatusCode).toBe(429);
      expect(emulator.users()).toHaveLength(3);

      const duplicate = await rejection(
        client.send(
          new CreateUserCommand({ ...validSaml(emulator), Username: "alex.kim@example.com" }),
        ),
      );
      expect(duplicate).toBeInstanceOf(DuplicateResourceException);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});

describe("identity management types", () => {
  const base = (emulator: ConnectEmulator): CreateUserCommandInput => ({
    InstanceId: emulator.instanceId,
    Username: `u${++counter}`,
    IdentityInfo: { FirstName: "Ana", LastName: "Lopez", Email: "ana@example.com" },
    PhoneConfig: { PhoneType: "SOFT_PHONE" },
    RoutingProfileId: RP,
    SecurityProfileIds: [SP],
  });

  it("CONNECT_MANAGED: a password meeting the policy is required, an Email is not; usernames up to 20", async () => {
    const emulator = await startConnectEmulator(seedFor("CONNECT_MANAGED"));
    const client = connectClientFor(emulator);
    try {
      const ok = await client.send(
        new CreateUserCommand({ ...base(emulator), Password: "Welcome2Connect" }),
      );
      expect(ok.$metadata.httpStatusCode).toBe(200);

      const cases: [
        Partial<CreateUserCommandInput>,
        typeof InvalidParameterException | typeof InvalidRequestException,
        string,
      ][] = [
        [{}, InvalidRequestException, "Password"],
        [{ Password: "Sh0rt" }, InvalidParameterException, "Password"],
        [{ Password: "alllowercase1" }, InvalidParameterException, "Password"],
        [{ Password: "ALLUPPERCASE1" }, InvalidParameterException, "Password"],
        [{ Password: "NoDigitsHere" }, InvalidParameterException, "Password"],
        [{ Password: "Has Space 123" }, InvalidParameterException, "Password"],
        [{ Password: `Aa1${"x".repeat(62)}` }, InvalidParameterException, "Password"],
        [
          { Password: "Welcome2Connect", Username: "a".repeat(21) },
          InvalidParameterException,
          "Username",
        ],
        [
          { Password: "Welcome2Connect", IdentityInfo: { LastName: "Lopez" } },
          InvalidRequestException,
          "FirstName",
        ],
        [
          {
            Password: "Welcome2Connect",
            IdentityInfo: { FirstName: "Ana", LastName: "L".repeat(257), Email: "a@example.com" },
          },
          InvalidParameterException,
          "LastName",
        ],
        [
          { Password: "Welcome2Connect", DirectoryUserId: "d-1" },
          InvalidRequestException,
          "DirectoryUserId",
        ],
      ];
      for (const [patch, errorClass, field] of cases) {
        const error = await rejection(
          client.send(new CreateUserCommand({ ...base(emulator), ...patch })),
        );
        expect(error, JSON.stringify(patch)).toBeInstanceOf(errorClass);
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(error.message).toContain(field);
      }
      // The CLI reference's create-user example: no Email on a CONNECT_MANAGED instance.
      const noEmail = await client.send(
        new CreateUserCommand({
          ...base(emulator),
          Password: "Pass@Word1",
          IdentityInfo: { FirstName: "Mary", LastName: "Major" },
          PhoneConfig: {
            PhoneType: "DESK_PHONE",
            AutoAccept: true,
            AfterContactWorkTimeLimit: 60,
            DeskPhoneNumber: "+15555551212",
          },
        }),
      );
      expect(noEmail.$metadata.httpStatusCode).toBe(200);
      const longest = await client.send(
        new CreateUserCommand({
          ...base(emulator),
          Username: "a".repeat(20),
          Password: `Aa1${"x".repeat(61)}`,
        }),
      );
      expect(longest.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  it("EXISTING_DIRECTORY: DirectoryUserId accepted, Password refused", async () => {
    const emulator = await startConnectEmulator(seedFor("EXISTING_DIRECTORY"));
    const client = connectClientFor(emulator);
    try {
      const { UserId } = await client.send(
        new CreateUserCommand({ ...base(emulator), DirectoryUserId: "jdoe" }),
      );
      const { User } = await client.send(
        new DescribeUserCommand({ InstanceId: emulator.instanceId, UserId }),
      );
      expect(User?.DirectoryUserId).toBe("jdoe");
      const error = await rejection(
        client.send(new CreateUserCommand({ ...base(emulator), Password: "Welcome2Connect" })),
      );
      expect(error).toBeInstanceOf(InvalidRequestException);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});

describe("errors are the SDK's own classes", () => {
  it("has every modelled error extend ConnectServiceException", () => {
    for (const errorClass of [
      InvalidParameterException,
      InvalidRequestException,
      ResourceNotFoundException,
      DuplicateResourceException,
      LimitExceededException,
    ]) {
      expect(errorClass.prototype).toBeInstanceOf(ConnectServiceException);
    }
  });
});
