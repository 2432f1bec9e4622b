import { randomInt } from "node:crypto";

const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const SYMBOLS = "!#$%*+-=?@^_";
const ALL = LOWER + UPPER + DIGITS + SYMBOLS;

/** Connect's password policy: 8 to 64 characters with an upper, a lower case letter and a digit. */
export const CONNECT_PASSWORD_POLICY = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/;

const LENGTH = 24;

/**
 * A one-time password for CONNECT_MANAGED users, from the CSPRNG. It goes into the CreateUser
 * request and nowhere else: the agent sets their own through Connect's reset flow.
 */
export const generatePassword = (pick: (max: number) => number = randomInt): string => {
  const required = [LOWER, UPPER, DIGITS, SYMBOLS].map((set) => charFrom(set, pick));
  const rest = Array.from({ length: LENGTH - required.length }, () => charFrom(ALL, pick));
  const chars = [...required, ...rest];
  // Fisher-Yates, so the required classes do not always sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
};

const charFrom = (set: string, pick: (max: number) => number): string =>
  set[pick(set.length)] as string;
