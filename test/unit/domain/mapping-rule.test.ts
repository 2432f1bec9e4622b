import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KNOWN_EMPLOYEE_FIELDS } from "../../../shared/domain/employee-event.js";
import {
  type MappingRule,
  matchKeyWarnings,
  PHONE_KEYS,
  RULE_KEYS,
  type RuleMatch,
  RuleSet,
  ruleSchemas,
  validateMappingRule,
} from "../../../shared/domain/mapping-rule.js";
import { nearestKey } from "../../../shared/domain/nearest-key.js";
import { describeRuleIssues } from "../../../shared/domain/rule-issues.js";
import { hiredEvent, rule } from "../../support/builders.js";

const SEED = 20261128;

const sampleRules = JSON.parse(
  readFileSync(new URL("../../../events/mappings.json", import.meta.url), "utf8"),
) as unknown[];

const winner = (rules: readonly MappingRule[], attributes: Record<string, string>) =>
  new RuleSet(rules).select(attributes)?.ruleId;

const applies = (match: Record<string, string>, attributes: Record<string, string>) =>
  winner([rule({ ruleId: "only", match })], attributes) === "only";

describe("validateMappingRule", () => {
  it("fills the defaults of DESIGN section 3", () => {
    expect(
      validateMappingRule({ ruleId: " r1 ", routingProfile: "RP", securityProfiles: ["Agent"] }),
    ).toEqual({
      ok: true,
      rule: {
        ruleId: "r1",
        priority: 0,
        enabled: true,
        match: {},
        routingProfile: "RP",
        securityProfiles: ["Agent"],
        phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
        tags: {},
      },
    });
  });

  it("accepts every sample rule", () => {
    for (const candidate of sampleRules) expect(validateMappingRule(candidate).ok).toBe(true);
  });

  it.each([
    ["no security profile", { securityProfiles: [] }, "securityProfiles"],
    ["eleven security profiles", { securityProfiles: Array(11).fill("Agent") }, "securityProfiles"],
    ["an unknown phone type", { phone: { type: "CELL_PHONE" } }, "phone.type"],
    [
      "a negative ACW limit",
      { phone: { afterContactWorkTimeLimit: -1 } },
      "phone.afterContactWorkTimeLimit",
    ],
    ["a priority that is not a number", { priority: "high" }, "priority"],
    ["an infinite priority", { priority: Number.POSITIVE_INFINITY }, "priority"],
    ["a blank routing profile", { routingProfile: "  " }, "routingProfile"],
    ["a non-string match value", { match: { department: 7 } }, "match.department"],
  ])("rejects %s, naming the field and keeping the ruleId", (_, overrides, path) => {
    const result = validateMappingRule({
      ruleId: "bad",
      routingProfile: "RP",
      securityProfiles: ["Agent"],
      ...overrides,
    });
    expect(result).toMatchObject({ ok: false, ruleId: "bad" });
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toContain(path);
  });
});

describe("validateMappingRule: strict files (DESIGN section 3)", () => {
  const problems = (overrides: Record<string, unknown>): string => {
    const result = validateMappingRule({
      ruleId: "r1",
      routingProfile: "RP",
      securityProfiles: ["Agent"],
      ...overrides,
    });
    return result.ok ? "ok" : describeRuleIssues(result.issues);
  };

  it.each([
    [
      { hierachyGroup: "Austin Team 1" },
      'hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
    ],
    [
      { securityProfile: ["Agent"] },
      'securityProfile is not a known key; did you mean "securityProfiles"?',
    ],
    [{ RuleID: "x" }, 'RuleID is not a known key; did you mean "ruleId"?'],
    [
      { phone: { autoAcept: true } },
      'phone.autoAcept is not a known key; did you mean "autoAccept"?',
    ],
    [{ phone: { tpye: "DESK_PHONE" } }, 'phone.tpye is not a known key; did you mean "type"?'],
    [
      { owner: "ops" },
      "owner is not a known key (known keys: ruleId, priority, enabled, match, routingProfile, securityProfiles, hierarchyGroup, phone, tags)",
    ],
  ])("rejects the unknown key in %j, suggesting the nearest", (overrides, message) => {
    expect(problems(overrides)).toBe(message);
  });

  it.each([
    [{ priority: "high" }, 'priority must be a number, got "high"'],
    [{ enabled: "yes" }, 'enabled must be true or false, got "yes"'],
    [{ securityProfiles: "Agent" }, 'securityProfiles must be a list, got "Agent"'],
    [{ securityProfiles: [] }, "securityProfiles must have at least 1 item, got []"],
    [
      { securityProfiles: Array(11).fill("A") },
      "securityProfiles must have at most 10 items, got 11",
    ],
    [
      { phone: { type: "MOBILE" } },
      'phone.type must be "SOFT_PHONE" or "DESK_PHONE", got "MOBILE"',
    ],
    [
      { phone: { afterContactWorkTimeLimit: 1.5 } },
      "phone.afterContactWorkTimeLimit must be an integer, got 1.5",
    ],
    [
      { phone: { afterContactWorkTimeLimit: -1 } },
      "phone.afterContactWorkTimeLimit must be at least 0, got -1",
    ],
    [{ match: { department: 7 } }, "match.department must be a string, got 7"],
    [{ routingProfile: "  " }, "routingProfile must not be empty"],
    [{ routingProfile: undefined }, "routingProfile is required"],
    [{ ruleId: "r".repeat(129) }, "ruleId must be at most 128 characters, got 129"],
  ])("names the key, the value and what was expected for %j", (overrides, message) => {
    expect(problems(overrides)).toBe(message);
  });

  it("reports every problem of a rule at once", () => {
    expect(problems({ priority: "high", hierachyGroup: "G" })).toBe(
      'priority must be a number, got "high"; hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
    );
  });

  it("takes any key in match and tags: they name employee attributes and Connect tags", () => {
    expect(problems({ match: { costCenter: "CC-1" }, tags: { anything: "x" } })).toBe("ok");
  });

  it("warns about a match key that is no known employee field, suggesting the nearest", () => {
    expect(
      matchKeyWarnings(
        { match: { departmnet: "Care", location: "Austin" } },
        KNOWN_EMPLOYEE_FIELDS,
      ),
    ).toEqual([
      {
        path: "match.departmnet",
        message: 'is not a known employee field; did you mean "department"?',
      },
    ]);
    expect(matchKeyWarnings({ match: { costCenter: "CC-1" } }, KNOWN_EMPLOYEE_FIELDS)).toEqual([
      {
        path: "match.costCenter",
        message: "is not a known employee field: the rule applies only to events that carry it",
      },
    ]);
    // A declared custom attribute is known: the set is the caller's.
    expect(
      matchKeyWarnings({ match: { costCenter: "CC-1" } }, [...KNOWN_EMPLOYEE_FIELDS, "costCenter"]),
    ).toEqual([]);
  });
});

describe("nearestKey", () => {
  it.each([
    ["departmnet", "department"],
    ["deprtment", "department"],
    ["JOBTITLE", "jobTitle"],
    ["locaiton", "location"],
    ["jobCod", "jobCode"],
    ["xyz", undefined],
    ["team", undefined],
    ["department", "department"],
  ])("%j → %j", (key, nearest) => {
    expect(nearestKey(key, KNOWN_EMPLOYEE_FIELDS)).toBe(nearest);
  });

  it("prefers the closest of several candidates", () => {
    expect(nearestKey("hierachyGroup", RULE_KEYS)).toBe("hierarchyGroup");
    expect(nearestKey("securityProfile", RULE_KEYS)).toBe("securityProfiles");
    expect(nearestKey("jobTitel", ["jobTitle", "jobCode"])).toBe("jobTitle");
  });
});

describe("rule keys", () => {
  it("are the schemas' own keys, in their order (kept apart so the schemas may be built lazily)", () => {
    const { MappingRuleSchema, PhoneSchema } = ruleSchemas();
    expect(RULE_KEYS).toEqual(Object.keys(MappingRuleSchema.shape));
    expect(PHONE_KEYS).toEqual(Object.keys(PhoneSchema.shape));
    expect(ruleSchemas().MappingRuleSchema).toBe(MappingRuleSchema);
  });
});

describe("RuleSet: match semantics", () => {
  it("compares case-insensitively after trimming both sides", () => {
    expect(applies({ department: "  customer CARE " }, { department: "Customer Care" })).toBe(true);
    expect(applies({ department: "Customer Care" }, { department: "\tCUSTOMER CARE  " })).toBe(
      true,
    );
    expect(applies({ department: "Customer Care" }, { department: "Customer  Care" })).toBe(false);
    expect(applies({ department: "Customer Care" }, { department: "Customer Care II" })).toBe(
      false,
    );
  });

  it("compares Unicode in NFC", () => {
    expect(applies({ location: "SÃO PAULO" }, { location: "Sa\u0303o Paulo" })).toBe(true);
  });

  it.each([
    ["Agent*", "Agent II", true],
    ["Agent*", "agent", true],
    ["Agent*", "Senior Agent", false],
    ["*Supervisor", "Team Supervisor", true],
    ["*Supervisor", "Supervisor Trainee", false],
    ["*Supervisor*", "Senior Supervisor II", true],
    ["*Supervisor*", "Supervisor", true],
    ["*Supervisor*", "Superviser", false],
    ["A*t", "Agent", true],
    ["A*t", "Agents", false],
    ["A*g*t", "A big tent", true],
    ["*", "anything at all", true],
    ["*", "", true],
    ["**", "x", true],
  ])("the pattern %j on %j matches: %s", (pattern, value, expected) => {
    expect(applies({ jobTitle: pattern }, { jobTitle: value })).toBe(expected);
  });

  it("takes regular-expression characters in patterns literally", () => {
    expect(applies({ jobTitle: "C++ (Dev)*" }, { jobTitle: "c++ (dev) lead" })).toBe(true);
    expect(applies({ jobTitle: "a.c" }, { jobTitle: "abc" })).toBe(false);
    expect(applies({ jobTitle: "[ab]" }, { jobTitle: "a" })).toBe(false);
    expect(applies({ jobTitle: "$^|?" }, { jobTitle: "$^|?" })).toBe(true);
    expect(applies({ jobTitle: "Agent*" }, { jobTitle: "Agent\nII" })).toBe(true);
  });

  it("decides hostile wildcard patterns without backtracking (a regex would run for hours)", () => {
    const rules = [
      rule({ ruleId: "hostile", priority: 9, match: { jobTitle: "*a*a*a*a*a*a*b" } }),
      rule({ ruleId: "fits", priority: 1, match: { jobTitle: "*a*a*a*a*a*a*" } }),
    ];
    expect(winner(rules, { jobTitle: "a".repeat(256) })).toBe("fits");
    expect(winner(rules, { jobTitle: `${"a".repeat(10_000)}b` })).toBe("hostile");
  });

  it("reads an absent attribute as the empty string", () => {
    expect(applies({ jobCode: "*" }, {})).toBe(true);
    expect(applies({ jobCode: "" }, {})).toBe(true);
    expect(applies({ jobCode: "CC*" }, {})).toBe(false);
    expect(applies({ jobCode: "" }, { jobCode: "CC-1" })).toBe(false);
    // An attribute named like an Object.prototype member is still just absent.
    expect(applies({ constructor: "" }, {})).toBe(true);
    expect(applies({ toString: "*" }, {})).toBe(true);
  });

  it("applies a rule only when every match key matches", () => {
    const match = { department: "Customer Care", location: "Austin", jobTitle: "Agent*" };
    expect(
      applies(match, { department: "Customer Care", location: "Austin", jobTitle: "Agent I" }),
    ).toBe(true);
    expect(
      applies(match, { department: "Customer Care", location: "Boston", jobTitle: "Agent I" }),
    ).toBe(false);
    expect(applies(match, { department: "Customer Care", jobTitle: "Agent I" })).toBe(false);
  });

  it("treats an empty match as a catch-all", () => {
    expect(applies({}, {})).toBe(true);
    expect(applies({}, { department: "Anything" })).toBe(true);
  });

  it("ignores disabled rules, whatever their priority", () => {
    const rules = [
      rule({ ruleId: "off", priority: 100, enabled: false }),
      rule({ ruleId: "on", priority: -5 }),
    ];
    expect(winner(rules, {})).toBe("on");
    expect(new RuleSet(rules).size).toBe(1);
    expect(new RuleSet(rules).matchesFor({}).map((m) => m.rule.ruleId)).toEqual(["on"]);
    expect(winner([rule({ enabled: false })], {})).toBeUndefined();
  });

  it("matches attributes the schema does not know, such as costCenter", () => {
    const event = hiredEvent({ employee: { costCenter: "cc-100", businessUnit: " Retail " } });
    const rules = [
      rule({ ruleId: "by-cost-center", match: { costCenter: "CC-1*", businessUnit: "retail" } }),
    ];
    expect(winner(rules, event.employee.attributes)).toBe("by-cost-center");
    const other = hiredEvent({ employee: { costCenter: "CC-200" } });
    expect(winner(rules, other.employee.attributes)).toBeUndefined();
  });

  it("returns nothing when no rule applies or there are no rules", () => {
    expect(
      winner([rule({ match: { department: "Sales" } })], { department: "Care" }),
    ).toBeUndefined();
    expect(winner([], {})).toBeUndefined();
    expect(new RuleSet([]).matchesFor({})).toEqual([]);
  });
});

describe("RuleSet: winner order", () => {
  it("prefers the highest priority over more match keys", () => {
    const rules = [
      rule({ ruleId: "specific", priority: 1, match: { department: "Care", location: "Austin" } }),
      rule({ ruleId: "broad", priority: 2 }),
    ];
    expect(winner(rules, { department: "Care", location: "Austin" })).toBe("broad");
  });

  it("handles negative and fractional priorities", () => {
    const rules = [
      rule({ ruleId: "a", priority: -1 }),
      rule({ ruleId: "b", priority: 0.5 }),
      rule({ ruleId: "c", priority: 0.25 }),
    ];
    expect(winner(rules, {})).toBe("b");
  });

  it("on equal priority, prefers the rule with more match keys", () => {
    const rules = [
      rule({ ruleId: "a-one-key", match: { department: "*" } }),
      rule({ ruleId: "b-two-keys", match: { department: "*", location: "*" } }),
      rule({ ruleId: "c-none" }),
    ];
    expect(winner(rules, {})).toBe("b-two-keys");
    expect(new RuleSet(rules).matchesFor({})).toEqual([
      { rule: rules[1], specificity: 2 },
      { rule: rules[0], specificity: 1 },
      { rule: rules[2], specificity: 0 },
    ]);
  });

  it("on equal priority and match keys, prefers the lowest ruleId in string order", () => {
    const tie = (ruleId: string) => rule({ ruleId, priority: 3, match: { department: "care" } });
    expect(winner([tie("b"), tie("a"), tie("c")], { department: "Care" })).toBe("a");
    // String order, not numeric: "rule-10" sorts before "rule-9".
    expect(winner([tie("rule-9"), tie("rule-10")], { department: "Care" })).toBe("rule-10");
    // Code-unit order: upper case sorts before lower case.
    expect(winner([tie("alpha"), tie("Zulu")], { department: "Care" })).toBe("Zulu");
  });

  it("picks the sample rules' winners as an operator would expect", () => {
    const rules = sampleRules.map((candidate) => {
      const result = validateMappingRule(candidate);
      if (!result.ok) throw new Error("sample rule invalid");
      return result.rule;
    });
    const pick = (employee: Record<string, string>) =>
      winner(rules, hiredEvent({ employee }).employee.attributes);
    expect(pick({ department: "Customer Care", location: "Austin", jobTitle: "Agent II" })).toBe(
      "cc-austin-agents",
    );
    expect(
      pick({ department: "customer care", location: "Austin", jobTitle: "Team Supervisor" }),
    ).toBe("cc-supervisors");
    expect(pick({ department: "Customer Care", location: "Remote", jobTitle: "Agent I" })).toBe(
      "cc-agents",
    );
    // The disabled legacy-night-shift rule (priority 50) would otherwise win here.
    expect(pick({ department: "Customer Care", location: "Austin", jobTitle: "Trainer" })).toBe(
      "cc-agents",
    );
    expect(pick({ department: "Sales" })).toBe("sales-desk");
    expect(pick({ department: "Legal" })).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: an independent oracle, and independence from the order of the rules.

const KEYS = ["department", "location", "jobTitle", "costCenter"] as const;
const VALUES = ["Care", "care ", "Sales", "Austin", "Agent II", "Supervisor", ""];
const PATTERNS = [...VALUES, "*", "Ag*", "*re", "*u*", "C*e", "agent ii", " SALES"];

const ruleArb = (ruleId: string): fc.Arbitrary<MappingRule> =>
  fc
    .record({
      priority: fc.constantFrom(-1, 0, 0, 1, 2, 2.5),
      enabled: fc.boolean(),
      match: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...PATTERNS), {
        maxKeys: 3,
      }),
    })
    .map((fields) => rule({ ruleId, ...fields }));

const ruleSetArb: fc.Arbitrary<MappingRule[]> = fc
  .uniqueArray(fc.constantFrom("a", "b", "B", "c1", "c10", "c2", "rule-9", "rule-10", "z", "Ω"), {
    minLength: 0,
    maxLength: 8,
  })
  .chain((ids) => fc.tuple(...ids.map(ruleArb)));

const attributesArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), {
  maxKeys: 4,
});

/** Glob match by dynamic programming, written independently of the product's regex. */
const globMatches = (pattern: string, value: string): boolean => {
  const p = [...pattern.trim().normalize("NFC").toLowerCase()];
  const v = [...value.trim().normalize("NFC").toLowerCase()];
  const table = Array.from({ length: p.length + 1 }, () =>
    Array<boolean>(v.length + 1).fill(false),
  );
  const at = (i: number, j: number): boolean => table[i]?.[j] ?? false;
  const set = (i: number, j: number, x: boolean) => {
    (table[i] as boolean[])[j] = x;
  };
  set(0, 0, true);
  for (let i = 1; i <= p.length; i++) {
    for (let j = 0; j <= v.length; j++) {
      const char = p[i - 1];
      if (char === "*") set(i, j, at(i - 1, j) || (j > 0 && at(i, j - 1)));
      else set(i, j, j > 0 && at(i - 1, j - 1) && char === v[j - 1]);
    }
  }
  return at(p.length, v.length);
};

const oracleMatches = (candidate: MappingRule, attributes: Record<string, string>): boolean =>
  candidate.enabled &&
  Object.entries(candidate.match).every(([key, pattern]) =>
    globMatches(pattern, Object.hasOwn(attributes, key) ? (attributes[key] ?? "") : ""),
  );

const beats = (a: MappingRule, b: MappingRule): boolean => {
  if (a.priority !== b.priority) return a.priority > b.priority;
  const keysA = Object.keys(a.match).length;
  const keysB = Object.keys(b.match).length;
  if (keysA !== keysB) return keysA > keysB;
  return a.ruleId < b.ruleId;
};

describe("RuleSet: properties", () => {
  it("selects the oracle's winner, whatever the order of the rules", () => {
    fc.assert(
      fc.property(
        ruleSetArb.chain((rules) =>
          fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length })),
        ),
        attributesArb,
        ([rules, shuffled], attributes) => {
          const applicable = rules.filter((candidate) => oracleMatches(candidate, attributes));
          const expected = applicable.reduce<MappingRule | undefined>(
            (best, candidate) => (best === undefined || beats(candidate, best) ? candidate : best),
            undefined,
          );
          expect(new RuleSet(rules).select(attributes)).toBe(expected);
          expect(new RuleSet(shuffled).select(attributes)).toBe(expected);
          expect(new RuleSet(shuffled).matchesFor(attributes)).toEqual(
            new RuleSet(rules).matchesFor(attributes),
          );
        },
      ),
      { numRuns: 500, seed: SEED },
    );
  });

  it("matchesFor lists every applicable rule in winner order, headed by select", () => {
    fc.assert(
      fc.property(ruleSetArb, attributesArb, (rules, attributes) => {
        const set = new RuleSet(rules);
        const matches = set.matchesFor(attributes);
        expect(matches.map((m) => m.rule.ruleId).sort()).toEqual(
          rules
            .filter((candidate) => oracleMatches(candidate, attributes))
            .map((candidate) => candidate.ruleId)
            .sort(),
        );
        for (const m of matches) expect(m.specificity).toBe(Object.keys(m.rule.match).length);
        matches.slice(1).forEach((next, i) => {
          expect(beats((matches[i] as RuleMatch).rule, next.rule)).toBe(true);
        });
        expect(matches[0]?.rule).toBe(set.select(attributes));
        expect(set.size).toBe(rules.filter((candidate) => candidate.enabled).length);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});
