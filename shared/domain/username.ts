import type { Employee } from "./employee-event.js";
import { InvalidUsernameError } from "./failures.js";

/** How the Connect instance manages identities: the one list the function, CLI and stack read. */
export const IDENTITY_MANAGEMENT_TYPES = ["SAML", "CONNECT_MANAGED", "EXISTING_DIRECTORY"] as const;
export type IdentityManagementType = (typeof IDENTITY_MANAGEMENT_TYPES)[number];

/**
 * Connect's username length by identity management type (CreateUser API reference): SAML
 * instances take up to 64 characters, the others up to 20.
 */
export const USERNAME_MAX_LENGTH: Readonly<Record<IdentityManagementType, number>> = {
  SAML: 64,
  CONNECT_MANAGED: 20,
  EXISTING_DIRECTORY: 20,
};

/** The default: SAML instances need the username to be the IdP login, the work email. */
export const DEFAULT_USERNAME_TEMPLATE = "{workEmail}";

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;
// Connect accepts "@" only in an email-shaped username (testuser@example is rejected).
const EMAIL_SHAPED = /^[^@]+@[^@]+\.[^@]+$/;
/** The username characters of the CreateUser reference: [a-zA-Z0-9_-.@]. */
const USERNAME_CHARACTERS = /^[a-z0-9_.@-]+$/;
/** Its "email format": a local part, one @, dot-separated labels and a top-level domain. */
const USERNAME_EMAIL = /^[a-z0-9_.-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63}$/;

/** Letters that NFKD does not decompose into a base letter plus accents. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  ł: "l",
  þ: "th",
  ı: "i",
};

export const templatePlaceholders = (template: string): string[] =>
  [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);

/**
 * Builds the Connect username from the template (DESIGN section 4a), or throws
 * InvalidUsernameError naming the template and the fields it used, never their values.
 *
 * The default template `{workEmail}` gives the email as it is, only lower-cased: on SAML the
 * username must be the IdP login, and an altered email (`jo+hr@` made `johr@`, a long one cut
 * to its local part) is someone else's login or no one's. An email Connect would not take as a
 * username is refused instead. Any other template is folded to ASCII, lower-cased, stripped to
 * [a-z0-9._@-] and cut to the limit; a result with no letter or digit left (a name in a
 * non-Latin script) is refused, since every such employee would get the same username.
 */
export const buildUsername = (
  template: string,
  employee: Pick<Employee, "attributes">,
  identityManagementType: IdentityManagementType,
): string => {
  const max = USERNAME_MAX_LENGTH[identityManagementType];
  if (template.trim() === DEFAULT_USERNAME_TEMPLATE) {
    return emailUsername(employee.attributes.workEmail ?? "", identityManagementType, max);
  }
  const filled = template.replace(
    PLACEHOLDER,
    (_, field: string) => employee.attributes[field] ?? "",
  );
  let username = foldToAscii(filled)
    .toLowerCase()
    .replace(/[^a-z0-9._@-]/g, "");
  if (username.includes("@") && !EMAIL_SHAPED.test(username)) username = username.replace(/@/g, "");
  username = fitLength(username, max);
  if (!/[a-z0-9]/.test(username)) {
    const fields = [...new Set(templatePlaceholders(template))].join(", ");
    throw new InvalidUsernameError(
      `the username template "${template}" leaves no letter or digit of ${fields} for this employee; use a template with an ASCII field such as {employeeId} or {workEmail}`,
    );
  }
  return username;
};

const emailUsername = (email: string, type: IdentityManagementType, max: number): string => {
  const username = email.toLowerCase();
  const refuse = (why: string): never => {
    throw new InvalidUsernameError(
      `employee.workEmail cannot be the Connect username as it is (template ${DEFAULT_USERNAME_TEMPLATE}): ${why}; it is never altered, as it must match the login. Correct the email in HR, or set USERNAME_TEMPLATE`,
    );
  };
  if (!USERNAME_CHARACTERS.test(username)) {
    const refused = [...new Set(username.replace(/[a-z0-9_.@-]/g, ""))].join(" ");
    refuse(`it holds ${JSON.stringify(refused)}, and a username takes only a-z 0-9 . _ - @`);
  }
  if (!USERNAME_EMAIL.test(username)) refuse("it is not in the email format a username takes");
  if (username.length > max) {
    refuse(
      `it is ${username.length} characters, and ${type} instances take usernames of at most ${max}`,
    );
  }
  return username;
};

export const foldToAscii = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[ßẞæœøđðłþı]/gi, (letter) => {
      const folded = SPECIAL_FOLDS[letter.toLowerCase()] ?? letter;
      return letter === letter.toLowerCase() ? folded : folded.toUpperCase();
    });

// Cutting an email mid-domain would leave an "@" Connect rejects, so a long email-shaped result
// keeps its local part only (never with the default template: that email is never altered).
const fitLength = (username: string, max: number): string => {
  if (username.length <= max) return username;
  const local = username.includes("@") ? username.slice(0, username.indexOf("@")) : username;
  return local.slice(0, max);
};
