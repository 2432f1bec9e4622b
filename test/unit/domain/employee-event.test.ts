import { describe, expect, it } from "vitest";
import {
  KNOWN_EMPLOYEE_FIELDS,
  validateEmployeeRecord,
} from "../../../shared/domain/employee-event.js";
import { validEmployee, validEvent } from "../../support/builders.js";

describe("validateEmployeeRecord", () => {
  it("knows every employee field of DESIGN section 2", () => {
    expect([...KNOWN_EMPLOYEE_FIELDS].sort()).toEqual(
      [...Object.keys(validEmployee()), "directoryUserId"].sort(),
    );
  });

  it("lists issues by path, never with the offending value", () => {
    const result = validateEmployeeRecord(
      validEvent({ employee: { workEmail: "Zebediah at home", lastName: "Q".repeat(300) } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: "employee.lastName", message: "is longer than 256 characters" },
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
