/**
 * The reconciler over in-memory ports, against the real employee sync: for any history of
 * hires, console edits, deletions and leavers, it classifies each employee as that history
 * says, and once the fixes it offers have gone through the sync, nothing is left to fix.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { silentLog } from "../../../shared/application/log.js";
import { ProfileResolver } from "../../../shared/application/profile-resolver.js";
import { Reconciler, type RosterEmployee } from "../../../shared/application/reconciler.js";
import { RuleBook } from "../../../shared/application/rule-book.js";
import { hrVersion } from "../../../shared/domain/hr-version.js";
import { parseMessageBody } from "../../../shared/domain/message-body.js";
import { fixEvent, type Reconciliation } from "../../../shared/domain/reconciliation.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { CALLS, INSTANCE_ID, type InMemoryConnect, syncWorld } from "../../support/sync-world.js";

const SEED = 20261201;
const V1 = Date.parse("2026-11-28T10:00:00Z");
const AS_OF = Date.parse("2026-12-01T09:00:00Z");

const RULES = [
  rule({
    ruleId: "care-austin",
    priority: 10,
    match: { department: "Customer Care", location: "Austin" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent", "Spanish QA"],
    hierarchyGroup: "Austin Team 1",
    tags: { costCenter: "CC-1" },
  }),
  rule({
    ruleId: "care",
    match: { department: "Customer Care" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent"],
    hierarchyGroup: "Remote Team",
    phone: { type: "SOFT_PHONE", autoAccept: true, afterContactWorkTimeLimit: 30 },
  }),
  rule({
    ruleId: "sales",
    match: { department: "Sales" },
    routingProfile: "Sales Routing",
    securityProfiles: ["Agent"],
  }),
];

/** What happened to an employee before the roster was taken. */
const HISTORIES = [
  "never hired", // MISSING
  "in line", // IN_SYNC
  "edited in the console", // DRIFTED
  "moved in HR since", // DRIFTED
  "user deleted by hand", // MISSING
  "left", // ORPHANED
  "own unmanaged user", // UNMANAGED
  "no rule", // MISSING, failing NoMappingRule
] as const;
type History = (typeof HISTORIES)[number];

const EDITS = ["routing", "tags", "identity", "hierarchy"] as const;

interface Person {
  readonly history: History;
  readonly department: "Customer Care" | "Sales";
  readonly location: "Austin" | "Remote";
  readonly edit: (typeof EDITS)[number];
  readonly mobile: boolean;
}

const people = fc.array(
  fc.record({
    history: fc.constantFrom(...HISTORIES),
    department: fc.constantFrom("Customer Care" as const, "Sales" as const),
    location: fc.constantFrom("Austin" as const, "Remote" as const),
    edit: fc.constantFrom(...EDITS),
    mobile: fc.boolean(),
  }),
  { maxLength: 12 },
);

const record = (i: number, person: Person, moved = false) => ({
  employeeId: `E${i}`,
  firstName: `Name${i}`,
  lastName: "Person",
  workEmail: `e${i}@example.com`,
  // undefined removes the builder's default.
  mobilePhone: person.mobile ? `+1415555${String(1000 + i)}` : undefined,
  department: person.history === "no rule" ? "Finance" : person.department,
  // A mover changed location in HR after the hire.
  location: moved ? (person.location === "Austin" ? "Remote" : "Austin") : person.location,
});

/** Builds the world a history leaves, and the roster HR gives of it afterwards. */
const setUp = async (persons: readonly Person[]) => {
  const world = syncWorld({ rules: RULES });
  const roster: RosterEmployee[] = [];
  for (const [i, person] of persons.entries()) {
    const before = record(i, person);
    const hired = [
      "in line",
      "edited in the console",
      "moved in HR since",
      "user deleted by hand",
      "left",
    ];
    if (hired.includes(person.history)) {
      await world.sync.sync(hiredEvent({ eventId: `hire-${i}`, employee: before }), V1, CALLS);
    }
    const user = [...world.connect.users.values()].find((u) => u.tags.employeeId === `E${i}`);
    if (person.history === "edited in the console" && user)
      edit(world.connect, user.userId, person.edit);
    if (person.history === "user deleted by hand" && user) world.connect.users.delete(user.userId);
    if (person.history === "own unmanaged user") {
      world.connect.addUser({
        userId: `own-${i}`,
        username: before.workEmail,
        identityInfo: { FirstName: before.firstName, LastName: before.lastName },
        phoneConfig: {},
        routingProfileId: "rp-sales",
        securityProfileIds: ["sp-agent"],
        tags: { employeeId: `E${i}` },
      });
    }
    if (person.history === "left") continue;
    const now = record(i, person, person.history === "moved in HR since");
    roster.push({
      event: hiredEvent({ eventType: "EmployeeUpdated", eventId: `roster-${i}`, employee: now }),
      version: AS_OF,
    });
  }
  const reconciler = new Reconciler({
    rules: new RuleBook(
      world.rules,
      { ttlMs: 60_000, missRefreshMs: 1_000 },
      world.clock,
      silentLog,
    ),
    profiles: new ProfileResolver(
      world.connect,
      INSTANCE_ID,
      { ttlMs: 60_000, missRefreshMs: 1_000 },
      world.clock,
    ),
    settings: { identityManagementType: "SAML", usernameTemplate: "{workEmail}" },
    connect: world.connect,
    ledger: world.ledger,
  });
  return { world, roster, reconcile: () => reconciler.reconcile(roster, AS_OF, CALLS) };
};

const edit = (connect: InMemoryConnect, userId: string, what: Person["edit"]) => {
  const user = connect.users.get(userId);
  if (!user) return;
  const changed =
    what === "routing"
      ? { ...user, routingProfileId: "rp-sales" }
      : what === "tags"
        ? { ...user, tags: { ...user.tags, costCenter: "hand-made" } }
        : what === "identity"
          ? { ...user, identityInfo: { ...user.identityInfo, FirstName: "Someone" } }
          : { ...user, hierarchyGroupId: "hg-other" };
  connect.users.set(userId, changed);
};

/**
 * Whether a hand edit shows as a difference: a tag the rule does not set is someone else's, and
 * Sales' own routing profile is the one the edit sets.
 */
const editShows = (person: Person): boolean => {
  const rule =
    person.department === "Sales" ? "sales" : person.location === "Austin" ? "care-austin" : "care";
  if (person.edit === "tags") return rule === "care-austin";
  if (person.edit === "routing") return rule !== "sales";
  return true;
};

const EXPECTED: Readonly<Record<History, string>> = {
  "never hired": "MISSING",
  "in line": "IN_SYNC",
  "edited in the console": "DRIFTED",
  "moved in HR since": "DRIFTED",
  "user deleted by hand": "MISSING",
  left: "ORPHANED",
  "own unmanaged user": "UNMANAGED",
  "no rule": "MISSING",
};

const classOf = (result: Reconciliation, employeeId: string) =>
  result.entries.find((entry) => entry.employeeId === employeeId)?.class;

describe("Reconciler", () => {
  it("classifies each employee as their history says", async () => {
    await fc.assert(
      fc.asyncProperty(people, async (persons) => {
        const { reconcile } = await setUp(persons);
        const result = await reconcile();
        for (const [i, person] of persons.entries()) {
          let expected = EXPECTED[person.history];
          if (person.history === "edited in the console" && !editShows(person))
            expected = "IN_SYNC";
          // Sales has one rule wherever the employee is: moving location changes nothing.
          if (person.history === "moved in HR since" && person.department === "Sales")
            expected = "IN_SYNC";
          expect(classOf(result, `E${i}`), `E${i}: ${JSON.stringify(person)}`).toBe(expected);
        }
        const failures = result.entries.filter((entry) => entry.failure);
        expect(failures.map((entry) => entry.failure?.reason)).toEqual(
          persons.filter((p) => p.history === "no rule").map(() => "NoMappingRule"),
        );
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("leaves nothing to fix once its hires and updates went through the sync", async () => {
    await fc.assert(
      fc.asyncProperty(people, async (persons) => {
        const { world, roster, reconcile } = await setUp(persons);
        const first = await reconcile();
        const records = new Map(
          roster.map((r) => [r.event.employee.employeeId, r.event.employee.attributes]),
        );
        for (const entry of first.entries) {
          if (!entry.fix || entry.fix.eventType === "EmployeeTerminated") continue;
          const parsed = parseMessageBody(
            JSON.stringify(fixEvent(entry.fix, records.get(entry.fix.employeeId))),
          );
          if (!parsed.ok) throw parsed.error;
          await world.sync.sync(parsed.event, hrVersion(parsed.event.occurredAt, 0), CALLS);
        }
        const second = await reconcile();
        const left = second.entries.filter(
          (entry) => entry.fix && entry.fix.eventType !== "EmployeeTerminated",
        );
        expect(left).toEqual([]);
        expect(second.totals.DRIFTED).toBe(0);
        expect(second.totals.MISSING).toBe(persons.filter((p) => p.history === "no rule").length);
        expect(second.totals.ORPHANED).toBe(first.totals.ORPHANED);
        // One user per employee, whatever was sent.
        const owners = [...world.connect.users.values()]
          .map((u) => u.tags.employeeId)
          .filter(Boolean);
        expect(new Set(owners).size).toBe(owners.length);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("describes each roster employee's user once, and reads the instance in one listing of each kind", async () => {
    const persons: Person[] = HISTORIES.map((history) => ({
      history,
      department: "Customer Care",
      location: "Austin",
      edit: "routing",
      mobile: false,
    }));
    const { world, reconcile } = await setUp(persons);
    world.connect.calls.length = 0;
    await reconcile();
    const count = (api: string) => world.connect.calls.filter((call) => call === api).length;
    expect(count("SearchUsers")).toBe(1);
    expect(count("ListUsers")).toBe(1);
    // In line, edited, moved: their own user; deleted by hand: the one the ledger names, gone;
    // own unmanaged user: the holder of the username.
    expect(count("DescribeUser")).toBe(5);
    // Nothing is changed.
    expect(
      world.connect.calls.filter(
        (call) => call.startsWith("Update") || call === "CreateUser" || call.endsWith("Resource"),
      ),
    ).toEqual([]);
  });
});
