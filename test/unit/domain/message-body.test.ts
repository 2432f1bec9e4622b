import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidEventError, PermanentFailure } from "../../../shared/domain/failures.js";
import {
  type BodyParseResult,
  MAX_BODY_BYTES,
  parseMessageBody,
} from "../../../shared/domain/message-body.js";
import {
  CLOUDEVENT_ID,
  CLOUDEVENT_SOURCE,
  CLOUDEVENT_TIME,
  type CloudEventDataMode,
  cloudEvent,
  EVENTBRIDGE_ID,
  EVENTBRIDGE_SOURCE,
  EVENTBRIDGE_TIME,
  eventBridge,
  type JsonObject,
  minimalEmployee,
  parseOk,
  sns,
  validEmployee,
  validEvent,
} from "../../support/builders.js";

const PARSE_REASONS = ["InvalidJson", "InvalidEvent", "UnsupportedEventType", "PayloadTooLarge"];

const parse = (body: unknown): BodyParseResult =>
  parseMessageBody(typeof body === "string" ? body : JSON.stringify(body));

const failure = (body: unknown) => {
  const result = parse(body);
  if (result.ok) throw new Error(`expected a failure, got an event ${JSON.stringify(result)}`);
  return result;
};

const pathsOf = (body: unknown): readonly string[] => {
  const { error } = failure(body);
  expect(error).toBeInstanceOf(InvalidEventError);
  return (error as InvalidEventError).paths;
};

const baseline = parseOk(validEvent());

describe("parseMessageBody: envelopes", () => {
  it("reads the raw canonical event of DESIGN section 2", () => {
    const result = parse(validEvent());
    expect(result).toMatchObject({ ok: true, envelope: "raw" });
    expect(baseline).toMatchObject({
      eventType: "EmployeeHired",
      eventId: "wd-7f3c9a",
      occurredAt: "2026-11-28T10:00:00Z",
      source: "workday",
      employee: {
        employeeId: "E12345",
        firstName: "José",
        lastName: "Núñez",
        preferredFirstName: "Pepe",
        workEmail: "jose.nunez@example.com",
        mobilePhone: "+14155550100",
        deskPhoneNumber: "+15125550199",
        department: "Customer Care",
        jobTitle: "Agent II",
        jobCode: "CC-AG2",
        location: "Austin",
        country: "US",
        employmentType: "FULL_TIME",
        managerEmployeeId: "E100",
        startDate: "2026-12-01",
      },
    });
    expect(baseline.employee.attributes).toMatchObject({ department: "Customer Care" });
  });

  it.each(["Employee Hired", "EmployeeHired"])(
    "reads an EventBridge event (detail-type %j) carrying the full canonical event",
    (detailType) => {
      const result = parse(eventBridge(validEvent(), { "detail-type": detailType }));
      expect(result).toEqual({ ok: true, envelope: "eventbridge", event: baseline });
    },
  );

  it.each(["Employee Hired", "EmployeeHired"])(
    "reads an EventBridge event (detail-type %j) carrying just the employee, ids from the envelope",
    (detailType) => {
      const result = parse(eventBridge(validEmployee(), { "detail-type": detailType }));
      expect(result).toEqual({
        ok: true,
        envelope: "eventbridge",
        event: {
          eventType: "EmployeeHired",
          eventId: EVENTBRIDGE_ID,
          occurredAt: EVENTBRIDGE_TIME,
          source: EVENTBRIDGE_SOURCE,
          employee: baseline.employee,
        },
      });
    },
  );

  it("reads an SNS notification whose Message is the event as a string", () => {
    expect(parse(sns(validEvent()))).toEqual({ ok: true, envelope: "sns", event: baseline });
  });

  it("reads an SNS notification carrying an EventBridge event", () => {
    const result = parse(sns(eventBridge(validEvent())));
    expect(result).toMatchObject({ ok: true, event: baseline });
  });

  it.each<CloudEventDataMode>(["object", "string", "base64"])(
    "reads a CloudEvents 1.0 event with data as %s",
    (mode) => {
      expect(parse(cloudEvent(validEvent(), mode))).toEqual({
        ok: true,
        envelope: "cloudevents",
        event: baseline,
      });
    },
  );

  it.each<CloudEventDataMode>(["object", "string", "base64"])(
    "reads a CloudEvents event whose data (%s) is just the employee, ids from the envelope",
    (mode) => {
      const result = parse(cloudEvent(validEmployee(), mode));
      expect(result).toEqual({
        ok: true,
        envelope: "cloudevents",
        event: {
          eventType: "EmployeeHired",
          eventId: CLOUDEVENT_ID,
          occurredAt: CLOUDEVENT_TIME,
          source: CLOUDEVENT_SOURCE,
          employee: baseline.employee,
        },
      });
    },
  );

  it("accepts any CloudEvents type ending in employee.hired, in any case", () => {
    for (const type of ["employee.hired", "com.workday.Employee.Hired", " io.hr.employee.hired "]) {
      expect(parse(cloudEvent(validEvent(), "object", { type })).ok).toBe(true);
    }
  });

  it("fills eventId, occurredAt and source from the envelope when the payload lacks them", () => {
    const bare = validEvent({ eventId: undefined, occurredAt: undefined, source: undefined });
    expect(parseOk(eventBridge(bare))).toMatchObject({
      eventId: EVENTBRIDGE_ID,
      occurredAt: EVENTBRIDGE_TIME,
      source: EVENTBRIDGE_SOURCE,
    });
    expect(parseOk(cloudEvent(bare, "base64"))).toMatchObject({
      eventId: CLOUDEVENT_ID,
      occurredAt: CLOUDEVENT_TIME,
      source: CLOUDEVENT_SOURCE,
    });
  });

  it("treats a blank or null eventId in the payload as absent and takes the envelope's", () => {
    for (const eventId of ["", "   ", null]) {
      expect(parseOk(eventBridge(validEvent({ eventId }))).eventId).toBe(EVENTBRIDGE_ID);
      expect(parseOk(cloudEvent(validEvent({ eventId }))).eventId).toBe(CLOUDEVENT_ID);
    }
  });

  it("keeps the payload's own eventId, occurredAt and source over the envelope's", () => {
    expect(parseOk(eventBridge(validEvent()))).toMatchObject({
      eventId: "wd-7f3c9a",
      occurredAt: "2026-11-28T10:00:00Z",
      source: "workday",
    });
  });

  it("requires an eventId for a raw event, which has no envelope to take it from", () => {
    expect(pathsOf(validEvent({ eventId: undefined }))).toEqual(["eventId"]);
  });
});

describe("parseMessageBody: reason codes", () => {
  it.each([
    ["text that is not JSON", "employee hired: José"],
    ["an empty body", ""],
    ["truncated JSON", JSON.stringify(validEvent()).slice(0, 40)],
    ["an SNS Message that is not JSON", JSON.stringify(sns("not { json"))],
    [
      "CloudEvents data that is a non-JSON string",
      JSON.stringify(cloudEvent(1, "object", { data: "{oops" })),
    ],
    [
      "CloudEvents data_base64 that is not JSON",
      JSON.stringify(
        cloudEvent(1, "base64", { data_base64: Buffer.from("<xml/>").toString("base64") }),
      ),
    ],
  ])("InvalidJson for %s", (_, body) => {
    const { error, hints } = failure(body);
    expect(error.reason).toBe("InvalidJson");
    expect(error).toBeInstanceOf(PermanentFailure);
    expect(error.permanent).toBe(true);
    expect(hints).toEqual({});
  });

  it("InvalidEvent naming employee.workEmail when it is missing", () => {
    const { error } = failure(validEvent({ employee: { workEmail: undefined } }));
    expect(error.reason).toBe("InvalidEvent");
    expect((error as InvalidEventError).paths).toEqual(["employee.workEmail"]);
    expect(error.message).toContain("employee.workEmail");
  });

  it("InvalidEvent naming every bad field at once", () => {
    const body = validEvent({
      eventId: undefined,
      employee: {
        firstName: undefined,
        lastName: "",
        workEmail: "not-an-email",
        mobilePhone: "12",
      },
    });
    expect([...pathsOf(body)].sort()).toEqual(
      [
        "eventId",
        "employee.firstName",
        "employee.lastName",
        "employee.mobilePhone",
        "employee.workEmail",
      ].sort(),
    );
  });

  it.each([
    ["a number as a name", { employee: { firstName: 42 } }, "employee.firstName"],
    [
      "an object as a department",
      { employee: { department: { name: "CC" } } },
      "employee.department",
    ],
    ["a boolean as an email", { employee: { workEmail: true } }, "employee.workEmail"],
    ["an array as the eventId", { eventId: ["a"] }, "eventId"],
    ["a fractional employeeId", { employee: { employeeId: 1.5 } }, "employee.employeeId"],
  ])("InvalidEvent for the wrong type: %s", (_, overrides, path) => {
    expect(pathsOf(validEvent(overrides as JsonObject))).toContain(path);
  });

  it("InvalidEvent when the employee object is a string", () => {
    expect(pathsOf({ ...validEvent(), employee: "E12345" })).toEqual(["employee"]);
  });

  it.each([
    ["NUL", "Jos\u0000e"],
    ["newline", "Jo\nse"],
    ["escape", "\u001b[31mJose"],
    ["C1 control", "Jose\u0085Maria"],
  ])("InvalidEvent for a %s control character inside a name", (_, firstName) => {
    expect(pathsOf(validEvent({ employee: { firstName } }))).toEqual(["employee.firstName"]);
    expect(pathsOf(validEvent({ employee: { lastName: firstName } }))).toEqual([
      "employee.lastName",
    ]);
  });

  it.each([
    ["a JSON array", "[1,2,3]"],
    ["a JSON number", "42"],
    ["a JSON string", '"EmployeeHired"'],
    ["JSON null", "null"],
    ["an EventBridge detail that is an array", JSON.stringify(eventBridge([validEvent()]))],
    ["CloudEvents data that is a number", JSON.stringify(cloudEvent(7))],
  ])("InvalidEvent for %s", (_, body) => {
    expect(failure(body).error.reason).toBe("InvalidEvent");
  });

  it("InvalidEvent naming employee when an enveloped canonical event lacks it", () => {
    const { employee: _employee, ...noEmployee } = validEvent();
    expect(pathsOf(eventBridge(noEmployee))).toEqual(["employee"]);
    expect(pathsOf(cloudEvent(noEmployee))).toEqual(["employee"]);
  });

  it("InvalidEvent when eventType is missing from a raw event", () => {
    expect(pathsOf(validEvent({ eventType: undefined }))).toEqual(["eventType"]);
  });

  it.each([
    ["eventType EmployeePromoted", validEvent({ eventType: "EmployeePromoted" })],
    ["a non-string eventType", validEvent({ eventType: 1 })],
    [
      "EventBridge detail-type Employee Promoted",
      eventBridge(validEmployee(), { "detail-type": "Employee Promoted" }),
    ],
    [
      "CloudEvents type not naming an employee event",
      cloudEvent(validEvent(), "object", { type: "com.workday.employee.promoted" }),
    ],
    [
      "CloudEvents type with employee.hired inside but not at the end",
      cloudEvent(validEvent(), "object", { type: "com.workday.employee.hired.v2" }),
    ],
    [
      "CloudEvents type whose last segment only ends in 'employee'",
      cloudEvent(validEvent(), "object", { type: "com.workday.reemployee.hired" }),
    ],
    ["CloudEvents without a type", cloudEvent(validEvent(), "object", { type: undefined })],
    ["an SNS-wrapped EmployeePromoted", sns(validEvent({ eventType: "EmployeePromoted" }))],
  ])("UnsupportedEventType for %s", (_, body) => {
    expect(failure(body).error.reason).toBe("UnsupportedEventType");
  });

  it("PayloadTooLarge above 256 KiB, measured in UTF-8 bytes", () => {
    const padded = (padding: string) =>
      JSON.stringify(validEvent({ employee: { notes: padding } }));
    const overhead = Buffer.byteLength(padded(""), "utf8");
    const exactly = padded("x".repeat(MAX_BODY_BYTES - overhead));
    expect(Buffer.byteLength(exactly, "utf8")).toBe(MAX_BODY_BYTES);
    expect(parse(exactly).ok).toBe(true);

    const oneOver = padded("x".repeat(MAX_BODY_BYTES - overhead + 1));
    expect(failure(oneOver).error.reason).toBe("PayloadTooLarge");

    // Fewer than 256 Ki characters, but "é" is two bytes in UTF-8.
    const multiByte = padded("é".repeat(MAX_BODY_BYTES / 2));
    expect(multiByte.length).toBeLessThan(MAX_BODY_BYTES);
    expect(failure(multiByte).error.reason).toBe("PayloadTooLarge");
    // Size is checked before parsing, so even a huge non-JSON body is PayloadTooLarge.
    expect(failure("{".repeat(MAX_BODY_BYTES + 1)).error.reason).toBe("PayloadTooLarge");
  });
});

describe("parseMessageBody: normalization", () => {
  it("trims every string", () => {
    const event = parseOk(
      validEvent({
        eventId: "  wd-1  ",
        employee: {
          employeeId: " E1 ",
          firstName: "\t José ",
          lastName: " Núñez\n",
          workEmail: "  jose.nunez@example.com ",
          department: "  Customer Care  ",
        },
      }),
    );
    expect(event.eventId).toBe("wd-1");
    expect(event.employee).toMatchObject({
      employeeId: "E1",
      firstName: "José",
      lastName: "Núñez",
      workEmail: "jose.nunez@example.com",
      department: "Customer Care",
    });
    expect(event.employee.attributes).toMatchObject({
      firstName: "José",
      department: "Customer Care",
    });
  });

  it("normalizes names to NFC", () => {
    const event = parseOk(
      validEvent({ employee: { firstName: "Jose\u0301", lastName: "Nu\u0301n\u0303ez" } }),
    );
    expect(event.employee.firstName).toBe("Jos\u00e9");
    expect(event.employee.firstName).toBe("José");
    expect(event.employee.lastName).toBe("Núñez");
    expect(event.employee.attributes.firstName).toBe("José");
  });

  it("keeps names' Unicode rather than folding it", () => {
    const event = parseOk(validEvent({ employee: { firstName: "Zoë", lastName: "山田" } }));
    expect(event.employee).toMatchObject({ firstName: "Zoë", lastName: "山田" });
  });

  it("ignores unknown fields but keeps scalar ones in employee.attributes", () => {
    const event = parseOk(
      validEvent({
        schemaVersion: 1,
        tenant: "acme",
        employee: {
          costCenter: "  CC-100 ",
          businessUnit: "Retail",
          remote: true,
          badge: { id: 1 },
        },
      }),
    );
    expect(event).not.toHaveProperty("tenant");
    expect(event).not.toHaveProperty("schemaVersion");
    expect(event.employee).not.toHaveProperty("costCenter");
    expect(event.employee.attributes).toMatchObject({
      costCenter: "CC-100",
      businessUnit: "Retail",
      remote: "true",
    });
    expect(event.employee.attributes).not.toHaveProperty("badge");
  });

  it("keeps numeric unknown fields in employee.attributes as text", () => {
    const event = parseOk(validEvent({ employee: { costCenter: 4100, grade: 2.5 } }));
    expect(event.employee.attributes).toMatchObject({ costCenter: "4100", grade: "2.5" });
  });

  it("attributes hold the normalized values of the known fields", () => {
    const event = parseOk(
      validEvent({ employee: { mobilePhone: "+1 (415) 555-0100", employeeId: 7 } }),
    );
    expect(event.employee.attributes).toMatchObject({
      mobilePhone: "+14155550100",
      employeeId: "7",
    });
  });

  it.each([
    ["+1 (415) 555-0100", "+14155550100"],
    ["+44 20 7946 0958", "+442079460958"],
    ["+49-30-1234.5678", "+493012345678"],
    ["  +14155550100  ", "+14155550100"],
  ])("normalizes the phone %j to E.164 %j", (raw, e164) => {
    const event = parseOk(validEvent({ employee: { mobilePhone: raw, deskPhoneNumber: raw } }));
    expect(event.employee.mobilePhone).toBe(e164);
    expect(event.employee.deskPhoneNumber).toBe(e164);
  });

  it.each(["(415) 555-0100", "+0 415 555 0100", "+1 415 CALL-NOW", "+1234567890123456"])(
    "rejects the phone %j, which cannot be E.164",
    (mobilePhone) => {
      expect(pathsOf(validEvent({ employee: { mobilePhone } }))).toEqual(["employee.mobilePhone"]);
    },
  );

  it("treats blank or null optional strings as absent", () => {
    const event = parseOk(
      validEvent({
        occurredAt: "  ",
        source: null,
        employee: {
          preferredFirstName: "   ",
          mobilePhone: "",
          deskPhoneNumber: null,
          department: "\t",
          directoryUserId: null,
        },
      }),
    );
    expect(event).not.toHaveProperty("occurredAt");
    expect(event).not.toHaveProperty("source");
    for (const key of ["preferredFirstName", "mobilePhone", "deskPhoneNumber", "department"]) {
      expect(event.employee).not.toHaveProperty(key);
      expect(event.employee.attributes).not.toHaveProperty(key);
    }
  });

  it("treats a blank required string as missing", () => {
    expect(pathsOf(validEvent({ employee: { firstName: "  " } }))).toEqual(["employee.firstName"]);
  });

  it("accepts numeric IDs as text, but never a number as a name", () => {
    const event = parseOk(
      validEvent({ eventId: 987, employee: { employeeId: 12345, managerEmployeeId: 100 } }),
    );
    expect(event.eventId).toBe("987");
    expect(event.employee.employeeId).toBe("12345");
    expect(event.employee.managerEmployeeId).toBe("100");
    expect(pathsOf(validEvent({ employee: { lastName: 12345 } }))).toEqual(["employee.lastName"]);
  });

  it("accepts the minimal event", () => {
    const event = parseOk({ ...validEvent(), employee: minimalEmployee() });
    expect(event.employee).toEqual({
      employeeId: "E12345",
      firstName: "José",
      lastName: "Núñez",
      workEmail: "jose.nunez@example.com",
      attributes: {
        employeeId: "E12345",
        firstName: "José",
        lastName: "Núñez",
        workEmail: "jose.nunez@example.com",
      },
    });
  });
});

describe("parseMessageBody: failure hints and privacy", () => {
  it("hints carry the eventId and employeeId when they are known", () => {
    expect(failure(validEvent({ employee: { workEmail: undefined } })).hints).toEqual({
      eventId: "wd-7f3c9a",
      employeeId: "E12345",
    });
    expect(
      failure(validEvent({ eventId: 5, employee: { employeeId: 77, firstName: 1 } })).hints,
    ).toEqual({
      eventId: "5",
      employeeId: "77",
    });
    expect(failure(validEvent({ eventType: "EmployeePromoted" })).hints).toEqual({
      eventId: "wd-7f3c9a",
      employeeId: "E12345",
    });
  });

  it("hints take the envelope's id when the payload has none", () => {
    const body = eventBridge(validEmployee({ workEmail: "nope" }));
    expect(failure(body).hints).toEqual({ eventId: EVENTBRIDGE_ID, employeeId: "E12345" });
  });

  it("hints leave out what is unknown or not an identifier", () => {
    expect(
      failure(validEvent({ eventId: undefined, employee: { employeeId: undefined } })).hints,
    ).toEqual({});
    expect(
      failure(
        validEvent({
          eventId: "has spaces in it",
          employee: { employeeId: { a: 1 }, lastName: 1 },
        }),
      ).hints,
    ).toEqual({});
    expect(failure("not json").hints).toEqual({});
  });

  const name = "Zebediah";
  const surname = "Quackenbush";
  const email = "zebediah.quackenbush@distinctive.example";
  const phone = "+19998887777";
  const secrets = [name, surname, "zebediah", "quackenbush", "distinctive", "9998887777"];
  const distinctive = (employee: JsonObject = {}): JsonObject =>
    validEvent({
      employee: {
        firstName: name,
        lastName: surname,
        preferredFirstName: "Zeb-Zebediah",
        workEmail: email,
        mobilePhone: phone,
        deskPhoneNumber: phone,
        ...employee,
      },
    });

  it.each<[string, unknown]>([
    ["a bad email", distinctive({ workEmail: `${name}@@${surname}` })],
    ["an email without a domain", distinctive({ workEmail: `${name}.${surname}` })],
    ["a bad mobile phone", distinctive({ mobilePhone: `${phone} ext ${name}` })],
    ["a bad desk phone", distinctive({ deskPhoneNumber: `9998887777` })],
    ["control characters in the name", distinctive({ firstName: `${name}\u0007` })],
    ["an overlong last name", distinctive({ lastName: surname.repeat(100) })],
    ["an overlong first name", distinctive({ preferredFirstName: name.repeat(100) })],
    ["a name of the wrong type", distinctive({ lastName: [surname] })],
    ["a missing employeeId", distinctive({ employeeId: undefined })],
    [
      "several problems at once",
      distinctive({ firstName: `${name}\n`, workEmail: surname, mobilePhone: name }),
    ],
    ["an unsupported type", { ...distinctive(), eventType: "EmployeePromoted" }],
    ["a bad event inside SNS", sns(distinctive({ workEmail: name }))],
    ["a bad event inside EventBridge", eventBridge(distinctive({ workEmail: name }))],
    ["a bad event inside CloudEvents", cloudEvent(distinctive({ workEmail: name }), "base64")],
    ["a too-large body", distinctive({ notes: name.repeat(40_000) })],
    ["invalid JSON", `{"firstName":"${name}","workEmail":"${email}",`],
  ])("no failure message names the employee: %s", (_, body) => {
    const { error, hints } = failure(body);
    const seen = `${error.message} ${JSON.stringify(error)} ${JSON.stringify(hints)}`.toLowerCase();
    for (const secret of secrets) expect(seen).not.toContain(secret.toLowerCase());
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const SEED = 20261128;

const expectWellFormed = (result: BodyParseResult): void => {
  if (result.ok) {
    expect(result.event.eventType).toBe("EmployeeHired");
    expect(["raw", "eventbridge", "sns", "cloudevents"]).toContain(result.envelope);
    const employee = result.event.employee as Record<string, unknown>;
    for (const key of ["employeeId", "firstName", "lastName", "workEmail"] as const) {
      expect(typeof employee[key]).toBe("string");
      expect((employee[key] as string).length).toBeGreaterThan(0);
    }
    expect(result.event.eventId.length).toBeGreaterThan(0);
    return;
  }
  expect(Object.keys(result).sort()).toEqual(["error", "hints", "ok"]);
  expect(result.error).toBeInstanceOf(PermanentFailure);
  expect(PARSE_REASONS).toContain(result.error.reason);
  for (const hint of Object.values(result.hints)) expect(hint).toMatch(/^[\w.:@/-]{1,128}$/);
};

const safeParse = (body: string): BodyParseResult => {
  let result: BodyParseResult | undefined;
  expect(() => {
    result = parseMessageBody(body);
  }).not.toThrow();
  return result as BodyParseResult;
};

const EVENT_KEYS = ["eventType", "eventId", "occurredAt", "source", "employee"];
const EMPLOYEE_KEYS = Object.keys(validEmployee());

type Mutation =
  | { readonly op: "delete"; readonly inEmployee: boolean; readonly key: string }
  | {
      readonly op: "set";
      readonly inEmployee: boolean;
      readonly key: string;
      readonly value: unknown;
    };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("delete" as const),
    inEmployee: fc.constant(false),
    key: fc.constantFrom(...EVENT_KEYS),
  }),
  fc.record({
    op: fc.constant("delete" as const),
    inEmployee: fc.constant(true),
    key: fc.constantFrom(...EMPLOYEE_KEYS),
  }),
  fc.record({
    op: fc.constant("set" as const),
    inEmployee: fc.boolean(),
    key: fc.oneof(fc.constantFrom(...EVENT_KEYS, ...EMPLOYEE_KEYS, "__proto__"), fc.string()),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom("", "  ", null, 0, -1, 1e21, "EmployeeHired", "+1 (415) 555-0100", "a@b.co"),
    ),
  }),
);

const applyMutations = (event: JsonObject, mutations: readonly Mutation[]): JsonObject => {
  const root: JsonObject = { ...event };
  for (const mutation of mutations) {
    let target = root;
    if (mutation.inEmployee) {
      const employee = root.employee;
      if (typeof employee !== "object" || employee === null || Array.isArray(employee)) continue;
      target = { ...(employee as JsonObject) };
      root.employee = target;
    }
    if (mutation.op === "delete") delete target[mutation.key];
    else
      Object.defineProperty(target, mutation.key, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return root;
};

type Envelope =
  | "raw"
  | "eventbridge"
  | "eventbridge-employee"
  | "sns"
  | "sns-eventbridge"
  | CloudEventDataMode;

const ENVELOPES: readonly Envelope[] = [
  "raw",
  "eventbridge",
  "eventbridge-employee",
  "sns",
  "sns-eventbridge",
  "object",
  "string",
  "base64",
];

const wrap = (event: JsonObject, envelope: Envelope): string => {
  switch (envelope) {
    case "raw":
      return JSON.stringify(event);
    case "eventbridge":
      return JSON.stringify(eventBridge(event));
    case "eventbridge-employee":
      return JSON.stringify(eventBridge(event.employee ?? {}));
    case "sns":
      return JSON.stringify(sns(event));
    case "sns-eventbridge":
      return JSON.stringify(sns(eventBridge(event)));
    default:
      return JSON.stringify(cloudEvent(event, envelope));
  }
};

describe("parseMessageBody: properties", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.string({ unit: "grapheme", maxLength: 200 }),
          fc.string({ maxLength: 200 }),
        ),
        (body) => expectWellFormed(safeParse(body)),
      ),
      { numRuns: 500, seed: SEED },
    );
  });

  it("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = safeParse(JSON.stringify(value));
        expectWellFormed(result);
        // A JSON value that is not an object can never be an event.
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          expect(result.ok).toBe(false);
        }
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it("never throws on mutated valid events in random envelopes", () => {
    fc.assert(
      fc.property(
        fc.array(mutationArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...ENVELOPES),
        (mutations, envelope) => {
          expectWellFormed(safeParse(wrap(applyMutations(validEvent(), mutations), envelope)));
        },
      ),
      { numRuns: 600, seed: SEED },
    );
  });

  it("never throws on valid events wrapped in mutated envelopes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ENVELOPES),
        fc.array(
          fc.tuple(
            fc.constantFrom(
              "detail-type",
              "detail",
              "Type",
              "Message",
              "specversion",
              "type",
              "data",
              "data_base64",
              "id",
              "time",
              "source",
            ),
            fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        (envelope, edits) => {
          const outer = JSON.parse(wrap(validEvent(), envelope)) as JsonObject;
          for (const [key, value] of edits) {
            if (value === undefined) delete outer[key];
            else outer[key] = value;
          }
          expectWellFormed(safeParse(JSON.stringify(outer)));
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });

  it("every envelope yields the same employee for the same valid event", () => {
    const optional = EMPLOYEE_KEYS.filter(
      (key) => !["employeeId", "firstName", "lastName", "workEmail"].includes(key),
    );
    fc.assert(
      fc.property(fc.subarray(optional), fc.constantFrom(...ENVELOPES), (dropped, envelope) => {
        const event = validEvent({
          employee: Object.fromEntries(dropped.map((key) => [key, undefined])),
        });
        const raw = parseOk(event);
        const result = safeParse(wrap(event, envelope));
        expect(result).toMatchObject({ ok: true, event: { employee: raw.employee } });
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("never echoes the employee's name or email in a failure", () => {
    const word = fc.stringMatching(/^[A-Z][a-z]{9,14}$/);
    fc.assert(
      fc.property(
        word,
        word,
        fc.array(mutationArb, { maxLength: 4 }),
        fc.constantFrom(...ENVELOPES),
        (first, last, mutations, envelope) => {
          const event = applyMutations(
            validEvent({
              employee: {
                firstName: first,
                lastName: last,
                workEmail: `${first}.${last}@example.com`,
              },
            }),
            mutations,
          );
          const result = safeParse(wrap(event, envelope));
          if (result.ok) return;
          const message = result.error.message.toLowerCase();
          expect(message).not.toContain(first.toLowerCase());
          expect(message).not.toContain(last.toLowerCase());
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });
});

describe("parseMessageBody: lifecycle event types", () => {
  it.each([
    ["Employee Updated", "EmployeeUpdated"],
    ["EmployeeUpdated", "EmployeeUpdated"],
    ["Employee Rehired", "EmployeeRehired"],
    ["Employee Hired", "EmployeeHired"],
  ])("takes an EventBridge %s carrying only the employee as %s", (detailType, eventType) => {
    const result = parse(eventBridge(validEmployee(), { "detail-type": detailType }));
    expect(result.ok && result.event.eventType).toBe(eventType);
  });

  it.each([
    ["com.workday.employee.updated", "EmployeeUpdated"],
    ["employee.rehired", "EmployeeRehired"],
  ])("takes CloudEvents type %s as %s", (type, eventType) => {
    const result = parse(cloudEvent(validEmployee(), "object", { type }));
    expect(result.ok && result.event.eventType).toBe(eventType);
  });

  it("takes a raw EmployeeUpdated and a hire wrapped as a rehire", () => {
    const updated = parse(validEvent({ eventType: "EmployeeUpdated" }));
    expect(updated.ok && updated.event.eventType).toBe("EmployeeUpdated");
    const rehire = parse(eventBridge(validEvent(), { "detail-type": "Employee Rehired" }));
    expect(rehire.ok && rehire.event.eventType).toBe("EmployeeHired");
  });

  it.each([
    [
      "an Employee Hired envelope around a termination",
      eventBridge(validEvent({ eventType: "EmployeeTerminated" })),
    ],
    [
      "an Employee Updated envelope around a hire",
      eventBridge(validEvent(), { "detail-type": "Employee Updated" }),
    ],
    [
      "a CloudEvents termination around a hire",
      cloudEvent(validEvent(), "object", { type: "com.workday.employee.terminated" }),
    ],
  ])("refuses %s as InvalidEvent: the envelope contradicts the event", (_, body) => {
    const result = failure(body);
    expect(result.error.reason).toBe("InvalidEvent");
    expect(result.error.message).toContain("contradicts the envelope's type");
  });

  it("refuses an occurredAt that is not a date-time with a zone, naming the field", () => {
    const result = failure(validEvent({ occurredAt: "2026-11-28 10:00" }));
    expect(result.error.reason).toBe("InvalidEvent");
    expect(result.error.message).toContain("occurredAt: must be an RFC 3339 date-time");
  });
});

describe("parseMessageBody: leavers", () => {
  const termination = {
    eventType: "EmployeeTerminated",
    eventId: "wd-term-1",
    occurredAt: "2026-12-10T09:00:00Z",
    employee: { employeeId: "E12345", lastDayOfWork: "2026-12-31", timeZone: "America/Chicago" },
  };

  it.each([
    ["raw", termination],
    ["EventBridge", eventBridge(termination, { "detail-type": "Employee Terminated" })],
    [
      "EventBridge without spaces",
      eventBridge(termination, { "detail-type": "EmployeeTerminated" }),
    ],
    ["SNS", sns(termination)],
    ["CloudEvents", cloudEvent(termination, "object", { type: "com.workday.employee.terminated" })],
  ])("reads a termination in the %s envelope", (_, body) => {
    const result = parse(body);
    expect(result.ok).toBe(true);
    expect(result.ok && result.event).toMatchObject({
      eventType: "EmployeeTerminated",
      eventId: "wd-term-1",
      employee: { employeeId: "E12345", lastDayOfWork: "2026-12-31", timeZone: "America/Chicago" },
    });
  });

  it("takes an EventBridge termination whose detail is the employee with effectiveAt beside it", () => {
    const body = eventBridge(
      { effectiveAt: "2027-01-01T00:00:00Z", employee: { employeeId: "E12345" } },
      { "detail-type": "Employee Terminated" },
    );
    const result = parse(body);
    expect(result.ok && result.event).toMatchObject({
      eventType: "EmployeeTerminated",
      effectiveAt: "2027-01-01T00:00:00Z",
      employee: { employeeId: "E12345" },
    });
  });

  it.each([
    ["Employee Termination Rescinded", "EmployeeTerminationRescinded"],
    ["EmployeeTerminationRescinded", "EmployeeTerminationRescinded"],
  ])("reads an EventBridge %s", (detailType, eventType) => {
    const result = parse(
      eventBridge({ employee: { employeeId: "E12345" } }, { "detail-type": detailType }),
    );
    expect(result.ok && result.event.eventType).toBe(eventType);
  });

  it("reads a CloudEvents termination.rescinded", () => {
    const result = parse(
      cloudEvent({ employeeId: "E12345" }, "object", {
        type: "com.workday.employee.termination.rescinded",
      }),
    );
    expect(result.ok && result.event.eventType).toBe("EmployeeTerminationRescinded");
  });

  it("needs only the employeeId: no name or email for a leaver", () => {
    const result = parse({
      eventType: "EmployeeTerminated",
      eventId: "t",
      employee: { employeeId: "E1" },
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    ["a lastDayOfWork that is no date", { lastDayOfWork: "2026-02-30" }, "employee.lastDayOfWork"],
    [
      "an unknown time zone",
      { lastDayOfWork: "2026-12-31", timeZone: "Mars/Olympus" },
      "employee.timeZone",
    ],
    ["no employeeId", { employeeId: undefined }, "employee.employeeId"],
  ])("refuses %s as InvalidEvent naming the field", (_, employee, path) => {
    expect(pathsOf({ ...termination, employee: { ...termination.employee, ...employee } })).toEqual(
      [path],
    );
  });

  it("refuses an effectiveAt without a zone", () => {
    expect(pathsOf({ ...termination, effectiveAt: "2026-12-31 17:00" })).toEqual(["effectiveAt"]);
  });
});
