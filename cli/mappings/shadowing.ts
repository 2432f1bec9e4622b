/**
 * Rules that can never win. A rule is shadowed when a rule tried before it (DESIGN section 3's
 * winner order) matches every employee it matches: that earlier rule, or another before it,
 * wins every such hire.
 *
 * Decided exactly for patterns made of literal text and `*`, under one assumption: an attribute
 * may hold any text. Then a union of earlier rules covers a rule only if one of them covers it
 * alone (take an employee whose attributes fill every `*` of the rule with a character that no
 * pattern mentions: whichever earlier rule matches that employee matches all of the rule's
 * employees), so checking rules pairwise is complete, and `globCovers` decides each pair.
 * Where an attribute's values are constrained (workEmail must be an email, a phone E.164),
 * a shadow that relies on the constraint is not reported: the check never claims a shadow
 * that is not there, but may miss one of those.
 */
import { foldMatchValue, type MappingRule, rankRules } from "../../shared/domain/mapping-rule.js";

export interface Shadow {
  readonly ruleId: string;
  /** The first rule in winner order that matches everything this one matches. */
  readonly by: string;
}

/** Every enabled rule that can never win, with the rule that takes its hires. */
export const findShadowedRules = (rules: readonly MappingRule[]): Shadow[] => {
  const ranked = rankRules(rules).map(({ rule }) => rule);
  const shadows: Shadow[] = [];
  ranked.forEach((rule, index) => {
    const by = ranked.slice(0, index).find((earlier) => ruleCovers(earlier, rule));
    if (by) shadows.push({ ruleId: rule.ruleId, by: by.ruleId });
  });
  return shadows;
};

/** Does `a` match every employee `b` matches? */
export const ruleCovers = (a: MappingRule, b: MappingRule): boolean =>
  Object.entries(a.match).every(([key, pattern]) =>
    // A key `b` does not constrain can hold anything, absent included: only "*" takes it all.
    globCovers(
      foldMatchValue(pattern),
      b.match[key] === undefined ? "*" : foldMatchValue(b.match[key]),
    ),
  );

/**
 * Does glob `a` match every string glob `b` matches (`*` any run of characters, the rest
 * literal)? Each `*` of `b` stands for text `a` knows nothing about, so only a `*` of `a` may
 * absorb it; a literal of `a` must meet the same literal in `b`.
 */
export const globCovers = (a: string, b: string): boolean => {
  const pattern = [...a];
  const subject = collapseStars([...b]);
  // matched[j]: pattern[0..i) matches subject[0..j), for the current i.
  let matched = subject.map(() => false).concat(false);
  matched[0] = true;
  for (const symbol of pattern) {
    const next = subject.map(() => false).concat(false);
    if (symbol === "*") {
      // A star matches any run, stars of `b` included.
      for (let j = 0; j <= subject.length; j++)
        next[j] = Boolean(matched[j] || (j > 0 && next[j - 1]));
    } else {
      for (let j = 1; j <= subject.length; j++) {
        next[j] = Boolean(matched[j - 1] && subject[j - 1] === symbol && symbol !== "*");
      }
    }
    matched = next;
  }
  return Boolean(matched[subject.length]);
};

const collapseStars = (symbols: string[]): string[] =>
  symbols.filter((symbol, i) => !(symbol === "*" && symbols[i - 1] === "*"));
