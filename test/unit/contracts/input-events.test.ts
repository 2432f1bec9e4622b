/**
 * The input schemas of docs/schemas/ never refuse what the service accepts: a producer that
 * validates its events with them gets no false alarm. (The service checks more than a JSON
 * Schema can say, so the converse is not claimed: see docs/events.md.) Checked on the samples
 * under events/ and on generated bodies in every envelope, with the leniencies the function
 * allows (null and "" for absent, numeric IDs, punctuated phone numbers, unknown fields).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidateFunction } from "ajv";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { contractValidator } from "../../../scripts/contract-files.js";
import {
  contractSchemas,
  LENIENT_PHONE,
  type SchemaDocument,
} from "../../../shared/contracts/documents.js";
import { eventSchemas } from "../../../shared/domain/employee-event.js";
import {
  type EnvelopeKind,
  envelopeOf,
  parseMessageBody,
} from "../../../shared/domain/message-body.js";
import { readEventBodies } from "../../../shared/event-files.js";
import {
  cloudEvent,
  eventBridge,
  type JsonObject,
  sns,
  validEmployee,
  validEvent,
} from "../../support/builders.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SEED = 20261201;

let schemas: SchemaDocument[];
let validate: (name: string) => ValidateFunction;
beforeAll(() => {
  schemas = contractSchemas();
  const validatorOf = contractValidator(schemas);
  validate = (name) => validatorOf(schemas.find((s) => s.name === name) as SchemaDocument);
});

const ENVELOPE_SCHEMA: Record<EnvelopeKind, string> = {
  raw: "raw-body",
  eventbridge: "eventbridge-envelope",
  sns: "sns-envelope",
  cloudevents: "cloudevents-envelope",
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A body the service accepts must validate against its envelope's schema (and its type's). */
const expectAcceptedBodyValid = (body: string): boolean => {
  const parsed = parseMessageBody(body);
  if (!parsed.ok) return false;
  const value = JSON.parse(body) as JsonObject;
  const check = (name: string) => {
    const validator = validate(name);
    expect(validator(value), `${name}: ${JSON.stringify(validator.errors)}\n${body}`).toBe(true);
  };
  const envelope = envelopeOf(value);
  check(ENVELOPE_SCHEMA[envelope]);
  if (envelope === "raw") {
    check(
      String(value.eventType)
        .trim()
        .replace(/([a-z])([A-Z])/g, "$1-$2")
        .toLowerCase(),
    );
  }
  return true;
};

describe("the samples under events/", () => {
  it("each body the service accepts validates against its envelope's schema", async () => {
    let accepted = 0;
    for (const dir of ["events/hires", "events/sqs"]) {
      for (const { body } of await readEventBodies(join(ROOT, dir))) {
        const value = safeJson(body) as { Records?: { body: string }[] } | undefined;
        for (const inner of value?.Records ? value.Records.map((r) => r.body) : [body]) {
          if (expectAcceptedBodyValid(inner)) accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(12);
  });

  it("a hire without its work email is refused by the schema as by the service", () => {
    const line = readFileSync(join(ROOT, "events/hires/03-malformed.jsonl"), "utf8")
      .split("\n")
      .find((text) => text.includes("wd-no-email")) as string;
    expect(parseMessageBody(line).ok).toBe(false);
    expect(validate("employee-hired")(JSON.parse(line))).toBe(false);
    expect(validate("raw-body")(JSON.parse(line))).toBe(false);
  });

  it("the termination sample fits the EmployeeTerminated schema, and a hire's does not", () => {
    const [termination] = JSON.parse(
      readFileSync(join(ROOT, "events/leavers/01-terminations.json"), "utf8"),
    ) as JsonObject[];
    expect(validate("employee-terminated")(termination)).toBe(true);
    expect(validate("employee-hired")(termination)).toBe(false);
  });
});

describe("the leaver schemas (DESIGN section 2)", () => {
  const terminated = (overrides: JsonObject = {}, employee: JsonObject = {}) => ({
    eventType: "EmployeeTerminated",
    eventId: "wd-term-9",
    employee: { employeeId: "E1", ...employee },
    ...overrides,
  });

  it("require only employeeId in employee; take lastDayOfWork (a date) or effectiveAt", () => {
    const v = validate("employee-terminated");
    expect(v(terminated())).toBe(true);
    expect(v(terminated({}, { lastDayOfWork: "2026-12-31", timeZone: "America/Chicago" }))).toBe(
      true,
    );
    expect(v(terminated({ effectiveAt: "2026-12-31T17:00:00-06:00" }))).toBe(true);
    expect(v(terminated({}, { lastDayOfWork: "31/12/2026" }))).toBe(false);
    expect(v(terminated({ effectiveAt: "tomorrow" }))).toBe(false);
    expect(v({ eventType: "EmployeeTerminated", eventId: "x", employee: {} })).toBe(false);
  });

  it("a rescission names the employee", () => {
    const v = validate("employee-termination-rescinded");
    expect(
      v({ eventType: "EmployeeTerminationRescinded", eventId: "r1", employee: { employeeId: 7 } }),
    ).toBe(true);
    expect(v({ eventType: "EmployeeTerminationRescinded", eventId: "r1" })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated bodies

/** Values that the function reads leniently, or refuses: each should agree with the schema. */
const VALUE = fc.oneof(
  fc.constantFrom(
    null,
    "",
    "  ",
    0,
    42,
    -7,
    1e21,
    3.5,
    true,
    "EmployeeUpdated",
    "EmployeeRehired",
    "+1 (415) 555-0100",
    "+44 20 7946 0958",
    "415-555-0100",
    "a@b.co",
    "not an email",
    "2026-11-28T10:00Z",
    "2026-11-28 10:00:00+01:00",
    "2026-11-28",
    "Zoë\u200b",
    "x".repeat(300),
  ),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const FIELDS = [
  ...Object.keys(validEmployee()),
  "employeeId",
  "managerEmployeeId",
  "mobilePhone",
  "deskPhoneNumber",
  "costCenter",
];
const TOP = ["eventType", "eventId", "occurredAt", "source", "somethingElse"];

const mutation = fc.oneof(
  fc.record({ inEmployee: fc.boolean(), key: fc.constantFrom(...FIELDS, ...TOP), value: VALUE }),
  fc.record({
    inEmployee: fc.boolean(),
    key: fc.constantFrom(...FIELDS, ...TOP),
    value: fc.constant(undefined),
  }),
);

const mutate = (
  event: JsonObject,
  mutations: readonly { inEmployee: boolean; key: string; value: unknown }[],
) => {
  const root: JsonObject = { ...event, employee: { ...(event.employee as JsonObject) } };
  for (const { inEmployee, key, value } of mutations) {
    const target = inEmployee ? (root.employee as JsonObject) : root;
    if (value === undefined) delete target[key];
    else target[key] = value;
  }
  return root;
};

const ENVELOPES = [
  (event: JsonObject) => event,
  (event: JsonObject) => eventBridge(event),
  (event: JsonObject) =>
    eventBridge(event.employee, { "detail-type": String(event.eventType ?? "").trim() }),
  (event: JsonObject) => eventBridge(event, { "detail-type": "EmployeeUpdated" }),
  (event: JsonObject) => sns(event),
  (event: JsonObject) => sns(eventBridge(event)),
  (event: JsonObject) => cloudEvent(event, "object"),
  (event: JsonObject) => cloudEvent(event, "string"),
  (event: JsonObject) => cloudEvent(event, "base64"),
  (event: JsonObject) => eventBridge(cloudEvent(event)),
  (event: JsonObject) =>
    cloudEvent(event.employee, "object", { type: "com.example.hris.employee.updated" }),
];

describe("generated bodies", () => {
  it("every body the service accepts, in any envelope, validates against the schemas", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(mutation, { maxLength: 4 }),
        fc.integer({ min: 0, max: ENVELOPES.length - 1 }),
        (mutations, envelope) => {
          const wrap = ENVELOPES[envelope] as (event: JsonObject) => JsonObject;
          const body = JSON.stringify(wrap(mutate(validEvent(), mutations)));
          if (expectAcceptedBodyValid(body)) accepted++;
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
    // Enough of both kinds to mean something.
    expect(accepted).toBeGreaterThan(300);
  });

  it("the schema's phone pattern accepts exactly what the function accepts as a phone number", () => {
    const pattern = new RegExp(LENIENT_PHONE, "u");
    const phone = fc.string({
      unit: fc.constantFrom(..."+0123456789 -().\t".split(""), "a", "+"),
      maxLength: 24,
    });
    fc.assert(
      fc.property(phone, (value) => {
        expect(pattern.test(value), JSON.stringify(value)).toBe(
          eventSchemas().PhoneNumberSchema.safeParse(value).success,
        );
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
