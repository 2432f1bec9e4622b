import { QuarantinedError } from "../domain/failures.js";
import { provisioningQuarantinedEvent } from "../domain/output-events.js";
import {
  EventSourceMappingError,
  isSpike,
  type MappingRef,
  type QuarantineReason,
  type QuarantineState,
  type SpikeSettings,
  type TrippedBy,
  type WindowCounts,
} from "../domain/quarantine.js";
import type {
  CallContext,
  EventSourceMappings,
  ProvisioningEventPublisher,
  QuarantineStore,
  RemovalBudget,
  WindowReading,
} from "../ports.js";
import type { Clock } from "./clock.js";
import { type Deadline, deadlineAt, type InvocationDeadlines } from "./deadline.js";
import type { Log } from "./log.js";

export interface QuarantineSettings {
  readonly instanceId: string;
  readonly eventSource: string;
  readonly eventBusName: string;
  readonly failureSpike: SpikeSettings;
}

export interface QuarantineGuardDeps {
  readonly store: QuarantineStore;
  readonly mappings: EventSourceMappings;
  readonly publisher: ProvisioningEventPublisher;
  readonly settings: QuarantineSettings;
  readonly clock: Clock;
  readonly log: Log;
  /** The deletion threshold's budget: a quarantine it caused is announced with its figures. */
  readonly removals?: Pick<RemovalBudget, "status">;
}

/** The invocation in hand: who the environment is, and which queue its records come from. */
export interface Invocation {
  readonly functionName: string;
  readonly eventSourceArn: string;
  readonly logStreamName?: string;
  readonly awsRequestId?: string;
  readonly deadlines: InvocationDeadlines;
}

/** How the invocation ended for quarantine. */
export interface QuarantineOutcome {
  /** The service is quarantined: the records not done went back to the queue. */
  readonly quarantined: boolean;
  /** This environment recorded the quarantine first, and announced it. */
  readonly announced: boolean;
  readonly reason?: QuarantineReason;
}

/** The state read at the start of an invocation may take this long at most: it must not eat the work's time. */
const STATE_READ_MS = 1_000;
/** Retries of a disable that met the mapping in another transition, which ends in moments. */
const DISABLE_ATTEMPTS = 5;
const DISABLE_BACKOFF_MS = 100;
const SETTLED = new Set(["Disabled", "Disabling"]);

interface Quarantine {
  readonly reason: QuarantineReason;
  readonly since: string;
  readonly detail: string;
  readonly counts: { readonly windowRecords: number; readonly windowFailed: number };
}

interface BatchState {
  readonly invocation: Invocation;
  /** Outcomes of done records waiting for the window write under way. */
  pending: boolean[];
  writing?: Promise<void>;
  tripping?: Promise<void>;
  /** The quarantine this invocation knows of (found at the start, tripped, or read back). */
  quarantine?: Quarantine;
  /** This environment's trip was the one recorded: it announces the quarantine. */
  won: boolean;
  heldBack: number;
  lastCounts: WindowCounts;
}

/**
 * Quarantine as one Lambda environment sees it, one invocation at a time (docs/quarantine.md).
 * At the start of an invocation it reads the shared state: quarantined, the invocation does
 * nothing and hands every record back. Records done add their outcome to the shared window; a
 * spike, or a record whose failure is a trigger, trips the quarantine: from then on the
 * environment starts no record and no Connect call (`check`), disables its own event source
 * mapping, records the quarantine (the first environment to do so announces it) and hands back
 * every record not done. Records already done stay done.
 */
export class QuarantineGuard {
  #batch: BatchState | undefined;
  /** Set once quarantine is known in this invocation: nothing new starts. */
  #held = false;
  /** The environment's own mapping, once found. */
  #mapping: MappingRef | undefined;

  constructor(private readonly deps: QuarantineGuardDeps) {}

  /** Reads the shared state; true when the service is quarantined (hand every record back). */
  async begin(invocation: Invocation): Promise<boolean> {
    const batch: BatchState = {
      invocation,
      pending: [],
      won: false,
      heldBack: 0,
      lastCounts: { records: 0, failed: 0 },
    };
    this.#batch = batch;
    this.#held = false;
    const { clock, store, log } = this.deps;
    const by = deadlineAt(
      Math.min(invocation.deadlines.work.at, clock.now() + STATE_READ_MS),
      clock,
    );
    let state: QuarantineState | undefined;
    try {
      state = await store.read({ deadline: by, log });
    } catch (error) {
      // The ledger is out of reach: every record's claim would fail too, and is handled as such.
      log.warn("Quarantine state not read; the batch goes ahead", { error: messageOf(error) });
      return false;
    }
    if (!state?.active) return false;
    this.#held = true;
    batch.quarantine = state;
    log.warn("Service quarantined; the batch goes back to the queue untouched", {
      reason: state.reason,
      since: state.since,
    });
    // Still delivering: the disable failed, or this batch was in hand when it came. Once more.
    batch.tripping = this.ensureDisabled(batch, state);
    return true;
  }

  /** Throws QuarantinedError once this environment knows of a quarantine: nothing new starts. */
  check(): void {
    if (this.#held) {
      throw new QuarantinedError(
        "the service is quarantined: the record goes back to the queue untouched",
      );
    }
  }

  /** A record is done; `failed` when it was parked with a permanent reason. */
  recordOutcome(failed: boolean): void {
    const batch = this.#batch;
    if (!batch) return;
    batch.pending.push(failed);
    batch.writing ??= this.writeWindow(batch);
  }

  /** A record failed with a quarantine trigger: the service goes into quarantine. */
  trip(reason: QuarantineReason, detail: string, messageId?: string): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#held = true;
    batch.tripping ??= this.tripOnce(batch, reason, detail, messageId);
  }

  /** A record handed back because of the quarantine. */
  heldBack(): void {
    if (this.#batch) this.#batch.heldBack++;
  }

  /**
   * Waits for what the invocation started (window writes, the trip, each bounded by the park
   * deadline), adds the records handed back to the count, and announces a quarantine this
   * environment recorded.
   */
  async finish(): Promise<QuarantineOutcome> {
    const batch = this.#batch;
    if (!batch) return { quarantined: false, announced: false };
    // A write that started before the trip may have set one off; wait for both, in turn.
    await batch.writing;
    await batch.tripping;
    const quarantine = batch.quarantine;
    if (!quarantine) return { quarantined: false, announced: false };
    const context = this.context(batch.invocation.deadlines.park);
    if (batch.heldBack > 0) {
      await this.deps.store
        .note(quarantine.since, { heldBack: batch.heldBack }, context)
        .catch((error) =>
          this.deps.log.warn("Records handed back not counted in the quarantine state", {
            error: messageOf(error),
          }),
        );
    }
    if (!batch.won) return { quarantined: true, announced: false, reason: quarantine.reason };
    const { settings, publisher, clock, log, removals } = this.deps;
    const counts = { ...quarantine.counts, heldBack: batch.heldBack };
    const figures =
      quarantine.reason === "RemovalThresholdExceeded" && removals
        ? await removals.status(context).catch((error: unknown) => {
            log.warn("Deletion threshold figures not read; announced without them", {
              error: messageOf(error),
            });
            return undefined;
          })
        : undefined;
    try {
      await publisher.publish(
        provisioningQuarantinedEvent(
          settings.eventSource,
          {
            instanceId: settings.instanceId,
            ...quarantine,
            counts,
            ...(figures ? { removals: figures } : {}),
          },
          new Date(clock.now()),
        ),
        batch.invocation.deadlines.park,
      );
    } catch (error) {
      log.error("Provisioning Quarantined event not published", {
        reason: quarantine.reason,
        since: quarantine.since,
        error: messageOf(error),
      });
    }
    return { quarantined: true, announced: true, reason: quarantine.reason };
  }

  /** One window write at a time per environment, each carrying every outcome that waited. */
  private async writeWindow(batch: BatchState): Promise<void> {
    const { store, settings, log } = this.deps;
    while (batch.pending.length > 0) {
      const outcomes = batch.pending;
      batch.pending = [];
      let reading: WindowReading;
      try {
        reading = await store.recordOutcomes(
          outcomes,
          settings.failureSpike,
          this.context(batch.invocation.deadlines.park),
        );
      } catch (error) {
        // The window is a safeguard: a record done stays done whatever becomes of its count.
        log.warn("Outcomes not added to the recent-outcome window", {
          records: outcomes.length,
          error: messageOf(error),
        });
        continue;
      }
      batch.lastCounts = reading.counts;
      if (reading.quarantine) {
        // Another environment's quarantine: stop here too.
        this.#held = true;
        batch.quarantine ??= reading.quarantine;
      } else if (isSpike(reading.counts, settings.failureSpike)) {
        this.trip(
          "FailureSpike",
          `${reading.counts.failed} of the last ${reading.counts.records} records failed permanently (more than ${settings.failureSpike.failurePercent}%)`,
        );
      }
    }
    batch.writing = undefined;
  }

  private async tripOnce(
    batch: BatchState,
    reason: QuarantineReason,
    detail: string,
    messageId: string | undefined,
  ): Promise<void> {
    const { store, settings, clock, log } = this.deps;
    const { invocation } = batch;
    const context = this.context(invocation.deadlines.park);
    const since = new Date(clock.now()).toISOString();
    const counts = {
      windowRecords: batch.lastCounts.records,
      windowFailed: batch.lastCounts.failed,
    };
    log.error("Quarantine: consumption stops", { reason, detail, since });
    // Stopping the mapping first: every moment it stays enabled, more batches are received.
    const mapping = await this.disable(batch, context);
    const trippedBy: TrippedBy = {
      functionName: invocation.functionName,
      ...(invocation.logStreamName ? { logStreamName: invocation.logStreamName } : {}),
      ...(invocation.awsRequestId ? { awsRequestId: invocation.awsRequestId } : {}),
      ...(messageId ? { messageId } : {}),
    };
    try {
      const result = await store.trip(
        {
          reason,
          since,
          detail,
          counts: { ...counts, heldBack: 0 },
          trippedBy,
          instanceId: settings.instanceId,
          eventSource: settings.eventSource,
          eventBusName: settings.eventBusName,
          ...(mapping ? { mapping } : {}),
        },
        context,
      );
      if (result.tripped) {
        batch.won = true;
        batch.quarantine = { reason, since, detail, counts };
        return;
      }
      // Another environment recorded it first: it announces; the mapping is still noted.
      batch.quarantine = result.active;
      if (mapping && !result.active.mapping) {
        await store.note(result.active.since, { mapping }, context);
      }
    } catch (error) {
      // Whether another environment recorded it cannot be told: announced here, at least once.
      log.error("Quarantine not recorded in the ledger; announced anyway", {
        reason,
        error: messageOf(error),
      });
      batch.won = true;
      batch.quarantine = { reason, since, detail, counts };
    }
  }

  /** A quarantined invocation's check that the mapping is on its way to Disabled. */
  private async ensureDisabled(batch: BatchState, state: QuarantineState): Promise<void> {
    const context = this.context(batch.invocation.deadlines.park);
    const { invocation } = batch;
    if (!this.#mapping && state.mapping?.functionName === invocation.functionName) {
      this.#mapping = state.mapping;
    }
    try {
      const current = this.#mapping
        ? await this.deps.mappings.get(this.#mapping.uuid, context)
        : await this.deps.mappings.find(
            invocation.functionName,
            invocation.eventSourceArn,
            context,
          );
      if (current && SETTLED.has(current.state)) return;
    } catch (error) {
      this.deps.log.warn("Event source mapping state not read", { error: messageOf(error) });
    }
    const mapping = await this.disable(batch, context);
    if (mapping && !state.mapping) {
      await this.deps.store.note(state.since, { mapping }, context).catch((error) =>
        this.deps.log.warn("Mapping not noted in the quarantine state", {
          error: messageOf(error),
        }),
      );
    }
  }

  /**
   * UpdateEventSourceMapping Enabled=false on the environment's own mapping (found by its
   * function and queue). Lambda lets the batches in hand finish, this one included: the call
   * does not wait for the mapping to be Disabled, which only happens after this returns.
   */
  private async disable(batch: BatchState, context: CallContext): Promise<MappingRef | undefined> {
    const { mappings, clock, log } = this.deps;
    const { functionName, eventSourceArn } = batch.invocation;
    for (let attempt = 0; attempt < DISABLE_ATTEMPTS; attempt++) {
      try {
        this.#mapping ??= await mappings.find(functionName, eventSourceArn, context);
        const mapping = this.#mapping;
        if (!mapping) {
          log.error(
            "No event source mapping of this function for the queue: consumption cannot be stopped here",
            { functionName, eventSourceArn },
          );
          return undefined;
        }
        const status = await mappings.setEnabled(mapping.uuid, false, context);
        log.warn("Event source mapping disabled", { uuid: mapping.uuid, state: status.state });
        return mapping;
      } catch (error) {
        const code = error instanceof EventSourceMappingError ? error.code : "";
        if (code === "ResourceNotFoundException") {
          // Replaced since we found it: look again.
          this.#mapping = undefined;
          continue;
        }
        if (code === "ResourceInUseException" && this.#mapping) {
          // Another environment's disable, or a transition of the operator's, is under way.
          const now = await mappings.get(this.#mapping.uuid, context).catch(() => undefined);
          if (now && SETTLED.has(now.state)) return this.#mapping;
          const wait = DISABLE_BACKOFF_MS * 2 ** attempt;
          if (clock.now() + wait < context.deadline.at) {
            await clock.sleep(wait);
            continue;
          }
        }
        log.error("Event source mapping not disabled", { error: messageOf(error) });
        return undefined;
      }
    }
    log.error("Event source mapping not disabled: it stayed in another transition");
    return undefined;
  }

  private context(deadline: Deadline): CallContext {
    return { deadline, log: this.deps.log };
  }
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
