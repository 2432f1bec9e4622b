import {
  type ConnectUser,
  DISABLED_STATUS,
  ownershipOf,
  STATUS_TAG,
} from "../domain/connect-user.js";
import type { EmployeeLeaverEvent } from "../domain/employee-event.js";
import {
  EmployeeBusyError,
  NotManagedError,
  RemovalThresholdExceededError,
  SchedulerUnavailableError,
} from "../domain/failures.js";
import {
  disableChanges,
  effectiveTime,
  type LeaverAction,
  SCHEDULE_PRECISION_MS,
} from "../domain/leaver.js";
import {
  type AppliedChange,
  type Claim,
  type EmployeeStatus,
  historyEntryOf,
  type LedgerEntry,
  type PendingRemoval,
  type StoredEvent,
  storedEvents,
} from "../domain/ledger.js";
import {
  type OutputEvent,
  type RemovalAction,
  userRemovalScheduledEvent,
  userRemovedEvent,
} from "../domain/output-events.js";
import type { UserChange } from "../domain/plan.js";
import type {
  CallContext,
  ClaimResult,
  ConnectUsers,
  Ledger,
  ProvisioningEventPublisher,
  RemovalBudget,
  RemovalScheduler,
} from "../ports.js";
import type { Clock } from "./clock.js";
import { type Deadline, firstHalf } from "./deadline.js";
import type { ProfileResolver } from "./profile-resolver.js";

/**
 * What a leaver event did. SCHEDULED, REMOVED, DISABLED and RESCINDED changed or announced
 * something; CANCELLED (a due schedule whose removal was rescinded or superseded meanwhile),
 * NOT_RESCINDED (nothing was pending) and UNCHANGED (already removed) did nothing.
 */
export type LeaverOutcome =
  | "SCHEDULED"
  | "REMOVED"
  | "DISABLED"
  | "RESCINDED"
  | "CANCELLED"
  | "NOT_RESCINDED"
  | "UNCHANGED"
  | "STALE"
  | "REDELIVERED";

export interface LeaverResult {
  readonly outcome: LeaverOutcome;
  readonly userId?: string;
  readonly changes: readonly UserChange[];
}

export interface LeaverSettings {
  readonly instanceId: string;
  readonly eventSource: string;
  readonly ledgerHistoryDays: number;
  readonly leaverAction: LeaverAction;
  readonly disabledRoutingProfile?: string;
  readonly disabledSecurityProfiles: readonly string[];
}

export interface LeaverSyncDeps {
  readonly users: ConnectUsers;
  readonly ledger: Ledger;
  readonly publisher: ProvisioningEventPublisher;
  readonly budget: RemovalBudget;
  /** Future-dated terminations; without it they fail (SchedulerUnavailable) and are retried. */
  readonly scheduler?: RemovalScheduler;
  readonly profiles: Pick<ProfileResolver, "resolveOne">;
  readonly clock: Clock;
  readonly settings: LeaverSettings;
}

const BUSY_BACKOFF_MS = [50, 100, 200, 400, 800];
const CLAIM_GRACE_MS = 2_000;
const REMOVED_STATUSES: ReadonlySet<EmployeeStatus | undefined> = new Set(["REMOVED", "DISABLED"]);

/**
 * The leaver use case (docs/lifecycle.md): a termination removes the employee's access when it
 * takes effect, by DeleteUser or by disabling the user (LEAVER_ACTION), only for a user this
 * service manages for this employee, and never past the deletion threshold. A future effective
 * time is scheduled instead: the schedule delivers the termination back to the queue when due.
 * A rescission or a newer hire cancels a pending one. Every step is claimed in the ledger like
 * a hire, so versions, redeliveries and racing environments behave as they do for hires.
 */
export class LeaverSync {
  constructor(private readonly deps: LeaverSyncDeps) {}

  async sync(
    event: EmployeeLeaverEvent,
    version: number,
    context: CallContext,
    releaseBy: Deadline = context.deadline,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    const until = context.deadline.at + CLAIM_GRACE_MS;
    if (event.scheduledRemoval === true) return this.due(event, version, context, releaseBy);
    const claimed = await this.waitFor(context, () =>
      this.deps.ledger.claim(employeeId, version, event.eventId, until, context),
    );
    if (claimed.kind === "stale") {
      context.log.info("Event is older than the one last applied; nothing to do", {
        outcome: "STALE",
        appliedVersion: claimed.entry.appliedVersion,
        version,
      });
      await this.history(event, version, "STALE", claimed.entry.userId ?? "", [], context);
      return { outcome: "STALE", changes: [] };
    }
    if (claimed.kind === "applied") {
      await this.republish(claimed.entry, context);
      return {
        outcome: "REDELIVERED",
        ...(claimed.entry.userId ? { userId: claimed.entry.userId } : {}),
        changes: [],
      };
    }
    if (claimed.kind !== "claimed") throw new EmployeeBusyError("employee busy");
    return this.holding(claimed.claim, employeeId, context, releaseBy, (claim) =>
      event.eventType === "EmployeeTerminationRescinded"
        ? this.rescind(event, version, claimed.entry, claim, context)
        : this.terminate(event, version, claimed.entry, claim, context),
    );
  }

  /** Runs `work` under the claim, handing the claim back should it fail. */
  private async holding<T>(
    claim: Claim,
    employeeId: string,
    context: CallContext,
    releaseBy: Deadline,
    work: (claim: ClaimHolder) => Promise<T>,
  ): Promise<T> {
    const holder = new ClaimHolder(claim, employeeId, this.deps.ledger, context);
    try {
      return await work(holder);
    } catch (error) {
      const releasing = { ...context, deadline: firstHalf(releaseBy, this.deps.clock) };
      await this.deps.ledger.release(employeeId, holder.claim, releasing).catch((releaseError) =>
        context.log.warn("Ledger claim not released; it lapses on its own", {
          reason: (releaseError as Error).name,
        }),
      );
      throw error;
    }
  }

  private async terminate(
    event: EmployeeLeaverEvent,
    version: number,
    entry: LedgerEntry | undefined,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    const found = await this.findUser(employeeId, entry, claim, context);
    if (found.kind === "gone") {
      // Removed already (by an earlier termination): nothing left to take away.
      context.log.info("Employee's user was removed already; nothing to do", {
        outcome: "UNCHANGED",
      });
      await this.commit(event, version, entry, claim, context, {
        status: entry?.status ?? "REMOVED",
        userId: entry?.userId ?? "",
        userArn: entry?.userArn ?? "",
        action: "UNCHANGED",
        changes: [],
        events: [],
        pendingRemoval: null,
      });
      if (entry?.pendingRemoval) await this.cancelSchedule(employeeId, context);
      return { outcome: "UNCHANGED", changes: [] };
    }
    const dueAt = effectiveTime(event);
    const now = this.deps.clock.now();
    if (found.kind === "user" && dueAt !== undefined && dueAt > now) {
      return this.schedule(event, version, entry, found.user, dueAt, claim, context);
    }
    return this.remove(event, version, version, entry, found, claim, context);
  }

  /** A future effective time: the schedule delivers the termination back when it is due. */
  private async schedule(
    event: EmployeeLeaverEvent,
    version: number,
    entry: LedgerEntry | undefined,
    user: ConnectUser,
    dueAt: number,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    const scheduler = this.requireScheduler();
    await scheduler.schedule(employeeId, dueAt, dueBody(event, version, dueAt), context);
    const { settings } = this.deps;
    const now = new Date(this.deps.clock.now());
    const events = [
      userRemovalScheduledEvent(
        settings.eventSource,
        {
          sourceEventId: event.eventId,
          employeeId,
          instanceId: settings.instanceId,
          version,
          userId: user.userId,
          effectiveAt: dueAt,
        },
        now,
      ),
    ];
    await this.commit(event, version, entry, claim, context, {
      status: entry?.status === "DISABLED" ? "DISABLED" : "ACTIVE",
      userId: user.userId,
      userArn: user.userArn,
      action: "SCHEDULED",
      changes: [],
      events,
      pendingRemoval: { version, eventId: event.eventId, dueAt },
    });
    await this.publishAll(events, context);
    context.log.info("Termination scheduled for its effective time", {
      outcome: "SCHEDULED",
      userId: user.userId,
      effectiveAt: new Date(dueAt).toISOString(),
    });
    return { outcome: "SCHEDULED", userId: user.userId, changes: [] };
  }

  /**
   * The removal itself, within the deletion threshold: DeleteUser, or the disabled profiles,
   * no hierarchy group and the status tag. `version` is the termination's (the budget counts it
   * once); `appliedVersion` what the ledger records as applied after it.
   */
  private async remove(
    event: EmployeeLeaverEvent,
    version: number,
    appliedVersion: number,
    entry: LedgerEntry | undefined,
    found: Exclude<FoundUser, { kind: "gone" }>,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    const { settings } = this.deps;
    const action = settings.leaverAction;
    let changes: UserChange[] = [];
    if (found.kind === "user" && action === "DISABLE") {
      changes = disableChanges(found.user, await this.disabledProfiles(context));
      const earlier = claim.claim.progress.pending ?? [];
      if (changes.length === 0 && earlier.length === 0) {
        return this.alreadyRemoved(event, appliedVersion, entry, found.user, claim, context);
      }
    }
    // Counted before anything is taken away; a retry of this termination is not counted again.
    if ((await this.deps.budget.take(employeeId, version, context)) === "exceeded") {
      context.log.warn("Removal held back: it would pass the deletion threshold", {
        reason: "RemovalThresholdExceeded",
        userId: found.kind === "user" ? found.user.userId : found.removing.userId,
      });
      throw new RemovalThresholdExceededError(
        "removing this employee's user would pass the deletion threshold (REMOVAL_THRESHOLD_COUNT or REMOVAL_THRESHOLD_PERCENT per rolling 24 hours); nothing was removed",
      );
    }
    let user: { userId: string; userArn: string; username: string | null };
    if (found.kind === "removed") {
      // An earlier attempt's DeleteUser went through; its record of it did not.
      user = { ...found.removing, username: null };
    } else if (action === "DELETE") {
      user = found.user;
      await claim.record({
        ...claim.claim.progress,
        removing: { userId: found.user.userId, userArn: found.user.userArn },
      });
      await this.deps.users.deleteUser(found.user.userId, context);
    } else {
      user = found.user;
      const pending = claim.claim.progress.pending ?? [];
      await claim.record({ ...claim.claim.progress, pending: [...pending, ...changes] });
      await this.applyDisable(found.user, changes, context);
      // What this claim changed, over all its attempts: the earlier ones' pending, merged.
      changes = mergeByAspect([...pending, ...changes]);
    }
    const removal: RemovalAction =
      found.kind === "removed" || action === "DELETE" ? "DELETED" : "DISABLED";
    const now = new Date(this.deps.clock.now());
    const events = [
      userRemovedEvent(
        settings.eventSource,
        {
          sourceEventId: event.eventId,
          employeeId,
          instanceId: settings.instanceId,
          version,
          userId: user.userId,
          userArn: user.userArn,
          username: user.username,
          action: removal,
        },
        now,
      ),
    ];
    const outcome = removal === "DELETED" ? "REMOVED" : "DISABLED";
    await this.commit(event, appliedVersion, entry, claim, context, {
      status: outcome,
      userId: user.userId,
      userArn: user.userArn,
      action: outcome,
      changes,
      events,
      pendingRemoval: null,
    });
    // A termination at once supersedes one scheduled for later.
    if (entry?.pendingRemoval && !event.scheduledRemoval) {
      await this.cancelSchedule(employeeId, context);
    }
    await this.publishAll(events, context);
    context.log.info("Leaver's Connect access removed", {
      outcome,
      userId: user.userId,
      action: removal,
    });
    return { outcome, userId: user.userId, changes };
  }

  private async alreadyRemoved(
    event: EmployeeLeaverEvent,
    appliedVersion: number,
    entry: LedgerEntry | undefined,
    user: ConnectUser,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<LeaverResult> {
    context.log.info("Employee's user is disabled already; nothing to do", {
      outcome: "UNCHANGED",
      userId: user.userId,
    });
    await this.commit(event, appliedVersion, entry, claim, context, {
      status: "DISABLED",
      userId: user.userId,
      userArn: user.userArn,
      action: "UNCHANGED",
      changes: [],
      events: [],
      pendingRemoval: null,
    });
    if (entry?.pendingRemoval && !event.scheduledRemoval) {
      await this.cancelSchedule(event.employee.employeeId, context);
    }
    return { outcome: "UNCHANGED", userId: user.userId, changes: [] };
  }

  /**
   * A schedule's delivery: carries out the removal the ledger holds as pending, if it still
   * does. One rescinded or superseded meanwhile is a no-op, said in the log and the history.
   */
  private async due(
    event: EmployeeLeaverEvent,
    version: number,
    context: CallContext,
    releaseBy: Deadline,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    const until = context.deadline.at + CLAIM_GRACE_MS;
    const claimed = await this.waitFor(context, () =>
      this.deps.ledger.claimPendingRemoval(employeeId, version, event.eventId, until, context),
    );
    if (claimed.kind !== "claimed") {
      const entry = "entry" in claimed ? claimed.entry : undefined;
      if (entry?.appliedEventId === event.eventId && REMOVED_STATUSES.has(entry.status)) {
        await this.republish(entry, context);
        return {
          outcome: "REDELIVERED",
          ...(entry.userId ? { userId: entry.userId } : {}),
          changes: [],
        };
      }
      context.log.info(
        "Scheduled removal is no longer pending (rescinded, or superseded by a newer hire or termination); nothing removed",
        { outcome: "CANCELLED", version },
      );
      await this.history(event, version, "CANCELLED", entry?.userId ?? "", [], context, "#due");
      return { outcome: "CANCELLED", changes: [] };
    }
    const { entry } = claimed;
    const pending = entry?.pendingRemoval as PendingRemoval;
    return this.holding(claimed.claim, employeeId, context, releaseBy, async (claim) => {
      const now = this.deps.clock.now();
      if (now < pending.dueAt - SCHEDULE_PRECISION_MS) {
        // Delivered early (a clock apart, or a hand-sent body): due later, so scheduled again.
        await this.requireScheduler().schedule(
          employeeId,
          pending.dueAt,
          dueBody(event, version, pending.dueAt),
          context,
        );
        await this.deps.ledger.release(employeeId, claim.claim, context);
        context.log.info("Scheduled removal delivered before its time; scheduled again", {
          outcome: "SCHEDULED",
          effectiveAt: new Date(pending.dueAt).toISOString(),
        });
        return { outcome: "SCHEDULED", changes: [] };
      }
      const found = await this.findUser(employeeId, entry, claim, context);
      // Later updates stay applied: the removal does not take the ledger's version back.
      const appliedVersion = Math.max(entry?.appliedVersion ?? version, version);
      if (found.kind === "gone") {
        context.log.info("Employee's user is gone already; nothing to remove", {
          outcome: "UNCHANGED",
        });
        await this.commit(event, appliedVersion, entry, claim, context, {
          status: "REMOVED",
          userId: entry?.userId ?? "",
          userArn: entry?.userArn ?? "",
          action: "UNCHANGED",
          changes: [],
          events: [],
          pendingRemoval: null,
        });
        return { outcome: "UNCHANGED", changes: [] };
      }
      return this.remove(event, version, appliedVersion, entry, found, claim, context);
    });
  }

  private async rescind(
    event: EmployeeLeaverEvent,
    version: number,
    entry: LedgerEntry | undefined,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<LeaverResult> {
    const { employeeId } = event.employee;
    if (entry?.pendingRemoval) {
      await this.cancelSchedule(employeeId, context);
      await this.commit(event, version, entry, claim, context, {
        status: entry.status ?? "ACTIVE",
        userId: entry.userId ?? "",
        userArn: entry.userArn ?? "",
        action: "RESCINDED",
        changes: [],
        events: [],
        pendingRemoval: null,
      });
      context.log.info("Pending termination rescinded; the user stays", {
        outcome: "RESCINDED",
        userId: entry.userId,
      });
      return {
        outcome: "RESCINDED",
        ...(entry.userId ? { userId: entry.userId } : {}),
        changes: [],
      };
    }
    if (REMOVED_STATUSES.has(entry?.status)) {
      context.log.warn(
        "Termination already carried out; a rescission cannot undo it: send a hire to restore access",
        { outcome: "NOT_RESCINDED", userId: entry?.userId, status: entry?.status },
      );
    } else {
      context.log.info("No termination pending for the employee; nothing to rescind", {
        outcome: "NOT_RESCINDED",
      });
    }
    if (entry?.appliedVersion === undefined) {
      // Nothing applied for this employee ever: only the timeline says the event came.
      await this.history(event, version, "NOT_RESCINDED", "", [], context);
      await this.deps.ledger.release(employeeId, claim.claim, context);
    } else {
      await this.commit(event, version, entry, claim, context, {
        status: entry.status ?? "ACTIVE",
        userId: entry.userId ?? "",
        userArn: entry.userArn ?? "",
        action: "NOT_RESCINDED",
        changes: [],
        events: [],
      });
    }
    return {
      outcome: "NOT_RESCINDED",
      ...(entry?.userId ? { userId: entry.userId } : {}),
      changes: [],
    };
  }

  /**
   * The employee's user, by employee ID only (a leaver carries no username): the one the
   * ledger names, else the tag search. Only a user tagged for this employee and managed by the
   * service is ever removed; an unmanaged one, or none at all, is NotManaged. A user this very
   * claim was deleting and that is gone now is `removed`; one the ledger says was removed is
   * `gone`.
   */
  private async findUser(
    employeeId: string,
    entry: LedgerEntry | undefined,
    claim: ClaimHolder,
    context: CallContext,
  ): Promise<FoundUser> {
    const { users } = this.deps;
    const { removing } = claim.claim.progress;
    const known = [removing?.userId, entry?.status === "REMOVED" ? undefined : entry?.userId];
    for (const userId of new Set(known.filter((id): id is string => id !== undefined))) {
      const user = await users.describeUser(userId, context);
      if (user && ownershipOf(user.tags, employeeId) === "managed") return { kind: "user", user };
    }
    const tagged = await users.findUsersByEmployeeId(employeeId, context);
    const managed = tagged
      .filter((user) => ownershipOf(user.tags, employeeId) === "managed")
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
    if (managed.length > 1) {
      context.log.warn("Employee has several managed Connect users; removing one", {
        userIds: managed.map((user) => user.userId),
      });
    }
    const chosen = managed[0] ? await users.describeUser(managed[0].userId, context) : undefined;
    if (chosen) return { kind: "user", user: chosen };
    if (removing) return { kind: "removed", removing };
    if (entry?.status === "REMOVED") return { kind: "gone" };
    const unmanaged = tagged.find((user) => ownershipOf(user.tags, employeeId) === "unmanaged");
    throw new NotManagedError(
      unmanaged
        ? `Connect user ${unmanaged.userId} is tagged for this employee but not managed by connect-onboarding (no managedBy=connect-onboarding tag): nothing was removed`
        : "no Connect user managed by connect-onboarding is tagged for this employee: nothing was removed",
    );
  }

  private async disabledProfiles(context: CallContext) {
    const { profiles, settings } = this.deps;
    const label = "LEAVER_ACTION=DISABLE";
    const [routingProfileId, ...securityProfileIds] = await Promise.all([
      profiles.resolveOne(
        "routingProfile",
        settings.disabledRoutingProfile as string,
        label,
        context,
      ),
      ...settings.disabledSecurityProfiles.map((ref) =>
        profiles.resolveOne("securityProfile", ref, label, context),
      ),
    ]);
    return {
      routingProfileId: routingProfileId as string,
      securityProfileIds: [...new Set(securityProfileIds)].sort(),
    };
  }

  /** Each aspect with its own API, side by side (their quotas are separate). */
  private async applyDisable(
    user: ConnectUser,
    changes: readonly UserChange[],
    context: CallContext,
  ): Promise<void> {
    const { users } = this.deps;
    const settled = await Promise.allSettled(
      changes.map((change) => {
        switch (change.aspect) {
          case "routingProfile":
            return users.updateRoutingProfile(user.userId, change.to, context);
          case "securityProfiles":
            return users.updateSecurityProfiles(user.userId, change.to, context);
          case "hierarchyGroup":
            return users.updateHierarchy(user.userId, undefined, context);
          case "status":
            return users.tagUser(user.userArn, { [STATUS_TAG]: DISABLED_STATUS }, context);
          default:
            return Promise.resolve();
        }
      }),
    );
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async commit(
    event: EmployeeLeaverEvent,
    version: number,
    entry: LedgerEntry | undefined,
    claim: ClaimHolder,
    context: CallContext,
    change: {
      status: EmployeeStatus;
      userId: string;
      userArn: string;
      action: LeaverOutcome;
      changes: readonly UserChange[];
      events: readonly OutputEvent[];
      pendingRemoval?: PendingRemoval | null;
    },
  ): Promise<void> {
    const { ledger, settings } = this.deps;
    const applied: AppliedChange = {
      version,
      eventId: event.eventId,
      eventType: event.eventType,
      status: change.status,
      userId: change.userId,
      userArn: change.userArn,
      // The rule that last applied stays on record: a rehire or an update restores from it.
      ruleId: entry?.ruleId ?? "",
      ruleTagKeys: entry?.ruleTagKeys ?? [],
      matchAttributes: entry?.matchAttributes ?? {},
      action: change.action,
      changes: change.changes,
      outcome: storedEvents(change.events),
      appliedAt: this.deps.clock.now(),
      ...(change.pendingRemoval === undefined ? {} : { pendingRemoval: change.pendingRemoval }),
    };
    const suffix = event.scheduledRemoval ? "#due" : "";
    await ledger.appendHistory(
      historyEntryOf(
        event.employee.employeeId,
        { ...applied, eventId: `${event.eventId}${suffix}`, version: applied.version },
        settings.ledgerHistoryDays,
      ),
      context,
    );
    if (!(await ledger.commit(event.employee.employeeId, claim.claim, applied, context))) {
      context.log.warn("Ledger claim lapsed before the commit; announcing the change anyway", {
        version,
      });
    }
  }

  private async history(
    event: EmployeeLeaverEvent,
    version: number,
    action: LeaverOutcome,
    userId: string,
    changes: readonly UserChange[],
    context: CallContext,
    suffix = "",
  ): Promise<void> {
    await this.deps.ledger.appendHistory(
      historyEntryOf(
        event.employee.employeeId,
        {
          version,
          eventId: `${event.eventId}${suffix}`,
          eventType: event.eventType,
          action,
          userId,
          ruleId: "",
          changes,
          appliedAt: this.deps.clock.now(),
        },
        this.deps.settings.ledgerHistoryDays,
      ),
      context,
    );
  }

  /**
   * A redelivery of the leaver event last applied publishes its events again. The ledger keeps
   * them without the username: read back from Connect while the user exists (a disabled or
   * scheduled one), null once it was deleted.
   */
  private async republish(entry: LedgerEntry, context: CallContext): Promise<void> {
    if (entry.outcome.length === 0) return;
    const needsName = entry.outcome.some((stored) => stored.hadUsername);
    const user =
      needsName && entry.userId && entry.status !== "REMOVED"
        ? await this.deps.users.describeUser(entry.userId, context)
        : undefined;
    await this.publishAll(
      entry.outcome.map((stored) => restored(stored, user?.username ?? null)),
      context,
    );
    context.log.info("Event applied before; its outcome published again", {
      outcome: "REDELIVERED",
      events: entry.outcome.length,
    });
  }

  private async cancelSchedule(employeeId: string, context: CallContext): Promise<void> {
    await this.requireScheduler().cancel(employeeId, context);
  }

  private requireScheduler(): RemovalScheduler {
    const { scheduler } = this.deps;
    if (!scheduler) {
      throw new SchedulerUnavailableError(
        "future-dated terminations need SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN and QUEUE_ARN (docs/configuration.md)",
      );
    }
    return scheduler;
  }

  private async publishAll(events: readonly OutputEvent[], context: CallContext): Promise<void> {
    await Promise.all(events.map((event) => this.deps.publisher.publish(event, context.deadline)));
  }

  /** Another environment holding the employee is waited for, within the deadline. */
  private async waitFor<R extends { readonly kind: string }>(
    context: CallContext,
    attempt: () => Promise<R | ClaimResult>,
  ): Promise<R | ClaimResult> {
    for (let round = 0; ; round++) {
      const result = await attempt();
      if (result.kind !== "busy") return result;
      const wait = BUSY_BACKOFF_MS[Math.min(round, BUSY_BACKOFF_MS.length - 1)] as number;
      if (this.deps.clock.now() + wait > context.deadline.at) {
        throw new EmployeeBusyError(
          "another Lambda environment is changing this employee's user; SQS delivers this event again",
        );
      }
      await this.deps.clock.sleep(wait);
    }
  }
}

type FoundUser =
  | { readonly kind: "user"; readonly user: ConnectUser }
  /** This claim's DeleteUser went through before its record of it was lost. */
  | { readonly kind: "removed"; readonly removing: { userId: string; userArn: string } }
  /** The ledger says the employee's user was removed, and none is found. */
  | { readonly kind: "gone" };

/** The claim and its progress, written to the ledger before each change to Connect. */
class ClaimHolder {
  constructor(
    public claim: Claim,
    private readonly employeeId: string,
    private readonly ledger: Ledger,
    private readonly context: CallContext,
  ) {}

  async record(progress: Claim["progress"]): Promise<void> {
    this.claim = { ...this.claim, progress };
    await this.ledger.recordProgress(this.employeeId, this.claim, this.context);
  }
}

/**
 * What a schedule delivers when the termination is due: the termination without anything
 * personal (schedules are visible in the Scheduler console), marked as the schedule's.
 */
export const dueBody = (event: EmployeeLeaverEvent, version: number, dueAt: number): string =>
  JSON.stringify({
    eventType: "EmployeeTerminated",
    eventId: event.eventId,
    occurredAt: new Date(version).toISOString(),
    effectiveAt: new Date(dueAt).toISOString(),
    ...(event.source ? { source: event.source } : {}),
    scheduledRemoval: true,
    employee: { employeeId: event.employee.employeeId },
  });

const restored = (stored: StoredEvent, username: string | null): OutputEvent => {
  const { hadUsername, hadUsernameDrift: _drift, detail, ...event } = stored;
  // The same members as when it was published: its contract's shape.
  return { ...event, detail: hadUsername ? { ...detail, username } : detail } as OutputEvent;
};

/** One change per aspect: the first attempt's `from`, the last one's `to`. */
const mergeByAspect = (changes: readonly UserChange[]): UserChange[] => {
  const byAspect = new Map<string, UserChange>();
  for (const change of changes) {
    const earlier = byAspect.get(change.aspect);
    byAspect.set(
      change.aspect,
      earlier ? ({ ...change, from: earlier.from } as UserChange) : change,
    );
  }
  return [...byAspect.values()];
};
