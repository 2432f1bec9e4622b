import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONNECT_PASSWORD_POLICY, generatePassword } from "../../../shared/domain/password.js";

const SEED = 20261128;

const expectGood = (password: string): void => {
  expect(password).toHaveLength(24);
  expect(password).toMatch(CONNECT_PASSWORD_POLICY);
  expect(password).toMatch(/[a-z]/);
  expect(password).toMatch(/[A-Z]/);
  expect(password).toMatch(/\d/);
  expect(password).toMatch(/^[\x21-\x7e]+$/);
};

describe("CONNECT_PASSWORD_POLICY", () => {
  it.each([
    ["Abcdefg1", true],
    ["Abcdef1", false],
    ["abcdefg1", false],
    ["ABCDEFG1", false],
    ["Abcdefgh", false],
    ["Abc def1", false],
    [`A1${"b".repeat(62)}`, true],
    [`A1${"b".repeat(63)}`, false],
  ])("%j conforms: %s", (password, ok) => {
    expect(CONNECT_PASSWORD_POLICY.test(password)).toBe(ok);
  });
});

describe("generatePassword", () => {
  it("meets Connect's policy with the default CSPRNG, every time", () => {
    fc.assert(
      fc.property(fc.constant(null), () => expectGood(generatePassword())),
      { numRuns: 500, seed: SEED },
    );
  });

  it("meets the policy whatever numbers the pick function returns", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 64 }), (numbers) => {
        let i = 0;
        const maxes: number[] = [];
        const pick = (max: number) => {
          maxes.push(max);
          return (numbers[i++ % numbers.length] as number) % max;
        };
        expectGood(generatePassword(pick));
        expect(maxes.every((max) => Number.isInteger(max) && max >= 1)).toBe(true);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it("meets the policy at the pick function's extremes", () => {
    expectGood(generatePassword(() => 0));
    expectGood(generatePassword((max) => max - 1));
  });

  it("is deterministic for a deterministic pick function", () => {
    const seeded = () => {
      let state = 42;
      return (max: number) => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state % max;
      };
    };
    expect(generatePassword(seeded())).toBe(generatePassword(seeded()));
  });

  it("gives a different password on every call", () => {
    const passwords = Array.from({ length: 500 }, () => generatePassword());
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});
