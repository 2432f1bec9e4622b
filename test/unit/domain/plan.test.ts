import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConnectUser } from "../../../shared/domain/connect-user.js";
import type { DesiredUser } from "../../../shared/domain/desired-user.js";
import {
  isStale,
  mergeChanges,
  onlyTags,
  planSync,
  userChanges,
} from "../../../shared/domain/plan.js";

const SEED = 20261201;

const desired = (overrides: Partial<DesiredUser> = {}): DesiredUser => ({
  employeeId: "E1",
  ruleId: "cc-agents",
  username: "jose.nunez@example.com",
  identityInfo: { FirstName: "José", LastName: "Núñez", Email: "jose.nunez@example.com" },
  phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
  routingProfileId: "rp-1",
  securityProfileIds: ["sp-1", "sp-2"],
  hierarchyGroupId: "hg-1",
  ruleTags: { costCenter: "CC-100" },
  ...overrides,
});

/** The user Connect would have had it been created from `d`. */
const userFrom = (d: DesiredUser, overrides: Partial<ConnectUser> = {}): ConnectUser => ({
  userId: "u-1",
  userArn: "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u-1",
  username: d.username,
  identityInfo: { ...d.identityInfo },
  phoneConfig: { ...d.phoneConfig },
  routingProfileId: d.routingProfileId,
  securityProfileIds: [...d.securityProfileIds],
  ...(d.hierarchyGroupId ? { hierarchyGroupId: d.hierarchyGroupId } : {}),
  tags: { ...d.ruleTags, employeeId: d.employeeId, managedBy: "connect-onboarding" },
  ...overrides,
});

describe("planSync", () => {
  it("creates when the employee has no user", () => {
    expect(planSync({ version: 1, desired: desired() })).toEqual({
      action: "CREATE",
      desired: desired(),
    });
  });

  it("is STALE for an event older than the version last applied, and not for the same one", () => {
    const applied = { version: 100, ruleTagKeys: [] };
    expect(planSync({ version: 99, applied, desired: desired() })).toEqual({
      action: "STALE",
      appliedVersion: 100,
    });
    expect(planSync({ version: 100, applied, desired: desired() }).action).toBe("CREATE");
    expect(isStale(100, 100)).toBe(false);
    expect(isStale(1, undefined)).toBe(false);
  });

  it("is UNCHANGED for a user that already matches, security profiles in any order", () => {
    const d = desired();
    const plan = planSync({
      version: 1,
      desired: d,
      actual: userFrom(d, { securityProfileIds: ["sp-2", "sp-1", "sp-2"] }),
    });
    expect(plan.action).toBe("UNCHANGED");
  });

  it("lists each changed aspect once, with from and to", () => {
    const d = desired();
    const actual = userFrom(d, {
      routingProfileId: "rp-0",
      securityProfileIds: ["sp-1"],
      hierarchyGroupId: "hg-0",
    });
    const plan = planSync({ version: 1, desired: d, actual });
    expect(plan.action).toBe("UPDATE");
    if (plan.action !== "UPDATE") return;
    expect(plan.changes).toEqual([
      { aspect: "routingProfile", from: "rp-0", to: "rp-1" },
      { aspect: "securityProfiles", from: ["sp-1"], to: ["sp-1", "sp-2"] },
      { aspect: "hierarchyGroup", from: "hg-0", to: "hg-1" },
    ]);
  });

  it("removes the hierarchy group when the rule has none", () => {
    const d = desired({ hierarchyGroupId: undefined });
    const changes = userChanges(d, userFrom(desired()));
    expect(changes).toEqual([{ aspect: "hierarchyGroup", from: "hg-1", to: null }]);
  });

  it("names the identity fields that changed and never their values", () => {
    const d = desired();
    const actual = userFrom(d, {
      identityInfo: { FirstName: "José", LastName: "Nunez", Mobile: "+14155550100" },
    });
    const changes = userChanges(d, actual);
    expect(changes).toEqual([
      { aspect: "identityInfo", from: null, to: null, fields: ["LastName", "Email", "Mobile"] },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/Nunez|Núñez|example\.com|\+1415/);
  });

  it("compares phone settings, and the desk number only for a desk phone, never showing it", () => {
    const soft = desired();
    expect(
      userChanges(
        soft,
        userFrom(soft, { phoneConfig: { ...soft.phoneConfig, DeskPhoneNumber: "+15125550199" } }),
      ),
    ).toEqual([]);
    const desk = desired({
      phoneConfig: {
        PhoneType: "DESK_PHONE",
        AutoAccept: true,
        AfterContactWorkTimeLimit: 30,
        DeskPhoneNumber: "+15125550199",
      },
    });
    const changes = userChanges(desk, userFrom(soft));
    expect(changes).toEqual([
      {
        aspect: "phoneConfig",
        from: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
        to: { PhoneType: "DESK_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
        fields: ["PhoneType", "AutoAccept", "DeskPhoneNumber"],
      },
    ]);
    expect(JSON.stringify(changes)).not.toContain("+1512");
  });

  it("reads an unset AutoAccept and after-contact-work limit as Connect reports them", () => {
    const d = desired({
      phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
    });
    expect(userChanges(d, userFrom(d, { phoneConfig: { PhoneType: "SOFT_PHONE" } }))).toEqual([]);
  });

  it("sets the rule's tags and removes only those the service set before", () => {
    const d = desired({ ruleTags: { costCenter: "CC-200", site: "AUS" } });
    const actual = userFrom(desired(), {
      tags: {
        costCenter: "CC-100",
        team: "blue",
        owner: "it-admin",
        employeeId: "E1",
        managedBy: "connect-onboarding",
      },
    });
    expect(userChanges(d, actual, ["costCenter", "team"])).toEqual([
      {
        aspect: "tags",
        from: { costCenter: "CC-100", site: null, team: "blue" },
        to: { costCenter: "CC-200", site: "AUS", team: null },
      },
    ]);
  });

  it("restores a disabled leaver's status", () => {
    const d = desired();
    const actual = userFrom(d, { tags: { ...userFrom(d).tags, status: "disabled" } });
    expect(userChanges(d, actual)).toEqual([{ aspect: "status", from: "DISABLED", to: "ACTIVE" }]);
  });

  it("reports a username that no longer fits as drift, not as a change, ignoring case", () => {
    const d = desired({ username: "jose.nunez-garcia@example.com" });
    const plan = planSync({ version: 1, desired: d, actual: userFrom(desired()) });
    expect(plan).toMatchObject({
      action: "UNCHANGED",
      usernameDrift: {
        current: "jose.nunez@example.com",
        desired: "jose.nunez-garcia@example.com",
      },
    });
    const cased = planSync({
      version: 1,
      desired: desired({ username: "Jose.Nunez@example.com" }),
      actual: userFrom(desired()),
    });
    expect(cased).not.toHaveProperty("usernameDrift");
  });
});

// Arbitrary desired users and users, drawn from small pools so that equal values are common.
const id = (prefix: string) => fc.constantFrom(...[1, 2, 3].map((n) => `${prefix}-${n}`));
const tagMap = fc.dictionary(
  fc.constantFrom("costCenter", "site", "team"),
  fc.constantFrom("a", "b"),
);
const arbitraryDesired: fc.Arbitrary<DesiredUser> = fc
  .record({
    routingProfileId: id("rp"),
    securityProfileIds: fc.uniqueArray(id("sp"), { minLength: 1, maxLength: 3 }),
    hierarchyGroupId: fc.option(id("hg"), { nil: undefined }),
    lastName: fc.constantFrom("Núñez", "Nunez"),
    mobile: fc.option(fc.constantFrom("+14155550100"), { nil: undefined }),
    autoAccept: fc.boolean(),
    acw: fc.constantFrom(0, 30),
    ruleTags: tagMap,
  })
  .map((r) =>
    desired({
      routingProfileId: r.routingProfileId,
      securityProfileIds: [...r.securityProfileIds].sort(),
      hierarchyGroupId: r.hierarchyGroupId,
      identityInfo: {
        FirstName: "José",
        LastName: r.lastName,
        Email: "jose.nunez@example.com",
        ...(r.mobile ? { Mobile: r.mobile } : {}),
      },
      phoneConfig: {
        PhoneType: "SOFT_PHONE",
        AutoAccept: r.autoAccept,
        AfterContactWorkTimeLimit: r.acw,
      },
      ruleTags: r.ruleTags,
    }),
  );

/** Applies changes the way the function does, one aspect at a time, to a user. */
const apply = (user: ConnectUser, d: DesiredUser, changes: ReturnType<typeof userChanges>) => {
  let next = { ...user, tags: { ...user.tags } };
  for (const change of changes) {
    switch (change.aspect) {
      case "routingProfile":
        next = { ...next, routingProfileId: change.to };
        break;
      case "securityProfiles":
        next = { ...next, securityProfileIds: [...change.to] };
        break;
      case "hierarchyGroup": {
        const { hierarchyGroupId: _, ...rest } = next;
        next = change.to === null ? rest : { ...rest, hierarchyGroupId: change.to };
        break;
      }
      case "identityInfo":
        next = { ...next, identityInfo: { ...d.identityInfo } };
        break;
      case "phoneConfig":
        next = { ...next, phoneConfig: { ...d.phoneConfig } };
        break;
      case "tags":
        for (const [key, value] of Object.entries(change.to)) {
          if (value === null) delete next.tags[key];
          else next.tags[key] = value;
        }
        break;
      case "status":
        delete next.tags.status;
        break;
    }
  }
  return next;
};

describe("mergeChanges", () => {
  it("keeps an aspect's first `from` and its last `to`", () => {
    expect(
      mergeChanges(
        { aspect: "routingProfile", from: "rp-1", to: "rp-2" },
        { aspect: "routingProfile", from: "rp-2", to: "rp-3" },
      ),
    ).toEqual({ aspect: "routingProfile", from: "rp-1", to: "rp-3" });
  });

  it("unites tags changed in steps, the first value before and the last after, keys sorted", () => {
    const change = {
      aspect: "tags" as const,
      from: { costCenter: "CC-200", shift: "day" },
      to: { costCenter: "SL-300", shift: null },
    };
    // TagResource went through, UntagResource did not: a retry has only the removal left.
    const set = onlyTags(change, ["costCenter"]);
    expect(set).toEqual({
      aspect: "tags",
      from: { costCenter: "CC-200" },
      to: { costCenter: "SL-300" },
    });
    const merged = mergeChanges(set, {
      aspect: "tags",
      from: { shift: "day" },
      to: { shift: null },
    });
    expect(merged).toEqual(change);
    expect(Object.keys(merged.from ?? {})).toEqual(["costCenter", "shift"]);
    expect(mergeChanges(set, change)).toEqual(change);
  });
});

describe("planSync (properties)", () => {
  it("applying the planned changes leaves nothing to change, and planning again is UNCHANGED", () => {
    fc.assert(
      fc.property(arbitraryDesired, arbitraryDesired, (before, after) => {
        const user = userFrom(before);
        const applied = Object.keys(before.ruleTags);
        const changes = userChanges(after, user, applied);
        const updated = apply(user, after, changes);
        expect(userChanges(after, updated, Object.keys(after.ruleTags))).toEqual([]);
        expect(planSync({ version: 2, desired: after, actual: updated }).action).toBe("UNCHANGED");
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("changes nothing for a user built from the desired one, and each aspect at most once", () => {
    fc.assert(
      fc.property(arbitraryDesired, arbitraryDesired, (a, b) => {
        expect(userChanges(a, userFrom(a), Object.keys(a.ruleTags))).toEqual([]);
        const aspects = userChanges(b, userFrom(a), Object.keys(a.ruleTags)).map((c) => c.aspect);
        expect(new Set(aspects).size).toBe(aspects.length);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("never lets an event older than the applied version plan anything but STALE", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e13 }),
        fc.integer({ min: 1, max: 1e6 }),
        arbitraryDesired,
        (applied, age, d) => {
          const plan = planSync({
            version: applied - age,
            applied: { version: applied, ruleTagKeys: [] },
            desired: d,
            actual: userFrom(d),
          });
          expect(plan.action).toBe("STALE");
        },
      ),
      { seed: SEED },
    );
  });
});
