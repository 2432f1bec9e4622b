/**
 * The small interfaces the application needs from the outside world. Adapters in
 * `shared/adapters/` implement them over the AWS SDK; tests may implement them in memory.
 * Every method reports trouble as a classified ProvisioningFailure, never as an SDK error, and
 * takes the Deadline its calls must end by: past it they are aborted and the method fails.
 */
import type { Deadline } from "./application/deadline.js";
import type { CreateUserRequest } from "./domain/create-user-request.js";
import type { ReasonCode } from "./domain/failures.js";
import type { MappingRule } from "./domain/mapping-rule.js";
import type { OutputEvent } from "./domain/output-events.js";
import type { ProfileKind } from "./domain/profile-ref.js";

/** Where the mapping rules live (the DynamoDB table in production). */
export interface MappingRuleSource {
  /** Every valid rule; invalid items are reported through `onInvalid` and left out. */
  loadRules(
    deadline: Deadline,
    onInvalid?: (ruleId: string | undefined, problem: string) => void,
  ): Promise<MappingRule[]>;
}

export interface ProfileSummary {
  readonly id: string;
  readonly name: string;
}

/** The instance's routing profiles, security profiles and hierarchy groups. */
export interface ProfileCatalog {
  listProfiles(kind: ProfileKind, deadline: Deadline): Promise<ProfileSummary[]>;
}

export type CreateUserResult =
  | { readonly status: "created"; readonly userId: string; readonly userArn: string }
  | { readonly status: "duplicate" };

/** A user already in Connect, as far as a lookup could see it. */
export interface ExistingUser {
  readonly userId: string;
  readonly userArn: string;
  readonly username: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly routingProfileId?: string;
  readonly securityProfileIds?: readonly string[];
  readonly hierarchyGroupId?: string;
}

/** The instance's users: create one, or find one by username. */
export interface ConnectUserDirectory {
  createUser(request: CreateUserRequest, deadline: Deadline): Promise<CreateUserResult>;
  /** Finds a user by exact username (case-insensitive, as Connect compares them). */
  findUser(username: string, deadline: Deadline): Promise<ExistingUser | undefined>;
}

/** Puts events on the bus; resolves only once the bus accepted the entry. */
export interface ProvisioningEventPublisher {
  publish(event: OutputEvent, deadline: Deadline): Promise<void>;
}

/** A message attribute in the shape Lambda hands it to us. */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

export interface DeadLetter {
  /** The original body, verbatim, so a replay sends exactly what the HR system sent. */
  readonly body: string;
  readonly reason: ReasonCode;
  readonly message: string;
  readonly failedAt: Date;
  readonly sourceMessageId: string;
  readonly sourceEventId?: string;
  readonly employeeId?: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** Parks a message on the dead-letter queue with the reason it could not be provisioned. */
export interface DeadLetterParker {
  park(letter: DeadLetter, deadline: Deadline): Promise<void>;
}
