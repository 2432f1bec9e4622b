/** `onboard reconcile`'s words: the table a person reads and the JSON a script reads. */
import type { UserChange } from "../../shared/domain/plan.js";
import type { ProfileKind } from "../../shared/domain/profile-ref.js";
import {
  FIX_EVENT_TYPES,
  type FixEventType,
  RECONCILE_CLASSES,
  type ReconcileEntry,
  type ReconcileTotals,
} from "../../shared/domain/reconciliation.js";
import { table } from "../io.js";
import { plural } from "../mappings/rule-file.js";

/** Profile and group names by ID, to show differences as an operator knows them. */
export type ProfileNames = ReadonlyMap<ProfileKind, ReadonlyMap<string, string>>;

/** An entry as `--json` prints it (docs/cli.md). */
export const entryJson = (entry: ReconcileEntry) => ({
  class: entry.class,
  employeeId: entry.employeeId,
  userId: entry.userId,
  username: entry.username,
  ruleId: entry.ruleId,
  ...(entry.differences ? { differences: entry.differences } : {}),
  ...(entry.usernameDrift ? { usernameDrift: entry.usernameDrift } : {}),
  ...(entry.failure ? { failure: entry.failure } : {}),
  ...(entry.note ? { note: entry.note } : {}),
  fix: entry.fix?.eventType ?? null,
});

const FIX_WORDS: Readonly<Record<FixEventType, [string, string]>> = {
  EmployeeHired: ["hire", "hires"],
  EmployeeUpdated: ["update", "updates"],
  EmployeeTerminated: ["termination", "terminations"],
};

/** "1 hire, 2 updates": counts per event type, in FIX_EVENT_TYPES order. */
export const describeFixes = (types: readonly FixEventType[]): string =>
  FIX_EVENT_TYPES.map((type) => [type, types.filter((t) => t === type).length] as const)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${n} ${FIX_WORDS[type][n === 1 ? 0 : 1]}`)
    .join(", ");

export const renderTotals = (totals: ReconcileTotals): string =>
  RECONCILE_CLASSES.map((name) => `${name} ${totals[name]}`).join("  ");

export interface RenderInput {
  readonly heading: readonly string[];
  readonly entries: readonly ReconcileEntry[];
  readonly totals: ReconcileTotals;
  readonly names: ProfileNames;
  /** List the IN_SYNC entries too. */
  readonly all: boolean;
  /** Sending with --apply: terminations are sent only with --include-orphans. */
  readonly includeOrphans: boolean;
}

export const renderReconciliation = (input: RenderInput): string => {
  const shown = input.entries.filter((entry) => input.all || entry.class !== "IN_SYNC");
  const rows: string[][] = [];
  for (const entry of shown) {
    const [first = "", ...more] = describeEntry(entry, input.names, input.includeOrphans);
    rows.push([
      entry.class,
      entry.employeeId ?? "-",
      entry.userId ?? "-",
      entry.username ?? "-",
      entry.ruleId ?? "-",
      first,
    ]);
    for (const line of more) rows.push(["", "", "", "", "", line]);
  }
  const hidden = input.entries.length - shown.length;
  const fixes = input.entries.flatMap((entry) => (entry.fix ? [entry.fix.eventType] : []));
  const sendable = fixes.filter((type) => type !== "EmployeeTerminated" || input.includeOrphans);
  const withheld = fixes.length - sendable.length;
  const lines = [
    ...input.heading,
    "",
    ...(rows.length > 0
      ? [table([["CLASS", "EMPLOYEE", "USER", "USERNAME", "RULE", "WHAT"], ...rows])]
      : ["  nothing to show"]),
    "",
    `Totals: ${renderTotals(input.totals)}${hidden > 0 ? ` (--all lists the ${hidden} IN_SYNC)` : ""}`,
    fixes.length === 0
      ? "Nothing for --apply to send."
      : `Fixes through the onboarding queue: ${describeFixes(sendable) || "none"}${withheld > 0 ? ` (${plural(withheld, "termination")} only with --include-orphans)` : ""}`,
  ];
  return `${lines.join("\n")}\n`;
};

const describeEntry = (
  entry: ReconcileEntry,
  names: ProfileNames,
  includeOrphans: boolean,
): string[] => {
  if (entry.failure) {
    return [`FAILS with ${entry.failure.reason}: ${entry.failure.message}`];
  }
  const lines: string[] = [];
  if (entry.differences && entry.differences.length > 0) {
    lines.push(...entry.differences.map((change) => describeDifference(change, names)));
  }
  if (entry.usernameDrift) {
    lines.push(
      `username kept: ${entry.usernameDrift.current}; the template gives ${entry.usernameDrift.desired} (Connect cannot rename users)`,
    );
  }
  if (entry.note) lines.push(entry.note);
  if (lines.length > 0) return lines;
  switch (entry.class) {
    case "MISSING":
      return ["no user: a hire creates it"];
    case "ORPHANED":
      return [
        `not in the roster: a termination removes the user${includeOrphans ? "" : " (with --include-orphans)"}`,
      ];
    default:
      return ["in line with its rule"];
  }
};

const describeDifference = (change: UserChange, names: ProfileNames): string => {
  const name = (kind: ProfileKind, id: string | null) =>
    id === null ? "(none)" : JSON.stringify(names.get(kind)?.get(id) ?? id);
  switch (change.aspect) {
    case "routingProfile":
      return `routingProfile: ${name("routingProfile", change.from)} -> ${name("routingProfile", change.to)}`;
    case "securityProfiles": {
      const list = (ids: readonly string[]) =>
        ids.length === 0 ? "(none)" : ids.map((id) => name("securityProfile", id)).join(", ");
      return `securityProfiles: ${list(change.from)} -> ${list(change.to)}`;
    }
    case "hierarchyGroup":
      return `hierarchyGroup: ${name("hierarchyGroup", change.from)} -> ${name("hierarchyGroup", change.to)}`;
    case "identityInfo":
      // Identity values are personal: only which fields differ.
      return `identityInfo: ${change.fields.join(", ")} differ${change.fields.length === 1 ? "s" : ""}`;
    case "phoneConfig":
      return `phoneConfig: ${change.fields
        .map((field) =>
          field === "DeskPhoneNumber"
            ? "DeskPhoneNumber differs"
            : `${field} ${String(change.from[field])} -> ${String(change.to[field])}`,
        )
        .join(", ")}`;
    case "tags":
      return `tags: ${Object.keys(change.to)
        .map((key) => `${key} ${change.from[key] ?? "(none)"} -> ${change.to[key] ?? "(removed)"}`)
        .join(", ")}`;
    case "status":
      return `status: ${change.from} -> ${change.to}`;
  }
};
