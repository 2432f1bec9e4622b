import type { Employee } from "../domain/employee-event.js";
import { NoMappingRuleError } from "../domain/failures.js";
import { MATCH_ATTRIBUTES, type MappingRule, RuleSet } from "../domain/mapping-rule.js";
import type { CallContext, MappingRuleSource } from "../ports.js";
import type { Clock } from "./clock.js";
import type { Log } from "./log.js";
import { TtlCache } from "./ttl-cache.js";

export interface RuleBookOptions {
  readonly ttlMs: number;
  /** After a miss, reload rules older than this: an operator may just have added the rule. */
  readonly missRefreshMs: number;
}

export interface RuleChoice {
  readonly rule: MappingRule;
  readonly matchKeys: readonly string[];
}

/** The mapping rules, cached per Lambda environment, answering "which rule fits this hire?". */
export class RuleBook {
  readonly #cache: TtlCache<RuleSet, CallContext>;

  constructor(
    source: MappingRuleSource,
    private readonly options: RuleBookOptions,
    clock: Clock,
    log: Log,
  ) {
    this.#cache = new TtlCache(
      async (context) =>
        new RuleSet(
          await source.loadRules(context, (ruleId, problem) =>
            log.warn("Skipping an invalid mapping rule", { ruleId, problem }),
          ),
        ),
      options.ttlMs,
      clock,
    );
  }

  rules(context: CallContext): Promise<RuleSet> {
    return this.#cache.get(context);
  }

  /** The winning rule, and the attributes any rule looks at (what the ledger keeps). */
  async ruleFor(employee: Employee, context: CallContext): Promise<RuleChoice> {
    const rules = await this.#cache.get(context);
    const winner = rules.select(employee.attributes);
    if (winner) return { rule: winner, matchKeys: rules.matchKeys };
    const reloaded = await this.#cache.refresh(this.options.missRefreshMs, context);
    const retried = reloaded.select(employee.attributes);
    if (retried) return { rule: retried, matchKeys: reloaded.matchKeys };
    throw new NoMappingRuleError(`no enabled mapping rule matches ${describe(employee)}`);
  }
}

/** Quotes what rules match on, which is never a name or a contact detail. */
const describe = (employee: Employee): string => {
  const parts = MATCH_ATTRIBUTES.filter((key) => employee.attributes[key]).map(
    (key) => `${key}=${JSON.stringify(employee.attributes[key])}`,
  );
  return parts.length > 0 ? parts.join(", ") : "an employee with no department, job or location";
};
