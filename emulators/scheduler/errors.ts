/**
 * EventBridge Scheduler's error shapes and their HTTP statuses, from the service model
 * (botocore `data/scheduler/2021-06-30/service-2.json`, `error.httpStatusCode`). Every shape
 * carries its text in `Message`.
 */
import { type Violation, violationMessage, WireError } from "../rest-json.js";

export const SCHEDULER_ERROR_STATUS = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
  // 402 is what the model says, odd as it looks.
  ServiceQuotaExceededException: 402,
  // Not Scheduler shapes, but what the AWS front end answers; the SDK maps them to
  // SchedulerServiceException.
  MissingAuthenticationTokenException: 403,
  SerializationException: 400,
  UnknownOperationException: 404,
} as const;

export type SchedulerErrorName = keyof typeof SCHEDULER_ERROR_STATUS;

/** The errors a test may inject: the model's retryable ones. */
export type InjectableSchedulerError = "ThrottlingException" | "InternalServerException";

export const schedulerError = (code: SchedulerErrorName, message: string): WireError =>
  new WireError(code, SCHEDULER_ERROR_STATUS[code], message);

export const validation = (message: string): WireError =>
  schedulerError("ValidationException", message);

export const invalidMembers = (violations: readonly Violation[]): WireError =>
  validation(violationMessage(violations));
