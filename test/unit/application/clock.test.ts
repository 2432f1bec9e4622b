import { afterEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../../shared/application/clock.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the system clock's deadline signals", () => {
  it("take any number of listeners without Node's leak warning: every call of an invocation listens to its deadline", () => {
    const warnings = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    for (const at of [Date.now() + 60_000, Number.POSITIVE_INFINITY]) {
      const signal = systemClock.signalAt(at);
      const listeners = Array.from({ length: 30 }, () => () => {});
      for (const listener of listeners) signal.addEventListener("abort", listener);
      for (const listener of listeners) signal.removeEventListener("abort", listener);
      expect(signal.aborted).toBe(false);
    }
    expect(warnings).not.toHaveBeenCalled();
  });

  it("aborts at the deadline", async () => {
    const signal = systemClock.signalAt(Date.now() + 5);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    expect(signal.aborted).toBe(true);
  });
});
