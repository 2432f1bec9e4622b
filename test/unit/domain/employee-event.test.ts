import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  eventSchemas,
  KNOWN_EMPLOYEE_FIELDS,
  unacceptableCharacter,
  validateEmployeeRecord,
} from "../../../shared/domain/employee-event.js";
import { validEmployee, validEvent } from "../../support/builders.js";

describe("validateEmployeeRecord", () => {
  it("knows every employee field of DESIGN section 2", () => {
    expect([...KNOWN_EMPLOYEE_FIELDS].sort()).toEqual(
      [...Object.keys(validEmployee()), "directoryUserId"].sort(),
    );
  });

  it("lists the schema's own fields, in its order (the list is kept apart so the schema may be built lazily)", () => {
    expect(KNOWN_EMPLOYEE_FIELDS).toEqual(Object.keys(eventSchemas().EmployeeSchema.shape));
  });

  it("builds its schemas once: every caller gets the same instances", () => {
    const first = eventSchemas();
    expect(eventSchemas()).toBe(first);
    expect(first.EventSchema.shape.employee).toBe(first.EmployeeSchema);
  });

  it("lists issues by path, never with the offending value", () => {
    const result = validateEmployeeRecord(
      validEvent({ employee: { workEmail: "Zebediah at home", lastName: "Q".repeat(700) } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: "employee.lastName", message: "is longer than 600 characters" },
      { path: "employee.workEmail", message: "must be an email address" },
    ]);
  });

  it("rejects another eventType with a message naming the expected one", () => {
    const result = validateEmployeeRecord(validEvent({ eventType: "EmployeeTerminated" }));
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: "eventType",
          message: 'must be "EmployeeHired" or "EmployeeRehired" or "EmployeeUpdated"',
        },
      ],
    });
  });

  it("does not take fields from a '__proto__' key (an unknown field, as JSON.parse reads it)", () => {
    // JSON.parse makes "__proto__" an own property; it must stay an ignored unknown field and
    // never become the prototype the required fields are read from.
    const body = `{"eventType":"EmployeeHired","eventId":"e1","employee":{"__proto__":${JSON.stringify(
      validEmployee(),
    )}}}`;
    const result = validateEmployeeRecord(JSON.parse(body) as Record<string, unknown>);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path).sort()).toEqual([
      "employee.employeeId",
      "employee.firstName",
      "employee.lastName",
      "employee.workEmail",
    ]);
  });

  it("ignores a '__proto__' key next to valid fields", () => {
    const body = `{"__proto__":{"x":1},"eventType":"EmployeeHired","eventId":"e1","employee":${JSON.stringify(
      validEmployee({ jobTitle: undefined }),
    ).replace("{", '{"__proto__":{"jobTitle":"Supervisor"},')}}`;
    const result = validateEmployeeRecord(JSON.parse(body) as Record<string, unknown>);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.employee.jobTitle).toBeUndefined();
    expect(result.event.employee.attributes.jobTitle).toBeUndefined();
  });
});

const issuesOf = (overrides: Parameters<typeof validEvent>[0]) => {
  const result = validateEmployeeRecord(validEvent(overrides));
  return result.ok ? [] : result.issues;
};

describe("validateEmployeeRecord: characters that hide, reorder or are not text (DESIGN section 2)", () => {
  const TEXT_FIELDS = [
    "employeeId",
    "firstName",
    "lastName",
    "preferredFirstName",
    "department",
    "jobTitle",
    "jobCode",
    "location",
    "country",
    "employmentType",
    "managerEmployeeId",
    "startDate",
    "directoryUserId",
  ];

  it.each([
    ["U+202E right-to-left override", "Jos\u202Ee", "U+202E, an invisible formatting character"],
    ["U+200B zero-width space", "Jo\u200Bse", "U+200B, an invisible formatting character"],
    ["U+FEFF inside the value", "Jo\uFEFFse", "U+FEFF, an invisible formatting character"],
    ["U+2066 left-to-right isolate", "\u2066Jose", "U+2066, an invisible formatting character"],
    ["U+00AD soft hyphen", "Jo\u00ADse", "U+00AD, an invisible formatting character"],
    ["U+2028 line separator", "Jo\u2028se", "U+2028, a line or paragraph separator"],
    ["U+2029 paragraph separator", "Jo\u2029se", "U+2029, a line or paragraph separator"],
    ["U+0007 bell", "Jo\u0007se", "U+0007, a control character"],
    ["U+0085 next line", "Jo\u0085se", "U+0085, a control character"],
    ["U+FFFF", "Jo\uFFFFse", "U+FFFF, which is not a character"],
    ["U+FFFE", "Jo\uFFFEse", "U+FFFE, which is not a character"],
    ["U+FDD0", "Jo\uFDD0se", "U+FDD0, which is not a character"],
    ["U+10FFFF", "Jo\u{10FFFF}se", "U+10FFFF, which is not a character"],
    ["a lone high surrogate", "Jo\uD83Dse", "U+D83D, half of a surrogate pair"],
    ["a lone low surrogate", "Jose\uDE00", "U+DE00, half of a surrogate pair"],
    ["a joiner between Latin letters", "Jo\u200Dse", "U+200D, an invisible formatting character"],
    ["a non-joiner at the end", "\u0645\u0647\u200C", "U+200C, an invisible formatting character"],
  ])("rejects %s in every text field, naming the field and the code point only", (_, bad, why) => {
    for (const field of TEXT_FIELDS) {
      const issues = issuesOf({ employee: { [field]: bad } });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe(`employee.${field}`);
      expect(issues[0]?.message).toContain(`contains ${why}`);
      expect(JSON.stringify(issues)).not.toContain("Jo");
    }
  });

  it("checks the event's own text fields too", () => {
    expect(issuesOf({ eventId: "wd-\u202E1" }).map((i) => i.path)).toEqual(["eventId"]);
    expect(issuesOf({ source: "work\uFFFFday" }).map((i) => i.path)).toEqual(["source"]);
  });

  it.each([
    ["Persian with a zero-width non-joiner", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"],
    ["Devanagari with a virama and a joiner", "\u0915\u094D\u200D\u0937"],
    ["Malayalam chillu", "\u0D28\u0D4D\u200D\u0D28"],
    ["an emoji ZWJ sequence", "Ana \u{1F469}\u200D\u{1F4BB}"],
    ["an emoji sequence with a variation selector", "\u2764\uFE0F\u200D\u{1F525}"],
    ["accents, CJK, Arabic, emoji and a no-break space", "Zoë 山田 محمد 😀\u00A0Jr."],
  ])("accepts %s", (_, name) => {
    expect(issuesOf({ employee: { firstName: name, lastName: name } })).toEqual([]);
  });

  it("leaves an unknown field holding such characters out of the attributes, never an error", () => {
    const result = validateEmployeeRecord(
      validEvent({
        employee: { notes: "line one\nline two", costCenter: "CC\u202E-1", badge: "B7" },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.employee.attributes).toMatchObject({ badge: "B7" });
    expect(result.event.employee.attributes).not.toHaveProperty("notes");
    expect(result.event.employee.attributes).not.toHaveProperty("costCenter");
  });

  it("accepts every string made of letters, marks, numbers, punctuation, symbols and spaces", () => {
    const visible = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]*$/u;
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (value) => {
        fc.pre(visible.test(value) && !/\p{Noncharacter_Code_Point}/u.test(value));
        expect(unacceptableCharacter(value)).toBeUndefined();
      }),
      { numRuns: 1000, seed: 20261128 },
    );
  });

  it("finds the character wherever it sits in any string", () => {
    const bad = fc.constantFrom(
      "\u202E",
      "\u200B",
      "\uFEFF",
      "\u2028",
      "\u0000",
      "\uFFFF",
      "\uD800",
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), bad, fc.string({ maxLength: 20 }), (a, c, b) => {
        fc.pre(!/[\uD800-\uDBFF]$/.test(a) && !/^[\uDC00-\uDFFF]/.test(b));
        expect(unacceptableCharacter(`${a}${c}${b}`)).toMatch(/^contains U\+[0-9A-F]{4,6}, /);
      }),
      { numRuns: 500, seed: 20261128 },
    );
  });
});
