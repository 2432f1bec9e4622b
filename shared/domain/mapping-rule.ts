import * as z from "zod/mini";
import { lazy } from "./lazy.js";
import { nearestKey } from "./nearest-key.js";
import { describeIssues, type RuleIssue } from "./rule-issues.js";
import { WildcardPattern } from "./wildcard-pattern.js";

export const PHONE_TYPES = ["SOFT_PHONE", "DESK_PHONE"] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

/**
 * The employee attributes rules usually match on: the CSV layout's match columns. A rule's
 * `match` may name any other employee attribute too.
 */
export const MATCH_ATTRIBUTES = [
  "department",
  "jobTitle",
  "jobCode",
  "location",
  "country",
  "employmentType",
] as const;

// In the order the schemas declare them.
const RULE_KEY_LIST = [
  "ruleId",
  "priority",
  "enabled",
  "match",
  "routingProfile",
  "securityProfiles",
  "hierarchyGroup",
  "phone",
  "tags",
] as const;
const PHONE_KEY_LIST = ["type", "autoAccept", "afterContactWorkTimeLimit"] as const;

// Built on first use (the first rule to validate), not at import: see ./lazy.ts.
const buildSchemas = () => {
  const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(256));

  // Strict objects: a misspelt key (`hierachyGroup`) must be an error, not a setting silently lost.
  const PhoneSchema = z.strictObject({
    type: z._default(z.enum(PHONE_TYPES), "SOFT_PHONE"),
    autoAccept: z._default(z.boolean(), false),
    afterContactWorkTimeLimit: z._default(z.int().check(z.gte(0)), 0),
  } satisfies Record<(typeof PHONE_KEY_LIST)[number], z.core.$ZodType>);

  const MappingRuleSchema = z.strictObject({
    ruleId: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
    priority: z._default(z.number().check(z.refine(Number.isFinite, "must be a finite number")), 0),
    enabled: z._default(z.boolean(), true),
    match: z._default(z.record(z.string(), z.string().check(z.trim())), {}),
    routingProfile: name,
    securityProfiles: z.array(name).check(z.minLength(1), z.maxLength(10)),
    hierarchyGroup: z.optional(name),
    phone: z._default(PhoneSchema, {
      type: "SOFT_PHONE",
      autoAccept: false,
      afterContactWorkTimeLimit: 0,
    }),
    tags: z._default(z.record(z.string(), z.string()), {}),
  } satisfies Record<(typeof RULE_KEY_LIST)[number], z.core.$ZodType>);

  return { PhoneSchema, MappingRuleSchema };
};

/** The rule schemas, built once, on first use. */
export const ruleSchemas = lazy(buildSchemas);

/** One row of the mapping table: who it applies to, and what Connect setup they get. */
export type MappingRule = z.infer<ReturnType<typeof buildSchemas>["MappingRuleSchema"]>;

/** The keys a rule may have, and those of its `phone`: what unknown keys are matched against. */
export const RULE_KEYS: readonly string[] = RULE_KEY_LIST;
export const PHONE_KEYS: readonly string[] = PHONE_KEY_LIST;

export type { RuleIssue } from "./rule-issues.js";

export type RuleValidation =
  | { readonly ok: true; readonly rule: MappingRule }
  | { readonly ok: false; readonly ruleId?: string; readonly issues: readonly RuleIssue[] };

/**
 * Validates one rule from a file or the table. Each issue names the key, the value found and
 * what was expected (rules hold no personal data, so values may be quoted), and an unknown key
 * comes with the nearest known one.
 */
export const validateMappingRule = (candidate: unknown): RuleValidation => {
  const result = ruleSchemas().MappingRuleSchema.safeParse(candidate);
  if (result.success) return { ok: true, rule: result.data };
  const ruleId =
    typeof candidate === "object" && candidate !== null && "ruleId" in candidate
      ? String(candidate.ruleId)
      : undefined;
  const issues = describeIssues(result.error.issues, candidate, (path) =>
    path.length === 0 ? RULE_KEYS : path.length === 1 && path[0] === "phone" ? PHONE_KEYS : [],
  );
  return ruleId === undefined ? { ok: false, issues } : { ok: false, ruleId, issues };
};

/**
 * Match keys that are no known employee attribute: a warning, not an error, since events may
 * carry custom attributes. `knownAttributes` is the employee's fields plus whatever custom
 * attributes the deployment declares (source mappings will add theirs here).
 */
export const matchKeyWarnings = (
  rule: Pick<MappingRule, "match">,
  knownAttributes: readonly string[],
): RuleIssue[] =>
  Object.keys(rule.match)
    .filter((key) => !knownAttributes.includes(key))
    .map((key) => {
      const nearest = nearestKey(key, knownAttributes);
      return {
        path: `match.${key}`,
        message: nearest
          ? `is not a known employee field; did you mean "${nearest}"?`
          : "is not a known employee field: the rule applies only to events that carry it",
      };
    });

/** A rule that applies to an employee, with the number of match keys that made it apply. */
export interface RuleMatch {
  readonly rule: MappingRule;
  readonly specificity: number;
}

type Matcher = (attributes: Readonly<Record<string, string>>) => boolean;

interface CompiledRule extends RuleMatch {
  readonly matches: Matcher;
}

/**
 * The enabled rules, compiled once and kept in winner order (highest priority, then most match
 * keys, then lowest ruleId), so the first rule that applies is the winner whatever order the
 * table returned them in.
 */
export class RuleSet {
  readonly #rules: readonly CompiledRule[];
  /** The attributes any rule looks at: the only ones worth folding for a lookup. */
  readonly #keys: readonly string[];

  constructor(rules: readonly MappingRule[]) {
    this.#rules = rules
      .filter((rule) => rule.enabled)
      .map(compileRule)
      .sort(byWinnerOrder);
    this.#keys = [...new Set(this.#rules.flatMap(({ rule }) => Object.keys(rule.match)))];
  }

  get size(): number {
    return this.#rules.length;
  }

  /** The employee attributes any enabled rule matches on. */
  get matchKeys(): readonly string[] {
    return this.#keys;
  }

  /** The winning rule for these employee attributes, if any rule applies. */
  select(attributes: Readonly<Record<string, string>>): MappingRule | undefined {
    const folded = foldKeys(attributes, this.#keys);
    return this.#rules.find((rule) => rule.matches(folded))?.rule;
  }

  /** Every applicable rule, winner first: what `onboard plan` shows. */
  matchesFor(attributes: Readonly<Record<string, string>>): RuleMatch[] {
    const folded = foldKeys(attributes, this.#keys);
    return this.#rules
      .filter((rule) => rule.matches(folded))
      .map(({ rule, specificity }) => ({ rule, specificity }));
  }
}

const compileRule = (rule: MappingRule): CompiledRule => {
  const conditions = Object.entries(rule.match).map(([key, pattern]) =>
    compileCondition(key, pattern),
  );
  return {
    rule,
    specificity: conditions.length,
    matches: (attributes) => conditions.every((condition) => condition(attributes)),
  };
};

// Values compare case-insensitively after trimming; an absent attribute reads as "".
// Matchers receive attributes already folded, once per lookup rather than once per rule.
const compileCondition = (key: string, pattern: string): Matcher => {
  const wanted = WildcardPattern.compile(fold(pattern));
  return (folded) => wanted.matches(folded[key] ?? "");
};

const fold = (value: string): string => value.trim().normalize("NFC").toLowerCase();

const foldKeys = (
  attributes: Readonly<Record<string, string>>,
  keys: readonly string[],
): Record<string, string> => {
  const folded: Record<string, string> = Object.create(null);
  for (const key of keys) {
    // Own properties only: a rule keyed "constructor" must not read Object.prototype's.
    if (Object.hasOwn(attributes, key)) folded[key] = fold(attributes[key] ?? "");
  }
  return folded;
};

const byWinnerOrder = (a: RuleMatch, b: RuleMatch): number =>
  b.rule.priority - a.rule.priority ||
  b.specificity - a.specificity ||
  (a.rule.ruleId < b.rule.ruleId ? -1 : a.rule.ruleId > b.rule.ruleId ? 1 : 0);

/**
 * The enabled rules in the order `select` tries them, each with its specificity. Analyses of a
 * whole table (which rules can never win) must walk the very order the function uses.
 */
export const rankRules = (rules: readonly MappingRule[]): RuleMatch[] =>
  rules
    .filter((rule) => rule.enabled)
    .map(compileRule)
    .sort(byWinnerOrder)
    .map(({ rule, specificity }) => ({ rule, specificity }));

/** How match values and employee attributes are compared: trimmed, NFC, lower-cased. */
export const foldMatchValue = (value: string): string => fold(value);
