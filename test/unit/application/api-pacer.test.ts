import { describe, expect, it } from "vitest";
import { ApiPacer } from "../../../shared/application/api-pacer.js";
import { FakeClock } from "../../support/fake-clock.js";

describe("ApiPacer", () => {
  it("hands out one slot per interval, in call order, without waiting for the first", async () => {
    const clock = new FakeClock(0);
    const pacer = new ApiPacer(() => 4, clock);
    const granted: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.take("CreateUser");
      granted.push(clock.now());
    }
    expect(granted).toEqual([0, 250, 500, 750]);
  });

  it("holds every caller back after a throttle", async () => {
    const clock = new FakeClock(0);
    const pacer = new ApiPacer(() => 10, clock);
    await pacer.take("CreateUser");
    pacer.slowDown("CreateUser", 1_000);
    await pacer.take("CreateUser");
    expect(clock.now()).toBe(1_000);
  });

  it("lets slots under a millisecond apart through without a timer, keeping the average rate", async () => {
    const clock = new FakeClock(0);
    const pacer = new ApiPacer(() => 10_000, clock);
    for (let i = 0; i < 10; i++) await pacer.take("CreateUser");
    expect(clock.sleeps).toEqual([]);
    for (let i = 0; i < 10; i++) await pacer.take("CreateUser");
    expect(clock.sleeps.length).toBeGreaterThan(0);
  });

  it("keeps a lane per API: a busy lane never delays another API", async () => {
    const clock = new FakeClock(0);
    const pacer = new ApiPacer((api: string) => (api === "CreateUser" ? 1 : 2), clock);
    await pacer.take("CreateUser");
    await pacer.take("UpdateUserRoutingProfile");
    await pacer.take("UpdateUserHierarchy");
    expect(clock.sleeps).toEqual([]);
    pacer.slowDown("CreateUser", 5_000);
    await pacer.take("UpdateUserRoutingProfile");
    expect(clock.now()).toBe(500);
    await pacer.take("CreateUser");
    expect(clock.now()).toBe(5_000);
  });

  it("does not bank unused time into a burst", async () => {
    const clock = new FakeClock(0);
    const pacer = new ApiPacer(() => 2, clock);
    await pacer.take("CreateUser");
    clock.advance(10_000);
    await pacer.take("CreateUser");
    await pacer.take("CreateUser");
    expect(clock.sleeps).toEqual([500]);
  });
});
