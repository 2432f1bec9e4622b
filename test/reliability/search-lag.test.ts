/**
 * Connect's search index lags writes by 3 s while duplicates arrive: every hire is sent twice
 * back to back, and 20% of CreateUser responses are lost after the write. The copy that loses
 * the race, and the retry whose first response vanished, both meet DuplicateResourceException
 * for a user SearchUsers cannot see yet: they must find it by paging ListUsers (the instance
 * holds 1,500 other users, so the new ones are on the second page), not give up, not create a
 * second one.
 */
import { expect, it } from "vitest";
import { generateHires } from "./support/hires.js";
import {
  fillerUsers,
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

it(
  "adopts users the lagging search index cannot see yet",
  async () => {
    const hires = generateHires({ seed: 31, count: 200, prefix: "SL" });
    const scenario = await Scenario.start({
      name: "search-index-lag",
      seed: 31,
      // 1,500 users first: a fresh user is on ListUsers' second page of 1,000.
      preExisting: [...fillerUsers(1_490), ...preExistingUsers(hires.slice(0, 10))],
      connect: { searchLagMs: 3_000 },
      visibilityTimeoutSeconds: 8,
    });
    let verdict: Verdict | undefined;
    try {
      scenario.stack.connect.setFaults("CreateUser", { dropAfterRate: 0.2 });
      const consumers = scenario.consumers({ timeoutMs: 6_000 });
      await scenario.send(hires.flatMap((hire) => [hire.body, hire.body]));
      scenario.count("body-sent-twice-back-to-back", hires.length);
      scenario.count("search-lag-ms", 3_000);
      const drained = await scenario.drain(consumers);
      scenario.count("listusers-pages-read", scenario.callsTo("ListUsers"));
      verdict = await scenario.verify({ hires }, drained);
      // The lagging index hid users that CreateUser had made (its answer dropped): finding them
      // by username fell back to ListUsers, whose fresh users are on the second page of 1,000.
      expect(scenario.callsTo("ListUsers")).toBeGreaterThanOrEqual(2);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);
