/**
 * `onboard mappings import --impact`: before the rules are written, which managed employees
 * they would move, from which rule to which, and what their users would get.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbLedger } from "../../shared/adapters/dynamodb-ledger.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import {
  type RuleAspectChange,
  type RuleImpact,
  type RuleMove,
  ruleImpact,
} from "../../shared/domain/rule-impact.js";
import { attempt, CLI_CALLS } from "../io.js";
import { plural } from "./rule-file.js";

/** Employees named per move in the table; --json names them all. */
const SHOWN_PER_MOVE = 10;

export const impactOfImport = async (
  client: DynamoDBDocumentClient,
  ledgerTable: string,
  before: readonly MappingRule[],
  after: readonly MappingRule[],
): Promise<RuleImpact> => {
  const employees = await attempt(`reading ledger ${ledgerTable}`, () =>
    new DynamoDbLedger(client, ledgerTable).allEntries(CLI_CALLS),
  );
  return ruleImpact({ employees, before, after });
};

export const renderImpact = (ledgerTable: string, impact: RuleImpact): string => {
  const { totals } = impact;
  const lines = [
    `Impact on the ${plural(totals.employees, "active employee")} of ledger ${ledgerTable}, by the match attributes it keeps:`,
  ];
  if (impact.moves.length === 0)
    lines.push("  nobody moves, and no rule in use changes what it gives");
  for (const move of impact.moves) lines.push(...describeMove(move));
  for (const key of impact.unrecordedKeys) {
    lines.push(
      `  warning: the rules match on ${key}, which the ledger has not recorded: read as absent (the next event of each employee tells)`,
    );
  }
  lines.push(
    `Totals: ${totals.moving} move to another rule, ${totals.changing} stay on a rule that changes, ${totals.unmatched} match no rule, ${totals.unaffected} unaffected`,
  );
  if (totals.moving + totals.changing > 0) {
    lines.push(
      "  Users change on each employee's next event; `onboard reconcile --apply` brings them all in line now.",
    );
  }
  return `${lines.join("\n")}\n`;
};

const describeMove = (move: RuleMove): string[] => {
  const who = `${plural(move.employeeIds.length, "employee")}: ${move.employeeIds
    .slice(0, SHOWN_PER_MOVE)
    .join(
      ", ",
    )}${move.employeeIds.length > SHOWN_PER_MOVE ? `, and ${move.employeeIds.length - SHOWN_PER_MOVE} more (--json lists all)` : ""}`;
  if (move.to === null) {
    return [
      `  ${move.from} -> no rule (${who})`,
      "    their next event is parked as NoMappingRule; their users are left as they are",
    ];
  }
  const title =
    move.to === move.from
      ? `  ${move.from}, which changes (${who})`
      : `  ${move.from} -> ${move.to} (${who})`;
  if (move.changes === null) {
    return [title, `    rule ${move.from} is no longer in the table: what changes cannot be told`];
  }
  if (move.changes.length === 0) return [title, "    the same setup under another rule"];
  return [title, ...move.changes.map((change) => `    ${describeAspect(change)}`)];
};

const describeAspect = (change: RuleAspectChange): string => {
  const text = (value: string | null) => (value === null ? "(none)" : JSON.stringify(value));
  switch (change.aspect) {
    case "routingProfile":
    case "hierarchyGroup":
      return `${change.aspect}: ${text(change.from)} -> ${text(change.to)}`;
    case "securityProfiles":
      return `securityProfiles: ${change.from.map(text).join(", ")} -> ${change.to.map(text).join(", ")}`;
    case "phoneConfig": {
      const keys = (["type", "autoAccept", "afterContactWorkTimeLimit"] as const).filter(
        (key) => change.from[key] !== change.to[key],
      );
      return `phoneConfig: ${keys.map((key) => `${key} ${String(change.from[key])} -> ${String(change.to[key])}`).join(", ")}`;
    }
    case "tags": {
      const keys = [...new Set([...Object.keys(change.from), ...Object.keys(change.to)])]
        .filter((key) => change.from[key] !== change.to[key])
        .sort();
      return `tags: ${keys.map((key) => `${key} ${change.from[key] ?? "(none)"} -> ${change.to[key] ?? "(removed)"}`).join(", ")}`;
    }
  }
};
