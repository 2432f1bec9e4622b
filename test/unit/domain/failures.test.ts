import { describe, expect, it } from "vitest";
import {
  AmbiguousProfileError,
  ConnectRejectedError,
  ConnectThrottledError,
  ConnectUnavailableError,
  DeadLetterUnavailableError,
  EventPublishFailedError,
  ForbiddenProfileError,
  InternalError,
  InvalidEventError,
  InvalidJsonError,
  InvalidUsernameError,
  MappingTableUnavailableError,
  MissingDeskPhoneError,
  NoMappingRuleError,
  NotAuthorizedError,
  PayloadTooLargeError,
  ProfileNotFoundError,
  ProvisioningFailure,
  SourceMappingFailedError,
  SourceTableUnavailableError,
  toProvisioningFailure,
  UnsupportedEventTypeError,
  UserLookupPendingError,
  UsernameTakenError,
  UserQuotaExceededError,
} from "../../../shared/domain/failures.js";

describe("the failure taxonomy of DESIGN section 6", () => {
  it.each([
    [new InvalidJsonError("m"), "InvalidJson"],
    [new InvalidEventError("m"), "InvalidEvent"],
    [new UnsupportedEventTypeError("m"), "UnsupportedEventType"],
    [new PayloadTooLargeError("m"), "PayloadTooLarge"],
    [new NoMappingRuleError("m"), "NoMappingRule"],
    [new ProfileNotFoundError("m"), "ProfileNotFound"],
    [new AmbiguousProfileError("m"), "AmbiguousProfile"],
    [new ForbiddenProfileError("m"), "ForbiddenProfile"],
    [new MissingDeskPhoneError("m"), "MissingDeskPhone"],
    [new InvalidUsernameError("m"), "InvalidUsername"],
    [new UsernameTakenError("m"), "UsernameTaken"],
    [new ConnectRejectedError("m"), "ConnectRejected"],
    [new UserQuotaExceededError("m"), "UserQuotaExceeded"],
    [new NotAuthorizedError("m"), "NotAuthorized"],
    [new SourceMappingFailedError("m", "workday", "employee.workEmail"), "SourceMappingFailed"],
  ])("%s is permanent with reason %s", (error, reason) => {
    expect(error).toMatchObject({ reason, permanent: true, message: "m" });
    expect(error.name).toBe(`${reason}Error`);
  });

  it.each([
    [new ConnectThrottledError("m"), "ConnectThrottled"],
    [new ConnectUnavailableError("m"), "ConnectUnavailable"],
    [new UserLookupPendingError("m"), "UserLookupPending"],
    [new MappingTableUnavailableError("m"), "MappingTableUnavailable"],
    [new SourceTableUnavailableError("m"), "SourceTableUnavailable"],
    [new EventPublishFailedError("m"), "EventPublishFailed"],
    [new DeadLetterUnavailableError("m"), "DeadLetterUnavailable"],
    [new InternalError("m"), "InternalError"],
  ])("%s is transient with reason %s", (error, reason) => {
    expect(error).toMatchObject({ reason, permanent: false });
  });

  it("InvalidEventError carries its field paths", () => {
    expect(new InvalidEventError("m", ["employee.workEmail"]).paths).toEqual([
      "employee.workEmail",
    ]);
    expect(new InvalidEventError("m").paths).toEqual([]);
  });

  it("toProvisioningFailure keeps classified failures and presumes the rest transient", () => {
    const known = new NoMappingRuleError("m");
    expect(toProvisioningFailure(known)).toBe(known);
    const cause = new TypeError("x is undefined");
    const wrapped = toProvisioningFailure(cause);
    expect(wrapped).toBeInstanceOf(ProvisioningFailure);
    expect(wrapped).toMatchObject({
      reason: "InternalError",
      permanent: false,
      message: "unexpected TypeError",
    });
    expect(wrapped.cause).toBe(cause);
    expect(toProvisioningFailure("boom").message).toBe("unexpected string");
  });
});
