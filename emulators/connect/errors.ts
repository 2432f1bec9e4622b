/**
 * Service errors as the Connect API returns them (restJson1): the HTTP status of each error
 * shape comes from the service model (`httpError` trait, see
 * `node_modules/@aws-sdk/client-connect/dist-cjs` error schemas); the SDK reads the error name
 * from the `x-amzn-errortype` header and the text from the body's `Message` member.
 */

const STATUS = {
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  DuplicateResourceException: 409,
  LimitExceededException: 429,
  ThrottlingException: 429,
  InternalServiceException: 500,
  AccessDeniedException: 403,
  // Not Connect shapes, but what the AWS front end answers (the SDK maps them to the base
  // ConnectServiceException).
  MissingAuthenticationTokenException: 403,
  SerializationException: 400,
  UnknownOperationException: 404,
} as const;

export type ConnectErrorName = keyof typeof STATUS;

export class ConnectError extends Error {
  readonly code: ConnectErrorName;
  readonly status: number;

  constructor(code: ConnectErrorName, message: string) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = STATUS[code];
  }
}

export const invalidParameter = (message: string) =>
  new ConnectError("InvalidParameterException", message);
export const invalidRequest = (message: string) =>
  new ConnectError("InvalidRequestException", message);
export const notFound = (message: string) => new ConnectError("ResourceNotFoundException", message);
