/**
 * Rule-change impact: for any rules before and after and any employees the ledger holds, each
 * active employee is counted once, listed exactly when their rule or its setup changes, and
 * the totals add up; the same rules move nobody.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../../shared/domain/ledger.js";
import { type MappingRule, RuleSet } from "../../../shared/domain/mapping-rule.js";
import { aspectChanges, ruleImpact } from "../../../shared/domain/rule-impact.js";
import { rule } from "../../support/builders.js";

const SEED = 20261201;

const rules = fc
  .uniqueArray(
    fc.record({
      ruleId: fc.constantFrom("r1", "r2", "r3", "r4", "r5", "r6"),
      priority: fc.integer({ min: 0, max: 2 }),
      enabled: fc.boolean(),
      department: fc.option(fc.constantFrom("A", "B", "A*"), { nil: undefined }),
      location: fc.option(fc.constantFrom("X", "Y"), { nil: undefined }),
      routingProfile: fc.constantFrom("R1", "R2"),
      hierarchyGroup: fc.option(fc.constantFrom("H1", "H2"), { nil: undefined }),
      acw: fc.constantFrom(0, 30),
    }),
    { selector: (r) => r.ruleId, maxLength: 6 },
  )
  .map((drafts) =>
    drafts.map((d) =>
      rule({
        ruleId: d.ruleId,
        priority: d.priority,
        enabled: d.enabled,
        match: {
          ...(d.department ? { department: d.department } : {}),
          ...(d.location ? { location: d.location } : {}),
        },
        routingProfile: d.routingProfile,
        ...(d.hierarchyGroup ? { hierarchyGroup: d.hierarchyGroup } : {}),
        phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: d.acw },
      }),
    ),
  );

interface Person {
  readonly department: string;
  readonly location: string;
  readonly status: LedgerEntry["status"];
}

const employees: fc.Arbitrary<Person[]> = fc.array(
  fc.record({
    department: fc.constantFrom("A", "Ab", "B", "C"),
    location: fc.constantFrom("X", "Y"),
    status: fc.constantFrom("ACTIVE", "ACTIVE", "ACTIVE", "DISABLED", "REMOVED") as fc.Arbitrary<
      LedgerEntry["status"]
    >,
  }),
  { maxLength: 20 },
);

/** The ledger as the function leaves it under `before`: each employee's winning rule then. */
const ledgerUnder = (before: readonly MappingRule[], people: readonly Person[]) => {
  const set = new RuleSet(before);
  return people.map((person, i) => {
    const matchAttributes = { department: person.department, location: person.location };
    const ruleId = set.select(matchAttributes)?.ruleId;
    return {
      employeeId: `E${String(i).padStart(2, "0")}`,
      status: person.status,
      ...(ruleId ? { ruleId } : {}),
      matchAttributes,
    };
  });
};

describe("ruleImpact", () => {
  it("moves nobody when the rules stay the same", () => {
    fc.assert(
      fc.property(rules, employees, (before, people) => {
        const ledger = ledgerUnder(before, people);
        const impact = ruleImpact({ employees: ledger, before, after: before });
        expect(impact.moves).toEqual([]);
        const judged = ledger.filter((e) => e.status === "ACTIVE" && e.ruleId).length;
        expect(impact.totals).toEqual({
          employees: judged,
          moving: 0,
          changing: 0,
          unmatched: 0,
          unaffected: judged,
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("lists each active employee once, exactly when their rule or what it gives changes, and the totals add up", () => {
    fc.assert(
      fc.property(rules, rules, employees, (before, after, people) => {
        const ledger = ledgerUnder(before, people);
        const impact = ruleImpact({ employees: ledger, before, after });
        const next = new RuleSet(after);
        const listed = impact.moves.flatMap((move) => move.employeeIds);
        expect(new Set(listed).size).toBe(listed.length);
        for (const entry of ledger) {
          const move = impact.moves.find((m) => m.employeeIds.includes(entry.employeeId));
          if (entry.status !== "ACTIVE" || !entry.ruleId) {
            expect(move).toBeUndefined();
            continue;
          }
          const to = next.select(entry.matchAttributes)?.ruleId ?? null;
          const was = before.find((r) => r.ruleId === entry.ruleId) as MappingRule;
          const will = after.find((r) => r.ruleId === to);
          const affected = to !== entry.ruleId || !will || aspectChanges(was, will).length > 0;
          expect(move !== undefined, entry.employeeId).toBe(affected);
          if (move) {
            expect(move).toMatchObject({ from: entry.ruleId, to });
            expect(move.changes).toEqual(will ? aspectChanges(was, will) : null);
          }
        }
        const { employees: judged, moving, changing, unmatched, unaffected } = impact.totals;
        expect(moving + changing + unmatched + unaffected).toBe(judged);
        expect(moving + changing + unmatched).toBe(listed.length);
        expect(judged).toBe(ledger.filter((e) => e.status === "ACTIVE" && e.ruleId).length);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("names the match keys the ledger never recorded", () => {
    const before = [rule({ ruleId: "care", match: { department: "Care" } })];
    const after = [
      ...before,
      rule({ ruleId: "by-region", match: { region: "EMEA", location: "Paris" } }),
    ];
    const impact = ruleImpact({
      employees: [
        {
          employeeId: "E1",
          status: "ACTIVE",
          ruleId: "care",
          matchAttributes: { department: "Care" },
        },
      ],
      before,
      after,
    });
    // location is a usual match column, always kept; region is not.
    expect(impact.unrecordedKeys).toEqual(["region"]);
    expect(impact.totals.unaffected).toBe(1);
  });
});
