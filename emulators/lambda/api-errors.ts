/**
 * Lambda's error shapes for the event source mapping operations, with the HTTP statuses of the
 * service model (botocore `data/lambda/2015-03-31/service-2.json`) and the body members each
 * shape declares: a `Type` ("User" for caller faults, "Service" for the service's own) and the
 * text in `message` or `Message`, whichever the shape names.
 *
 * Model constraint failures (a BatchSize of 0, a FunctionName that breaks the pattern) are
 * answered as AWS's front end answers them: ValidationException (400), "1 validation error
 * detected: ...". It is not a shape of the model, so the SDK raises it as LambdaServiceException
 * named ValidationException.
 */
import { type Violation, violationMessage, WireError } from "../rest-json.js";

export const LAMBDA_ERROR_SHAPES = {
  InvalidParameterValueException: { status: 400, member: "message", type: "User" },
  ResourceNotFoundException: { status: 404, member: "Message", type: "User" },
  ResourceConflictException: { status: 409, member: "message", type: "User" },
  ResourceInUseException: { status: 400, member: "Message", type: "User" },
  TooManyRequestsException: { status: 429, member: "message", type: "User" },
  ServiceException: { status: 500, member: "Message", type: "Service" },
  ValidationException: { status: 400, member: "message", type: undefined },
  MissingAuthenticationTokenException: { status: 403, member: "message", type: undefined },
  SerializationException: { status: 400, member: "message", type: undefined },
  UnknownOperationException: { status: 404, member: "message", type: undefined },
} as const;

export type LambdaErrorName = keyof typeof LAMBDA_ERROR_SHAPES;

/** The errors a test may inject: the ones the SDK retries. */
export type InjectableLambdaError = "TooManyRequestsException" | "ServiceException";

export function lambdaError(
  code: LambdaErrorName,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): WireError {
  const shape = LAMBDA_ERROR_SHAPES[code];
  return new WireError(
    code,
    shape.status,
    message,
    { ...(shape.type ? { Type: shape.type } : {}), ...extra },
    shape.member,
    headers,
  );
}

export const invalidParameter = (message: string) =>
  lambdaError("InvalidParameterValueException", message);

export const invalidMembers = (violations: readonly Violation[]) =>
  lambdaError("ValidationException", violationMessage(violations));

/** What AWS answers for an unknown mapping UUID. */
export const mappingNotFound = () =>
  lambdaError("ResourceNotFoundException", "The resource you requested does not exist.");

export const functionNotFound = (functionArn: string) =>
  lambdaError("ResourceNotFoundException", `Function not found: ${functionArn}`);

export const throttled = () =>
  lambdaError(
    "TooManyRequestsException",
    "Rate exceeded",
    { Reason: "CallerRateLimitExceeded" },
    { "retry-after": "1" },
  );
