/**
 * Throttling on one Connect API that outlasts an invocation's retries (DESIGN sections 4 and
 * 8): the records go back to SQS, and the redelivery applies what is left. The changes that
 * did go through are on record in the ledger's claim, so none is made twice and the one
 * Updated event still lists them all, whichever attempt made each.
 */
import { afterEach, describe, expect, it } from "vitest";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { apiStats, CHANGE_APIS, environments, runUntilDrained } from "../support/lifecycle.js";
import { expectMovedOnce, hireMovers, MOVER_TIMEOUT_MS, MOVES } from "../support/movers.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe.each(CHANGE_APIS)("throttling on %s alone", (api) => {
  it("for longer than an invocation's retries: the redelivery finishes, nothing twice", async () => {
    const hired = await hireMovers();
    const s = hired.stack;
    stack = s;
    const before = apiStats(s, CHANGE_APIS);
    s.connect.setFaults(api, { throttleRate: 1 });
    let handedBack = 0;

    await enqueue(s.sqs, s.queues.queueUrl, MOVES);
    await runUntilDrained(
      s,
      environments(s, {
        count: 2,
        timeoutMs: MOVER_TIMEOUT_MS,
        // The throttling ends once an invocation has given records back to SQS.
        onInvoke: (_, invocation) => {
          handedBack += invocation.failedItems.length;
          if (invocation.failedItems.length > 0) s.connect.setFaults(api, { throttleRate: 0 });
        },
      }),
    );

    expect(handedBack).toBeGreaterThan(0);
    expect(s.connect.stats()[api]?.throttled).toBeGreaterThan(0);
    await expectMovedOnce(s, before);
  });
});
