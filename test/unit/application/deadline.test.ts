import { describe, expect, it } from "vitest";
import {
  deadlineAt,
  firstHalf,
  hasPassed,
  invocationDeadlines,
  NO_DEADLINE,
  remainingMs,
} from "../../../shared/application/deadline.js";
import { DEFAULT_RETRY_POLICY, withRetries } from "../../../shared/application/retry.js";
import { ConnectUnavailableError } from "../../../shared/domain/failures.js";
import { FakeClock } from "../../support/fake-clock.js";

describe("invocationDeadlines", () => {
  it("keeps 1 s for returning and 2 s for parking back from a long invocation", () => {
    const clock = new FakeClock(0);
    const { work, park } = invocationDeadlines(60_000, clock);
    expect([work.at, park.at]).toEqual([57_000, 59_000]);
  });

  it("keeps shares of a short one instead (10% to return, 20% to park)", () => {
    const clock = new FakeClock(0);
    const three = invocationDeadlines(3_000, clock);
    expect([three.work.at, three.park.at]).toEqual([2_100, 2_700]);
    const two = invocationDeadlines(2_000, clock);
    expect([two.work.at, two.park.at]).toEqual([1_400, 1_800]);
  });

  it("gives signals that abort when the clock reaches them, work first", () => {
    const clock = new FakeClock(0);
    const { work, park } = invocationDeadlines(10_000, clock);
    clock.advance(6_999);
    expect([work.signal.aborted, park.signal.aborted]).toEqual([false, false]);
    clock.advance(1);
    expect([work.signal.aborted, park.signal.aborted]).toEqual([true, false]);
    expect(hasPassed(work, clock)).toBe(true);
    expect(remainingMs(park, clock)).toBe(2_000);
    clock.advance(2_000);
    expect(park.signal.aborted).toBe(true);
  });
});

describe("firstHalf", () => {
  it("is half of what is left, so a second step keeps the other half", () => {
    const clock = new FakeClock(1_000);
    const park = deadlineAt(2_000, clock);
    expect(firstHalf(park, clock).at).toBe(1_500);
    clock.advance(3_000);
    expect(firstHalf(park, clock).at).toBe(4_000);
    expect(firstHalf(park, clock).signal.aborted).toBe(true);
  });

  it("never aborts when there is no deadline", () => {
    const clock = new FakeClock(0);
    clock.advance(10 ** 12);
    expect(hasPassed(NO_DEADLINE, clock)).toBe(false);
  });
});

describe("withRetries under a deadline", () => {
  it("does not try again once an attempt ran into the deadline, even if the wait would fit", async () => {
    const clock = new FakeClock(0);
    const deadline = deadlineAt(1_000, clock);
    let attempts = 0;
    const aborted = async () => {
      attempts++;
      // The call hung until its signal fired: time is up.
      clock.advance(1_000);
      throw new ConnectUnavailableError("CreateUser: no answer before the invocation's deadline");
    };
    await expect(
      withRetries(aborted, { ...DEFAULT_RETRY_POLICY, random: () => 0 }, clock, { deadline }),
    ).rejects.toBeInstanceOf(ConnectUnavailableError);
    expect(attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("hands each attempt the deadline its calls must end by", async () => {
    const clock = new FakeClock(0);
    const deadline = deadlineAt(5_000, clock);
    const seen: unknown[] = [];
    await withRetries(async (given) => seen.push(given), DEFAULT_RETRY_POLICY, clock, {
      deadline,
    });
    expect(seen).toEqual([deadline]);
  });
});
