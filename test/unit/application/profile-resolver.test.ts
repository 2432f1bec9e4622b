/** ProfileResolver: names, IDs and ARNs in a rule to the IDs CreateUser takes. */
import { describe, expect, it } from "vitest";
import { ProfileResolver } from "../../../shared/application/profile-resolver.js";
import { AmbiguousProfileError, ProfileNotFoundError } from "../../../shared/domain/failures.js";
import { rule } from "../../support/builders.js";
import { FakeClock } from "../../support/fake-clock.js";
import { CALLS, INSTANCE_ID, InMemoryProfileCatalog } from "../../support/fake-ports.js";

const OPTIONS = { ttlMs: 300_000, missRefreshMs: 1_000 };
const UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const setUp = () => {
  const clock = new FakeClock(0);
  const catalog = new InMemoryProfileCatalog();
  return { clock, catalog, resolver: new ProfileResolver(catalog, INSTANCE_ID, OPTIONS, clock) };
};

describe("ProfileResolver", () => {
  it("resolves names (case-insensitively when no exact match), passes IDs and own ARNs through", async () => {
    const { resolver } = setUp();
    const resolved = await resolver.resolve(
      rule({
        routingProfile: "customer care routing",
        securityProfiles: [
          "Agent",
          UUID,
          `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}/security-profile/${UUID}`,
        ],
        hierarchyGroup: "Remote Team",
      }),
      CALLS,
    );
    expect(resolved).toEqual({
      routingProfileId: "rp-care",
      securityProfileIds: ["sp-agent", UUID, UUID],
      hierarchyGroupId: "hg-remote",
    });
  });

  it("lists each kind once for its TTL", async () => {
    const { resolver, catalog } = setUp();
    const r = rule({ routingProfile: "Customer Care Routing", hierarchyGroup: "Remote Team" });
    await resolver.resolve(r, CALLS);
    await resolver.resolve(r, CALLS);
    expect([...catalog.lists].sort()).toEqual([
      "hierarchyGroup",
      "routingProfile",
      "securityProfile",
    ]);
  });

  it("names an unknown profile and its rule, after one reload for a profile just created", async () => {
    const { resolver, catalog, clock } = setUp();
    await resolver.resolve(rule({ routingProfile: "Customer Care Routing" }), CALLS);
    clock.advance(1_001);
    await expect(
      resolver.resolve(
        rule({
          ruleId: "qa",
          routingProfile: "Customer Care Routing",
          securityProfiles: ["Quality Auditor"],
        }),
        CALLS,
      ),
    ).rejects.toThrow(
      new ProfileNotFoundError(
        'security profile "Quality Auditor" in rule qa does not exist on the instance',
      ),
    );

    catalog.profiles.securityProfile.push({ id: "sp-qa", name: "Quality Auditor" });
    clock.advance(1_001);
    const resolved = await resolver.resolve(
      rule({ routingProfile: "Customer Care Routing", securityProfiles: ["Quality Auditor"] }),
      CALLS,
    );
    expect(resolved.securityProfileIds).toEqual(["sp-qa"]);
  });

  it("refuses a name two profiles share, and an ARN of another instance", async () => {
    const { resolver, catalog } = setUp();
    catalog.profiles.routingProfile.push({ id: "rp-care-2", name: "Customer Care Routing" });
    await expect(
      resolver.resolve(rule({ routingProfile: "Customer Care Routing" }), CALLS),
    ).rejects.toBeInstanceOf(AmbiguousProfileError);
    await expect(
      resolver.resolveOne(
        "routingProfile",
        `arn:aws:connect:us-east-1:123456789012:instance/other/routing-profile/${UUID}`,
        "r",
        CALLS,
      ),
    ).rejects.toThrow("belongs to another instance");
  });
});
