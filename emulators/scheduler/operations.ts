/**
 * The schedule and schedule group operations (restJson1 routes in `emulator.ts`).
 *
 * Idempotency (ClientToken): the reference says only that the token "ensures the idempotency of
 * the request". Read here as: a request repeating an earlier successful one with the same token
 * (a retry) gets that request's response again and changes nothing, even if the schedule has
 * since fired or been deleted; the same token with different parameters is a
 * ConflictException. The SDK and the CLI fill the token themselves when the caller gives none,
 * so each new call has its own.
 *
 * Defaults GetSchedule reports for members the request left out: State ENABLED,
 * ActionAfterCompletion NONE, ScheduleExpressionTimezone UTC, GroupName default, and the
 * target's RetryPolicy {MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185}.
 */
import { ConstraintChecker, epochSeconds } from "../rest-json.js";
import { invalidMembers, schedulerError, validation } from "./errors.js";
import { dueAtOf, SchedulerState, type StoredGroup, type StoredSchedule } from "./state.js";
import {
  checkClientToken,
  checkName,
  checkTags,
  DEFAULT_RETRY_POLICY,
  type Json,
  NAME,
  STATES,
  validateScheduleInput,
} from "./validation.js";

export interface OperationContext {
  state: SchedulerState;
  now: () => number;
  /** Called after any change to schedules, so the firing engine re-arms. */
  changed: () => void;
}

export interface OperationRequest {
  /** The URI labels after the resource segment. */
  params: string[];
  query: URLSearchParams;
  body: Json;
}

export type Operation = (ctx: OperationContext, request: OperationRequest) => unknown;

const scheduleNotFound = (name: string) =>
  schedulerError("ResourceNotFoundException", `Schedule ${name} does not exist.`);
const groupNotFound = (name: string) =>
  schedulerError("ResourceNotFoundException", `Schedule group ${name} does not exist.`);

function existingGroup(ctx: OperationContext, name: string): StoredGroup {
  const group = ctx.state.groups.get(name);
  if (!group) throw groupNotFound(name);
  return group;
}

/** Runs `apply` once per client token; a retry with the same token gets the same answer. */
function idempotent(
  ctx: OperationContext,
  operation: string,
  token: string | undefined,
  request: unknown,
  apply: () => unknown,
): unknown {
  const fingerprint = stableJson(request);
  const previous = ctx.state.replay(operation, token);
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      throw schedulerError(
        "ConflictException",
        `The client token ${token} was already used for a different ${operation} request.`,
      );
    }
    return previous.body;
  }
  const body = apply();
  ctx.state.remember(operation, token, fingerprint, body);
  return body;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function withoutToken(body: Json): Json {
  const { ClientToken: _token, ...rest } = body;
  return rest;
}

const createSchedule: Operation = (ctx, { params, body }) => {
  const { clientToken, ...input } = validateScheduleInput(params[0] ?? "", body);
  return idempotent(ctx, "CreateSchedule", clientToken, [params, withoutToken(body)], () => {
    existingGroup(ctx, input.groupName);
    const key = SchedulerState.key(input.groupName, input.name);
    if (ctx.state.schedules.has(key)) {
      throw schedulerError("ConflictException", `Schedule ${input.name} already exists.`);
    }
    if (ctx.state.schedules.size >= ctx.state.quotas.schedules) {
      throw schedulerError(
        "ServiceQuotaExceededException",
        `The number of schedules exceeds the quota of ${ctx.state.quotas.schedules}.`,
      );
    }
    const now = ctx.now();
    const arn = ctx.state.scheduleArn(input.groupName, input.name);
    ctx.state.schedules.set(key, {
      input,
      arn,
      creationDate: now,
      lastModificationDate: now,
      dueAt: dueAtOf(input),
      version: 1,
      completed: false,
    });
    ctx.changed();
    return { ScheduleArn: arn };
  });
};

const updateSchedule: Operation = (ctx, { params, body }) => {
  const { clientToken, ...input } = validateScheduleInput(params[0] ?? "", body);
  return idempotent(ctx, "UpdateSchedule", clientToken, [params, withoutToken(body)], () => {
    existingGroup(ctx, input.groupName);
    const schedule = ctx.state.schedules.get(SchedulerState.key(input.groupName, input.name));
    if (!schedule) throw scheduleNotFound(input.name);
    // UpdateSchedule replaces the whole definition: what the request omits goes back to its
    // default, as the reference warns.
    schedule.input = input;
    schedule.lastModificationDate = ctx.now();
    schedule.dueAt = dueAtOf(input);
    schedule.version++;
    schedule.completed = false;
    ctx.changed();
    return { ScheduleArn: schedule.arn };
  });
};

const getSchedule: Operation = (ctx, { params, query }) => {
  const name = checkName("name", params[0]);
  const check = new ConstraintChecker();
  const group =
    check.string("groupName", query.get("groupName") ?? undefined, {
      min: 1,
      max: 64,
      pattern: NAME,
    }) ?? "default";
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  const schedule = ctx.state.schedules.get(SchedulerState.key(group, name));
  if (!schedule) throw scheduleNotFound(name);
  return scheduleOutput(schedule);
};

const deleteSchedule: Operation = (ctx, { params, query }) => {
  const name = checkName("name", params[0]);
  const check = new ConstraintChecker();
  const group =
    check.string("groupName", query.get("groupName") ?? undefined, {
      min: 1,
      max: 64,
      pattern: NAME,
    }) ?? "default";
  const token = checkClientToken(check, query.get("clientToken") ?? undefined);
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  return idempotent(ctx, "DeleteSchedule", token, [group, name], () => {
    const key = SchedulerState.key(group, name);
    if (!ctx.state.schedules.delete(key)) throw scheduleNotFound(name);
    ctx.changed();
    return {};
  });
};

const listSchedules: Operation = (ctx, { query }) => {
  const check = new ConstraintChecker();
  const group = check.string("groupName", query.get("ScheduleGroup") ?? undefined, {
    min: 1,
    max: 64,
    pattern: NAME,
  });
  const prefix = check.string("namePrefix", query.get("NamePrefix") ?? undefined, {
    min: 1,
    max: 64,
    pattern: NAME,
  });
  const state = check.string("state", query.get("State") ?? undefined, { enum: STATES });
  const page = pageParameters(check, query);
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  if (group !== undefined) existingGroup(ctx, group);
  const matching = [...ctx.state.schedules.entries()]
    .filter(
      ([, s]) =>
        (group === undefined || s.input.groupName === group) &&
        (prefix === undefined || s.input.name.startsWith(prefix)) &&
        (state === undefined || s.input.state === state),
    )
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const { items, nextToken } = paginate(matching, page);
  return {
    Schedules: items.map(([, s]) => ({
      Arn: s.arn,
      CreationDate: epochSeconds(s.creationDate),
      GroupName: s.input.groupName,
      LastModificationDate: epochSeconds(s.lastModificationDate),
      Name: s.input.name,
      State: s.input.state,
      Target: { Arn: s.input.target.Arn },
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};

const createScheduleGroup: Operation = (ctx, { params, body }) => {
  const name = checkName("name", params[0]);
  const check = new ConstraintChecker();
  const token = checkClientToken(check, body.ClientToken);
  const tags = checkTags(check, body.Tags);
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  return idempotent(ctx, "CreateScheduleGroup", token, [name, withoutToken(body)], () => {
    if (ctx.state.groups.has(name)) {
      throw schedulerError("ConflictException", `Schedule group ${name} already exists.`);
    }
    if (ctx.state.groups.size >= ctx.state.quotas.scheduleGroups) {
      throw schedulerError(
        "ServiceQuotaExceededException",
        `The number of schedule groups exceeds the quota of ${ctx.state.quotas.scheduleGroups}.`,
      );
    }
    const now = ctx.now();
    const group = {
      name,
      arn: ctx.state.groupArn(name),
      creationDate: now,
      lastModificationDate: now,
      tags,
    };
    ctx.state.groups.set(name, group);
    return { ScheduleGroupArn: group.arn };
  });
};

const getScheduleGroup: Operation = (ctx, { params }) =>
  groupOutput(existingGroup(ctx, checkName("name", params[0])));

const deleteScheduleGroup: Operation = (ctx, { params, query }) => {
  const name = checkName("name", params[0]);
  const check = new ConstraintChecker();
  const token = checkClientToken(check, query.get("clientToken") ?? undefined);
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  return idempotent(ctx, "DeleteScheduleGroup", token, [name], () => {
    if (name === "default") throw validation("The default schedule group cannot be deleted.");
    existingGroup(ctx, name);
    // Deleting a group deletes its schedules. AWS does it eventually (the group shows
    // DELETING meanwhile, and its schedules may still fire); here it happens at once.
    for (const [key, schedule] of ctx.state.schedules) {
      if (schedule.input.groupName === name) ctx.state.schedules.delete(key);
    }
    ctx.state.groups.delete(name);
    ctx.changed();
    return {};
  });
};

const listScheduleGroups: Operation = (ctx, { query }) => {
  const check = new ConstraintChecker();
  const prefix = check.string("namePrefix", query.get("NamePrefix") ?? undefined, {
    min: 1,
    max: 64,
    pattern: NAME,
  });
  const page = pageParameters(check, query);
  if (check.violations.length > 0) throw invalidMembers(check.violations);
  const matching = [...ctx.state.groups.entries()]
    .filter(([name]) => prefix === undefined || name.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const { items, nextToken } = paginate(matching, page);
  return {
    ScheduleGroups: items.map(([, group]) => groupOutput(group)),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};

export const OPERATIONS = {
  CreateSchedule: createSchedule,
  GetSchedule: getSchedule,
  UpdateSchedule: updateSchedule,
  DeleteSchedule: deleteSchedule,
  ListSchedules: listSchedules,
  CreateScheduleGroup: createScheduleGroup,
  GetScheduleGroup: getScheduleGroup,
  DeleteScheduleGroup: deleteScheduleGroup,
  ListScheduleGroups: listScheduleGroups,
} satisfies Record<string, Operation>;

export type SchedulerOperation = keyof typeof OPERATIONS;

export function scheduleOutput(schedule: StoredSchedule): Json {
  const { input } = schedule;
  const retry = (input.target.RetryPolicy ?? {}) as Json;
  return {
    ActionAfterCompletion: input.actionAfterCompletion,
    Arn: schedule.arn,
    CreationDate: epochSeconds(schedule.creationDate),
    Description: input.description,
    EndDate: input.endDate === undefined ? undefined : epochSeconds(input.endDate),
    FlexibleTimeWindow: input.flexibleTimeWindow,
    GroupName: input.groupName,
    KmsKeyArn: input.kmsKeyArn,
    LastModificationDate: epochSeconds(schedule.lastModificationDate),
    Name: input.name,
    ScheduleExpression: input.scheduleExpression,
    ScheduleExpressionTimezone: input.scheduleExpressionTimezone ?? "UTC",
    StartDate: input.startDate === undefined ? undefined : epochSeconds(input.startDate),
    State: input.state,
    Target: { ...input.target, RetryPolicy: { ...DEFAULT_RETRY_POLICY, ...retry } },
  };
}

function groupOutput(group: StoredGroup): Json {
  return {
    Arn: group.arn,
    CreationDate: epochSeconds(group.creationDate),
    LastModificationDate: epochSeconds(group.lastModificationDate),
    Name: group.name,
    State: "ACTIVE",
  };
}

interface Page {
  maxResults: number;
  after?: string;
}

function pageParameters(check: ConstraintChecker, query: URLSearchParams): Page {
  const rawMax = query.get("MaxResults");
  const maxResults =
    check.integer("maxResults", rawMax === null ? undefined : Number(rawMax), {
      min: 1,
      max: 100,
    }) ?? 100;
  const token = check.string("nextToken", query.get("NextToken") ?? undefined, {
    min: 1,
    max: 2048,
  });
  if (token === undefined) return { maxResults };
  const after = Buffer.from(token, "base64url").toString("utf8");
  if (!after.startsWith("k:")) throw validation("Invalid NextToken.");
  return { maxResults, after: after.slice(2) };
}

/** Keys are sorted, so a token naming the last key returned resumes after it. */
function paginate<T>(
  entries: [string, T][],
  page: Page,
): { items: [string, T][]; nextToken?: string } {
  const { after } = page;
  const start = after === undefined ? 0 : entries.findIndex(([key]) => key > after);
  const rest = start < 0 ? [] : entries.slice(start);
  const items = rest.slice(0, page.maxResults);
  const last = items.at(-1);
  return rest.length > page.maxResults && last
    ? { items, nextToken: Buffer.from(`k:${last[0]}`).toString("base64url") }
    : { items };
}
