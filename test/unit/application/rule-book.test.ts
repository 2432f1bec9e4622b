/** RuleBook: the mapping rules, cached per environment, and the reload after a miss. */
import { describe, expect, it } from "vitest";
import { RuleBook } from "../../../shared/application/rule-book.js";
import {
  MappingTableUnavailableError,
  NoMappingRuleError,
} from "../../../shared/domain/failures.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { FakeClock } from "../../support/fake-clock.js";
import { CALLS, InMemoryMappingRules, RecordingLog } from "../../support/fake-ports.js";

const OPTIONS = { ttlMs: 60_000, missRefreshMs: 1_000 };
const care = rule({ ruleId: "care", match: { department: "Customer Care" } });
const finance = rule({ ruleId: "finance", match: { department: "Finance" } });
const financeHire = hiredEvent({ employee: { department: "Finance" } }).employee;

const setUp = (rules = [care]) => {
  const clock = new FakeClock(0);
  const source = new InMemoryMappingRules(rules);
  const log = new RecordingLog();
  return { clock, source, log, book: new RuleBook(source, OPTIONS, clock, log) };
};

describe("RuleBook", () => {
  it("loads the rules once for the TTL, then again", async () => {
    const { book, source, clock } = setUp();
    const employee = hiredEvent().employee;
    expect((await book.ruleFor(employee, CALLS)).rule.ruleId).toBe("care");
    await book.ruleFor(employee, CALLS);
    expect(source.loads).toBe(1);
    clock.advance(60_001);
    await book.ruleFor(employee, CALLS);
    expect(source.loads).toBe(2);
  });

  it("reloads once on a miss when the rules are old enough: a rule just added counts", async () => {
    const { book, source, clock } = setUp();
    await book.ruleFor(hiredEvent().employee, CALLS);
    source.rules = [care, finance];
    clock.advance(1_001);
    expect((await book.ruleFor(financeHire, CALLS)).rule.ruleId).toBe("finance");
    expect(source.loads).toBe(2);
  });

  it("does not reload on a miss within a second of the last load, and names what it matched on", async () => {
    const { book, source } = setUp();
    await book.ruleFor(hiredEvent().employee, CALLS);
    const missing = book.ruleFor(financeHire, CALLS);
    await expect(missing).rejects.toBeInstanceOf(NoMappingRuleError);
    await expect(missing).rejects.toThrow(
      'no enabled mapping rule matches department="Finance", jobTitle="Agent II", jobCode="CC-AG2", location="Austin", country="US", employmentType="FULL_TIME"',
    );
    expect(source.loads).toBe(1);
  });

  it("names the attributes any rule matches on, which the ledger keeps", async () => {
    const { book } = setUp([
      care,
      rule({ ruleId: "desk", match: { costCenter: "CC-1", location: "Austin" } }),
    ]);
    const choice = await book.ruleFor(hiredEvent().employee, CALLS);
    expect([...choice.matchKeys].sort()).toEqual(["costCenter", "department", "location"]);
  });

  it("warns about invalid items, naming the rule and the problem, and uses the rest", async () => {
    const { book, source, log } = setUp();
    source.invalid = [{ ruleId: "broken", problem: "securityProfiles: is required" }];
    expect((await book.ruleFor(hiredEvent().employee, CALLS)).rule.ruleId).toBe("care");
    expect(log.entries).toEqual([
      {
        level: "warn",
        message: "Skipping an invalid mapping rule",
        extra: { ruleId: "broken", problem: "securityProfiles: is required" },
      },
    ]);
  });

  it("passes on a table that cannot be read, and does not cache the failure", async () => {
    const { book, source } = setUp();
    source.faults.failNext(new MappingTableUnavailableError("mapping table t could not be read"));
    await expect(book.ruleFor(hiredEvent().employee, CALLS)).rejects.toBeInstanceOf(
      MappingTableUnavailableError,
    );
    expect((await book.ruleFor(hiredEvent().employee, CALLS)).rule.ruleId).toBe("care");
  });
});
