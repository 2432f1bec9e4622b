/** Rules that can never win: exact pairs, and a property check against the real rule engine. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findShadowedRules, globCovers } from "../../cli/mappings/shadowing.js";
import { type MappingRule, RuleSet } from "../../shared/domain/mapping-rule.js";
import { sampleRules } from "../support/local-stack.js";

const rule = (ruleId: string, match: Record<string, string>, priority = 0, enabled = true) =>
  ({
    ruleId,
    priority,
    enabled,
    match,
    routingProfile: "Basic Routing Profile",
    securityProfiles: ["Agent"],
    phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
    tags: {},
  }) satisfies MappingRule;

describe("globCovers", () => {
  it.each([
    ["*", "anything", true],
    ["*", "a*b", true],
    ["*", "", true],
    ["agent*", "agent ii", true],
    ["agent*", "agent*", true],
    ["agent*", "agent i*", true],
    ["*agent*", "senior agent*", true],
    ["a*c", "ab*c", true],
    ["a*c", "a*", false],
    ["agent ii", "agent*", false],
    ["agent*", "*", false],
    ["", "", true],
    ["", "*", false],
    ["*", "**", true],
    ["a**b", "a*b", true],
    ["*b*", "a*c", false],
    ["*x*", "*x*y*", true],
    ["*x*y*", "*x*", false],
  ])("%j covers %j: %s", (a, b, expected) => {
    expect(globCovers(a, b)).toBe(expected);
  });
});

describe("findShadowedRules", () => {
  it("finds nothing in the sample rules", () => {
    expect(findShadowedRules(sampleRules())).toEqual([]);
  });

  it("names the rule tried first that takes every hire of the shadowed one", () => {
    const rules = [
      rule("austin", { department: "Customer Care", location: "Austin" }),
      rule("care", { department: "customer care " }, 5),
      rule("care-agents", { department: "Customer Care", jobTitle: "Agent*" }, 1),
      rule("everyone", {}, -1),
      rule("catch-all", { department: "*" }, -1),
      rule("twin-b", { location: "Remote" }, 0),
      rule("twin-a", { location: "remote" }, 0),
      rule("off", { department: "Customer Care", location: "Austin" }, 9, false),
    ];
    expect(findShadowedRules(rules)).toEqual([
      { ruleId: "care-agents", by: "care" },
      { ruleId: "austin", by: "care" },
      { ruleId: "twin-b", by: "twin-a" },
      { ruleId: "everyone", by: "catch-all" },
    ]);
  });

  it("does not call a rule shadowed when a more specific rule only overlaps it", () => {
    const rules = [
      rule("agents-austin", { jobTitle: "Agent*", location: "Austin" }, 5),
      rule("agents", { jobTitle: "Agent*" }),
      rule("senior", { jobTitle: "*Senior*" }, 5),
      rule("senior-agents", { jobTitle: "Agent*Senior" }),
    ];
    expect(findShadowedRules(rules)).toEqual([{ ruleId: "senior-agents", by: "senior" }]);
  });
});

// Small alphabets make overlaps, covers and near misses frequent.
const pattern = fc
  .array(fc.constantFrom("a", "b", "*"), { maxLength: 4 })
  .map((chars) => chars.join(""));
const KEYS = ["department", "location"] as const;
const ruleArb = fc.record({
  priority: fc.integer({ min: 0, max: 2 }),
  department: fc.option(pattern, { nil: undefined }),
  location: fc.option(pattern, { nil: undefined }),
});
const FRESH = "\u{E000}";

describe("findShadowedRules against the rule engine", () => {
  it("a shadowed rule never wins; an unshadowed rule wins its witness hire", () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ department: pattern, location: pattern }), { maxLength: 20 }),
        (specs, employees) => {
          const rules = specs.map((spec, i) => {
            const match: Record<string, string> = {};
            for (const key of KEYS) if (spec[key] !== undefined) match[key] = spec[key];
            return rule(`r${i}`, match, spec.priority);
          });
          const shadowed = new Set(findShadowedRules(rules).map((shadow) => shadow.ruleId));
          const set = new RuleSet(rules);
          // Sound: no employee (stars read as text) is ever won by a shadowed rule.
          for (const employee of employees) {
            const winner = set.select(employee)?.ruleId;
            if (winner) expect(shadowed.has(winner)).toBe(false);
          }
          // Complete: a rule not reported wins the hire that fills its stars with fresh text.
          for (const candidate of rules) {
            const witness = Object.fromEntries(
              KEYS.map((key) => [key, (candidate.match[key] ?? "*").replaceAll("*", FRESH)]),
            );
            const winner = set.select(witness)?.ruleId;
            if (shadowed.has(candidate.ruleId)) expect(winner).not.toBe(candidate.ruleId);
            else expect(winner).toBe(candidate.ruleId);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
