/**
 * The README's walkthrough of reconciliation and rule-change impact, on the samples it names:
 * the sample hires provisioned (with the finance rule the walkthrough imports), then
 * `events/roster.csv` and `events/remote-agents-rule.json` give what the README shows, before
 * and after `reconcile --apply`.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainQueue, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";
import { readEventBodies } from "../../shared/event-files.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";
import { FAST } from "./dead-letters.js";
import { onboardInProcess } from "./support.js";

let stack: LocalStack;
let reconcile: string[];

beforeAll(async () => {
  stack = await startSampleStack({
    rules: [
      ...sampleRules(),
      ...parseRulesJson(readFileSync("events/finance-rule.json", "utf8")).rules,
    ],
  });
  const bodies = (await readEventBodies("events/hires")).map(({ body }) => body);
  await runPipeline(stack, bodies, FAST);
  reconcile = [
    "reconcile",
    "--roster",
    "events/roster.csv",
    "--instance-id",
    stack.connect.instanceId,
    "--ledger-table",
    stack.table.ledgerTableName,
    "--table",
    stack.table.tableName,
    "--rps",
    "20",
  ];
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe("the README's reconciliation samples", () => {
  it("events/roster.csv: a hire lost upstream, a promotion, a leaver, an unmanaged user and three that need a person", async () => {
    const run = await onboardInProcess(reconcile);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(
      "Totals: MISSING 4  DRIFTED 1  ORPHANED 1  UNMANAGED 1  IN_SYNC 4 (--all lists the 4 IN_SYNC)",
    );
    for (const line of [
      /MISSING\s+E12349\s+-\s+-\s+sales-desk\s+FAILS with MissingDeskPhone/,
      /MISSING\s+E12351\s+-\s+-\s+quality-auditors\s+FAILS with ProfileNotFound/,
      /MISSING\s+E12352\s+-\s+-\s+cc-agents\s+FAILS with UsernameTaken/,
      /MISSING\s+E12360\s+-\s+-\s+cc-agents\s+no user: a hire creates it/,
      /DRIFTED\s+E12345\s+\S+\s+jose\.nunez@example\.com\s+cc-supervisors\s+securityProfiles: "Agent", "Spanish QA" -> "Agent", "CallCenterManager"\n\s+phoneConfig: AfterContactWorkTimeLimit 30 -> 60/,
      /ORPHANED\s+E12347\s+\S+\s+wei\.chen@example\.com\s+cc-supervisors\s+not in the roster/,
      /UNMANAGED\s+E00001\s+0e9d8c7b-0004-4a3b-9c2d-400000000002\s+alex\.kim@example\.com/,
    ]) {
      expect(run.stdout).toMatch(line);
    }
    expect(run.stdout).toContain(
      "Fixes through the onboarding queue: 1 hire, 1 update (1 termination only with --include-orphans)",
    );
  });

  it("after --apply, the same roster leaves what needs a person; then events/remote-agents-rule.json moves three Remote agents", async () => {
    const applied = await onboardInProcess([
      ...reconcile,
      "--apply",
      "--queue-url",
      stack.queues.queueUrl,
      "--yes",
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    await drainQueue(stack, FAST);
    const again = await onboardInProcess(reconcile);
    expect(again.stdout).toContain(
      "Totals: MISSING 3  DRIFTED 0  ORPHANED 1  UNMANAGED 1  IN_SYNC 6",
    );

    const run = await onboardInProcess([
      "mappings",
      "import",
      "events/remote-agents-rule.json",
      "--table",
      stack.table.tableName,
      "--impact",
      "--ledger-table",
      stack.table.ledgerTableName,
      "--dry-run",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Impact on the 7 active employees of ledger ${stack.table.ledgerTableName}, by the match attributes it keeps:`,
    );
    expect(run.stdout).toContain(
      "  cc-agents -> cc-remote-agents (3 employees: E12346, E12360, E20002)",
    );
    expect(run.stdout).toContain(
      '    routingProfile: "Customer Care Routing" -> "Basic Routing Profile"\n    tags: costCenter CC-200 -> CC-210\n',
    );
    expect(run.stdout).toContain(
      "Totals: 3 move to another rule, 0 stay on a rule that changes, 0 match no rule, 4 unaffected",
    );
  });
});
