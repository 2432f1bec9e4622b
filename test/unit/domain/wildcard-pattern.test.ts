import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MatchMeter, WildcardPattern } from "../../../shared/domain/wildcard-pattern.js";

const SEED = 20261128;

/** The textbook dynamic program: plainly right, and quadratic, which is why it is only a reference. */
const referenceMatch = (pattern: string, value: string): boolean => {
  // row[j]: pattern[0..i) matches value[0..j)
  let row = Array.from({ length: value.length + 1 }, (_, j) => j === 0);
  for (const symbol of pattern) {
    const next = new Array<boolean>(value.length + 1).fill(false);
    if (symbol === "*") {
      for (let j = 0; j <= value.length; j++)
        next[j] = Boolean(row[j]) || (j > 0 && Boolean(next[j - 1]));
    } else {
      for (let j = 1; j <= value.length; j++)
        next[j] = Boolean(row[j - 1]) && value[j - 1] === symbol;
    }
    row = next;
  }
  return Boolean(row[value.length]);
};

const metered = (pattern: string, value: string): { matched: boolean; steps: number } => {
  const meter: MatchMeter = { steps: 0 };
  const matched = WildcardPattern.compile(pattern).matches(value, meter);
  return { matched, steps: meter.steps };
};

/** The bound the design promises: linear in the value, whatever the pattern. */
const linearBound = (pattern: string, value: string) => 2 * value.length + pattern.length + 1;

describe("WildcardPattern", () => {
  it.each([
    ["", "", true],
    ["", "a", false],
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["*", "", true],
    ["***", "xyz", true],
    ["a*", "a", true],
    ["*a", "ba", true],
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["ab*ba", "aba", false],
    ["*ab*ab*", "abab", true],
    ["*ab*ab*", "aab", false],
    ["*aab*", "aaab", true],
    ["*abcabd*", "abcabcabd", true],
  ])("%j on %j matches: %s", (pattern, value, expected) => {
    expect(WildcardPattern.compile(pattern).matches(value)).toBe(expected);
    expect(referenceMatch(pattern, value)).toBe(expected);
  });

  it("agrees with the reference matcher on small alphabets, where overlaps are common", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "*"), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 24 }),
        (pattern, value) => {
          const { matched, steps } = metered(pattern, value);
          expect(matched).toBe(referenceMatch(pattern, value));
          expect(steps).toBeLessThanOrEqual(linearBound(pattern, value));
        },
      ),
      { numRuns: 3000, seed: SEED },
    );
  });

  it("agrees with the reference matcher on any text, regular-expression characters included", () => {
    const unit = fc.oneof(
      fc.constantFrom("*", ".", "\\", "$", "^", "(", "[", "?", "+", "\n", "é", "😀"),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 10 }),
        fc.string({ unit, maxLength: 20 }),
        (pattern, value) => {
          expect(WildcardPattern.compile(pattern).matches(value)).toBe(
            referenceMatch(pattern, value),
          );
        },
      ),
      { numRuns: 1500, seed: SEED },
    );
  });

  it("finds every value built to match it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 4 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 5 }), {
          minLength: 6,
          maxLength: 6,
        }),
        (literals, fillers) => {
          const pattern = literals.join("*");
          const value = literals
            .map((literal, i) => (i === 0 ? "" : fillers[i]) + literal)
            .join("");
          expect(WildcardPattern.compile(pattern).matches(value)).toBe(true);
        },
      ),
      { numRuns: 1000, seed: SEED },
    );
  });

  describe("hostile patterns and values do linear work", () => {
    const as = (n: number) => "a".repeat(n);
    it.each([
      ["*a*a*a*b", as(256)],
      ["*a*a*a*a*a*b", as(256)],
      [`*${"a*".repeat(40)}b`, as(4096)],
      ["*aaaaaaaaaaaaaaaaaaab*", as(100_000)],
      [`${as(50)}*${as(50)}*b`, as(100_000)],
      ["*ab*ab*ab*ab*ab*ab*c", "ab".repeat(50_000)],
      [`*${"x*".repeat(1000)}`, "x".repeat(100_000)],
    ])("%j on %d characters", (pattern, value) => {
      const { matched, steps } = metered(pattern, value);
      expect(matched).toBe(referenceMatchCheap(pattern, value));
      expect(steps).toBeLessThanOrEqual(linearBound(pattern, value));
    });
  });
});

/**
 * The hostile cases above are too long for the quadratic reference; their answers are known by
 * construction: each ends in a literal the value does not hold, except the last, which matches.
 */
const referenceMatchCheap = (pattern: string, value: string): boolean =>
  value.length <= 300 ? referenceMatch(pattern, value) : pattern.startsWith("*x*");
