/**
 * Schedule expressions and time zones.
 *
 * Sources: the model's ScheduleExpression documentation (`at(yyyy-mm-ddThh:mm:ss)`,
 * `rate(value unit)` with unit minute|minutes|hour|hours|day|days and a positive integer
 * value, `cron(fields)` with six fields) and the User Guide's "Schedule types" page (one-time
 * schedules are evaluated "at the time and in the time zone" given; the default zone is UTC;
 * invocations have 60-second precision).
 *
 * Readings taken where the reference is silent:
 * - an `at()` local time that a daylight-saving change skips (spring forward) fires at the same
 *   wall-clock distance after the change (02:30 in a 02:00→03:00 gap fires at 03:30), and one
 *   that occurs twice (fall back) fires at the first occurrence. This is how java.time's
 *   ZonedDateTime.of resolves local times; the reference only says what happens to cron
 *   expressions in those hours.
 * - `rate()` and `cron()` are validated for shape and accepted, but this emulator never fires
 *   them: only one-time schedules are modelled.
 */
import { validation } from "./errors.js";

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type ParsedExpression =
  | { kind: "at"; local: LocalDateTime }
  | { kind: "rate" }
  | { kind: "cron" };

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

/** Parses an expression or throws the ValidationException AWS answers with. */
export function parseScheduleExpression(expression: string): ParsedExpression {
  const at = AT.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const local = { year, month, day, hour, minute, second };
    if (!isCalendarDate(local)) throw invalidExpression(expression);
    return { kind: "at", local };
  }
  if (RATE.test(expression)) return { kind: "rate" };
  const cron = CRON.exec(expression);
  if (cron && (cron[1] ?? "").trim().split(/\s+/).length === 6) return { kind: "cron" };
  throw invalidExpression(expression);
}

const invalidExpression = (expression: string) =>
  validation(`Invalid Schedule Expression ${expression}.`);

function isCalendarDate(t: LocalDateTime): boolean {
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return false;
  const date = new Date(Date.UTC(t.year, t.month - 1, t.day));
  return (
    date.getUTCFullYear() === t.year &&
    date.getUTCMonth() === t.month - 1 &&
    date.getUTCDate() === t.day
  );
}

/** IANA names only: Intl also takes offsets such as "+01:00", which are not zone names. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let existing = formatters.get(timeZone);
  if (!existing) {
    existing = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, existing);
  }
  return existing;
}

export function isTimeZone(timeZone: string): boolean {
  if (!ZONE_NAME.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `t`, in ms (local = UTC + offset). */
function offsetAt(t: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return wall - Math.floor(t / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/** The instant a local date-time names in a zone, resolving gaps and overlaps (see above). */
export function zonedInstant(local: LocalDateTime, timeZone: string): number {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  );
  // A zone changes its offset at most once in a day around any instant, so the offsets a
  // day either side are the only ones this wall-clock time can mean.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const offsets = new Set([before, offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)]);
  const matches = [...offsets]
    .map((offset) => wall - offset)
    .filter((t) => offsetAt(t, timeZone) === wall - t)
    .sort((a, b) => a - b);
  // In a gap no offset matches: keep the offset in force before the change.
  return matches[0] ?? wall - before;
}
