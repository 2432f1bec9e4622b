import { describe, expect, it } from "vitest";
import { CreateUserPacer } from "../../../shared/application/create-user-pacer.js";
import { deadlineAt, NO_DEADLINE } from "../../../shared/application/deadline.js";
import { DEFAULT_RETRY_POLICY, withRetries } from "../../../shared/application/retry.js";
import { TtlCache } from "../../../shared/application/ttl-cache.js";
import { ConnectRejectedError, ConnectThrottledError } from "../../../shared/domain/failures.js";
import { FakeClock } from "../../support/fake-clock.js";

describe("CreateUserPacer", () => {
  it("hands out one slot per interval, in call order, without waiting for the first", async () => {
    const clock = new FakeClock(0);
    const pacer = new CreateUserPacer(4, clock);
    const granted: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.take();
      granted.push(clock.now());
    }
    expect(granted).toEqual([0, 250, 500, 750]);
  });

  it("holds every caller back after a throttle", async () => {
    const clock = new FakeClock(0);
    const pacer = new CreateUserPacer(10, clock);
    await pacer.take();
    pacer.slowDown(1_000);
    await pacer.take();
    expect(clock.now()).toBe(1_000);
  });

  it("lets slots under a millisecond apart through without a timer, keeping the average rate", async () => {
    const clock = new FakeClock(0);
    const pacer = new CreateUserPacer(10_000, clock);
    for (let i = 0; i < 10; i++) await pacer.take();
    expect(clock.sleeps).toEqual([]);
    for (let i = 0; i < 10; i++) await pacer.take();
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });

  it("does not bank unused time into a burst", async () => {
    const clock = new FakeClock(0);
    const pacer = new CreateUserPacer(2, clock);
    await pacer.take();
    clock.advance(10_000);
    await pacer.take();
    await pacer.take();
    expect(clock.sleeps).toEqual([500]);
  });
});

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

describe("TtlCache", () => {
  it("shares one load between concurrent callers and keeps it for the TTL", async () => {
    const clock = new FakeClock(0);
    let loads = 0;
    const cache = new TtlCache(async () => ++loads, 1_000, clock);
    expect(
      await Promise.all([cache.get(NO_DEADLINE), cache.get(NO_DEADLINE), cache.get(NO_DEADLINE)]),
    ).toEqual([1, 1, 1]);
    clock.advance(999);
    expect(await cache.get(NO_DEADLINE)).toBe(1);
    clock.advance(1);
    expect(await cache.get(NO_DEADLINE)).toBe(2);
  });

  it("does not cache a failed load", async () => {
    const clock = new FakeClock(0);
    let loads = 0;
    const cache = new TtlCache(
      async () => {
        if (++loads === 1) throw new Error("table unavailable");
        return "rules";
      },
      60_000,
      clock,
    );
    await expect(cache.get(NO_DEADLINE)).rejects.toThrow("table unavailable");
    expect(await cache.get(NO_DEADLINE)).toBe("rules");
  });

  it("refreshes after a miss only when the value is old enough", async () => {
    const clock = new FakeClock(0);
    let loads = 0;
    const cache = new TtlCache(async () => ++loads, 60_000, clock);
    await cache.get(NO_DEADLINE);
    expect(await cache.refresh(1_000, NO_DEADLINE)).toBe(1);
    clock.advance(1_000);
    expect(await cache.refresh(1_000, NO_DEADLINE)).toBe(2);
  });
});
