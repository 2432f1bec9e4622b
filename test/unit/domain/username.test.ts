import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidUsernameError } from "../../../shared/domain/failures.js";
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
    expect(build("{firstName}+{lastName}@example.com", { firstName: "Jo", lastName: "HR" })).toBe(
      "johr@example.com",
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

  it.each([
    ["{firstName}.{lastName}", { firstName: "Иван", lastName: "Петров" }, "firstName, lastName"],
    ["{lastName}", { lastName: "山田" }, "lastName"],
    ["{firstName}_{lastName}", { firstName: "محمد", lastName: "علي" }, "firstName, lastName"],
    ["{lastName}", {}, "lastName"],
    ["{firstName}-{firstName}", { firstName: "..." }, "firstName"],
  ])(
    "refuses %j when no letter or digit is left, naming the template and its fields",
    (template, attributes, fields) => {
      let thrown: unknown;
      try {
        build(template, attributes);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidUsernameError);
      expect((thrown as Error).message).toContain(`"${template}"`);
      expect((thrown as Error).message).toContain(`of ${fields} for this employee`);
      for (const value of Object.values(attributes)) {
        expect((thrown as Error).message).not.toContain(value);
      }
    },
  );

  it("cuts to 64 characters on SAML and 20 otherwise", () => {
    expect(USERNAME_MAX_LENGTH).toEqual({ SAML: 64, CONNECT_MANAGED: 20, EXISTING_DIRECTORY: 20 });
    const long = { employeeId: "x".repeat(100) };
    expect(build("{employeeId}", long, "SAML")).toBe("x".repeat(64));
    expect(build("{employeeId}", long, "CONNECT_MANAGED")).toBe("x".repeat(20));
    expect(build("{employeeId}", long, "EXISTING_DIRECTORY")).toBe("x".repeat(20));
  });

  it("cuts a long email-shaped result of another template to its local part, never a dangling @", () => {
    const template = "{firstName}@{lastName}.example.com";
    const attributes = { firstName: "jose.nunez", lastName: "care" }; // 27 characters
    expect(build(template, attributes, "SAML")).toBe("jose.nunez@care.example.com");
    expect(build(template, attributes, "CONNECT_MANAGED")).toBe("jose.nunez");
    expect(
      build(template, { firstName: "a".repeat(30), lastName: "x" }, "EXISTING_DIRECTORY"),
    ).toBe("a".repeat(20));
    expect(build(template, { firstName: "b".repeat(50), lastName: "sub" }, "SAML")).toBe(
      "b".repeat(50),
    );
  });

  it("removes an @ that is not part of an email-shaped username", () => {
    expect(build("{firstName}@{lastName}", { firstName: "Jose", lastName: "Nunez" })).toBe(
      "josenunez",
    );
    expect(build("{firstName}@{lastName}", { firstName: "a@b", lastName: "example.com" })).toBe(
      "abexample.com",
    );
    expect(build("@{lastName}.com", { lastName: "Lee" })).toBe("lee.com");
    expect(build("{lastName}@", { lastName: "Lee" })).toBe("lee");
    expect(build("testuser@example", {})).toBe("testuserexample");
  });
});

describe("buildUsername: the default template {workEmail} (DESIGN section 4a)", () => {
  const refusal = (workEmail: string, type: IdentityManagementType = "SAML"): string => {
    try {
      build("{workEmail}", { workEmail }, type);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUsernameError);
      return (error as Error).message;
    }
    throw new Error("expected InvalidUsername");
  };

  it("uses the email as it is, only lower-cased", () => {
    expect(build("{workEmail}", { workEmail: "Jose.Nunez@Example.com" })).toBe(
      "jose.nunez@example.com",
    );
    expect(build("{workEmail}", { workEmail: "o_neil-2@mail.corp.example.co" })).toBe(
      "o_neil-2@mail.corp.example.co",
    );
    const exactly64 = `${"c".repeat(52)}@example.com`;
    expect(build("{workEmail}", { workEmail: exactly64 }, "SAML")).toBe(exactly64);
  });

  it("refuses an email with characters a username cannot hold, never dropping them", () => {
    const message = refusal("jo+hr@example.com");
    expect(message).toContain('it holds "+", and a username takes only a-z 0-9 . _ - @');
    expect(message).toContain("employee.workEmail cannot be the Connect username");
    expect(message).not.toContain("jo+hr");
    expect(refusal("100%real@example.com")).toContain('it holds "%"');
  });

  it("refuses an email longer than the instance type's limit, never cutting it", () => {
    const long = `${"b".repeat(63)}@example.com`; // 75 characters
    expect(refusal(long, "SAML")).toContain(
      "it is 75 characters, and SAML instances take usernames of at most 64",
    );
    expect(refusal("jose.nunez@example.com", "CONNECT_MANAGED")).toContain(
      "it is 22 characters, and CONNECT_MANAGED instances take usernames of at most 20",
    );
    expect(build("{workEmail}", { workEmail: "jo@example.com" }, "EXISTING_DIRECTORY")).toBe(
      "jo@example.com",
    );
  });

  it("refuses what is not in the email format Connect takes", () => {
    expect(refusal("a@b..com")).toContain("not in the email format");
    expect(refusal("")).toContain("employee.workEmail");
  });

  it("gives the lower-cased email or InvalidUsername, for any email", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.emailAddress(), fc.string({ maxLength: 80 })),
        fc.constantFrom(...TYPES),
        (email, type) => {
          let username: string | undefined;
          try {
            username = build("{workEmail}", { workEmail: email }, type);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidUsernameError);
            return;
          }
          expect(username).toBe(email.toLowerCase());
          expect(username.length).toBeLessThanOrEqual(USERNAME_MAX_LENGTH[type]);
          expect(username).toMatch(/^[a-z0-9_.-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$/);
        },
      ),
      { numRuns: 800, seed: SEED },
    );
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

  it("always gives [a-z0-9._@-] with a letter or digit within the type's limit, @ only in an email shape, or InvalidUsername", () => {
    fc.assert(
      fc.property(
        templateArb,
        fc.record({ firstName: text, lastName: text, workEmail: text, employeeId: text }),
        fc.constantFrom(...TYPES),
        (template, attributes, type) => {
          let username: string;
          try {
            username = build(template, attributes, type);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidUsernameError);
            return;
          }
          expect(username).toMatch(/[a-z0-9]/);
          expect(username).toMatch(/^[a-z0-9._@-]+$/);
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
        fc.stringMatching(/^[a-z0-9._-]{0,10}[a-z0-9][a-z0-9._-]{0,9}$/),
        fc.constantFrom(...TYPES),
        (clean, type) => {
          expect(build("{employeeId}", { employeeId: clean }, type)).toBe(clean);
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
