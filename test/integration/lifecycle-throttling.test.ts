/**
 * Throttling on each Connect API separately (DESIGN section 4a), while movers need every aspect
 * of their users changed: Connect's quotas are per API, so one API saying "too fast" slows that
 * API alone, and every change is still applied exactly once and announced once. Here every
 * other call to the API is throttled, which the function's backoff absorbs;
 * lifecycle-redelivery.test.ts throttles it past one invocation's retries.
 */
import { afterEach, describe, expect, it } from "vitest";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { apiStats, CHANGE_APIS, environments, runUntilDrained } from "../support/lifecycle.js";
import {
  expectMovedOnce,
  hireMovers,
  MOVER_APIS,
  MOVER_TIMEOUT_MS,
  MOVES,
} from "../support/movers.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Rolls that throttle every other call at a throttle rate of 0.5: the first, the third, ... */
const everyOther = () => {
  let n = 0;
  return () => (n++ % 2 === 0 ? 0.25 : 0.75);
};

describe.each(MOVER_APIS)("throttling on %s alone", (api) => {
  it("every other call throttled: backed off and retried, every change applied once", async () => {
    const hired = await hireMovers();
    const s = hired.stack;
    stack = s;
    const before = apiStats(s, CHANGE_APIS);
    hired.useRandom(everyOther());
    s.connect.setFaults(api, { throttleRate: 0.5 });

    await enqueue(s.sqs, s.queues.queueUrl, MOVES);
    await runUntilDrained(s, environments(s, { count: 2, timeoutMs: MOVER_TIMEOUT_MS }));

    expect(s.connect.stats()[api]?.throttled).toBeGreaterThan(0);
    // Throttling one API throttles no other, before or after.
    for (const other of MOVER_APIS) {
      if (other !== api) expect(s.connect.stats()[other]?.throttled, other).toBe(0);
    }
    await expectMovedOnce(s, before);
  });
});
