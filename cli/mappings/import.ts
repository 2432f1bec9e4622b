import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { formatOf, parseRuleFile } from "../../shared/domain/mapping-rule-file.js";
import type { RuleImpact } from "../../shared/domain/rule-impact.js";
import { type AwsOptions, dynamoDbClient } from "../aws.js";
import { readText } from "../event-file.js";
import { type CliIo, EXIT, OperationError, printJson, table, UsageError } from "../io.js";
import { userSettings } from "../settings.js";
import { diffRules, type RuleDiff, tagsLost } from "./diff.js";
import { impactOfImport, renderImpact } from "./impact.js";
import { describeRuleFileError, plural, printWarnings } from "./rule-file.js";
import { scanTable, writeRules } from "./table.js";

export interface ImportOptions extends AwsOptions {
  readonly table: string;
  readonly forbiddenSecurityProfiles?: string;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly json?: boolean;
  /** Before writing, what the new rules would do to the employees the ledger holds. */
  readonly impact?: boolean;
  readonly ledgerTable?: string;
}

/**
 * Validates the whole file first and writes nothing if any row is bad; then shows the diff
 * against the table and writes only what differs (and, with --prune, deletes what the file
 * does not have).
 */
export const runImport = async (
  file: string,
  options: ImportOptions,
  io: CliIo,
): Promise<number> => {
  if (options.impact && !options.ledgerTable) {
    throw new UsageError("--impact reads the employees from the ledger: give --ledger-table");
  }
  if (options.ledgerTable && !options.impact) {
    throw new UsageError("--ledger-table goes with --impact");
  }
  const { forbiddenSecurityProfiles } = userSettings(
    options.forbiddenSecurityProfiles === undefined
      ? {}
      : { forbiddenSecurityProfiles: options.forbiddenSecurityProfiles },
  );
  const format = formatOf(file);
  const { rules, errors, warnings } = parseRuleFile(await readText(file), format, {
    forbiddenSecurityProfiles,
  });
  printWarnings(file, warnings, io);
  if (errors.length > 0) {
    if (options.json)
      printJson(io, { file, table: options.table, errors, warnings, written: null });
    for (const error of errors) io.stderr(`${describeRuleFileError(file, error)}\n`);
    throw new OperationError(`${file}: ${plural(errors.length, "invalid rule")}; nothing written`);
  }
  const client = dynamoDbClient(options);
  try {
    const items = await scanTable(client, options.table);
    const diff = diffRules(rules, items);
    const puts: MappingRule[] = [...diff.added, ...diff.changed.map((change) => change.rule)];
    const deletes = options.prune ? diff.notInFile.map((item) => item.key) : [];
    // Judged before anything is written, against the table as the function reads it now.
    const impact =
      options.impact && options.ledgerTable
        ? await impactOfImport(client, options.ledgerTable, validRules(items), [
            ...rules,
            ...(options.prune ? [] : validRules(diff.notInFile)),
          ])
        : undefined;
    const written = options.dryRun ? null : await writeRules(client, options.table, puts, deletes);
    if (options.json) {
      printJson(io, {
        ...importReport(file, options, diff, written),
        ...(impact ? { impact: { ledgerTable: options.ledgerTable, ...impact } } : {}),
        warnings,
      });
    } else io.stdout(renderImport(file, options, diff, written, impact));
    warnTagsLost(file, format, diff, written !== null, io);
    return EXIT.ok;
  } finally {
    client.destroy();
  }
};

/** The items the function reads as rules; it skips the others. */
const validRules = (items: readonly { validation: { ok: boolean } }[]): MappingRule[] =>
  items.flatMap((item) =>
    item.validation.ok ? [(item.validation as { ok: true; rule: MappingRule }).rule] : [],
  );

const importReport = (
  file: string,
  options: ImportOptions,
  diff: RuleDiff,
  written: { puts: number; deletes: number } | null,
) => ({
  file,
  table: options.table,
  dryRun: Boolean(options.dryRun),
  added: diff.added.map((rule) => rule.ruleId),
  changed: diff.changed.map((change) => ({
    ruleId: change.rule.ruleId,
    fields: change.fields,
    ...(Object.keys(tagsLost(change)).length > 0 ? { tagsLost: tagsLost(change) } : {}),
  })),
  removed: options.prune ? diff.notInFile.map((item) => item.key) : [],
  kept: options.prune ? [] : diff.notInFile.map((item) => item.key),
  unchanged: diff.unchanged.length,
  written,
});

const renderImport = (
  file: string,
  options: ImportOptions,
  diff: RuleDiff,
  written: { puts: number; deletes: number } | null,
  impact?: RuleImpact,
): string => {
  const rows: string[][] = [
    ...diff.added.map((rule) => ["+", "added", rule.ruleId, describeMatch(rule)]),
    ...diff.changed.map((change) => [
      "~",
      "changed",
      change.rule.ruleId,
      describeChange(change.fields, tagsLost(change)),
    ]),
    ...diff.notInFile.map((item) =>
      options.prune
        ? ["-", "removed", item.key, ""]
        : ["=", "kept", item.key, "not in the file; --prune would delete it"],
    ),
  ];
  const lines = [
    `${file} against table ${options.table}: ${rows.length === 0 ? "no differences" : ""}`.trimEnd(),
    ...(rows.length > 0 ? [table(rows)] : []),
    `  ${plural(diff.unchanged.length, "rule")} unchanged`,
  ];
  const puts = diff.added.length + diff.changed.length;
  const deletes = options.prune ? diff.notInFile.length : 0;
  if (impact) lines.push(renderImpact(options.ledgerTable as string, impact).trimEnd());
  lines.push(
    written
      ? `Wrote ${plural(written.puts, "rule")}, deleted ${written.deletes}.`
      : `Dry run: would write ${plural(puts, "rule")} and delete ${deletes}; nothing written.`,
  );
  return `${lines.join("\n")}\n`;
};

const describeTags = (tags: Record<string, string>): string =>
  Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");

const describeChange = (fields: readonly string[], lost: Record<string, string>): string =>
  fields
    .map((field) =>
      field === "tags" && Object.keys(lost).length > 0
        ? `tags (loses ${describeTags(lost)})`
        : field,
    )
    .join(", ");

/**
 * A CSV has no tags column: importing it over rules that have tags removes them. Say which, on
 * stderr, whatever the output format, so a script's JSON stays clean and a person still sees it.
 */
const warnTagsLost = (
  file: string,
  format: string,
  diff: RuleDiff,
  written: boolean,
  io: CliIo,
): void => {
  if (format !== "csv") return;
  const losing = diff.changed.filter((change) => Object.keys(tagsLost(change)).length > 0);
  if (losing.length === 0) return;
  const verb = written ? "removed" : "would remove";
  for (const change of losing) {
    io.stderr(
      `warning: ${file} has no tags column: this import ${verb} the tags of rule ${change.rule.ruleId}: ${describeTags(tagsLost(change))}\n`,
    );
  }
  io.stderr(
    "warning: to keep tags, import JSON (onboard mappings export --format json gives the table as it is)\n",
  );
};

const describeMatch = (rule: MappingRule): string => {
  const keys = Object.entries(rule.match).map(([key, value]) => `${key}=${value}`);
  return `priority ${rule.priority}, ${keys.length > 0 ? keys.join(" ") : "matches everyone"}${rule.enabled ? "" : ", disabled"}`;
};
