/**
 * The emulated instance: profiles, users, a case-insensitive username index, tags, and the
 * lagging view the search index has of users.
 *
 * User records are never changed in place: every write (an update, a tag change) stores a new
 * record. The search index keeps the versions it has not caught up with, so SearchUsers sees a
 * user as it was `searchLagMs` ago, after an update as after a create or a delete, while
 * DescribeUser, ListUsers and the report see the current record at once.
 */
import { ConnectError, invalidParameter, notFound } from "./errors.js";
import { DEFAULT_ACCOUNT_ID, DEFAULT_MAX_USERS, DEFAULT_REGION } from "./seed.js";
import type {
  ConnectSeed,
  IdentityInfo,
  IdentityManagementType,
  PhoneConfig,
  ReportUser,
  SeedProfile,
} from "./types.js";
import type { ChannelConfigs, CreateUserInput } from "./validation.js";

export type ProfileKind = "routingProfile" | "securityProfile" | "hierarchyGroup";

/** The ARN path segment of each resource type. */
const ARN_SEGMENT: Record<ProfileKind | "user", string> = {
  user: "agent",
  routingProfile: "routing-profile",
  securityProfile: "security-profile",
  hierarchyGroup: "agent-group",
};
const KIND_LABEL: Record<ProfileKind, string> = {
  routingProfile: "Routing profile",
  securityProfile: "Security profile",
  hierarchyGroup: "Hierarchy group",
};

export interface InstanceInfo {
  id: string;
  arn: string;
  region: string;
  accountId: string;
  identityManagementType: IdentityManagementType;
}

export interface ProfileRecord {
  id: string;
  arn: string;
  name: string;
  seq: number;
  lastModifiedTime: number;
  tags: Record<string, string>;
}

/**
 * A user as the instance keeps it: what CreateUser was given, plus identity and history.
 * Read-only: a write replaces the record (see the module comment).
 */
export interface UserRecord extends Readonly<CreateUserInput> {
  readonly id: string;
  readonly arn: string;
  readonly seq: number;
  readonly lastModifiedTime: number;
}

/** What an update may change: every aspect but the username and the identifiers. */
export type UserChanges = Partial<
  Pick<
    CreateUserInput,
    | "identityInfo"
    | "phoneConfig"
    | "securityProfileIds"
    | "routingProfileId"
    | "tags"
    | "channelConfigs"
  >
> & { hierarchyGroupId?: string | undefined };

/** Something that carries tags, found by ARN. */
export interface Taggable {
  readonly tags: Readonly<Record<string, string>>;
  /** Stores the resource's new tag set. */
  setTags(tags: Record<string, string>): void;
}

/** One version of a user in the search index: the record from `at` on, or its deletion. */
interface IndexVersion {
  at: number;
  user: UserRecord | undefined;
}

const CONNECT_ARN =
  /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):instance\/([^/]+)(?:\/([^/]+)\/([^/]+))?$/;

export class ConnectState {
  readonly instance: InstanceInfo;
  readonly instanceTags: Record<string, string> = {};
  readonly profiles: Record<ProfileKind, Map<string, ProfileRecord>> = {
    routingProfile: new Map(),
    securityProfile: new Map(),
    hierarchyGroup: new Map(),
  };
  maxUsers: number;
  searchLagMs: number;

  private readonly users = new Map<string, UserRecord>();
  /** lower-cased username → user id: O(1) duplicate checks. */
  private readonly usernameIndex = new Map<string, string>();
  /**
   * user id → its versions, oldest first, in creation order (as search returns users). A
   * deleted user stays until its deletion is visible.
   */
  private readonly searchIndex = new Map<string, IndexVersion[]>();
  private seq = 0;

  constructor(
    seed: ConnectSeed,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    const region = seed.instance.region ?? DEFAULT_REGION;
    const accountId = seed.instance.accountId ?? DEFAULT_ACCOUNT_ID;
    this.instance = {
      id: seed.instance.id,
      arn: `arn:aws:connect:${region}:${accountId}:instance/${seed.instance.id}`,
      region,
      accountId,
      identityManagementType: seed.instance.identityManagementType,
    };
    this.maxUsers = seed.quotas?.maxUsers ?? DEFAULT_MAX_USERS;
    this.searchLagMs = seed.searchLagMs ?? 0;
    for (const p of seed.routingProfiles ?? []) this.addProfile("routingProfile", p);
    for (const p of seed.securityProfiles ?? []) this.addProfile("securityProfile", p);
    for (const p of seed.hierarchyGroups ?? []) this.addProfile("hierarchyGroup", p);
    for (const u of seed.users ?? []) {
      this.insertUser(
        {
          username: u.username,
          identityInfo: { ...u.identityInfo },
          phoneConfig: u.phoneConfig
            ? { ...u.phoneConfig }
            : { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
          securityProfileIds: [...u.securityProfileIds],
          routingProfileId: u.routingProfileId,
          tags: { ...u.tags },
          channelConfigs: {},
          ...(u.hierarchyGroupId === undefined ? {} : { hierarchyGroupId: u.hierarchyGroupId }),
          ...(u.directoryUserId === undefined ? {} : { directoryUserId: u.directoryUserId }),
        },
        u.id,
        Number.NEGATIVE_INFINITY,
      );
    }
  }

  /** A version-4 UUID drawn from the injected random source (deterministic when it is). */
  newId(): string {
    const bytes = Array.from({ length: 16 }, () => Math.floor(this.random() * 256) & 0xff);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private arnOf(kind: ProfileKind | "user", id: string): string {
    return `${this.instance.arn}/${ARN_SEGMENT[kind]}/${id}`;
  }

  /**
   * Accepts the instance ID or the instance ARN, as Connect does; anything else, including an
   * ARN of another account or Region, is an unknown instance.
   */
  checkInstance(raw: unknown): void {
    if (typeof raw !== "string" || raw.length === 0) {
      throw invalidParameter("InstanceId is required");
    }
    if (raw.length > 100) throw invalidParameter("InstanceId must be 1 to 100 characters long");
    if (raw === this.instance.id || raw === this.instance.arn) return;
    throw notFound(`Instance not found: ${raw}`);
  }

  addProfile(kind: ProfileKind, profile: SeedProfile): ProfileRecord {
    const map = this.profiles[kind];
    const id = profile.id ?? this.newId();
    if (map.has(id)) throw new Error(`${KIND_LABEL[kind]} id '${id}' already exists`);
    const record: ProfileRecord = {
      id,
      arn: this.arnOf(kind, id),
      name: profile.name,
      seq: ++this.seq,
      lastModifiedTime: this.now(),
      tags: {},
    };
    map.set(id, record);
    return record;
  }

  private requireProfile(kind: ProfileKind, id: string): ProfileRecord {
    const record = this.profiles[kind].get(id);
    if (!record) throw notFound(`${KIND_LABEL[kind]} not found: ${id}`);
    return record;
  }

  /**
   * CreateUser after validation. Order of checks (the reference gives none): unknown routing
   * profile / security profile / hierarchy group (404), duplicate username (409), users per
   * instance quota (429). Duplicates come before the quota so that a retry of an existing user
   * on a full instance still learns that the user exists.
   */
  createUser(input: CreateUserInput): UserRecord {
    this.requireProfile("routingProfile", input.routingProfileId);
    for (const id of input.securityProfileIds) this.requireProfile("securityProfile", id);
    if (input.hierarchyGroupId !== undefined) {
      this.requireProfile("hierarchyGroup", input.hierarchyGroupId);
    }
    if (this.usernameIndex.has(input.username.toLowerCase())) {
      throw new ConnectError(
        "DuplicateResourceException",
        `User with username ${input.username} already exists.`,
      );
    }
    if (this.users.size >= this.maxUsers) {
      throw new ConnectError(
        "LimitExceededException",
        `The users per instance quota (${this.maxUsers}) has been reached.`,
      );
    }
    return this.insertUser(input);
  }

  /** `indexedAt`: when the search index has the user (seeded users: always). */
  private insertUser(
    input: CreateUserInput,
    id = this.newId(),
    indexedAt = this.now(),
  ): UserRecord {
    const user: UserRecord = {
      id,
      arn: this.arnOf("user", id),
      seq: ++this.seq,
      username: input.username,
      identityInfo: input.identityInfo,
      phoneConfig: input.phoneConfig,
      securityProfileIds: input.securityProfileIds,
      routingProfileId: input.routingProfileId,
      tags: input.tags,
      channelConfigs: input.channelConfigs,
      lastModifiedTime: this.now(),
      ...(input.hierarchyGroupId === undefined ? {} : { hierarchyGroupId: input.hierarchyGroupId }),
      ...(input.directoryUserId === undefined ? {} : { directoryUserId: input.directoryUserId }),
    };
    this.users.set(id, user);
    this.usernameIndex.set(input.username.toLowerCase(), id);
    this.searchIndex.set(id, [{ at: indexedAt, user }]);
    return user;
  }

  getUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw notFound(`User not found: ${id}`);
    return user;
  }

  /**
   * Replaces the user's record with one carrying the changes (`hierarchyGroupId: undefined`
   * removes the group) and records the new version for the search index.
   */
  updateUser(id: string, changes: UserChanges): UserRecord {
    const current = this.getUser(id);
    const next: UserRecord = { ...current, ...changes, lastModifiedTime: this.now() };
    if ("hierarchyGroupId" in changes && changes.hierarchyGroupId === undefined) {
      delete (next as { hierarchyGroupId?: string }).hierarchyGroupId;
    }
    this.users.set(id, next);
    this.recordVersion(id, next);
    return next;
  }

  /** UpdateUserRoutingProfile after validation: the profile must exist (404). */
  setRoutingProfile(userId: string, routingProfileId: string): void {
    this.getUser(userId);
    this.requireProfile("routingProfile", routingProfileId);
    this.updateUser(userId, { routingProfileId });
  }

  /** UpdateUserSecurityProfiles after validation: every profile must exist (404). */
  setSecurityProfiles(userId: string, securityProfileIds: string[]): void {
    this.getUser(userId);
    for (const id of securityProfileIds) this.requireProfile("securityProfile", id);
    this.updateUser(userId, { securityProfileIds });
  }

  /** UpdateUserHierarchy after validation: undefined removes the user's group. */
  setHierarchyGroup(userId: string, hierarchyGroupId: string | undefined): void {
    this.getUser(userId);
    if (hierarchyGroupId !== undefined) this.requireProfile("hierarchyGroup", hierarchyGroupId);
    this.updateUser(userId, { hierarchyGroupId });
  }

  setIdentityInfo(userId: string, identityInfo: IdentityInfo): void {
    this.updateUser(userId, { identityInfo });
  }

  setPhoneConfig(userId: string, phoneConfig: PhoneConfig, channelConfigs: ChannelConfigs): void {
    this.updateUser(userId, { phoneConfig, channelConfigs });
  }

  deleteUser(id: string): void {
    const user = this.getUser(id);
    this.users.delete(id);
    this.usernameIndex.delete(user.username.toLowerCase());
    this.recordVersion(id, undefined);
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Live users in creation order (what ListUsers and DescribeUser see, at once). */
  liveUsers(): IterableIterator<UserRecord> {
    return this.users.values();
  }

  /**
   * What the search index sees now: each user as its latest version written at least
   * `searchLagMs` ago (none for a user created less than that ago, the old record for one
   * deleted less than that ago); in creation order.
   */
  searchableUsers(): UserRecord[] {
    const now = this.now();
    const visible: UserRecord[] = [];
    for (const [id, versions] of this.searchIndex) {
      const user = this.visibleVersion(id, versions, now);
      if (user) visible.push(user);
    }
    return visible;
  }

  private recordVersion(id: string, user: UserRecord | undefined): void {
    const versions = this.searchIndex.get(id);
    if (!versions) return;
    versions.push({ at: this.now(), user });
    this.visibleVersion(id, versions, this.now());
  }

  /** The version search sees at `now`; drops the versions older than it. */
  private visibleVersion(
    id: string,
    versions: IndexVersion[],
    now: number,
  ): UserRecord | undefined {
    let i = versions.length - 1;
    while (i >= 0 && (versions[i]?.at ?? 0) + this.searchLagMs > now) i--;
    if (i < 0) return undefined;
    if (i > 0) versions.splice(0, i);
    const current = versions[0];
    if (current?.user === undefined && versions.length === 1) this.searchIndex.delete(id);
    return current?.user;
  }

  /**
   * The taggable resource behind an ARN of this instance. A string that is not a Connect ARN
   * is an invalid parameter; a Connect ARN that names nothing here is not found (the
   * reference does not say; our choice).
   */
  findTaggable(arn: string): Taggable {
    const match = CONNECT_ARN.exec(arn);
    if (!match) throw invalidParameter(`resourceArn is not a valid Amazon Connect ARN: ${arn}`);
    const [, region, account, instanceId, segment, resourceId] = match;
    if (
      region !== this.instance.region ||
      account !== this.instance.accountId ||
      instanceId !== this.instance.id
    ) {
      throw notFound(`Resource not found: ${arn}`);
    }
    const inPlace = (holder: { tags: Record<string, string> }): Taggable => ({
      tags: holder.tags,
      setTags(tags) {
        for (const key of Object.keys(holder.tags)) delete holder.tags[key];
        Object.assign(holder.tags, tags);
      },
    });
    if (segment === undefined || resourceId === undefined) {
      return inPlace({ tags: this.instanceTags });
    }
    if (segment === ARN_SEGMENT.user) {
      const user = this.users.get(resourceId);
      if (!user) throw notFound(`Resource not found: ${arn}`);
      return { tags: user.tags, setTags: (tags) => this.updateUser(resourceId, { tags }) };
    }
    for (const kind of Object.keys(this.profiles) as ProfileKind[]) {
      const profile = ARN_SEGMENT[kind] === segment && this.profiles[kind].get(resourceId);
      if (profile) return inPlace(profile);
    }
    throw notFound(`Resource not found: ${arn}`);
  }

  /** Every live user in the DESIGN section 8 report shape. */
  reportUsers(): ReportUser[] {
    return Array.from(this.users.values(), (u) => {
      const report: ReportUser = {
        id: u.id,
        arn: u.arn,
        username: u.username,
        identityInfo: { ...u.identityInfo },
        phoneConfig: { ...u.phoneConfig },
        routingProfileId: u.routingProfileId,
        securityProfileIds: [...u.securityProfileIds],
        tags: { ...u.tags },
      };
      if (u.hierarchyGroupId !== undefined) report.hierarchyGroupId = u.hierarchyGroupId;
      return report;
    });
  }
}
