/**
 * Employee events (docs/events.md): a hire, rehire or update carries the employee's full
 * current record (state, not a delta); a termination or its rescission names the employee.
 */
import * as z from "zod/mini";
import { parseDateTime } from "./hr-version.js";
import { lazy } from "./lazy.js";

/** Events that carry the employee's whole record: each makes Connect match it. */
export const RECORD_EVENT_TYPES = ["EmployeeHired", "EmployeeRehired", "EmployeeUpdated"] as const;
export type RecordEventType = (typeof RECORD_EVENT_TYPES)[number];
/** Events about leaving. */
export const LEAVER_EVENT_TYPES = ["EmployeeTerminated", "EmployeeTerminationRescinded"] as const;
export const EMPLOYEE_EVENT_TYPES = [...RECORD_EVENT_TYPES, ...LEAVER_EVENT_TYPES] as const;
export type EmployeeEventType = (typeof EMPLOYEE_EVENT_TYPES)[number];
export type LeaverEventType = (typeof LEAVER_EVENT_TYPES)[number];

export const isLeaverEventType = (eventType: string): eventType is LeaverEventType =>
  (LEAVER_EVENT_TYPES as readonly string[]).includes(eventType);

/** A hire (or rehire) publishes Created even for a user that was there already. */
export const isHire = (eventType: EmployeeEventType): boolean =>
  eventType === "EmployeeHired" || eventType === "EmployeeRehired";

/**
 * A sanity bound on names, in UTF-16 code units: room for Connect's own limits (255 and 300
 * characters, checked in characters when the desired user is made) even in astral scripts.
 */
const MAX_NAME_LENGTH = 600;
const MAX_TEXT_LENGTH = 256;

// Connect's SecondaryEmail pattern (API reference, UserIdentityInfo); the work email must fit it.
const EMAIL = /^(?=.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/;
export const E164 = /^\+[1-9]\d{1,14}$/;

// Strings arrive trimmed and NFC-normalised from `compact`, which reads every field anyway.
export const text = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), (ctx) => {
    const problem = unacceptableCharacter(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

/** What HR systems write inside phone numbers and the service removes (global: for replace). */
export const PHONE_PUNCTUATION = /[\s\-().]/g;

/** The employee fields, in the order the schema declares them. */
const EMPLOYEE_FIELDS = [
  "employeeId",
  "firstName",
  "lastName",
  "preferredFirstName",
  "workEmail",
  "mobilePhone",
  "deskPhoneNumber",
  "department",
  "jobTitle",
  "jobCode",
  "location",
  "country",
  "employmentType",
  "managerEmployeeId",
  "startDate",
  "directoryUserId",
] as const;
type EmployeeField = (typeof EMPLOYEE_FIELDS)[number];

// Built on first use (a message to validate, or the contract documents), not at import: these
// are most of the zod work a cold start would otherwise do.
const buildSchemas = () => {
  // E.164 is what Connect takes.
  const PhoneNumberSchema = z.string().check(
    z.overwrite((value) => value.replace(PHONE_PUNCTUATION, "")),
    z.regex(E164, "must be an E.164 phone number"),
  );

  const EmployeeSchema = z.object({
    employeeId: text(128),
    firstName: text(MAX_NAME_LENGTH),
    lastName: text(MAX_NAME_LENGTH),
    preferredFirstName: z.optional(text(MAX_NAME_LENGTH)),
    workEmail: z.string().check(z.regex(EMAIL, "must be an email address")),
    mobilePhone: z.optional(PhoneNumberSchema),
    deskPhoneNumber: z.optional(PhoneNumberSchema),
    department: z.optional(text(MAX_TEXT_LENGTH)),
    jobTitle: z.optional(text(MAX_TEXT_LENGTH)),
    jobCode: z.optional(text(MAX_TEXT_LENGTH)),
    location: z.optional(text(MAX_TEXT_LENGTH)),
    country: z.optional(text(MAX_TEXT_LENGTH)),
    employmentType: z.optional(text(MAX_TEXT_LENGTH)),
    managerEmployeeId: z.optional(text(128)),
    startDate: z.optional(text(64)),
    directoryUserId: z.optional(text(MAX_TEXT_LENGTH)),
  } satisfies Record<EmployeeField, z.core.$ZodType>);

  // HR's time of the change is the event's version: it must say which instant it means.
  const DateTimeSchema = z.string().check(
    z.refine((value) => parseDateTime(value) !== undefined, {
      message: "must be an RFC 3339 date-time with a time zone, e.g. 2026-11-28T10:00:00Z",
    }),
  );

  const EventSchema = z.object({
    eventType: z.enum(RECORD_EVENT_TYPES),
    eventId: text(256),
    occurredAt: z.optional(DateTimeSchema),
    source: z.optional(text(256)),
    employee: EmployeeSchema,
  });

  /** A calendar date, `YYYY-MM-DD`, that exists. */
  const calendarDate = z.string().check(
    z.refine(
      (value) => {
        const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
        if (!match) return false;
        const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
        const date = new Date(Date.UTC(year, month - 1, day));
        return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1;
      },
      { message: "must be a calendar date, e.g. 2026-12-31" },
    ),
  );

  const timeZone = z
    .string()
    .check(
      z.refine(isTimeZone, { message: "must be an IANA time zone name, e.g. America/Chicago" }),
    );

  /**
   * A leaver names the employee: no other field is needed, and none is kept (a termination is
   * scheduled and remembered without names or contacts).
   */
  const LeaverEmployeeSchema = z.object({
    employeeId: text(128),
    lastDayOfWork: z.optional(calendarDate),
    timeZone: z.optional(timeZone),
  });

  const LeaverEventSchema = z.object({
    eventType: z.enum(LEAVER_EVENT_TYPES),
    eventId: text(256),
    occurredAt: z.optional(DateTimeSchema),
    /** When access ends; wins over the employee's lastDayOfWork. */
    effectiveAt: z.optional(DateTimeSchema),
    source: z.optional(text(256)),
    employee: LeaverEmployeeSchema,
    /**
     * Set on the termination a removal schedule delivers when due (docs/lifecycle.md): it
     * carries out the removal the ledger holds as pending, and nothing else.
     */
    scheduledRemoval: z.optional(z.boolean()),
  });

  return {
    PhoneNumberSchema,
    EmployeeSchema,
    DateTimeSchema,
    EventSchema,
    LeaverEventSchema,
  };
};

/** The canonical event's schemas, built once, on first use; always the same instances. */
export const eventSchemas = lazy(buildSchemas);
type EventSchemas = ReturnType<typeof buildSchemas>;

/** An IANA time zone name the runtime knows (its ICU data), e.g. America/Chicago. */
export const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return value.length <= 64;
  } catch {
    return false;
  }
};

/** A termination or its rescission. */
export type EmployeeLeaverEvent = z.infer<EventSchemas["LeaverEventSchema"]>;

/** Any employee event the service handles. */
export type EmployeeEvent = EmployeeRecordEvent | EmployeeLeaverEvent;

export const isLeaverEvent = (event: EmployeeEvent): event is EmployeeLeaverEvent =>
  isLeaverEventType(event.eventType);

export const isRecordEvent = (event: EmployeeEvent): event is EmployeeRecordEvent =>
  !isLeaverEventType(event.eventType);

export type LeaverValidation =
  | { readonly ok: true; readonly event: EmployeeLeaverEvent }
  | { readonly ok: false; readonly issues: readonly { path: string; message: string }[] };

/** Validates a termination or rescission as validateEmployeeRecord validates a record. */
export const validateLeaverEvent = (candidate: Record<string, unknown>): LeaverValidation => {
  const employee = isRecord(candidate.employee) ? compact(candidate.employee) : candidate.employee;
  const input = { ...compact(candidate), employee };
  const result = eventSchemas().LeaverEventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.join(".") || "(body)",
      message: describeIssue(issue, valueAt(input, issue.path)),
    })),
  };
};

export type Employee = z.infer<EventSchemas["EmployeeSchema"]> & {
  /**
   * Every scalar employee field as trimmed text, known or not: mapping rules and the username
   * template may name attributes this schema does not know (costCenter, businessUnit, ...).
   */
  readonly attributes: Readonly<Record<string, string>>;
};

/** A hire, rehire or update. */
export type EmployeeRecordEvent = Omit<z.infer<EventSchemas["EventSchema"]>, "employee"> & {
  readonly employee: Employee;
};

/** The names every template and rule may rely on; unknown attributes are allowed too. */
export const KNOWN_EMPLOYEE_FIELDS: readonly string[] = EMPLOYEE_FIELDS;
const KNOWN = new Set(KNOWN_EMPLOYEE_FIELDS);

export type EventValidation =
  | { readonly ok: true; readonly event: EmployeeRecordEvent }
  | { readonly ok: false; readonly issues: readonly { path: string; message: string }[] };

/**
 * Validates a canonical event object. Blank strings and nulls count as absent, numbers in ID
 * fields are accepted as text, and the failure lists field paths but never the values: they may
 * be names or emails, which must not reach logs.
 */
export const validateEmployeeRecord = (candidate: Record<string, unknown>): EventValidation => {
  const employee = isRecord(candidate.employee) ? compact(candidate.employee) : candidate.employee;
  const input = { ...compact(candidate), employee };
  const result = eventSchemas().EventSchema.safeParse(input);
  if (!result.success) {
    return {
      ok: false,
      issues: result.error.issues.map((issue) => ({
        path: issue.path.join(".") || "(body)",
        message: describeIssue(issue, valueAt(input, issue.path)),
      })),
    };
  }
  const attributes = {
    ...unknownScalars(employee as Record<string, unknown>),
    ...result.data.employee,
  };
  return { ok: true, event: { ...result.data, employee: { ...result.data.employee, attributes } } };
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// HRIS exports often carry numeric IDs; a number is never a valid name, so only IDs are coerced.
export const NUMERIC_ID_FIELDS: ReadonlySet<string> = new Set([
  "eventId",
  "employeeId",
  "managerEmployeeId",
]);

/** Drops absent values, trims and NFC-normalises text, and reads numeric IDs as text. */
const compact = (value: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    // JSON.parse keeps "__proto__" as an own key; assigning it here would set the prototype
    // and let the schema read required fields from it. It is an unknown field: ignore it.
    if (key === "__proto__") continue;
    if (raw === null || raw === undefined) continue;
    if (typeof raw === "string") {
      const cleaned = raw.trim().normalize("NFC");
      if (cleaned !== "") out[key] = cleaned;
      continue;
    }
    const numericId =
      typeof raw === "number" && Number.isSafeInteger(raw) && NUMERIC_ID_FIELDS.has(key);
    out[key] = numericId ? String(raw) : raw;
  }
  return out;
};

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (isRecord(node) ? node[key as string] : undefined), root);

/**
 * The fields the schema does not know, as text; the known ones come from the parse. Unknown
 * fields are never an error (DESIGN section 2), so one holding a character a known field may not
 * is left out of the attributes instead: no rule can match on it.
 */
const unknownScalars = (employee: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(employee)) {
    if (KNOWN.has(key)) continue;
    if (typeof value === "string") {
      if (unacceptableCharacter(value) === undefined) out[key] = value;
    } else if (typeof value === "boolean") out[key] = String(value);
    else if (typeof value === "number" && Number.isFinite(value)) out[key] = String(value);
  }
  return out;
};

// Describes what is wrong without echoing the value, which may be a name or an email.
const describeIssue = (issue: z.core.$ZodIssue, value: unknown): string => {
  switch (issue.code) {
    case "invalid_type":
      return value === undefined ? "is required" : `must be a ${issue.expected}`;
    case "too_small":
      return "is required";
    case "too_big":
      return `is longer than ${String(issue.maximum)} characters`;
    case "invalid_value":
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`;
    default:
      return issue.message === "Invalid input" ? "is invalid" : issue.message;
  }
};

/**
 * Characters no name or HR value holds: control characters (they corrupt logs and CSVs),
 * format characters (General Category Cf: U+202E reverses the text after it, U+200B and U+FEFF
 * hide inside a name), line and paragraph separators, and what is not a character at all
 * (noncharacters such as U+FFFF, unpaired surrogates), which SQS also refuses in a message
 * attribute, so a failure quoting such a value could not be parked.
 */
const UNACCEPTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}]|\p{Cs}/gu;

/**
 * The joiners U+200C and U+200D are format characters that spelling needs: in Persian and the
 * Indic scripts inside a word, and between the parts of an emoji sequence. They are accepted
 * there, and only there: never next to a Latin, Greek or Cyrillic letter, where they would only
 * hide, and never at an edge or beside a space.
 */
const JOINERS = new Set(["\u200c", "\u200d"]);
const WORD = /^[\p{L}\p{M}]$/u;
const SPOOFABLE =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Inherited}\p{Script=Common}]$/u;
const EMOJI_PART = /^(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}]|\uFE0F)$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;

const joinsWithinWord = (value: string, index: number): boolean => {
  const previous = [...value.slice(Math.max(0, index - 2), index)].at(-1);
  const nextCode = value.codePointAt(index + 1);
  if (previous === undefined || nextCode === undefined) return false;
  const next = String.fromCodePoint(nextCode);
  if (EMOJI_PART.test(previous)) return EMOJI.test(next);
  return WORD.test(previous) && !SPOOFABLE.test(previous) && WORD.test(next);
};

/**
 * What is wrong with a text value, naming the character by its code point only: the value may be
 * a name, which must not reach logs or failure messages.
 */
export const unacceptableCharacter = (value: string): string | undefined => {
  for (const match of value.matchAll(UNACCEPTABLE)) {
    const character = match[0];
    if (JOINERS.has(character) && joinsWithinWord(value, match.index)) continue;
    const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    return `contains ${code}, ${kindOf(character)}`;
  }
  return undefined;
};

const kindOf = (character: string): string => {
  if (/\p{Cc}/u.test(character)) return "a control character";
  if (/\p{Cs}/u.test(character)) return "half of a surrogate pair, which is not a character";
  if (/\p{Noncharacter_Code_Point}/u.test(character)) return "which is not a character";
  if (/[\p{Zl}\p{Zp}]/u.test(character)) return "a line or paragraph separator";
  return "an invisible formatting character";
};
