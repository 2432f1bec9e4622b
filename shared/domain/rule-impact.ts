/**
 * What a rule change would do to the employees the service manages, before it is written
 * (`onboard mappings import --impact`): each employee's match attributes, as the ledger kept
 * them, against the new rules, and what their Connect setup would become. Pure.
 */
import type { LedgerEntry } from "./ledger.js";
import { MATCH_ATTRIBUTES, type MappingRule, RuleSet } from "./mapping-rule.js";

/** One aspect a rule gives its users that the change alters, with the rule's own wording. */
export type RuleAspectChange =
  | { readonly aspect: "routingProfile"; readonly from: string; readonly to: string }
  | {
      readonly aspect: "securityProfiles";
      readonly from: readonly string[];
      readonly to: readonly string[];
    }
  | { readonly aspect: "hierarchyGroup"; readonly from: string | null; readonly to: string | null }
  | {
      readonly aspect: "phoneConfig";
      readonly from: MappingRule["phone"];
      readonly to: MappingRule["phone"];
    }
  | {
      readonly aspect: "tags";
      readonly from: Readonly<Record<string, string>>;
      readonly to: Readonly<Record<string, string>>;
    };

/** The employees that go from one rule to another (or stay on a rule that changes). */
export interface RuleMove {
  /** The rule the ledger says applied last. */
  readonly from: string;
  /** The rule the new rules give; null when none matches (their next event fails). */
  readonly to: string | null;
  readonly employeeIds: readonly string[];
  /**
   * What their users would get that differs; null when it cannot be told: the rule they are on
   * is no longer in the table, or no rule matches.
   */
  readonly changes: readonly RuleAspectChange[] | null;
}

export interface RuleImpact {
  /** Moves first by size, then by rule: the biggest effect on top. */
  readonly moves: readonly RuleMove[];
  readonly totals: {
    /** Managed employees the ledger holds as active, with what the rules look at. */
    readonly employees: number;
    /** Going to another rule. */
    readonly moving: number;
    /** Staying on their rule, which changes what it gives. */
    readonly changing: number;
    /** Matching no rule any more: their next event is parked as NoMappingRule. */
    readonly unmatched: number;
    readonly unaffected: number;
  };
  /**
   * Match keys of the new rules the ledger never recorded (it keeps the usual match columns and
   * the keys of the rules in force when each change was applied): read as absent.
   */
  readonly unrecordedKeys: readonly string[];
}

export interface ImpactInput {
  /** The ledger's employees; only active ones with an applied rule are judged. */
  readonly employees: readonly Pick<
    LedgerEntry,
    "employeeId" | "status" | "ruleId" | "matchAttributes"
  >[];
  /** The rules in force (the table). */
  readonly before: readonly MappingRule[];
  /** The rules after the change. */
  readonly after: readonly MappingRule[];
}

export const ruleImpact = ({ employees, before, after }: ImpactInput): RuleImpact => {
  const next = new RuleSet(after);
  const current = new Map(before.map((rule) => [rule.ruleId, rule]));
  const changed = new Map(after.map((rule) => [rule.ruleId, rule]));
  const groups = new Map<string, { from: string; to: string | null; employeeIds: string[] }>();
  let judged = 0;
  for (const employee of employees) {
    if (employee.status !== "ACTIVE" || employee.ruleId === undefined) continue;
    judged++;
    const to = next.select(employee.matchAttributes)?.ruleId ?? null;
    const from = employee.ruleId;
    if (to === from && sameSetup(current.get(from), changed.get(to))) continue;
    const key = JSON.stringify([from, to]);
    const group = groups.get(key) ?? { from, to, employeeIds: [] };
    group.employeeIds.push(employee.employeeId);
    groups.set(key, group);
  }
  const moves: RuleMove[] = [...groups.values()].map((group) => {
    const was = current.get(group.from);
    const will = group.to === null ? undefined : changed.get(group.to);
    return {
      from: group.from,
      to: group.to,
      employeeIds: group.employeeIds.sort(compare),
      changes: was && will ? aspectChanges(was, will) : null,
    };
  });
  moves.sort(
    (a, b) =>
      b.employeeIds.length - a.employeeIds.length ||
      compare(a.from, b.from) ||
      compare(a.to ?? "", b.to ?? ""),
  );
  const count = (test: (move: RuleMove) => boolean) =>
    moves.filter(test).reduce((sum, move) => sum + move.employeeIds.length, 0);
  const moving = count((move) => move.to !== null && move.to !== move.from);
  const changing = count((move) => move.to === move.from);
  const unmatched = count((move) => move.to === null);
  const recorded = new Set<string>([...MATCH_ATTRIBUTES, ...new RuleSet(before).matchKeys]);
  return {
    moves,
    totals: {
      employees: judged,
      moving,
      changing,
      unmatched,
      unaffected: judged - moving - changing - unmatched,
    },
    unrecordedKeys: next.matchKeys.filter((key) => !recorded.has(key)).sort(compare),
  };
};

/** Every aspect of a user's setup the two rules give differently, in the order of DESIGN 7. */
export const aspectChanges = (from: MappingRule, to: MappingRule): RuleAspectChange[] => {
  const changes: RuleAspectChange[] = [];
  if (from.routingProfile !== to.routingProfile) {
    changes.push({ aspect: "routingProfile", from: from.routingProfile, to: to.routingProfile });
  }
  const was = [...new Set(from.securityProfiles)].sort(compare);
  const will = [...new Set(to.securityProfiles)].sort(compare);
  if (was.join("\n") !== will.join("\n")) {
    changes.push({ aspect: "securityProfiles", from: was, to: will });
  }
  if ((from.hierarchyGroup ?? null) !== (to.hierarchyGroup ?? null)) {
    changes.push({
      aspect: "hierarchyGroup",
      from: from.hierarchyGroup ?? null,
      to: to.hierarchyGroup ?? null,
    });
  }
  if (
    from.phone.type !== to.phone.type ||
    from.phone.autoAccept !== to.phone.autoAccept ||
    from.phone.afterContactWorkTimeLimit !== to.phone.afterContactWorkTimeLimit
  ) {
    changes.push({ aspect: "phoneConfig", from: from.phone, to: to.phone });
  }
  if (sortedJson(from.tags) !== sortedJson(to.tags)) {
    changes.push({ aspect: "tags", from: from.tags, to: to.tags });
  }
  return changes;
};

const sameSetup = (a: MappingRule | undefined, b: MappingRule | undefined): boolean =>
  a !== undefined && b !== undefined && aspectChanges(a, b).length === 0;

const sortedJson = (record: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(record).sort(([a], [b]) => compare(a, b)));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
