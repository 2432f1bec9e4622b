import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildUsername,
  foldToAscii,
  type IdentityManagementType,
  templatePlaceholders,
  USERNAME_MAX_LENGTH,
} from "../../../shared/domain/username.js";
import { hiredEvent } from "../../support/builders.js";

const SEED = 20261128;
const TYPES: readonly IdentityManagementType[] = ["SAML", "CONNECT_MANAGED", "EXISTING_DIRECTORY"];
const EMAIL_SHAPED = /^[^@]+@[^@]+\.[^@]+$/;

const build = (
  template: string,
  attributes: Record<string, string>,
  type: IdentityManagementType = "SAML",
) => buildUsername(template, { attributes }, type);

describe("buildUsername", () => {
  it("folds José Núñez to jose.nunez", () => {
    const { employee } = hiredEvent({ employee: { firstName: "José", lastName: "Núñez" } });
    expect(buildUsername("{firstName}.{lastName}", employee, "SAML")).toBe("jose.nunez");
    // Decomposed input (NFD) folds the same way.
    expect(
      build("{firstName}.{lastName}", { firstName: "Jose\u0301", lastName: "Nu\u0301n\u0303ez" }),
    ).toBe("jose.nunez");
  });

  it.each([
    ["Straße", "strasse"],
    ["STRAẞE", "strasse"],
    ["Æsa", "aesa"],
    ["Dæhlie", "daehlie"],
    ["Œuvre", "oeuvre"],
    ["Søren", "soren"],
    ["ØSTBY", "ostby"],
    ["Łukasz", "lukasz"],
    ["Wałęsa", "walesa"],
    ["Đorđe", "dorde"],
    ["Þór", "thor"],
    ["Yıldız", "yildiz"],
    ["Ñandú", "nandu"],
    ["Ångström", "angstrom"],
    ["Çelik", "celik"],
    ["ﬁnn", "finn"],
  ])("folds %j to %j", (name, folded) => {
    expect(build("{lastName}", { lastName: name })).toBe(folded);
  });

  it("keeps the work email as the default {workEmail} username, lower-cased", () => {
    const { employee } = hiredEvent({ employee: { workEmail: "Jose.Nunez@Example.com" } });
    expect(buildUsername("{workEmail}", employee, "SAML")).toBe("jose.nunez@example.com");
  });

  it("strips everything outside [a-z0-9._@-]", () => {
    expect(
      build("{firstName}.{lastName}", { firstName: "Mary Ann", lastName: "O'Brien-Smith Jr." }),
    ).toBe("maryann.obrien-smithjr.");
    expect(build("{workEmail}", { workEmail: "jose+care@example.com" })).toBe(
      "josecare@example.com",
    );
    expect(build("{firstName}_{employeeId}", { firstName: "Zoë!", employeeId: "E-12/34" })).toBe(
      "zoe_e-1234",
    );
  });

  it("keeps literal template text and fills unknown placeholders with nothing", () => {
    expect(build("agent-{employeeId}", { employeeId: "E12345" })).toBe("agent-e12345");
    expect(build("{nickname}.{lastName}", { lastName: "Lee" })).toBe(".lee");
  });

  it("reads unknown attributes the event carried", () => {
    const { employee } = hiredEvent({ employee: { badge: "B-77" } });
    expect(buildUsername("{badge}", employee, "SAML")).toBe("b-77");
  });

  it("returns an empty string when nothing usable is left", () => {
    expect(build("{lastName}", { lastName: "山田" })).toBe("");
    expect(build("{lastName}", {})).toBe("");
  });

  it("cuts to 64 characters on SAML and 20 otherwise", () => {
    expect(USERNAME_MAX_LENGTH).toEqual({ SAML: 64, CONNECT_MANAGED: 20, EXISTING_DIRECTORY: 20 });
    const long = { employeeId: "x".repeat(100) };
    expect(build("{employeeId}", long, "SAML")).toBe("x".repeat(64));
    expect(build("{employeeId}", long, "CONNECT_MANAGED")).toBe("x".repeat(20));
    expect(build("{employeeId}", long, "EXISTING_DIRECTORY")).toBe("x".repeat(20));
  });

  it("keeps a long email's local part only, never a dangling @", () => {
    const email = "jose.nunez@example.com"; // 22 characters
    expect(build("{workEmail}", { workEmail: email }, "SAML")).toBe(email);
    expect(build("{workEmail}", { workEmail: email }, "CONNECT_MANAGED")).toBe("jose.nunez");
    const longLocal = `${"a".repeat(30)}@example.com`;
    expect(build("{workEmail}", { workEmail: longLocal }, "EXISTING_DIRECTORY")).toBe(
      "a".repeat(20),
    );
    const samlLong = `${"b".repeat(50)}@subdomain.example.com`; // 72 characters
    expect(build("{workEmail}", { workEmail: samlLong }, "SAML")).toBe("b".repeat(50));
    const exactly64 = `${"c".repeat(52)}@example.com`;
    expect(build("{workEmail}", { workEmail: exactly64 }, "SAML")).toBe(exactly64);
  });

  it("removes an @ that is not part of an email-shaped username", () => {
    expect(build("{firstName}@{lastName}", { firstName: "Jose", lastName: "Nunez" })).toBe(
      "josenunez",
    );
    expect(build("{workEmail}", { workEmail: "a@b@example.com" })).toBe("abexample.com");
    expect(build("@{lastName}.com", { lastName: "Lee" })).toBe("lee.com");
    expect(build("{lastName}@", { lastName: "Lee" })).toBe("lee");
    expect(build("testuser@example", {})).toBe("testuserexample");
  });
});

describe("templatePlaceholders and foldToAscii", () => {
  it("lists the placeholders in order", () => {
    expect(templatePlaceholders("{firstName}.{lastName}@{ domain }{x_1}")).toEqual([
      "firstName",
      "lastName",
      "x_1",
    ]);
    expect(templatePlaceholders("static")).toEqual([]);
  });

  it("keeps the case of folded letters", () => {
    expect(foldToAscii("Æ æ Ø ø ß Ł")).toBe("AE ae O o ss L");
  });
});

describe("buildUsername: properties", () => {
  const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.constantFrom("José.Núñez@Example.com", "a@b", "@", "@@x.y", "Straße", "ÆØÅ", "x".repeat(90)),
  );
  const templateArb = fc
    .array(
      fc.oneof(
        fc.constantFrom("{firstName}", "{lastName}", "{workEmail}", "{employeeId}", "{x}"),
        text,
      ),
      {
        maxLength: 4,
      },
    )
    .map((parts) => parts.join(""));

  it("always gives [a-z0-9._@-] within the type's limit, with @ only in an email shape", () => {
    fc.assert(
      fc.property(
        templateArb,
        fc.record({ firstName: text, lastName: text, workEmail: text, employeeId: text }),
        fc.constantFrom(...TYPES),
        (template, attributes, type) => {
          const username = build(template, attributes, type);
          expect(username).toMatch(/^[a-z0-9._@-]*$/);
          expect(username.length).toBeLessThanOrEqual(USERNAME_MAX_LENGTH[type]);
          if (username.includes("@")) expect(username).toMatch(EMAIL_SHAPED);
        },
      ),
      { numRuns: 800, seed: SEED },
    );
  });

  it("leaves an already-clean username unchanged", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9._-]{1,20}$/),
        fc.constantFrom(...TYPES),
        (clean, type) => {
          expect(build("{employeeId}", { employeeId: clean }, type)).toBe(clean);
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
