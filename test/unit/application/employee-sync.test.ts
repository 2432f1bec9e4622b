/**
 * The employee sync over in-memory ports: one employee, found by employee ID, brought in line
 * with only the changes it needs, announced once per HR version, safe under retries and races.
 */
import { describe, expect, it } from "vitest";
import { deadlineAt, NO_DEADLINE } from "../../../shared/application/deadline.js";
import { silentLog } from "../../../shared/application/log.js";
import type { EmployeeRecordEvent } from "../../../shared/domain/employee-event.js";
import {
  ConnectThrottledError,
  ConnectUnavailableError,
  EmployeeBusyError,
  LedgerUnavailableError,
  NoMappingRuleError,
  NotManagedError,
  ProfileNotFoundError,
  UserLookupPendingError,
  UsernameTakenError,
} from "../../../shared/domain/failures.js";
import type { CallContext } from "../../../shared/ports.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { RecordingLog } from "../../support/fake-ports.js";
import { CALLS, INSTANCE_ID, InMemoryConnect, syncWorld } from "../../support/sync-world.js";

const V1 = Date.parse("2026-11-28T10:00:00Z");
const V2 = V1 + 60_000;

const RULES = [
  rule({
    ruleId: "agents",
    match: { department: "Customer Care" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent"],
    hierarchyGroup: "Remote Team",
    tags: { costCenter: "CC-100" },
  }),
  rule({
    ruleId: "sales",
    match: { department: "Sales" },
    routingProfile: "Sales Routing",
    securityProfiles: ["Agent", "Spanish QA"],
    hierarchyGroup: "Austin Team 1",
  }),
];

const hire = (employee: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  hiredEvent({ employee: { department: "Customer Care", ...employee }, ...top });
const update = (employee: Record<string, unknown> = {}) =>
  hire(employee, { eventType: "EmployeeUpdated", eventId: "wd-upd-1" });

const run = (world: ReturnType<typeof syncWorld>, event: EmployeeRecordEvent, version: number) =>
  world.sync.sync(event, version, CALLS);

describe("EmployeeSync: joiners", () => {
  it("creates the user, commits the ledger and announces it once", async () => {
    const world = syncWorld({ rules: RULES });
    const result = await run(world, hire(), V1);
    expect(result).toMatchObject({ outcome: "CREATED", ruleId: "agents", changes: [] });
    const [user] = [...world.connect.users.values()];
    expect(user).toMatchObject({
      username: "jose.nunez@example.com",
      routingProfileId: "rp-care",
      securityProfileIds: ["sp-agent"],
      hierarchyGroupId: "hg-remote",
      tags: { costCenter: "CC-100", employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    expect(world.publisher.published.map((e) => e.detailType)).toEqual(["Connect User Created"]);
    expect(world.publisher.ofType("Connect User Created")[0]).toMatchObject({
      outcome: "CREATED",
      userId: user?.userId,
      userArn: user?.userArn,
      instanceId: INSTANCE_ID,
    });
    expect(await world.ledger.entry("E12345")).toMatchObject({
      status: "ACTIVE",
      userId: user?.userId,
      appliedVersion: V1,
      ruleId: "agents",
      ruleTagKeys: ["costCenter"],
      matchAttributes: { department: "Customer Care", jobTitle: "Agent II", location: "Austin" },
    });
    expect(JSON.stringify(await world.ledger.entry("E12345"))).not.toMatch(/José|Núñez|\+1415/);
    expect(await world.ledger.history("E12345")).toMatchObject([{ action: "CREATED" }]);
  });

  it("an update for an employee with no user creates one", async () => {
    const world = syncWorld({ rules: RULES });
    expect((await run(world, update(), V1)).outcome).toBe("CREATED");
    expect(world.connect.users.size).toBe(1);
  });

  it("adopts a user with the employee's username, tag and managedBy, then brings it in line", async () => {
    const connect = new InMemoryConnect();
    connect.addUser({
      userId: "u-old",
      username: "jose.nunez@example.com",
      identityInfo: { FirstName: "Pepe", LastName: "Núñez", Email: "jose.nunez@example.com" },
      phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      routingProfileId: "rp-sales",
      securityProfileIds: ["sp-agent"],
      tags: { employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    connect.unindexed.add("u-old"); // the tag search does not see it: the username path does
    const world = syncWorld({ rules: RULES, connect });
    const result = await run(world, hire(), V1);
    expect(result.outcome).toBe("ALREADY_EXISTED");
    expect(result.changes.map((c) => c.aspect)).toEqual([
      "routingProfile",
      "hierarchyGroup",
      "identityInfo",
      "tags",
    ]);
    expect(world.connect.users.size).toBe(1);
    expect(world.publisher.published.map((e) => e.detailType)).toEqual([
      "Connect User Created",
      "Connect User Updated",
    ]);
    expect(world.publisher.ofType("Connect User Created")[0]).toMatchObject({
      outcome: "ALREADY_EXISTED",
      routingProfileId: "rp-sales",
      hierarchyGroupId: null,
    });
  });

  it.each([
    [
      { employeeId: "E99999", managedBy: "connect-onboarding" },
      UsernameTakenError,
      /another employee/,
    ],
    [{}, UsernameTakenError, /no employeeId tag/],
    [{ employeeId: "E12345" }, NotManagedError, /not managed by connect-onboarding/],
  ])("never adopts a username tagged %j", async (tags, error, message) => {
    const connect = new InMemoryConnect();
    connect.addUser({
      userId: "u-taken",
      username: "jose.nunez@example.com",
      identityInfo: {},
      phoneConfig: {},
      routingProfileId: "rp-sales",
      securityProfileIds: ["sp-agent"],
      tags,
    });
    connect.unindexed.add("u-taken");
    const world = syncWorld({ rules: RULES, connect });
    const failure = await run(world, hire(), V1).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(error);
    expect((failure as Error).message).toMatch(message);
    expect((failure as Error).message).not.toContain("E99999");
    expect(world.connect.count("UpdateUserRoutingProfile")).toBe(0);
    expect((await world.ledger.entry("E12345"))?.claim).toBeUndefined();
  });
});

describe("EmployeeSync: movers", () => {
  it("changes only what differs, each aspect with its own API, and announces the changes", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    const before = world.connect.calls.length;
    const result = await run(world, update({ department: "Sales" }), V2);
    expect(result.outcome).toBe("UPDATED");
    expect(world.connect.calls.slice(before).sort()).toEqual(
      [
        "DescribeUser",
        "UpdateUserRoutingProfile",
        "UpdateUserSecurityProfiles",
        "UpdateUserHierarchy",
        "UntagResource",
      ].sort(),
    );
    const updated = world.publisher.ofType("Connect User Updated");
    expect(updated).toHaveLength(1);
    expect(updated[0]?.changes).toEqual([
      { aspect: "routingProfile", from: "rp-care", to: "rp-sales" },
      { aspect: "securityProfiles", from: ["sp-agent"], to: ["sp-agent", "sp-qa"] },
      { aspect: "hierarchyGroup", from: "hg-remote", to: "hg-austin" },
      { aspect: "tags", from: { costCenter: "CC-100" }, to: { costCenter: null } },
    ]);
    expect(await world.ledger.history("E12345")).toMatchObject([
      { action: "CREATED" },
      { action: "UPDATED", version: V2 },
    ]);
  });

  it("records changes that finish together in shared progress writes, one at a time, before the commit", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    const writes: { aspects: string[]; overlapping: boolean }[] = [];
    let writing = 0;
    let writingAtCommit = -1;
    const { ledger } = world;
    const recordProgress = ledger.recordProgress.bind(ledger);
    const commit = ledger.commit.bind(ledger);
    ledger.recordProgress = async (employeeId, claim, context) => {
      writing++;
      writes.push({
        aspects: claim.progress.changes.map((change) => change.aspect),
        overlapping: writing > 1,
      });
      try {
        // A round trip: the changes that finish meanwhile wait for the next write.
        await new Promise((resolve) => setImmediate(resolve));
        await recordProgress(employeeId, claim, context);
      } finally {
        writing--;
      }
    };
    ledger.commit = (employeeId, claim, applied, context) => {
      writingAtCommit = writing;
      return commit(employeeId, claim, applied, context);
    };
    const result = await run(world, update({ department: "Sales" }), V2);
    expect(result.changes).toHaveLength(4);
    // One write per change would be four; the first goes out at once, the rest share one.
    expect(writes.length).toBeLessThanOrEqual(2);
    expect(writes.some((write) => write.overlapping)).toBe(false);
    expect(writes.at(-1)?.aspects.sort()).toEqual(
      ["hierarchyGroup", "routingProfile", "securityProfiles", "tags"].sort(),
    );
    expect(writingAtCommit).toBe(0);
  });

  it("keeps the user when the username no longer fits, and says so", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    const result = await run(world, update({ workEmail: "jose.nunez-garcia@example.com" }), V2);
    expect(result.outcome).toBe("UPDATED");
    expect(world.connect.users.size).toBe(1);
    expect(world.connect.count("CreateUser")).toBe(1);
    expect(world.publisher.ofType("Connect User Updated")[0]).toMatchObject({
      username: "jose.nunez@example.com",
      changes: [{ aspect: "identityInfo", from: null, to: null, fields: ["Email"] }],
      usernameDrift: {
        current: "jose.nunez@example.com",
        desired: "jose.nunez-garcia@example.com",
      },
    });
  });

  it("an update that changes nothing publishes nothing; a hire of a matching user says ALREADY_EXISTED", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    world.publisher.published.length = 0;
    expect((await run(world, update(), V2)).outcome).toBe("UNCHANGED");
    expect(world.publisher.published).toEqual([]);
    expect((await run(world, hire({}, { eventId: "wd-rehire" }), V2 + 1)).outcome).toBe(
      "ALREADY_EXISTED",
    );
    expect(world.publisher.published.map((e) => e.detailType)).toEqual(["Connect User Created"]);
  });

  it("skips an event older than the one applied: STALE, nothing changed or published", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, update({ department: "Sales" }), V2);
    world.publisher.published.length = 0;
    const calls = world.connect.calls.length;
    expect((await run(world, update(), V1)).outcome).toBe("STALE");
    expect(world.connect.calls.length).toBe(calls);
    expect(world.publisher.published).toEqual([]);
    expect([...world.connect.users.values()][0]?.routingProfileId).toBe("rp-sales");
    // The timeline still shows it arrived, and what became of it.
    expect((await world.ledger.history("E12345")).map((entry) => entry.action)).toEqual([
      "STALE",
      "CREATED",
    ]);
  });

  it("republishes the same events for a redelivery of the event last applied", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    const first = structuredClone(world.publisher.published);
    const calls = world.connect.calls.length;
    expect((await run(world, hire(), V1)).outcome).toBe("REDELIVERED");
    expect(world.publisher.published.slice(first.length)).toEqual(first);
    // Nothing changed: one DescribeUser, for the username the ledger does not keep.
    expect(world.connect.calls.slice(calls)).toEqual(["DescribeUser"]);
  });

  it("republishes nothing for a redelivery whose user was deleted since, and says why", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    const published = world.publisher.published.length;
    world.connect.users.clear();
    expect((await run(world, hire(), V1)).outcome).toBe("REDELIVERED");
    expect(world.publisher.published).toHaveLength(published);
  });

  it("recreates a user deleted by hand while the ledger still names it", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    world.connect.users.clear();
    const result = await run(world, update(), V2);
    expect(result.outcome).toBe("CREATED");
    expect(world.connect.users.size).toBe(1);
  });

  it("parks as NotManaged a user tagged for the employee that it does not manage", async () => {
    const connect = new InMemoryConnect();
    connect.addUser({
      userId: "u-hand",
      username: "jnunez",
      identityInfo: {},
      phoneConfig: {},
      routingProfileId: "rp-care",
      securityProfileIds: ["sp-agent"],
      tags: { employeeId: "E12345" },
    });
    const world = syncWorld({ rules: RULES, connect });
    await expect(run(world, update(), V1)).rejects.toBeInstanceOf(NotManagedError);
    expect(connect.count("CreateUser")).toBe(0);
  });
});

describe("EmployeeSync: retries and races", () => {
  it("a retry after a partial failure applies only the rest and announces every change", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    // Every attempt of UpdateUserHierarchy fails while the deadline allows: the record is retried.
    for (let i = 0; i < 6; i++) {
      world.connect.failNext("UpdateUserHierarchy", new ConnectUnavailableError("503"));
    }
    const moved = update({ department: "Sales" });
    await expect(run(world, moved, V2)).rejects.toBeInstanceOf(ConnectUnavailableError);
    expect(world.publisher.ofType("Connect User Updated")).toEqual([]);
    const before = world.connect.calls.length;
    const retried = await run(world, moved, V2);
    expect(world.connect.calls.slice(before).sort()).toEqual(
      ["DescribeUser", "UpdateUserHierarchy"].sort(),
    );
    expect(retried.changes.map((c) => c.aspect)).toEqual([
      "routingProfile",
      "securityProfiles",
      "hierarchyGroup",
      "tags",
    ]);
    expect(world.publisher.ofType("Connect User Updated")[0]?.changes).toHaveLength(4);
  });

  it("a change made whose record was lost is found by the retry in Connect and announced", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    // The ledger refuses the record of the routing-profile change, made in Connect just before.
    const record = world.ledger.recordProgress.bind(world.ledger);
    world.ledger.recordProgress = async (employeeId, claim, context) => {
      if (claim.progress.changes.some((change) => change.aspect === "routingProfile")) {
        throw new LedgerUnavailableError("ledger table t could not be written");
      }
      return record(employeeId, claim, context);
    };
    const moved = update({ department: "Sales" });
    await expect(run(world, moved, V2)).rejects.toBeInstanceOf(LedgerUnavailableError);
    world.ledger.recordProgress = record;

    const before = world.connect.calls.length;
    const retried = await run(world, moved, V2);
    // Nothing left to do in Connect; the change the lost record would have told is announced.
    expect(world.connect.calls.slice(before)).not.toContain("UpdateUserRoutingProfile");
    expect(retried.changes.map((change) => change.aspect)).toContain("routingProfile");
    expect(world.publisher.ofType("Connect User Updated")[0]?.changes).toContainEqual({
      aspect: "routingProfile",
      from: "rp-care",
      to: "rp-sales",
    });
  });

  it("a retry after the tags were set but not yet removed still announces every tag changed", async () => {
    const world = syncWorld({
      rules: [
        rule({ ...RULES[0], tags: { costCenter: "CC-100", shift: "day" } }),
        rule({ ...RULES[1], tags: { costCenter: "SL-300" } }),
      ],
    });
    await run(world, hire(), V1);
    // TagResource goes through; every attempt of UntagResource is throttled in this delivery.
    for (let i = 0; i < 6; i++) {
      world.connect.failNext("UntagResource", new ConnectThrottledError("slow"));
    }
    const moved = update({ department: "Sales" });
    await expect(run(world, moved, V2)).rejects.toBeInstanceOf(ConnectThrottledError);
    const before = world.connect.calls.length;
    const retried = await run(world, moved, V2);
    expect(world.connect.calls.slice(before).sort()).toEqual(["DescribeUser", "UntagResource"]);
    const tags = {
      aspect: "tags",
      from: { costCenter: "CC-100", shift: "day" },
      to: { costCenter: "SL-300", shift: null },
    };
    expect(retried.changes).toContainEqual(tags);
    expect(world.publisher.ofType("Connect User Updated")[0]?.changes).toContainEqual(tags);
    expect((await world.ledger.history("E12345")).at(-1)?.changes).toContainEqual(tags);
  });

  it("retries a throttled call on its own lane and applies each change once", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    world.connect.failNext("UpdateUserSecurityProfiles", new ConnectThrottledError("slow"));
    await run(world, update({ department: "Sales" }), V2);
    expect(world.connect.count("UpdateUserSecurityProfiles")).toBe(2);
    expect(world.connect.count("UpdateUserRoutingProfile")).toBe(1);
  });

  it("waits for another environment's claim on the employee, up to its deadline", async () => {
    const world = syncWorld({ rules: RULES });
    await world.ledger.claim("E12345", V2, "other", Number.POSITIVE_INFINITY);
    const context: CallContext = {
      deadline: deadlineAt(world.clock.now() + 2_000, world.clock),
      log: silentLog,
    };
    await expect(world.sync.sync(hire(), V1, context)).rejects.toBeInstanceOf(EmployeeBusyError);
    expect(world.connect.calls).toEqual([]);
  });

  it("hands the claim back after a failure under the later release deadline, for the next delivery", async () => {
    const world = syncWorld({ rules: RULES });
    // Connect does not answer: the retries run out at the work's deadline.
    const outage = Array.from({ length: 20 }, () => new ConnectUnavailableError("no answer"));
    world.connect.failNext("CreateUser", ...outage);
    const releases: number[] = [];
    const release = world.ledger.release.bind(world.ledger);
    world.ledger.release = async (employeeId, claim, context) => {
      releases.push(context?.deadline.at ?? Number.NaN);
      return release(employeeId, claim, context);
    };
    const now = world.clock.now();
    const work: CallContext = { deadline: deadlineAt(now + 1_000, world.clock), log: silentLog };
    const park = deadlineAt(now + 3_000, world.clock);

    await expect(world.sync.sync(hire(), V1, work, park)).rejects.toBeInstanceOf(
      ConnectUnavailableError,
    );
    // Past the work's deadline, within half of what is left before parking's.
    expect(releases).toHaveLength(1);
    const [releasedBy = 0] = releases;
    expect(releasedBy).toBeGreaterThan(now + 1_000);
    expect(releasedBy).toBeLessThan(now + 3_000);
    expect((await world.ledger.claim("E12345", V1, "next", now + 9_000)).kind).toBe("claimed");
  });

  it("the same event in two environments at once: one set of changes, one event", async () => {
    const world = syncWorld({ rules: RULES });
    await run(world, hire(), V1);
    world.publisher.published.length = 0;
    const moved = update({ department: "Sales" });
    const results = await Promise.allSettled([run(world, moved, V2), run(world, moved, V2)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "fulfilled"]);
    expect(world.connect.count("UpdateUserRoutingProfile")).toBe(1);
    const ids = new Set(world.publisher.ofType("Connect User Updated").map((d) => d.eventId));
    expect(ids.size).toBe(1);
  });

  it("a failure between the commit and PutEvents loses nothing: the redelivery republishes", async () => {
    const world = syncWorld({ rules: RULES });
    world.publisher.faults.failNext(new Error("PutEvents refused"));
    await expect(run(world, hire(), V1)).rejects.toThrow("PutEvents refused");
    expect((await run(world, hire(), V1)).outcome).toBe("REDELIVERED");
    expect(world.connect.users.size).toBe(1);
    expect(world.publisher.ofType("Connect User Created")).toHaveLength(1);
  });
});

describe("EmployeeSync: failures", () => {
  it("says the lookup is pending when Connect has the username but no lookup sees it yet", async () => {
    const connect = new InMemoryConnect();
    connect.addUser({
      userId: "u-fresh",
      username: "jose.nunez@example.com",
      identityInfo: {},
      phoneConfig: {},
      routingProfileId: "rp-care",
      securityProfileIds: ["sp-agent"],
      tags: { employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    connect.unindexed.add("u-fresh");
    connect.unlisted.add("u-fresh");
    const world = syncWorld({ rules: RULES, connect });
    await expect(run(world, hire(), V1)).rejects.toBeInstanceOf(UserLookupPendingError);
  });

  it("retries throttling and outages with backoff, each logged, within the deadline", async () => {
    const world = syncWorld({ rules: RULES });
    world.connect.failNext(
      "CreateUser",
      new ConnectThrottledError("CreateUser: ThrottlingException"),
      new ConnectUnavailableError("CreateUser: InternalServiceException"),
    );
    const log = new RecordingLog();
    const result = await world.sync.sync(hire(), V1, { deadline: NO_DEADLINE, log });
    expect(result.outcome).toBe("CREATED");
    expect(world.connect.count("CreateUser")).toBe(3);
    expect(log.entries.filter((e) => e.message === "Connect call failed; retrying")).toEqual([
      expect.objectContaining({ level: "warn", extra: expect.objectContaining({ attempt: 1 }) }),
      expect.objectContaining({ level: "warn", extra: expect.objectContaining({ attempt: 2 }) }),
    ]);
    expect(world.clock.sleeps.length).toBeGreaterThanOrEqual(2);
  });

  it("gives the record back as throttled when no paced slot comes before the deadline", async () => {
    const world = syncWorld({ rules: RULES, rps: 0.1 });
    await run(world, hire(), V1);
    const next = world.sync.sync(hire({ employeeId: "E2", workEmail: "second@example.com" }), V1, {
      deadline: deadlineAt(world.clock.now() + 1_000, world.clock),
      log: silentLog,
    });
    await expect(next).rejects.toBeInstanceOf(ConnectThrottledError);
    await expect(next).rejects.toThrow("no paced slot left before the function must return");
    expect(world.connect.count("CreateUser")).toBe(1);
    // The claim was released: the next delivery is not held up by it.
    expect((await world.ledger.entry("E2"))?.claim).toBeUndefined();
  });

  it("fails without changing Connect when no rule matches or a profile is unknown", async () => {
    const world = syncWorld({
      rules: [
        ...RULES,
        rule({ ruleId: "qa", match: { department: "QA" }, securityProfiles: ["Nope"] }),
      ],
    });
    await expect(run(world, hire({ department: "Finance" }), V1)).rejects.toBeInstanceOf(
      NoMappingRuleError,
    );
    await expect(run(world, hire({ department: "QA" }), V1)).rejects.toBeInstanceOf(
      ProfileNotFoundError,
    );
    expect(world.connect.count("CreateUser")).toBe(0);
    expect(world.publisher.published).toEqual([]);
  });
});

describe("EmployeeSync: a crash after CreateUser", () => {
  it("finds the user the crashed attempt made through the claim's progress, not the lagging search", async () => {
    const world = syncWorld({ rules: RULES });
    // The first attempt dies right after CreateUser: its progress is recorded, nothing else.
    const claimed = await world.ledger.claim("E12345", V1, "wd-7f3c9a", world.clock.now() + 1);
    if (claimed.kind !== "claimed") throw new Error("expected a claim");
    const made = await world.connect.createUser({
      InstanceId: INSTANCE_ID,
      Username: "jose.nunez@example.com",
      IdentityInfo: { FirstName: "Pepe", LastName: "Núñez" },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: ["sp-agent"],
      RoutingProfileId: "rp-care",
      Tags: { employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    if (made.status !== "created") throw new Error("expected a user");
    world.connect.unindexed.add(made.userId);
    await world.ledger.recordProgress("E12345", {
      ...claimed.claim,
      progress: { created: { userId: made.userId, userArn: made.userArn }, changes: [] },
    });
    world.connect.calls.length = 0;
    world.clock.advance(10); // the crashed attempt's claim lapses

    const result = await run(world, hire(), V1);
    expect(result.outcome).toBe("CREATED");
    expect(world.publisher.ofType("Connect User Created")[0]).toMatchObject({
      outcome: "CREATED",
      userId: made.userId,
    });
    expect(world.connect.users.size).toBe(1);
    expect(world.connect.count("CreateUser")).toBe(0);
  });
});
