import {
  DISABLED_STATUS,
  EMPLOYEE_ID_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  STATUS_TAG,
} from "../domain/connect-user.js";
import type { UserSettings } from "../domain/desired-user.js";
import type { EmployeeRecordEvent } from "../domain/employee-event.js";
import { NotManagedError, PermanentFailure, type ReasonCode } from "../domain/failures.js";
import type { LedgerEntry } from "../domain/ledger.js";
import { userChanges, usernameDrift } from "../domain/plan.js";
import {
  classify,
  type EmployeeFinding,
  type InstanceUser,
  type ReconcileTotals,
  type Reconciliation,
  totalsOf,
  type UserRef,
} from "../domain/reconciliation.js";
import type {
  CallContext,
  ConnectUsers,
  LedgerInventory,
  UserDirectory,
  UserListing,
  UserSummary,
} from "../ports.js";
import { EmployeePlanner } from "./employee-planner.js";
import type { ProfileResolver } from "./profile-resolver.js";
import type { RuleBook } from "./rule-book.js";

/** One employee of the roster: their record, and the HR version the roster gives it. */
export interface RosterEmployee {
  readonly event: EmployeeRecordEvent;
  readonly version: number;
}

export interface ReconcilerDeps {
  readonly rules: RuleBook;
  readonly profiles: ProfileResolver;
  readonly settings: UserSettings;
  /** Read only: reconciliation lists and describes users, it never changes one. */
  readonly connect: Pick<ConnectUsers, "describeUser"> & UserDirectory;
  readonly ledger: LedgerInventory;
  /**
   * Employees planned at once. Each waits on its DescribeUser slot: enough of them in flight
   * keep the paced lane full, so the quota, not the round trips, sets the pace.
   */
  readonly concurrency?: number;
}

export interface ReconcileProgress {
  readonly done: number;
  readonly total: number;
  /** The roster's employees classified so far, per class. */
  readonly counts: ReconcileTotals;
}

/**
 * Failures that belong to the employee's record or its rule: the function would park the event.
 * Anything else (Connect or DynamoDB out of reach, credentials refused) ends the reconciliation.
 */
const EMPLOYEE_FAILURES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  "InvalidEvent",
  "NoMappingRule",
  "ProfileNotFound",
  "AmbiguousProfile",
  "ForbiddenProfile",
  "MissingDeskPhone",
  "InvalidUsername",
  "UsernameTaken",
  "NotManaged",
]);

/**
 * Every employee is compared whatever the versions: whether the fix would apply (a roster older
 * than what the ledger applied) is the classifier's call, not a reason to skip the comparison.
 */
const COMPARE_WHATEVER_THE_VERSION = Number.MAX_SAFE_INTEGER;

const DEFAULT_CONCURRENCY = 16;

/**
 * Reconciliation: the roster against the instance's users and the ledger. The instance is read
 * in bulk first (managed users by their tag, every user by ListUsers, both paged), then each
 * employee is planned by the function's own planner, which describes the employee's user (the
 * only call per employee) and computes the differences with the function's own plan.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(
    roster: readonly RosterEmployee[],
    asOf: number,
    context: CallContext,
    onProgress: (progress: ReconcileProgress) => void = () => {},
  ): Promise<Reconciliation> {
    const { connect, ledger } = this.deps;
    const [managed, listed] = await Promise.all([
      connect.listManagedUsers(context),
      connect.listUsers(context),
    ]);
    const snapshot = new InstanceSnapshot(managed, listed);
    const employeeIds = [
      ...roster.map(({ event }) => event.employee.employeeId),
      ...managed.map((user) => user.tags[EMPLOYEE_ID_TAG]).filter((id): id is string => !!id),
    ];
    const entries = new Map(
      (await ledger.entries(employeeIds, context)).map((entry) => [entry.employeeId, entry]),
    );
    const planner = new EmployeePlanner({
      rules: this.deps.rules,
      profiles: this.deps.profiles,
      settings: this.deps.settings,
      users: snapshot.plannerView(connect),
    });

    const findings: EmployeeFinding[] = new Array(roster.length);
    const counted: { class: keyof ReconcileTotals }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < roster.length) {
        const index = next++;
        const employee = roster[index] as RosterEmployee;
        const entry = entries.get(employee.event.employee.employeeId);
        const finding = await this.find(planner, snapshot, employee, entry, context);
        findings[index] = finding;
        counted.push({ class: provisionalClass(finding) });
        onProgress({ done: counted.length, total: roster.length, counts: totalsOf(counted) });
      }
    };
    const concurrency = Math.max(1, this.deps.concurrency ?? DEFAULT_CONCURRENCY);
    await Promise.all(Array.from({ length: Math.min(concurrency, roster.length) }, worker));

    return classify({
      findings,
      users: snapshot.instanceUsers(),
      ledger: entries,
      asOf,
    });
  }

  private async find(
    planner: EmployeePlanner,
    snapshot: InstanceSnapshot,
    { event, version }: RosterEmployee,
    entry: LedgerEntry | undefined,
    context: CallContext,
  ): Promise<EmployeeFinding> {
    const { employeeId } = event.employee;
    let ruleId: string | undefined;
    try {
      const planned = await planner.plan(
        event,
        COMPARE_WHATEVER_THE_VERSION,
        entry,
        undefined,
        context,
      );
      ruleId = planned.rule.ruleId;
      const { plan, desired } = planned;
      if (plan.action === "UPDATE" || plan.action === "UNCHANGED") {
        return {
          kind: "user",
          employeeId,
          version,
          ruleId,
          user: ref(plan.user),
          changes: plan.action === "UPDATE" ? plan.changes : [],
          ...(plan.usernameDrift ? { usernameDrift: plan.usernameDrift } : {}),
        };
      }
      // No user of the employee's: the function would create one, and on a duplicate username
      // adopt it when it is theirs. Ask as it would learn it.
      let existing: Awaited<ReturnType<EmployeePlanner["userByUsername"]>>;
      try {
        existing = await planner.userByUsername(desired, context);
      } catch (error) {
        const holder = snapshot.byUsername(desired.username);
        if (error instanceof NotManagedError && holder) {
          return { kind: "unmanaged", employeeId, version, user: holder };
        }
        throw error;
      }
      if (!existing) return { kind: "missing", employeeId, version, ruleId };
      const drift = usernameDrift(desired, existing);
      return {
        kind: "user",
        employeeId,
        version,
        ruleId,
        user: ref(existing),
        changes: userChanges(desired, existing, entry?.ruleTagKeys ?? []),
        ...(drift ? { usernameDrift: drift } : {}),
      };
    } catch (error) {
      if (!(error instanceof PermanentFailure && EMPLOYEE_FAILURES.has(error.reason))) throw error;
      // A failure past the rule (a profile, the desk phone, the username) still has its rule.
      ruleId ??= await this.deps.rules.ruleFor(event.employee, context).then(
        (choice) => choice.rule.ruleId,
        () => undefined,
      );
      const user = snapshot.managedUserOf(employeeId, entry);
      return {
        kind: "failed",
        employeeId,
        version,
        failure: { reason: error.reason, message: error.message },
        ...(ruleId === undefined ? {} : { ruleId }),
        ...(user ? { user } : {}),
      };
    }
  }
}

/** How an employee counts while the run is in progress (the classifier has the last word). */
const provisionalClass = (finding: EmployeeFinding): keyof ReconcileTotals => {
  switch (finding.kind) {
    case "missing":
      return "MISSING";
    case "unmanaged":
      return "UNMANAGED";
    case "user":
      return finding.changes.length > 0 ? "DRIFTED" : "IN_SYNC";
    default:
      return finding.user ? "DRIFTED" : "MISSING";
  }
};

const ref = (user: UserRef): UserRef => ({ userId: user.userId, username: user.username });

/**
 * The instance as the bulk reads saw it, answering the planner's searches without a call each:
 * the managed users by employee (the tag search, done once for all) and every username
 * (ListUsers). DescribeUser still goes to Connect, and what it tells of a user's tags is kept.
 */
class InstanceSnapshot {
  readonly #managed = new Map<string, UserSummary>();
  readonly #byEmployee = new Map<string, UserSummary[]>();
  readonly #byUsername = new Map<string, UserListing>();
  readonly #listed: readonly UserListing[];
  /** Tags as DescribeUser gave them: fresher than the search index's. */
  readonly #described = new Map<string, Readonly<Record<string, string>>>();

  constructor(managed: readonly UserSummary[], listed: readonly UserListing[]) {
    this.#listed = listed;
    for (const user of managed) {
      this.#managed.set(user.userId, user);
      const employeeId = user.tags[EMPLOYEE_ID_TAG];
      if (employeeId === undefined) continue;
      this.#byEmployee.set(employeeId, [...(this.#byEmployee.get(employeeId) ?? []), user]);
    }
    for (const user of [...managed, ...listed]) {
      this.#byUsername.set(user.username.toLowerCase(), {
        userId: user.userId,
        username: user.username,
      });
    }
  }

  plannerView(
    connect: Pick<ConnectUsers, "describeUser">,
  ): Pick<ConnectUsers, "describeUser" | "findUsersByEmployeeId" | "findUserIdByUsername"> {
    return {
      describeUser: async (userId, context) => {
        const user = await connect.describeUser(userId, context);
        if (user) this.#described.set(user.userId, user.tags);
        return user;
      },
      findUsersByEmployeeId: async (employeeId) => [...(this.#byEmployee.get(employeeId) ?? [])],
      findUserIdByUsername: async (username) => this.byUsername(username)?.userId,
    };
  }

  byUsername(username: string): UserListing | undefined {
    return this.#byUsername.get(username.toLowerCase());
  }

  /** The employee's managed user by the ledger or the tag, for an employee that cannot be planned. */
  managedUserOf(employeeId: string, entry: LedgerEntry | undefined): UserRef | undefined {
    const candidates = [...(this.#byEmployee.get(employeeId) ?? [])].sort((a, b) =>
      a.userId < b.userId ? -1 : 1,
    );
    return candidates.find((user) => user.userId === entry?.userId) ?? candidates[0];
  }

  /** Every user either read saw, with what is known of its tags. */
  instanceUsers(): InstanceUser[] {
    const users = new Map<string, InstanceUser>();
    const add = (user: UserListing, tags: Readonly<Record<string, string>> | undefined) => {
      const employeeId = tags?.[EMPLOYEE_ID_TAG];
      users.set(user.userId, {
        userId: user.userId,
        username: user.username,
        managed: tags?.[MANAGED_BY_TAG] === MANAGED_BY_VALUE,
        ...(employeeId === undefined ? {} : { employeeId }),
        disabled: tags?.[STATUS_TAG] === DISABLED_STATUS,
      });
    };
    for (const user of [...this.#listed, ...this.#managed.values()]) {
      add(user, this.#described.get(user.userId) ?? this.#managed.get(user.userId)?.tags);
    }
    return [...users.values()];
  }
}
