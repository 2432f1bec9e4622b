/**
 * Connect's CreateUser quota, scaled down in time but not in shape: a token bucket of 10/s
 * with a burst of 20, shared by two Lambda environments that each pace themselves at 10/s (so
 * together they ask for twice the quota), while hires arrive in bursts of 50. The 5 s function
 * timeout leaves 2 s for a batch of 10 paced at 10/s plus the backoff: records without a
 * CreateUser slot before the deadline go back to SQS rather than into the timeout.
 */
import { expect, it } from "vitest";
import { generateHires } from "./support/hires.js";
import {
  HIGH_QUOTAS,
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

it(
  "paces and backs off under a low CreateUser quota: every hire once, nothing parked",
  async () => {
    const hires = generateHires({ seed: 7, count: 200, prefix: "TH" });
    const scenario = await Scenario.start({
      name: "connect-throttling",
      seed: 7,
      connect: { quotas: { ...HIGH_QUOTAS, CreateUser: { rps: 10, burst: 20 } } },
      preExisting: preExistingUsers(hires.slice(0, 10)),
      functionEnv: { CONNECT_CREATE_USER_RPS: "10" },
      visibilityTimeoutSeconds: 7,
    });
    let verdict: Verdict | undefined;
    try {
      const consumers = scenario.consumers({ count: 2, timeoutMs: 5_000 });
      for (let burst = 0; burst < hires.length; burst += 50) {
        await scenario.send(hires.slice(burst, burst + 50).map((hire) => hire.body));
        scenario.count("bursts");
        if (burst === 0) for (const runner of consumers) runner.start();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      }
      const drained = await scenario.drain(consumers);
      verdict = await scenario.verify({ hires }, drained);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
    expect(verdict?.figures.faults["connect-throttled"]).toBeGreaterThan(0);
  },
  SCENARIO_TIMEOUT_MS,
);
