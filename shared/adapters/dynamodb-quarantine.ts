import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { LedgerUnavailableError } from "../domain/failures.js";
import {
  appendOutcomes,
  type MappingRef,
  QUARANTINE_REASONS,
  type QuarantineReason,
  type QuarantineState,
  type QuarantineTrip,
  type SpikeSettings,
  windowCounts,
} from "../domain/quarantine.js";
import type { CallContext, QuarantineStore, WindowReading } from "../ports.js";
import { LEDGER_KEYS } from "./dynamodb-ledger.js";

/**
 * The quarantine in the ledger table: one item beside the employees' (its sort key is one no
 * employee item has), holding the state and the recent-outcome window. Every write is a
 * conditional single-item update: two environments tripping at once make one quarantine, and
 * the window's read-modify-write retries on a concurrent change (`rev`). Codes, counts and AWS
 * resource names only.
 */
export const QUARANTINE_KEY = {
  [LEDGER_KEYS.partition]: "connect-onboarding#service",
  [LEDGER_KEYS.sort]: "QUARANTINE",
} as const;

const CONDITION_FAILED = "ConditionalCheckFailedException";
/** Attempts at a window write against concurrent ones, and the jittered pause between. */
const WINDOW_ATTEMPTS = 8;
const WINDOW_BACKOFF_MS = 20;

interface StoredItem {
  readonly rev?: number;
  readonly recent?: string;
  readonly active?: boolean;
  readonly reason?: string;
  readonly since?: string;
  readonly detail?: string;
  readonly counts?: { windowRecords?: number; windowFailed?: number; heldBack?: number };
  readonly trippedBy?: QuarantineState["trippedBy"];
  readonly instanceId?: string;
  readonly eventSource?: string;
  readonly eventBusName?: string;
  readonly mapping?: MappingRef;
  readonly releasedAt?: string;
  readonly allowedRemovals?: number;
}

export class DynamoDbQuarantine implements QuarantineStore {
  /** This environment's last sight of the window, so a write usually needs no read first. */
  #window: { rev: number; recent: string } | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async read(context: CallContext): Promise<QuarantineState | undefined> {
    const item = await this.get("read", context);
    return item ? toState(item) : undefined;
  }

  async recordOutcomes(
    outcomes: readonly boolean[],
    settings: SpikeSettings,
    context: CallContext,
  ): Promise<WindowReading> {
    for (let attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
      const seen = this.#window ?? windowOf(await this.get("recordOutcomes", context));
      const recent = appendOutcomes(seen.recent, outcomes, settings.windowRecords);
      try {
        const written = await this.send(
          "recordOutcomes",
          {
            UpdateExpression: "SET recent = :recent, rev = :next",
            ConditionExpression: seen.rev === 0 ? "attribute_not_exists(rev)" : "rev = :rev",
            ExpressionAttributeValues: {
              ":recent": recent,
              ":next": seen.rev + 1,
              ...(seen.rev === 0 ? {} : { ":rev": seen.rev }),
            },
            ReturnValues: "ALL_NEW",
          },
          context,
        );
        this.#window = { rev: seen.rev + 1, recent };
        const state = written ? toState(written) : undefined;
        return {
          counts: windowCounts(recent),
          ...(state?.active ? { quarantine: state } : {}),
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another environment wrote first: read its window and add to that.
        this.#window = undefined;
        await this.sleep(WINDOW_BACKOFF_MS * (1 + Math.random()));
      }
    }
    throw new LedgerUnavailableError(
      `ledger ${this.tableName}: the recent-outcome window kept changing under us`,
    );
  }

  async trip(
    trip: QuarantineTrip,
    context: CallContext,
  ): Promise<{ tripped: true } | { tripped: false; active: QuarantineState }> {
    // Released between our condition failing and our read: one more try is a new quarantine.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.send(
          "trip",
          {
            UpdateExpression:
              "SET active = :true, reason = :reason, since = :since, detail = :detail, " +
              "#counts = :counts, trippedBy = :trippedBy, instanceId = :instanceId, " +
              "eventSource = :eventSource, eventBusName = :eventBusName" +
              (trip.mapping ? ", mapping = :mapping" : "") +
              " REMOVE releasedAt, allowedRemovals" +
              (trip.mapping ? "" : ", mapping"),
            ConditionExpression: "attribute_not_exists(active) OR active = :false",
            ExpressionAttributeNames: { "#counts": "counts" },
            ExpressionAttributeValues: {
              ":true": true,
              ":false": false,
              ":reason": trip.reason,
              ":since": trip.since,
              ":detail": trip.detail,
              ":counts": { ...trip.counts },
              // The document client refuses undefined members.
              ":trippedBy": Object.fromEntries(
                Object.entries(trip.trippedBy).filter(([, value]) => value !== undefined),
              ),
              ":instanceId": trip.instanceId,
              ":eventSource": trip.eventSource,
              ":eventBusName": trip.eventBusName,
              ...(trip.mapping ? { ":mapping": { ...trip.mapping } } : {}),
            },
          },
          context,
        );
        return { tripped: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const active = await this.read(context);
      if (active?.active) return { tripped: false, active };
    }
    throw new LedgerUnavailableError(
      `ledger ${this.tableName}: the quarantine could not be recorded (changing under us)`,
    );
  }

  async note(
    since: string,
    update: { mapping?: MappingRef; heldBack?: number },
    context: CallContext,
  ): Promise<void> {
    const sets = [
      ...(update.mapping ? ["mapping = :mapping"] : []),
      ...(update.heldBack ? ["#counts.#heldBack = #counts.#heldBack + :heldBack"] : []),
    ];
    if (sets.length === 0) return;
    try {
      await this.send(
        "note",
        {
          UpdateExpression: `SET ${sets.join(", ")}`,
          // Only on this quarantine: a release or a later quarantine is not this one's to change.
          ConditionExpression: "active = :true AND since = :since",
          ...(update.heldBack
            ? { ExpressionAttributeNames: { "#counts": "counts", "#heldBack": "heldBack" } }
            : {}),
          ExpressionAttributeValues: {
            ":true": true,
            ":since": since,
            ...(update.mapping ? { ":mapping": { ...update.mapping } } : {}),
            ...(update.heldBack ? { ":heldBack": update.heldBack } : {}),
          },
        },
        context,
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async release(
    allowedRemovals: number,
    context: CallContext,
  ): Promise<QuarantineState | undefined> {
    try {
      const released = await this.send(
        "release",
        {
          // The window starts empty, or the records that tripped it would trip it again; the
          // revision moves on, so an environment's write based on the old window is refused.
          UpdateExpression:
            "SET active = :false, releasedAt = :releasedAt, allowedRemovals = :allowed, " +
            "recent = :empty, rev = if_not_exists(rev, :zero) + :one",
          ConditionExpression: "active = :true",
          ExpressionAttributeValues: {
            ":true": true,
            ":false": false,
            ":releasedAt": new Date(this.now()).toISOString(),
            ":allowed": allowedRemovals,
            ":empty": "",
            ":zero": 0,
            ":one": 1,
          },
          ReturnValues: "ALL_NEW",
        },
        context,
      );
      this.#window = undefined;
      return released ? toState(released) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  private async get(what: string, context: CallContext): Promise<StoredItem | undefined> {
    try {
      const result = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: QUARANTINE_KEY, ConsistentRead: true }),
        { abortSignal: context.deadline.signal },
      );
      return result?.Item as StoredItem | undefined;
    } catch (error) {
      throw this.unavailable(what, error);
    }
  }

  /** One UpdateItem; its attributes (as asked by ReturnValues), a condition failure as thrown. */
  private async send(
    what: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
      ReturnValues?: "ALL_NEW";
    },
    context: CallContext,
  ): Promise<StoredItem | undefined> {
    try {
      const result = await this.client.send(
        new UpdateCommand({ TableName: this.tableName, Key: QUARANTINE_KEY, ...update }),
        { abortSignal: context.deadline.signal },
      );
      return result?.Attributes as StoredItem | undefined;
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw this.unavailable(what, error);
    }
  }

  private unavailable(what: string, error: unknown): LedgerUnavailableError {
    const name = error instanceof Error ? error.name : "UnknownError";
    return new LedgerUnavailableError(
      `ledger ${this.tableName}: quarantine ${what} failed (${name})`,
      { cause: error },
    );
  }
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === CONDITION_FAILED;

const windowOf = (item: StoredItem | undefined) => ({
  rev: Number(item?.rev ?? 0),
  recent: String(item?.recent ?? ""),
});

const isReason = (value: unknown): value is QuarantineReason =>
  (QUARANTINE_REASONS as readonly unknown[]).includes(value);

/** The state an item holds; undefined while it holds only the window (no quarantine yet). */
const toState = (item: StoredItem): QuarantineState | undefined => {
  if (!item.since || !isReason(item.reason)) return undefined;
  return {
    active: item.active === true,
    reason: item.reason,
    since: item.since,
    detail: String(item.detail ?? ""),
    counts: {
      windowRecords: Number(item.counts?.windowRecords ?? 0),
      windowFailed: Number(item.counts?.windowFailed ?? 0),
      heldBack: Number(item.counts?.heldBack ?? 0),
    },
    trippedBy: { ...(item.trippedBy ?? { functionName: "" }) },
    instanceId: String(item.instanceId ?? ""),
    eventSource: String(item.eventSource ?? ""),
    eventBusName: String(item.eventBusName ?? ""),
    ...(item.mapping ? { mapping: { ...item.mapping } } : {}),
    ...(item.releasedAt ? { releasedAt: item.releasedAt } : {}),
    ...(item.allowedRemovals === undefined
      ? {}
      : { allowedRemovals: Number(item.allowedRemovals) }),
  };
};
