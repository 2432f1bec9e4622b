import type { ResolvedProfiles } from "../domain/create-user-request.js";
import { AmbiguousProfileError, ProfileNotFoundError } from "../domain/failures.js";
import type { MappingRule } from "../domain/mapping-rule.js";
import { PROFILE_LABEL, type ProfileKind, parseProfileRef } from "../domain/profile-ref.js";
import type { ProfileCatalog, ProfileSummary } from "../ports.js";
import type { Clock } from "./clock.js";
import type { Deadline } from "./deadline.js";
import { TtlCache } from "./ttl-cache.js";

export interface ProfileResolverOptions {
  readonly ttlMs: number;
  /** After an unknown name, reload lists older than this: the profile may just have been created. */
  readonly missRefreshMs: number;
}

interface NameIndex {
  readonly exact: ReadonlyMap<string, readonly ProfileSummary[]>;
  readonly folded: ReadonlyMap<string, readonly ProfileSummary[]>;
}

const KINDS: readonly ProfileKind[] = ["routingProfile", "securityProfile", "hierarchyGroup"];

/**
 * Turns a rule's profile references (names, IDs or ARNs) into the IDs CreateUser takes. Names
 * are looked up in the instance's lists, cached per kind; IDs and ARNs pass through untouched.
 */
export class ProfileResolver {
  readonly #indexes: ReadonlyMap<ProfileKind, TtlCache<NameIndex>>;

  constructor(
    catalog: ProfileCatalog,
    private readonly instanceId: string,
    private readonly options: ProfileResolverOptions,
    clock: Clock,
  ) {
    this.#indexes = new Map(
      KINDS.map((kind) => [
        kind,
        new TtlCache(
          async (deadline) => indexByName(await catalog.listProfiles(kind, deadline)),
          options.ttlMs,
          clock,
        ),
      ]),
    );
  }

  async resolve(rule: MappingRule, deadline: Deadline): Promise<ResolvedProfiles> {
    const [routingProfileId, securityProfileIds, hierarchyGroupId] = await Promise.all([
      this.resolveOne("routingProfile", rule.routingProfile, rule.ruleId, deadline),
      Promise.all(
        rule.securityProfiles.map((ref) =>
          this.resolveOne("securityProfile", ref, rule.ruleId, deadline),
        ),
      ),
      rule.hierarchyGroup === undefined
        ? undefined
        : this.resolveOne("hierarchyGroup", rule.hierarchyGroup, rule.ruleId, deadline),
    ]);
    return hierarchyGroupId === undefined
      ? { routingProfileId, securityProfileIds }
      : { routingProfileId, securityProfileIds, hierarchyGroupId };
  }

  async resolveOne(
    kind: ProfileKind,
    reference: string,
    ruleId: string,
    deadline: Deadline,
  ): Promise<string> {
    const ref = parseProfileRef(reference);
    if (ref.by === "id") return ref.id;
    if (ref.by === "arn") {
      if (ref.instanceId !== this.instanceId) {
        throw new ProfileNotFoundError(
          `${PROFILE_LABEL[kind]} ${reference} in rule ${ruleId} belongs to another instance`,
        );
      }
      return ref.id;
    }
    const cache = this.#indexes.get(kind) as TtlCache<NameIndex>;
    let found = lookup(await cache.get(deadline), ref.name);
    if (found.length === 0)
      found = lookup(await cache.refresh(this.options.missRefreshMs, deadline), ref.name);
    if (found.length === 1) return (found[0] as ProfileSummary).id;
    const subject = `${PROFILE_LABEL[kind]} "${ref.name}" in rule ${ruleId}`;
    if (found.length === 0)
      throw new ProfileNotFoundError(`${subject} does not exist on the instance`);
    throw new AmbiguousProfileError(
      `${subject} matches ${found.length} on the instance (${found.map((p) => p.id).join(", ")}); use an ID or ARN`,
    );
  }
}

// An exact name wins; otherwise names compare case-insensitively, as a person typing them would.
const lookup = (index: NameIndex, name: string): readonly ProfileSummary[] =>
  index.exact.get(name) ?? index.folded.get(name.toLowerCase()) ?? [];

const indexByName = (profiles: readonly ProfileSummary[]): NameIndex => {
  const exact = new Map<string, ProfileSummary[]>();
  const folded = new Map<string, ProfileSummary[]>();
  for (const profile of profiles) {
    push(exact, profile.name, profile);
    push(folded, profile.name.toLowerCase(), profile);
  }
  return { exact, folded };
};

const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};
