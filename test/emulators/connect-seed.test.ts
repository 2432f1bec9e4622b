import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConnectSeed, startConnectEmulator } from "../../emulators/connect/index.js";

const samplePath = new URL("../../events/connect-seed.json", import.meta.url);
const sample = () => JSON.parse(readFileSync(samplePath, "utf8")) as Record<string, unknown>;
const instance = { id: "inst-1", identityManagementType: "SAML" };

describe("parseConnectSeed", () => {
  it("accepts the sample seed as it is", () => {
    const seed = parseConnectSeed(sample());
    expect(seed.instance).toEqual({
      id: "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
      identityManagementType: "SAML",
    });
    expect(seed.users).toHaveLength(2);
    expect(seed.quotas).toEqual({ CreateUser: { rps: 2, burst: 5 }, maxUsers: 500 });
    expect(seed.faults?.CreateUser).toEqual({ errorRate: 0, throttleRate: 0, latencyMs: [0, 0] });
  });

  it("needs only the instance", () => {
    expect(parseConnectSeed({ instance })).toEqual({ instance });
  });

  it.each([
    [null, /\(root\) must be an object/],
    [{}, /instance must be an object/],
    [{ instance: { identityManagementType: "SAML" } }, /instance\.id must be a non-empty string/],
    [
      { instance: { id: "x", identityManagementType: "LDAP" } },
      /identityManagementType must be one of/,
    ],
    [{ instance: { ...instance, region: "mars-1" } }, /instance\.region/],
    [{ instance: { ...instance, accountId: "123" } }, /instance\.accountId must be 12 digits/],
    [{ instance, routingProfile: [] }, /routingProfile is not a known field/],
    [{ instance, routingProfiles: [{ id: "a" }] }, /routingProfiles\[0\]\.name/],
    [
      {
        instance,
        securityProfiles: [
          { id: "a", name: "A" },
          { id: "a", name: "B" },
        ],
      },
      /securityProfiles\[1\]\.id duplicates/,
    ],
    [
      { instance, quotas: { CreateUsers: { rps: 1, burst: 1 } } },
      /quotas\.CreateUsers is not an emulated API/,
    ],
    [{ instance, quotas: { CreateUser: { rps: -1, burst: 1 } } }, /quotas\.CreateUser\.rps/],
    [{ instance, faults: { CreateUser: { errorRate: 1.5 } } }, /faults\.CreateUser\.errorRate/],
    [{ instance, faults: { CreateUser: { latencyMs: [5, 1] } } }, /latencyMs must have min <= max/],
    [
      { instance, faults: { CreateUser: { errorrate: 0 } } },
      /faults\.CreateUser\.errorrate is not a known field/,
    ],
    [{ instance, searchLagMs: -5 }, /searchLagMs must be a non-negative number/],
  ])("rejects %j with a message naming the field", (json, message) => {
    expect(() => parseConnectSeed(json)).toThrow(message);
  });

  it("checks users against the profiles and each other", () => {
    const base = sample();
    const users = base.users as Record<string, unknown>[];
    const user = users[0] ?? {};
    const withUser = (patch: Record<string, unknown>) => ({
      ...base,
      users: [{ ...user, ...patch }],
    });

    expect(() => parseConnectSeed(withUser({ routingProfileId: "nope" }))).toThrow(
      /users\[0\]\.routingProfileId 'nope' is not in routingProfiles/,
    );
    expect(() => parseConnectSeed(withUser({ securityProfileIds: ["nope"] }))).toThrow(
      /users\[0\]\.securityProfileIds\[0\]/,
    );
    expect(() => parseConnectSeed(withUser({ hierarchyGroupId: "nope" }))).toThrow(
      /users\[0\]\.hierarchyGroupId/,
    );
    expect(() => parseConnectSeed(withUser({ identityInfo: { firstName: "M" } }))).toThrow(
      /users\[0\]\.identityInfo\.firstName is not a known field/,
    );
    expect(() => parseConnectSeed(withUser({ phoneConfig: { PhoneType: "CELL" } }))).toThrow(
      /users\[0\]\.phoneConfig\.PhoneType/,
    );
    expect(() =>
      parseConnectSeed({
        ...base,
        users: [user, { ...user, id: "other", username: "MARIA.GARCIA@example.com" }],
      }),
    ).toThrow(/users\[1\]\.username duplicates/);
    expect(() => parseConnectSeed({ ...base, quotas: { maxUsers: 1 } })).toThrow(
      /more than quotas\.maxUsers/,
    );
  });

  it("is applied by startConnectEmulator too", async () => {
    await expect(
      startConnectEmulator({ instance: { id: "", identityManagementType: "SAML" } }),
    ).rejects.toThrow(/instance\.id/);
  });

  it("seeds region, account and generated profile IDs into ARNs", async () => {
    const emulator = await startConnectEmulator({
      instance: {
        id: "inst-9",
        identityManagementType: "SAML",
        region: "ap-southeast-2",
        accountId: "999988887777",
      },
      routingProfiles: [{ name: "No id given" }],
    });
    try {
      expect(emulator.instanceArn).toBe(
        "arn:aws:connect:ap-southeast-2:999988887777:instance/inst-9",
      );
      const added = emulator.addSecurityProfile({ name: "Later" });
      expect(added).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(emulator.addHierarchyGroup({ id: "hg-x", name: "X" })).toBe("hg-x");
      expect(() => emulator.addHierarchyGroup({ id: "hg-x", name: "Y" })).toThrow(/already exists/);
    } finally {
      await emulator.stop();
    }
  });
});
