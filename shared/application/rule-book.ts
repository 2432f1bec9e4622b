import type { Employee } from "../domain/employee-hired.js";
import { NoMappingRuleError } from "../domain/failures.js";
import { MATCH_ATTRIBUTES, type MappingRule, RuleSet } from "../domain/mapping-rule.js";
import type { MappingRuleSource } from "../ports.js";
import type { Clock } from "./clock.js";
import type { Deadline } from "./deadline.js";
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
      async (deadline) =>
        new RuleSet(
          await source.loadRules(deadline, (ruleId, problem) =>
            log.warn("Skipping an invalid mapping rule", { ruleId, problem }),
          ),
        ),
      options.ttlMs,
      clock,
    );
  }

  rules(deadline: Deadline): Promise<RuleSet> {
    return this.#cache.get(deadline);
  }

  async ruleFor(employee: Employee, deadline: Deadline): Promise<MappingRule> {
    const winner = (await this.#cache.get(deadline)).select(employee.attributes);
    if (winner) return winner;
    const retried = (await this.#cache.refresh(this.options.missRefreshMs, deadline)).select(
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
