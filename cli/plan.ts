/**
 * `onboard plan`: what the function would do with a hire, without doing any of it. Every step
 * runs the function's own code (body parsing, rule book, profile resolver, request builder), so
 * the failure a plan reports is the one the hire would be parked with.
 */

import { systemClock } from "../shared/application/clock.js";
import { NO_DEADLINE } from "../shared/application/deadline.js";
import { silentLog } from "../shared/application/log.js";
import {
  ProfileResolver,
  type ProfileResolverOptions,
} from "../shared/application/profile-resolver.js";
import { RuleBook } from "../shared/application/rule-book.js";
import {
  buildCreateUserRequest,
  type CreateUserRequest,
  EMPLOYEE_ID_TAG,
  type ResolvedProfiles,
} from "../shared/domain/create-user-request.js";
import type { EmployeeHired } from "../shared/domain/employee-hired.js";
import { PermanentFailure, UsernameTakenError } from "../shared/domain/failures.js";
import { type MappingRule, type RuleMatch, RuleSet } from "../shared/domain/mapping-rule.js";
import { type EnvelopeKind, parseMessageBody } from "../shared/domain/message-body.js";
import { PROFILE_LABEL, type ProfileKind, parseProfileRef } from "../shared/domain/profile-ref.js";
import type { ConnectUserDirectory, ExistingUser, ProfileCatalog } from "../shared/ports.js";
import type { ResolvedUserSettings } from "./settings.js";

/** What stands in the request where CONNECT_MANAGED puts a password: a plan never makes one. */
export const PASSWORD_PLACEHOLDER = "<generated at provisioning>";
/** What stands in for IDs that only an instance can give. */
export const INSTANCE_PLACEHOLDER = "<instance-id>";

/** The `--json` document for one hire, exactly the issue's shape. */
export interface HirePlan {
  readonly event: PlannedEvent | null;
  readonly matches: { ruleId: string; priority: number; specificity: number }[];
  readonly winner: { ruleId: string } | null;
  readonly request: CreateUserRequest | null;
  readonly failure: { reason: string; message: string } | null;
}

/** The parsed hire: the event's fields, and every employee attribute rules may match on. */
export interface PlannedEvent {
  readonly eventType: string;
  readonly eventId: string;
  readonly occurredAt?: string;
  readonly source?: string;
  readonly employee: Readonly<Record<string, string>>;
}

export type PlanOutcome = "CREATE" | "ADOPT_EXISTING" | "FAIL";

/** The plan and what the human-readable output adds to it. */
export interface PlanDetails {
  readonly plan: HirePlan;
  readonly envelope?: EnvelopeKind;
  readonly why?: string;
  /** Disabled rules that would match: the usual answer to "why not the rule I expected?". */
  readonly disabledMatches: string[];
  readonly profiles: ProfileLine[];
  readonly outcome: PlanOutcome;
  readonly existingUserId?: string;
}

export interface ProfileLine {
  readonly kind: ProfileKind;
  readonly reference: string;
  /** The ID CreateUser gets, or undefined when no instance was given to resolve a name. */
  readonly id?: string;
}

export interface PlanContext {
  readonly rules: readonly MappingRule[];
  readonly settings: ResolvedUserSettings;
  /** The instance, when `--instance-id` was given: profiles are resolved and the username checked. */
  readonly connect?: ProfileCatalog & ConnectUserDirectory;
}

/** Lists fetched once per command, as a warm Lambda environment would hold them. */
const RESOLVER_OPTIONS: ProfileResolverOptions = { ttlMs: 3_600_000, missRefreshMs: 3_600_000 };

/** Plans every body against the same rules and instance, fetching profile lists once. */
export const createPlanner = (context: PlanContext) => {
  const ruleBook = new RuleBook(
    { loadRules: async () => [...context.rules] },
    { ttlMs: 3_600_000, missRefreshMs: 3_600_000 },
    systemClock,
    silentLog,
  );
  const ruleSet = new RuleSet(context.rules);
  const disabled = new RuleSet(
    context.rules.filter((rule) => !rule.enabled).map((rule) => ({ ...rule, enabled: true })),
  );
  const { connect, settings } = context;
  const resolver =
    connect && settings.instanceId
      ? new ProfileResolver(connect, settings.instanceId, RESOLVER_OPTIONS, systemClock)
      : undefined;

  return async (body: string): Promise<PlanDetails> => {
    const parsed = parseMessageBody(body);
    if (!parsed.ok) return failed(null, [], null, parsed.error);
    const { event } = parsed;
    const planned = plannedEvent(event);
    const found = ruleSet.matchesFor(event.employee.attributes);
    const matches = found.map(({ rule, specificity }) => ({
      ruleId: rule.ruleId,
      priority: rule.priority,
      specificity,
    }));
    const disabledMatches = disabled
      .matchesFor(event.employee.attributes)
      .map(({ rule }) => rule.ruleId);
    const base = { envelope: parsed.envelope, disabledMatches };
    let rule: MappingRule;
    try {
      rule = await ruleBook.ruleFor(event.employee, NO_DEADLINE);
    } catch (error) {
      return { ...failed(planned, matches, null, error), ...base };
    }
    const winner = { ruleId: rule.ruleId };
    const why = explainWinner(found);
    const profiles: ProfileLine[] = [];
    try {
      const resolved = resolver
        ? await resolver.resolve(rule, NO_DEADLINE)
        : unresolvedProfiles(rule, profiles);
      if (resolver) profiles.push(...resolvedLines(rule, resolved));
      const request = buildCreateUserRequest(
        event,
        rule,
        resolved,
        { ...settings, instanceId: settings.instanceId ?? INSTANCE_PLACEHOLDER },
        () => PASSWORD_PLACEHOLDER,
      );
      const existing =
        connect && resolver ? await existingUser(connect, request, event) : undefined;
      return {
        plan: { event: planned, matches, winner, request, failure: null },
        ...base,
        why,
        profiles,
        outcome: existing ? "ADOPT_EXISTING" : "CREATE",
        ...(existing ? { existingUserId: existing.userId } : {}),
      };
    } catch (error) {
      return { ...failed(planned, matches, winner, error), ...base, why, profiles };
    }
  };
};

/**
 * The user this hire's username already belongs to, if it is this employee's (the function
 * adopts it); someone else's is the UsernameTaken failure. The function learns this from
 * CreateUser's DuplicateResourceException; the message is the one HireProvisioner parks with.
 */
const existingUser = async (
  directory: ConnectUserDirectory,
  request: CreateUserRequest,
  event: EmployeeHired,
): Promise<ExistingUser | undefined> => {
  const existing = await directory.findUser(request.Username, NO_DEADLINE);
  const owner = existing?.tags[EMPLOYEE_ID_TAG];
  if (existing && owner !== event.employee.employeeId) {
    throw new UsernameTakenError(
      `the username is already used by Connect user ${existing.userId}, ${owner ? `tagged for employee ${owner}` : "which has no employeeId tag"}`,
    );
  }
  return existing;
};

/**
 * Failures that belong to the hire. Others (Connect unreachable, the operator's credentials not
 * allowed to list profiles, no such instance) say nothing about the hire: they end the command.
 */
const HIRE_FAILURES: ReadonlySet<string> = new Set([
  "InvalidJson",
  "InvalidEvent",
  "UnsupportedEventType",
  "PayloadTooLarge",
  "NoMappingRule",
  "ProfileNotFound",
  "AmbiguousProfile",
  "MissingDeskPhone",
  "UsernameTaken",
]);

const failed = (
  event: PlannedEvent | null,
  matches: HirePlan["matches"],
  winner: HirePlan["winner"],
  error: unknown,
): PlanDetails => {
  if (!(error instanceof PermanentFailure && HIRE_FAILURES.has(error.reason))) throw error;
  return {
    plan: {
      event,
      matches,
      winner,
      request: null,
      failure: { reason: error.reason, message: error.message },
    },
    disabledMatches: [],
    profiles: [],
    outcome: "FAIL",
  };
};

const plannedEvent = (event: EmployeeHired): PlannedEvent => ({
  eventType: event.eventType,
  eventId: event.eventId,
  ...(event.occurredAt === undefined ? {} : { occurredAt: event.occurredAt }),
  ...(event.source === undefined ? {} : { source: event.source }),
  employee: { ...event.employee.attributes },
});

/**
 * Without an instance, IDs and ARNs pass through as the function would pass them; a name can
 * only be shown as what it is, clearly not an ID.
 */
const unresolvedProfiles = (rule: MappingRule, lines: ProfileLine[]): ResolvedProfiles => {
  const offline = (kind: ProfileKind, reference: string): string => {
    const ref = parseProfileRef(reference);
    const id = ref.by === "name" ? undefined : ref.id;
    lines.push({ kind, reference, ...(id === undefined ? {} : { id }) });
    return id ?? `<${PROFILE_LABEL[kind]} "${reference}">`;
  };
  const routingProfileId = offline("routingProfile", rule.routingProfile);
  const securityProfileIds = rule.securityProfiles.map((ref) => offline("securityProfile", ref));
  return rule.hierarchyGroup === undefined
    ? { routingProfileId, securityProfileIds }
    : {
        routingProfileId,
        securityProfileIds,
        hierarchyGroupId: offline("hierarchyGroup", rule.hierarchyGroup),
      };
};

const resolvedLines = (rule: MappingRule, resolved: ResolvedProfiles): ProfileLine[] => [
  { kind: "routingProfile", reference: rule.routingProfile, id: resolved.routingProfileId },
  ...rule.securityProfiles.map((reference, i) => ({
    kind: "securityProfile" as const,
    reference,
    ...(resolved.securityProfileIds[i] === undefined ? {} : { id: resolved.securityProfileIds[i] }),
  })),
  ...(rule.hierarchyGroup === undefined
    ? []
    : [
        {
          kind: "hierarchyGroup" as const,
          reference: rule.hierarchyGroup,
          ...(resolved.hierarchyGroupId === undefined ? {} : { id: resolved.hierarchyGroupId }),
        },
      ]),
];

/** Why the first match beat the second, in the order the function decides (DESIGN section 3). */
export const explainWinner = (matches: readonly RuleMatch[]): string => {
  const [winner, next] = matches;
  if (!winner) return "no rule matches";
  if (!next) return "the only enabled rule that matches";
  const w = winner.rule;
  const n = next.rule;
  if (w.priority !== n.priority) {
    return `highest priority: ${w.priority}, over ${n.priority} of ${n.ruleId}`;
  }
  if (winner.specificity !== next.specificity) {
    return `same priority as ${n.ruleId} (${w.priority}) but more match keys: ${winner.specificity} against ${next.specificity}`;
  }
  return `same priority (${w.priority}) and match keys (${winner.specificity}) as ${n.ruleId}: the lowest ruleId wins the tie`;
};
