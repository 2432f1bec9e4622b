/** HireProvisioner, the use case, over in-memory ports: create, adopt, refuse, retry, pace. */
import { describe, expect, it } from "vitest";
import {
  ConnectThrottledError,
  ConnectUnavailableError,
  NoMappingRuleError,
  ProfileNotFoundError,
  UserLookupPendingError,
  UsernameTakenError,
} from "../../../shared/domain/failures.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { InMemoryUserDirectory, RecordingLog } from "../../support/fake-ports.js";
import { INSTANCE_ID, provisionerWorld } from "../../support/provisioner-world.js";

const CARE = rule({
  ruleId: "care",
  match: { department: "Customer Care" },
  routingProfile: "Customer Care Routing",
  securityProfiles: ["Agent"],
  hierarchyGroup: "Remote Team",
  tags: { costCenter: "CC-1" },
});
const LATER = Date.parse("2026-11-28T10:01:00Z");

describe("HireProvisioner", () => {
  it("creates the user with the rule's resolved profiles and announces it once", async () => {
    const users = new InMemoryUserDirectory();
    const world = provisionerWorld({ rules: [CARE], users });
    const log = new RecordingLog();

    const result = await world.provisioner.provision(hiredEvent(), LATER, log);

    expect(result).toMatchObject({ outcome: "CREATED", ruleId: "care", userId: "user-1" });
    expect(users.created).toHaveLength(1);
    expect(users.created[0]).toMatchObject({
      InstanceId: INSTANCE_ID,
      Username: "jose.nunez@example.com",
      RoutingProfileId: "rp-care",
      SecurityProfileIds: ["sp-agent"],
      HierarchyGroupId: "hg-remote",
      Tags: { costCenter: "CC-1", employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    expect(world.publisher.published.map((event) => event.detailType)).toEqual([
      "Connect User Created",
    ]);
    expect(world.publisher.published[0]?.detail).toMatchObject({
      outcome: "CREATED",
      employeeId: "E12345",
      sourceEventId: "wd-7f3c9a",
      hierarchyGroupId: "hg-remote",
    });
    expect(log.messages()).toEqual(["Connect user ready"]);
    // Never a name, an email or a phone number in what it logs.
    expect(JSON.stringify(log.entries)).not.toMatch(/jose|núñez|example\.com|\+1415/i);
  });

  it("adopts the user an earlier attempt made for the same employee, and announces the same event", async () => {
    const users = new InMemoryUserDirectory();
    const world = provisionerWorld({ rules: [CARE], users });
    const first = await world.provisioner.provision(hiredEvent(), LATER, new RecordingLog());

    const again = await world.provisioner.provision(hiredEvent(), LATER, new RecordingLog());

    expect(again).toMatchObject({ outcome: "ALREADY_EXISTED", userId: first.userId });
    expect(users.users.size).toBe(1);
    const [created, adopted] = world.publisher.published;
    expect(adopted?.detail.eventId).toBe(created?.detail.eventId);
    expect(adopted?.detail.outcome).toBe("ALREADY_EXISTED");
  });

  it("refuses a username held by another employee's user, or an untagged one", async () => {
    const users = new InMemoryUserDirectory();
    users.add({ userId: "u-9", username: "jose.nunez@example.com", tags: { employeeId: "E1" } });
    const world = provisionerWorld({ rules: [CARE], users });

    const taken = world.provisioner.provision(hiredEvent(), LATER, new RecordingLog());

    await expect(taken).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(taken).rejects.toThrow("used by Connect user u-9, tagged for employee E1");
    users.add({ userId: "u-10", username: "jose.nunez@example.com", tags: {} });
    await expect(
      world.provisioner.provision(hiredEvent(), LATER, new RecordingLog()),
    ).rejects.toThrow("which has no employeeId tag");
    expect(world.publisher.published).toEqual([]);
  });

  it("says the lookup is pending when Connect has the username but no lookup sees it yet", async () => {
    const users = new InMemoryUserDirectory();
    const world = provisionerWorld({ rules: [CARE], users });
    await world.provisioner.provision(hiredEvent(), LATER, new RecordingLog());
    users.lookupLag = 100;

    await expect(
      world.provisioner.provision(hiredEvent(), LATER, new RecordingLog()),
    ).rejects.toBeInstanceOf(UserLookupPendingError);
  });

  it("retries throttling and outages with backoff, slowing its pace, within the deadline", async () => {
    const users = new InMemoryUserDirectory();
    users.createFaults.failNext(
      new ConnectThrottledError("CreateUser: ThrottlingException"),
      new ConnectUnavailableError("CreateUser: InternalServiceException"),
    );
    const world = provisionerWorld({ rules: [CARE], users });
    const log = new RecordingLog();

    const result = await world.provisioner.provision(hiredEvent(), LATER, log);

    expect(result.outcome).toBe("CREATED");
    expect(users.created).toHaveLength(3);
    expect(
      log.entries.filter((entry) => entry.message === "Connect call failed; retrying"),
    ).toEqual([
      expect.objectContaining({ level: "warn", extra: expect.objectContaining({ attempt: 1 }) }),
      expect.objectContaining({ level: "warn", extra: expect.objectContaining({ attempt: 2 }) }),
    ]);
    expect(world.clock.sleeps.length).toBeGreaterThanOrEqual(2);
  });

  it("gives the record back as throttled when no CreateUser slot comes before the deadline", async () => {
    const users = new InMemoryUserDirectory();
    const world = provisionerWorld({ rules: [CARE], users, createUserRps: 0.1 });
    await world.provisioner.provision(hiredEvent(), LATER, new RecordingLog());

    const next = world.provisioner.provision(
      hiredEvent({ employee: { employeeId: "E2", workEmail: "second@example.com" } }),
      world.clock.now() + 1_000,
      new RecordingLog(),
    );

    await expect(next).rejects.toBeInstanceOf(ConnectThrottledError);
    await expect(next).rejects.toThrow("no paced slot left before the function must return");
    expect(users.created).toHaveLength(1);
  });

  it("fails without calling Connect when no rule matches or a profile is unknown", async () => {
    const users = new InMemoryUserDirectory();
    const world = provisionerWorld({
      rules: [
        CARE,
        rule({ ruleId: "sales", match: { department: "Sales" }, securityProfiles: ["Nope"] }),
      ],
      users,
    });
    await expect(
      world.provisioner.provision(
        hiredEvent({ employee: { department: "Finance" } }),
        LATER,
        new RecordingLog(),
      ),
    ).rejects.toBeInstanceOf(NoMappingRuleError);
    await expect(
      world.provisioner.provision(
        hiredEvent({ employee: { department: "Sales" } }),
        LATER,
        new RecordingLog(),
      ),
    ).rejects.toBeInstanceOf(ProfileNotFoundError);
    expect(users.created).toEqual([]);
  });
});
