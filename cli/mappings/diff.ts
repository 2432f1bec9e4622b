import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type { TableItem } from "./table.js";

export interface ChangedRule {
  readonly rule: MappingRule;
  /** The rule as the table holds it, when that item is a valid rule. */
  readonly before?: MappingRule;
  /** Top-level fields that differ, or "(invalid item)" when the stored item is unreadable. */
  readonly fields: string[];
}

/** The file against the table, by ruleId: what an import would add, change, and leave or remove. */
export interface RuleDiff {
  readonly added: MappingRule[];
  readonly changed: ChangedRule[];
  readonly unchanged: MappingRule[];
  /** Items whose key the file does not have: removed with --prune, kept otherwise. */
  readonly notInFile: TableItem[];
}

export const diffRules = (rules: readonly MappingRule[], items: readonly TableItem[]): RuleDiff => {
  const byKey = new Map(items.map((item) => [item.key, item]));
  const diff: RuleDiff = { added: [], changed: [], unchanged: [], notInFile: [] };
  for (const rule of rules) {
    const stored = byKey.get(rule.ruleId);
    if (!stored) diff.added.push(rule);
    else if (!stored.validation.ok) diff.changed.push({ rule, fields: ["(invalid item)"] });
    else {
      const fields = changedFields(stored.validation.rule, rule);
      if (fields.length === 0) diff.unchanged.push(rule);
      else diff.changed.push({ rule, before: stored.validation.rule, fields });
    }
  }
  const inFile = new Set(rules.map((rule) => rule.ruleId));
  diff.notInFile.push(
    ...items
      .filter((item) => !inFile.has(item.key))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  );
  return diff;
};

const changedFields = (before: MappingRule, after: MappingRule): string[] => {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter(
      (key) =>
        canonical(before[key as keyof MappingRule]) !== canonical(after[key as keyof MappingRule]),
    )
    .sort();
};

/** JSON with object keys sorted, so equal rules compare equal whatever order DynamoDB kept. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : inner,
  ) ?? "undefined";

/** Tags the stored rule has and the new one does not: what importing the new one removes. */
export const tagsLost = (change: ChangedRule): Record<string, string> => {
  const before = change.before?.tags ?? {};
  const after = change.rule.tags ?? {};
  return Object.fromEntries(Object.entries(before).filter(([key]) => !(key in after)));
};
