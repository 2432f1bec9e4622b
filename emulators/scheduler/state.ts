/** What the emulated account holds: schedule groups, schedules and used client tokens. */
import { zonedInstant } from "./expression.js";
import type { ScheduleInput, Tag } from "./validation.js";

export interface StoredSchedule {
  /** The request that created or last updated it, as validated (no client token). */
  input: Omit<ScheduleInput, "clientToken">;
  arn: string;
  creationDate: number;
  lastModificationDate: number;
  /** When a one-time schedule comes due (epoch ms); undefined for rate() and cron(). */
  dueAt?: number;
  /** Bumped on every update, so a delivery under way never completes a newer definition. */
  version: number;
  /** A one-time schedule that has invoked its target (or given up) and stays (NONE). */
  completed: boolean;
}

export interface StoredGroup {
  name: string;
  arn: string;
  creationDate: number;
  lastModificationDate: number;
  tags: Tag[];
}

/** A successful response kept for its client token, so a retried request gets it again. */
interface IdempotentResult {
  fingerprint: string;
  body: unknown;
}

export interface SchedulerQuotas {
  /** Schedules per account and Region (AWS default 1,000,000). */
  schedules: number;
  /** Schedule groups per account and Region, `default` included (AWS default 500). */
  scheduleGroups: number;
}

export class SchedulerState {
  readonly groups = new Map<string, StoredGroup>();
  readonly schedules = new Map<string, StoredSchedule>();
  private readonly tokens = new Map<string, IdempotentResult>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly quotas: SchedulerQuotas,
    now: number,
  ) {
    this.groups.set("default", {
      name: "default",
      arn: this.groupArn("default"),
      creationDate: now,
      lastModificationDate: now,
      tags: [],
    });
  }

  groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  scheduleArn(group: string, name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${group}/${name}`;
  }

  static key(group: string, name: string): string {
    return `${group}/${name}`;
  }

  /** The stored result for this operation and token, if the same request used it before. */
  replay(operation: string, token: string | undefined): IdempotentResult | undefined {
    if (token === undefined) return undefined;
    return this.tokens.get(`${operation}:${token}`);
  }

  remember(operation: string, token: string | undefined, fingerprint: string, body: unknown): void {
    if (token !== undefined) this.tokens.set(`${operation}:${token}`, { fingerprint, body });
  }
}

/** The instant a one-time schedule fires, in its time zone (UTC when none is given). */
export function dueAtOf(input: Omit<ScheduleInput, "clientToken">): number | undefined {
  if (input.expression.kind !== "at") return undefined;
  return zonedInstant(input.expression.local, input.scheduleExpressionTimezone ?? "UTC");
}
