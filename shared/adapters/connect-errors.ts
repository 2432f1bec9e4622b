import {
  ConnectRejectedError,
  ConnectThrottledError,
  ConnectUnavailableError,
  NotAuthorizedError,
  type ProvisioningFailure,
  UserQuotaExceededError,
} from "../domain/failures.js";

const THROTTLING = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ThrottledException",
]);
const REJECTED = new Set([
  "InvalidParameterException",
  "InvalidRequestException",
  "ResourceNotFoundException",
]);
/**
 * Connect refused the caller, not the request: the role may not do this, or the credentials are
 * not accepted (unknown, badly signed, expired). Every call would fail alike: quarantine.
 */
const NOT_AUTHORIZED = new Set([
  "AccessDeniedException",
  "UnauthorizedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
  "ExpiredTokenException",
]);

interface SdkError {
  readonly name: string;
  readonly message: string;
  readonly $fault?: "client" | "server";
}

/**
 * Maps an AWS SDK error from a Connect call to the failure taxonomy. CreateUser's
 * LimitExceededException means the instance's user quota is full (permanent), although the
 * SDK's retry strategy would treat it as throttling; elsewhere it is a rate limit.
 */
export const classifyConnectError = (error: unknown, operation: string): ProvisioningFailure => {
  const { name, message, $fault } = asSdkError(error);
  if (name === "AbortError") {
    // Our own deadline, not Connect's answer: the call may or may not have taken effect (a
    // CreateUser that did is adopted on the next delivery).
    return new ConnectUnavailableError(
      `${operation}: no answer before the invocation's deadline; the call was aborted`,
      { cause: error },
    );
  }
  const text = `${operation}: ${name}: ${message}`;
  if (name === "LimitExceededException") {
    return operation === "CreateUser"
      ? new UserQuotaExceededError(`the instance's users-per-instance quota is full (${text})`, {
          cause: error,
        })
      : new ConnectThrottledError(text, { cause: error });
  }
  if (THROTTLING.has(name)) return new ConnectThrottledError(text, { cause: error });
  if (REJECTED.has(name)) return new ConnectRejectedError(text, { cause: error });
  if (NOT_AUTHORIZED.has(name)) return new NotAuthorizedError(text, { cause: error });
  // Any other 4xx is a request Connect will never accept as it stands; 5xx and network
  // errors (no $fault at all) are outages that heal.
  if ($fault === "client") return new ConnectRejectedError(text, { cause: error });
  return new ConnectUnavailableError(text, { cause: error });
};

const asSdkError = (error: unknown): SdkError => {
  if (error instanceof Error) {
    const fault = (error as { $fault?: unknown }).$fault;
    return {
      name: error.name,
      message: error.message,
      ...(fault === "client" || fault === "server" ? { $fault: fault } : {}),
    };
  }
  return { name: "UnknownError", message: String(error) };
};
