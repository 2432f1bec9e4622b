/**
 * `npm start`'s default inputs and its `{{now+10s}}` placeholders, in a module of their own so
 * that `npm run samples` (scripts/published-samples.ts) sends exactly what `npm start` sends.
 */

/**
 * The default phases, each sent once everything before it is done: the canonical hires and the
 * shipped source mappings' sample payloads; then movers, an email correction, an update that
 * changes nothing and the newer of two updates; then the older of those two, late
 * (events/lifecycle/README.md). Then the leavers: a termination at once, one due within the
 * run, two for later (one of them rescinded next), one for an unmanaged user; then the
 * rescission (events/leavers/README.md).
 */
export const DEFAULT_PHASES: readonly (readonly string[])[] = [
  ["events/hires", "events/sources/payloads"],
  ["events/lifecycle/01-movers.json"],
  ["events/lifecycle/02-out-of-order.json"],
  ["events/leavers/01-terminations.json"],
  ["events/leavers/02-rescinded.json"],
];

export const DEFAULT_MAPPINGS = "events/mappings.json";
export const DEFAULT_SOURCES = "events/sources";
export const DEFAULT_SEED = "events/connect-seed.json";

const RELATIVE_TIME = /\{\{now([+-])(\d{1,9})s\}\}/g;

/**
 * `{{now+10s}}` (or `-`) in a body: the time that many seconds from `now` (when its phase is
 * sent), as an RFC 3339 date-time, so a sample's future-dated termination comes due within the
 * run.
 */
export const withRelativeTimes = (body: string, now: number): string =>
  body.replace(RELATIVE_TIME, (_, sign: string, seconds: string) =>
    new Date(now + (sign === "-" ? -1 : 1) * Number(seconds) * 1000).toISOString(),
  );
