/**
 * Found by the reliability suite (every scenario with pre-existing users): adopting a user that
 * belongs to no hierarchy group announced the rule's hierarchy group in the created-event, a
 * group the Connect user does not have.
 */
import { expect, it } from "vitest";
import { systemClock } from "../../../shared/application/clock.js";
import { deadlineAt } from "../../../shared/application/deadline.js";
import { silentLog } from "../../../shared/application/log.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { fakeWorld, INSTANCE_ID } from "./provisioner-fakes.js";

const arn = (id: string) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}/agent/${id}`;

it("announces an adopted user's own profiles, with no hierarchy group when it has none", async () => {
  const world = fakeWorld({
    rules: [
      rule({
        ruleId: "care",
        routingProfile: "Customer Care Routing",
        securityProfiles: ["Agent"],
        hierarchyGroup: "Remote Team",
      }),
    ],
    createUser: async () => ({ status: "duplicate" }),
    findUser: async (username) => ({
      userId: "u-1",
      userArn: arn("u-1"),
      username,
      tags: { employeeId: "E12345" },
      routingProfileId: "rp-basic",
      securityProfileIds: ["sp-admin"],
    }),
  });

  const result = await world.provisioner.provision(
    hiredEvent(),
    deadlineAt(Date.now() + 60_000, systemClock),
    silentLog,
  );

  expect(result.outcome).toBe("ALREADY_EXISTED");
  expect(world.published[0]?.detail).toMatchObject({
    userId: "u-1",
    routingProfileId: "rp-basic",
    securityProfileIds: ["sp-admin"],
    hierarchyGroupId: null,
  });
});

it("still announces the user's own hierarchy group when it has one", async () => {
  const world = fakeWorld({
    rules: [
      rule({
        ruleId: "care",
        routingProfile: "Customer Care Routing",
        hierarchyGroup: "Remote Team",
      }),
    ],
    createUser: async () => ({ status: "duplicate" }),
    findUser: async (username) => ({
      userId: "u-2",
      userArn: arn("u-2"),
      username,
      tags: { employeeId: "E12345" },
      routingProfileId: "rp-basic",
      securityProfileIds: ["sp-admin"],
      hierarchyGroupId: "hg-other",
    }),
  });

  await world.provisioner.provision(
    hiredEvent(),
    deadlineAt(Date.now() + 60_000, systemClock),
    silentLog,
  );

  expect(world.published[0]?.detail).toMatchObject({ hierarchyGroupId: "hg-other" });
});
