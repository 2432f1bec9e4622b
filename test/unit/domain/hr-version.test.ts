import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hrVersion, parseDateTime } from "../../../shared/domain/hr-version.js";

describe("hrVersion", () => {
  it("reads occurredAt with its zone, to the millisecond", () => {
    expect(hrVersion("2026-11-28T10:00:00Z", 0)).toBe(Date.UTC(2026, 10, 28, 10));
    expect(hrVersion("2026-11-28T11:00:00.250+01:00", 0)).toBe(Date.UTC(2026, 10, 28, 10) + 250);
  });

  it("falls back to the message's SentTimestamp when HR gave no time", () => {
    expect(hrVersion(undefined, 1_764_324_000_000)).toBe(1_764_324_000_000);
  });

  it("refuses times without a zone or that are not times", () => {
    for (const text of [
      "2026-11-28T10:00:00",
      "2026-11-28",
      "yesterday",
      "2026-13-45T99:00Z",
      "",
    ]) {
      expect(parseDateTime(text)).toBeUndefined();
    }
  });

  it("orders any two instants as they happened, whatever zone each is written in", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
        fc.integer({ min: -12, max: 14 }),
        (date, offsetHours) => {
          const local = new Date(date.getTime() + offsetHours * 3_600_000).toISOString();
          const sign = offsetHours < 0 ? "-" : "+";
          const zone = `${sign}${String(Math.abs(offsetHours)).padStart(2, "0")}:00`;
          expect(parseDateTime(local.replace("Z", zone))).toBe(date.getTime());
        },
      ),
      { seed: 20261201 },
    );
  });
});
