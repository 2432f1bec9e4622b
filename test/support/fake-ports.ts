/**
 * In-memory implementations of the ports in shared/ports.ts, for unit tests of the application
 * services: they keep what they were given, answer as the real adapters' contracts say (failures
 * as classified ProvisioningFailures), and fail on demand.
 */
import type { Log } from "../../shared/application/log.js";
import type { CreateUserRequest } from "../../shared/domain/create-user-request.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type { OutputEvent } from "../../shared/domain/output-events.js";
import type { ProfileKind } from "../../shared/domain/profile-ref.js";
import type {
  ConnectUserDirectory,
  CreateUserResult,
  DeadLetter,
  DeadLetterParker,
  ExistingUser,
  MappingRuleSource,
  ProfileCatalog,
  ProfileSummary,
  ProvisioningEventPublisher,
} from "../../shared/ports.js";

export const INSTANCE_ID = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";

/** A queue of failures to throw, one per call, before calls succeed again. */
class Faults {
  readonly #queue: unknown[] = [];
  /** The next calls throw these, in order. */
  failNext(...errors: unknown[]): void {
    this.#queue.push(...errors);
  }
  check(): void {
    if (this.#queue.length > 0) throw this.#queue.shift();
  }
}

/** The mapping table: rules as items, some of them invalid if a test says so. */
export class InMemoryMappingRules implements MappingRuleSource {
  readonly faults = new Faults();
  loads = 0;
  invalid: { ruleId: string | undefined; problem: string }[] = [];

  constructor(public rules: MappingRule[] = []) {}

  async loadRules(onInvalid?: (ruleId: string | undefined, problem: string) => void) {
    this.loads++;
    this.faults.check();
    for (const { ruleId, problem } of this.invalid) onInvalid?.(ruleId, problem);
    return this.rules.map((rule) => structuredClone(rule));
  }
}

export const SAMPLE_PROFILES: Record<ProfileKind, ProfileSummary[]> = {
  routingProfile: [{ id: "rp-care", name: "Customer Care Routing" }],
  securityProfile: [{ id: "sp-agent", name: "Agent" }],
  hierarchyGroup: [{ id: "hg-remote", name: "Remote Team" }],
};

/** The instance's profile lists, counting how often each kind is listed. */
export class InMemoryProfileCatalog implements ProfileCatalog {
  readonly faults = new Faults();
  readonly lists: ProfileKind[] = [];

  constructor(
    public profiles: Record<ProfileKind, ProfileSummary[]> = structuredClone(SAMPLE_PROFILES),
  ) {}

  async listProfiles(kind: ProfileKind): Promise<ProfileSummary[]> {
    this.lists.push(kind);
    this.faults.check();
    return [...this.profiles[kind]];
  }
}

/**
 * The instance's users, by username (compared case-insensitively, as Connect does). CreateUser
 * on a taken username answers "duplicate"; a lookup can be made to miss a fresh user, as
 * Connect's search index lags its writes.
 */
export class InMemoryUserDirectory implements ConnectUserDirectory {
  readonly createFaults = new Faults();
  readonly findFaults = new Faults();
  readonly created: CreateUserRequest[] = [];
  readonly users = new Map<string, ExistingUser>();
  /** Lookups that still miss users created after the directory was made. */
  lookupLag = 0;
  #next = 0;
  readonly #fresh = new Set<string>();

  /** A user already there, e.g. made by an earlier attempt or by hand. */
  add(user: Omit<ExistingUser, "userArn"> & { userArn?: string }): ExistingUser {
    const stored = { ...user, userArn: user.userArn ?? arnOf(user.userId) };
    this.users.set(user.username.toLowerCase(), stored);
    return stored;
  }

  async createUser(request: CreateUserRequest): Promise<CreateUserResult> {
    this.created.push(request);
    this.createFaults.check();
    const key = request.Username.toLowerCase();
    if (this.users.has(key)) return { status: "duplicate" };
    const userId = `user-${++this.#next}`;
    this.users.set(key, {
      userId,
      userArn: arnOf(userId),
      username: request.Username,
      tags: { ...request.Tags },
      routingProfileId: request.RoutingProfileId,
      securityProfileIds: [...request.SecurityProfileIds],
      ...(request.HierarchyGroupId ? { hierarchyGroupId: request.HierarchyGroupId } : {}),
    });
    this.#fresh.add(key);
    return { status: "created", userId, userArn: arnOf(userId) };
  }

  async findUser(username: string): Promise<ExistingUser | undefined> {
    this.findFaults.check();
    const key = username.toLowerCase();
    if (this.#fresh.has(key) && this.lookupLag > 0) {
      this.lookupLag--;
      return undefined;
    }
    return this.users.get(key);
  }
}

const arnOf = (userId: string) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}/agent/${userId}`;

/** The bus: every event it accepted, in order. */
export class RecordingPublisher implements ProvisioningEventPublisher {
  readonly faults = new Faults();
  readonly published: OutputEvent[] = [];

  async publish(event: OutputEvent): Promise<void> {
    this.faults.check();
    this.published.push(event);
  }
}

/** The dead-letter queue: every letter it took, in order. */
export class RecordingParker implements DeadLetterParker {
  readonly faults = new Faults();
  readonly letters: DeadLetter[] = [];

  async park(letter: DeadLetter): Promise<void> {
    this.faults.check();
    this.letters.push(letter);
  }
}

export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly extra: Record<string, unknown>;
}

/** A log that keeps its lines, to check what was said (and that nothing private was). */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]) {
    this.#add("debug", message, extra);
  }
  info(message: string, ...extra: Record<string, unknown>[]) {
    this.#add("info", message, extra);
  }
  warn(message: string, ...extra: Record<string, unknown>[]) {
    this.#add("warn", message, extra);
  }
  error(message: string, ...extra: Record<string, unknown>[]) {
    this.#add("error", message, extra);
  }
  messages(): string[] {
    return this.entries.map((entry) => entry.message);
  }
  #add(level: LogEntry["level"], message: string, extra: Record<string, unknown>[]) {
    this.entries.push({ level, message, extra: Object.assign({}, ...extra) });
  }
}
