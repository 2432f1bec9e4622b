import type { Quota } from "./types.js";

/**
 * A token bucket without timers: the refill since the last call is computed from the clock
 * reading passed in, so an injected clock makes it fully deterministic. Starts full.
 */
export class TokenBucket {
  private rps: number;
  private burst: number;
  private tokens: number;
  private last: number;

  constructor(quota: Quota, now: number) {
    this.rps = quota.rps;
    this.burst = quota.burst;
    this.tokens = quota.burst;
    this.last = now;
  }

  /** Takes one token if there is one; returns whether the request may proceed. */
  tryTake(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rps) / 1000);
      this.last = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Replaces the quota and refills the bucket to the new burst. */
  reset(quota: Quota, now: number): void {
    this.rps = quota.rps;
    this.burst = quota.burst;
    this.tokens = quota.burst;
    this.last = now;
  }
}
