import { describe, expect, it, vi } from "vitest";
import {
  EMPLOYEE_ID_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
} from "../../../shared/domain/connect-user.js";
import {
  type CreateUserRequest,
  createUserRequest,
  desiredUser,
  type ResolvedProfiles,
  type UserSettings,
} from "../../../shared/domain/desired-user.js";
import type { EmployeeRecordEvent } from "../../../shared/domain/employee-event.js";
import {
  InvalidEventError,
  InvalidUsernameError,
  MissingDeskPhoneError,
} from "../../../shared/domain/failures.js";
import type { MappingRule } from "../../../shared/domain/mapping-rule.js";
import type { IdentityManagementType } from "../../../shared/domain/username.js";
import { type EventOverrides, hiredEvent, profiles, rule } from "../../support/builders.js";

const INSTANCE_ID = "10a4c4eb-f57e-4d4c-b602-bf39176ced07";

const settings = (
  identityManagementType: IdentityManagementType = "SAML",
  usernameTemplate = "{workEmail}",
): UserSettings & { instanceId: string } => ({
  instanceId: INSTANCE_ID,
  identityManagementType,
  usernameTemplate,
});

/** The desired user of an event under a rule, as CreateUser would be asked to make it. */
const buildCreateUserRequest = (
  event: EmployeeRecordEvent,
  forRule: MappingRule,
  resolved: ResolvedProfiles,
  userSettings: UserSettings & { instanceId: string },
  newPassword: () => string,
): CreateUserRequest =>
  createUserRequest(
    desiredUser(event.employee, forRule, resolved, userSettings),
    userSettings.instanceId,
    userSettings.identityManagementType,
    newPassword,
  );

const build = (
  options: {
    event?: EmployeeRecordEvent;
    rule?: MappingRule;
    type?: IdentityManagementType;
    template?: string;
    password?: () => string;
  } = {},
) =>
  buildCreateUserRequest(
    options.event ?? hiredEvent(),
    options.rule ?? rule(),
    profiles(),
    settings(options.type, options.template),
    options.password ?? (() => "Never-Used-1"),
  );

const eventWith = (employee: EventOverrides["employee"]) => hiredEvent({ employee });

const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
};

describe("desiredUser and createUserRequest", () => {
  it("builds the whole SAML request: no Password, no DirectoryUserId", () => {
    const newPassword = vi.fn(() => "Secret-Pass-1");
    const request = buildCreateUserRequest(
      hiredEvent(),
      rule({
        ruleId: "cc-austin-agents",
        phone: { type: "SOFT_PHONE", autoAccept: true, afterContactWorkTimeLimit: 30 },
        tags: { costCenter: "CC-100" },
      }),
      profiles(),
      settings("SAML"),
      newPassword,
    );
    expect(request).toEqual({
      InstanceId: INSTANCE_ID,
      Username: "jose.nunez@example.com",
      IdentityInfo: {
        FirstName: "Pepe",
        LastName: "Núñez",
        Email: "jose.nunez@example.com",
        Mobile: "+14155550100",
      },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
      SecurityProfileIds: profiles().securityProfileIds,
      RoutingProfileId: profiles().routingProfileId,
      HierarchyGroupId: profiles().hierarchyGroupId,
      Tags: { costCenter: "CC-100", employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    expect(request).not.toHaveProperty("Password");
    expect(request).not.toHaveProperty("DirectoryUserId");
    expect(newPassword).not.toHaveBeenCalled();
  });

  it("CONNECT_MANAGED: the Password comes from the generator, called once", () => {
    const newPassword = vi.fn(() => "Generated-Pass-9");
    const request = build({
      type: "CONNECT_MANAGED",
      template: "{employeeId}",
      password: newPassword,
    });
    expect(request.Password).toBe("Generated-Pass-9");
    expect(newPassword).toHaveBeenCalledTimes(1);
    expect(request).not.toHaveProperty("DirectoryUserId");
    expect(request.Username).toBe("e12345");
  });

  it("EXISTING_DIRECTORY: DirectoryUserId from the event, else the username; no Password", () => {
    const newPassword = vi.fn(() => "x");
    const withId = build({
      type: "EXISTING_DIRECTORY",
      template: "{employeeId}",
      event: eventWith({ directoryUserId: "S-1-5-21-1004" }),
      password: newPassword,
    });
    expect(withId.DirectoryUserId).toBe("S-1-5-21-1004");
    expect(withId).not.toHaveProperty("Password");

    const withoutId = build({
      type: "EXISTING_DIRECTORY",
      template: "{firstName}.{lastName}",
      password: newPassword,
    });
    expect(withoutId.Username).toBe("jose.nunez");
    expect(withoutId.DirectoryUserId).toBe("jose.nunez");
    expect(newPassword).not.toHaveBeenCalled();
  });

  it("uses the preferred first name when present, else the first name", () => {
    expect(build().IdentityInfo.FirstName).toBe("Pepe");
    expect(
      build({ event: eventWith({ preferredFirstName: undefined }) }).IdentityInfo.FirstName,
    ).toBe("José");
    expect(build({ event: eventWith({ preferredFirstName: "  " }) }).IdentityInfo.FirstName).toBe(
      "José",
    );
  });

  it("sets Mobile only when the employee has a mobile phone", () => {
    expect(build().IdentityInfo.Mobile).toBe("+14155550100");
    const request = build({ event: eventWith({ mobilePhone: undefined }) });
    expect(request.IdentityInfo).not.toHaveProperty("Mobile");
    expect(request.IdentityInfo.Email).toBe("jose.nunez@example.com");
  });

  it("DESK_PHONE takes the employee's desk number", () => {
    const request = build({
      rule: rule({
        phone: { type: "DESK_PHONE", autoAccept: false, afterContactWorkTimeLimit: 15 },
      }),
      event: eventWith({ deskPhoneNumber: "+1 (512) 555-0199" }),
    });
    expect(request.PhoneConfig).toEqual({
      PhoneType: "DESK_PHONE",
      AutoAccept: false,
      AfterContactWorkTimeLimit: 15,
      DeskPhoneNumber: "+15125550199",
    });
  });

  it("SOFT_PHONE never carries a desk number", () => {
    expect(build().PhoneConfig).not.toHaveProperty("DeskPhoneNumber");
  });

  it("DESK_PHONE without a desk number is a MissingDeskPhoneError naming the rule", () => {
    const error = thrown(() =>
      build({
        rule: rule({
          ruleId: "sales-desk",
          phone: { type: "DESK_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 },
        }),
        event: eventWith({ deskPhoneNumber: undefined }),
      }),
    );
    expect(error).toBeInstanceOf(MissingDeskPhoneError);
    expect(error).toMatchObject({ reason: "MissingDeskPhone", permanent: true });
    expect(error.message).toContain("sales-desk");
    expect(error.message).not.toMatch(/jos|n[uú]ñ?ez|4155550100/i);
  });

  it("omits HierarchyGroupId when the rule has no hierarchy group", () => {
    const request = buildCreateUserRequest(
      hiredEvent(),
      rule(),
      profiles({ hierarchyGroupId: undefined }),
      settings(),
      () => "",
    );
    expect(request).not.toHaveProperty("HierarchyGroupId");
  });

  it("copies the security profile IDs rather than sharing the array", () => {
    const resolved = profiles({ securityProfileIds: ["sp-1", "sp-2"] });
    const request = buildCreateUserRequest(hiredEvent(), rule(), resolved, settings(), () => "");
    expect(request.SecurityProfileIds).toEqual(["sp-1", "sp-2"]);
    expect(request.SecurityProfileIds).not.toBe(resolved.securityProfileIds);
  });

  it("tags: the rule's tags, plus employeeId and managedBy, which a rule cannot override", () => {
    expect([EMPLOYEE_ID_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE]).toEqual([
      "employeeId",
      "managedBy",
      "connect-onboarding",
    ]);
    const request = build({
      rule: rule({
        tags: { costCenter: "CC-1", employeeId: "E-FORGED", managedBy: "someone-else" },
      }),
    });
    expect(request.Tags).toEqual({
      costCenter: "CC-1",
      employeeId: "E12345",
      managedBy: "connect-onboarding",
    });
    expect(build().Tags).toEqual({ employeeId: "E12345", managedBy: "connect-onboarding" });
  });

  it.each<[IdentityManagementType, string, number]>([
    ["SAML", "firstName", 255],
    ["SAML", "lastName", 300],
    ["EXISTING_DIRECTORY", "firstName", 255],
    ["CONNECT_MANAGED", "firstName", 255],
    ["CONNECT_MANAGED", "lastName", 256],
  ])("%s takes a %s of %i characters and rejects one longer", (type, field, max) => {
    const at = (length: number) =>
      eventWith({ preferredFirstName: undefined, [field]: "n".repeat(length) });
    const ok = build({ type, event: at(max), template: "{employeeId}" });
    expect(
      field === "firstName" ? ok.IdentityInfo.FirstName : ok.IdentityInfo.LastName,
    ).toHaveLength(max);
    const error = thrown(() => build({ type, event: at(max + 1), template: "{employeeId}" }));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).paths).toEqual([`employee.${field}`]);
    expect(error.message).toContain(`employee.${field}`);
    expect(error.message).not.toContain("nnnn");
  });

  it("names preferredFirstName when that is the name too long", () => {
    const error = thrown(() =>
      build({ event: eventWith({ preferredFirstName: "p".repeat(256) }) }),
    );
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).paths).toEqual(["employee.preferredFirstName"]);
  });

  it("a username with no letter or digit is an InvalidUsernameError, without the employee's name", () => {
    const error = thrown(() =>
      build({
        template: "{firstName}",
        event: eventWith({ firstName: "山田", preferredFirstName: undefined }),
      }),
    );
    expect(error).toBeInstanceOf(InvalidUsernameError);
    expect(error).toMatchObject({ reason: "InvalidUsername", permanent: true });
    expect(error.message).toContain("{firstName}");
    expect(error.message).not.toContain("山田");
  });
});
