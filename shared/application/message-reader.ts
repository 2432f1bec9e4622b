import type { EmployeeEvent } from "../domain/employee-event.js";
import { ProvisioningFailure } from "../domain/failures.js";
import {
  type EnvelopeKind,
  type FailureHints,
  hintsOf,
  isCanonicalPayload,
  openMessageBody,
  parseMessageBody,
} from "../domain/message-body.js";
import type { CallContext } from "../ports.js";
import type { SourceBook } from "./source-book.js";

/** One event of a message, or the failure that stopped it. */
export type EventRead =
  | { readonly ok: true; readonly event: EmployeeEvent }
  | { readonly ok: false; readonly error: ProvisioningFailure; readonly hints: FailureHints };

/** What a message body holds: one event, or several when a source mapping splits it. */
export type MessageRead =
  | {
      readonly ok: true;
      readonly events: readonly EventRead[];
      readonly envelope: EnvelopeKind;
      /** The source mapping that read the payload; absent for a canonical body. */
      readonly sourceId?: string;
    }
  | { readonly ok: false; readonly error: ProvisioningFailure; readonly hints: FailureHints };

/**
 * Reads a message body into events: a canonical body as parseMessageBody reads it, any other
 * payload through the first source mapping whose `when` holds (docs/sources.md). Without a
 * source book, or when no mapping recognises the payload, this is exactly parseMessageBody.
 */
export class MessageReader {
  constructor(private readonly sources?: SourceBook) {}

  /** `context` bounds reading the source table, when a payload needs a mapping. */
  async read(body: string, context: CallContext): Promise<MessageRead> {
    if (!this.sources) return canonical(body);
    const opened = openMessageBody(body);
    if (!opened.ok || isCanonicalPayload(opened.payload)) return canonical(body);
    try {
      const mapping = await this.sources.mappingFor(opened.payload, context);
      if (!mapping) return canonical(body);
      const events = await mapping.events(opened.payload, opened.context);
      return { ok: true, events, envelope: opened.envelope, sourceId: mapping.sourceId };
    } catch (error) {
      // A mapping's failure (its `when` or `each`), or the source table out of reach.
      // The body's own IDs, if it has them, key the failure's log lines and letter all the same.
      if (error instanceof ProvisioningFailure) {
        return { ok: false, error, hints: hintsOf(opened.payload) };
      }
      throw error;
    }
  }
}

const canonical = (body: string): MessageRead => {
  const parsed = parseMessageBody(body);
  return parsed.ok
    ? { ok: true, events: [{ ok: true, event: parsed.event }], envelope: parsed.envelope }
    : parsed;
};
