import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { REMOVAL_THRESHOLD_DEFAULTS } from "../config.js";
import { LedgerUnavailableError } from "../domain/failures.js";
import type { CallContext, RemovalBudget, RemovalBudgetStatus } from "../ports.js";
import { ACTIVE_COUNT_RECORD, LEDGER_KEYS, SERVICE_PARTITION } from "./dynamodb-ledger.js";

/** The budget's one item in the ledger table, beside the active count. */
export const REMOVAL_BUDGET_RECORD = "REMOVAL_BUDGET";
const WINDOW_HOURS = 24;
const HOUR_MS = 3_600_000;
/** Optimistic writes that lose to another environment are tried again, this many times in all. */
const ATTEMPTS = 16;
/**
 * Between attempts a random wait up to this, doubling each time to BACKOFF_CAP_MS: racing
 * environments spread out instead of colliding again on the next read (full jitter).
 */
const BACKOFF_BASE_MS = 10;
const BACKOFF_CAP_MS = 250;
/** Refused removals remembered by key; past this only counted (the item stays small). */
const HELD_BACK_KEYS = 500;
const CONDITION_FAILED = "ConditionalCheckFailedException";

export interface RemovalBudgetSettings {
  /** REMOVAL_THRESHOLD_COUNT: removals per window at most. */
  readonly count: number;
  /** REMOVAL_THRESHOLD_PERCENT: of the active employees, at most. */
  readonly percent: number;
}

interface BudgetItem {
  readonly rev?: number;
  /** JSON of [key, takenAt][]: the removals counted in the window, by employee and version. */
  readonly taken?: string;
  /** JSON of [key, refusedAt][]: removals refused and not allowed since. */
  readonly heldBack?: string;
  readonly heldBackMore?: number;
  readonly allowance?: number;
  /** The threshold the last environment to write enforced, for readers that do not know it. */
  readonly countLimit?: number;
  readonly percentLimit?: number;
}

interface Budget {
  readonly rev: number | undefined;
  taken: [string, number][];
  heldBack: [string, number][];
  heldBackMore: number;
  allowance: number;
  readonly stored: RemovalBudgetSettings | undefined;
}

/**
 * The deletion threshold over the ledger table: one item holds the removals of the rolling
 * window (each by employee and version, so a retry is recognised, never counted again), the
 * removals refused, and the allowance an operator granted. Every change is a conditional put on
 * the item's revision, so environments racing for the last removal of the window cannot both
 * have it: the loser reads again and is refused. The percentage reads the active count the
 * ledger's commits keep.
 */
export class DynamoDbRemovalBudget implements RemovalBudget {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Undefined for a reader (the CLI): the threshold the function last wrote is used. */
    private readonly settings: RemovalBudgetSettings | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One take at a time in this environment: the records of a batch run side by side, and would
   * otherwise race one another for the one item, each loser waiting out a backoff. Environments
   * still race (the conditional put decides), but only one taker each.
   */
  #taking: Promise<unknown> = Promise.resolve();

  take(employeeId: string, version: number, context: CallContext): Promise<"allowed" | "exceeded"> {
    const turn = this.#taking.then(() => this.takeNow(employeeId, version, context));
    this.#taking = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(
    employeeId: string,
    version: number,
    context: CallContext,
  ): Promise<"allowed" | "exceeded"> {
    const key = `${employeeId}#${version}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [budget, active] = await Promise.all([this.read(context), this.active(context)]);
      if (budget.taken.some(([taken]) => taken === key)) return "allowed";
      const now = this.now();
      // Refused before and still refused: nothing to write.
      const refusedBefore = budget.heldBack.some(([held]) => held === key);
      let verdict: "allowed" | "exceeded" = "allowed";
      if (budget.taken.length < this.limit(active, budget)) budget.taken.push([key, now]);
      else if (budget.allowance > 0) {
        budget.allowance--;
        budget.taken.push([key, now]);
      } else {
        verdict = "exceeded";
        if (refusedBefore) return verdict;
        if (budget.heldBack.length < HELD_BACK_KEYS) budget.heldBack.push([key, now]);
        else budget.heldBackMore++;
      }
      if (verdict === "allowed") budget.heldBack = budget.heldBack.filter(([held]) => held !== key);
      if (await this.write(budget, context)) return verdict;
      const wait = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
      if (this.now() + wait >= context.deadline.at) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    throw new LedgerUnavailableError(
      `ledger ${this.tableName}: the removal budget kept changing under us`,
    );
  }

  async status(context: CallContext): Promise<RemovalBudgetStatus> {
    const [budget, active] = await Promise.all([this.read(context), this.active(context)]);
    return {
      used: budget.taken.length,
      limit: this.limit(active, budget) + budget.allowance,
      active,
      windowHours: WINDOW_HOURS,
      heldBack: budget.heldBack.length + budget.heldBackMore,
    };
  }

  async allowMore(extra: number, context: CallContext): Promise<void> {
    if (!Number.isInteger(extra) || extra < 0) {
      throw new RangeError(`extra removals must be a whole number >= 0 (got ${extra})`);
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(),
          UpdateExpression: "ADD allowance :extra, rev :one",
          ExpressionAttributeValues: { ":extra": extra, ":one": 1 },
        }),
        { abortSignal: context.deadline.signal },
      );
    } catch (error) {
      throw this.unavailable("allowMore", error);
    }
  }

  /**
   * The lower of the count and the share (rounded down) of the employees who were active before
   * the window's removals: each removal lowers the active count, and a share of what is left
   * would shrink with every removal of a mass termination.
   */
  private limit(active: number, budget: Budget): number {
    const population = active + budget.taken.length;
    const { count, percent } = this.settings ?? budget.stored ?? REMOVAL_THRESHOLD_DEFAULTS;
    return Math.min(count, Math.floor((population * percent) / 100));
  }

  /** The item, with what fell out of the window dropped. */
  private async read(context: CallContext): Promise<Budget> {
    let item: BudgetItem | undefined;
    try {
      const output = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: this.key(), ConsistentRead: true }),
        { abortSignal: context.deadline.signal },
      );
      item = output.Item as BudgetItem | undefined;
    } catch (error) {
      throw this.unavailable("read", error);
    }
    const since = this.now() - WINDOW_HOURS * HOUR_MS;
    const inWindow = (text: string | undefined) =>
      (text ? (JSON.parse(text) as [string, number][]) : []).filter(([, at]) => at > since);
    return {
      rev: item?.rev === undefined ? undefined : Number(item.rev),
      taken: inWindow(item?.taken),
      heldBack: inWindow(item?.heldBack),
      heldBackMore: Number(item?.heldBackMore ?? 0),
      allowance: Number(item?.allowance ?? 0),
      stored:
        item?.countLimit === undefined || item.percentLimit === undefined
          ? undefined
          : { count: Number(item.countLimit), percent: Number(item.percentLimit) },
    };
  }

  private async active(context: CallContext): Promise<number> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: {
            [LEDGER_KEYS.partition]: SERVICE_PARTITION,
            [LEDGER_KEYS.sort]: ACTIVE_COUNT_RECORD,
          },
          ConsistentRead: true,
        }),
        { abortSignal: context.deadline.signal },
      );
      return Math.max(0, Number(Item?.active ?? 0));
    } catch (error) {
      throw this.unavailable("read the active count", error);
    }
  }

  /** False when another environment changed the item since it was read. */
  private async write(budget: Budget, context: CallContext): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(),
            rev: (budget.rev ?? 0) + 1,
            taken: JSON.stringify(budget.taken),
            heldBack: JSON.stringify(budget.heldBack),
            heldBackMore: budget.heldBackMore,
            allowance: budget.allowance,
            ...(this.settings
              ? { countLimit: this.settings.count, percentLimit: this.settings.percent }
              : {}),
          },
          ConditionExpression:
            budget.rev === undefined ? "attribute_not_exists(rev)" : "rev = :rev",
          ...(budget.rev === undefined
            ? {}
            : { ExpressionAttributeValues: { ":rev": budget.rev } }),
        }),
        { abortSignal: context.deadline.signal },
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === CONDITION_FAILED) return false;
      throw this.unavailable("write", error);
    }
  }

  private key() {
    return {
      [LEDGER_KEYS.partition]: SERVICE_PARTITION,
      [LEDGER_KEYS.sort]: REMOVAL_BUDGET_RECORD,
    };
  }

  private unavailable(what: string, error: unknown): LedgerUnavailableError {
    const name = error instanceof Error ? error.name : "UnknownError";
    return new LedgerUnavailableError(
      `ledger ${this.tableName}: removal budget ${what} failed (${name})`,
      {
        cause: error,
      },
    );
  }
}
