import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EmployeeLeaverEvent } from "../../../shared/domain/employee-event.js";
import {
  atExpression,
  effectiveTime,
  endOfDay,
  removalScheduleName,
  wallTime,
} from "../../../shared/domain/leaver.js";

const termination = (
  employee: Partial<EmployeeLeaverEvent["employee"]>,
  effectiveAt?: string,
): EmployeeLeaverEvent => ({
  eventType: "EmployeeTerminated",
  eventId: "t-1",
  employee: { employeeId: "E1", ...employee },
  ...(effectiveAt ? { effectiveAt } : {}),
});

const ZONES = [
  "UTC",
  "America/Chicago",
  "America/New_York",
  "America/Santiago",
  "America/Havana",
  "America/St_Johns",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Tokyo",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "Pacific/Apia",
  "Etc/GMT+12",
];

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

describe("effectiveTime", () => {
  it("is effectiveAt when given, whatever the last day says", () => {
    expect(
      effectiveTime(
        termination(
          { lastDayOfWork: "2026-12-31", timeZone: "Asia/Tokyo" },
          "2026-12-20T12:00:00Z",
        ),
      ),
    ).toBe(Date.parse("2026-12-20T12:00:00Z"));
  });

  it("is the end of lastDayOfWork in the employee's time zone, UTC without one", () => {
    expect(effectiveTime(termination({ lastDayOfWork: "2026-12-31" }))).toBe(
      Date.parse("2027-01-01T00:00:00Z"),
    );
    expect(
      effectiveTime(termination({ lastDayOfWork: "2026-12-31", timeZone: "America/Chicago" })),
    ).toBe(Date.parse("2027-01-01T06:00:00Z"));
    expect(
      effectiveTime(termination({ lastDayOfWork: "2026-07-31", timeZone: "America/Chicago" })),
    ).toBe(Date.parse("2026-08-01T05:00:00Z"));
    expect(
      effectiveTime(termination({ lastDayOfWork: "2026-12-31", timeZone: "Asia/Kathmandu" })),
    ).toBe(Date.parse("2026-12-31T18:15:00Z"));
  });

  it("is at once (undefined) with neither", () => {
    expect(effectiveTime(termination({}))).toBeUndefined();
  });

  it("handles the days clocks change: spring forward and fall back in Chicago, midnight skipped in Santiago", () => {
    // 2026-03-08: 02:00 CST becomes 03:00 CDT; the day ends at midnight CDT (UTC-5).
    expect(endOfDay("2026-03-08", "America/Chicago")).toBe(Date.parse("2026-03-09T05:00:00Z"));
    // 2026-11-01: 02:00 CDT becomes 01:00 CST; the day ends at midnight CST (UTC-6).
    expect(endOfDay("2026-11-01", "America/Chicago")).toBe(Date.parse("2026-11-02T06:00:00Z"));
    // Santiago moves from 00:00 to 01:00 on 2026-09-06: 2026-09-05 ends when the clock jumps.
    expect(endOfDay("2026-09-05", "America/Santiago")).toBe(Date.parse("2026-09-06T04:00:00Z"));
  });

  it("property: the last day has just ended there, and an instant before, it was still that day or earlier", () => {
    const dates = fc
      .integer({ min: Date.UTC(1990, 0, 1) / DAY, max: Date.UTC(2060, 11, 31) / DAY })
      .map((day) => isoDate(day * DAY));
    fc.assert(
      fc.property(dates, fc.constantFrom(...ZONES), (date, zone) => {
        const end = endOfDay(date, zone);
        const next = isoDate(Date.parse(`${date}T00:00:00Z`) + DAY);
        // At the end, the wall clock there shows the next day (or later, where it was skipped).
        expect(isoDate(wallTime(end, zone)) >= next).toBe(true);
        // One millisecond before, it still showed the last day or earlier.
        expect(isoDate(wallTime(end - 1, zone)) <= date).toBe(true);
        // And no more than a day and a bit from the date's midnight read as UTC.
        expect(Math.abs(end - Date.parse(`${next}T00:00:00Z`))).toBeLessThanOrEqual(15 * 3_600_000);
      }),
      { numRuns: 400 },
    );
  });

  it("property: later last days never end earlier", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...ZONES),
        (offset, gap, zone) => {
          const first = isoDate(Date.UTC(2000, 0, 1) + offset * DAY);
          const later = isoDate(Date.UTC(2000, 0, 1) + (offset + gap) * DAY);
          expect(endOfDay(later, zone)).toBeGreaterThan(endOfDay(first, zone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("schedules", () => {
  it("rounds at() up to the whole second, never down", () => {
    expect(atExpression(Date.parse("2026-12-31T23:59:59.001Z"))).toBe("at(2027-01-01T00:00:00)");
    expect(atExpression(Date.parse("2026-12-31T23:59:59.000Z"))).toBe("at(2026-12-31T23:59:59)");
  });

  it("property: one valid, distinct name per employee", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 128 }),
        fc.string({ minLength: 1, maxLength: 128 }),
        (a, b) => {
          const name = removalScheduleName(a);
          expect(name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
          if (a !== b) expect(removalScheduleName(b)).not.toBe(name);
        },
      ),
    );
  });
});
