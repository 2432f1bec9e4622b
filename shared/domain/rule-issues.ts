/**
 * What is wrong with a mapping rule, in words an operator can act on (DESIGN section 3, strict
 * files): the key, the value found and what was expected, and for an unknown key the nearest
 * known one. Rules hold no personal data, so their values may be quoted.
 */
import type * as z from "zod/mini";
import { nearestKey } from "./nearest-key.js";

/** One problem: `path` names the key (`phone.type`); `message` completes the sentence. */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

/** "priority must be a number, got "high"". */
export const describeRuleIssue = (issue: RuleIssue): string => `${issue.path} ${issue.message}`;

export const describeRuleIssues = (issues: readonly RuleIssue[]): string =>
  issues.map(describeRuleIssue).join("; ");

const MAX_QUOTE = 60;

/** A value as it would be written in the file, cut short. */
export const quoteValue = (value: unknown): string => {
  const text =
    typeof value === "number" || typeof value === "bigint"
      ? String(value)
      : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;
};

const EXPECTED: Readonly<Record<string, string>> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

/**
 * Turns zod's issues into rule issues. `knownKeysAt` gives the keys an object at a path may
 * have, for the suggestion after an unknown key.
 */
export const describeIssues = (
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  knownKeysAt: (path: readonly PropertyKey[]) => readonly string[],
): RuleIssue[] =>
  issues.flatMap((issue): RuleIssue[] => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(issue.path);
      return issue.keys.map((key) => {
        const nearest = nearestKey(key, known);
        return {
          path: pathText([...issue.path, key]),
          message: nearest
            ? `is not a known key; did you mean "${nearest}"?`
            : `is not a known key (known keys: ${known.join(", ")})`,
        };
      });
    }
    return [{ path: pathText(issue.path), message: describe(issue, valueAt(input, issue.path)) }];
  });

const describe = (issue: z.core.$ZodIssue, value: unknown): string => {
  const got = `got ${quoteValue(value)}`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "is required";
      return `must be ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}, ${got}`;
    case "too_small": {
      const minimum = String(issue.minimum);
      if (issue.origin === "string") {
        return issue.minimum === 1 ? "must not be empty" : `must be at least ${minimum} characters`;
      }
      if (issue.origin === "array") {
        return `must have at least ${minimum} item${minimum === "1" ? "" : "s"}, ${got}`;
      }
      return `must be at least ${minimum}, ${got}`;
    }
    case "too_big": {
      const maximum = String(issue.maximum);
      if (issue.origin === "string") {
        return `must be at most ${maximum} characters, got ${String(value).length}`;
      }
      if (issue.origin === "array") {
        return `must have at most ${maximum} items, got ${Array.isArray(value) ? value.length : got}`;
      }
      return `must be at most ${maximum}, ${got}`;
    }
    case "invalid_value":
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, ${got}`;
    default:
      return `${issue.message}, ${got}`;
  }
};

const pathText = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? "the rule" : path.map(String).join(".");

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      typeof node === "object" && node !== null && Object.hasOwn(node, key)
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined,
    root,
  );
