import { describe, expect, it } from "vitest";
import { ProfileResolver } from "../../../shared/application/profile-resolver.js";
import { ForbiddenProfileError } from "../../../shared/domain/failures.js";
import { forbiddenByText } from "../../../shared/domain/forbidden-profiles.js";
import type { ProfileKind } from "../../../shared/domain/profile-ref.js";
import type { ProfileCatalog, ProfileSummary } from "../../../shared/ports.js";
import { rule } from "../../support/builders.js";
import { FakeClock } from "../../support/fake-clock.js";
import { CALLS } from "../../support/fake-ports.js";

const INSTANCE = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";
const ADMIN = "7a6b5c4d-0002-4e3f-9a8b-200000000001";
const AGENT = "7a6b5c4d-0002-4e3f-9a8b-200000000002";
const MANAGER = "7a6b5c4d-0002-4e3f-9a8b-200000000003";
const arn = (id: string, instance = INSTANCE) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${instance}/security-profile/${id}`;

/** The instance's lists, in memory; counts the calls so caching can be seen. */
const catalog = (): ProfileCatalog & { calls: ProfileKind[] } => {
  const lists: Record<ProfileKind, ProfileSummary[]> = {
    routingProfile: [{ id: "8f1e2d3c-0001-4a5b-8c7d-100000000001", name: "Basic Routing Profile" }],
    securityProfile: [
      { id: ADMIN, name: "Admin" },
      { id: AGENT, name: "Agent" },
      { id: MANAGER, name: "CallCenterManager" },
    ],
    hierarchyGroup: [],
  };
  const calls: ProfileKind[] = [];
  return {
    calls,
    async listProfiles(kind) {
      calls.push(kind);
      return lists[kind];
    },
  };
};

const resolver = (forbiddenSecurityProfiles?: readonly string[], source = catalog()) =>
  new ProfileResolver(
    source,
    INSTANCE,
    {
      ttlMs: 60_000,
      missRefreshMs: 1_000,
      ...(forbiddenSecurityProfiles ? { forbiddenSecurityProfiles } : {}),
    },
    new FakeClock(),
  );

const failure = async (promise: Promise<unknown>): Promise<ForbiddenProfileError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenProfileError);
    return error as ForbiddenProfileError;
  }
  throw new Error("expected ForbiddenProfile");
};

describe("ProfileResolver: FORBIDDEN_SECURITY_PROFILES", () => {
  it.each([
    ["its name", "Admin"],
    ["its name in another case", "admin"],
    ["its ID", ADMIN],
    ["its ARN", arn(ADMIN)],
  ])("refuses a rule naming Admin by %s, whichever way the list names it", async (_, reference) => {
    for (const entry of ["Admin", ADMIN, arn(ADMIN)]) {
      const error = await failure(
        resolver([entry]).resolve(
          rule({ ruleId: "r1", securityProfiles: ["Agent", reference] }),
          CALLS,
        ),
      );
      expect(error.reason).toBe("ForbiddenProfile");
      expect(error.permanent).toBe(true);
      expect(error.message).toContain(
        `security profile ${JSON.stringify(reference)} in rule r1 is `,
      );
      expect(error.message).toContain("forbidden by FORBIDDEN_SECURITY_PROFILES");
    }
  });

  it("says which entry an ID stands for", async () => {
    const error = await failure(
      resolver(["Admin"]).resolve(rule({ ruleId: "r1", securityProfiles: [ADMIN] }), CALLS),
    );
    expect(error.message).toBe(
      `security profile "${ADMIN}" in rule r1 is Admin, which is forbidden by FORBIDDEN_SECURITY_PROFILES; no rule may grant it`,
    );
  });

  it("resolves rules that grant only allowed profiles", async () => {
    await expect(
      resolver(["Admin", "CallCenterManager"]).resolve(
        rule({ securityProfiles: ["Agent", AGENT, arn(AGENT)] }),
        CALLS,
      ),
    ).resolves.toMatchObject({ securityProfileIds: [AGENT, AGENT, AGENT] });
  });

  it("forbids several, and a name the instance lacks forbids nothing there", async () => {
    const forbid = resolver(["Nonexistent", "CallCenterManager"]);
    await failure(forbid.resolve(rule({ securityProfiles: [MANAGER] }), CALLS));
    await expect(forbid.resolve(rule({ securityProfiles: [ADMIN] }), CALLS)).resolves.toBeDefined();
  });

  it("refuses a rule naming a forbidden profile before any lookup, by its text", async () => {
    const source = catalog();
    await failure(
      resolver(["Admin"], source).resolve(rule({ securityProfiles: ["Admin"] }), CALLS),
    );
    expect(source.calls).toEqual([]);
  });

  it("lists security profiles once per cache period, for the forbidden names too", async () => {
    const source = catalog();
    const cached = resolver(["Admin"], source);
    await cached.resolve(rule({ securityProfiles: [AGENT] }), CALLS);
    await cached.resolve(rule({ securityProfiles: ["Agent"] }), CALLS);
    expect(source.calls.filter((kind) => kind === "securityProfile")).toHaveLength(1);
  });

  it("without a list, forbids nothing (the configuration gives the default)", async () => {
    await expect(
      resolver().resolve(rule({ securityProfiles: ["Admin"] }), CALLS),
    ).resolves.toMatchObject({
      securityProfileIds: [ADMIN],
    });
  });
});

describe("forbiddenByText", () => {
  it("compares names case-insensitively and IDs or ARNs by their ID", () => {
    expect(
      forbiddenByText(
        { securityProfiles: ["ADMIN", "Agent", ADMIN.toUpperCase(), arn(MANAGER, "other")] },
        ["admin", arn(ADMIN), MANAGER],
      ),
    ).toEqual(["ADMIN", ADMIN.toUpperCase(), arn(MANAGER, "other")]);
    // A name and an ID cannot be compared without the instance.
    expect(forbiddenByText({ securityProfiles: [ADMIN] }, ["Admin"])).toEqual([]);
  });
});
