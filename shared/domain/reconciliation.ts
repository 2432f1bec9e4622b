/**
 * Reconciliation (docs/cli.md, `onboard reconcile`): HR's roster and Connect's users side by
 * side. The application reads the instance and plans each employee with the function's own
 * planner; this module only sorts what that found into classes, and says which event would fix
 * each finding. Pure.
 */
import type { ReasonCode } from "./failures.js";
import type { UserChange, UsernameDrift } from "./plan.js";

export const RECONCILE_CLASSES = [
  "MISSING",
  "DRIFTED",
  "ORPHANED",
  "UNMANAGED",
  "IN_SYNC",
] as const;
export type ReconcileClass = (typeof RECONCILE_CLASSES)[number];

/** The events that fix what reconciliation finds; the function applies them like any other. */
export const FIX_EVENT_TYPES = ["EmployeeHired", "EmployeeUpdated", "EmployeeTerminated"] as const;
export type FixEventType = (typeof FIX_EVENT_TYPES)[number];

/** Where fix events say they come from (`source`), and what their eventIds start with. */
export const FIX_EVENT_SOURCE = "onboard-reconcile";

export interface UserRef {
  readonly userId: string;
  readonly username: string;
}

export interface FindingFailure {
  readonly reason: ReasonCode;
  readonly message: string;
}

/**
 * What planning one employee of the roster found. `version` is the roster's HR version for
 * the employee: a fix event carries it, so the function judges it stale or not as any event.
 */
export type EmployeeFinding =
  /** No user: the plan is to create one. */
  | {
      readonly kind: "missing";
      readonly employeeId: string;
      readonly version: number;
      readonly ruleId: string;
    }
  /** The employee's managed user, and how it differs from what the rule gives. */
  | {
      readonly kind: "user";
      readonly employeeId: string;
      readonly version: number;
      readonly ruleId: string;
      readonly user: UserRef;
      readonly changes: readonly UserChange[];
      readonly usernameDrift?: UsernameDrift;
    }
  /** A user that is the employee's (tag or username) but not managed by the service. */
  | {
      readonly kind: "unmanaged";
      readonly employeeId: string;
      readonly version: number;
      readonly user: UserRef;
    }
  /** The function would fail this employee's event; `user` is their managed user, if any. */
  | {
      readonly kind: "failed";
      readonly employeeId: string;
      readonly version: number;
      readonly failure: FindingFailure;
      readonly ruleId?: string;
      readonly user?: UserRef;
    };

/** A user of the instance, as the listings and its tags show it. */
export interface InstanceUser {
  readonly userId: string;
  readonly username: string;
  /** Tagged managedBy=connect-onboarding. */
  readonly managed: boolean;
  /** Its employeeId tag, where the listing showed the tags. */
  readonly employeeId?: string;
  /** Tagged status=disabled: a leaver's user, disabled rather than deleted. */
  readonly disabled: boolean;
}

/** What the ledger remembers of an employee, as far as reconciliation needs it. */
export interface LedgerFacts {
  readonly appliedVersion?: number;
  readonly ruleId?: string;
}

export interface ReconcileInput {
  readonly findings: readonly EmployeeFinding[];
  readonly users: readonly InstanceUser[];
  readonly ledger: ReadonlyMap<string, LedgerFacts>;
  /** The roster's time: the HR version of a termination for a user the roster lacks. */
  readonly asOf: number;
}

/** The event that fixes an entry, and the HR version it carries. */
export interface Fix {
  readonly eventType: FixEventType;
  readonly employeeId: string;
  readonly version: number;
}

export interface ReconcileEntry {
  readonly class: ReconcileClass;
  readonly employeeId: string | null;
  readonly userId: string | null;
  readonly username: string | null;
  /** The rule that applies (or, for an ORPHANED user, the one that applied last). */
  readonly ruleId: string | null;
  /** DRIFTED only: the aspects that differ, as a Connect User Updated event names them. */
  readonly differences?: readonly UserChange[];
  readonly usernameDrift?: UsernameDrift;
  /** The reason the function would park this employee's event. */
  readonly failure?: FindingFailure;
  /** Why there is no fix, where there would otherwise be one. */
  readonly note?: string;
  readonly fix: Fix | null;
}

export type ReconcileTotals = Readonly<Record<ReconcileClass, number>>;

export interface Reconciliation {
  readonly entries: readonly ReconcileEntry[];
  readonly totals: ReconcileTotals;
}

const DISABLED_LEAVER =
  "a leaver's user, disabled (LEAVER_ACTION=DISABLE): as the lifecycle leaves it";
const UNMANAGED_NOTE = "not managed by connect-onboarding: shown, never touched";
const NO_EMPLOYEE_TAG = "tagged managedBy but with no employeeId tag: no event can name it";

/**
 * One entry per employee of the roster and one per other user of the instance: every managed
 * user is the employee's (IN_SYNC or DRIFTED), a second one of theirs (DRIFTED, to remove by
 * hand), a leaver's (ORPHANED) or a disabled leaver's (IN_SYNC); every other user is UNMANAGED.
 * An entry has a fix only where the function would apply it: not for a failing event, and not
 * when the ledger applied an HR version at least as new as the fix would carry.
 */
export const classify = ({ findings, users, ledger, asOf }: ReconcileInput): Reconciliation => {
  const roster = new Set(findings.map((finding) => finding.employeeId));
  const claimed = new Set<string>();
  const entries: ReconcileEntry[] = [];
  const fixFor = (eventType: FixEventType, employeeId: string, version: number) => {
    const applied = ledger.get(employeeId)?.appliedVersion;
    return applied !== undefined && version <= applied
      ? {
          fix: null,
          note: `the ledger applied HR data of ${iso(applied)}, not older than this (${iso(version)}): the function would skip the fix as stale`,
        }
      : { fix: { eventType, employeeId, version } };
  };

  for (const finding of findings) {
    const { employeeId } = finding;
    switch (finding.kind) {
      case "missing":
        entries.push({
          class: "MISSING",
          employeeId,
          userId: null,
          username: null,
          ruleId: finding.ruleId,
          ...fixFor("EmployeeHired", employeeId, finding.version),
        });
        break;
      case "user": {
        claimed.add(finding.user.userId);
        const drift = finding.usernameDrift ? { usernameDrift: finding.usernameDrift } : {};
        const base = { employeeId, ...ref(finding.user), ruleId: finding.ruleId, ...drift };
        entries.push(
          finding.changes.length === 0
            ? { class: "IN_SYNC", ...base, fix: null }
            : {
                class: "DRIFTED",
                ...base,
                differences: finding.changes,
                ...fixFor("EmployeeUpdated", employeeId, finding.version),
              },
        );
        break;
      }
      case "unmanaged":
        claimed.add(finding.user.userId);
        entries.push({
          class: "UNMANAGED",
          employeeId,
          ...ref(finding.user),
          ruleId: null,
          note: UNMANAGED_NOTE,
          fix: null,
        });
        break;
      case "failed": {
        if (finding.user) claimed.add(finding.user.userId);
        entries.push({
          class: finding.user ? "DRIFTED" : "MISSING",
          employeeId,
          ...(finding.user ? ref(finding.user) : { userId: null, username: null }),
          ruleId: finding.ruleId ?? null,
          ...(finding.user ? { differences: [] } : {}),
          failure: finding.failure,
          fix: null,
        });
        break;
      }
    }
  }

  for (const user of [...users].sort((a, b) => compare(a.userId, b.userId))) {
    if (claimed.has(user.userId)) continue;
    claimed.add(user.userId);
    const employeeId = user.employeeId ?? null;
    if (!user.managed) {
      entries.push({
        class: "UNMANAGED",
        employeeId,
        ...ref(user),
        ruleId: null,
        note: UNMANAGED_NOTE,
        fix: null,
      });
      continue;
    }
    const ruleId = (employeeId && ledger.get(employeeId)?.ruleId) || null;
    if (employeeId !== null && roster.has(employeeId)) {
      entries.push({
        class: "DRIFTED",
        employeeId,
        ...ref(user),
        ruleId,
        differences: [],
        note: "a second managed user of this employee: the function keeps the other one; remove this one by hand",
        fix: null,
      });
    } else if (user.disabled) {
      entries.push({
        class: "IN_SYNC",
        employeeId,
        ...ref(user),
        ruleId,
        note: DISABLED_LEAVER,
        fix: null,
      });
    } else if (employeeId === null) {
      entries.push({
        class: "ORPHANED",
        employeeId,
        ...ref(user),
        ruleId,
        note: NO_EMPLOYEE_TAG,
        fix: null,
      });
    } else {
      entries.push({
        class: "ORPHANED",
        employeeId,
        ...ref(user),
        ruleId,
        ...fixFor("EmployeeTerminated", employeeId, asOf),
      });
    }
  }

  entries.sort(byEntryOrder);
  return { entries, totals: totalsOf(entries) };
};

export const totalsOf = (entries: readonly Pick<ReconcileEntry, "class">[]): ReconcileTotals => {
  const totals = Object.fromEntries(RECONCILE_CLASSES.map((name) => [name, 0])) as Record<
    ReconcileClass,
    number
  >;
  for (const entry of entries) totals[entry.class]++;
  return totals;
};

/** The canonical event that applies a fix: a hire or update carries the roster's record. */
export const fixEvent = (
  fix: Fix,
  employee: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> => {
  const base = {
    eventType: fix.eventType,
    // The same finding on the same roster gives the same event: sent twice, it is one change.
    eventId: `${FIX_EVENT_SOURCE}-${fix.employeeId}-${fix.version}`,
    occurredAt: iso(fix.version),
    source: FIX_EVENT_SOURCE,
  };
  if (fix.eventType === "EmployeeTerminated") {
    return { ...base, employee: { employeeId: fix.employeeId } };
  }
  if (!employee) throw new Error(`no roster record for employee ${fix.employeeId}`);
  return { ...base, employee: { ...employee } };
};

const ref = (user: UserRef) => ({ userId: user.userId, username: user.username });

const iso = (version: number): string => new Date(version).toISOString();

const CLASS_ORDER: Readonly<Record<ReconcileClass, number>> = Object.fromEntries(
  RECONCILE_CLASSES.map((name, i) => [name, i]),
) as Record<ReconcileClass, number>;

/** Class by class (the order of RECONCILE_CLASSES), then by employee, then by user. */
const byEntryOrder = (a: ReconcileEntry, b: ReconcileEntry): number =>
  CLASS_ORDER[a.class] - CLASS_ORDER[b.class] ||
  compare(a.employeeId ?? "\uffff", b.employeeId ?? "\uffff") ||
  compare(a.userId ?? "", b.userId ?? "");

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
