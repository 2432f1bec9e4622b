/**
 * The operator's replay: hires fail permanently because a mapping rule is missing (Finance)
 * and a security profile does not exist yet ("Quality Auditor"); poison sits in the DLQ too.
 * After the causes are fixed (a rule added to the table, the profile created in Connect), the
 * whole DLQ is redriven with NEW message IDs to the same warm Lambda environments: the fixed
 * hires must be provisioned once, the rest (Legal has still no rule, poison is still poison)
 * parked again with the same reason, nothing lost, nothing twice.
 */
import { expect, it } from "vitest";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { generateHires, generatePoison, type Hire } from "./support/hires.js";
import {
  type Expected,
  preExistingUsers,
  type RawRule,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

const FINANCE_RULE = {
  ruleId: "finance-analysts",
  priority: 0,
  enabled: true,
  match: { department: "Finance" },
  routingProfile: "Basic Routing Profile",
  securityProfiles: ["Agent"],
  hierarchyGroup: "Remote Team",
  phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
  tags: { costCenter: "FI-400" },
} satisfies MappingRule & RawRule;

it(
  "after the causes are fixed, a full DLQ redrive provisions each fixed hire once",
  async () => {
    const hires = generateHires({
      seed: 37,
      count: 200,
      prefix: "RD",
      mix: { "cc-agents": 0.3, "sales-desk": 0.2, none: 0.25, "quality-auditors": 0.25 },
    });
    const poison = generatePoison("RD").filter((p) => /^(not-json|shape|type):/.test(p.label));
    const department = (hire: Hire) => String(hire.employee.department);
    const scenario = await Scenario.start({
      name: "dlq-redrive-after-fix",
      seed: 37,
      preExisting: preExistingUsers(hires.filter((h) => h.target === "cc-agents").slice(0, 10)),
      // Warm environments keep rules and profiles cached for 60 s, as by default.
      functionEnv: { MAPPING_CACHE_TTL_SECONDS: "60", PROFILE_CACHE_TTL_SECONDS: "60" },
    });
    let verdict: Verdict | undefined;
    try {
      const consumers = scenario.consumers({ timeoutMs: 6_000 });
      await scenario.send([...hires.map((hire) => hire.body), ...poison.map((p) => p.body)]);
      const first = await scenario.drain(consumers);
      const before = await scenario.verify(
        {
          hires,
          poison,
          expected: (hire): Expected =>
            hire.target === "none"
              ? { kind: "parked", reason: "NoMappingRule" }
              : hire.target === "quality-auditors"
                ? { kind: "parked", reason: "ProfileNotFound" }
                : { kind: "provisioned" },
        },
        first,
      );
      expect(before.violations).toEqual([]);

      // The fixes, then the replay onto the same (warm) environments.
      await scenario.stack.table.putRules([{ ...FINANCE_RULE }]);
      const auditor = scenario.stack.connect.addSecurityProfile({ name: "Quality Auditor" });
      const redriven = await scenario.redriveDlq();
      scenario.count("dlq-messages-redriven", redriven);
      const second = await scenario.drain(consumers);
      verdict = await scenario.verify(
        {
          hires,
          poison,
          addedProfiles: { "Quality Auditor": auditor },
          addedRules: [FINANCE_RULE],
          expected: (hire): Expected =>
            hire.target !== "none"
              ? { kind: "provisioned" }
              : department(hire) === "Finance"
                ? { kind: "provisioned", ruleId: FINANCE_RULE.ruleId }
                : { kind: "parked", reason: "NoMappingRule" },
        },
        second,
      );
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
    expect(verdict?.figures.parked.NoMappingRule).toBe(
      hires.filter((hire) => hire.target === "none" && department(hire) === "Legal").length,
    );
    expect(verdict?.figures.parked.ProfileNotFound).toBeUndefined();
  },
  SCENARIO_TIMEOUT_MS,
);
