import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { formatRulesCsv, parseRulesCsv } from "../../shared/domain/mapping-rule-file.js";
import { describeRuleIssues } from "../../shared/domain/rule-issues.js";
import { type AwsOptions, dynamoDbClient } from "../aws.js";
import { type CliIo, EXIT } from "../io.js";
import { canonical } from "./diff.js";
import { scanTable } from "./table.js";

export type ExportFormat = "json" | "csv";

export interface ExportOptions extends AwsOptions {
  readonly table: string;
  readonly format: ExportFormat;
}

/**
 * Writes the table's rules to stdout, sorted by ruleId so exports diff cleanly in version
 * control. Exits 1 when an item is unreadable (it is left out, as the function leaves it out):
 * a backup that silently lacks a row is worse than a failed one.
 */
export const runExport = async (options: ExportOptions, io: CliIo): Promise<number> => {
  const client = dynamoDbClient(options);
  try {
    const items = await scanTable(client, options.table);
    const rules: MappingRule[] = [];
    for (const { key, validation } of items) {
      if (validation.ok) rules.push(validation.rule);
      else {
        const problems = describeRuleIssues(validation.issues);
        io.stderr(`warning: item ${key} is invalid and not exported: ${problems}\n`);
      }
    }
    rules.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
    if (options.format === "csv") {
      const text = formatRulesCsv(rules);
      for (const warning of csvLosses(rules, text)) io.stderr(`warning: ${warning}\n`);
      io.stdout(text);
    } else {
      io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
    }
    return rules.length === items.length ? EXIT.ok : EXIT.failed;
  } finally {
    client.destroy();
  }
};

/**
 * What the CSV layout cannot carry (tags, match keys outside its columns, ...), found by reading
 * the CSV back: whatever does not survive the round trip is named, rule by rule.
 */
export const csvLosses = (rules: readonly MappingRule[], csv: string): string[] => {
  const back = new Map(parseRulesCsv(csv).rules.map((rule) => [rule.ruleId, rule]));
  const warnings: string[] = [];
  for (const rule of rules) {
    const read = back.get(rule.ruleId);
    if (!read) {
      warnings.push(`rule ${rule.ruleId} does not survive the CSV layout; use --format json`);
      continue;
    }
    const lost: string[] = [];
    if (canonical(rule.tags) !== canonical(read.tags)) lost.push("its tags");
    const keys = Object.keys(rule.match).filter((key) => read.match[key] !== rule.match[key]);
    if (keys.length > 0) lost.push(`match keys ${keys.join(", ")}`);
    const others = (Object.keys(rule) as (keyof MappingRule)[]).filter(
      (key) => key !== "tags" && key !== "match" && canonical(rule[key]) !== canonical(read[key]),
    );
    if (others.length > 0) lost.push(others.join(", "));
    if (lost.length > 0) {
      warnings.push(
        `rule ${rule.ruleId}: the CSV loses ${lost.join(" and ")}; use --format json to keep them`,
      );
    }
  }
  return warnings;
};
