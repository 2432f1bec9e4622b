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
  isHeldBack,
  MappingTableUnavailableError,
  MissingDeskPhoneError,
  NoMappingRuleError,
  NotAuthorizedError,
  PayloadTooLargeError,
  ProfileNotFoundError,
  ProvisioningFailure,
  QuarantinedError,
  RemovalThresholdExceededError,
  SourceMappingFailedError,
  SourceTableUnavailableError,
  toProvisioningFailure,
  tripsQuarantine,
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
    [new NotAuthorizedError("m"), "NotAuthorized"],
    [new RemovalThresholdExceededError("m"), "RemovalThresholdExceeded"],
    [new QuarantinedError("m"), "Quarantined"],
  ])("%s is transient with reason %s", (error, reason) => {
    expect(error).toMatchObject({ reason, permanent: false });
  });

  it("hands quarantine's reasons back to the queue, never parked, and trips on the triggers only", () => {
    const trigger = (error: ProvisioningFailure) => [tripsQuarantine(error), isHeldBack(error)];
    expect(trigger(new NotAuthorizedError("m"))).toEqual([true, true]);
    expect(trigger(new RemovalThresholdExceededError("m"))).toEqual([true, true]);
    expect(trigger(new QuarantinedError("m"))).toEqual([false, true]);
    expect(trigger(new ConnectUnavailableError("m"))).toEqual([false, false]);
    expect(trigger(new NoMappingRuleError("m"))).toEqual([false, false]);
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
