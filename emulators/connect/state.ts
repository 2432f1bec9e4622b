/**
 * The emulated instance: profiles, users, a case-insensitive username index, tags, and the
 * lagging view the search index has of users.
 */
import { ConnectError, invalidParameter, notFound } from "./errors.js";
import { DEFAULT_ACCOUNT_ID, DEFAULT_MAX_USERS, DEFAULT_REGION } from "./seed.js";
import type { ConnectSeed, IdentityManagementType, ReportUser, SeedProfile } from "./types.js";
import type { CreateUserInput } from "./validation.js";

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

/** A user as the instance keeps it: what CreateUser was given, plus identity and history. */
export interface UserRecord extends CreateUserInput {
  id: string;
  arn: string;
  seq: number;
  /** When the search index starts seeing the user (`-Infinity` for seeded users). */
  createdAt: number;
  /** When the user was deleted (search keeps seeing it for `searchLagMs`). */
  deletedAt?: number;
  lastModifiedTime: number;
}

/** Something that carries tags, found by ARN. */
export interface Taggable {
  tags: Record<string, string>;
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
  /** Deleted users the search index has not caught up with yet. */
  private tombstones: UserRecord[] = [];
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
      const user = this.insertUser(
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
      );
      user.createdAt = Number.NEGATIVE_INFINITY;
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

  private insertUser(input: CreateUserInput, id = this.newId()): UserRecord {
    const now = this.now();
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
      createdAt: now,
      lastModifiedTime: now,
    };
    if (input.hierarchyGroupId !== undefined) user.hierarchyGroupId = input.hierarchyGroupId;
    if (input.directoryUserId !== undefined) user.directoryUserId = input.directoryUserId;
    this.users.set(id, user);
    this.usernameIndex.set(input.username.toLowerCase(), id);
    return user;
  }

  getUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw notFound(`User not found: ${id}`);
    return user;
  }

  deleteUser(id: string): void {
    const user = this.getUser(id);
    this.users.delete(id);
    this.usernameIndex.delete(user.username.toLowerCase());
    user.deletedAt = this.now();
    if (this.searchLagMs > 0) this.tombstones.push(user);
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Live users in creation order (what ListUsers and DescribeUser see, at once). */
  liveUsers(): IterableIterator<UserRecord> {
    return this.users.values();
  }

  /**
   * What the search index sees now: users created at least `searchLagMs` ago, plus users
   * deleted less than `searchLagMs` ago; in creation order.
   */
  searchableUsers(): UserRecord[] {
    const now = this.now();
    const lag = this.searchLagMs;
    const visible: UserRecord[] = [];
    for (const user of this.users.values()) {
      if (user.createdAt + lag <= now) visible.push(user);
    }
    if (this.tombstones.length > 0) {
      this.tombstones = this.tombstones.filter((u) => (u.deletedAt ?? 0) + lag > now);
      const ghosts = this.tombstones.filter((u) => u.createdAt + lag <= now);
      if (ghosts.length > 0) {
        visible.push(...ghosts);
        visible.sort((a, b) => a.seq - b.seq);
      }
    }
    return visible;
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
    if (segment === undefined || resourceId === undefined) return { tags: this.instanceTags };
    let found: Taggable | undefined;
    if (segment === ARN_SEGMENT.user) found = this.users.get(resourceId);
    else {
      for (const kind of Object.keys(this.profiles) as ProfileKind[]) {
        if (ARN_SEGMENT[kind] === segment) found = this.profiles[kind].get(resourceId);
      }
    }
    if (!found) throw notFound(`Resource not found: ${arn}`);
    return found;
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
