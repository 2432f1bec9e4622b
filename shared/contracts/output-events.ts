/**
 * The contract of every event the service publishes on its bus (docs/subscribers.md): one zod
 * schema per DetailType for the event's Detail, and the TypeScript types inferred from them.
 * docs/schemas/, docs/asyncapi.yaml and the stack's EventBridge schema registry are generated
 * from these schemas (scripts/schemas.ts); the function builds its events typed by them
 * (shared/domain/output-events.ts imports the types only, so no schema is built at cold start).
 *
 * Every Detail is closed (no member beyond those listed): a subscriber can rely on what is not
 * there, a password or an email among them, and a test fails when an event gains a member that
 * its schema does not know.
 */
import * as z from "zod/mini";
import { IDENTITY_FIELDS, PHONE_FIELDS } from "../domain/connect-user.js";
import { QUARANTINE_REASONS, REASON_CODES } from "../domain/failures.js";
import { PHONE_TYPES } from "../domain/mapping-rule.js";
import { describe } from "./describe.js";
import {
  type DetailType,
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
  USER_CREATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
  USER_UPDATED,
} from "./detail-types.js";

const id = (what: string) => describe(z.string().check(z.minLength(1)), what);

/** Connect's ARN of a user: arn:<partition>:connect:<region>:<account>:instance/<id>/agent/<id>. */
const USER_ARN = /^arn:[\w-]+:connect:[a-z0-9-]+:\d{12}:instance\/[\w-]+\/agent\/[\w-]+$/;

/** The time the service published the event (an RFC 3339 UTC date-time). */
const publishedAt = describe(
  z.iso.datetime(),
  "When the service published the event (UTC). Not the HR event's own time: that is the source event's occurredAt.",
);

const eventId = describe(
  z.uuid(),
  "Deterministic: the same employee, instance, action and HR version always give the same eventId, so a redelivered or republished event can be recognised and dropped. De-duplicate on it.",
);

const instanceId = describe(
  z.string().check(z.regex(/^[A-Za-z0-9-]{1,100}$/)),
  "The Amazon Connect instance's ID.",
);

/** What every Detail about one employee's user carries (DESIGN section 7). */
const employeeFacts = {
  eventId,
  sourceEventId: id("The eventId of the HR event that caused this event."),
  employeeId: id("The HR system's employee ID."),
  instanceId,
  occurredAt: publishedAt,
};

const userFacts = {
  userId: id("The Connect user's ID."),
  userArn: describe(z.string().check(z.regex(USER_ARN)), "The Connect user's ARN."),
  username: id(
    "The Connect username (USERNAME_TEMPLATE; the work email by default). Only Created, Updated and Removed carry it.",
  ),
};

const ruleId = id("The mapping rule that decided the user's profiles.");

export const ConnectUserCreatedDetailSchema = z.strictObject({
  ...employeeFacts,
  ...userFacts,
  ruleId,
  routingProfileId: id("The user's routing profile ID."),
  securityProfileIds: describe(z.array(z.string()), "The user's security profile IDs."),
  hierarchyGroupId: describe(
    z.nullable(z.string()),
    "The user's hierarchy group ID, or null when it has none.",
  ),
  outcome: describe(
    z.enum(["CREATED", "ALREADY_EXISTED"]),
    "CREATED: the user was made now. ALREADY_EXISTED: the employee's user was there already (a hire replayed, or a user adopted); a Connect User Updated event follows when it had to be brought in line.",
  ),
});

/** Phone settings without the desk phone number, which is personal data. */
const PhoneSettingsSchema = z.strictObject({
  PhoneType: z.nullable(z.enum(PHONE_TYPES)),
  AutoAccept: z.boolean(),
  AfterContactWorkTimeLimit: z.int().check(z.nonnegative()),
});

const profileChange = <A extends string, T extends z.core.$ZodType>(aspect: A, value: T) =>
  z.strictObject({ aspect: z.literal(aspect), from: value, to: value });

/** One changed aspect of a user, {aspect, from, to}. Identity values are never included. */
export const UserChangeSchema = z.discriminatedUnion("aspect", [
  profileChange("routingProfile", z.string()),
  profileChange("securityProfiles", z.array(z.string())),
  profileChange("hierarchyGroup", z.nullable(z.string())),
  describe(
    z.strictObject({
      aspect: z.literal("identityInfo"),
      from: z.null(),
      to: z.null(),
      fields: z.array(z.enum(IDENTITY_FIELDS)),
    }),
    "Names the identity fields that changed; their values are personal data and never published.",
  ),
  describe(
    z.strictObject({
      aspect: z.literal("phoneConfig"),
      from: PhoneSettingsSchema,
      to: PhoneSettingsSchema,
      fields: z.array(z.enum(PHONE_FIELDS)),
    }),
    "The phone settings before and after; a changed desk phone number is named in fields only.",
  ),
  describe(
    z.strictObject({
      aspect: z.literal("tags"),
      from: z.record(z.string(), z.nullable(z.string())),
      to: z.record(z.string(), z.nullable(z.string())),
    }),
    "The rule tags that differ: null in from where the user had none, null in to where the tag was removed.",
  ),
  profileChange("status", z.string()),
]);

export const ConnectUserUpdatedDetailSchema = z.strictObject({
  ...employeeFacts,
  ...userFacts,
  ruleId,
  changes: describe(
    z.array(UserChangeSchema).check(z.minLength(1)),
    "One entry per aspect changed, each with its own Connect API.",
  ),
  usernameDrift: z.optional(
    describe(
      z.strictObject({ current: z.string(), desired: z.string() }),
      "Present when the username the employee should have differs from the user's: Connect cannot rename a user, so the user was kept.",
    ),
  ),
});

export const ConnectUserRemovalScheduledDetailSchema = z.strictObject({
  ...employeeFacts,
  userId: userFacts.userId,
  effectiveAt: describe(
    z.iso.datetime({ offset: true }),
    "When the user will be removed or disabled, unless the termination is rescinded first.",
  ),
});

/** What a leaver's removal did: DeleteUser, or the user disabled (LEAVER_ACTION). */
export const REMOVAL_ACTIONS = ["DELETED", "DISABLED"] as const;

export const ConnectUserRemovedDetailSchema = z.strictObject({
  ...employeeFacts,
  ...userFacts,
  action: describe(
    z.enum(REMOVAL_ACTIONS),
    "DELETED: DeleteUser (contact records and metrics survive it). DISABLED: the user keeps its login but gets the disabled routing and security profiles, loses its hierarchy group and is tagged status=disabled.",
  ),
});

export const ConnectUserProvisioningFailedDetailSchema = z.strictObject({
  eventId,
  sourceEventId: describe(
    z.nullable(z.string().check(z.minLength(1))),
    "The eventId of the HR event, or null when the message was too broken to have one.",
  ),
  employeeId: describe(
    z.nullable(z.string().check(z.minLength(1))),
    "The employee ID, or null when the message was too broken to say.",
  ),
  instanceId,
  occurredAt: publishedAt,
  reason: describe(z.enum(REASON_CODES), "The reason code (docs/failures.md)."),
  message: describe(
    z.string(),
    "What went wrong, for people. Never a name, email or phone number, never another employee's ID.",
  ),
});

const count = (what: string) => z.optional(describe(z.int().check(z.nonnegative()), what));

/** The figures behind a quarantine; which are present depends on the reason. */
const QuarantineCountsSchema = z.strictObject({
  removals: count("Removals and disables done in the last rolling 24 hours."),
  removalLimit: count(
    "The removals allowed per 24 hours: the lower of REMOVAL_THRESHOLD_COUNT and REMOVAL_THRESHOLD_PERCENT of the active employees.",
  ),
  activeEmployees: count("The employees the ledger holds as active."),
  heldBack: count("Removals waiting on the queue because of the quarantine."),
  windowRecords: count("Records in the failure window (QUARANTINE_WINDOW_RECORDS)."),
  failedRecords: count("Records of that window that failed permanently."),
});

const quarantineFacts = {
  eventId,
  sourceEventId: describe(
    z.nullable(z.string().check(z.minLength(1))),
    "The HR event that tripped the quarantine, or null when none did alone.",
  ),
  employeeId: describe(
    z.nullable(z.string().check(z.minLength(1))),
    "That event's employee, or null.",
  ),
  instanceId,
  occurredAt: publishedAt,
  reason: describe(
    z.enum(QUARANTINE_REASONS),
    "AccessDenied: Connect refuses the service's credentials. RemovalThresholdExceeded: a removal would pass the deletion threshold. FailureSpike: too many recent records failed permanently.",
  ),
  counts: QuarantineCountsSchema,
  since: describe(z.iso.datetime(), "When the quarantine began."),
};

export const ProvisioningQuarantinedDetailSchema = z.strictObject(quarantineFacts);

export const ProvisioningResumedDetailSchema = z.strictObject({
  ...quarantineFacts,
  allowRemovals: describe(
    z.int().check(z.nonnegative()),
    "The one-time raise of the removal allowance given on release (onboard quarantine release --allow-removals N); 0 when none.",
  ),
});

// One module for subscribers: the DetailTypes' names with their schemas and types.
export {
  DEFAULT_EVENT_SOURCE,
  DETAIL_TYPES,
  DETAIL_TYPES_WITH_USERNAME,
  type DetailType,
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
  USER_CREATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
  USER_UPDATED,
} from "./detail-types.js";

/** Each DetailType's Detail schema. */
export const OUTPUT_DETAIL_SCHEMAS = {
  [USER_CREATED]: ConnectUserCreatedDetailSchema,
  [USER_UPDATED]: ConnectUserUpdatedDetailSchema,
  [USER_REMOVAL_SCHEDULED]: ConnectUserRemovalScheduledDetailSchema,
  [USER_REMOVED]: ConnectUserRemovedDetailSchema,
  [PROVISIONING_FAILED]: ConnectUserProvisioningFailedDetailSchema,
  [PROVISIONING_QUARANTINED]: ProvisioningQuarantinedDetailSchema,
  [PROVISIONING_RESUMED]: ProvisioningResumedDetailSchema,
} as const satisfies Record<DetailType, z.core.$ZodType>;

/** When each event is published, for the documents generated from these schemas. */
export const OUTPUT_EVENT_DESCRIPTIONS: Readonly<Record<DetailType, string>> = {
  [USER_CREATED]:
    "A Connect user was created for an employee, or the employee's existing user was found (a hire for an employee who already has a user always publishes this, with outcome ALREADY_EXISTED).",
  [USER_UPDATED]:
    "An employee's existing Connect user was brought in line with HR: one entry per changed aspect.",
  [USER_REMOVAL_SCHEDULED]:
    "A termination with a future effective time: the user will be removed (or disabled) then.",
  [USER_REMOVED]: "A leaver's Connect user was deleted or disabled.",
  [PROVISIONING_FAILED]:
    "An employee event failed permanently and was parked on the dead-letter queue.",
  [PROVISIONING_QUARANTINED]:
    "The service stopped consuming its queue before it could do damage (docs/subscribers.md).",
  [PROVISIONING_RESUMED]: "An operator released the service from quarantine.",
};

export type ConnectUserCreatedDetail = z.output<typeof ConnectUserCreatedDetailSchema>;
export type ConnectUserUpdatedDetail = z.output<typeof ConnectUserUpdatedDetailSchema>;
export type ConnectUserRemovalScheduledDetail = z.output<
  typeof ConnectUserRemovalScheduledDetailSchema
>;
export type ConnectUserRemovedDetail = z.output<typeof ConnectUserRemovedDetailSchema>;
export type ConnectUserProvisioningFailedDetail = z.output<
  typeof ConnectUserProvisioningFailedDetailSchema
>;
export type ProvisioningQuarantinedDetail = z.output<typeof ProvisioningQuarantinedDetailSchema>;
export type ProvisioningResumedDetail = z.output<typeof ProvisioningResumedDetailSchema>;
export type UserChangeDetail = z.output<typeof UserChangeSchema>;

/** The Detail of one DetailType. */
export type DetailOf<T extends DetailType> = z.output<(typeof OUTPUT_DETAIL_SCHEMAS)[T]>;

/** An event as the bus carries it, before EventBridge adds its envelope. */
export type BusEvent<T extends DetailType = DetailType> = {
  [K in T]: { readonly source: string; readonly detailType: K; readonly detail: DetailOf<K> };
}[T];
