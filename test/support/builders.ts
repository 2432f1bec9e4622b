/**
 * Builders for unit tests: canonical employee event bodies (DESIGN section 2), the envelopes
 * that carry them, parsed events, and mapping rules (section 3). Every builder returns a fresh
 * object, so a test may mutate what it gets.
 */
import type { ResolvedProfiles } from "../../shared/domain/desired-user.js";
import { type EmployeeRecordEvent, isRecordEvent } from "../../shared/domain/employee-event.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";

export type JsonObject = Record<string, unknown>;

/** The employee of DESIGN section 2, every field filled. */
export const validEmployee = (overrides: JsonObject = {}): JsonObject =>
  withoutUndefined({
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
    ...overrides,
  });

/** Only the required employee fields. */
export const minimalEmployee = (overrides: JsonObject = {}): JsonObject =>
  withoutUndefined({
    employeeId: "E12345",
    firstName: "José",
    lastName: "Núñez",
    workEmail: "jose.nunez@example.com",
    ...overrides,
  });

export interface EventOverrides {
  readonly [key: string]: unknown;
  /** Merged into the employee; a key set to `undefined` is removed. */
  readonly employee?: JsonObject;
}

/**
 * The canonical event of DESIGN section 2. Top-level overrides replace fields, `employee`
 * overrides are merged into the employee, and any key set to `undefined` is removed.
 */
export const validEvent = (overrides: EventOverrides = {}): JsonObject => {
  const { employee, ...top } = overrides;
  return withoutUndefined({
    eventType: "EmployeeHired",
    eventId: "wd-7f3c9a",
    occurredAt: "2026-11-28T10:00:00Z",
    source: "workday",
    employee: validEmployee(employee ?? {}),
    ...top,
  });
};

export const EVENTBRIDGE_ID = "6a7e8feb-b491-4cf7-a9f1-bf3703467718";
export const EVENTBRIDGE_TIME = "2026-11-28T10:00:05Z";
export const EVENTBRIDGE_SOURCE = "hr.workday";

/** EventBridge → SQS target: the detail is a canonical event or just its employee object. */
export const eventBridge = (detail: unknown, overrides: JsonObject = {}): JsonObject =>
  withoutUndefined({
    version: "0",
    id: EVENTBRIDGE_ID,
    "detail-type": "Employee Hired",
    source: EVENTBRIDGE_SOURCE,
    account: "123456789012",
    time: EVENTBRIDGE_TIME,
    region: "us-east-1",
    resources: [],
    detail,
    ...overrides,
  });

/** SNS → SQS without raw delivery: the event travels as a string in `Message`. */
export const sns = (message: unknown, overrides: JsonObject = {}): JsonObject =>
  withoutUndefined({
    Type: "Notification",
    MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:employee-hired",
    Message: typeof message === "string" ? message : JSON.stringify(message),
    Timestamp: "2026-11-28T10:00:06.000Z",
    SignatureVersion: "1",
    ...overrides,
  });

export const CLOUDEVENT_ID = "ce-0001";
export const CLOUDEVENT_TIME = "2026-11-28T10:00:07Z";
export const CLOUDEVENT_SOURCE = "/hr/bamboohr";

export type CloudEventDataMode = "object" | "string" | "base64";

/** CloudEvents 1.0 structured JSON, with the data as an object, a JSON string or base64. */
export const cloudEvent = (
  data: unknown,
  mode: CloudEventDataMode = "object",
  overrides: JsonObject = {},
): JsonObject => {
  const payload =
    mode === "object"
      ? { data }
      : mode === "string"
        ? { data: JSON.stringify(data) }
        : { data_base64: Buffer.from(JSON.stringify(data), "utf8").toString("base64") };
  return withoutUndefined({
    specversion: "1.0",
    type: "com.bamboohr.employee.hired",
    id: CLOUDEVENT_ID,
    source: CLOUDEVENT_SOURCE,
    time: CLOUDEVENT_TIME,
    datacontenttype: "application/json",
    ...payload,
    ...overrides,
  });
};

/** Parses a body that must be a valid hire, failing the test loudly otherwise. */
export const parseOk = (body: unknown): EmployeeRecordEvent => {
  const result = parseMessageBody(typeof body === "string" ? body : JSON.stringify(body));
  if (!result.ok) {
    throw new Error(`expected a valid event, got ${result.error.reason}: ${result.error.message}`);
  }
  if (!isRecordEvent(result.event))
    throw new Error(`expected a hire or update, got ${result.event.eventType}`);
  return result.event;
};

/** A parsed hire built from `validEvent(overrides)`. */
export const hiredEvent = (overrides: EventOverrides = {}): EmployeeRecordEvent =>
  parseOk(validEvent(overrides));

/** A fully defaulted mapping rule, as `validateMappingRule` would return it. */
export const rule = (overrides: Partial<MappingRule> = {}): MappingRule => ({
  ruleId: "rule-1",
  priority: 0,
  enabled: true,
  match: {},
  routingProfile: "Basic Routing Profile",
  securityProfiles: ["Agent"],
  phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
  tags: {},
  ...overrides,
});

export const profiles = (overrides: Partial<ResolvedProfiles> = {}): ResolvedProfiles => ({
  routingProfileId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  securityProfileIds: ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"],
  hierarchyGroupId: "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b",
  ...overrides,
});

/** Removes the keys whose value is `undefined`, so overrides can delete fields. */
export const withoutUndefined = (value: JsonObject): JsonObject =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
