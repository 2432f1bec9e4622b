import type { Clock } from "./clock.js";

/**
 * A wait shorter than this is not worth a timer: Node's timers fire on a 1 ms grid, so a
 * 0.1 ms wait costs a whole millisecond. Slots this close are let through at once; the
 * reservations still advance, so the average rate holds.
 */
const TOLERANCE_MS = 1;

/**
 * Spaces CreateUser calls to a steady rate for this Lambda environment (Connect's quota is per
 * account, so each environment gets its share). Reservations are handed out in call order, so
 * concurrent records wait their turn without polling.
 */
export class CreateUserPacer {
  readonly #intervalMs: number;
  #nextSlot = 0;

  constructor(
    requestsPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.#intervalMs = 1000 / requestsPerSecond;
  }

  /**
   * Waits for this caller's slot and returns true. When the slot would come after `notAfter`,
   * returns false at once and reserves nothing: a caller that cannot call CreateUser before its
   * function must return should not wait into the Lambda timeout (nor hold a slot it cannot use).
   */
  async take(notAfter = Number.POSITIVE_INFINITY): Promise<boolean> {
    const now = this.clock.now();
    const slot = Math.max(this.#nextSlot, now);
    if (slot > notAfter) return false;
    this.#nextSlot = slot + this.#intervalMs;
    if (slot - now > TOLERANCE_MS) await this.clock.sleep(slot - now);
    return true;
  }

  /** Connect said "too fast": hold every caller back, not just the one that was throttled. */
  slowDown(ms: number): void {
    this.#nextSlot = Math.max(this.#nextSlot, this.clock.now() + ms);
  }
}
