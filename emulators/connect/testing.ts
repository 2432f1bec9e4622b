/**
 * Helpers for tests and benchmarks that drive the emulator deterministically.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import type { ConnectEmulator } from "./emulator.js";

/** A clock that moves only when told to. */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}

/** mulberry32: a small seeded PRNG in [0, 1), for reproducible IDs and fault rolls. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The real SDK client pointed at the emulator: dummy credentials, no retries. */
export function connectClientFor(
  emulator: Pick<ConnectEmulator, "endpoint">,
  region = "us-east-1",
): ConnectClient {
  return new ConnectClient({
    endpoint: emulator.endpoint,
    region,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "emulator-secret" },
    maxAttempts: 1,
  });
}
