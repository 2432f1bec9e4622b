import type { Clock } from "./clock.js";

/**
 * A value loaded on demand and kept for a time-to-live. Concurrent callers share one load, and
 * a failed load is not cached, so the next caller tries again.
 */
export class TtlCache<T, C = void> {
  #value?: { readonly data: T; readonly loadedAt: number };
  #loading?: Promise<T>;

  constructor(
    private readonly load: (context: C) => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** `context` is handed to the load, if one is needed. */
  get(context: C): Promise<T> {
    if (this.#value && this.clock.now() - this.#value.loadedAt < this.ttlMs) {
      return Promise.resolve(this.#value.data);
    }
    return this.reload(context);
  }

  /**
   * Reloads unless the value is younger than `minAgeMs`: after a miss (an unknown name, no
   * matching rule) the fix may just have landed, but a flood of misses must not hammer the source.
   */
  refresh(minAgeMs: number, context: C): Promise<T> {
    if (this.#value && this.clock.now() - this.#value.loadedAt < minAgeMs) {
      return Promise.resolve(this.#value.data);
    }
    return this.reload(context);
  }

  private reload(context: C): Promise<T> {
    this.#loading ??= this.load(context)
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
