import { describe, expect, it } from "vitest";
import { CreateUserPacer } from "../../../shared/application/create-user-pacer.js";
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
