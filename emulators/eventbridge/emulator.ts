import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { close, listen } from "../http-server.js";
import { type BusRecord, describeEventBus } from "./describe-event-bus.js";
import { BodyTooLarge, readBody, sendError, sendJson } from "./protocol.js";
import {
  busNameOf,
  type InjectedErrorCode,
  injectedFailure,
  type RecordedEvent,
  RequestRejection,
  type ResultEntry,
  toRecordedEvent,
  validateEntry,
  validateRequest,
  type WireEntry,
} from "./put-events.js";

export interface EventBridgeEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) lets the OS choose. */
  port?: number;
  /** Buses that exist besides "default". */
  buses?: string[];
  /** In bus ARNs (default us-east-1 and 123456789012). */
  region?: string;
  accountId?: string;
  /** Share of valid entries (0..1) that fail with an injected retryable error. */
  entryFailureRate?: number;
  /** Source of randomness for injected failures; inject a seeded one for determinism. */
  random?: () => number;
}

export interface EventBridgeEmulatorStats {
  /** PutEvents calls received, including rejected ones. */
  calls: number;
  /** Calls rejected as a whole (ValidationException and the like). */
  rejectedCalls: number;
  /** Entries in calls that passed request-level validation. */
  entries: number;
  /** Entries reported back with an ErrorCode. */
  failedEntries: number;
}

export interface EventBridgeEmulator {
  endpoint: string;
  /** Events accepted onto an existing bus, in arrival order. */
  events(): RecordedEvent[];
  /**
   * Events addressed to a bus that does not exist. AWS accepts them (an EventId and
   * FailedEntryCount 0) and delivers them nowhere; they are kept here so a misconfigured
   * bus name is visible locally instead of silently lost.
   */
  dropped(): RecordedEvent[];
  setEntryFailureRate(rate: number): void;
  /** The next n valid entries fail with `code`, whatever the failure rate. */
  failNextEntries(n: number, code?: InjectedErrorCode): void;
  stats(): EventBridgeEmulatorStats;
  stop(): Promise<void>;
}

const PUT_EVENTS_TARGET = "AWSEvents.PutEvents";
const DESCRIBE_EVENT_BUS_TARGET = "AWSEvents.DescribeEventBus";

interface EmulatorState {
  buses: Map<string, BusRecord>;
  arnOf: (name: string) => string;
  events: RecordedEvent[];
  dropped: RecordedEvent[];
  failureRate: number;
  forcedFailures: InjectedErrorCode[];
  random: () => number;
  stats: EventBridgeEmulatorStats;
}

/** Starts an EventBridge PutEvents endpoint on loopback for the real EventBridgeClient. */
export async function startEventBridgeEmulator(
  options: EventBridgeEmulatorOptions = {},
): Promise<EventBridgeEmulator> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const createdAt = new Date();
  const state: EmulatorState = {
    buses: new Map(
      ["default", ...(options.buses ?? []).map(busNameOf)].map((name) => [name, { createdAt }]),
    ),
    arnOf: (name) => `arn:aws:events:${region}:${accountId}:event-bus/${name}`,
    events: [],
    dropped: [],
    failureRate: checkedRate(options.entryFailureRate ?? 0),
    forcedFailures: [],
    random: options.random ?? Math.random,
    stats: { calls: 0, rejectedCalls: 0, entries: 0, failedEntries: 0 },
  };
  const server = createServer((req, res) => {
    handleRequest(state, req, res).catch((error: unknown) => {
      // A bug here must surface to the SDK as a server fault, which it retries, not a hang.
      if (!res.headersSent) sendError(res, 500, "InternalException", String(error));
    });
  });
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events: () => [...state.events],
    dropped: () => [...state.dropped],
    setEntryFailureRate: (rate) => {
      state.failureRate = checkedRate(rate);
    },
    failNextEntries: (n, code = "InternalFailure") => {
      for (let i = 0; i < n; i++) state.forcedFailures.push(code);
    },
    stats: () => ({ ...state.stats }),
    stop: () => close(server),
  };
}

async function handleRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "POST" || req.url !== "/") {
    sendError(res, 404, "UnknownOperationException", `No operation at ${req.method} ${req.url}`);
    return;
  }
  const target = req.headers["x-amz-target"];
  if (target === DESCRIBE_EVENT_BUS_TARGET) {
    try {
      sendJson(
        res,
        200,
        describeEventBus(parseJson(await readBody(req)), state.buses, state.arnOf),
      );
    } catch (error) {
      if (!(error instanceof RequestRejection)) throw error;
      sendError(res, 400, error.type, error.message);
    }
    return;
  }
  if (target !== PUT_EVENTS_TARGET) {
    sendError(res, 400, "UnknownOperationException", `Unsupported operation: ${String(target)}`);
    return;
  }
  state.stats.calls++;
  try {
    const entries = validateRequest(parseJson(await readBody(req)));
    sendJson(res, 200, putEvents(state, entries));
  } catch (error) {
    state.stats.rejectedCalls++;
    if (error instanceof RequestRejection) {
      sendError(res, 400, error.type, error.message);
    } else if (error instanceof BodyTooLarge) {
      sendError(res, 413, "ValidationException", "Request size is over the limit.");
    } else {
      throw error;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestRejection("SerializationException", "Request body is not valid JSON.");
  }
}

/** Processes entries in request order; each result sits at its entry's index, as AWS does. */
function putEvents(
  state: EmulatorState,
  entries: WireEntry[],
): { FailedEntryCount: number; Entries: ResultEntry[] } {
  const now = new Date();
  const results = entries.map((entry) => putEntry(state, entry, now));
  const failed = results.filter((result) => result.ErrorCode !== undefined).length;
  state.stats.entries += entries.length;
  state.stats.failedEntries += failed;
  return { FailedEntryCount: failed, Entries: results };
}

function putEntry(state: EmulatorState, entry: WireEntry, now: Date): ResultEntry {
  const invalid = validateEntry(entry);
  if (invalid) return invalid;
  const injected = nextInjectedFailure(state);
  if (injected) return injectedFailure(injected);
  const event = toRecordedEvent(entry, now);
  if (state.buses.has(event.eventBusName)) {
    state.events.push(event);
  } else {
    state.dropped.push(event);
  }
  return { EventId: event.id };
}

/** Forced failures first (deterministic tests), then the configured rate. */
function nextInjectedFailure(state: EmulatorState): InjectedErrorCode | undefined {
  const forced = state.forcedFailures.shift();
  if (forced) return forced;
  if (state.failureRate <= 0) return undefined;
  // One draw per entry decides both whether and how it fails, so a seeded random
  // gives the same sequence of outcomes on every run.
  const draw = state.random();
  if (draw >= state.failureRate) return undefined;
  return draw < state.failureRate / 2 ? "ThrottlingException" : "InternalFailure";
}

function checkedRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`entryFailureRate must be between 0 and 1, got ${rate}`);
  }
  return rate;
}
