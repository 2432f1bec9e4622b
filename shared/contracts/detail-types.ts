/**
 * The DetailTypes the service publishes on its bus (docs/subscribers.md), in a module of their
 * own with no schema library behind it: the function imports these names at run time, and the
 * schemas in output-events.ts only as types, so no schema is built at cold start.
 */

export const USER_CREATED = "Connect User Created";
export const USER_UPDATED = "Connect User Updated";
export const USER_REMOVAL_SCHEDULED = "Connect User Removal Scheduled";
export const USER_REMOVED = "Connect User Removed";
export const PROVISIONING_FAILED = "Connect User Provisioning Failed";
export const PROVISIONING_QUARANTINED = "Provisioning Quarantined";
export const PROVISIONING_RESUMED = "Provisioning Resumed";

/** Every DetailType of the bus, in the order the documentation lists them. */
export const DETAIL_TYPES = [
  USER_CREATED,
  USER_UPDATED,
  USER_REMOVAL_SCHEDULED,
  USER_REMOVED,
  PROVISIONING_FAILED,
  PROVISIONING_QUARANTINED,
  PROVISIONING_RESUMED,
] as const;
export type DetailType = (typeof DETAIL_TYPES)[number];

/** The only events that name the user's username (it is the work email by default). */
export const DETAIL_TYPES_WITH_USERNAME: readonly DetailType[] = [
  USER_CREATED,
  USER_UPDATED,
  USER_REMOVED,
];

/** The events' `source` unless the stack's eventSource (EVENT_SOURCE) says otherwise. */
export const DEFAULT_EVENT_SOURCE = "connect-onboarding";
