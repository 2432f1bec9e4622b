import type { Clock } from "./clock.js";

/**
 * A wait shorter than this is not worth a timer: Node's timers fire on a 1 ms grid, so a
 * 0.1 ms wait costs a whole millisecond. Slots this close are let through at once; the
 * reservations still advance, so the average rate holds.
 */
const TOLERANCE_MS = 1;

interface Lane {
  readonly intervalMs: number;
  nextSlot: number;
}

/**
 * Spaces the calls to each API to a steady rate for this Lambda environment. Connect's quotas
 * are per API (and per account: each environment gets its share), so every API has a lane of
 * its own: a mover's routing, security and hierarchy changes wait on three lanes at once, not
 * three times on one. Reservations are handed out in call order, so concurrent callers wait
 * their turn without polling.
 */
export class ApiPacer<Api extends string> {
  readonly #lanes = new Map<Api, Lane>();

  /** `rateOf` gives each API's calls per second; it is asked once per API. */
  constructor(
    private readonly rateOf: (api: Api) => number,
    private readonly clock: Clock,
  ) {}

  /**
   * Waits for this caller's slot on the API's lane and returns true. When the slot would come
   * after `notAfter`, returns false at once and reserves nothing: a caller that cannot make the
   * call before its function must return should neither wait into the Lambda timeout nor hold
   * a slot it cannot use.
   */
  async take(api: Api, notAfter = Number.POSITIVE_INFINITY): Promise<boolean> {
    const lane = this.lane(api);
    const now = this.clock.now();
    const slot = Math.max(lane.nextSlot, now);
    if (slot > notAfter) return false;
    lane.nextSlot = slot + lane.intervalMs;
    if (slot - now > TOLERANCE_MS) await this.clock.sleep(slot - now);
    return true;
  }

  /** Connect said "too fast" for this API: hold back every caller of it, not only the one. */
  slowDown(api: Api, ms: number): void {
    const lane = this.lane(api);
    lane.nextSlot = Math.max(lane.nextSlot, this.clock.now() + ms);
  }

  private lane(api: Api): Lane {
    let lane = this.#lanes.get(api);
    if (!lane) {
      lane = { intervalMs: 1000 / this.rateOf(api), nextSlot: 0 };
      this.#lanes.set(api, lane);
    }
    return lane;
  }
}
