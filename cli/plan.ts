/**
 * `onboard plan`: what the function would do with a hire, without doing any of it. Every step
 * runs the function's own code (body parsing, rule book, profile resolver, request builder), so
 * the failure a plan reports is the one the hire would be parked with.
 */

import { systemClock } from "../shared/application/clock.js";
import { EmployeePlanner } from "../shared/application/employee-planner.js";
import { silentLog } from "../shared/application/log.js";
import {
  ProfileResolver,
  type ProfileResolverOptions,
} from "../shared/application/profile-resolver.js";
import { RuleBook } from "../shared/application/rule-book.js";
import {
  type CreateUserRequest,
  createUserRequest,
  type DesiredUser,
  desiredUser,
  type ResolvedProfiles,
} from "../shared/domain/desired-user.js";
import { type EmployeeRecordEvent, isRecordEvent } from "../shared/domain/employee-event.js";
import {
  ForbiddenProfileError,
  PermanentFailure,
  UnsupportedEventTypeError,
} from "../shared/domain/failures.js";
import { forbiddenByText, forbiddenMessage } from "../shared/domain/forbidden-profiles.js";
import { hrVersion } from "../shared/domain/hr-version.js";
import type { LedgerEntry } from "../shared/domain/ledger.js";
import { type MappingRule, type RuleMatch, RuleSet } from "../shared/domain/mapping-rule.js";
import {
  type EnvelopeKind,
  type FailureHints,
  parseMessageBody,
} from "../shared/domain/message-body.js";
import {
  isStale,
  type SyncPlan,
  type UserChange,
  type UsernameDrift,
  userChanges,
  usernameDrift,
} from "../shared/domain/plan.js";
import { PROFILE_LABEL, type ProfileKind, parseProfileRef } from "../shared/domain/profile-ref.js";
import type { ConnectUsers, LedgerReader, ProfileCatalog } from "../shared/ports.js";
import { CLI_CALLS } from "./io.js";
import type { ResolvedUserSettings } from "./settings.js";

/** What stands in the request where CONNECT_MANAGED puts a password: a plan never makes one. */
export const PASSWORD_PLACEHOLDER = "<generated at provisioning>";
/** What stands in for IDs that only an instance can give. */
export const INSTANCE_PLACEHOLDER = "<instance-id>";

/**
 * What the function would do: the plan's action (ADOPT is a CREATE that finds the username taken
 * by this employee's own user, which it then brings in line), or null when the event would fail.
 */
export type PlanAction = SyncPlan["action"] | "ADOPT";

/** The `--json` document for one event. */
export interface EventPlan {
  readonly event: PlannedEvent | null;
  readonly matches: { ruleId: string; priority: number; specificity: number }[];
  readonly winner: { ruleId: string } | null;
  readonly action: PlanAction | null;
  /** The employee's user, when it exists. */
  readonly userId: string | null;
  readonly changes: readonly UserChange[];
  readonly usernameDrift: UsernameDrift | null;
  /** The CreateUser request, when the plan is to create. */
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

/** The plan and what the human-readable output adds to it. */
export interface PlanDetails {
  readonly plan: EventPlan;
  readonly envelope?: EnvelopeKind;
  readonly why?: string;
  /** Disabled rules that would match: the usual answer to "why not the rule I expected?". */
  readonly disabledMatches: string[];
  readonly profiles: ProfileLine[];
  /** False when no instance was given: the employee's user could not be looked up. */
  readonly online: boolean;
  /** False when no ledger was given: a stale event cannot be told from a new one. */
  readonly versioned: boolean;
  /** For a body that is not a valid event: whose it seems to be, as far as it could be read. */
  readonly hints?: FailureHints;
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
  /** The instance, when `--instance-id` was given: profiles resolved, the user looked up. */
  readonly connect?: ProfileCatalog &
    Pick<ConnectUsers, "describeUser" | "findUsersByEmployeeId" | "findUserIdByUsername">;
  /** The ledger, when `--ledger-table` was given: the version last applied. */
  readonly ledger?: Pick<LedgerReader, "entry">;
}

/** Lists fetched once per command, as a warm Lambda environment would hold them. */
const RESOLVER_OPTIONS: Omit<ProfileResolverOptions, "forbiddenSecurityProfiles"> = {
  ttlMs: 3_600_000,
  missRefreshMs: 3_600_000,
};

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
      ? new ProfileResolver(
          connect,
          settings.instanceId,
          { ...RESOLVER_OPTIONS, forbiddenSecurityProfiles: settings.forbiddenSecurityProfiles },
          systemClock,
        )
      : undefined;

  const planner =
    connect && resolver
      ? new EmployeePlanner({ rules: ruleBook, profiles: resolver, users: connect, settings })
      : undefined;

  return async (body: string): Promise<PlanDetails> => {
    const parsed = parseMessageBody(body);
    if (!parsed.ok) return { ...failed(null, [], null, parsed.error), hints: parsed.hints };
    if (!isRecordEvent(parsed.event)) {
      // A leaver has no desired user to plan: what the service did is in `onboard history`.
      const error = new UnsupportedEventTypeError(
        `onboard plan plans hires and updates; ${parsed.event.eventType} is not planned (onboard history shows what the service did)`,
      );
      return {
        ...failed(null, [], null, error),
        hints: { eventId: parsed.event.eventId, employeeId: parsed.event.employee.employeeId },
      };
    }
    const event = parsed.event;
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
    const base = {
      envelope: parsed.envelope,
      disabledMatches,
      online: planner !== undefined,
      versioned: context.ledger !== undefined,
    };
    // As the function does: the ledger first, so a stale event is told before any rule counts.
    const entry = context.ledger
      ? await context.ledger.entry(event.employee.employeeId)
      : undefined;
    const version = hrVersion(event.occurredAt, Date.now());
    if (isStale(version, entry?.appliedVersion)) {
      return {
        plan: {
          event: planned,
          matches,
          winner: null,
          action: "STALE",
          userId: entry?.userId ?? null,
          changes: [],
          usernameDrift: null,
          request: null,
          failure: null,
        },
        ...base,
        profiles: [],
      };
    }
    let rule: MappingRule;
    try {
      rule = (await ruleBook.ruleFor(event.employee, CLI_CALLS)).rule;
    } catch (error) {
      return { ...failed(planned, matches, null, error), ...base };
    }
    const winner = { ruleId: rule.ruleId };
    const why = explainWinner(found);
    const profiles: ProfileLine[] = [];
    try {
      const result = planner
        ? await planOnline(planner, event, version, entry)
        : planOffline(event, rule, settings, profiles);
      if (planner) profiles.push(...resolvedLines(rule, result.resolved));
      const request =
        result.action === "CREATE"
          ? createUserRequest(
              result.desired,
              settings.instanceId ?? INSTANCE_PLACEHOLDER,
              settings.identityManagementType,
              () => PASSWORD_PLACEHOLDER,
            )
          : null;
      return {
        plan: {
          event: planned,
          matches,
          winner,
          action: result.action,
          userId: result.userId ?? null,
          changes: result.changes,
          usernameDrift: result.usernameDrift ?? null,
          request,
          failure: null,
        },
        ...base,
        why,
        profiles,
      };
    } catch (error) {
      return { ...failed(planned, matches, winner, error), ...base, why, profiles };
    }
  };
};

interface PlanResult {
  readonly action: PlanAction;
  readonly desired: DesiredUser;
  readonly resolved: ResolvedProfiles;
  readonly userId?: string;
  readonly changes: readonly UserChange[];
  readonly usernameDrift?: UsernameDrift;
}

/**
 * The function's own planner, against the live instance (and the ledger when given). A plan
 * to create also looks the username up, as the function learns from CreateUser's duplicate.
 */
const planOnline = async (
  planner: EmployeePlanner,
  event: EmployeeRecordEvent,
  version: number,
  entry: LedgerEntry | undefined,
): Promise<PlanResult> => {
  const { plan, desired } = await planner.plan(event, version, entry, undefined, CLI_CALLS);
  const resolved: ResolvedProfiles = {
    routingProfileId: desired.routingProfileId,
    securityProfileIds: desired.securityProfileIds,
    ...(desired.hierarchyGroupId ? { hierarchyGroupId: desired.hierarchyGroupId } : {}),
  };
  if (plan.action === "STALE") return { action: "STALE", desired, resolved, changes: [] };
  if (plan.action === "CREATE") {
    const existing = await planner.userByUsername(desired, CLI_CALLS);
    if (!existing) return { action: "CREATE", desired, resolved, changes: [] };
    const drift = usernameDrift(desired, existing);
    return {
      action: "ADOPT",
      desired,
      resolved,
      userId: existing.userId,
      changes: userChanges(desired, existing, entry?.ruleTagKeys ?? []),
      ...(drift ? { usernameDrift: drift } : {}),
    };
  }
  return {
    action: plan.action,
    desired,
    resolved,
    userId: plan.user.userId,
    changes: plan.action === "UPDATE" ? plan.changes : [],
    ...(plan.usernameDrift ? { usernameDrift: plan.usernameDrift } : {}),
  };
};

/** Without an instance, only the desired user can be shown, with names unresolved. */
const planOffline = (
  event: EmployeeRecordEvent,
  rule: MappingRule,
  settings: ResolvedUserSettings,
  lines: ProfileLine[],
): PlanResult => {
  const resolved = unresolvedProfiles(rule, settings.forbiddenSecurityProfiles, lines);
  const desired = desiredUser(event.employee, rule, resolved, settings);
  return { action: "CREATE", desired, resolved, changes: [] };
};

/**
 * Failures that belong to the hire. Others (Connect unreachable, the operator's credentials not
 * allowed to list profiles, no such instance) say nothing about the hire: they end the command.
 */
const EVENT_FAILURES: ReadonlySet<string> = new Set([
  "InvalidJson",
  "InvalidEvent",
  "UnsupportedEventType",
  "PayloadTooLarge",
  "NoMappingRule",
  "ProfileNotFound",
  "AmbiguousProfile",
  "ForbiddenProfile",
  "MissingDeskPhone",
  "InvalidUsername",
  "UsernameTaken",
  "NotManaged",
]);

const failed = (
  event: PlannedEvent | null,
  matches: EventPlan["matches"],
  winner: EventPlan["winner"],
  error: unknown,
): PlanDetails => {
  if (!(error instanceof PermanentFailure && EVENT_FAILURES.has(error.reason))) throw error;
  return {
    plan: {
      event,
      matches,
      winner,
      action: null,
      userId: null,
      changes: [],
      usernameDrift: null,
      request: null,
      failure: { reason: error.reason, message: error.message },
    },
    disabledMatches: [],
    profiles: [],
    online: false,
    versioned: false,
  };
};

const plannedEvent = (event: EmployeeRecordEvent): PlannedEvent => ({
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
const unresolvedProfiles = (
  rule: MappingRule,
  forbidden: readonly string[],
  lines: ProfileLine[],
): ResolvedProfiles => {
  const [named] = forbiddenByText(rule, forbidden);
  if (named !== undefined) throw new ForbiddenProfileError(forbiddenMessage(named, rule.ruleId));
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
