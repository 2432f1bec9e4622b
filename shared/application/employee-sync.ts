import type { ConnectUser } from "../domain/connect-user.js";
import { createUserRequest, type DesiredUser } from "../domain/desired-user.js";
import { type EmployeeRecordEvent, isHire } from "../domain/employee-event.js";
import { EmployeeBusyError, UserLookupPendingError } from "../domain/failures.js";
import {
  type AppliedChange,
  type Claim,
  historyEntryOf,
  type LedgerEntry,
  matchAttributesOf,
  restoredEvents,
  storedEvents,
} from "../domain/ledger.js";
import { MATCH_ATTRIBUTES } from "../domain/mapping-rule.js";
import {
  type Outcome,
  type OutputEvent,
  userCreatedEvent,
  userUpdatedEvent,
} from "../domain/output-events.js";
import {
  ASPECTS,
  mergeChanges,
  onlyTags,
  planSync,
  type UserChange,
  type UsernameDrift,
} from "../domain/plan.js";
import { buildUsername, type IdentityManagementType } from "../domain/username.js";
import type { CallContext, ConnectUsers, Ledger, ProvisioningEventPublisher } from "../ports.js";
import type { Clock } from "./clock.js";
import { type Deadline, firstHalf } from "./deadline.js";
import { appliedState, type EmployeePlanner } from "./employee-planner.js";

export interface EmployeeSyncSettings {
  readonly instanceId: string;
  readonly identityManagementType: IdentityManagementType;
  /** For a redelivery's usernameDrift: the username the template gives the employee. */
  readonly usernameTemplate: string;
  readonly eventSource: string;
  readonly ledgerHistoryDays: number;
}

export interface EmployeeSyncDeps {
  readonly planner: EmployeePlanner;
  readonly users: ConnectUsers;
  readonly ledger: Ledger;
  readonly publisher: ProvisioningEventPublisher;
  readonly settings: EmployeeSyncSettings;
  readonly clock: Clock;
  readonly newPassword: () => string;
}

/**
 * What one event did. CREATED, ALREADY_EXISTED (a hire that found the employee's user) and
 * UPDATED changed or announced something; UNCHANGED and STALE did nothing; REDELIVERED is the
 * event last applied, arriving again, whose outcome is published again.
 */
export type SyncOutcome = Outcome | "UPDATED" | "UNCHANGED" | "STALE" | "REDELIVERED";

export interface SyncResult {
  readonly outcome: SyncOutcome;
  readonly userId?: string;
  readonly ruleId?: string;
  /** Every aspect changed for this event (also those changed by an earlier, failed attempt). */
  readonly changes: readonly UserChange[];
}

/** How long to wait for another environment to finish with an employee, between looks. */
const BUSY_BACKOFF_MS = [50, 100, 200, 400, 800];
/** A claim outlives its invocation's deadline by this much: the release may still be on its way. */
const CLAIM_GRACE_MS = 2_000;

/**
 * The use case: make one employee's Connect user match their HR record. The employee is
 * claimed in the ledger first, so a stale event never applies and two environments never change
 * one user at once; then the user is found by employee ID (ledger, then the tag search, then the
 * username), the plan computed, only what differs applied (each aspect with its own API), the
 * change committed with its history, and its outcome published. Safe to run again for the same
 * event: a retry picks up where the last attempt stopped, a redelivery publishes the same events.
 */
export class EmployeeSync {
  constructor(private readonly deps: EmployeeSyncDeps) {}

  /**
   * `releaseBy` bounds handing the claim back after a failure, which may come after the work's
   * deadline (the work was cut off there): it is later than `context.deadline`, and the release
   * takes at most half of what is left before it, so parking still has the rest.
   */
  async sync(
    event: EmployeeRecordEvent,
    version: number,
    context: CallContext,
    releaseBy: Deadline = context.deadline,
  ): Promise<SyncResult> {
    const { employeeId } = event.employee;
    const claimed = await this.claim(employeeId, version, event.eventId, context);
    if (claimed.kind === "stale") {
      context.log.info("Event is older than the one last applied; nothing to do", {
        outcome: "STALE",
        appliedVersion: claimed.entry.appliedVersion,
        version,
      });
      // Kept in the timeline, so `onboard history` answers "did that update arrive?".
      await this.deps.ledger.appendHistory(
        historyEntryOf(
          employeeId,
          {
            version,
            eventId: event.eventId,
            eventType: event.eventType,
            action: "STALE",
            userId: claimed.entry.userId ?? "",
            ruleId: "",
            changes: [],
            appliedAt: this.deps.clock.now(),
          },
          this.deps.settings.ledgerHistoryDays,
        ),
        context,
      );
      return { outcome: "STALE", changes: [] };
    }
    if (claimed.kind === "applied") {
      await this.republish(event, claimed.entry, context);
      return {
        outcome: "REDELIVERED",
        ...(claimed.entry.userId ? { userId: claimed.entry.userId } : {}),
        ...(claimed.entry.ruleId ? { ruleId: claimed.entry.ruleId } : {}),
        changes: [],
      };
    }
    const progress = new ClaimProgressLog(claimed.claim, employeeId, this.deps.ledger, context);
    try {
      return await this.apply(event, version, claimed.entry, progress, context);
    } catch (error) {
      const releasing = { ...context, deadline: firstHalf(releaseBy, this.deps.clock) };
      await this.deps.ledger.release(employeeId, progress.claim, releasing).catch((releaseError) =>
        context.log.warn("Ledger claim not released; it lapses on its own", {
          reason: (releaseError as Error).name,
        }),
      );
      throw error;
    }
  }

  private async claim(employeeId: string, version: number, eventId: string, context: CallContext) {
    const until = context.deadline.at + CLAIM_GRACE_MS;
    for (let attempt = 0; ; attempt++) {
      const result = await this.deps.ledger.claim(employeeId, version, eventId, until, context);
      if (result.kind !== "busy") return result;
      const wait = BUSY_BACKOFF_MS[Math.min(attempt, BUSY_BACKOFF_MS.length - 1)] as number;
      if (this.deps.clock.now() + wait > context.deadline.at) {
        throw new EmployeeBusyError(
          "another Lambda environment is changing this employee's user; SQS delivers this event again",
        );
      }
      await this.deps.clock.sleep(wait);
    }
  }

  private async apply(
    event: EmployeeRecordEvent,
    version: number,
    entry: LedgerEntry | undefined,
    progress: ClaimProgressLog,
    context: CallContext,
  ): Promise<SyncResult> {
    const { settings } = this.deps;
    const { employee } = event;
    const planned = await this.deps.planner.plan(
      event,
      version,
      entry,
      progress.claim.progress.created?.userId,
      context,
    );
    const { rule, matchKeys, desired } = planned;
    const applied = appliedState(entry);
    let found = planned.plan.action === "CREATE" ? undefined : planned.user;
    let created: ConnectUser | undefined;
    if (!found) {
      const outcome = await this.create(desired, progress, context);
      if ("created" in outcome) created = outcome.created;
      else found = outcome.existing;
    }
    const createdHere = created !== undefined || progress.claim.progress.created !== undefined;
    const user = (created ?? found) as ConnectUser;

    let drift: UsernameDrift | undefined;
    if (found) {
      const plan = planSync({ version, ...(applied ? { applied } : {}), desired, actual: found });
      await progress.settlePending(plan.action === "UPDATE" ? plan.changes : []);
      if (plan.action === "UPDATE") {
        await progress.pending(plan.changes);
        await this.applyChanges(found, desired, plan.changes, progress);
      }
      if (plan.action === "UPDATE" || plan.action === "UNCHANGED") drift = plan.usernameDrift;
    }
    // In ASPECTS order, whichever call finished first.
    const changes = [...progress.claim.progress.changes].sort(
      (a, b) => ASPECTS.indexOf(a.aspect) - ASPECTS.indexOf(b.aspect),
    );
    const now = new Date(this.deps.clock.now());
    const facts = {
      sourceEventId: event.eventId,
      employeeId: employee.employeeId,
      instanceId: settings.instanceId,
      version,
      userId: user.userId,
      userArn: user.userArn,
      username: user.username,
      ruleId: rule.ruleId,
    };
    const events: OutputEvent[] = [];
    if (createdHere || isHire(event.eventType)) {
      events.push(
        userCreatedEvent(
          settings.eventSource,
          {
            ...facts,
            // As found: the Updated event that follows says what changed since.
            routingProfileId: user.routingProfileId,
            securityProfileIds: user.securityProfileIds,
            ...(user.hierarchyGroupId ? { hierarchyGroupId: user.hierarchyGroupId } : {}),
            outcome: createdHere ? "CREATED" : "ALREADY_EXISTED",
          },
          now,
        ),
      );
    }
    if (changes.length > 0) {
      events.push(
        userUpdatedEvent(
          settings.eventSource,
          { ...facts, changes, ...(drift ? { usernameDrift: drift } : {}) },
          now,
        ),
      );
    }
    const outcome: SyncOutcome = createdHere
      ? "CREATED"
      : isHire(event.eventType)
        ? "ALREADY_EXISTED"
        : changes.length > 0
          ? "UPDATED"
          : "UNCHANGED";
    await this.commit(
      employee.employeeId,
      progress.claim,
      {
        version,
        eventId: event.eventId,
        eventType: event.eventType,
        status: "ACTIVE",
        userId: user.userId,
        userArn: user.userArn,
        ruleId: rule.ruleId,
        ruleTagKeys: Object.keys(desired.ruleTags).sort(),
        matchAttributes: matchAttributesOf(employee.attributes, [
          ...MATCH_ATTRIBUTES,
          ...matchKeys,
        ]),
        action: outcome,
        changes,
        outcome: storedEvents(events),
        appliedAt: now.getTime(),
      },
      context,
    );
    if (drift) {
      context.log.info("Username no longer fits the template; kept, as Connect cannot rename", {
        userId: user.userId,
      });
    }
    await this.publishAll(events, context);
    context.log.info("Connect user in line with HR", {
      outcome,
      userId: user.userId,
      ruleId: rule.ruleId,
      changed: changes.map((change) => change.aspect),
    });
    return { outcome, userId: user.userId, ruleId: rule.ruleId, changes };
  }

  /**
   * CreateUser; a duplicate username leads to that user, which is adopted when it is this
   * employee's and managed, and is someone else's otherwise.
   */
  private async create(
    desired: DesiredUser,
    progress: ClaimProgressLog,
    context: CallContext,
  ): Promise<{ created: ConnectUser } | { existing: ConnectUser }> {
    const { users, settings } = this.deps;
    const request = createUserRequest(
      desired,
      settings.instanceId,
      settings.identityManagementType,
      this.deps.newPassword,
    );
    const result = await users.createUser(request, context);
    if (result.status === "created") {
      await progress.created({ userId: result.userId, userArn: result.userArn });
      return {
        created: {
          userId: result.userId,
          userArn: result.userArn,
          username: request.Username,
          identityInfo: request.IdentityInfo,
          phoneConfig: request.PhoneConfig,
          routingProfileId: request.RoutingProfileId,
          securityProfileIds: request.SecurityProfileIds,
          ...(request.HierarchyGroupId ? { hierarchyGroupId: request.HierarchyGroupId } : {}),
          tags: request.Tags,
        },
      };
    }
    const existing = await this.deps.planner.userByUsername(desired, context);
    if (!existing) {
      throw new UserLookupPendingError(
        "Connect reports the username taken but no lookup finds the user yet",
      );
    }
    context.log.info("User already existed; adopting it", { userId: existing.userId });
    return { existing };
  }

  /**
   * Each aspect with its own API, all at once: their quotas are separate, so three changes cost
   * three paced calls side by side. Every change done is recorded before the first failure is
   * reported, so a retry neither repeats it nor forgets to announce it.
   */
  private async applyChanges(
    user: ConnectUser,
    desired: DesiredUser,
    changes: readonly UserChange[],
    progress: ClaimProgressLog,
  ): Promise<void> {
    const settled = await Promise.allSettled(
      changes.map(async (change) => {
        await this.applyChange(user, desired, change, progress);
        await progress.changed(change);
      }),
    );
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async applyChange(
    user: ConnectUser,
    desired: DesiredUser,
    change: UserChange,
    progress: ClaimProgressLog,
  ): Promise<void> {
    const { users } = this.deps;
    const { context } = progress;
    switch (change.aspect) {
      case "routingProfile":
        return users.updateRoutingProfile(user.userId, change.to, context);
      case "securityProfiles":
        return users.updateSecurityProfiles(user.userId, change.to, context);
      case "hierarchyGroup":
        return users.updateHierarchy(user.userId, change.to ?? undefined, context);
      case "identityInfo":
        return users.updateIdentityInfo(user.userId, desired.identityInfo, context);
      case "phoneConfig":
        return users.updatePhoneConfig(user.userId, desired.phoneConfig, context);
      case "tags": {
        const set = Object.entries(change.to).filter(
          (entry): entry is [string, string] => entry[1] !== null,
        );
        const removed = Object.keys(change.to).filter((key) => change.to[key] === null);
        if (set.length > 0) {
          await users.tagUser(user.userArn, Object.fromEntries(set), context);
          // Two calls: should the removal fail, the tags set are on record, or the retry would
          // find them in place and its event would not say they changed.
          const setKeys = set.map(([key]) => key);
          if (removed.length > 0) await progress.changed(onlyTags(change, setKeys));
        }
        if (removed.length > 0) await users.untagUser(user.userArn, removed, context);
        return;
      }
      case "status":
        return users.untagUser(user.userArn, ["status"], context);
    }
  }

  private async commit(
    employeeId: string,
    claim: Claim,
    applied: AppliedChange,
    context: CallContext,
  ): Promise<void> {
    const { ledger, settings } = this.deps;
    // History first: a crash before the commit is retried and writes the same entry again.
    // Unchanged events too: the timeline shows every event the service saw, not only changes.
    await ledger.appendHistory(
      historyEntryOf(employeeId, applied, settings.ledgerHistoryDays),
      context,
    );
    if (!(await ledger.commit(employeeId, claim, applied, context))) {
      // Our lease ran out and another environment took the employee over: it plans against
      // what Connect now has. The changes were made, so they are still announced.
      context.log.warn("Ledger claim lapsed before the commit; announcing the change anyway", {
        version: applied.version,
      });
    }
  }

  /**
   * The last attempt may have died between committing and publishing: publish again, the same
   * events with the same eventIds, which subscribers de-duplicate. The ledger keeps them without
   * usernames: the user's is read back from Connect, the template's from the event.
   */
  private async republish(
    event: EmployeeRecordEvent,
    entry: LedgerEntry,
    context: CallContext,
  ): Promise<void> {
    const { settings, users } = this.deps;
    const user = entry.userId ? await users.describeUser(entry.userId, context) : undefined;
    if (!user) {
      // Deleted in Connect since: what was announced then cannot be told again as it was.
      context.log.warn(
        "Event applied before; its user is gone, so its outcome is not published again",
        {
          outcome: "REDELIVERED",
          userId: entry.userId,
        },
      );
      return;
    }
    const desiredUsername = entry.outcome.some((stored) => stored.hadUsernameDrift)
      ? buildUsername(settings.usernameTemplate, event.employee, settings.identityManagementType)
      : user.username;
    await this.publishAll(
      restoredEvents(entry.outcome, { username: user.username, desiredUsername }),
      context,
    );
    context.log.info("Event applied before; its outcome published again", {
      outcome: "REDELIVERED",
      events: entry.outcome.length,
    });
  }

  private async publishAll(events: readonly OutputEvent[], context: CallContext): Promise<void> {
    await Promise.all(events.map((event) => this.deps.publisher.publish(event, context.deadline)));
  }
}

/**
 * The claim's progress, written to the ledger after every change to Connect, one write at a
 * time. The changes of one plan finish side by side, and each write carries the whole list, so
 * the changes that finish while a write is on its way share the one write after it: a mover's
 * three changes cost two writes, not three, and none is reported done before a write holding it
 * has landed.
 */
class ClaimProgressLog {
  /** The last write asked for: each starts once the one before it has settled. */
  #last: Promise<void> = Promise.resolve();
  /** A write asked for and not started yet: what is recorded now goes out with it. */
  #pending: Promise<void> | undefined;

  constructor(
    public claim: Claim,
    private readonly employeeId: string,
    private readonly ledger: Ledger,
    readonly context: CallContext,
  ) {}

  created(user: { userId: string; userArn: string }): Promise<void> {
    return this.record({ ...this.claim.progress, created: user });
  }

  /** Recorded before the calls: what a lost record of a successful call would have said. */
  pending(changes: readonly UserChange[]): Promise<void> {
    return this.record({ ...this.claim.progress, pending: changes });
  }

  /**
   * A change an earlier attempt had under way that Connect no longer needs (`stillToDo` has
   * nothing for its aspect) and that was never recorded as made: the call took effect and its
   * record was lost. It is recorded now, so that it is announced.
   */
  async settlePending(stillToDo: readonly UserChange[]): Promise<void> {
    const { pending = [], changes } = this.claim.progress;
    const made = pending.filter(
      (change) =>
        !stillToDo.some((todo) => todo.aspect === change.aspect) &&
        !changes.some((done) => done.aspect === change.aspect),
    );
    for (const change of made) await this.changed(change);
  }

  changed(change: UserChange): Promise<void> {
    const changes = this.claim.progress.changes.filter((done) => done.aspect !== change.aspect);
    const earlier = this.claim.progress.changes.find((done) => done.aspect === change.aspect);
    const merged = earlier ? mergeChanges(earlier, change) : change;
    return this.record({ ...this.claim.progress, changes: [...changes, merged] });
  }

  private record(progress: Claim["progress"]): Promise<void> {
    this.claim = { ...this.claim, progress };
    if (this.#pending) return this.#pending;
    // One failed write must not fail the one after it: that one carries the whole list.
    const write: Promise<void> = this.#last
      .catch(() => {})
      .then(() => {
        this.#pending = undefined;
        // The claim as it is when the write starts: every change recorded while it waited.
        return this.ledger.recordProgress(this.employeeId, this.claim, this.context);
      });
    this.#pending = write;
    this.#last = write;
    return write;
  }
}
