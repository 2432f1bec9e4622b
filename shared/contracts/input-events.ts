/**
 * The contract of what producers may send to the onboarding queue (docs/events.md): each employee
 * event type and each envelope that may carry one. The record events are the function's own
 * schemas (shared/domain/employee-event.ts), one per event type; the envelopes' enumerations are
 * the parser's own tables (shared/domain/message-body.ts). docs/schemas/ and docs/asyncapi.yaml
 * are generated from these (scripts/schemas.ts).
 *
 * The function validates more than a JSON Schema can say (no invisible or control characters,
 * dates that exist): an event these schemas refuse is refused by the service, while one they
 * accept may still be parked with a reason code.
 */
import * as z from "zod/mini";
import {
  EMPLOYEE_EVENT_TYPES,
  type EmployeeEventType,
  eventSchemas,
  type LEAVER_EVENT_TYPES,
  type RECORD_EVENT_TYPES,
  text,
} from "../domain/employee-event.js";
import { CLOUDEVENTS_TYPES, EVENTBRIDGE_DETAIL_TYPES } from "../domain/message-body.js";
import { describe } from "./describe.js";

// The function's own instances: descriptions are registered on them, and documents.ts tells
// them apart by identity.
const { DateTimeSchema, EmployeeSchema, EventSchema } = eventSchemas();

const employee = EmployeeSchema.shape;
describe(
  employee.employeeId,
  "The HR system's employee ID: the key the service finds the user by.",
);
describe(
  employee.workEmail,
  "The work email: the default username (USERNAME_TEMPLATE), and the user's email.",
);
describe(employee.preferredFirstName, "When present, the Connect first name instead of firstName.");
describe(
  employee.deskPhoneNumber,
  "E.164; required by a rule with a DESK_PHONE phone (MissingDeskPhone otherwise).",
);
describe(
  employee.directoryUserId,
  "The user's directory ID on EXISTING_DIRECTORY instances (else the username is used).",
);
describe(
  EmployeeSchema,
  "The employee's full current record (state, not a delta). Unknown fields are ignored and may be matched by rules as custom attributes.",
);
describe(EventSchema.shape.eventId, "The HR system's ID of the event; a number is read as text.");
describe(DateTimeSchema, "An RFC 3339 date-time with a time zone, e.g. 2026-11-28T10:00:00Z.");
describe(
  EventSchema.shape.occurredAt,
  "When HR says the change happened: the event's version. An event older than the one last applied for the employee changes nothing (STALE). Else the envelope's time, else when SQS received the message.",
);

const recordEvent = <T extends (typeof RECORD_EVENT_TYPES)[number]>(eventType: T) =>
  z.extend(EventSchema, { eventType: z.literal(eventType) });

export const EmployeeHiredSchema = recordEvent("EmployeeHired");
export const EmployeeRehiredSchema = recordEvent("EmployeeRehired");
export const EmployeeUpdatedSchema = recordEvent("EmployeeUpdated");

/** A leaver names the employee; the rest of the record may come along and is ignored. */
export const LeaverEmployeeSchema = describe(
  z.object({
    employeeId: employee.employeeId,
    lastDayOfWork: z.optional(
      describe(
        z.iso.date(),
        "The last day of work: access ends at the end of that day in timeZone (without effectiveAt).",
      ),
    ),
    timeZone: z.optional(
      describe(text(64), "An IANA time zone name, e.g. America/Chicago; UTC when absent."),
    ),
  }),
  "The leaving employee: only employeeId is required.",
);

const leaverEvent = <T extends (typeof LEAVER_EVENT_TYPES)[number]>(eventType: T) =>
  z.object({
    eventType: z.literal(eventType),
    eventId: EventSchema.shape.eventId,
    occurredAt: EventSchema.shape.occurredAt,
    source: EventSchema.shape.source,
    employee: LeaverEmployeeSchema,
  });

export const EmployeeTerminatedSchema = z.extend(leaverEvent("EmployeeTerminated"), {
  effectiveAt: describe(
    z.optional(DateTimeSchema),
    "When access ends; else the end of employee.lastDayOfWork; else at once.",
  ),
});
export const EmployeeTerminationRescindedSchema = leaverEvent("EmployeeTerminationRescinded");

/** Each employee event type's schema, as the body of a message or inside an envelope. */
export const INPUT_EVENT_SCHEMAS = {
  EmployeeHired: EmployeeHiredSchema,
  EmployeeRehired: EmployeeRehiredSchema,
  EmployeeUpdated: EmployeeUpdatedSchema,
  EmployeeTerminated: EmployeeTerminatedSchema,
  EmployeeTerminationRescinded: EmployeeTerminationRescindedSchema,
} as const satisfies Record<EmployeeEventType, z.core.$ZodType>;

export const INPUT_EVENT_DESCRIPTIONS: Readonly<Record<EmployeeEventType, string>> = {
  EmployeeHired:
    "A joiner: the employee's full current record. Connect is made to match it: the user is created, or the existing one brought in line.",
  EmployeeRehired: "An alias of EmployeeHired, handled identically.",
  EmployeeUpdated:
    "A mover: the employee's full current record after a change (state, not a delta), handled as a hire is.",
  EmployeeTerminated:
    "A leaver: the employee's user is removed (or disabled) at the effective time: effectiveAt, else the end of employee.lastDayOfWork, else at once.",
  EmployeeTerminationRescinded: "A pending (future-dated) termination is withdrawn.",
};

/** The raw envelope: the body is the employee event itself. */
export const RawBodySchema = z.union([
  EmployeeHiredSchema,
  EmployeeRehiredSchema,
  EmployeeUpdatedSchema,
  EmployeeTerminatedSchema,
  EmployeeTerminationRescindedSchema,
]);

/**
 * What an envelope carries: a whole employee event (its eventId, occurredAt and source may be
 * left to the envelope's id, time and source), just the employee object (the envelope's type
 * then says which event it is), or another envelope (they nest up to three deep).
 */
const EnvelopePayloadSchema = describe(
  z.union([
    describe(
      z.object({
        eventType: z.enum(EMPLOYEE_EVENT_TYPES),
        employee: z.object({ employeeId: employee.employeeId }),
      }),
      "A whole employee event (as the raw body); eventId, occurredAt and source may come from the envelope. Its eventType must agree with the envelope's type.",
    ),
    describe(
      z.object({ employeeId: employee.employeeId }),
      "Just the employee object: the envelope's type says which event it is.",
    ),
    describe(
      z.object({ employee: z.object({ employeeId: employee.employeeId }) }),
      "An employee event without its eventType (a termination's effectiveAt beside its employee): the envelope's type says which event it is.",
    ),
    describe(z.object({ specversion: z.string() }), "A CloudEvents envelope inside this one."),
    describe(
      z.object({ "detail-type": z.string(), detail: z.object({}) }),
      "An EventBridge event inside this one.",
    ),
  ]),
  "The employee event this envelope carries (validated as the raw body is).",
);

const optionalText = (description: string) => z.optional(describe(z.string(), description));

/** An EventBridge event delivered by a rule whose target is the onboarding queue. */
export const EventBridgeEnvelopeSchema = z.object({
  version: optionalText('"0" in every EventBridge event.'),
  id: optionalText("The event's ID: the employee event's eventId when it has none."),
  "detail-type": describe(
    z.enum([...EVENTBRIDGE_DETAIL_TYPES.keys()] as [string, ...string[]]),
    "Which employee event the detail is; with or without spaces.",
  ),
  source: optionalText("The producer: the employee event's source when it has none."),
  account: z.optional(z.string()),
  time: optionalText("The employee event's occurredAt when it has none."),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: EnvelopePayloadSchema,
});

/** An SNS notification delivered to the onboarding queue without raw message delivery. */
export const SnsEnvelopeSchema = z.object({
  Type: z.literal("Notification"),
  MessageId: z.optional(z.string()),
  TopicArn: z.optional(z.string()),
  Message: describe(
    z.string(),
    "The employee event as a JSON string (or an EventBridge or CloudEvents envelope holding one).",
  ),
  Timestamp: z.optional(z.string()),
});

/** `type` names the event as its last dotted segments: com.example.employee.hired. */
const CLOUDEVENTS_TYPE = new RegExp(
  `^(?:.+\\.)?(?:${CLOUDEVENTS_TYPES.map(([suffix]) => suffix.replaceAll(".", "\\.")).join("|")})$`,
);

/** A CloudEvents 1.0 event in structured JSON mode. */
export const CloudEventsEnvelopeSchema = z.union([
  z.object({
    specversion: z.literal("1.0"),
    type: describe(
      z.string().check(z.regex(CLOUDEVENTS_TYPE)),
      "The producer's prefix, then the event: com.example.employee.hired, ….employee.updated, ….employee.terminated, ….employee.termination.rescinded.",
    ),
    id: z.string(),
    source: z.string(),
    time: z.optional(z.string()),
    datacontenttype: z.optional(z.string()),
    data: z.union([EnvelopePayloadSchema, describe(z.string(), "The payload as a JSON string.")]),
  }),
  z.object({
    specversion: z.literal("1.0"),
    type: z.string().check(z.regex(CLOUDEVENTS_TYPE)),
    id: z.string(),
    source: z.string(),
    time: z.optional(z.string()),
    datacontenttype: z.optional(z.string()),
    data_base64: describe(z.string(), "The payload as base64-encoded JSON."),
  }),
]);
