/** `onboard mappings import|export|validate` against the mapping table on the local stack. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { parseRulesCsv } from "../../shared/domain/mapping-rule-file.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";
import { temporaryDirectory } from "../support/temp-dir.js";
import { linesOf, onboard, onboardInProcess } from "./support.js";

let stack: LocalStack;
let dir: string;
beforeEach(async () => {
  stack = await startSampleStack({ rules: [] });
  dir = temporaryDirectory("onboard-mappings");
});
afterEach(async () => {
  await stack.stop();
});

const table = () => ["--table", stack.table.tableName];
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const byRuleId = (rules: MappingRule[]) =>
  [...rules].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
const exportJson = async (): Promise<MappingRule[]> => {
  const run = await onboardInProcess(["mappings", "export", ...table()]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

describe("mappings import and export", () => {
  it("round-trips the JSON sample through the table, then finds nothing to change", async () => {
    const imported = await onboard(
      ["mappings", "import", "events/mappings.json", ...table(), "--json"],
      stack,
    );
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect([...report.added].sort()).toEqual(
      sampleRules()
        .map((rule) => rule.ruleId)
        .sort(),
    );
    expect(report).toMatchObject({
      changed: [],
      removed: [],
      unchanged: 0,
      written: { puts: 6, deletes: 0 },
    });

    const exported = await onboard(["mappings", "export", ...table(), "--format", "json"], stack);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual(byRuleId(sampleRules()));

    const again = await onboardInProcess([
      "mappings",
      "import",
      file("exported.json", exported.stdout),
      ...table(),
      "--json",
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({
      added: [],
      changed: [],
      unchanged: 6,
      written: { puts: 0 },
    });
  });

  it("round-trips the CSV sample, and warns on stderr about what CSV cannot hold", async () => {
    const imported = await onboard(
      ["mappings", "import", "events/mappings.csv", ...table()],
      stack,
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/\+\s+added\s+cc-austin-agents/);
    expect(imported.stdout).toContain("Wrote 6 rules, deleted 0.");

    const exported = await onboard(["mappings", "export", ...table(), "--format", "csv"], stack);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe("");
    const sample = parseRulesCsv(readFileSync("events/mappings.csv", "utf8"));
    expect(byRuleId(parseRulesCsv(exported.stdout).rules)).toEqual(byRuleId(sample.rules));
    const again = await onboardInProcess([
      "mappings",
      "import",
      file("exported.csv", exported.stdout),
      ...table(),
      "--json",
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [], changed: [], unchanged: 6 });

    // The JSON sample has tags; exporting those rules as CSV names each loss.
    await onboardInProcess(["mappings", "import", "events/mappings.json", ...table()]);
    const lossy = await onboardInProcess(["mappings", "export", ...table(), "--format", "csv"]);
    expect(lossy.code).toBe(0);
    expect(linesOf(lossy.stderr)).toEqual(
      ["cc-agents", "cc-austin-agents", "cc-supervisors", "sales-desk"].map(
        (ruleId) =>
          `warning: rule ${ruleId}: the CSV loses its tags; use --format json to keep them`,
      ),
    );
  });

  it("exports cells a spreadsheet would run as formulas as text, and imports them back unchanged", async () => {
    const hostile = {
      ...(sampleRules().find((r) => r.ruleId === "cc-agents") as MappingRule),
      ruleId: '=HYPERLINK("https://evil.example","Open")',
      priority: -5,
      match: { department: "@SUM(1+1)*cmd|' /C calc'!A0", jobTitle: "+Agent", jobCode: "-CC" },
      tags: {},
    };
    await stack.table.putRules([hostile]);
    const exported = await onboard(["mappings", "export", ...table(), "--format", "csv"], stack);
    expect(exported.code).toBe(0);
    const [, line] = linesOf(exported.stdout);
    expect(line).toMatch(/^"'=HYPERLINK\(""https:\/\/evil\.example"",""Open""\)",-5,true,/);
    expect(line).toContain(",'@SUM(1+1)*cmd|' /C calc'!A0,'+Agent,'-CC,");
    const again = await onboardInProcess([
      "mappings",
      "import",
      file("exported.csv", exported.stdout),
      ...table(),
      "--json",
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [], changed: [], unchanged: 1 });
    expect(await exportJson()).toEqual([hostile]);
  });

  it("says which tags a CSV import over JSON rules removes, on stderr, dry run or not", async () => {
    await onboardInProcess(["mappings", "import", "events/mappings.json", ...table()]);
    // In the file's order.
    const lost = ["cc-austin-agents", "cc-supervisors", "cc-agents", "sales-desk"];
    const tags: Record<string, string> = {
      "cc-agents": "costCenter=CC-200",
      "cc-austin-agents": "costCenter=CC-100",
      "cc-supervisors": "costCenter=CC-100",
      "sales-desk": "costCenter=SL-300",
    };

    const dry = await onboardInProcess([
      "mappings",
      "import",
      "events/mappings.csv",
      ...table(),
      "--dry-run",
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/~\s+changed\s+cc-agents\s+tags \(loses costCenter=CC-200\)/);
    expect(linesOf(dry.stderr)).toEqual([
      ...lost.map(
        (ruleId) =>
          `warning: events/mappings.csv has no tags column: this import would remove the tags of rule ${ruleId}: ${tags[ruleId]}`,
      ),
      "warning: to keep tags, import JSON (onboard mappings export --format json gives the table as it is)",
    ]);

    const json = await onboardInProcess([
      "mappings",
      "import",
      "events/mappings.csv",
      ...table(),
      "--json",
    ]);
    const report = JSON.parse(json.stdout);
    expect(report.changed.find((c: { ruleId: string }) => c.ruleId === "sales-desk")).toMatchObject(
      { fields: ["tags"], tagsLost: { costCenter: "SL-300" } },
    );
    expect(linesOf(json.stderr)[0]).toMatch(
      /this import removed the tags of rule cc-austin-agents/,
    );
  });

  it("reports all three bad CSV rows with their line numbers and writes nothing", async () => {
    const csv = file(
      "bad.csv",
      [
        "ruleId,priority,enabled,department,routingProfile,securityProfiles,phoneType",
        "good-1,0,true,Sales,Sales Routing,Agent,SOFT_PHONE",
        "bad-priority,high,true,Sales,Sales Routing,Agent,SOFT_PHONE",
        "good-2,1,true,Quality,Basic Routing Profile,Agent,SOFT_PHONE",
        "no-profiles,0,true,Sales,Sales Routing,,SOFT_PHONE",
        "bad-phone,0,true,Sales,Sales Routing,Agent,FAX",
      ].join("\n"),
    );
    const run = await onboard(["mappings", "import", csv, ...table()], stack);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /bad\.csv line 3 \(ruleId bad-priority\): priority must be a number, got "high"$/,
    );
    expect(lines[1]).toMatch(
      /bad\.csv line 5 \(ruleId no-profiles\): securityProfiles must have at least 1 item, got \[\]$/,
    );
    expect(lines[2]).toMatch(
      /bad\.csv line 6 \(ruleId bad-phone\): phoneType must be "SOFT_PHONE" or "DESK_PHONE", got "FAX"$/,
    );
    expect(lines[3]).toMatch(/^error: .*bad\.csv: 3 invalid rules; nothing written$/);
    expect(await exportJson()).toEqual([]);
  });

  it("numbers bad JSON items, and with --json reports them on stdout too", async () => {
    const json = file(
      "bad.json",
      JSON.stringify([{ ruleId: "x" }, sampleRules()[0], { ruleId: "" }]),
    );
    const run = await onboardInProcess(["mappings", "import", json, ...table(), "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors.map((e: { where: string }) => e.where)).toEqual([
      "item 1",
      "item 3",
    ]);
    expect(await exportJson()).toEqual([]);
  });

  it("shows the diff, writes nothing on --dry-run, and deletes only with --prune", async () => {
    await onboardInProcess(["mappings", "import", "events/mappings.json", ...table()]);
    const edited = sampleRules()
      .filter((rule) => rule.ruleId !== "legacy-night-shift")
      .map((rule) =>
        rule.ruleId === "cc-agents"
          ? { ...rule, priority: 3, securityProfiles: ["CallCenterManager"] }
          : rule,
      );
    edited.push({
      ...(sampleRules()[2] as MappingRule),
      ruleId: "finance",
      match: { department: "Finance" },
    });
    const path = file("edited.json", JSON.stringify(edited));

    const dry = await onboardInProcess([
      "mappings",
      "import",
      path,
      ...table(),
      "--dry-run",
      "--prune",
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\+\s+added\s+finance\s+priority 0, department=Finance/);
    expect(dry.stdout).toMatch(/~\s+changed\s+cc-agents\s+priority, securityProfiles/);
    expect(dry.stdout).toMatch(/-\s+removed\s+legacy-night-shift/);
    expect(dry.stdout).toContain("Dry run: would write 2 rules and delete 1; nothing written.");
    expect(await exportJson()).toEqual(byRuleId(sampleRules()));

    const kept = await onboardInProcess(["mappings", "import", path, ...table(), "--json"]);
    expect(JSON.parse(kept.stdout)).toMatchObject({
      kept: ["legacy-night-shift"],
      removed: [],
      written: { puts: 2, deletes: 0 },
    });
    expect((await exportJson()).map((rule) => rule.ruleId)).toContain("legacy-night-shift");

    const pruned = await onboardInProcess([
      "mappings",
      "import",
      path,
      ...table(),
      "--prune",
      "--json",
    ]);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      removed: ["legacy-night-shift"],
      unchanged: 6,
      written: { puts: 0, deletes: 1 },
    });
    expect(await exportJson()).toEqual(byRuleId(edited));
  });

  it("writes more than one BatchWrite's worth of rules", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...(sampleRules()[2] as MappingRule),
      ruleId: `bulk-${String(i).padStart(2, "0")}`,
      match: { jobCode: `J${i}` },
    }));
    const run = await onboardInProcess([
      "mappings",
      "import",
      file("many.json", JSON.stringify(many)),
      ...table(),
    ]);
    expect(run.code).toBe(0);
    expect(await exportJson()).toEqual(many);
  });

  it("treats an item the function cannot read as changed, and will not export it silently", async () => {
    await stack.table.putRules([{ ...sampleRules()[2], ruleId: "broken", priority: "high" }]);
    const good = { ...(sampleRules()[2] as MappingRule), ruleId: "broken" };
    const exported = await onboardInProcess(["mappings", "export", ...table()]);
    expect(exported.code).toBe(1);
    expect(exported.stdout).toBe("[]\n");
    expect(exported.stderr).toMatch(
      /^warning: item broken is invalid and not exported: priority must be a number, got /,
    );
    const validated = await onboardInProcess(["mappings", "validate", ...table(), "--json"]);
    expect(validated.code).toBe(1);
    expect(JSON.parse(validated.stdout).errors).toEqual([
      expect.objectContaining({ check: "invalid-rule", ruleId: "broken" }),
    ]);
    const imported = await onboardInProcess([
      "mappings",
      "import",
      file("fixed.json", JSON.stringify([good])),
      ...table(),
      "--json",
    ]);
    expect(JSON.parse(imported.stdout).changed).toEqual([
      { ruleId: "broken", fields: ["(invalid item)"] },
    ]);
    expect(await exportJson()).toEqual([good]);
  });

  it("exits 1 with one line when the table does not exist", async () => {
    const run = await onboard(["mappings", "export", "--table", "no-such-table"], stack);
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      "error: reading table no-such-table: ResourceNotFoundException: Requested resource not found",
    ]);
  });
});

describe("mappings validate", () => {
  const instance = () => ["--instance-id", stack.connect.instanceId];

  it("finds the sample's unknown security profile and a hire no rule covers", async () => {
    await onboardInProcess(["mappings", "import", "events/mappings.json", ...table()]);
    const run = await onboard(
      ["mappings", "validate", ...table(), ...instance(), "--hires", "events/hires", "--json"],
      stack,
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.errors).toEqual([
      {
        check: "profile",
        ruleId: "quality-auditors",
        message:
          'ProfileNotFound: security profile "Quality Auditor" in rule quality-auditors does not exist on the instance',
      },
    ]);
    expect(report.warnings).toEqual([
      {
        check: "uncovered-hires",
        message: 'no rule matches department "Finance": 1 hire in events/hires (E12350)',
      },
    ]);
  });

  it("checks IDs and ARNs against the instance, duplicates and shadowed rules in a file", async () => {
    const [care, , agents] = sampleRules() as [MappingRule, MappingRule, MappingRule];
    const arn = (instanceId: string, id: string) =>
      `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/security-profile/${id}`;
    const rules = [
      { ...agents, routingProfile: "8f1e2d3c-0001-4a5b-8c7d-100000000002" },
      { ...care, ruleId: "care-austin", priority: -1 },
      {
        ...agents,
        ruleId: "unknown-id",
        match: { department: "X" },
        routingProfile: "8f1e2d3c-0001-4a5b-8c7d-10000000ffff",
      },
      {
        ...agents,
        ruleId: "other-instance",
        match: { department: "Y" },
        securityProfiles: [arn("0000", "7a6b5c4d-0002-4e3f-9a8b-200000000002")],
      },
      {
        ...agents,
        ruleId: "good-arn",
        match: { department: "Z" },
        securityProfiles: [arn(stack.connect.instanceId, "7a6b5c4d-0002-4e3f-9a8b-200000000002")],
      },
      {
        ...agents,
        ruleId: "disabled",
        enabled: false,
        match: { department: "W" },
        hierarchyGroup: "Night Shift",
      },
      { ...agents, ruleId: "unknown-id" },
    ];
    const run = await onboardInProcess([
      "mappings",
      "validate",
      file("rules.json", JSON.stringify(rules)),
      ...instance(),
      "--json",
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(
      report.errors.map((e: { check: string; ruleId: string }) => [e.check, e.ruleId]),
    ).toEqual([
      ["duplicate-ruleId", "unknown-id"],
      ["shadowed", "care-austin"],
      ["profile", "unknown-id"],
      ["profile", "other-instance"],
    ]);
    expect(report.errors[1].message).toBe(
      "can never win: cc-agents is tried first and matches every hire it matches",
    );
    expect(report.errors[3].message).toMatch(/belongs to another instance/);
    expect(report.warnings).toEqual([
      expect.objectContaining({
        check: "profile",
        ruleId: "disabled",
        message: expect.stringMatching(/Night Shift.*\(the rule is disabled\)$/),
      }),
    ]);
  });

  it("rejects a misspelt key and warns about a misspelt match key (strict files)", async () => {
    const [, , agents] = sampleRules() as [MappingRule, MappingRule, MappingRule];
    const { hierarchyGroup, ...withoutGroup } = agents;
    const rules = [
      { ...withoutGroup, hierachyGroup: hierarchyGroup },
      { ...agents, ruleId: "priority-word", match: { department: "QA" }, priority: "high" },
      { ...agents, ruleId: "dept-typo", match: { departmnet: "Sales" } },
    ];
    const path = file("typos.json", JSON.stringify(rules));
    const run = await onboardInProcess(["mappings", "validate", path, "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.errors).toEqual([
      {
        check: "invalid-rule",
        ruleId: "cc-agents",
        message: 'item 1: hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
      },
      {
        check: "invalid-rule",
        ruleId: "priority-word",
        message: 'item 2: priority must be a number, got "high"',
      },
    ]);
    expect(report.warnings).toEqual([
      {
        check: "unknown-match-key",
        ruleId: "dept-typo",
        message:
          'item 3: match.departmnet is not a known employee field; did you mean "department"?',
      },
    ]);
    const human = await onboardInProcess(["mappings", "validate", path]);
    expect(human.stdout).toMatch(
      /warning\s+unknown-match-key\s+dept-typo\s+item 3: match\.departmnet/,
    );
    expect(human.stdout).toContain("2 errors, 1 warning");

    // import: the error stops the import; a warning alone is shown and the rules are written.
    const blocked = await onboardInProcess(["mappings", "import", path, ...table()]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(
      'hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
    );
    const warned = await onboardInProcess([
      "mappings",
      "import",
      file("warned.json", JSON.stringify([rules[2]])),
      ...table(),
    ]);
    expect(warned.code).toBe(0);
    expect(linesOf(warned.stderr)).toEqual([
      expect.stringMatching(
        /^warning: .*warned\.json item 1 \(ruleId dept-typo\): match\.departmnet is not a known employee field; did you mean "department"\?$/,
      ),
    ]);
    expect((await exportJson()).map((rule) => rule.ruleId)).toEqual(["dept-typo"]);
  });

  it("reports a table item with an unknown key as one the function skips", async () => {
    const [, , agents] = sampleRules() as [MappingRule, MappingRule, MappingRule];
    await stack.table.putRules([
      { ...agents, ruleId: "typo", hierachyGroup: "Remote Team" } as MappingRule,
      { ...agents, ruleId: "dept-typo", match: { departmnet: "Sales" } },
    ]);
    const run = await onboardInProcess(["mappings", "validate", ...table(), "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.errors).toEqual([
      {
        check: "invalid-rule",
        ruleId: "typo",
        message:
          'the function skips this item: hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
      },
    ]);
    expect(report.warnings).toEqual([
      {
        check: "unknown-match-key",
        ruleId: "dept-typo",
        message: 'match.departmnet is not a known employee field; did you mean "department"?',
      },
    ]);
  });

  it("refuses rules granting a forbidden profile: by name in a file, by ID or ARN on the instance", async () => {
    const [, , agents] = sampleRules() as [MappingRule, MappingRule, MappingRule];
    const admin = "7a6b5c4d-0002-4e3f-9a8b-200000000001";
    const byName = { ...agents, ruleId: "by-name", securityProfiles: ["Agent", "Admin"] };
    const path = file("admin.json", JSON.stringify([byName]));
    const imported = await onboardInProcess(["mappings", "import", path, ...table()]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(
      'admin.json item 1 (ruleId by-name): security profile "Admin" in rule by-name is forbidden by FORBIDDEN_SECURITY_PROFILES',
    );
    expect(await exportJson()).toEqual([]);
    // The operator's list replaces the default, as the function's setting does.
    const allowed = await onboardInProcess([
      "mappings",
      "import",
      path,
      ...table(),
      "--forbidden-security-profiles",
      "CallCenterManager",
      "--dry-run",
    ]);
    expect(allowed.code).toBe(0);

    await stack.table.putRules([
      byName,
      { ...agents, ruleId: "by-id", match: { department: "X" }, securityProfiles: [admin] },
      {
        ...agents,
        ruleId: "by-arn",
        match: { department: "Y" },
        securityProfiles: [
          `arn:aws:connect:us-east-1:123456789012:instance/${stack.connect.instanceId}/security-profile/${admin}`,
        ],
      },
    ]);
    const offline = JSON.parse(
      (await onboardInProcess(["mappings", "validate", ...table(), "--json"])).stdout,
    );
    expect(
      offline.errors.map((e: { check: string; ruleId: string }) => [e.check, e.ruleId]),
    ).toEqual([["forbidden-profile", "by-name"]]);
    const online = await onboardInProcess([
      "mappings",
      "validate",
      ...table(),
      ...instance(),
      "--json",
    ]);
    expect(online.code).toBe(1);
    const report = JSON.parse(online.stdout);
    expect(
      report.errors.map((e: { check: string; ruleId: string }) => [e.check, e.ruleId]).sort(),
    ).toEqual([
      ["forbidden-profile", "by-arn"],
      ["forbidden-profile", "by-id"],
      ["forbidden-profile", "by-name"],
    ]);
    expect(report.errors.find((e: { ruleId: string }) => e.ruleId === "by-id").message).toBe(
      `security profile "${admin}" in rule by-id is Admin, which is forbidden by FORBIDDEN_SECURITY_PROFILES; no rule may grant it`,
    );
  });

  it("passes a clean file without an instance, saying profiles were not checked", async () => {
    const clean = sampleRules().filter((rule) => rule.ruleId !== "quality-auditors");
    const run = await onboardInProcess([
      "mappings",
      "validate",
      file("clean.json", JSON.stringify(clean)),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("5 rules");
    expect(run.stdout).toContain("profiles not checked: give --instance-id");
    expect(run.stdout).toContain("0 errors, 0 warnings");
  });
});
