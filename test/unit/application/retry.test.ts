import { describe, expect, it } from "vitest";
import { deadlineAt } from "../../../shared/application/deadline.js";
import { DEFAULT_RETRY_POLICY, withRetries } from "../../../shared/application/retry.js";
import { ConnectRejectedError, ConnectThrottledError } from "../../../shared/domain/failures.js";
import { FakeClock } from "../../support/fake-clock.js";

describe("withRetries", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, random: () => 0.5 };

  it("retries throttling with growing delays until it succeeds", async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw new ConnectThrottledError("slow down");
        return "ok";
      },
      policy,
      clock,
      { deadline: deadlineAt(60_000, clock) },
    );
    expect(result).toBe("ok");
    expect(clock.sleeps).toEqual([75, 150]);
  });

  it("gives up rather than wait past the deadline", async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new ConnectThrottledError("slow down"));
    };
    await expect(
      withRetries(failing, policy, clock, { deadline: deadlineAt(100, clock) }),
    ).rejects.toBeInstanceOf(ConnectThrottledError);
    expect(calls).toBe(2);
  });

  it("never retries a permanent failure", async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const rejected = () => {
      calls++;
      return Promise.reject(new ConnectRejectedError("bad"));
    };
    await expect(
      withRetries(rejected, policy, clock, { deadline: deadlineAt(60_000, clock) }),
    ).rejects.toBeInstanceOf(ConnectRejectedError);
    expect(calls).toBe(1);
  });
});
