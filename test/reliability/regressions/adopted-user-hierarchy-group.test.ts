/**
 * Found by the reliability suite (every scenario with pre-existing users): adopting a user that
 * belongs to no hierarchy group announced the rule's hierarchy group in the created-event, a
 * group the Connect user does not have. The Created event describes the user as found; the
 * Updated event after it says what was brought in line.
 */
import { expect, it } from "vitest";
import { hiredEvent, rule } from "../../support/builders.js";
import { CALLS, InMemoryConnect, syncWorld } from "../../support/sync-world.js";

const adopted = (hierarchyGroupId?: string) => {
  const connect = new InMemoryConnect();
  connect.addUser({
    userId: "u-1",
    username: "jose.nunez@example.com",
    identityInfo: {},
    phoneConfig: {},
    routingProfileId: "rp-sales",
    securityProfileIds: ["sp-qa"],
    ...(hierarchyGroupId ? { hierarchyGroupId } : {}),
    tags: { employeeId: "E12345", managedBy: "connect-onboarding" },
  });
  connect.unindexed.add("u-1");
  return syncWorld({
    connect,
    rules: [
      rule({
        ruleId: "care",
        routingProfile: "Customer Care Routing",
        securityProfiles: ["Agent"],
        hierarchyGroup: "Remote Team",
      }),
    ],
  });
};

it("announces an adopted user's own profiles, with no hierarchy group when it has none", async () => {
  const world = adopted();
  const result = await world.sync.sync(hiredEvent(), 1, CALLS);
  expect(result.outcome).toBe("ALREADY_EXISTED");
  expect(world.publisher.ofType("Connect User Created")[0]).toMatchObject({
    userId: "u-1",
    routingProfileId: "rp-sales",
    securityProfileIds: ["sp-qa"],
    hierarchyGroupId: null,
  });
  expect(world.publisher.ofType("Connect User Updated")[0]?.changes).toContainEqual({
    aspect: "hierarchyGroup",
    from: null,
    to: "hg-remote",
  });
});

it("still announces the user's own hierarchy group when it has one", async () => {
  const world = adopted("hg-austin");
  await world.sync.sync(hiredEvent(), 1, CALLS);
  expect(world.publisher.ofType("Connect User Created")[0]).toMatchObject({
    hierarchyGroupId: "hg-austin",
  });
});
