/**
 * `onboard mappings import --impact` on the local stack: employees the real pipeline provisioned
 * (so the ledger holds their rule and match attributes), and a rule change that moves some of
 * them, changes what one rule gives, and leaves the others alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { startSampleStack } from "../support/local-stack.js";
import { temporaryDirectory } from "../support/temp-dir.js";
import { FAST } from "./dead-letters.js";
import { onboardInProcess } from "./support.js";

interface Impact {
  ledgerTable: string;
  moves: {
    from: string;
    to: string | null;
    employeeIds: string[];
    changes: { aspect: string; from: unknown; to: unknown }[] | null;
  }[];
  totals: Record<string, number>;
  unrecordedKeys: string[];
}

let stack: LocalStack;

const employee = (employeeId: string, jobTitle: string, location: string) =>
  JSON.stringify({
    eventType: "EmployeeHired",
    eventId: `hire-${employeeId}`,
    occurredAt: "2026-11-28T10:00:00Z",
    employee: {
      employeeId,
      firstName: "Sam",
      lastName: employeeId,
      workEmail: `${employeeId.toLowerCase()}@example.com`,
      department: "Customer Care",
      jobTitle,
      location,
    },
  });

beforeAll(async () => {
  stack = await startSampleStack();
  await runPipeline(
    stack,
    [
      employee("E41001", "Agent II", "Austin"), // cc-austin-agents
      employee("E41002", "Agent I", "Remote"), // cc-agents
      employee("E41003", "Agent II", "Remote"), // cc-agents
      employee("E41004", "Team Supervisor", "Austin"), // cc-supervisors
      employee("E41005", "Agent I", "Remote"), // cc-agents
    ],
    FAST,
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/**
 * The sample rules, changed: Remote "Agent I"s get a rule of their own, supervisors a longer
 * after-contact-work limit, and nothing else changes.
 */
const changedRules = (): MappingRule[] => {
  const rules = JSON.parse(readFileSync("events/mappings.json", "utf8")) as MappingRule[];
  return [
    ...rules.map((rule) =>
      rule.ruleId === "cc-supervisors"
        ? { ...rule, phone: { ...rule.phone, afterContactWorkTimeLimit: 90 } }
        : rule,
    ),
    {
      ruleId: "cc-remote-trainees",
      priority: 5,
      enabled: true,
      match: { department: "Customer Care", location: "Remote", jobTitle: "Agent I" },
      routingProfile: "Basic Routing Profile",
      securityProfiles: ["Agent"],
      hierarchyGroup: "Remote Team",
      phone: { type: "SOFT_PHONE", autoAccept: true, afterContactWorkTimeLimit: 30 },
      tags: { costCenter: "CC-210" },
    },
  ];
};

const importArgs = (file: string, ...extra: string[]) => [
  "mappings",
  "import",
  file,
  "--table",
  stack.table.tableName,
  "--impact",
  "--ledger-table",
  stack.table.ledgerTableName,
  ...extra,
];

/** The table as `mappings export` prints it. */
const tableRules = async (): Promise<MappingRule[]> =>
  JSON.parse(
    (await onboardInProcess(["mappings", "export", "--table", stack.table.tableName])).stdout,
  ) as MappingRule[];

describe("onboard mappings import --impact", () => {
  it("lists who moves from which rule to which, with the changes, and writes nothing on a dry run", async () => {
    const file = join(temporaryDirectory("impact"), "rules.json");
    writeFileSync(file, JSON.stringify(changedRules()));
    const before = await tableRules();

    const run = await onboardInProcess(importArgs(file, "--dry-run", "--json"));
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { impact: Impact; written: unknown; added: string[] };
    expect(report.added).toEqual(["cc-remote-trainees"]);
    expect(report.written).toBeNull();
    expect(report.impact.moves).toEqual([
      {
        from: "cc-agents",
        to: "cc-remote-trainees",
        employeeIds: ["E41002", "E41005"],
        changes: [
          {
            aspect: "routingProfile",
            from: "Customer Care Routing",
            to: "Basic Routing Profile",
          },
          { aspect: "tags", from: { costCenter: "CC-200" }, to: { costCenter: "CC-210" } },
        ],
      },
      {
        from: "cc-supervisors",
        to: "cc-supervisors",
        employeeIds: ["E41004"],
        changes: [
          {
            aspect: "phoneConfig",
            from: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 60 },
            to: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 90 },
          },
        ],
      },
    ]);
    // E41001 (Austin) and E41003 (Remote, Agent II) keep their rules.
    expect(report.impact.totals).toEqual({
      employees: 5,
      moving: 2,
      changing: 1,
      unmatched: 0,
      unaffected: 2,
    });
    expect(report.impact.unrecordedKeys).toEqual([]);
    expect(await tableRules()).toEqual(before);

    const text = await onboardInProcess(importArgs(file, "--dry-run"));
    expect(text.stdout).toContain(
      `Impact on the 5 active employees of ledger ${stack.table.ledgerTableName}, by the match attributes it keeps:`,
    );
    expect(text.stdout).toContain(
      "  cc-agents -> cc-remote-trainees (2 employees: E41002, E41005)",
    );
    expect(text.stdout).toContain(
      '    routingProfile: "Customer Care Routing" -> "Basic Routing Profile"',
    );
    expect(text.stdout).toContain("  cc-supervisors, which changes (1 employee: E41004)");
    expect(text.stdout).toContain("    phoneConfig: afterContactWorkTimeLimit 60 -> 90");
    expect(text.stdout).toContain(
      "Totals: 2 move to another rule, 1 stay on a rule that changes, 0 match no rule, 2 unaffected",
    );
    expect(text.stdout).toContain("Dry run: would write 2 rules and delete 0; nothing written.");
    expect(await tableRules()).toEqual(before);
  });

  it("says who would match no rule, and what it cannot tell", async () => {
    const rules = changedRules().filter((rule) => rule.ruleId !== "cc-agents");
    rules.push({
      ruleId: "by-cost-center",
      priority: -1,
      enabled: true,
      match: { costCenter: "CC-9" },
      routingProfile: "Basic Routing Profile",
      securityProfiles: ["Agent"],
      phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
      tags: {},
    });
    const file = join(temporaryDirectory("impact"), "rules.json");
    writeFileSync(file, JSON.stringify(rules));
    // Without --prune, cc-agents stays in the table: only --prune takes it away.
    const kept = await onboardInProcess(importArgs(file, "--dry-run", "--json"));
    const keptImpact = (JSON.parse(kept.stdout) as { impact: Impact }).impact;
    expect(keptImpact.totals.unmatched).toBe(0);
    expect(keptImpact.unrecordedKeys).toEqual(["costCenter"]);

    const pruned = await onboardInProcess(importArgs(file, "--dry-run", "--prune", "--json"));
    const impact = (JSON.parse(pruned.stdout) as { impact: Impact }).impact;
    expect(impact.moves.find((move) => move.to === null)).toEqual({
      from: "cc-agents",
      to: null,
      employeeIds: ["E41003"],
      changes: null,
    });
    expect(impact.totals).toMatchObject({ moving: 2, changing: 1, unmatched: 1, unaffected: 1 });
    const text = await onboardInProcess(importArgs(file, "--dry-run", "--prune"));
    expect(text.stdout).toContain("  cc-agents -> no rule (1 employee: E41003)");
    expect(text.stdout).toContain("their next event is parked as NoMappingRule");
    expect(text.stdout).toMatch(
      /warning: the rules match on costCenter, which the ledger has not recorded/,
    );
  });

  it("writes the rules after showing the impact when it is no dry run", async () => {
    const file = join(temporaryDirectory("impact"), "rules.json");
    writeFileSync(file, JSON.stringify(changedRules()));
    const run = await onboardInProcess(importArgs(file));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /Totals: 2 move to another rule[^\n]*\n[^\n]*reconcile --apply[^\n]*\nWrote 2 rules, deleted 0\./,
    );
    expect((await tableRules()).map((rule) => rule.ruleId)).toContain("cc-remote-trainees");
  });

  it("needs the ledger", async () => {
    const run = await onboardInProcess([
      "mappings",
      "import",
      "events/mappings.json",
      "--table",
      stack.table.tableName,
      "--impact",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "--impact reads the employees from the ledger: give --ledger-table",
    );
  });
});
