/**
 * Connect misbehaves on every API: 10% InternalServiceException (500), connections reset
 * before the request runs (2%), CreateUser connections reset AFTER the user was written (5%:
 * the response is lost, the retry meets DuplicateResourceException), and latency spikes (every
 * 1.5 s, 0.6 s of 400-1500 ms per call on top of the usual 0-30 ms).
 */
import { expect, it } from "vitest";
import { generateHires } from "./support/hires.js";
import {
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

it(
  "provisions every hire exactly once through Connect 5xx, resets and latency spikes",
  async () => {
    const hires = generateHires({ seed: 11, count: 250, prefix: "CF" });
    const scenario = await Scenario.start({
      name: "connect-5xx-drops-latency",
      seed: 11,
      preExisting: preExistingUsers(hires.slice(0, 10)),
      // The 6 s function timeout, and room after it for the deletes (scenario.ts, consumers()).
      visibilityTimeoutSeconds: 8,
    });
    let verdict: Verdict | undefined;
    const { connect } = scenario.stack;
    // "*" covers every API without an entry of its own; the sample seed gives CreateUser one.
    const setAll = (faults: Parameters<typeof connect.setFaults>[1]) => {
      connect.setFaults("*", faults);
      connect.setFaults("CreateUser", faults);
    };
    setAll({ errorRate: 0.1, dropRate: 0.02, latencyMs: [0, 30] });
    connect.setFaults("CreateUser", { dropAfterRate: 0.05 });
    const spikes = setInterval(() => {
      setAll({ latencyMs: [400, 1_500] });
      scenario.count("latency-spikes");
      setTimeout(() => setAll({ latencyMs: [0, 30] }), 600);
    }, 1_500);
    try {
      const consumers = scenario.consumers({ timeoutMs: 6_000 });
      await scenario.send(hires.map((hire) => hire.body));
      const drained = await scenario.drain(consumers);
      clearInterval(spikes);
      verdict = await scenario.verify({ hires }, drained);
    } finally {
      clearInterval(spikes);
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
    expect(verdict?.figures.faults["connect-dropped-after-write"]).toBeGreaterThan(0);
  },
  SCENARIO_TIMEOUT_MS,
);
