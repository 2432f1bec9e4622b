import { type ConnectUser, ownershipOf } from "../domain/connect-user.js";
import { type DesiredUser, desiredUser, type UserSettings } from "../domain/desired-user.js";
import type { EmployeeRecordEvent } from "../domain/employee-event.js";
import { NotManagedError, UsernameTakenError } from "../domain/failures.js";
import type { LedgerEntry } from "../domain/ledger.js";
import type { MappingRule } from "../domain/mapping-rule.js";
import { type AppliedState, planSync, type SyncPlan } from "../domain/plan.js";
import type { CallContext, ConnectUsers } from "../ports.js";
import type { ProfileResolver } from "./profile-resolver.js";
import type { RuleBook } from "./rule-book.js";

export interface EmployeePlannerDeps {
  readonly rules: RuleBook;
  readonly profiles: ProfileResolver;
  /** Read only: the planner describes and searches, it never changes a user. */
  readonly users: Pick<
    ConnectUsers,
    "describeUser" | "findUsersByEmployeeId" | "findUserIdByUsername"
  >;
  readonly settings: UserSettings;
}

export interface EmployeePlan {
  readonly rule: MappingRule;
  /** The attributes the rules look at. */
  readonly matchKeys: readonly string[];
  readonly desired: DesiredUser;
  readonly plan: SyncPlan;
  /** The employee's user as Connect has it (absent when the plan is to create one). */
  readonly user?: ConnectUser;
}

/** What the ledger says was applied last, as the planner needs it. */
export const appliedState = (entry: LedgerEntry | undefined): AppliedState | undefined =>
  entry?.appliedVersion === undefined
    ? undefined
    : { version: entry.appliedVersion, ruleTagKeys: entry.ruleTagKeys };

/**
 * Works out, without changing anything, what an event asks of Connect: the winning rule, the
 * desired user, the employee's user and the plan. The function applies what this finds;
 * `onboard plan` shows it: one reading, so the two can never disagree.
 */
export class EmployeePlanner {
  constructor(private readonly deps: EmployeePlannerDeps) {}

  async plan(
    event: EmployeeRecordEvent,
    version: number,
    entry: LedgerEntry | undefined,
    createdUserId: string | undefined,
    context: CallContext,
  ): Promise<EmployeePlan> {
    const { rules, profiles, settings } = this.deps;
    const { rule, matchKeys } = await rules.ruleFor(event.employee, context);
    const desired = desiredUser(
      event.employee,
      rule,
      await profiles.resolve(rule, context),
      settings,
    );
    const user = await this.findUser(desired, entry, createdUserId, context);
    const applied = appliedState(entry);
    const plan = planSync({
      version,
      ...(applied ? { applied } : {}),
      desired,
      ...(user ? { actual: user } : {}),
    });
    return { rule, matchKeys, desired, plan, ...(user ? { user } : {}) };
  }

  /**
   * The employee's user, by employee ID, never by username alone: the user this very event
   * created on an earlier attempt, the one the ledger names, then the tag search (whose index
   * may lag a fresh write: the ledger covers that window). A user tagged for the employee but
   * not managed by this service is not ours to change.
   */
  async findUser(
    desired: DesiredUser,
    entry: LedgerEntry | undefined,
    createdUserId: string | undefined,
    context: CallContext,
  ): Promise<ConnectUser | undefined> {
    const { users } = this.deps;
    const known = [createdUserId, entry?.status === "REMOVED" ? undefined : entry?.userId].filter(
      (id): id is string => id !== undefined,
    );
    for (const userId of new Set(known)) {
      const user = await users.describeUser(userId, context);
      // Gone (deleted by hand) or handed to someone else: look for the employee afresh.
      if (user && ownershipOf(user.tags, desired.employeeId) === "managed") return user;
    }
    const tagged = await users.findUsersByEmployeeId(desired.employeeId, context);
    if (tagged.length === 0) return undefined;
    const managed = tagged
      .filter((user) => ownershipOf(user.tags, desired.employeeId) === "managed")
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
    if (managed.length === 0) {
      throw new NotManagedError(
        `Connect user ${tagged[0]?.userId} is tagged for this employee but not managed by connect-onboarding (no managedBy=connect-onboarding tag): tag it to hand it over`,
      );
    }
    if (managed.length > 1) {
      context.log.warn("Employee has several managed Connect users; bringing one in line", {
        userIds: managed.map((user) => user.userId),
      });
    }
    const chosen =
      managed.find((user) => user.username.toLowerCase() === desired.username.toLowerCase()) ??
      (managed[0] as (typeof managed)[number]);
    return users.describeUser(chosen.userId, context);
  }

  /**
   * The user holding the desired username, when it is this employee's and managed (to adopt);
   * someone else's is `UsernameTaken`, this employee's unmanaged one `NotManaged`.
   */
  async userByUsername(
    desired: DesiredUser,
    context: CallContext,
  ): Promise<ConnectUser | undefined> {
    const { users } = this.deps;
    const userId = await users.findUserIdByUsername(desired.username, context);
    const existing = userId ? await users.describeUser(userId, context) : undefined;
    if (!existing) return undefined;
    const ownership = ownershipOf(existing.tags, desired.employeeId);
    if (ownership === "unmanaged") {
      throw new NotManagedError(
        `the username is used by Connect user ${existing.userId}, tagged for this employee but not managed by connect-onboarding (no managedBy=connect-onboarding tag): tag it to hand it over`,
      );
    }
    if (ownership === "other") {
      // Never the other employee's ID: failure messages reach the bus and the DLQ.
      throw new UsernameTakenError(
        `the username is already used by Connect user ${existing.userId}, ${existing.tags.employeeId ? "tagged for another employee" : "which has no employeeId tag"}`,
      );
    }
    return existing;
  }
}
