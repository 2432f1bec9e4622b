/**
 * In-memory implementations of the ports in shared/ports.ts, for unit tests of the application
 * services: they keep what they were given, answer as the real adapters' contracts say (failures
 * as classified ProvisioningFailures), and fail on demand.
 */
import { NO_DEADLINE } from "../../shared/application/deadline.js";
import { type Log, silentLog } from "../../shared/application/log.js";
import type { ConnectUser, IdentityInfo, PhoneConfig } from "../../shared/domain/connect-user.js";
import type { CreateUserRequest } from "../../shared/domain/desired-user.js";
import type {
  AppliedChange,
  Claim,
  HistoryEntry,
  LedgerEntry,
} from "../../shared/domain/ledger.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type { OutputEvent } from "../../shared/domain/output-events.js";
import type { ProfileKind } from "../../shared/domain/profile-ref.js";
import type {
  CallContext,
  ClaimResult,
  ConnectApi,
  ConnectUsers,
  CreateUserResult,
  DeadLetter,
  DeadLetterParker,
  Ledger,
  LedgerInventory,
  LedgerReader,
  MappingRuleSource,
  ProfileCatalog,
  ProfileSummary,
  ProvisioningEventPublisher,
  UserDirectory,
  UserListing,
  UserSummary,
} from "../../shared/ports.js";
import { watchPublished } from "./event-contracts.js";

export const INSTANCE_ID = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";
const ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;

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

  async loadRules(
    _context: CallContext,
    onInvalid?: (ruleId: string | undefined, problem: string) => void,
  ) {
    this.loads++;
    this.faults.check();
    for (const { ruleId, problem } of this.invalid) onInvalid?.(ruleId, problem);
    return this.rules.map((rule) => structuredClone(rule));
  }
}

export const SAMPLE_PROFILES: Record<ProfileKind, ProfileSummary[]> = {
  routingProfile: [
    { id: "rp-care", name: "Customer Care Routing" },
    { id: "rp-sales", name: "Sales Routing" },
  ],
  securityProfile: [
    { id: "sp-agent", name: "Agent" },
    { id: "sp-qa", name: "Spanish QA" },
  ],
  hierarchyGroup: [
    { id: "hg-remote", name: "Remote Team" },
    { id: "hg-austin", name: "Austin Team 1" },
  ],
};

/** What the use cases' calls run under in a unit test: no deadline, nothing logged. */
export const CALLS: CallContext = { deadline: NO_DEADLINE, log: silentLog };

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

/** A Connect instance in memory: what each API call did, and faults to inject per API. */
export class InMemoryConnect implements ConnectUsers, ProfileCatalog, UserDirectory {
  readonly users = new Map<string, ConnectUser>();
  /** Every API call made, in order. */
  readonly calls: ConnectApi[] = [];
  /** Users the tag search does not see yet (its index lags fresh writes). */
  readonly unindexed = new Set<string>();
  /** Users no lookup sees yet at all, though CreateUser knows their usernames. */
  readonly unlisted = new Set<string>();
  readonly #faults = new Map<ConnectApi, Error[]>();
  #next = 1;

  constructor(
    private readonly profiles: Record<ProfileKind, ProfileSummary[]> = structuredClone(
      SAMPLE_PROFILES,
    ),
  ) {}

  /** The next `errors.length` calls to `api` fail with these errors, in order. */
  failNext(api: ConnectApi, ...errors: Error[]): void {
    this.#faults.set(api, [...(this.#faults.get(api) ?? []), ...errors]);
  }

  addUser(user: Omit<ConnectUser, "userArn"> & { userArn?: string }): ConnectUser {
    const full = { ...user, userArn: user.userArn ?? `${ARN}/agent/${user.userId}` };
    this.users.set(full.userId, full);
    return full;
  }

  count(api: ConnectApi): number {
    return this.calls.filter((call) => call === api).length;
  }

  async createUser(request: CreateUserRequest): Promise<CreateUserResult> {
    this.call("CreateUser");
    const taken = [...this.users.values()].some(
      (user) => user.username.toLowerCase() === request.Username.toLowerCase(),
    );
    if (taken) return { status: "duplicate" };
    const userId = `u-${this.#next++}`;
    const user = this.addUser({
      userId,
      username: request.Username,
      identityInfo: { ...request.IdentityInfo },
      phoneConfig: { ...request.PhoneConfig },
      routingProfileId: request.RoutingProfileId,
      securityProfileIds: [...request.SecurityProfileIds],
      ...(request.HierarchyGroupId ? { hierarchyGroupId: request.HierarchyGroupId } : {}),
      tags: { ...request.Tags },
    });
    return { status: "created", userId, userArn: user.userArn };
  }

  async describeUser(userId: string): Promise<ConnectUser | undefined> {
    this.call("DescribeUser");
    const user = this.users.get(userId);
    return user ? structuredClone(user) : undefined;
  }

  async findUsersByEmployeeId(employeeId: string): Promise<UserSummary[]> {
    this.call("SearchUsers");
    return [...this.users.values()]
      .filter((user) => user.tags.employeeId === employeeId && !this.unindexed.has(user.userId))
      .map((user) => ({ userId: user.userId, username: user.username, tags: { ...user.tags } }));
  }

  async listManagedUsers(): Promise<UserSummary[]> {
    this.call("SearchUsers");
    return [...this.users.values()]
      .filter(
        (user) => user.tags.managedBy === "connect-onboarding" && !this.unindexed.has(user.userId),
      )
      .map((user) => ({ userId: user.userId, username: user.username, tags: { ...user.tags } }));
  }

  async listUsers(): Promise<UserListing[]> {
    this.call("ListUsers");
    return [...this.users.values()]
      .filter((user) => !this.unlisted.has(user.userId))
      .map((user) => ({ userId: user.userId, username: user.username }));
  }

  async findUserIdByUsername(username: string): Promise<string | undefined> {
    this.call("SearchUsers");
    return [...this.users.values()].find(
      (user) =>
        user.username.toLowerCase() === username.toLowerCase() && !this.unlisted.has(user.userId),
    )?.userId;
  }

  async updateRoutingProfile(userId: string, routingProfileId: string) {
    this.change("UpdateUserRoutingProfile", userId, { routingProfileId });
  }

  async updateSecurityProfiles(userId: string, securityProfileIds: readonly string[]) {
    this.change("UpdateUserSecurityProfiles", userId, {
      securityProfileIds: [...securityProfileIds],
    });
  }

  async updateHierarchy(userId: string, hierarchyGroupId: string | undefined) {
    const user = this.change("UpdateUserHierarchy", userId, {});
    const { hierarchyGroupId: _, ...rest } = user;
    this.users.set(userId, hierarchyGroupId ? { ...rest, hierarchyGroupId } : rest);
  }

  async updateIdentityInfo(userId: string, identityInfo: IdentityInfo) {
    this.change("UpdateUserIdentityInfo", userId, { identityInfo: { ...identityInfo } });
  }

  async updatePhoneConfig(userId: string, phoneConfig: PhoneConfig) {
    this.change("UpdateUserPhoneConfig", userId, { phoneConfig: { ...phoneConfig } });
  }

  async tagUser(userArn: string, tags: Readonly<Record<string, string>>) {
    const user = this.byArn("TagResource", userArn);
    this.users.set(user.userId, { ...user, tags: { ...user.tags, ...tags } });
  }

  async untagUser(userArn: string, keys: readonly string[]) {
    const user = this.byArn("UntagResource", userArn);
    const tags = { ...user.tags };
    for (const key of keys) delete tags[key];
    this.users.set(user.userId, { ...user, tags });
  }

  async listProfiles(kind: ProfileKind): Promise<ProfileSummary[]> {
    this.call(
      kind === "routingProfile"
        ? "ListRoutingProfiles"
        : kind === "securityProfile"
          ? "ListSecurityProfiles"
          : "ListUserHierarchyGroups",
    );
    return this.profiles[kind];
  }

  private call(api: ConnectApi): void {
    this.calls.push(api);
    const fault = this.#faults.get(api)?.shift();
    if (fault) throw fault;
  }

  private change(api: ConnectApi, userId: string, patch: Partial<ConnectUser>): ConnectUser {
    this.call(api);
    const user = this.users.get(userId);
    if (!user) throw new Error(`${api}: no user ${userId}`);
    const next = { ...user, ...patch };
    this.users.set(userId, next);
    return next;
  }

  private byArn(api: ConnectApi, userArn: string): ConnectUser {
    this.call(api);
    const user = [...this.users.values()].find((candidate) => candidate.userArn === userArn);
    if (!user) throw new Error(`${api}: no user ${userArn}`);
    return user;
  }
}

interface Stored {
  entry: Omit<LedgerEntry, "claim">;
  claim?: Claim;
  /** Progress kept across a released claim, as the table's `progress` attribute is. */
  progress?: { version: number; value: Claim["progress"] };
}

/** The ledger in memory, with the claim rules of the DynamoDB adapter. */
export class InMemoryLedger implements Ledger, LedgerReader, LedgerInventory {
  readonly #items = new Map<string, Stored>();
  readonly historyEntries: HistoryEntry[] = [];
  #tokens = 0;

  constructor(private readonly now: () => number) {}

  async claim(
    employeeId: string,
    version: number,
    eventId: string,
    until: number,
    _context?: CallContext,
  ): Promise<ClaimResult> {
    const stored = this.#items.get(employeeId);
    const entry = stored ? this.toEntry(stored) : undefined;
    if (entry?.appliedVersion !== undefined && entry.appliedVersion > version) {
      return { kind: "stale", entry };
    }
    if (entry?.appliedVersion === version) return { kind: "applied", entry };
    if (entry && stored?.claim && stored.claim.until >= this.now()) return { kind: "busy", entry };
    const progress =
      stored?.progress?.version === version ? stored.progress.value : { changes: [] };
    const claim: Claim = { token: `t-${++this.#tokens}`, version, eventId, until, progress };
    const item: Stored = stored ?? {
      entry: { employeeId, ruleTagKeys: [], matchAttributes: {}, outcome: [] },
    };
    item.claim = claim;
    this.#items.set(employeeId, item);
    const prior = stored && (stored.entry.appliedVersion !== undefined || stored.entry.userId);
    return prior
      ? { kind: "claimed", claim, entry: this.toEntry(stored as Stored) }
      : { kind: "claimed", claim };
  }

  async recordProgress(employeeId: string, claim: Claim, _context?: CallContext): Promise<void> {
    const item = this.held(employeeId, claim);
    if (item) item.progress = { version: claim.version, value: claim.progress };
  }

  async commit(
    employeeId: string,
    claim: Claim,
    applied: AppliedChange,
    _context?: CallContext,
  ): Promise<boolean> {
    const item = this.held(employeeId, claim);
    if (!item) return false;
    item.entry = {
      employeeId,
      status: applied.status,
      userId: applied.userId,
      userArn: applied.userArn,
      appliedVersion: applied.version,
      appliedEventId: applied.eventId,
      ruleId: applied.ruleId,
      ruleTagKeys: [...applied.ruleTagKeys],
      matchAttributes: { ...applied.matchAttributes },
      outcome: structuredClone([...applied.outcome]),
    };
    delete item.claim;
    delete item.progress;
    return true;
  }

  async release(employeeId: string, claim: Claim, _context?: CallContext): Promise<void> {
    const item = this.held(employeeId, claim);
    if (item) delete item.claim;
  }

  async appendHistory(entry: HistoryEntry, _context?: CallContext): Promise<void> {
    const at = this.historyEntries.findIndex(
      (other) =>
        other.employeeId === entry.employeeId &&
        other.version === entry.version &&
        other.eventId === entry.eventId,
    );
    if (at >= 0) this.historyEntries.splice(at, 1, entry);
    else this.historyEntries.push(entry);
  }

  async entry(employeeId: string): Promise<LedgerEntry | undefined> {
    const stored = this.#items.get(employeeId);
    return stored ? this.toEntry(stored) : undefined;
  }

  async history(employeeId: string): Promise<HistoryEntry[]> {
    return this.historyEntries
      .filter((entry) => entry.employeeId === employeeId)
      .sort((a, b) => a.version - b.version);
  }

  async entries(employeeIds: readonly string[]): Promise<LedgerEntry[]> {
    return [...new Set(employeeIds)].flatMap((id) => {
      const stored = this.#items.get(id);
      return stored ? [this.toEntry(stored)] : [];
    });
  }

  async allEntries(): Promise<LedgerEntry[]> {
    return [...this.#items.values()].map((stored) => this.toEntry(stored));
  }

  /** Lets another environment's claim run out, as a crash would. */
  expireClaim(employeeId: string): void {
    const item = this.#items.get(employeeId);
    if (item?.claim) item.claim = { ...item.claim, until: 0 };
  }

  private held(employeeId: string, claim: Claim): Stored | undefined {
    const item = this.#items.get(employeeId);
    return item?.claim?.token === claim.token ? item : undefined;
  }

  private toEntry(stored: Stored): LedgerEntry {
    return structuredClone({ ...stored.entry, ...(stored.claim ? { claim: stored.claim } : {}) });
  }
}

/** The bus: every event it accepted, in order, each checked against its schema after the test. */
export class RecordingPublisher implements ProvisioningEventPublisher {
  readonly faults = new Faults();
  readonly published: OutputEvent[] = [];

  constructor() {
    watchPublished(() => this.published);
  }

  async publish(event: OutputEvent): Promise<void> {
    this.faults.check();
    this.published.push(event);
  }

  /** The details of the events of one DetailType, in order. */
  ofType(detailType: string): Readonly<Record<string, unknown>>[] {
    return this.published.filter((e) => e.detailType === detailType).map((e) => e.detail);
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
