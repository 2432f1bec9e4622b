/** What the ledger keeps of an employee: never a personal value, yet enough to republish. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchAttributesOf, restoredEvents, storedEvents } from "../../../shared/domain/ledger.js";
import { userCreatedEvent, userUpdatedEvent } from "../../../shared/domain/output-events.js";

const facts = (username: string) => ({
  sourceEventId: "wd-1",
  employeeId: "E1",
  instanceId: "i-1",
  version: 1_764_000_000_000,
  userId: "u-1",
  userArn: "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1",
  username,
  ruleId: "agents",
});
const NOW = new Date("2026-11-28T10:00:00Z");

describe("the events the ledger keeps", () => {
  it("hold no username or drift, and come back as they were published", () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.option(fc.emailAddress(), { nil: undefined }),
        (username, desired) => {
          const published = [
            userCreatedEvent(
              "connect-onboarding",
              {
                ...facts(username),
                routingProfileId: "rp-1",
                securityProfileIds: ["sp-1"],
                outcome: "ALREADY_EXISTED",
              },
              NOW,
            ),
            userUpdatedEvent(
              "connect-onboarding",
              {
                ...facts(username),
                changes: [{ aspect: "identityInfo", from: null, to: null, fields: ["Email"] }],
                ...(desired ? { usernameDrift: { current: username, desired } } : {}),
              },
              NOW,
            ),
          ];
          const kept = storedEvents(published);
          expect(JSON.stringify(kept)).not.toContain(username);
          if (desired) expect(JSON.stringify(kept)).not.toContain(desired);
          expect(restoredEvents(kept, { username, desiredUsername: desired ?? username })).toEqual(
            published,
          );
        },
      ),
    );
  });
});

describe("the match attributes the ledger keeps", () => {
  it("leave out every personal field, whatever the rules match on", () => {
    const kept = matchAttributesOf(
      { department: "Care", workEmail: "a@example.com", lastName: "Lima", costCenter: "CC-1" },
      ["department", "workEmail", "lastName", "costCenter"],
    );
    expect(kept).toEqual({ department: "Care", costCenter: "CC-1" });
  });
});
