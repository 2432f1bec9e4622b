/** The local sender's rewrite for a queue that refuses characters beyond U+FFFF, and SQS's size. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  oversizedBody,
  SQS_MAX_MESSAGE_BYTES,
  withoutAstralCharacters,
} from "../../../shared/sqs-bodies.js";

const ASTRAL = /[\u{10000}-\u{10FFFF}]/u;
/** What fauxqs lets through: its own character check, code unit by code unit. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: tab, LF and CR are what SQS allows.
const FAUXQS_ACCEPTS = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]*$/;

/** Strings of any code points, astral ones often. */
const anyText = fc.string({ unit: "binary", maxLength: 20 });
const astralText = fc
  .tuple(anyText, fc.integer({ min: 0x10000, max: 0x10ffff }), anyText)
  .map(([a, point, b]) => `${a}${String.fromCodePoint(point)}${b}`);

describe("withoutAstralCharacters", () => {
  it("turns any JSON value's text into text that parses to the same value, with no astral character", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const { body, rewrite } = withoutAstralCharacters(text);
        expect(rewrite).toBe("escaped");
        expect(JSON.parse(body)).toEqual(JSON.parse(text));
        expect(body).not.toMatch(ASTRAL);
      }),
    );
  });

  it("keeps JSON text that has none exactly as it was", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "grapheme-ascii" }), (value) => {
        const text = JSON.stringify(value);
        expect(withoutAstralCharacters(text).body).toBe(text);
      }),
    );
  });

  it("replaces each astral character of a non-JSON body with one U+FFFD and nothing else", () => {
    fc.assert(
      fc.property(astralText, (text) => {
        const body = `not json: ${text}`;
        const fitted = withoutAstralCharacters(body);
        expect(fitted.rewrite).toBe("replaced");
        expect(fitted.body).toBe(body.replace(/[\u{10000}-\u{10FFFF}]/gu, "\uFFFD"));
        expect(fitted.body).not.toMatch(ASTRAL);
      }),
    );
  });

  it("gives an emoji hire a body fauxqs accepts, with the names intact once parsed", () => {
    const hire = { employee: { firstName: "Zoë 👩🏽‍💻", lastName: "🦄" } };
    const { body } = withoutAstralCharacters(JSON.stringify(hire));
    expect(body).toMatch(FAUXQS_ACCEPTS);
    expect(JSON.parse(body)).toEqual(hire);
  });
});

describe("oversizedBody", () => {
  it("finds the first body over SQS's limit by UTF-8 bytes, not characters", () => {
    const euros = "€".repeat(Math.floor(SQS_MAX_MESSAGE_BYTES / 3) + 1); // 3 bytes each
    expect(oversizedBody(["a", "x".repeat(SQS_MAX_MESSAGE_BYTES)])).toBeUndefined();
    const found = oversizedBody(["a", euros, "x".repeat(SQS_MAX_MESSAGE_BYTES + 1)]);
    expect(found).toMatchObject({ index: 1, bytes: Buffer.byteLength(euros) });
    expect(found?.message).toBe(
      `${Buffer.byteLength(euros).toLocaleString("en-US")} bytes, over SQS's limit of 1,048,576 bytes per message`,
    );
  });
});
