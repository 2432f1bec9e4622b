/**
 * The HR version of an event: when HR says the change happened (`occurredAt`, else the
 * envelope's time, else when SQS received the message), in epoch milliseconds. SQS neither keeps
 * order nor delivers once, so the ledger applies an employee's events by this version alone.
 */

/** RFC 3339 date-time with a zone: without one a time would read differently per machine. */
export const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of an RFC 3339 date-time, or undefined when the text is not one. */
export const parseDateTime = (text: string): number | undefined => {
  if (!DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text.replace(" ", "T"));
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * The version of an event whose `occurredAt` has been validated (or is absent). `sentAt` is the
 * message's SentTimestamp, the last resort.
 */
export const hrVersion = (occurredAt: string | undefined, sentAt: number): number =>
  (occurredAt === undefined ? undefined : parseDateTime(occurredAt)) ?? sentAt;
