import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  appendOutcomes,
  isSpike,
  SPIKE_MIN_RECORDS,
  windowCounts,
} from "../../../shared/domain/quarantine.js";

const settings = fc.record({
  windowRecords: fc.integer({ min: SPIKE_MIN_RECORDS, max: 200 }),
  // Whole percentages: the reference below divides, and equal ratios must compare equal.
  failurePercent: fc.integer({ min: 0, max: 100 }),
});
/** Outcomes arriving in batches, as environments add them (true: failed permanently). */
const batches = fc.array(fc.array(fc.boolean(), { maxLength: 15 }), { maxLength: 40 });

describe("the failure spike's window", () => {
  it("holds exactly the last windowRecords outcomes, however they were batched", () => {
    fc.assert(
      fc.property(settings, batches, ({ windowRecords }, chunks) => {
        const window = chunks.reduce((w, chunk) => appendOutcomes(w, chunk, windowRecords), "");
        const all = chunks.flat();
        const last = all.slice(-windowRecords);
        expect(windowCounts(window)).toEqual({
          records: last.length,
          failed: last.filter(Boolean).length,
        });
      }),
    );
  });

  it("is a spike exactly when at least 20 records are seen and more than the percentage failed", () => {
    fc.assert(
      fc.property(settings, batches, (spike, chunks) => {
        const window = chunks.reduce(
          (w, chunk) => appendOutcomes(w, chunk, spike.windowRecords),
          "",
        );
        const { records, failed } = windowCounts(window);
        expect(isSpike({ records, failed }, spike)).toBe(
          records >= SPIKE_MIN_RECORDS && failed / records > spike.failurePercent / 100,
        );
      }),
    );
  });

  it("never trips at 100%, and always trips at 0% once a failure is among 20 records", () => {
    fc.assert(
      fc.property(fc.integer({ min: SPIKE_MIN_RECORDS, max: 1000 }), (records) => {
        expect(
          isSpike({ records, failed: records }, { windowRecords: records, failurePercent: 100 }),
        ).toBe(false);
        expect(isSpike({ records, failed: 1 }, { windowRecords: records, failurePercent: 0 })).toBe(
          true,
        );
        expect(
          isSpike(
            { records: SPIKE_MIN_RECORDS - 1, failed: SPIKE_MIN_RECORDS - 1 },
            { windowRecords: records, failurePercent: 0 },
          ),
        ).toBe(false);
      }),
    );
  });
});
