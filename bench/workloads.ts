/** Deterministic inputs for the benchmarks: hires and rule sets from a seeded generator. */
import type { MappingRule } from "../shared/domain/mapping-rule.js";

export { seededRandom } from "../emulators/connect/testing.js";

const FIRST = [
  "José",
  "Priya",
  "Wei",
  "Oluwaseun",
  "María",
  "Ingrid",
  "Aiyana",
  "Dmitri",
  "Fatima",
  "Kenji",
];
const LAST = [
  "Núñez",
  "Patel",
  "Chen",
  "Adeyemi",
  "García",
  "Sørensen",
  "Begay",
  "Volkov",
  "Haddad",
  "Sato",
];
/** Hires that the sample rules (events/mappings.json) all provision, on soft phones. */
const PLACES = [
  { department: "Customer Care", location: "Austin", jobTitle: "Agent II" },
  { department: "Customer Care", location: "Remote", jobTitle: "Agent I" },
  { department: "Customer Care", location: "Austin", jobTitle: "Team Supervisor" },
];

/** A canonical employee event body for hire number `i` of a run; usernames never collide. */
export const hireBody = (run: string, i: number): string => {
  const place = PLACES[i % PLACES.length];
  return JSON.stringify({
    eventType: "EmployeeHired",
    eventId: `bench-${run}-${i}`,
    occurredAt: "2026-11-28T10:00:00Z",
    source: "benchmark",
    employee: {
      employeeId: `B-${run}-${i}`,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[(i * 7) % LAST.length],
      workEmail: `hire.${run}.${i}@example.com`,
      mobilePhone: `+1415555${String(i % 10_000).padStart(4, "0")}`,
      ...place,
    },
  });
};

/**
 * The mover benchmark's two places: a mover goes from the first to the second, which differ in
 * routing profile, security profiles and hierarchy group only (same phone settings, same tags),
 * so each mover needs exactly three changes, on three APIs.
 */
export const MOVER_RULES: readonly MappingRule[] = [
  {
    ruleId: "bench-care",
    priority: 0,
    enabled: true,
    match: { department: "Customer Care" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent"],
    hierarchyGroup: "Remote Team",
    phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
    tags: { costCenter: "CC-100" },
  },
  {
    ruleId: "bench-sales",
    priority: 0,
    enabled: true,
    match: { department: "Sales" },
    routingProfile: "Sales Routing",
    securityProfiles: ["Agent", "Spanish QA"],
    hierarchyGroup: "Sales East",
    phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
    tags: { costCenter: "CC-100" },
  },
];

/** The API each of a mover's changes is made with. */
export const MOVER_APIS = [
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
] as const;

/** Mover number `i`'s hire (in Customer Care), then its move to Sales a day later. */
export const moverBodies = (run: string, i: number): { hire: string; move: string } => {
  const employee = {
    employeeId: `M-${run}-${i}`,
    firstName: FIRST[i % FIRST.length],
    lastName: LAST[(i * 7) % LAST.length],
    workEmail: `mover.${run}.${i}@example.com`,
    jobTitle: "Agent II",
    location: "Austin",
  };
  const event = (eventType: string, occurredAt: string, department: string) =>
    JSON.stringify({
      eventType,
      eventId: `bench-${run}-${eventType}-${i}`,
      occurredAt,
      source: "benchmark",
      employee: { ...employee, department },
    });
  return {
    hire: event("EmployeeHired", "2026-11-28T10:00:00Z", "Customer Care"),
    move: event("EmployeeUpdated", "2026-11-29T10:00:00Z", "Sales"),
  };
};

const DEPARTMENTS = Array.from({ length: 40 }, (_, i) => `Department ${i}`);
const LOCATIONS = Array.from({ length: 25 }, (_, i) => `City ${i}`);
const TITLES = ["Agent*", "*Supervisor*", "Analyst", "Manager", "*"];

/** A large, realistic table: department/location/title combinations, priorities, a default. */
export const generatedRules = (count: number, random: () => number): MappingRule[] => {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rules: MappingRule[] = Array.from({ length: count - 1 }, (_, i) => {
    const match: Record<string, string> = { department: pick(DEPARTMENTS) };
    if (random() < 0.7) match.location = pick(LOCATIONS);
    if (random() < 0.5) match.jobTitle = pick(TITLES);
    return rule(`rule-${String(i).padStart(5, "0")}`, Math.floor(random() * 5), match);
  });
  rules.push(rule("zz-default", -1, {}));
  return rules;
};

export const generatedEmployees = (count: number, random: () => number): Record<string, string>[] =>
  Array.from({ length: count }, () => ({
    department: DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)] as string,
    location: LOCATIONS[Math.floor(random() * LOCATIONS.length)] as string,
    jobTitle: ["Agent II", "Team Supervisor", "Analyst", "Manager", "Intern"][
      Math.floor(random() * 5)
    ] as string,
  }));

const rule = (ruleId: string, priority: number, match: Record<string, string>): MappingRule => ({
  ruleId,
  priority,
  enabled: true,
  match,
  routingProfile: "Customer Care Routing",
  securityProfiles: ["Agent"],
  phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
  tags: {},
});

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
