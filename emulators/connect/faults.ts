import { NO_FAULTS } from "./seed.js";
import type { ConnectApi, Faults, SeedFaults } from "./types.js";

/**
 * Injected faults per API. The `"*"` entry applies to every API; an API's own entry overrides
 * it field by field.
 */
export class FaultTable {
  private readonly entries = new Map<ConnectApi | "*", Partial<Faults>>();

  constructor(seed: SeedFaults | undefined) {
    for (const [api, faults] of Object.entries(seed ?? {})) {
      if (faults) this.set(api as ConnectApi | "*", faults);
    }
  }

  set(api: ConnectApi | "*", faults: Partial<Faults>): void {
    this.entries.set(api, { ...this.entries.get(api), ...faults });
  }

  get(api: ConnectApi): Faults {
    return { ...NO_FAULTS, ...this.entries.get("*"), ...this.entries.get(api) };
  }
}

/** True with probability `rate`; draws from `random` only when the rate is positive. */
export function roll(rate: number, random: () => number): boolean {
  return rate > 0 && random() < rate;
}

/** A latency uniform in [min, max] ms; no draw when the range is a single value. */
export function pickLatency([min, max]: [number, number], random: () => number): number {
  return max > min ? min + random() * (max - min) : min;
}
