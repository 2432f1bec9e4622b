import type { Clock } from "./clock.js";
import type { Deadline } from "./deadline.js";

/**
 * A value loaded on demand and kept for a time-to-live. Concurrent callers share one load (it
 * runs under the deadline of the caller that started it; callers of one invocation share one),
 * and a failed load is not cached, so the next caller tries again.
 */
export class TtlCache<T> {
  #value?: { readonly data: T; readonly loadedAt: number };
  #loading?: Promise<T>;

  constructor(
    private readonly load: (deadline: Deadline) => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(deadline: Deadline): Promise<T> {
    if (this.#value && this.clock.now() - this.#value.loadedAt < this.ttlMs) {
      return Promise.resolve(this.#value.data);
    }
    return this.reload(deadline);
  }

  /**
   * Reloads unless the value is younger than `minAgeMs`: after a miss (an unknown name, no
   * matching rule) the fix may just have landed, but a flood of misses must not hammer the source.
   */
  refresh(minAgeMs: number, deadline: Deadline): Promise<T> {
    if (this.#value && this.clock.now() - this.#value.loadedAt < minAgeMs) {
      return Promise.resolve(this.#value.data);
    }
    return this.reload(deadline);
  }

  private reload(deadline: Deadline): Promise<T> {
    this.#loading ??= this.load(deadline)
      .then((data) => {
        this.#value = { data, loadedAt: this.clock.now() };
        return data;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}
