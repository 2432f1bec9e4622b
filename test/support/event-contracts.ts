/**
 * Every event a test sees published is checked against its committed schema in docs/schemas/
 * (what subscribers build against), so an event changed without its schema fails the test that
 * published it. Sources of published events register here (the RecordingPublisher of
 * fake-ports.ts, the local stacks of local-stack.ts); contract-check-setup.ts checks what they
 * published after every test. The reliability scenarios and the fuzzer call publishedEventProblems
 * themselves.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ValidateFunction } from "ajv";
import { DETAIL_TYPES } from "../../shared/contracts/detail-types.js";
import { fileNameOf } from "../../shared/contracts/names.js";

export interface PublishedEventLike {
  readonly detailType: string;
  readonly detail: unknown;
}

let validators: Map<string, ValidateFunction> | undefined;

/**
 * The committed Detail schemas, compiled once per process, by DetailType. Ajv is loaded on the
 * first event to check: most test files publish none, and loading it costs a third of a second.
 */
const validatorsByDetailType = (): Map<string, ValidateFunction> => {
  if (validators) return validators;
  const require = createRequire(import.meta.url);
  const { Ajv } = require("ajv") as typeof import("ajv");
  const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  validators = new Map(
    DETAIL_TYPES.map((detailType) => {
      const path = new URL(`../../docs/schemas/${fileNameOf(detailType)}.json`, import.meta.url);
      return [detailType, ajv.compile(JSON.parse(readFileSync(path, "utf8")))];
    }),
  );
  return validators;
};

/** What is wrong with each event, per its DetailType's schema: empty when all conform. */
export const publishedEventProblems = (events: readonly PublishedEventLike[]): string[] => {
  const problems: string[] = [];
  for (const event of events) {
    const validate = validatorsByDetailType().get(event.detailType);
    if (!validate) {
      problems.push(`"${event.detailType}" is not a DetailType of docs/schemas/`);
      continue;
    }
    if (validate(event.detail)) continue;
    const where = (event.detail as { eventId?: unknown } | null)?.eventId ?? "(no eventId)";
    for (const error of validate.errors ?? []) {
      const at = error.instancePath || "(detail)";
      const extra =
        error.keyword === "additionalProperties"
          ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
          : "";
      problems.push(`${event.detailType} ${String(where)}: ${at} ${error.message}${extra}`);
    }
  }
  return problems;
};

/** Where tests' published events are, and how many of each were checked already. */
const sources = new Map<() => readonly PublishedEventLike[], number>();

/** Checks what `read` returns after each test (new events only). */
export const watchPublished = (read: () => readonly PublishedEventLike[]): void => {
  sources.set(read, 0);
};

/** The problems of the events published since the last call, by every watched source. */
export const checkWatchedEvents = (): string[] => {
  const problems: string[] = [];
  for (const [read, checked] of sources) {
    const events = read();
    problems.push(...publishedEventProblems(events.slice(checked)));
    sources.set(read, events.length);
  }
  return problems;
};

/** A file's sources are done with once its tests are. */
export const forgetWatched = (): void => sources.clear();
