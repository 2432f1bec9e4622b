import { parseCsv } from "./csv.js";
import { KNOWN_EMPLOYEE_FIELDS } from "./employee-event.js";
import {
  DEFAULT_FORBIDDEN_SECURITY_PROFILES,
  forbiddenByText,
  forbiddenMessage,
} from "./forbidden-profiles.js";
import {
  MATCH_ATTRIBUTES,
  type MappingRule,
  matchKeyWarnings,
  validateMappingRule,
} from "./mapping-rule.js";
import { nearestKey } from "./nearest-key.js";
import { describeRuleIssues, type RuleIssue } from "./rule-issues.js";

/** The CSV columns of DESIGN section 3, in their documented order. */
export const CSV_COLUMNS = [
  "ruleId",
  "priority",
  "enabled",
  ...MATCH_ATTRIBUTES,
  "routingProfile",
  "securityProfiles",
  "hierarchyGroup",
  "phoneType",
  "autoAccept",
  "afterContactWorkTimeLimit",
] as const;

/** A problem in a rules file, located so an operator can fix the row. */
export interface RuleFileError {
  /** "line 4" for CSV (header is line 1), "item 3" for a JSON array (1-based). */
  readonly where: string;
  readonly ruleId?: string;
  readonly message: string;
}

export interface RuleFileResult {
  readonly rules: MappingRule[];
  readonly errors: RuleFileError[];
  /** Problems that do not stop a rule being used, such as a match key no employee field has. */
  readonly warnings: RuleFileError[];
}

export interface RuleFileOptions {
  /**
   * The employee attributes match keys may name without a warning: the canonical fields, plus
   * any custom attributes the deployment declares.
   */
  readonly knownAttributes?: readonly string[];
  /** FORBIDDEN_SECURITY_PROFILES: a rule naming one is an error (default: the function's). */
  readonly forbiddenSecurityProfiles?: readonly string[];
}

export type RuleFileFormat = "json" | "csv";

export const formatOf = (fileName: string): RuleFileFormat =>
  fileName.toLowerCase().endsWith(".csv") ? "csv" : "json";

/** Parses and validates a whole rules file, reporting every bad row at once. */
export const parseRuleFile = (
  text: string,
  format: RuleFileFormat,
  options: RuleFileOptions = {},
): RuleFileResult =>
  format === "csv" ? parseRulesCsv(text, options) : parseRulesJson(text, options);

export const parseRulesJson = (text: string, options: RuleFileOptions = {}): RuleFileResult => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      rules: [],
      errors: [{ where: "file", message: `not valid JSON: ${(error as Error).message}` }],
      warnings: [],
    };
  }
  if (!Array.isArray(parsed)) {
    return {
      rules: [],
      errors: [{ where: "file", message: "must be a JSON array of rules" }],
      warnings: [],
    };
  }
  return collect(
    parsed.map((candidate, index) => ({ where: `item ${index + 1}`, candidate })),
    options,
    (path) => path,
  );
};

export const parseRulesCsv = (text: string, options: RuleFileOptions = {}): RuleFileResult => {
  const rows = parseCsv(text);
  const header = rows[0]?.cells.map((cell) => cell.trim());
  if (!header || header.every((cell) => cell === "")) {
    return {
      rules: [],
      errors: [{ where: "line 1", message: "missing the header row" }],
      warnings: [],
    };
  }
  const unknown = header.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  const missing = ["ruleId", "routingProfile", "securityProfiles"].filter(
    (c) => !header.includes(c),
  );
  if (unknown.length > 0 || missing.length > 0) {
    // Worded like a JSON rule's key issues, with the same suggestion of the nearest name.
    const problems = [
      ...unknown.map((column) => {
        const nearest = nearestKey(column, CSV_COLUMNS);
        return `column "${column}" is not a known column${nearest ? `; did you mean "${nearest}"?` : ""}`;
      }),
      ...missing.map((column) => `column "${column}" is required`),
    ];
    return {
      rules: [],
      errors: [
        {
          where: "line 1",
          message: `${problems.join("; ")}; columns are ${CSV_COLUMNS.join(",")}`,
        },
      ],
      warnings: [],
    };
  }
  const entries = rows
    .slice(1)
    .filter((row) => row.cells.some((cell) => cell.trim() !== ""))
    .map((row) => ({
      where: `line ${row.line}`,
      candidate: csvRowToRule(
        Object.fromEntries(header.map((column, i) => [column, row.cells[i] ?? ""])),
      ),
    }));
  return collect(entries, options, csvColumnOf);
};

/** A CSV row's issues name its columns: `phoneType`, not the rule's `phone.type`. */
const csvColumnOf = (path: string): string =>
  path.startsWith("match.") ? path.slice("match.".length) : (CSV_PATHS[path] ?? path);

const CSV_PATHS: Readonly<Record<string, string>> = {
  "phone.type": "phoneType",
  "phone.autoAccept": "autoAccept",
  "phone.afterContactWorkTimeLimit": "afterContactWorkTimeLimit",
};

/**
 * Writes rules in the CSV layout; tags have no column in it and are not written. Text cells a
 * spreadsheet would run as a formula are written with a leading apostrophe (see `asText`);
 * numbers are written as numbers (a priority of -5 stays -5).
 */
export const formatRulesCsv = (rules: readonly MappingRule[]): string => {
  const lines = rules.map((rule) =>
    [
      asText(rule.ruleId),
      String(rule.priority),
      String(rule.enabled),
      ...MATCH_ATTRIBUTES.map((column) => asText(rule.match[column] ?? "")),
      asText(rule.routingProfile),
      asText(rule.securityProfiles.join("|")),
      asText(rule.hierarchyGroup ?? ""),
      rule.phone.type,
      String(rule.phone.autoAccept),
      String(rule.phone.afterContactWorkTimeLimit),
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[CSV_COLUMNS.join(","), ...lines].join("\n")}\n`;
};

const collect = (
  entries: { where: string; candidate: unknown }[],
  options: RuleFileOptions,
  nameOf: (path: string) => string,
): RuleFileResult => {
  const rules: MappingRule[] = [];
  const errors: RuleFileError[] = [];
  const warnings: RuleFileError[] = [];
  const seen = new Map<string, string>();
  const renamed = (issues: readonly RuleIssue[]) =>
    describeRuleIssues(issues.map((issue) => ({ ...issue, path: nameOf(issue.path) })));
  for (const { where, candidate } of entries) {
    const result = validateMappingRule(candidate);
    if (!result.ok) {
      const message = renamed(result.issues);
      errors.push(
        result.ruleId === undefined
          ? { where, message }
          : { where, ruleId: result.ruleId, message },
      );
      continue;
    }
    const forbidden = forbiddenByText(
      result.rule,
      options.forbiddenSecurityProfiles ?? DEFAULT_FORBIDDEN_SECURITY_PROFILES,
    );
    if (forbidden.length > 0) {
      const message = forbidden
        .map((reference) => forbiddenMessage(reference, result.rule.ruleId))
        .join("; ");
      errors.push({ where, ruleId: result.rule.ruleId, message });
      continue;
    }
    const first = seen.get(result.rule.ruleId);
    if (first) {
      errors.push({
        where,
        ruleId: result.rule.ruleId,
        message: `duplicate ruleId (first at ${first})`,
      });
      continue;
    }
    seen.set(result.rule.ruleId, where);
    rules.push(result.rule);
    const unknownKeys = matchKeyWarnings(
      result.rule,
      options.knownAttributes ?? KNOWN_EMPLOYEE_FIELDS,
    );
    if (unknownKeys.length > 0) {
      warnings.push({ where, ruleId: result.rule.ruleId, message: renamed(unknownKeys) });
    }
  }
  return { rules, errors, warnings };
};

/**
 * A cell starting with = + - @, a tab or a carriage return is a formula to a spreadsheet
 * (`=HYPERLINK(...)`, `@SUM(1+1)*cmd|' /C calc'!A0`), run when an operator opens the export.
 * The spreadsheet convention marks such a cell as text with a leading apostrophe; a value that
 * already starts with apostrophes before such a character gets one more, so reading strips
 * exactly one and every value comes back as it was.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

const asText = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

const fromText = (cell: string): string =>
  cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;

const csvRowToRule = (row: Record<string, string>): Record<string, unknown> => {
  const cell = (column: string): string | undefined => {
    const value = row[column]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const textCell = (column: string): string | undefined => {
    const value = cell(column);
    return value === undefined ? undefined : fromText(value);
  };
  const match: Record<string, string> = {};
  for (const column of MATCH_ATTRIBUTES) {
    const value = textCell(column);
    if (value !== undefined) match[column] = value;
  }
  const phone: Record<string, unknown> = {};
  setIfPresent(phone, "type", cell("phoneType")?.toUpperCase());
  setIfPresent(phone, "autoAccept", booleanCell(cell("autoAccept")));
  setIfPresent(phone, "afterContactWorkTimeLimit", numberCell(cell("afterContactWorkTimeLimit")));
  const rule: Record<string, unknown> = {
    ruleId: textCell("ruleId"),
    match,
    routingProfile: textCell("routingProfile"),
    securityProfiles: (textCell("securityProfiles") ?? "")
      .split("|")
      .map((profile) => profile.trim())
      .filter((profile) => profile !== ""),
    phone,
  };
  setIfPresent(rule, "priority", numberCell(cell("priority")));
  setIfPresent(rule, "enabled", booleanCell(cell("enabled")));
  setIfPresent(rule, "hierarchyGroup", textCell("hierarchyGroup"));
  return rule;
};

const setIfPresent = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (value !== undefined) target[key] = value;
};

// Unparseable cells stay text so the schema reports them against their column. Exponents are
// allowed because formatRulesCsv writes String(priority), e.g. "1e-7" or "1e+21".
const numberCell = (value: string | undefined): unknown =>
  value === undefined
    ? undefined
    : /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)
      ? Number(value)
      : value;

const booleanCell = (value: string | undefined): unknown => {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (["true", "yes", "y", "1"].includes(lower)) return true;
  if (["false", "no", "n", "0"].includes(lower)) return false;
  return value;
};

const csvCell = (value: string): string =>
  /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
