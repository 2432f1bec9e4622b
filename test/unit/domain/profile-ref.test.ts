import { describe, expect, it } from "vitest";
import { PROFILE_LABEL, parseProfileRef } from "../../../shared/domain/profile-ref.js";

const INSTANCE = "10a4c4eb-f57e-4d4c-b602-bf39176ced07";
const ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

describe("parseProfileRef", () => {
  it.each(["routing-profile", "security-profile", "agent-group"])("reads a %s ARN", (kind) => {
    expect(
      parseProfileRef(`arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/${kind}/${ID}`),
    ).toEqual({ by: "arn", instanceId: INSTANCE, id: ID });
  });

  it("reads ARNs of other partitions", () => {
    expect(
      parseProfileRef(
        `arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/${INSTANCE}/routing-profile/${ID}`,
      ),
    ).toMatchObject({ by: "arn", id: ID });
  });

  it("reads a UUID as an ID, in any case and trimmed", () => {
    expect(parseProfileRef(` ${ID.toUpperCase()} `)).toEqual({ by: "id", id: ID.toUpperCase() });
  });

  it("reads anything else as a trimmed name", () => {
    expect(parseProfileRef("  Customer Care Routing ")).toEqual({
      by: "name",
      name: "Customer Care Routing",
    });
    expect(parseProfileRef(`${ID}-x`)).toEqual({ by: "name", name: `${ID}-x` });
    // An ARN of another resource type is not a profile ARN.
    const queue = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/queue/${ID}`;
    expect(parseProfileRef(queue)).toEqual({ by: "name", name: queue });
  });

  it("labels each kind for messages", () => {
    expect(PROFILE_LABEL).toEqual({
      routingProfile: "routing profile",
      securityProfile: "security profile",
      hierarchyGroup: "hierarchy group",
    });
  });
});
