/**
 * A seeded generator of "employee hired" messages for the reliability scenarios: valid hires in
 * every envelope of DESIGN section 2, aimed at known rules of events/mappings.json, and poison
 * bodies with the reason code each must be parked with. The generator decides the expected
 * outcome itself (which rule, which username); it never asks the product.
 */
import { seededRandom } from "../../../emulators/connect/testing.js";

export type Envelope = "raw" | "eventbridge" | "eventbridge-employee" | "sns" | "cloudevents";
export const ENVELOPES: readonly Envelope[] = [
  "raw",
  "eventbridge",
  "eventbridge-employee",
  "sns",
  "cloudevents",
];

/** The sample rules a generated hire is aimed at; "none" matches no rule. */
export type TargetRule =
  | "cc-austin-agents"
  | "cc-supervisors"
  | "cc-agents"
  | "sales-desk"
  | "quality-auditors"
  | "none";

export interface Hire {
  readonly index: number;
  /** The sourceEventId the created-event must carry. */
  readonly eventId: string;
  readonly employeeId: string;
  readonly envelope: Envelope;
  readonly target: TargetRule;
  /** The employee object as sent (before the product trims or normalizes anything). */
  readonly employee: Readonly<Record<string, unknown>>;
  /** What Connect must hold: NFC, trimmed, the preferred first name when there is one. */
  readonly firstName: string;
  readonly lastName: string;
  readonly workEmail: string;
  readonly username: string;
  /** Names, emails and phone numbers as sent and as stored: none may reach a log line. */
  readonly privateValues: readonly string[];
  readonly body: string;
}

export interface HireOptions {
  readonly seed: number;
  readonly count: number;
  /** Prefix of employee and event IDs, so a scenario's hires are recognisable. */
  readonly prefix: string;
  /** Share of each target among the hires (default: the four rules that resolve on the sample seed). */
  readonly mix?: Partial<Record<TargetRule, number>>;
  /** `{workEmail}` (the default template) or `{employeeId}`. */
  readonly usernameFrom?: "workEmail" | "employeeId";
  readonly startIndex?: number;
}

const DEFAULT_MIX: Record<TargetRule, number> = {
  "cc-austin-agents": 0.3,
  "cc-supervisors": 0.15,
  "cc-agents": 0.35,
  "sales-desk": 0.2,
  "quality-auditors": 0,
  none: 0,
};

// Names from many scripts, some with marks that NFC composes, some right-to-left.
const FIRST_NAMES = [
  "José",
  "Zoë",
  "Søren",
  "Åsa",
  "Łukasz",
  "Chloé",
  "Thảo",
  "Ørjan",
  "Þórdís",
  "Gülşen",
  "Saoirse",
  "Ngozi",
  "Wojciech",
  "Mélisande",
  "Ximena",
  "Αθηνά",
  "Дарья",
  "美咲",
  "أمينة",
  "יעל",
  "Nguyễn",
  "Siobhán",
  "Kaʻimi",
  "Björk",
];
const PREFERRED = ["Pepe", "Zozo", "Sonny", "Łuki", "Mimi", "Bea"];
// Syllables that make long, distinctive surnames: a log line containing one is a real leak.
const SYLLABLES = ["ka", "vó", "re", "tú", "ñe", "zu", "mi", "lö", "ra", "ši", "dé", "go", "ła"];
const LOCATIONS = ["Remote", "Manila", "São Paulo", "Kraków", "Dublin"];
const AUSTIN = ["Austin", "AUSTIN", " austin "];
const CARE = ["Customer Care", "customer care", " CUSTOMER CARE "];
const AGENT_TITLES = ["Agent I", "Agent II", "Agent III", "agent ii"];

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** ASCII letters only: what an email local part built from the name keeps. */
const asciiLetters = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .replace(/[øØ]/g, "o")
    .replace(/[þÞ]/g, "th")
    .toLowerCase()
    .replace(/[^a-z]/g, "");

const surname = (random: Random): string => {
  const length = 3 + Math.floor(random() * 2);
  let name = "";
  for (let i = 0; i < length; i++) name += pick(random, SYLLABLES);
  return capitalize(name);
};

const chooseTarget = (random: Random, mix: Record<TargetRule, number>): TargetRule => {
  const entries = Object.entries(mix).filter(([, weight]) => weight > 0) as [TargetRule, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random() * total;
  for (const [target, weight] of entries) {
    draw -= weight;
    if (draw < 0) return target;
  }
  return (entries.at(-1) as [TargetRule, number])[0];
};

/** Attributes that make exactly `target` the winning rule of events/mappings.json. */
const attributesFor = (random: Random, target: TargetRule): Record<string, string> => {
  switch (target) {
    case "cc-austin-agents":
      return {
        department: pick(random, CARE),
        location: pick(random, AUSTIN),
        jobTitle: pick(random, AGENT_TITLES),
      };
    case "cc-supervisors":
      return {
        department: pick(random, CARE),
        location: pick(random, [...AUSTIN, ...LOCATIONS]),
        jobTitle: pick(random, ["Team Supervisor", "Supervisor", "Night Shift supervisor"]),
      };
    case "cc-agents":
      // Austin agents whose title does not start with "Agent" fall through to the default.
      return random() < 0.3
        ? { department: pick(random, CARE), location: "Austin", jobTitle: "Senior Agent" }
        : {
            department: pick(random, CARE),
            location: pick(random, LOCATIONS),
            jobTitle: pick(random, AGENT_TITLES),
          };
    case "sales-desk":
      return {
        department: pick(random, ["Sales", "sales", "SALES"]),
        location: pick(random, [...LOCATIONS, "Austin"]),
        jobTitle: pick(random, ["Account Executive", "Agent II", "Sales Supervisor"]),
      };
    case "quality-auditors":
      return { department: "Quality", location: pick(random, LOCATIONS), jobTitle: "Auditor" };
    case "none":
      return {
        department: pick(random, ["Finance", "Legal"]),
        location: pick(random, LOCATIONS),
        jobTitle: "Analyst",
      };
  }
};

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** Generates `count` distinct hires: unique employee IDs, event IDs, work emails and phones. */
export const generateHires = (options: HireOptions): Hire[] => {
  const random = seededRandom(options.seed);
  const mix = { ...DEFAULT_MIX, ...options.mix };
  const phoneBase = 1_000_000 + Math.floor(random() * 4_000_000);
  const start = options.startIndex ?? 0;
  return Array.from({ length: options.count }, (_, i) => {
    const index = start + i;
    const target = chooseTarget(random, mix);
    const envelope = pick(random, ENVELOPES);
    const first = pick(random, FIRST_NAMES);
    const last = random() < 0.15 ? `${surname(random)}-${surname(random)}` : surname(random);
    const preferred = random() < 0.25 ? pick(random, PREFERRED) : undefined;
    const employeeId = `${options.prefix}-${pad(index, 5)}`;
    const emailLocal = `${asciiLetters(first) || "emp"}.${asciiLetters(last)}.${index}`;
    const workEmail = `${emailLocal}@example.com`;
    const mobile = random() < 0.7 ? `+1415${pad(phoneBase + index, 7)}` : undefined;
    const desk =
      target === "sales-desk" || random() < 0.2 ? `+1512${pad(phoneBase + index, 7)}` : undefined;
    // Some HR systems send names decomposed (NFD) or padded: Connect must get NFC, trimmed.
    const sentFirst =
      random() < 0.2 ? `${first.normalize("NFD")}` : random() < 0.1 ? `  ${first} ` : first;
    const employee: Record<string, unknown> = {
      employeeId,
      firstName: sentFirst,
      lastName: last,
      workEmail: random() < 0.1 ? ` ${workEmail} ` : workEmail,
      ...attributesFor(random, target),
      ...(preferred ? { preferredFirstName: preferred } : {}),
      ...(mobile ? { mobilePhone: mobile } : {}),
      ...(desk ? { deskPhoneNumber: desk } : {}),
      ...(random() < 0.5 ? { country: pick(random, ["US", "PH", "BR", "PL", "IE"]) } : {}),
      ...(random() < 0.5 ? { employmentType: pick(random, ["FULL_TIME", "PART_TIME"]) } : {}),
      ...(random() < 0.3 ? { startDate: "2026-12-01", managerEmployeeId: "E100" } : {}),
      // Unknown fields are ignored, never an error.
      ...(random() < 0.2 ? { badgeNumber: 4000 + index, costCentre: "CC-9" } : {}),
    };
    const eventId = `${options.prefix}-evt-${pad(index, 5)}`;
    const canonical = {
      eventType: "EmployeeHired",
      eventId,
      occurredAt: "2026-11-28T10:00:00Z",
      source: "workday",
      employee,
    };
    const username =
      options.usernameFrom === "employeeId" ? employeeId.toLowerCase() : workEmail.toLowerCase();
    const firstName = (preferred ?? first).trim().normalize("NFC");
    const phones = [mobile, desk].filter((p): p is string => p !== undefined);
    return {
      index,
      eventId,
      employeeId,
      envelope,
      target,
      employee,
      firstName,
      lastName: last,
      workEmail,
      username,
      privateValues: [
        first,
        first.normalize("NFD"),
        last,
        ...(preferred ? [preferred] : []),
        workEmail,
        emailLocal,
        ...phones,
        ...phones.map((phone) => phone.slice(2)),
      ],
      body: envelopeBody(envelope, canonical, employee, options.prefix, index, random),
    };
  });
};

/** Wraps the canonical event in one of the envelopes of DESIGN section 2. */
const envelopeBody = (
  envelope: Envelope,
  canonical: Record<string, unknown>,
  employee: Record<string, unknown>,
  prefix: string,
  index: number,
  random: Random,
): string => {
  switch (envelope) {
    case "raw":
      return JSON.stringify(canonical);
    case "eventbridge":
    case "eventbridge-employee":
      return JSON.stringify({
        version: "0",
        // The employee-only form takes its eventId from the envelope's id: the same value.
        id: canonical.eventId,
        "detail-type": random() < 0.5 ? "Employee Hired" : "EmployeeHired",
        source: "hr.workday",
        account: "123456789012",
        time: "2026-11-28T10:00:05Z",
        region: "us-east-1",
        resources: [],
        detail: envelope === "eventbridge" ? canonical : employee,
      });
    case "sns":
      return JSON.stringify({
        Type: "Notification",
        MessageId: `${prefix}-sns-${index}`,
        TopicArn: "arn:aws:sns:us-east-1:123456789012:employee-hired",
        Message: JSON.stringify(canonical),
        Timestamp: "2026-11-28T10:00:06.000Z",
        SignatureVersion: "1",
      });
    case "cloudevents": {
      const mode = pick(random, ["object", "string", "base64"] as const);
      const { eventId, ...rest } = canonical;
      // The CloudEvent's id stands in for a missing eventId, as the envelope's own id.
      const data = random() < 0.5 ? canonical : rest;
      return JSON.stringify({
        specversion: "1.0",
        type: pick(random, ["com.bamboohr.employee.hired", "employee.hired"]),
        id: eventId,
        source: "/hr/bamboohr",
        time: "2026-11-28T10:00:07Z",
        datacontenttype: "application/json",
        ...(mode === "object"
          ? { data }
          : mode === "string"
            ? { data: JSON.stringify(data) }
            : { data_base64: Buffer.from(JSON.stringify(data), "utf8").toString("base64") }),
      });
    }
  }
};

/** A message that must be parked with `reason` and announced with a failed-event. */
export interface Poison {
  readonly label: string;
  readonly body: string;
  readonly reason: string;
  /** The eventId the failed-event must carry as sourceEventId, when the body has a usable one. */
  readonly eventId?: string;
  readonly employeeId?: string;
  readonly privateValues: readonly string[];
}

const KIB = 1024;

/**
 * Poison bodies of every kind the issue names: not JSON, wrong shapes, huge, wrong event
 * types, and hostile strings that make the hire invalid. Each body is distinct.
 */
export const generatePoison = (prefix: string): Poison[] => {
  const poison: Poison[] = [];
  let n = 0;
  const add = (
    label: string,
    reason: string,
    body: string,
    extra: Partial<Pick<Poison, "eventId" | "employeeId" | "privateValues">> = {},
  ) => poison.push({ label, reason, body, privateValues: [], ...extra });
  const hire = (employee: Record<string, unknown>, event: Record<string, unknown> = {}) => {
    const id = `${prefix}-bad-${pad(++n, 3)}`;
    const canonical = {
      eventType: "EmployeeHired",
      eventId: `${id}-evt`,
      occurredAt: "2026-11-28T10:00:00Z",
      source: "workday",
      ...event,
      employee: {
        employeeId: id,
        firstName: "Quentavia",
        lastName: "Brumwellish",
        workEmail: `${id.toLowerCase()}@example.com`,
        mobilePhone: "+14155559001",
        department: "Customer Care",
        location: "Remote",
        jobTitle: "Agent I",
        ...employee,
      },
    };
    return { id, canonical, eventId: canonical.eventId };
  };
  const hostile = (label: string, reason: string, employee: Record<string, unknown>) => {
    const { id, canonical, eventId } = hire(employee);
    const names = [employee.firstName, employee.lastName].filter(
      (v): v is string => typeof v === "string" && v.length >= 4,
    );
    // SQS refuses U+FFFE/U+FFFF raw in a body; as JSON escapes (ASCII) they get through.
    const body = JSON.stringify(canonical).replace(
      /[\uFFFE\uFFFF]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16)}`,
    );
    add(label, reason, body, {
      eventId,
      employeeId: id,
      privateValues: [...names, `${id.toLowerCase()}@example.com`, "+14155559001"],
    });
  };

  // Not JSON at all.
  add("not-json:text", "InvalidJson", `hello, I am not an event #${prefix}`);
  add("not-json:truncated", "InvalidJson", `{"eventType":"EmployeeHired","eventId":"${prefix}-t`);
  add("not-json:single-quotes", "InvalidJson", `{'eventType': 'EmployeeHired', 'id': '${prefix}'}`);
  add("not-json:nan", "InvalidJson", `NaN${prefix}`);
  add(
    "not-json:bom",
    "InvalidJson",
    `\uFEFF${JSON.stringify(hire({}).canonical)}`, // a byte-order mark is not JSON
  );
  // Only characters SQS accepts in a body (no C0 controls besides tab, LF and CR).
  add("not-json:whitespace", "InvalidJson", `\t{\n"a":\r} ${prefix}`);
  add(
    "not-json:sns-message",
    "InvalidJson",
    JSON.stringify({ Type: "Notification", Message: `not json ${prefix}`, MessageId: prefix }),
  );

  // JSON of the wrong shape.
  add("shape:array", "InvalidEvent", JSON.stringify([hire({}).canonical]));
  add("shape:number", "InvalidEvent", "42");
  add("shape:string", "InvalidEvent", JSON.stringify(`EmployeeHired ${prefix}`));
  add("shape:null", "InvalidEvent", "null");
  add("shape:boolean", "InvalidEvent", "true");
  add("shape:empty-object", "InvalidEvent", JSON.stringify({ note: prefix }));
  {
    const { canonical, eventId } = hire({});
    add(
      "shape:no-employee",
      "InvalidEvent",
      JSON.stringify({ ...canonical, employee: undefined }),
      { eventId },
    );
  }
  {
    const { canonical, eventId } = hire({});
    add("shape:employee-string", "InvalidEvent", JSON.stringify({ ...canonical, employee: "E1" }), {
      eventId,
    });
  }
  {
    const { canonical, eventId, id } = hire({ firstName: 1234, workEmail: ["x"] });
    add("shape:wrong-types", "InvalidEvent", JSON.stringify(canonical), {
      eventId,
      employeeId: id,
    });
  }
  {
    const { canonical, eventId, id } = hire({ workEmail: "not-an-email" });
    add("shape:bad-email", "InvalidEvent", JSON.stringify(canonical), { eventId, employeeId: id });
  }
  {
    const { canonical, eventId, id } = hire({ mobilePhone: "call me maybe" });
    add("shape:bad-phone", "InvalidEvent", JSON.stringify(canonical), { eventId, employeeId: id });
  }
  add(
    "shape:eventbridge-detail-string",
    "InvalidEvent",
    JSON.stringify({
      version: "0",
      id: `${prefix}-eb-bad`,
      "detail-type": "Employee Hired",
      source: "hr",
      detail: "E1",
    }),
  );
  add(
    "shape:cloudevent-null-data",
    "InvalidEvent",
    JSON.stringify({
      specversion: "1.0",
      type: "com.hr.employee.hired",
      id: `${prefix}-ce-bad`,
      source: "/hr",
      data: null,
    }),
  );
  add(
    "shape:sns-array",
    "InvalidEvent",
    JSON.stringify({ Type: "Notification", Message: "[1,2,3]", MessageId: `${prefix}-sns-arr` }),
  );

  // Huge bodies: over DESIGN's 256 KiB limit, valid or not.
  {
    // Rejected before it is read: the failed-event cannot name the hire.
    const { canonical } = hire({ notes: "x".repeat(300 * KIB) });
    add("huge:valid-hire", "PayloadTooLarge", JSON.stringify(canonical));
  }
  add("huge:array", "PayloadTooLarge", JSON.stringify(Array.from({ length: 70_000 }, (_, i) => i)));
  add("huge:not-json", "PayloadTooLarge", `${"{".repeat(257 * KIB)}${prefix}`);
  // At SQS's own 1 MiB ceiling: parked with its failure attributes it no longer fits, so the
  // DLQ copy must be cut (and flagged), in bytes, without splitting a character.
  add("huge:at-sqs-limit", "PayloadTooLarge", JSON.stringify(`${prefix}${"x".repeat(1_048_500)}`));
  add(
    "huge:at-sqs-limit-multibyte",
    "PayloadTooLarge",
    JSON.stringify(`${prefix}${"€".repeat(349_500)}`),
  );

  // Events of another type, in every envelope.
  {
    const { canonical, eventId, id } = hire({});
    add(
      "type:raw-promoted",
      "UnsupportedEventType",
      JSON.stringify({ ...canonical, eventType: "EmployeePromoted" }),
      { eventId, employeeId: id },
    );
  }
  {
    const { canonical, eventId, id } = hire({});
    add("type:numeric", "UnsupportedEventType", JSON.stringify({ ...canonical, eventType: 42 }), {
      eventId,
      employeeId: id,
    });
  }
  // A termination in each envelope, for an employee with no user: never a deletion of anyone
  // else's user, parked as NotManaged.
  add(
    "type:eventbridge-terminated",
    "NotManaged",
    JSON.stringify({
      version: "0",
      id: `${prefix}-eb-term`,
      "detail-type": "Employee Terminated",
      source: "hr",
      detail: hire({}).canonical.employee,
    }),
  );
  add(
    "type:cloudevents-terminated",
    "NotManaged",
    JSON.stringify({
      specversion: "1.0",
      type: "com.hr.employee.terminated",
      id: `${prefix}-ce-term`,
      source: "/hr",
      data: { ...hire({}).canonical, eventType: "EmployeeTerminated" },
    }),
  );
  // An envelope that says one thing and an event that says another: which one to believe
  // cannot be told, so the body is invalid.
  add(
    "type:eventbridge-contradiction",
    "InvalidEvent",
    JSON.stringify({
      version: "0",
      id: `${prefix}-eb-contra`,
      "detail-type": "Employee Terminated",
      source: "hr",
      detail: hire({}).canonical,
    }),
  );

  // Hostile strings that make the hire invalid.
  hostile("hostile:bell-in-first-name", "InvalidEvent", { firstName: "Quen\u0007tavia" });
  hostile("hostile:ansi-escape-last-name", "InvalidEvent", {
    lastName: "\u001b[31mBrumwellish\u001b[0m",
  });
  hostile("hostile:newline-in-last-name", "InvalidEvent", { lastName: "Brum\nwellish" });
  hostile("hostile:c1-control", "InvalidEvent", { firstName: "Quen\u0085tavia" });
  hostile("hostile:300-char-name", "InvalidEvent", { lastName: "Brumwellish".repeat(28) });
  // SAML instances take first names up to 255 characters (the API reference's UserIdentityInfo).
  hostile("hostile:261-char-first-name", "InvalidEvent", { firstName: "Quentavia".repeat(29) });
  {
    // An eventId no log may carry: the failed-event says sourceEventId null.
    const { canonical } = hire({}, { eventId: `${prefix}\u0000evt` });
    add("hostile:nul-in-event-id", "InvalidEvent", JSON.stringify(canonical));
  }
  {
    const { canonical } = hire({}, { eventId: "e".repeat(300) });
    add("hostile:300-char-event-id", "InvalidEvent", JSON.stringify(canonical));
  }
  // Invisible or reordering characters (DESIGN section 2): the event is invalid, naming the
  // field, rather than a department that silently matches no rule or a name Connect shows
  // reversed.
  hostile("hostile:rlm-in-department", "InvalidEvent", {
    department: "Customer Care\u200F",
    firstName: "Quentavio",
  });
  hostile("hostile:rlm-in-name", "InvalidEvent", { firstName: "\u200FQuentavia" });
  hostile("hostile:rlo-in-name", "InvalidEvent", { firstName: "Quen\u202Etavia" });
  hostile("hostile:bidi-isolates-in-name", "InvalidEvent", {
    firstName: "\u2066Quentavia\u2069",
  });
  hostile("hostile:zero-width-space-in-name", "InvalidEvent", { lastName: "Brum\u200Bwellish" });
  hostile("hostile:line-separator-in-name", "InvalidEvent", { lastName: "Brum\u2028wellish" });
  hostile("hostile:noncharacter-in-name", "InvalidEvent", { lastName: "Brumwell\uFFFFish" });
  hostile("hostile:lone-surrogate-in-name", "InvalidEvent", { lastName: "Brumwell\uD800ish" });
  // Valid events that no rule can serve as it stands.
  hostile("rule:desk-phone-missing", "MissingDeskPhone", { department: "Sales" });
  hostile("rule:no-mapping", "NoMappingRule", { department: "Finance" });
  hostile("rule:profile-missing", "ProfileNotFound", { department: "Quality" });
  return poison;
};

/**
 * Valid hires with hostile but legitimate names (emoji and emoji sequences, right-to-left text,
 * a Persian zero-width non-joiner, quotes, markup, exactly 100 characters): they must be
 * provisioned with their Unicode intact. Bidi controls are not legitimate: they are poison.
 */
export const generateHostileHires = (prefix: string, startIndex: number): Hire[] => {
  const names: [string, string][] = [
    ["🦄 Unicornia", "Sparklewood 🌈"],
    ["Zoë 👩🏽‍💻", "Kavórešu"],
    ["יעל", "כהןאברהם"],
    ["\u0645\u06CC\u200C\u062E\u0648\u0627\u0647", "Rahimizadeh"],
    ['O\'Brien "The Hammer"', "Back\\slashington"],
    ["<script>alert(1)</script>", "Robertsdroptables'); DROP TABLE users;--"],
    ["Zalgơ̴̢", "Ṯ̤͍̥͇͈h̲́ȅ͓̼̗̙̼̣͔"],
    ["A".repeat(100), "Hundredcharfirst"],
    ["محمد", "عبدالرحمن"],
    ["Isolated", "Bidiwrapped \u{1F469}\u200D\u{1F4BB}"],
  ];
  return names.map(([first, last], i) => {
    const index = startIndex + i;
    const employeeId = `${prefix}-${pad(index, 5)}`;
    const workEmail = `hostile.${index}@example.com`;
    const eventId = `${prefix}-evt-${pad(index, 5)}`;
    const employee = {
      employeeId,
      firstName: first,
      lastName: last,
      workEmail,
      department: "Customer Care",
      location: "Remote",
      jobTitle: "Agent I",
      mobilePhone: `+1415777${pad(index, 4)}`,
    };
    return {
      index,
      eventId,
      employeeId,
      envelope: "raw" as const,
      target: "cc-agents" as const,
      employee,
      firstName: first.trim().normalize("NFC"),
      lastName: last.trim().normalize("NFC"),
      workEmail,
      username: workEmail,
      privateValues: [first, last, workEmail, `+1415777${pad(index, 4)}`].filter(
        (value) => value.length >= 4,
      ),
      body: asciiSafeAstral(JSON.stringify({ eventType: "EmployeeHired", eventId, employee })),
    };
  });
};

/**
 * Writes characters beyond the BMP (emoji) as JSON \u escapes of their surrogate pairs, as
 * Python's json.dumps and many HR exports do. The parsed event is the same; fauxqs (unlike SQS)
 * refuses raw astral characters in a body, its character check lacking the regex `u` flag.
 */
const asciiSafeAstral = (json: string): string =>
  json.replace(/[\u{10000}-\u{10FFFF}]/gu, (char) =>
    Array.from({ length: char.length }, (_, i) => char.charCodeAt(i))
      .map((unit) => `\\u${unit.toString(16).padStart(4, "0")}`)
      .join(""),
  );
