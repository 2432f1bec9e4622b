import {
  buildCreateUserRequest,
  type CreateUserRequest,
  EMPLOYEE_ID_TAG,
  type ResolvedProfiles,
  type UserSettings,
} from "../domain/create-user-request.js";
import type { EmployeeHired } from "../domain/employee-hired.js";
import {
  ConnectThrottledError,
  UserLookupPendingError,
  UsernameTakenError,
} from "../domain/failures.js";
import { type Outcome, userCreatedEvent } from "../domain/output-events.js";
import type { ConnectUserDirectory, ProvisioningEventPublisher } from "../ports.js";
import type { Clock } from "./clock.js";
import type { CreateUserPacer } from "./create-user-pacer.js";
import type { Deadline } from "./deadline.js";
import type { Log } from "./log.js";
import type { ProfileResolver } from "./profile-resolver.js";
import { type RetryPolicy, withRetries } from "./retry.js";
import type { RuleBook } from "./rule-book.js";

export interface ProvisionerSettings extends UserSettings {
  readonly eventSource: string;
}

export interface ProvisionerDeps {
  readonly rules: RuleBook;
  readonly profiles: ProfileResolver;
  readonly users: ConnectUserDirectory;
  readonly pacer: CreateUserPacer;
  readonly publisher: ProvisioningEventPublisher;
  readonly settings: ProvisionerSettings;
  readonly retryPolicy: RetryPolicy;
  readonly clock: Clock;
  readonly newPassword: () => string;
}

export interface Provisioned {
  readonly outcome: Outcome;
  readonly userId: string;
  readonly userArn: string;
  readonly ruleId: string;
}

interface ConnectUser {
  readonly outcome: Outcome;
  readonly userId: string;
  readonly userArn: string;
  readonly profiles: ResolvedProfiles;
}

/** What pacedCreate returns when no CreateUser slot comes before the deadline. */
const NO_SLOT = Symbol("no CreateUser slot before the deadline");

/**
 * The use case: one hire becomes one Connect user and one "Connect User Created" event.
 * Safe to run again for the same hire: the second run adopts the user the first one made.
 */
export class HireProvisioner {
  constructor(private readonly deps: ProvisionerDeps) {}

  /** Every call it makes, the created-event's PutEvents included, ends by `deadline`. */
  async provision(event: EmployeeHired, deadline: Deadline, log: Log): Promise<Provisioned> {
    const { rules, profiles, settings, publisher, clock } = this.deps;
    const rule = await rules.ruleFor(event.employee, deadline);
    const resolved = await profiles.resolve(rule, deadline);
    const request = buildCreateUserRequest(event, rule, resolved, settings, this.deps.newPassword);
    const user = await this.createOrAdopt(
      request,
      event.employee.employeeId,
      resolved,
      deadline,
      log,
    );
    const announced = publisher.publish(
      userCreatedEvent(
        settings.eventSource,
        {
          sourceEventId: event.eventId,
          employeeId: event.employee.employeeId,
          instanceId: settings.instanceId,
          userId: user.userId,
          userArn: user.userArn,
          username: request.Username,
          ruleId: rule.ruleId,
          ...user.profiles,
          outcome: user.outcome,
        },
        new Date(clock.now()),
      ),
      deadline,
    );
    // Logged while the event is on its way rather than after: off the batch's critical path.
    // Should the bus refuse it, the record handler logs the retry.
    log.info("Connect user ready", {
      outcome: user.outcome,
      userId: user.userId,
      ruleId: rule.ruleId,
    });
    await announced;
    return {
      outcome: user.outcome,
      userId: user.userId,
      userArn: user.userArn,
      ruleId: rule.ruleId,
    };
  }

  /**
   * Idempotency rests on the username, not the SQS message ID (a DLQ redrive gives messages new
   * IDs): a duplicate username tagged with this employee is the user an earlier attempt made.
   */
  private async createOrAdopt(
    request: CreateUserRequest,
    employeeId: string,
    resolved: ResolvedProfiles,
    deadline: Deadline,
    log: Log,
  ): Promise<ConnectUser> {
    const created = await this.retrying(
      () => this.pacedCreate(request, deadline),
      deadline,
      log,
      true,
    );
    if (created === NO_SLOT) {
      // The pace leaves this record no CreateUser call before the function must return: SQS
      // delivers it again, instead of the whole batch running into the Lambda timeout (which
      // loses every record's outcome, and on the last delivery their reasons too).
      throw new ConnectThrottledError(
        "CreateUser: no paced slot left before the function must return",
      );
    }
    if (created.status === "created") {
      return {
        outcome: "CREATED",
        userId: created.userId,
        userArn: created.userArn,
        profiles: resolved,
      };
    }
    const existing = await this.retrying(
      () => this.deps.users.findUser(request.Username, deadline),
      deadline,
      log,
    );
    if (!existing) {
      throw new UserLookupPendingError(
        "Connect reports the username taken but no lookup finds the user yet",
      );
    }
    const owner = existing.tags[EMPLOYEE_ID_TAG];
    if (owner !== employeeId) {
      throw new UsernameTakenError(
        `the username is already used by Connect user ${existing.userId}, ${owner ? `tagged for employee ${owner}` : "which has no employeeId tag"}`,
      );
    }
    log.info("User already existed; adopting it", { userId: existing.userId });
    // What the user really has, when the lookup says (every user has a routing profile, so a
    // lookup that reports one reports the user's profiles); it may predate the current rule.
    // A user in no hierarchy group must not be announced with the rule's group.
    const reported = existing.routingProfileId !== undefined;
    const hierarchyGroupId = reported ? existing.hierarchyGroupId : resolved.hierarchyGroupId;
    return {
      outcome: "ALREADY_EXISTED",
      userId: existing.userId,
      userArn: existing.userArn,
      profiles: {
        routingProfileId: existing.routingProfileId ?? resolved.routingProfileId,
        securityProfileIds: existing.securityProfileIds ?? resolved.securityProfileIds,
        ...(hierarchyGroupId ? { hierarchyGroupId } : {}),
      },
    };
  }

  private async pacedCreate(request: CreateUserRequest, deadline: Deadline) {
    if (!(await this.deps.pacer.take(deadline.at))) return NO_SLOT;
    return this.deps.users.createUser(request, deadline);
  }

  private retrying<T>(
    operation: () => Promise<T>,
    deadline: Deadline,
    log: Log,
    pacesCreateUser = false,
  ): Promise<T> {
    return withRetries(operation, this.deps.retryPolicy, this.deps.clock, {
      deadline,
      onRetry: (error, attempt, delayMs) => {
        // A throttled CreateUser means this environment's share is too big right now.
        if (pacesCreateUser && error instanceof ConnectThrottledError)
          this.deps.pacer.slowDown(delayMs);
        log.warn("Connect call failed; retrying", { reason: error.name, attempt, delayMs });
      },
    });
  }
}
