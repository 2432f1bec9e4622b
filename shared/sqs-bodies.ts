/**
 * What SQS takes in a message body, without the SDK: its size limit, and the rewrite that gets a
 * body SQS accepts into a queue (fauxqs) that refuses characters beyond U+FFFF. Read before any
 * client exists (`npm start` checks its input first).
 */

/** SQS's largest message (the onboarding queue and its DLQ are created with it). */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** A body SQS would refuse for its size: nothing of the batch it belongs to is sent. */
export class MessageTooLargeError extends Error {
  override readonly name = "MessageTooLargeError";
  constructor(
    /** Index of the body in the input. */
    readonly index: number,
    readonly bytes: number,
  ) {
    super(
      `${bytes.toLocaleString("en-US")} bytes, over SQS's limit of ${SQS_MAX_MESSAGE_BYTES.toLocaleString("en-US")} bytes per message`,
    );
  }
}

/** The first body SQS would refuse for its size, or undefined. */
export const oversizedBody = (bodies: readonly string[]): MessageTooLargeError | undefined => {
  for (const [index, body] of bodies.entries()) {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8: most bodies need no byte count.
    if (body.length * 3 <= SQS_MAX_MESSAGE_BYTES) continue;
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > SQS_MAX_MESSAGE_BYTES) return new MessageTooLargeError(index, bytes);
  }
  return undefined;
};

export const ASTRAL = /[\u{10000}-\u{10FFFF}]/u;
const ASTRAL_ALL = /[\u{10000}-\u{10FFFF}]/gu;

/** How a body was rewritten for a queue that refused its characters beyond U+FFFF. */
export type Rewrite =
  /** JSON: those characters written as \u escapes of their surrogate pairs; the same JSON value. */
  | "escaped"
  /** Not JSON, so no rewrite keeps it: those characters replaced with U+FFFD. */
  | "replaced";

/**
 * A body as a queue that refuses characters beyond U+FFFF can hold it. SQS accepts them; fauxqs,
 * the local stack's SQS, refuses them (its character check lacks the regex `u` flag). A JSON
 * body keeps its meaning exactly: such characters can only stand inside JSON strings, where a
 * \u surrogate-pair escape parses to the same string. Any other body cannot keep its every
 * character, and gets U+FFFD in their place (it is not JSON either way, so the function parks
 * it as InvalidJson, as it would on AWS).
 */
export const withoutAstralCharacters = (body: string): { body: string; rewrite: Rewrite } => {
  const escaped = body.replace(ASTRAL_ALL, (char) =>
    [0, 1].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
  try {
    JSON.parse(body);
    return { body: escaped, rewrite: "escaped" };
  } catch {
    return { body: body.replace(ASTRAL_ALL, "\uFFFD"), rewrite: "replaced" };
  }
};

/** What to tell whoever gave the body, per rewrite (only a queue that is not SQS refuses these). */
export const REWRITE_NOTE: Readonly<Record<Rewrite, string>> = {
  escaped:
    "the queue refused its characters beyond U+FFFF (SQS takes them; the local stack's fauxqs does not): sent with them as \\u escapes, the same JSON",
  replaced:
    "the queue refused its characters beyond U+FFFF (SQS takes them; the local stack's fauxqs does not): not JSON, so sent with U+FFFD in their place; it is parked as InvalidJson, as on AWS",
};
