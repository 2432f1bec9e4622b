import type { Employee } from "./employee-event.js";

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

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;
// Connect accepts "@" only in an email-shaped username (testuser@example is rejected).
const EMAIL_SHAPED = /^[^@]+@[^@]+\.[^@]+$/;

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
 * Builds the Connect username from the template: placeholders take employee attributes, then
 * the result is folded to ASCII, lower-cased, stripped to [a-z0-9._@-] and cut to the limit.
 * Returns "" when nothing usable is left, which the caller must treat as a bad event.
 */
export const buildUsername = (
  template: string,
  employee: Pick<Employee, "attributes">,
  identityManagementType: IdentityManagementType,
): string => {
  const filled = template.replace(
    PLACEHOLDER,
    (_, field: string) => employee.attributes[field] ?? "",
  );
  let username = foldToAscii(filled)
    .toLowerCase()
    .replace(/[^a-z0-9._@-]/g, "");
  if (username.includes("@") && !EMAIL_SHAPED.test(username)) username = username.replace(/@/g, "");
  return fitLength(username, USERNAME_MAX_LENGTH[identityManagementType]);
};

export const foldToAscii = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[ßẞæœøđðłþı]/gi, (letter) => {
      const folded = SPECIAL_FOLDS[letter.toLowerCase()] ?? letter;
      return letter === letter.toLowerCase() ? folded : folded.toUpperCase();
    });

// Cutting an email mid-domain would leave an "@" Connect rejects, so a long email keeps its
// local part only.
const fitLength = (username: string, max: number): string => {
  if (username.length <= max) return username;
  const local = username.includes("@") ? username.slice(0, username.indexOf("@")) : username;
  return local.slice(0, max);
};
