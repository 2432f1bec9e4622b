/**
 * Movers who need every aspect of their Connect user changed, for the throttling cases on the
 * local stack: two rules that differ in everything (tags set and removed included), three
 * employees hired under one, then moved to the other with a new last name.
 */
import { expect } from "vitest";
import type { ConnectApi } from "../../emulators/connect/index.js";
import { seededRandom } from "../../emulators/connect/testing.js";
import { collectReport, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";
import { USER_UPDATED } from "../../shared/domain/output-events.js";
import { CHANGE_APIS, callsSince, employeeEvent, published, usersOf } from "./lifecycle.js";
import { SAMPLE_IDS, startSampleStack } from "./local-stack.js";

// The sample instance's profiles (events/connect-seed.json).
const {
  careRouting: CARE_ROUTING,
  salesRouting: SALES_ROUTING,
  agent: AGENT,
  spanishQa: SPANISH_QA,
  remoteTeam: REMOTE_TEAM,
  salesEast: SALES_EAST,
} = SAMPLE_IDS;

const RULES = parseRulesJson(
  JSON.stringify([
    {
      ruleId: "care",
      priority: 0,
      enabled: true,
      match: { department: "Customer Care" },
      routingProfile: "Customer Care Routing",
      securityProfiles: ["Agent"],
      hierarchyGroup: "Remote Team",
      phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
      tags: { costCenter: "CC-200", shift: "day" },
    },
    {
      ruleId: "sales",
      priority: 0,
      enabled: true,
      match: { department: "Sales" },
      routingProfile: "Sales Routing",
      securityProfiles: ["Agent", "Spanish QA"],
      hierarchyGroup: "Sales East",
      phone: { type: "SOFT_PHONE", autoAccept: true, afterContactWorkTimeLimit: 60 },
      tags: { costCenter: "SL-300" },
    },
  ]),
).rules;

export const MOVERS = ["E-t1", "E-t2", "E-t3"];
const person = (employeeId: string) => ({
  employeeId,
  workEmail: `${employeeId.toLowerCase()}@example.com`,
  mobilePhone: undefined,
});
const HIRES = MOVERS.map((id) =>
  employeeEvent("EmployeeHired", "2026-11-28T10:00:00Z", person(id)),
);
/** Each moves to Sales and takes a new last name: every aspect changes. */
export const MOVES = MOVERS.map((id) =>
  employeeEvent("EmployeeUpdated", "2026-12-07T08:00:00Z", {
    ...person(id),
    department: "Sales",
    lastName: "Okafor",
  }),
);

/** What every mover's Updated event must say, whichever attempt made each change. */
const MOVER_CHANGES = [
  { aspect: "routingProfile", from: CARE_ROUTING, to: SALES_ROUTING },
  { aspect: "securityProfiles", from: [AGENT], to: [AGENT, SPANISH_QA] },
  { aspect: "hierarchyGroup", from: REMOTE_TEAM, to: SALES_EAST },
  { aspect: "identityInfo", from: null, to: null, fields: ["LastName"] },
  {
    aspect: "phoneConfig",
    from: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
    to: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 60 },
    fields: ["AutoAccept", "AfterContactWorkTimeLimit"],
  },
  {
    aspect: "tags",
    from: { costCenter: "CC-200", shift: "day" },
    to: { costCenter: "SL-300", shift: null },
  },
];

/** Every API a mover's sync calls in a fresh environment: the profile lists, the user, each change. */
export const MOVER_APIS = [
  "ListRoutingProfiles",
  "ListSecurityProfiles",
  "ListUserHierarchyGroups",
  "DescribeUser",
  ...CHANGE_APIS,
] as const satisfies readonly ConnectApi[];

/** The function timeout; the queue keeps messages invisible 2 s longer, for the deletes. */
export const MOVER_TIMEOUT_MS = 3_000;

export interface MoversHired {
  readonly stack: LocalStack;
  /**
   * Replaces the emulator's random source (IDs, fault rolls), seeded until then. Only an API
   * with a fault rate draws from it, so after the hires the draws are that API's alone.
   */
  useRandom(source: () => number): void;
}

/** The sample stack with the movers' rules, the movers hired under rule care. */
export const hireMovers = async (): Promise<MoversHired> => {
  let random = seededRandom(12);
  const stack = await startSampleStack({
    rules: RULES,
    connect: { random: () => random() },
    visibilityTimeoutSeconds: MOVER_TIMEOUT_MS / 1000 + 2,
  });
  try {
    await runPipeline(stack, HIRES, {
      consumers: 2,
      timeoutMs: MOVER_TIMEOUT_MS,
      drainTimeoutMs: 60_000,
    });
    expect(MOVERS.map((id) => usersOf(stack, id).length)).toEqual([1, 1, 1]);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return {
    stack,
    useRandom(source) {
      random = source;
    },
  };
};

/** Every change once, every mover's user as rule sales gives it, one Updated eventId each. */
export const expectMovedOnce = async (
  stack: LocalStack,
  before: Parameters<typeof callsSince>[1],
): Promise<void> => {
  expect(callsSince(stack, before)).toEqual(
    Object.fromEntries(CHANGE_APIS.map((api) => [api, MOVERS.length])),
  );
  for (const id of MOVERS) {
    const users = usersOf(stack, id);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      identityInfo: { LastName: "Okafor" },
      routingProfileId: SALES_ROUTING,
      securityProfileIds: [AGENT, SPANISH_QA],
      hierarchyGroupId: SALES_EAST,
      phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 60 },
      tags: { employeeId: id, managedBy: "connect-onboarding", costCenter: "SL-300" },
    });
    expect(users[0]?.tags).not.toHaveProperty("shift");
    const updated = published(stack, USER_UPDATED, id);
    expect(updated.length).toBeGreaterThan(0);
    expect(new Set(updated.map((detail) => detail.eventId)).size).toBe(1);
    for (const detail of updated) expect(detail.changes).toEqual(MOVER_CHANGES);
  }
  expect((await collectReport(stack)).deadLetters).toEqual([]);
};
