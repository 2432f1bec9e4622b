/**
 * Security profiles no rule may grant (DESIGN section 3, FORBIDDEN_SECURITY_PROFILES): anyone
 * who can write the mapping table or send to the queue could otherwise create Admin agents.
 * Entries are names, IDs or ARNs, like a rule's own references. Without an instance only what
 * the text shows can be compared (a name with a name, an ID or ARN by its ID); on the instance
 * the function compares resolved IDs, so a rule naming Admin by its ID is caught too.
 */
import type { MappingRule } from "./mapping-rule.js";
import { parseProfileRef } from "./profile-ref.js";

export const DEFAULT_FORBIDDEN_SECURITY_PROFILES: readonly string[] = ["Admin"];

/** The comma-separated setting as a list; blank entries are dropped. */
export const parseForbiddenProfiles = (setting: string): string[] =>
  setting
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");

/** What a reference is, compared without an instance: a folded name, or an ID. */
const textKey = (reference: string): string => {
  const ref = parseProfileRef(reference);
  return ref.by === "name" ? `name:${ref.name.toLowerCase()}` : `id:${ref.id.toLowerCase()}`;
};

/** The rule's security profile references that the list forbids on their face. */
export const forbiddenByText = (
  rule: Pick<MappingRule, "securityProfiles">,
  forbidden: readonly string[],
): string[] => {
  const keys = new Set(forbidden.map(textKey));
  return rule.securityProfiles.filter((reference) => keys.has(textKey(reference)));
};

/** The failure message, the same wherever the check runs (import, plan, the function). */
export const forbiddenMessage = (reference: string, ruleId: string, entry?: string): string =>
  `security profile ${JSON.stringify(reference)} in rule ${ruleId} is ${
    entry === undefined || textKey(entry) === textKey(reference) ? "" : `${entry}, which is `
  }forbidden by FORBIDDEN_SECURITY_PROFILES; no rule may grant it`;
