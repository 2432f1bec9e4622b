import { randomUUID } from "node:crypto";

/** One PutEventsRequestEntry as it arrives on the wire (AWS JSON 1.1). */
export interface WireEntry {
  Time?: unknown;
  Source?: unknown;
  Resources?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  TraceHeader?: unknown;
}

/** One PutEventsResultEntry: either an EventId or an ErrorCode/ErrorMessage pair. */
export interface ResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** An accepted event, as the emulator records it. */
export interface RecordedEvent {
  id: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  eventBusName: string;
  resources: string[];
  time: string;
}

/** A request-level rejection: the whole call fails with this error. */
export class RequestRejection extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** EventBridge's documented limit on the summed size of a request's entries. */
export const MAX_ENTRIES_SIZE_BYTES = 256 * 1024;
export const MIN_ENTRIES = 1;
export const MAX_ENTRIES = 10;

/** The codes a caller may inject; both are the ones AWS documents as retryable. */
export type InjectedErrorCode = "InternalFailure" | "ThrottlingException";

const INJECTED_MESSAGES: Record<InjectedErrorCode, string> = {
  InternalFailure: "Internal service failure.",
  ThrottlingException: "Rate exceeded.",
};

/** Validates the request as a whole; AWS rejects these before looking at any entry. */
export function validateRequest(body: unknown): WireEntry[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RequestRejection("SerializationException", "Request body must be a JSON object.");
  }
  const entries = (body as { Entries?: unknown }).Entries;
  if (entries === undefined || entries === null) {
    throw constraintViolation("null", "Member must not be null");
  }
  if (!Array.isArray(entries)) {
    throw new RequestRejection("SerializationException", "Entries must be a list.");
  }
  if (entries.length < MIN_ENTRIES) {
    throw constraintViolation(
      "[]",
      `Member must have length greater than or equal to ${MIN_ENTRIES}`,
    );
  }
  if (entries.length > MAX_ENTRIES) {
    throw constraintViolation(
      `[${entries.length} entries]`,
      `Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  }
  const typed = entries.map(asWireEntry);
  // AWS checks the summed entry size at request level: an oversized batch fails as a whole
  // with a ValidationException rather than as per-entry failures.
  const total = typed.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_ENTRIES_SIZE_BYTES) {
    throw new RequestRejection(
      "ValidationException",
      "Total size of the entries in the request is over the limit.",
    );
  }
  return typed;
}

function constraintViolation(value: string, constraint: string): RequestRejection {
  return new RequestRejection(
    "ValidationException",
    `1 validation error detected: Value '${value}' at 'entries' failed to satisfy constraint: ${constraint}`,
  );
}

function asWireEntry(entry: unknown): WireEntry {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new RequestRejection("SerializationException", "Each entry must be a JSON object.");
  }
  return entry as WireEntry;
}

/**
 * The entry size as AWS documents it ("Calculating PutEvents event entry size"): 14 bytes for
 * Time when present, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: WireEntry): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : 14;
  for (const field of [entry.Source, entry.DetailType, entry.Detail]) {
    if (typeof field === "string") size += Buffer.byteLength(field, "utf8");
  }
  if (Array.isArray(entry.Resources)) {
    for (const resource of entry.Resources) {
      if (typeof resource === "string") size += Buffer.byteLength(resource, "utf8");
    }
  }
  return size;
}

/** The per-entry checks AWS reports as entry failures, in the order it reports them. */
export function validateEntry(entry: WireEntry): ResultEntry | undefined {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    const value = entry[field];
    if (typeof value !== "string" || value.length === 0) {
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  if (parseDetail(entry.Detail as string) === undefined) {
    return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
  }
  return undefined;
}

/** Detail must be a JSON object: arrays, strings and serialized strings are all malformed. */
export function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON at all: reported as MalformedDetail like any other non-object.
  }
  return undefined;
}

/** Accepts a bus name or a bus ARN (`arn:aws:events:region:account:event-bus/name`). */
export function busNameOf(eventBusName: unknown): string {
  if (typeof eventBusName !== "string" || eventBusName.length === 0) return "default";
  const marker = ":event-bus/";
  const at = eventBusName.indexOf(marker);
  return eventBusName.startsWith("arn:") && at >= 0
    ? eventBusName.slice(at + marker.length)
    : eventBusName;
}

export function injectedFailure(code: InjectedErrorCode): ResultEntry {
  return { ErrorCode: code, ErrorMessage: INJECTED_MESSAGES[code] };
}

/** Builds the record of an entry that passed validation. */
export function toRecordedEvent(entry: WireEntry, now: Date): RecordedEvent {
  return {
    id: randomUUID(),
    source: entry.Source as string,
    detailType: entry.DetailType as string,
    detail: parseDetail(entry.Detail as string) ?? {},
    eventBusName: busNameOf(entry.EventBusName),
    resources: Array.isArray(entry.Resources)
      ? entry.Resources.filter((r): r is string => typeof r === "string")
      : [],
    time: eventTime(entry.Time, now),
  };
}

/** AWS JSON 1.1 sends timestamps as epoch seconds (possibly fractional). */
function eventTime(time: unknown, now: Date): string {
  if (typeof time === "number" && Number.isFinite(time)) {
    return new Date(time * 1000).toISOString();
  }
  return now.toISOString();
}
