import type { Employee } from "../domain/employee-event.js";
import { NoMappingRuleError } from "../domain/failures.js";
import { MATCH_ATTRIBUTES, type MappingRule, RuleSet } from "../domain/mapping-rule.js";
import type { MappingRuleSource } from "../ports.js";
import type { Clock } from "./clock.js";
import type { Log } from "./log.js";
import { TtlCache } from "./ttl-cache.js";

export interface RuleBookOptions {
  readonly ttlMs: number;
  /** After a miss, reload rules older than this: an operator may just have added the rule. */
  readonly missRefreshMs: number;
}

/** The mapping rules, cached per Lambda environment, answering "which rule fits this hire?". */
export class RuleBook {
  readonly #cache: TtlCache<RuleSet>;

  constructor(
    source: MappingRuleSource,
    private readonly options: RuleBookOptions,
    clock: Clock,
    log: Log,
  ) {
    this.#cache = new TtlCache(
      async () =>
        new RuleSet(
          await source.loadRules((ruleId, problem) =>
            log.warn("Skipping an invalid mapping rule", { ruleId, problem }),
          ),
        ),
      options.ttlMs,
      clock,
    );
  }

  rules(): Promise<RuleSet> {
    return this.#cache.get();
  }

  async ruleFor(employee: Employee): Promise<MappingRule> {
    const winner = (await this.#cache.get()).select(employee.attributes);
    if (winner) return winner;
    const retried = (await this.#cache.refresh(this.options.missRefreshMs)).select(
      employee.attributes,
    );
    if (retried) return retried;
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
