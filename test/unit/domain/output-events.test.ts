import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bodyDigest,
  deterministicId,
  PROVISIONING_FAILED,
  type ProvisioningFailedFacts,
  provisioningFailedEvent,
  USER_CREATED,
  USER_UPDATED,
  type UserCreatedFacts,
  userCreatedEvent,
  userUpdatedEvent,
} from "../../../shared/domain/output-events.js";

const SEED = 20261128;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NOW = new Date("2026-11-28T10:00:09.123Z");
const INSTANCE = "10a4c4eb-f57e-4d4c-b602-bf39176ced07";

const created = (overrides: Partial<UserCreatedFacts> = {}): UserCreatedFacts => ({
  sourceEventId: "wd-7f3c9a",
  employeeId: "E12345",
  instanceId: INSTANCE,
  version: Date.parse("2026-11-28T10:00:00Z"),
  userId: "u-1",
  userArn: `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/u-1`,
  username: "jose.nunez@example.com",
  ruleId: "cc-austin-agents",
  routingProfileId: "rp-1",
  securityProfileIds: ["sp-1", "sp-2"],
  hierarchyGroupId: "hg-1",
  outcome: "CREATED",
  ...overrides,
});

const failed = (overrides: Partial<ProvisioningFailedFacts> = {}): ProvisioningFailedFacts => ({
  instanceId: INSTANCE,
  sourceEventId: "wd-7f3c9a",
  employeeId: "E12345",
  reason: "NoMappingRule",
  message: "no mapping rule applies to this employee",
  failureKey: "wd-7f3c9a",
  ...overrides,
});

const idOf = (event: { detail: Readonly<Record<string, unknown>> }) => event.detail.eventId;

describe("userCreatedEvent", () => {
  it("carries the detail of DESIGN section 5", () => {
    const event = userCreatedEvent("connect-onboarding", created(), NOW);
    expect(event.source).toBe("connect-onboarding");
    expect(event.detailType).toBe("Connect User Created");
    expect(USER_CREATED).toBe("Connect User Created");
    expect(event.detail).toEqual({
      eventId: expect.stringMatching(UUID),
      sourceEventId: "wd-7f3c9a",
      employeeId: "E12345",
      instanceId: INSTANCE,
      userId: "u-1",
      userArn: `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/u-1`,
      username: "jose.nunez@example.com",
      ruleId: "cc-austin-agents",
      routingProfileId: "rp-1",
      securityProfileIds: ["sp-1", "sp-2"],
      hierarchyGroupId: "hg-1",
      outcome: "CREATED",
      occurredAt: "2026-11-28T10:00:09.123Z",
    });
  });

  it("says ALREADY_EXISTED and a null hierarchy group when there is none", () => {
    const event = userCreatedEvent(
      "src",
      created({ outcome: "ALREADY_EXISTED", hierarchyGroupId: undefined }),
      NOW,
    );
    expect(event.detail).toMatchObject({ outcome: "ALREADY_EXISTED", hierarchyGroupId: null });
  });

  it("gives the same employee, instance and HR version the same eventId, whatever else differs", () => {
    const first = userCreatedEvent("a", created(), NOW);
    const replay = userCreatedEvent(
      "b",
      created({
        sourceEventId: "redrive-2",
        userId: "u-2",
        outcome: "ALREADY_EXISTED",
        ruleId: "x",
      }),
      new Date(0),
    );
    expect(idOf(replay)).toBe(idOf(first));
  });

  it("gives another employee, instance or HR version another eventId", () => {
    const base = idOf(userCreatedEvent("s", created(), NOW));
    expect(idOf(userCreatedEvent("s", created({ version: 1 }), NOW))).not.toBe(base);
    expect(idOf(userCreatedEvent("s", created({ employeeId: "E12346" }), NOW))).not.toBe(base);
    expect(idOf(userCreatedEvent("s", created({ instanceId: "other-instance" }), NOW))).not.toBe(
      base,
    );
  });

  it("copies the security profile IDs and carries no password", () => {
    const facts = created();
    const event = userCreatedEvent("s", facts, NOW);
    expect(event.detail.securityProfileIds).not.toBe(facts.securityProfileIds);
    expect(JSON.stringify(event)).not.toMatch(/password/i);
  });
});

describe("userUpdatedEvent", () => {
  const updated = () => ({
    ...created(),
    changes: [
      { aspect: "routingProfile" as const, from: "rp-0", to: "rp-1" },
      {
        aspect: "identityInfo" as const,
        from: null,
        to: null,
        fields: ["LastName" as const],
      },
    ],
  });

  it("carries the changes, the username drift when there is one, and the user's ARN", () => {
    const event = userUpdatedEvent(
      "connect-onboarding",
      { ...updated(), usernameDrift: { current: "a@example.com", desired: "b@example.com" } },
      NOW,
    );
    expect(event.detailType).toBe(USER_UPDATED);
    expect(event.detail).toEqual({
      eventId: expect.stringMatching(UUID),
      sourceEventId: "wd-7f3c9a",
      employeeId: "E12345",
      instanceId: INSTANCE,
      userId: "u-1",
      userArn: `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/agent/u-1`,
      username: "jose.nunez@example.com",
      ruleId: "cc-austin-agents",
      changes: updated().changes,
      usernameDrift: { current: "a@example.com", desired: "b@example.com" },
      occurredAt: "2026-11-28T10:00:09.123Z",
    });
    expect(userUpdatedEvent("s", updated(), NOW).detail).not.toHaveProperty("usernameDrift");
  });

  it("never shares an eventId with the Created event of the same version", () => {
    expect(idOf(userUpdatedEvent("s", updated(), NOW))).not.toBe(
      idOf(userCreatedEvent("s", created(), NOW)),
    );
    expect(idOf(userUpdatedEvent("s", { ...updated(), version: 2 }, NOW))).not.toBe(
      idOf(userUpdatedEvent("s", updated(), NOW)),
    );
  });
});

describe("provisioningFailedEvent", () => {
  it("carries the reason and message of DESIGN section 5, and never a password", () => {
    const event = provisioningFailedEvent("connect-onboarding", failed(), NOW);
    expect(event.detailType).toBe("Connect User Provisioning Failed");
    expect(PROVISIONING_FAILED).toBe(event.detailType);
    expect(event.detail).toEqual({
      eventId: expect.stringMatching(UUID),
      sourceEventId: "wd-7f3c9a",
      employeeId: "E12345",
      instanceId: INSTANCE,
      reason: "NoMappingRule",
      message: "no mapping rule applies to this employee",
      occurredAt: "2026-11-28T10:00:09.123Z",
    });
    expect(JSON.stringify(event)).not.toMatch(/password/i);
  });

  it("keeps unknown ids as null", () => {
    const event = provisioningFailedEvent(
      "s",
      failed({
        sourceEventId: null,
        employeeId: null,
        reason: "InvalidJson",
        failureKey: bodyDigest("x"),
      }),
      NOW,
    );
    expect(event.detail).toMatchObject({
      sourceEventId: null,
      employeeId: null,
      reason: "InvalidJson",
    });
  });

  it("is keyed on the failure key and reason, not on the message or time", () => {
    const base = idOf(provisioningFailedEvent("s", failed(), NOW));
    expect(
      idOf(provisioningFailedEvent("s", failed({ message: "other words" }), new Date(0))),
    ).toBe(base);
    expect(idOf(provisioningFailedEvent("s", failed({ reason: "ProfileNotFound" }), NOW))).not.toBe(
      base,
    );
    expect(idOf(provisioningFailedEvent("s", failed({ failureKey: "wd-other" }), NOW))).not.toBe(
      base,
    );
    expect(idOf(provisioningFailedEvent("s", failed({ instanceId: "other" }), NOW))).not.toBe(base);
  });

  it("never shares an eventId with a created event for the same employee", () => {
    const createdId = idOf(userCreatedEvent("s", created(), NOW));
    const failedId = idOf(provisioningFailedEvent("s", failed({ failureKey: "E12345" }), NOW));
    expect(failedId).not.toBe(createdId);
  });
});

describe("deterministicId and bodyDigest", () => {
  it("is a version-8 UUID", () => {
    expect(deterministicId("a")).toMatch(UUID);
    expect(deterministicId()).toMatch(UUID);
  });

  it("does not confuse where the parts are split", () => {
    expect(deterministicId("ab", "c")).not.toBe(deterministicId("a", "bc"));
    expect(deterministicId("a", "")).not.toBe(deterministicId("a"));
  });

  it("is a stable function of its parts", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 4 }),
        fc.array(fc.string(), { maxLength: 4 }),
        (a, b) => {
          expect(deterministicId(...a)).toBe(deterministicId(...a));
          expect(deterministicId(...a)).toMatch(UUID);
          if (a.length === b.length && a.every((part, i) => part === b[i])) return;
          if (a.join("\u0000") === b.join("\u0000")) return; // only parts holding NUL can collide
          expect(deterministicId(...a)).not.toBe(deterministicId(...b));
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });

  it("digests a body with SHA-256", () => {
    expect(bodyDigest("")).toBe(
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(bodyDigest("a")).not.toBe(bodyDigest("b"));
  });
});
