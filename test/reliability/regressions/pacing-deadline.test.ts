/**
 * Found by the reliability suite (throttling scenario at CONNECT_CREATE_USER_RPS=1 with batches
 * of 10 and an 8 s function timeout): the CreateUser pacer handed out slots past the
 * function's deadline, so records waited into the Lambda timeout (middy's early timeout). The
 * invocation then failed as a whole: records already provisioned were delivered again, and on
 * the last delivery SQS dead-lettered the whole batch without a reason, the function never
 * getting to park anything itself. A record with no slot before the deadline is now handed
 * back to SQS at once (ConnectThrottled), the others' outcomes reported.
 */
import { expect, it } from "vitest";
import { CreateUserPacer } from "../../../shared/application/create-user-pacer.js";
import { deadlineAt } from "../../../shared/application/deadline.js";
import { silentLog } from "../../../shared/application/log.js";
import { ConnectThrottledError } from "../../../shared/domain/failures.js";
import { hiredEvent, rule } from "../../support/builders.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeWorld, INSTANCE_ID } from "./provisioner-fakes.js";

it("refuses, without reserving it, a slot that comes after the caller's deadline", async () => {
  const clock = new FakeClock();
  const pacer = new CreateUserPacer(1, clock);
  const start = clock.now();
  expect(await pacer.take(start + 1_500)).toBe(true); // slot at +0 s
  expect(await pacer.take(start + 1_500)).toBe(true); // slot at +1 s
  expect(await pacer.take(start + 1_500)).toBe(false); // +2 s is past the deadline
  // Nothing was reserved by the refusal: the next caller with room still gets +2 s.
  expect(await pacer.take(start + 10_000)).toBe(true);
  expect(clock.now()).toBe(start + 2_000);
});

it("never calls CreateUser after the deadline: the records without a slot are handed back", async () => {
  const world = fakeWorld({
    rules: [rule({ ruleId: "care", routingProfile: "Customer Care Routing" })],
    createUser: async (request) => ({
      status: "created",
      userId: request.Username,
      userArn: `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}/agent/${request.Username}`,
    }),
    findUser: async () => undefined,
    createUserRps: 1,
  });
  const deadline = deadlineAt(world.clock.now() + 5_000, world.clock);

  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      world.provisioner.provision(
        hiredEvent({
          eventId: `e${i}`,
          employee: { employeeId: `E${i}`, workEmail: `e${i}@example.com` },
        }),
        deadline,
        silentLog,
      ),
    ),
  );

  // Slots at +0 s ... +5 s fit; the four after the deadline are refused, not waited for.
  expect(world.created).toHaveLength(6);
  const refused = results.filter((result) => result.status === "rejected");
  expect(refused).toHaveLength(4);
  for (const result of refused)
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConnectThrottledError);
});
