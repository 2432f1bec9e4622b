import type { ResolvedProfiles } from "../domain/desired-user.js";
import {
  AmbiguousProfileError,
  ForbiddenProfileError,
  ProfileNotFoundError,
} from "../domain/failures.js";
import { forbiddenByText, forbiddenMessage } from "../domain/forbidden-profiles.js";
import type { MappingRule } from "../domain/mapping-rule.js";
import { PROFILE_LABEL, type ProfileKind, parseProfileRef } from "../domain/profile-ref.js";
import type { CallContext, ProfileCatalog, ProfileSummary } from "../ports.js";
import type { Clock } from "./clock.js";
import { TtlCache } from "./ttl-cache.js";

export interface ProfileResolverOptions {
  readonly ttlMs: number;
  /** After an unknown name, reload lists older than this: the profile may just have been created. */
  readonly missRefreshMs: number;
  /** FORBIDDEN_SECURITY_PROFILES: names, IDs or ARNs no rule may grant. */
  readonly forbiddenSecurityProfiles?: readonly string[];
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
  readonly #indexes: ReadonlyMap<ProfileKind, TtlCache<NameIndex, CallContext>>;

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
          async (context) => indexByName(await catalog.listProfiles(kind, context)),
          options.ttlMs,
          clock,
        ),
      ]),
    );
  }

  /**
   * The rule's profile IDs. A security profile FORBIDDEN_SECURITY_PROFILES names is refused
   * whichever way the rule names it: by the text first, then by ID, every forbidden name
   * resolved on the instance, so `Admin` given as its ID or ARN is refused as well.
   */
  async resolve(rule: MappingRule, context: CallContext): Promise<ResolvedProfiles> {
    const forbidden = this.options.forbiddenSecurityProfiles ?? [];
    const [named] = forbiddenByText(rule, forbidden);
    if (named !== undefined) throw new ForbiddenProfileError(forbiddenMessage(named, rule.ruleId));
    const [routingProfileId, securityProfileIds, hierarchyGroupId] = await Promise.all([
      this.resolveOne("routingProfile", rule.routingProfile, rule.ruleId, context),
      Promise.all(
        rule.securityProfiles.map((ref) =>
          this.resolveOne("securityProfile", ref, rule.ruleId, context),
        ),
      ),
      rule.hierarchyGroup === undefined
        ? undefined
        : this.resolveOne("hierarchyGroup", rule.hierarchyGroup, rule.ruleId, context),
    ]);
    if (forbidden.length > 0) {
      const forbiddenIds = await this.#forbiddenIds(forbidden, context);
      securityProfileIds.forEach((id, i) => {
        const entry = forbiddenIds.get(id.toLowerCase());
        const reference = rule.securityProfiles[i] as string;
        if (entry !== undefined) {
          throw new ForbiddenProfileError(forbiddenMessage(reference, rule.ruleId, entry));
        }
      });
    }
    return hierarchyGroupId === undefined
      ? { routingProfileId, securityProfileIds }
      : { routingProfileId, securityProfileIds, hierarchyGroupId };
  }

  /** The IDs the forbidden entries stand for on the instance, each with its entry. */
  async #forbiddenIds(
    forbidden: readonly string[],
    context: CallContext,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const entry of forbidden) {
      const ref = parseProfileRef(entry);
      if (ref.by !== "name") {
        ids.set(ref.id.toLowerCase(), entry);
        continue;
      }
      // Every profile the name could mean, exactly or folded: forbidding errs on the safe side.
      // A name the instance does not have forbids nothing there.
      const index = await (
        this.#indexes.get("securityProfile") as TtlCache<NameIndex, CallContext>
      ).get(context);
      const profiles = [
        ...(index.exact.get(ref.name) ?? []),
        ...(index.folded.get(ref.name.toLowerCase()) ?? []),
      ];
      for (const profile of profiles) ids.set(profile.id.toLowerCase(), entry);
    }
    return ids;
  }

  async resolveOne(
    kind: ProfileKind,
    reference: string,
    ruleId: string,
    context: CallContext,
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
    const cache = this.#indexes.get(kind) as TtlCache<NameIndex, CallContext>;
    let found = lookup(await cache.get(context), ref.name);
    if (found.length === 0)
      found = lookup(await cache.refresh(this.options.missRefreshMs, context), ref.name);
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
