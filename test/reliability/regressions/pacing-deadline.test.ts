/**
 * Found by the reliability suite (throttling scenario at one CreateUser per second with batches
 * of 10 and an 8 s function timeout): the pacer handed out slots past the function's deadline,
 * so records waited into the Lambda timeout. The invocation then failed as a whole: records
 * already provisioned were delivered again, and on the last delivery SQS dead-lettered the
 * whole batch without a reason. A record with no slot before the deadline is now handed back
 * to SQS at once (ConnectThrottled), the others' outcomes reported.
 */
import { expect, it } from "vitest";
import { ApiPacer } from "../../../shared/application/api-pacer.js";
import { deadlineAt } from "../../../shared/application/deadline.js";
import { silentLog } from "../../../shared/application/log.js";
import { ConnectThrottledError } from "../../../shared/domain/failures.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { FakeClock } from "../../support/fake-clock.js";
import { syncWorld } from "../../support/sync-world.js";

it("refuses, without reserving it, a slot that comes after the caller's deadline", async () => {
  const clock = new FakeClock();
  const pacer = new ApiPacer(() => 1, clock);
  const start = clock.now();
  expect(await pacer.take("CreateUser", start + 1_500)).toBe(true); // slot at +0 s
  expect(await pacer.take("CreateUser", start + 1_500)).toBe(true); // slot at +1 s
  expect(await pacer.take("CreateUser", start + 1_500)).toBe(false); // +2 s is past the deadline
  // Nothing was reserved by the refusal: the next caller with room still gets +2 s.
  expect(await pacer.take("CreateUser", start + 10_000)).toBe(true);
  expect(clock.now()).toBe(start + 2_000);
});

it("never calls CreateUser after the deadline: the records without a slot are handed back", async () => {
  const world = syncWorld({
    rules: [rule({ ruleId: "care", routingProfile: "Customer Care Routing" })],
    rps: 1,
  });
  const deadline = deadlineAt(world.clock.now() + 5_000, world.clock);

  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      world.sync.sync(
        hiredEvent({
          eventId: `e${i}`,
          employee: { employeeId: `E${i}`, workEmail: `e${i}@example.com` },
        }),
        1,
        { deadline, log: silentLog },
      ),
    ),
  );

  // Every API is paced at 1/s here, the tag searches too: each record searches, then creates.
  expect(world.connect.count("CreateUser")).toBeLessThanOrEqual(6);
  const refused = results.filter((result) => result.status === "rejected");
  expect(refused.length).toBe(10 - world.connect.count("CreateUser"));
  for (const result of refused) {
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConnectThrottledError);
  }
  expect(world.clock.now()).toBeLessThanOrEqual(deadline.at);
});
