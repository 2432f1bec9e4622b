/**
 * Leavers (docs/lifecycle.md): when a termination takes effect, and the name of the one-time
 * schedule that carries out a future-dated one. Pure: time zones come from the runtime's ICU
 * data through Intl, no clock is read.
 */
import { createHash } from "node:crypto";
import { type ConnectUser, DISABLED_STATUS, STATUS_TAG } from "./connect-user.js";
import type { EmployeeLeaverEvent } from "./employee-event.js";
import { parseDateTime } from "./hr-version.js";
import type { UserChange } from "./plan.js";

/** What LEAVER_ACTION may say: DeleteUser, or the disabled profiles and the status tag. */
export const LEAVER_ACTIONS = ["DELETE", "DISABLE"] as const;
export type LeaverAction = (typeof LEAVER_ACTIONS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Every offset from UTC in use lies within this (Pacific/Kiritimati +14, Etc/GMT+12 -12). */
const MAX_OFFSET = 15 * HOUR;
/** Offset changes in the tz database happen on whole quarter hours of UTC since 1970. */
const SCAN_STEP = 15 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/**
 * The wall-clock time in `timeZone` at the instant `at`, read as if it were UTC (epoch ms): so
 * wall times compare as numbers. Intl gives whole seconds; the milliseconds are the instant's.
 */
export const wallTime = (at: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
    parts.second as number,
  );
  return wall + (((at % 1000) + 1000) % 1000);
};

/**
 * The instant `date` (YYYY-MM-DD) ends in `timeZone`: the last moment the wall clock there
 * still shows that date or an earlier one, i.e. the start of the next day. Where midnight does
 * not exist (a clock moved forward at 00:00, as in America/Santiago) the day ends when the
 * clock jumps; where the clock moves back across midnight, at the later crossing.
 */
export const endOfDay = (date: string, timeZone = "UTC"): number => {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const nextMidnight = Date.UTC(year, month - 1, day + 1);
  // The crossing lies within MAX_OFFSET of the wall time read as UTC. Scan on the quarter hour
  // for the last instant still before it, then narrow down to the millisecond.
  let before = nextMidnight - MAX_OFFSET - SCAN_STEP;
  for (let at = before; at <= nextMidnight + MAX_OFFSET; at += SCAN_STEP) {
    if (wallTime(at, timeZone) < nextMidnight) before = at;
  }
  let after = before + SCAN_STEP;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallTime(middle, timeZone) < nextMidnight) before = middle;
    else after = middle;
  }
  return after;
};

/**
 * When a termination takes effect (epoch ms): its `effectiveAt`, else the end of the
 * employee's `lastDayOfWork` in their `timeZone` (UTC when absent); undefined means at once.
 */
export const effectiveTime = (event: EmployeeLeaverEvent): number | undefined => {
  if (event.effectiveAt !== undefined) return parseDateTime(event.effectiveAt);
  const { lastDayOfWork, timeZone } = event.employee;
  return lastDayOfWork === undefined ? undefined : endOfDay(lastDayOfWork, timeZone ?? "UTC");
};

/**
 * EventBridge Scheduler fires a one-time schedule within a minute of its time: a delivery that
 * early is due. One earlier still is rescheduled.
 */
export const SCHEDULE_PRECISION_MS = MINUTE;

/** Schedule names: 1 to 64 of [0-9a-zA-Z-_.] (Scheduler API reference, CreateSchedule). */
const NAME_UNSAFE = /[^0-9A-Za-z_.-]/g;

/**
 * The one removal schedule an employee can have: a later termination replaces it, a
 * rescission or a newer hire deletes it. Readable where the employee ID allows, and unique by
 * a digest of the ID (two IDs that read alike never share a schedule).
 */
export const removalScheduleName = (employeeId: string): string => {
  const digest = createHash("sha256").update(employeeId).digest("hex").slice(0, 16);
  const readable = employeeId.replace(NAME_UNSAFE, "_").slice(0, 38);
  return `leaver-${readable}-${digest}`;
};

/**
 * Scheduler's `at()` takes whole seconds (`at(yyyy-mm-ddThh:mm:ss)`, in UTC here): the due
 * time is rounded up, never down, so a removal is never due early.
 */
export const atExpression = (dueAt: number): string =>
  `at(${new Date(Math.ceil(dueAt / 1000) * 1000).toISOString().slice(0, 19)})`;

/** The profiles a disabled leaver's user gets (DISABLED_ROUTING_PROFILE, DISABLED_SECURITY_PROFILES), resolved. */
export interface DisabledProfiles {
  readonly routingProfileId: string;
  /** Sorted, without duplicates. */
  readonly securityProfileIds: readonly string[];
}

/**
 * What disabling a leaver's user takes (LEAVER_ACTION=DISABLE): the disabled routing profile
 * and security profiles, no hierarchy group, and the status tag; in ASPECTS order, only what
 * differs. Connect has no disable flag: this is as near as it comes. Empty when the user is
 * disabled already.
 */
export const disableChanges = (actual: ConnectUser, disabled: DisabledProfiles): UserChange[] => {
  const changes: UserChange[] = [];
  if (actual.routingProfileId !== disabled.routingProfileId) {
    changes.push({
      aspect: "routingProfile",
      from: actual.routingProfileId,
      to: disabled.routingProfileId,
    });
  }
  const current = [...new Set(actual.securityProfileIds)].sort();
  const wanted = [...disabled.securityProfileIds];
  if (current.length !== wanted.length || current.some((id, i) => id !== wanted[i])) {
    changes.push({ aspect: "securityProfiles", from: current, to: wanted });
  }
  if (actual.hierarchyGroupId !== undefined) {
    changes.push({ aspect: "hierarchyGroup", from: actual.hierarchyGroupId, to: null });
  }
  if (actual.tags[STATUS_TAG] !== DISABLED_STATUS) {
    changes.push({ aspect: "status", from: "ACTIVE", to: "DISABLED" });
  }
  return changes;
};
