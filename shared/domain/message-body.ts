import {
  EMPLOYEE_EVENT_TYPES,
  type EmployeeEventType,
  type EmployeeRecordEvent,
  isRecord,
  RECORD_EVENT_TYPES,
  type RecordEventType,
  validateEmployeeRecord,
} from "./employee-event.js";
import {
  InvalidEventError,
  InvalidJsonError,
  PayloadTooLargeError,
  PermanentFailure,
  UnsupportedEventTypeError,
} from "./failures.js";

/** SQS's classic message size limit; HR events are a few KB, anything bigger is not a hire. */
export const MAX_BODY_BYTES = 256 * 1024;

/** How deep envelopes may nest (SNS carrying an EventBridge event is the deepest seen). */
const MAX_ENVELOPE_DEPTH = 3;

/** EventBridge detail-types, with or without spaces, and the event types they carry. */
export const EVENTBRIDGE_DETAIL_TYPES: ReadonlyMap<string, EmployeeEventType> = new Map(
  (
    [
      ["Employee Hired", "EmployeeHired"],
      ["Employee Rehired", "EmployeeRehired"],
      ["Employee Updated", "EmployeeUpdated"],
      ["Employee Terminated", "EmployeeTerminated"],
      ["Employee Termination Rescinded", "EmployeeTerminationRescinded"],
    ] as const
  ).flatMap(([detailType, eventType]) => [
    [detailType, eventType],
    [detailType.replaceAll(" ", ""), eventType],
  ]),
);

/** CloudEvents `type` suffixes (after the producer's own prefix) and their event types. */
export const CLOUDEVENTS_TYPES: readonly (readonly [string, EmployeeEventType])[] = [
  ["employee.hired", "EmployeeHired"],
  ["employee.rehired", "EmployeeRehired"],
  ["employee.updated", "EmployeeUpdated"],
  ["employee.terminated", "EmployeeTerminated"],
  ["employee.termination.rescinded", "EmployeeTerminationRescinded"],
];

const RECORD_TYPES: ReadonlySet<string> = new Set(RECORD_EVENT_TYPES);
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EMPLOYEE_EVENT_TYPES);

/** A rehire is a hire: an envelope may call one the other. */
const family = (eventType: string): string =>
  eventType === "EmployeeRehired" ? "EmployeeHired" : eventType;

export type EnvelopeKind = "raw" | "eventbridge" | "sns" | "cloudevents";

/** What a failed parse still knows, so the Provisioning Failed event can say whose hire it was. */
export interface FailureHints {
  readonly eventId?: string;
  readonly employeeId?: string;
}

export type BodyParseResult =
  | { readonly ok: true; readonly event: EmployeeRecordEvent; readonly envelope: EnvelopeKind }
  | { readonly ok: false; readonly error: PermanentFailure; readonly hints: FailureHints };

interface Unwrapped {
  readonly canonical: Record<string, unknown>;
  readonly envelope: EnvelopeKind;
  readonly context?: EnvelopeContext;
}

/**
 * Turns an SQS message body into an employee event, whatever envelope carried it.
 * Never throws: every input ends as an event or a permanent failure with its reason code.
 */
export const parseMessageBody = (body: string): BodyParseResult => {
  const hints: { eventId?: string; employeeId?: string } = {};
  try {
    const { canonical, envelope } = unwrap(readJson(body), "raw", 0, false);
    Object.assign(hints, hintsOf(canonical));
    return { ok: true, event: validateCanonicalEvent(canonical), envelope };
  } catch (error) {
    if (error instanceof PermanentFailure) return { ok: false, error, hints };
    // A parser must classify, not crash: anything unforeseen is a shape we do not accept.
    return { ok: false, error: new InvalidEventError("body could not be read as an event"), hints };
  }
};

/**
 * The checks every event passes, whether its body was canonical or a source mapping built it
 * (docs/sources.md): the event type, then the schema. Throws the permanent failure.
 */
export const validateCanonicalEvent = (canonical: Record<string, unknown>): EmployeeRecordEvent => {
  const eventType = canonical.eventType;
  if (eventType === undefined || eventType === null) {
    throw new InvalidEventError("eventType: is required", ["eventType"]);
  }
  const type = typeof eventType === "string" ? eventType.trim() : undefined;
  if (type === undefined || !RECORD_TYPES.has(type)) {
    throw new UnsupportedEventTypeError(
      `eventType ${describeType(eventType)} is not one of ${RECORD_EVENT_TYPES.join(", ")}`,
    );
  }
  const validation = validateEmployeeRecord({ ...canonical, eventType: type as RecordEventType });
  if (!validation.ok) {
    const paths = validation.issues.map((issue) => issue.path);
    const message = validation.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    throw new InvalidEventError(message, paths);
  }
  return validation.event;
};

/** What the envelopes said about the event they carried, for a mapped event's defaults. */
export interface EnvelopeContext {
  readonly id?: unknown;
  readonly time?: unknown;
  readonly source?: unknown;
}

/** A body with its envelopes taken off, before anything decides what event it is. */
export type OpenedBody =
  | {
      readonly ok: true;
      readonly payload: Record<string, unknown>;
      readonly envelope: EnvelopeKind;
      readonly context: EnvelopeContext;
    }
  | { readonly ok: false; readonly error: PermanentFailure; readonly hints: FailureHints };

/**
 * Takes the envelopes off without judging their event types: what a source mapping reads.
 * Size, JSON and envelope shape are checked as parseMessageBody checks them.
 */
export const openMessageBody = (body: string): OpenedBody => {
  try {
    const { canonical, envelope, context } = unwrap(readJson(body), "raw", 0, true);
    return { ok: true, payload: canonical, envelope, context: context ?? {} };
  } catch (error) {
    if (error instanceof PermanentFailure) return { ok: false, error, hints: {} };
    return {
      ok: false,
      error: new InvalidEventError("body could not be read as an event"),
      hints: {},
    };
  }
};

/** A canonical event names its type and its employee: it needs no source mapping. */
export const isCanonicalPayload = (payload: Record<string, unknown>): boolean =>
  "eventType" in payload && "employee" in payload;

const readJson = (body: string): unknown => {
  if (Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  return parseJson(body, "body");
};

// With `peel`, envelopes are only taken off: their event types are not judged and the payload
// is not read as an employee, since a source mapping may recognise it.
const unwrap = (
  value: unknown,
  envelope: EnvelopeKind,
  depth: number,
  peel: boolean,
): Unwrapped => {
  if (!isRecord(value)) {
    throw new InvalidEventError(`${envelopeLabel(envelope)} must be a JSON object`, ["(body)"]);
  }
  if (depth >= MAX_ENVELOPE_DEPTH) return { canonical: value, envelope };
  switch (envelopeOf(value)) {
    case "sns":
      return unwrap(parseJson(value.Message as string, "SNS Message"), "sns", depth + 1, peel);
    case "eventbridge":
      return fromEventBridge(value, depth, peel);
    case "cloudevents":
      return fromCloudEvent(value, depth, peel);
    default:
      return { canonical: value, envelope };
  }
};

/** Which envelope a JSON object is, by its members (docs/events.md): raw when none. */
export const envelopeOf = (value: Record<string, unknown>): EnvelopeKind => {
  if (value.Type === "Notification" && typeof value.Message === "string") return "sns";
  if ("detail-type" in value && "detail" in value) return "eventbridge";
  if ("specversion" in value) return "cloudevents";
  return "raw";
};

const fromEventBridge = (
  value: Record<string, unknown>,
  depth: number,
  peel: boolean,
): Unwrapped => {
  const detailType = value["detail-type"];
  const eventType =
    typeof detailType === "string" ? EVENTBRIDGE_DETAIL_TYPES.get(detailType.trim()) : undefined;
  if (!peel && !eventType) {
    throw new UnsupportedEventTypeError(
      `detail-type ${describeType(detailType)} is not an employee event (Employee Hired, Employee Updated, ...)`,
    );
  }
  const detail = value.detail;
  if (!isRecord(detail)) throw new InvalidEventError("detail: must be an object", ["detail"]);
  const inner = unwrap(detail, "eventbridge", depth + 1, peel);
  if (peel) return peeled(inner, "eventbridge", value);
  return {
    canonical: canonicalOf(
      inner.canonical,
      eventType as EmployeeEventType,
      value.id,
      value.time,
      value.source,
    ),
    envelope: "eventbridge",
  };
};

const fromCloudEvent = (
  value: Record<string, unknown>,
  depth: number,
  peel: boolean,
): Unwrapped => {
  const type = value.type;
  const eventType = typeof type === "string" ? cloudEventType(type) : undefined;
  if (!peel && !eventType) {
    throw new UnsupportedEventTypeError(
      `CloudEvents type ${describeType(type)} is not an employee event (*.employee.hired, *.employee.updated, ...)`,
    );
  }
  const data = cloudEventData(value);
  if (!isRecord(data)) throw new InvalidEventError("data: must be an object", ["data"]);
  const inner = unwrap(data, "cloudevents", depth + 1, peel);
  if (peel) return peeled(inner, "cloudevents", value);
  return {
    canonical: canonicalOf(
      inner.canonical,
      eventType as EmployeeEventType,
      value.id,
      value.time,
      value.source,
    ),
    envelope: "cloudevents",
  };
};

// As canonicalOf does, an inner envelope's id, time and source win over an outer one's.
const peeled = (
  inner: Unwrapped,
  envelope: EnvelopeKind,
  value: Record<string, unknown>,
): Unwrapped => ({
  canonical: inner.canonical,
  envelope,
  context: {
    id: inner.context?.id ?? value.id,
    time: inner.context?.time ?? value.time,
    source: inner.context?.source ?? value.source,
  },
});

// "employee.hired" as the whole type or its last dotted segments, never "reemployee.hired".
const cloudEventType = (type: string): EmployeeEventType | undefined => {
  const lower = type.trim().toLowerCase();
  return CLOUDEVENTS_TYPES.find(
    ([suffix]) => lower === suffix || lower.endsWith(`.${suffix}`),
  )?.[1];
};

// Structured-mode CloudEvents may carry JSON data as an object, a JSON string, or base64.
const cloudEventData = (value: Record<string, unknown>): unknown => {
  if (typeof value.data === "string") return parseJson(value.data, "CloudEvents data");
  if (value.data === undefined && typeof value.data_base64 === "string") {
    return parseJson(
      Buffer.from(value.data_base64, "base64").toString("utf8"),
      "CloudEvents data_base64",
    );
  }
  return value.data;
};

/**
 * The envelope's payload is either a whole canonical event (its own eventType wins) or just
 * its employee object, whose event type the envelope's type says.
 */
const canonicalOf = (
  payload: Record<string, unknown>,
  eventType: EmployeeEventType,
  id: unknown,
  time: unknown,
  source: unknown,
): Record<string, unknown> => {
  const isCanonical = "employee" in payload || "eventType" in payload;
  if (isCanonical && typeof payload.eventType === "string") {
    const inner = payload.eventType.trim();
    if (EVENT_TYPE_SET.has(inner) && family(inner) !== family(eventType)) {
      // The envelope says one thing and the event another: acting on either could be wrong.
      throw new InvalidEventError(
        `eventType "${inner}" contradicts the envelope's type, which means ${eventType}`,
        ["eventType"],
      );
    }
  }
  const base = isCanonical ? payload : { eventType, employee: payload };
  return {
    ...base,
    eventId: absent(base.eventId) ? id : base.eventId,
    occurredAt: absent(base.occurredAt) ? time : base.occurredAt,
    source: absent(base.source) ? source : base.source,
  };
};

// As in validateEmployeeRecord, blank strings and nulls count as absent.
const absent = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === "string" && value.trim() === "");

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidJsonError(`${what} is not valid JSON`);
  }
};

export const hintsOf = (canonical: Record<string, unknown>): FailureHints => {
  const hints: { eventId?: string; employeeId?: string } = {};
  const eventId = idText(canonical.eventId);
  if (eventId) hints.eventId = eventId;
  const employeeId = isRecord(canonical.employee)
    ? idText(canonical.employee.employeeId)
    : undefined;
  if (employeeId) hints.employeeId = employeeId;
  return hints;
};

// IDs flow into logs and events, so only short, printable identifiers are kept as hints.
const idText = (value: unknown): string | undefined => {
  const text =
    typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  return /^[\w.:@/-]{1,128}$/.test(text) ? text : undefined;
};

const describeType = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value.slice(0, 64)) : `of type ${typeof value}`;

const envelopeLabel = (envelope: EnvelopeKind): string =>
  envelope === "raw" ? "body" : `${envelope} payload`;
