/**
 * Input an attacker or a careless operator would send, through the whole local stack over HTTP
 * (issue 10): each case was reproduced here before its fix.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 1, timeoutMs: 10_000, drainTimeoutMs: 60_000 };

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const careRule = () => sampleRules().find((r) => r.ruleId === "cc-agents");

describe("hostile wildcard rules", () => {
  it("matches a hostile pattern against a long value without stalling the environment", async () => {
    // With the old backtracking regex, the first rule alone blocked the event loop for hours.
    stack = await startSampleStack({
      rules: [
        { ...careRule(), ruleId: "hostile", priority: 90, match: { jobTitle: "*a*a*a*a*a*a*b" } },
        {
          ...careRule(),
          ruleId: "long-titles",
          priority: 50,
          match: { jobTitle: "*a*a*a*a*a*a*" },
        },
      ] as never,
    });
    const report = await runPipeline(
      stack,
      [
        hireBody({
          employeeId: "E-long",
          workEmail: "long@example.com",
          jobTitle: "a".repeat(256),
        }),
        hireBody({
          employeeId: "E-b",
          workEmail: "b@example.com",
          jobTitle: `${"a".repeat(255)}b`,
        }),
      ],
      FAST,
    );
    expect(report.deadLetters).toEqual([]);
    const ruleOf = (employeeId: string) =>
      stack?.eventBridge.events().find((e) => e.detail.employeeId === employeeId)?.detail.ruleId;
    expect(ruleOf("E-long")).toBe("long-titles");
    expect(ruleOf("E-b")).toBe("hostile");
  });
});
