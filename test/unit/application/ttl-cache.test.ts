import { describe, expect, it } from "vitest";
import { TtlCache } from "../../../shared/application/ttl-cache.js";
import { FakeClock } from "../../support/fake-clock.js";

describe("TtlCache", () => {
  it("shares one load between concurrent callers and keeps it for the TTL", async () => {
    const clock = new FakeClock(0);
    let loads = 0;
    const cache = new TtlCache(async () => ++loads, 1_000, clock);
    expect(await Promise.all([cache.get(), cache.get(), cache.get()])).toEqual([1, 1, 1]);
    clock.advance(999);
    expect(await cache.get()).toBe(1);
    clock.advance(1);
    expect(await cache.get()).toBe(2);
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
    await expect(cache.get()).rejects.toThrow("table unavailable");
    expect(await cache.get()).toBe("rules");
  });

  it("refreshes after a miss only when the value is old enough", async () => {
    const clock = new FakeClock(0);
    let loads = 0;
    const cache = new TtlCache(async () => ++loads, 60_000, clock);
    await cache.get();
    expect(await cache.refresh(1_000)).toBe(1);
    clock.advance(1_000);
    expect(await cache.refresh(1_000)).toBe(2);
  });
});
