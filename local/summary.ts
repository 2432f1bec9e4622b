/**
 * `npm start`'s summary: the totals per outcome and per reason, then a table of rows per event,
 * in full for a small run and as a bounded sample for a large one (`--json` has everything).
 */
import type { HistoryEntry } from "../shared/domain/ledger.js";
import { parseMessageBody } from "../shared/domain/message-body.js";
import { USER_CREATED, USER_UPDATED } from "../shared/domain/output-events.js";
import type { PipelineReport } from "./pipeline.js";

/** Up to this many rows, the table shows every hire. */
export const FULL_TABLE_ROWS = 40;
/** Above it, the table shows this many rows of each outcome or reason. */
export const SAMPLE_ROWS_PER_GROUP = 3;

interface Row {
  readonly employeeId: string;
  /** CREATED, ALREADY_EXISTED, UPDATED, UNCHANGED, STALE, or `DLQ <reason>`. */
  readonly outcome: string;
  readonly detail: string;
}

/** What an Updated event changed, by aspect; a kept username says what it would have been. */
const describeUpdate = (detail: Record<string, unknown>): string => {
  const aspects = ((detail.changes ?? []) as { aspect: string }[]).map((change) => change.aspect);
  const drift = detail.usernameDrift as { current: string; desired: string } | undefined;
  const kept = drift ? `; username ${drift.current} kept (now ${drift.desired})` : "";
  return `${aspects.join(", ")} (rule ${detail.ruleId})${kept}`;
};

/** Events that announce nothing: what the ledger's history says of them. */
const QUIET: Readonly<Record<string, string>> = {
  UNCHANGED: "already in line with HR; nothing to change",
  STALE: "older than the version already applied; skipped",
};

/** Leavers' outcomes, from the ledger's history. */
const LEAVERS: Readonly<Record<string, (entry: HistoryEntry) => string>> = {
  REMOVED: (entry) => `user ${entry.userId} deleted (termination ${baseEventId(entry)})`,
  DISABLED: (entry) => `user ${entry.userId} disabled (termination ${baseEventId(entry)})`,
  SCHEDULED: (entry) => `termination ${entry.eventId} scheduled for its effective time`,
  RESCINDED: (entry) => `pending termination rescinded by ${entry.eventId}; the user stays`,
  CANCELLED: (entry) =>
    `scheduled removal ${baseEventId(entry)} came due after it was rescinded or superseded; nothing removed`,
  NOT_RESCINDED: (entry) => `event ${entry.eventId}: no termination pending; nothing to rescind`,
};

const baseEventId = (entry: HistoryEntry): string => entry.eventId.replace(/#due$/, "");

const rowsOf = (report: PipelineReport, history: readonly HistoryEntry[]): Row[] => {
  const rows: Row[] = [];
  const announced = new Set<string>();
  for (const { detailType, detail } of report.published) {
    if (detailType !== USER_CREATED && detailType !== USER_UPDATED) continue;
    if (announced.has(String(detail.eventId))) continue;
    announced.add(String(detail.eventId));
    rows.push(
      detailType === USER_CREATED
        ? {
            employeeId: String(detail.employeeId),
            outcome: String(detail.outcome),
            detail: `${detail.username} (rule ${detail.ruleId}) ${detail.userArn}`,
          }
        : {
            employeeId: String(detail.employeeId),
            outcome: "UPDATED",
            detail: describeUpdate(detail),
          },
    );
  }
  for (const entry of history) {
    const leaver = LEAVERS[entry.action];
    if (leaver) {
      rows.push({ employeeId: entry.employeeId, outcome: entry.action, detail: leaver(entry) });
      continue;
    }
    const said = QUIET[entry.action];
    if (said)
      rows.push({
        employeeId: entry.employeeId,
        outcome: entry.action,
        detail: `event ${entry.eventId}: ${said}`,
      });
  }
  for (const letter of report.deadLetters) {
    const parsed = parseMessageBody(letter.body);
    const employeeId = parsed.ok
      ? parsed.event.employee.employeeId
      : (parsed.hints.employeeId ?? "-");
    rows.push({ employeeId, outcome: `DLQ ${letter.reason}`, detail: letter.message });
  }
  return rows;
};

/** Counts per key, largest first, ties by key. */
const tally = (keys: readonly string[]): [string, number][] => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));
};

const columns = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths?.[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
};

/** The rows shown: all of them, or the first few of each outcome (each reason for the DLQ). */
const sample = (rows: readonly Row[]): Row[] => {
  if (rows.length <= FULL_TABLE_ROWS) return [...rows];
  const shown = new Map<string, number>();
  return rows.filter((row) => {
    const count = shown.get(row.outcome) ?? 0;
    shown.set(row.outcome, count + 1);
    return count < SAMPLE_ROWS_PER_GROUP;
  });
};

/**
 * `history` is the ledger's entries of the run's events, for those that announce nothing
 * (unchanged, stale); without it they are counted in the header only.
 */
export const renderSummary = (
  report: PipelineReport,
  history: readonly HistoryEntry[] = [],
): string => {
  const { stats } = report;
  const rows = rowsOf(report, history);
  const lifecycle = [
    [stats.updated, "updated"],
    [stats.unchanged, "unchanged"],
    [stats.stale, "stale"],
    [stats.removed, "removed"],
    [stats.scheduled, "scheduled"],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, word]) => `${n} ${word}, `)
    .join("");
  const header =
    `connect-onboarding on the local stack: ${stats.received} received, ${stats.created} created, ` +
    `${stats.alreadyExisted} already existed, ${lifecycle}${stats.failed} in the DLQ (${(stats.durationMs / 1000).toFixed(1)} s)`;

  // Successes first, then what went to the DLQ, by reason; counts right-aligned.
  const outcomes = tally(
    rows.map((row) => (row.outcome.startsWith("DLQ ") ? "DLQ" : row.outcome)),
  ).sort(([a], [b]) => Number(a === "DLQ") - Number(b === "DLQ"));
  const reasons = tally(report.deadLetters.map((letter) => letter.reason));
  const totals: [string, string][] = [];
  for (const [outcome, count] of outcomes) {
    totals.push([outcome, String(count)]);
    if (outcome === "DLQ")
      for (const [reason, n] of reasons) totals.push([`  ${reason}`, String(n)]);
  }
  const labelWidth = Math.max("OUTCOME".length, ...totals.map(([label]) => label.length));
  const countWidth = Math.max("COUNT".length, ...totals.map(([, count]) => count.length));
  const totalsTable = [["OUTCOME", "COUNT"] as const, ...totals]
    .map(([label, count]) => `${label.padEnd(labelWidth)}  ${count.padStart(countWidth)}`)
    .join("\n");

  const shown = sample(rows);
  const table = columns([
    ["EMPLOYEE", "OUTCOME", "DETAIL"],
    ...shown.map((row) => [row.employeeId, row.outcome, row.detail]),
  ]);
  const more =
    shown.length < rows.length
      ? `\n... and ${rows.length - shown.length} more rows (${SAMPLE_ROWS_PER_GROUP} of each outcome are shown); --json prints every one.`
      : "";
  const waiting =
    report.scheduled.length === 0
      ? ""
      : `\n\nStill scheduled (npm start waits only for removals due within 60 s):\n${columns([
          ["EMPLOYEE", "USER", "EFFECTIVE AT"],
          ...report.scheduled.map((s) => [s.employeeId, s.userId, s.effectiveAt]),
        ])}`;
  // A quarantine stops the run with work left: say so where the eye lands, not only in --json.
  const stopped = report.quarantine.active
    ? `\n\nQuarantined (${report.quarantine.reason}): the service stopped consuming; ` +
      `${report.queued.length} message(s) wait on the queue. \`onboard quarantine status\` says ` +
      "why; `onboard quarantine release` resumes (docs/quarantine.md)."
    : report.queued.length > 0
      ? `\n\n${report.queued.length} message(s) still on the queue.`
      : "";
  return (
    `${header}\n\n${totalsTable}\n\n${table}${more}${waiting}${stopped}\n\n` +
    `${report.users.length} users in the emulated Connect instance; --json prints the full report.\n`
  );
};
