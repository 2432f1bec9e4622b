import { randomUUID } from "node:crypto";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { LedgerUnavailableError } from "../domain/failures.js";
import type {
  AppliedChange,
  Claim,
  ClaimProgress,
  EmployeeStatus,
  HistoryEntry,
  LedgerEntry,
  StoredEvent,
} from "../domain/ledger.js";
import type { UserChange } from "../domain/plan.js";
import type { CallContext, ClaimResult, Ledger, LedgerInventory, LedgerReader } from "../ports.js";

/**
 * The ledger table: partition key `employeeId`, sort key `record`. Each employee has one
 * `STATE` item and `HISTORY#<version>#<eventId>` items that DynamoDB's TTL (`expiresAt`)
 * removes. Every write is one conditional single-item write, so it works on any DynamoDB.
 */
export const LEDGER_KEYS = { partition: "employeeId", sort: "record" } as const;
const STATE = "STATE";
/** The sort-key prefix of history items. */
export const HISTORY_PREFIX = "HISTORY#";
const HISTORY = HISTORY_PREFIX;
/** Versions are epoch ms: 15 digits sort as numbers until the year 33658. */
const VERSION_DIGITS = 15;

const CONDITION_FAILED = "ConditionalCheckFailedException";
/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
/** Unprocessed keys are asked for again, with backoff, this many times at most. */
const BATCH_GET_ATTEMPTS = 8;
const BATCH_GET_BACKOFF_MS = 50;

/**
 * The service's own items share the table under this partition key, with sort keys no
 * employee's item has (an employee's are STATE and HISTORY#...): no employee ID can collide.
 */
export const SERVICE_PARTITION = "#connect-onboarding";
/** The number of employees whose status is ACTIVE, moved by every commit that changes one. */
export const ACTIVE_COUNT_RECORD = "ACTIVE_COUNT";

interface StoredProgress {
  readonly version: number;
  readonly created?: { readonly userId: string; readonly userArn: string };
  /** JSON of UserChange[]: change entries hold nulls, which a string keeps as they are. */
  readonly changes: string;
  /** JSON of UserChange[], the changes under way. */
  readonly pending?: string;
}

interface StateItem {
  readonly employeeId: string;
  readonly status?: EmployeeStatus;
  readonly userId?: string;
  readonly userArn?: string;
  readonly appliedVersion?: number;
  readonly appliedEventId?: string;
  readonly ruleId?: string;
  readonly ruleTagKeys?: string[];
  readonly matchAttributes?: Record<string, string>;
  /** JSON of StoredEvent[]. */
  readonly outcome?: string;
  readonly claim?: { token: string; version: number; eventId: string; until: number };
  readonly progress?: StoredProgress;
  readonly pendingRemoval?: { version: number; eventId: string; dueAt: number };
}

export class DynamoDbLedger implements Ledger, LedgerReader, LedgerInventory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async claim(
    employeeId: string,
    version: number,
    eventId: string,
    until: number,
    context: CallContext,
  ): Promise<ClaimResult> {
    const token = randomUUID();
    // A claim that fails its condition learns why from a read; a read that finds nothing in
    // the way (the holder has just committed or released) is worth one more try.
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.tryClaim(
        employeeId,
        { token, version, eventId, until },
        {
          ConditionExpression:
            "(attribute_not_exists(appliedVersion) OR appliedVersion < :v) AND " +
            "(attribute_not_exists(#claim) OR #claim.#until < :now)",
          ExpressionAttributeValues: { ":v": version },
        },
        context,
      );
      if (claimed) {
        const entry = isNew(claimed.item) ? undefined : toEntry(claimed.item);
        return entry
          ? { kind: "claimed", claim: claimed.claim, entry }
          : { kind: "claimed", claim: claimed.claim };
      }
      const entry = await this.entry(employeeId, context);
      if (!entry) continue;
      if (entry.appliedVersion !== undefined && entry.appliedVersion > version) {
        return { kind: "stale", entry };
      }
      if (entry.appliedVersion === version) return { kind: "applied", entry };
      if (entry.claim && entry.claim.until >= this.now()) return { kind: "busy", entry };
    }
    throw new LedgerUnavailableError(
      `ledger ${this.tableName}: employee ${employeeId} could not be claimed (changing under us)`,
    );
  }

  async claimPendingRemoval(
    employeeId: string,
    version: number,
    eventId: string,
    until: number,
    context: CallContext,
  ): Promise<ClaimResult | { readonly kind: "not-pending"; readonly entry?: LedgerEntry }> {
    const token = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await this.tryClaim(
        employeeId,
        { token, version, eventId, until },
        {
          ConditionExpression:
            "#pending.#eventId = :eventId AND #pending.#version = :v AND " +
            "(attribute_not_exists(#claim) OR #claim.#until < :now)",
          ExpressionAttributeNames: {
            "#pending": "pendingRemoval",
            "#eventId": "eventId",
            "#version": "version",
          },
          ExpressionAttributeValues: { ":v": version, ":eventId": eventId },
        },
        context,
      );
      if (claimed) return { kind: "claimed", claim: claimed.claim, entry: toEntry(claimed.item) };
      const entry = await this.entry(employeeId, context);
      const pending = entry?.pendingRemoval;
      if (!entry || pending?.eventId !== eventId || pending.version !== version) {
        return entry ? { kind: "not-pending", entry } : { kind: "not-pending" };
      }
      if (entry.claim && entry.claim.until >= this.now()) return { kind: "busy", entry };
    }
    throw new LedgerUnavailableError(
      `ledger ${this.tableName}: employee ${employeeId} could not be claimed (changing under us)`,
    );
  }

  /**
   * Sets a fresh claim on the employee's state if `when`'s condition holds (it may use `#claim`,
   * `#until` and `:now`); undefined when it does not.
   */
  private async tryClaim(
    employeeId: string,
    fresh: { token: string; version: number; eventId: string; until: number },
    when: {
      readonly ConditionExpression: string;
      readonly ExpressionAttributeNames?: Record<string, string>;
      readonly ExpressionAttributeValues: Record<string, unknown>;
    },
    context: CallContext | undefined,
  ): Promise<{ claim: Claim; item: StateItem } | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(employeeId, STATE),
          UpdateExpression: "SET #claim = :claim",
          ConditionExpression: when.ConditionExpression,
          ExpressionAttributeNames: {
            "#claim": "claim",
            "#until": "until",
            ...when.ExpressionAttributeNames,
          },
          ExpressionAttributeValues: {
            ":claim": fresh,
            ":now": this.now(),
            ...when.ExpressionAttributeValues,
          },
          ReturnValues: "ALL_NEW",
        }),
        { abortSignal: context?.deadline.signal },
      );
      const item = Attributes as StateItem;
      const claim: Claim = {
        ...fresh,
        progress: inheritedProgress(item.progress, fresh.version),
        ...(item.status ? { status: item.status } : {}),
      };
      return { claim, item };
    } catch (error) {
      if (!isConditionFailure(error)) throw this.unavailable("claim", error);
      return undefined;
    }
  }

  async recordProgress(employeeId: string, claim: Claim, context: CallContext): Promise<void> {
    await this.whileClaimed("recordProgress", employeeId, claim, context, {
      UpdateExpression: "SET progress = :progress",
      ExpressionAttributeValues: { ":progress": storedProgress(claim) },
    });
  }

  async commit(
    employeeId: string,
    claim: Claim,
    applied: AppliedChange,
    context: CallContext,
  ): Promise<boolean> {
    const pending =
      applied.pendingRemoval === undefined
        ? { set: "", remove: "" }
        : applied.pendingRemoval === null
          ? { set: "", remove: ", pendingRemoval" }
          : { set: ", pendingRemoval = :pending", remove: "" };
    const committed = await this.whileClaimed("commit", employeeId, claim, context, {
      UpdateExpression:
        "SET #status = :status, userId = :userId, userArn = :userArn, " +
        "appliedVersion = :version, appliedEventId = :eventId, appliedAt = :appliedAt, " +
        "ruleId = :ruleId, ruleTagKeys = :ruleTagKeys, matchAttributes = :matchAttributes, " +
        `outcome = :outcome${pending.set} REMOVE progress, #claim${pending.remove}`,
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ...(applied.pendingRemoval ? { ":pending": { ...applied.pendingRemoval } } : {}),
        ":status": applied.status,
        ":userId": applied.userId,
        ":userArn": applied.userArn,
        ":version": applied.version,
        ":eventId": applied.eventId,
        ":appliedAt": applied.appliedAt,
        ":ruleId": applied.ruleId,
        ":ruleTagKeys": [...applied.ruleTagKeys],
        ":matchAttributes": { ...applied.matchAttributes },
        ":outcome": JSON.stringify(applied.outcome),
      },
    });
    const delta = Number(applied.status === "ACTIVE") - Number(claim.status === "ACTIVE");
    if (committed && delta !== 0) await this.countActive(delta, context);
    return committed;
  }

  /**
   * Moves the active count, which the deletion threshold's percentage reads. A separate write
   * (DynamoDB's single-item writes are what every DynamoDB-compatible store offers): a crash
   * between the two leaves the count off by one, on the low side for a hire, which only makes
   * the threshold stricter. A failed count is logged, not thrown: the change is committed, and
   * a retry would find it applied and never count it.
   */
  private async countActive(delta: number, context: CallContext): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(SERVICE_PARTITION, ACTIVE_COUNT_RECORD),
          UpdateExpression: "ADD active :delta",
          ExpressionAttributeValues: { ":delta": delta },
        }),
        { abortSignal: context?.deadline.signal },
      );
    } catch (error) {
      context.log.warn("Active employee count not updated; the deletion threshold reads it", {
        delta,
        reason: error instanceof Error ? error.name : "UnknownError",
      });
    }
  }

  async release(employeeId: string, claim: Claim, context: CallContext): Promise<void> {
    // Progress stays: a retry of the same version takes it over and reports it in its event.
    await this.whileClaimed("release", employeeId, claim, context, {
      UpdateExpression: "REMOVE #claim",
    });
  }

  async appendHistory(entry: HistoryEntry, context: CallContext): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(entry.employeeId, historyKey(entry.version, entry.eventId)),
            version: entry.version,
            eventId: entry.eventId,
            eventType: entry.eventType,
            action: entry.action,
            userId: entry.userId,
            ruleId: entry.ruleId,
            changes: JSON.stringify(entry.changes),
            appliedAt: entry.appliedAt,
            expiresAt: entry.expiresAt,
          },
        }),
        { abortSignal: context?.deadline.signal },
      );
    } catch (error) {
      throw this.unavailable("appendHistory", error);
    }
  }

  async entry(employeeId: string, context?: CallContext): Promise<LedgerEntry | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: this.key(employeeId, STATE),
          ConsistentRead: true,
        }),
        { abortSignal: context?.deadline.signal },
      );
      return Item ? toEntry(Item as StateItem) : undefined;
    } catch (error) {
      throw this.unavailable("read", error);
    }
  }

  async history(employeeId: string, context?: CallContext): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: "employeeId = :id AND begins_with(#record, :history)",
            ExpressionAttributeNames: { "#record": LEDGER_KEYS.sort },
            ExpressionAttributeValues: { ":id": employeeId, ":history": HISTORY },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
          { abortSignal: context?.deadline.signal },
        );
        for (const item of page.Items ?? []) entries.push(toHistoryEntry(item));
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw this.unavailable("history", error);
    }
    return entries;
  }

  async entries(employeeIds: readonly string[], context?: CallContext): Promise<LedgerEntry[]> {
    const ids = [...new Set(employeeIds)];
    const entries: LedgerEntry[] = [];
    try {
      for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
        let keys: Record<string, unknown>[] = ids
          .slice(start, start + BATCH_GET_LIMIT)
          .map((id) => this.key(id, STATE));
        // DynamoDB may hand back part of a batch unread (UnprocessedKeys) and asks for backoff.
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt >= BATCH_GET_ATTEMPTS) {
            throw new LedgerUnavailableError(
              `ledger ${this.tableName}: ${keys.length} entries still unread after ${BATCH_GET_ATTEMPTS} attempts`,
            );
          }
          if (attempt > 0) await this.sleep(BATCH_GET_BACKOFF_MS * 2 ** (attempt - 1));
          const output = await this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
            }),
            { abortSignal: context?.deadline.signal },
          );
          for (const item of output.Responses?.[this.tableName] ?? []) {
            entries.push(toEntry(item as StateItem));
          }
          keys = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<
            string,
            unknown
          >[];
        }
      }
    } catch (error) {
      if (error instanceof LedgerUnavailableError) throw error;
      throw this.unavailable("batch read", error);
    }
    return entries;
  }

  async allEntries(context?: CallContext): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    try {
      const pages = paginateScan(
        { client: this.client },
        {
          TableName: this.tableName,
          // History items outnumber the states; the filter keeps them off the wire, not the bill.
          FilterExpression: "#record = :state",
          ExpressionAttributeNames: { "#record": LEDGER_KEYS.sort },
          ExpressionAttributeValues: { ":state": STATE },
          ConsistentRead: true,
        },
        { abortSignal: context?.deadline.signal },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) entries.push(toEntry(item as StateItem));
      }
    } catch (error) {
      throw this.unavailable("scan", error);
    }
    return entries;
  }

  /** An update of the state item that holds only while this claim does; false once it is lost. */
  private async whileClaimed(
    what: string,
    employeeId: string,
    claim: Claim,
    context: CallContext,
    update: {
      UpdateExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(employeeId, STATE),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: "#claim.#token = :token",
          ExpressionAttributeNames: {
            ...update.ExpressionAttributeNames,
            "#claim": "claim",
            "#token": "token",
          },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ":token": claim.token },
        }),
        { abortSignal: context?.deadline.signal },
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw this.unavailable(what, error);
    }
  }

  private key(employeeId: string, record: string) {
    return { [LEDGER_KEYS.partition]: employeeId, [LEDGER_KEYS.sort]: record };
  }

  private unavailable(what: string, error: unknown): LedgerUnavailableError {
    const name = error instanceof Error ? error.name : "UnknownError";
    return new LedgerUnavailableError(`ledger ${this.tableName}: ${what} failed (${name})`, {
      cause: error,
    });
  }
}

const historyKey = (version: number, eventId: string): string =>
  `${HISTORY}${String(version).padStart(VERSION_DIGITS, "0")}#${eventId}`;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === CONDITION_FAILED;

// A claim on an employee never seen before creates the item with the claim alone.
const isNew = (item: StateItem): boolean =>
  item.appliedVersion === undefined && item.userId === undefined && item.progress === undefined;

const inheritedProgress = (stored: StoredProgress | undefined, version: number): ClaimProgress =>
  stored && stored.version === version
    ? {
        ...(stored.created ? { created: stored.created } : {}),
        changes: JSON.parse(stored.changes) as UserChange[],
        ...(stored.pending ? { pending: JSON.parse(stored.pending) as UserChange[] } : {}),
      }
    : { changes: [] };

const storedProgress = (claim: Claim): StoredProgress => ({
  version: claim.version,
  ...(claim.progress.created ? { created: claim.progress.created } : {}),
  changes: JSON.stringify(claim.progress.changes),
  ...(claim.progress.pending ? { pending: JSON.stringify(claim.progress.pending) } : {}),
});

const toEntry = (item: StateItem): LedgerEntry => ({
  employeeId: item.employeeId,
  ...(item.status ? { status: item.status } : {}),
  ...(item.userId ? { userId: item.userId } : {}),
  ...(item.userArn ? { userArn: item.userArn } : {}),
  ...(item.appliedVersion === undefined ? {} : { appliedVersion: Number(item.appliedVersion) }),
  ...(item.appliedEventId ? { appliedEventId: item.appliedEventId } : {}),
  ...(item.ruleId ? { ruleId: item.ruleId } : {}),
  ruleTagKeys: item.ruleTagKeys ?? [],
  matchAttributes: item.matchAttributes ?? {},
  outcome: item.outcome ? (JSON.parse(item.outcome) as StoredEvent[]) : [],
  ...(item.pendingRemoval
    ? {
        pendingRemoval: {
          version: Number(item.pendingRemoval.version),
          eventId: item.pendingRemoval.eventId,
          dueAt: Number(item.pendingRemoval.dueAt),
        },
      }
    : {}),
  ...(item.claim
    ? {
        claim: {
          token: item.claim.token,
          version: Number(item.claim.version),
          eventId: item.claim.eventId,
          until: Number(item.claim.until),
          progress: inheritedProgress(item.progress, Number(item.claim.version)),
        },
      }
    : {}),
});

/** A history item as DynamoDB returns it, read back. */
export const toHistoryEntry = (item: Record<string, unknown>): HistoryEntry => ({
  employeeId: String(item.employeeId),
  version: Number(item.version),
  eventId: String(item.eventId),
  eventType: String(item.eventType),
  action: String(item.action),
  userId: String(item.userId),
  ruleId: String(item.ruleId),
  changes: JSON.parse(String(item.changes ?? "[]")) as UserChange[],
  appliedAt: Number(item.appliedAt),
  expiresAt: Number(item.expiresAt),
});
