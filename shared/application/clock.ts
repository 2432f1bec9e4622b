import { setMaxListeners } from "node:events";
/** Time, injectable so pacing, backoff, caches and deadlines are tested without real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A signal that aborts once the clock reaches `at` (epoch ms): a deadline's signal. */
  signalAt(at: number): AbortSignal;
}

/** Node's timers take at most 2^31 - 1 ms (about 24.8 days): anything later is "never". */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  signalAt: (at) => {
    const delay = Math.max(0, Math.ceil(at - Date.now()));
    // AbortSignal.timeout's timer does not keep the process alive: an unused deadline is free.
    const signal =
      delay > LONGEST_TIMER_MS ? new AbortController().signal : AbortSignal.timeout(delay);
    // Every call of an invocation listens to its deadline: a batch of ten makes dozens at once,
    // which is no leak, though Node warns past ten listeners.
    setMaxListeners(0, signal);
    return signal;
  },
};
