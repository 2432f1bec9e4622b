/**
 * Source mappings (docs/sources.md): data, written in JSONata, that turn a payload in an HR
 * system's own shape into canonical events. This module validates a mapping document, compiles
 * its expressions once, picks the mapping whose `when` holds and evaluates it, every evaluation
 * bounded. It stays pure: the JSONata compiler is handed in by whoever loads it (lazily, at the
 * first payload a mapping is needed for), and every event a mapping builds then goes through
 * the very validation a canonical body goes through.
 */
import type jsonataType from "jsonata";
import * as z from "zod/mini";
import { type EmployeeEvent, isRecord, KNOWN_EMPLOYEE_FIELDS } from "./employee-event.js";
import { InvalidEventError, PermanentFailure, SourceMappingFailedError } from "./failures.js";
import { lazy } from "./lazy.js";
import {
  type EnvelopeContext,
  type FailureHints,
  hintsOf,
  validateCanonicalEvent,
} from "./message-body.js";

/** The `jsonata` package's default export: compiles an expression. */
export type JsonataCompiler = typeof jsonataType;
type Expression = ReturnType<JsonataCompiler>;

/** What bounds every evaluation (docs/sources.md, "Bounds"). */
export const EVALUATION_BOUNDS = {
  /** Wall time of one expression's evaluation. */
  timeoutMs: 250,
  /** Nested evaluation steps: a self-calling function that does not end stops here. */
  maxDepth: 300,
  /** Items in one sequence, a range such as [1..10000000] included (checked before allocating). */
  maxSequence: 100_000,
  /** Characters of any text an expression builds along the way. */
  maxTextLength: 1_000_000,
  /** Characters a regular expression may be run on. */
  maxRegexSubject: 4_096,
  /** All the evaluations of one payload together. */
  payloadBudgetMs: 1_000,
  /** Events one payload may become through `each`. */
  maxEvents: 100,
  /** Characters of a canonical member's result; none of the canonical fields allows more. */
  maxResultLength: 512,
} as const;

/** The top-level members that are JSONata expressions, besides `employee` and `attributes`. */
const EVENT_MEMBERS = ["eventType", "eventId", "occurredAt", "source"] as const;
const TOP_LEVEL_KEYS = [
  "sourceId",
  "description",
  "$comment",
  "when",
  "each",
  ...EVENT_MEMBERS,
  "employee",
  "attributes",
] as const;
/** Canonical fields JSON numbers may fill (HRIS exports often carry numeric IDs). */
const NUMERIC_FIELDS = new Set(["eventId", "employee.employeeId", "employee.managerEmployeeId"]);

const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_EXPRESSION_LENGTH = 4_096;

// Built on first use (the first mapping to validate), not at import: see ./lazy.ts.
const buildSchema = () => {
  const expression = z.string().check(
    z.refine((value) => value.trim() !== "", "must be a JSONata expression, not empty"),
    z.maxLength(MAX_EXPRESSION_LENGTH, `must be at most ${MAX_EXPRESSION_LENGTH} characters`),
  );

  return z.object({
    sourceId: z
      .string()
      .check(
        z.regex(
          SOURCE_ID,
          "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ),
      ),
    description: z.optional(z.string()),
    $comment: z.optional(z.string()),
    when: expression,
    each: z.optional(expression),
    eventType: expression,
    eventId: z.optional(expression),
    occurredAt: z.optional(expression),
    source: z.optional(expression),
    employee: z.record(z.string(), expression),
    attributes: z.optional(z.record(z.string(), expression)),
  });
};
const sourceMappingSchema = lazy(buildSchema);

/** A source mapping document as stored and as written in a file. */
export type SourceMapping = z.infer<ReturnType<typeof buildSchema>>;

export interface SourceMappingIssue {
  /** The member, e.g. `employee.workEmail`, or `(mapping)` for the document as a whole. */
  readonly path: string;
  readonly message: string;
  /** For a syntax error: the character offset in the expression where JSONata stopped. */
  readonly position?: number;
}

export type SourceMappingValidation =
  | { readonly ok: true; readonly mapping: SourceMapping }
  | {
      readonly ok: false;
      readonly sourceId?: string;
      readonly issues: readonly SourceMappingIssue[];
    };

/**
 * Checks a mapping document's shape, strictly like a rule: an unknown key is an error naming
 * it and the nearest known key; `employee` may only name canonical employee fields, and
 * `attributes` only names that are not (those belong under `employee`).
 */
export const validateSourceMapping = (candidate: unknown): SourceMappingValidation => {
  const sourceId =
    isRecord(candidate) && typeof candidate.sourceId === "string" ? candidate.sourceId : undefined;
  const fail = (issues: SourceMappingIssue[]): SourceMappingValidation =>
    sourceId === undefined ? { ok: false, issues } : { ok: false, sourceId, issues };
  if (!isRecord(candidate)) return fail([{ path: "(mapping)", message: "must be a JSON object" }]);
  const issues: SourceMappingIssue[] = unknownKeys(candidate, TOP_LEVEL_KEYS, "");
  if (isRecord(candidate.employee)) {
    issues.push(...unknownKeys(candidate.employee, KNOWN_EMPLOYEE_FIELDS, "employee."));
  }
  if (isRecord(candidate.attributes)) {
    for (const key of Object.keys(candidate.attributes)) {
      if (KNOWN_EMPLOYEE_FIELDS.includes(key)) {
        issues.push({
          path: `attributes.${key}`,
          message: `${key} is an employee field: map it under employee`,
        });
      }
    }
  }
  const result = sourceMappingSchema().safeParse(candidate);
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({
        path: issue.path.join(".") || "(mapping)",
        message:
          issue.code === "invalid_type" ? `must be ${article(issue.expected)}` : issue.message,
      });
    }
  }
  if (issues.length > 0 || !result.success) return fail(issues);
  return { ok: true, mapping: result.data };
};

const article = (expected: string): string =>
  expected === "object" || expected === "record" ? "an object" : `a ${expected}`;

const unknownKeys = (
  value: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
): SourceMappingIssue[] =>
  Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const nearest = suggestion(key, known);
      return {
        path: `${prefix}${key}`,
        message: `unknown key${nearest ? `: did you mean ${prefix}${nearest}?` : ""}`,
      };
    });

/** The known key within a third of the key's length in edits, if any (hierachyGroup → hierarchyGroup). */
export const suggestion = (key: string, known: readonly string[]): string | undefined => {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(key.length / 3)) ? best.name : undefined;
};

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/** Every member that holds an expression, by its path: `when`, `employee.firstName`, ... */
export const expressionsOf = (mapping: SourceMapping): [string, string][] => [
  ["when", mapping.when],
  ...(mapping.each === undefined ? [] : [["each", mapping.each] as [string, string]]),
  ...EVENT_MEMBERS.flatMap((member): [string, string][] =>
    mapping[member] === undefined ? [] : [[member, mapping[member] as string]],
  ),
  ...Object.entries(mapping.employee).map(([key, text]): [string, string] => [
    `employee.${key}`,
    text,
  ]),
  ...Object.entries(mapping.attributes ?? {}).map(([key, text]): [string, string] => [
    `attributes.${key}`,
    text,
  ]),
];

export type SourceMappingCompilation =
  | { readonly ok: true; readonly mapping: CompiledSourceMapping }
  | {
      readonly ok: false;
      readonly sourceId: string;
      readonly issues: readonly SourceMappingIssue[];
    };

/**
 * Compiles every expression of a valid mapping once. A syntax error is reported with the
 * member and the position JSONata stopped at; so is a regular expression that could backtrack
 * without end, and a call of `$eval` (it would run text from the payload as an expression).
 */
export const compileSourceMapping = (
  mapping: SourceMapping,
  jsonata: JsonataCompiler,
): SourceMappingCompilation => {
  const compiled = new Map<string, Expression>();
  const issues: SourceMappingIssue[] = [];
  for (const [path, text] of expressionsOf(mapping)) {
    try {
      const expr = jsonata(text, {
        timeout: EVALUATION_BOUNDS.timeoutMs,
        stack: EVALUATION_BOUNDS.maxDepth,
        sequence: EVALUATION_BOUNDS.maxSequence,
        RegexEngine: BoundedRegExp as unknown as RegExpConstructor,
      });
      const unsafe = unsafeConstruct(expr.ast());
      if (unsafe) {
        issues.push({ path, message: unsafe.message, position: unsafe.position });
        continue;
      }
      bound(expr);
      compiled.set(path, expr);
    } catch (error) {
      const { message, position } = describeJsonataError(error, false);
      issues.push({
        path,
        message: `syntax error: ${message}`,
        ...(position === undefined ? {} : { position }),
      });
    }
  }
  if (issues.length > 0) return { ok: false, sourceId: mapping.sourceId, issues };
  return { ok: true, mapping: new CompiledSourceMapping(mapping, compiled) };
};

/** Validates and compiles in one go: what a table item or a file entry goes through. */
export const readSourceMapping = (
  candidate: unknown,
  jsonata: JsonataCompiler,
): SourceMappingCompilation | Extract<SourceMappingValidation, { ok: false }> => {
  const validation = validateSourceMapping(candidate);
  return validation.ok ? compileSourceMapping(validation.mapping, jsonata) : validation;
};

/** One item of a payload, as a canonical event or the permanent failure that stopped it. */
export type MappedEvent =
  | { readonly ok: true; readonly event: EmployeeEvent }
  | { readonly ok: false; readonly error: PermanentFailure; readonly hints: FailureHints };

/** A mapping ready to use: `matches` runs its `when`, `events` the rest. */
export class CompiledSourceMapping {
  constructor(
    readonly definition: SourceMapping,
    private readonly expressions: ReadonlyMap<string, Expression>,
  ) {}

  get sourceId(): string {
    return this.definition.sourceId;
  }

  /** Does `when` hold for this unwrapped body? Anything but true, false or nothing fails. */
  async matches(payload: Record<string, unknown>): Promise<boolean> {
    const run = new PayloadRun(this.sourceId, payload);
    const result = await run.evaluate("when", this.expression("when"), payload);
    if (result === undefined || result === null || result === false) return false;
    if (result === true) return true;
    throw run.failure(
      "when",
      `must give true or false, not ${describeValue(result)} (wrap it in $exists() or $boolean())`,
    );
  }

  /**
   * The payload's events: one, or one per item of `each`. A failure of the whole payload
   * (`each`, the budget) throws SourceMappingFailed; a failure of one item stays that item's.
   */
  async events(payload: Record<string, unknown>, context: EnvelopeContext): Promise<MappedEvent[]> {
    const run = new PayloadRun(this.sourceId, payload);
    const items = await this.items(run, payload);
    const events: MappedEvent[] = [];
    for (const item of items) events.push(await this.event(run, item, context));
    return events;
  }

  private async items(run: PayloadRun, payload: Record<string, unknown>): Promise<unknown[]> {
    const each = this.expressions.get("each");
    if (!each) return [payload];
    const result = await run.evaluate("each", each, payload);
    const items = result === undefined ? [] : Array.isArray(result) ? result : [result];
    if (items.length === 0) throw run.failure("each", "found no items in the payload");
    if (items.length > EVALUATION_BOUNDS.maxEvents) {
      throw run.failure(
        "each",
        `found ${items.length} items; one payload may become at most ${EVALUATION_BOUNDS.maxEvents} events`,
      );
    }
    const bad = items.findIndex((item) => !isRecord(item));
    if (bad >= 0) {
      throw run.failure("each", `item ${bad + 1} is ${describeValue(items[bad])}, not an object`);
    }
    return items;
  }

  private async event(
    run: PayloadRun,
    item: unknown,
    context: EnvelopeContext,
  ): Promise<MappedEvent> {
    const candidate: Record<string, unknown> = {};
    const employee: Record<string, unknown> = {};
    try {
      for (const [path, expr] of this.expressions) {
        if (path === "when" || path === "each") continue;
        const value = resultValue(run, path, await run.evaluate(path, expr, item));
        if (value === undefined) continue;
        const [head, key] = splitPath(path);
        if (key === undefined) candidate[head] = value;
        else employee[key] = value;
      }
    } catch (error) {
      if (error instanceof PermanentFailure) {
        return { ok: false, error, hints: hintsOf({ ...candidate, employee }) };
      }
      throw error;
    }
    const canonical = {
      ...candidate,
      eventId: candidate.eventId ?? context.id,
      occurredAt: candidate.occurredAt ?? context.time,
      source: candidate.source ?? this.sourceId,
      employee,
    };
    const hints = hintsOf(canonical);
    try {
      return { ok: true, event: validateCanonicalEvent(canonical) };
    } catch (error) {
      if (!(error instanceof PermanentFailure)) throw error;
      return { ok: false, error: this.explain(error, canonical), hints };
    }
  }

  /**
   * A required field the mapping left empty is the mapping's failure (naming the field); a
   * value that is there but wrong is the event's, as it would be in a canonical body.
   */
  private explain(error: PermanentFailure, canonical: Record<string, unknown>): PermanentFailure {
    if (!(error instanceof InvalidEventError)) return error;
    const empty = error.paths.find((path) => valueAt(canonical, path) === undefined);
    if (empty !== undefined) {
      const how = this.definition[empty as keyof SourceMapping] ?? this.employeeExpression(empty);
      return new SourceMappingFailedError(
        `source ${this.sourceId}: ${empty}: ${how === undefined ? "the mapping has no expression for this required field" : "the expression found nothing in the payload"}`,
        this.sourceId,
        empty,
      );
    }
    return new InvalidEventError(`source ${this.sourceId}: ${error.message}`, error.paths);
  }

  private employeeExpression(path: string): string | undefined {
    const [head, key] = splitPath(path);
    return head === "employee" && key !== undefined ? this.definition.employee[key] : undefined;
  }

  private expression(path: string): Expression {
    const expr = this.expressions.get(path);
    if (!expr) throw new Error(`no compiled expression for ${path}`);
    return expr;
  }
}

/** The mappings of a table, tried in ascending sourceId: the first whose `when` holds wins. */
export class SourceMappingSet {
  readonly #mappings: readonly CompiledSourceMapping[];

  constructor(mappings: readonly CompiledSourceMapping[]) {
    this.#mappings = [...mappings].sort((a, b) =>
      a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0,
    );
  }

  get size(): number {
    return this.#mappings.length;
  }

  get sourceIds(): string[] {
    return this.#mappings.map((mapping) => mapping.sourceId);
  }

  async select(payload: Record<string, unknown>): Promise<CompiledSourceMapping | undefined> {
    for (const mapping of this.#mappings) {
      if (await mapping.matches(payload)) return mapping;
    }
    return undefined;
  }
}

// Evaluation -----------------------------------------------------------------------------------

/**
 * The evaluations of one payload. They run one at a time in the whole Lambda environment (see
 * `inLane`), so an evaluation's wall time is its own and a hostile mapping on one record cannot
 * run another record's evaluation past its time bound.
 */
class PayloadRun {
  /**
   * Time spent in this payload's own evaluations. Not the wall time since the payload began: the
   * evaluations of the batch's other records run in the same lane, and waiting behind them is no
   * fault of this mapping (a batch of large webhooks on a busy machine used to exhaust it).
   */
  #spentMs = 0;

  constructor(
    private readonly sourceId: string,
    private readonly payload: Record<string, unknown>,
  ) {}

  failure(field: string, problem: string, cause?: unknown): SourceMappingFailedError {
    return new SourceMappingFailedError(
      `source ${this.sourceId}: ${field}: ${problem}`,
      this.sourceId,
      field,
      cause === undefined ? undefined : { cause },
    );
  }

  async evaluate(field: string, expr: Expression, input: unknown): Promise<unknown> {
    if (this.#spentMs > EVALUATION_BOUNDS.payloadBudgetMs) {
      throw this.failure(
        field,
        `the payload's evaluations ran past their ${EVALUATION_BOUNDS.payloadBudgetMs} ms budget`,
      );
    }
    try {
      return await inLane(async () => {
        const started = performance.now();
        try {
          return await expr.evaluate(input, { payload: this.payload });
        } finally {
          this.#spentMs += performance.now() - started;
        }
      });
    } catch (error) {
      const { message, position } = describeJsonataError(error);
      throw this.failure(
        field,
        `${message}${position === undefined ? "" : ` (at position ${position})`}`,
        error,
      );
    }
  }
}

let lane: Promise<unknown> = Promise.resolve();

/** Runs evaluations one after another: JavaScript has one thread, so nothing is lost by it. */
const inLane = <T>(evaluation: () => Promise<T>): Promise<T> => {
  const run = lane.then(evaluation);
  lane = run.catch(() => undefined);
  return run;
};

/** Checks a member's result: text (or a number where an ID may be one), or nothing. */
const resultValue = (run: PayloadRun, path: string, result: unknown): unknown => {
  if (result === undefined || result === null) return undefined;
  const attribute = path.startsWith("attributes.");
  if (typeof result === "string") {
    if (result.length > EVALUATION_BOUNDS.maxResultLength) {
      throw run.failure(
        path,
        `gave ${result.length} characters; at most ${EVALUATION_BOUNDS.maxResultLength} may fill a field`,
      );
    }
    return result;
  }
  if (typeof result === "number" && Number.isFinite(result)) {
    if (NUMERIC_FIELDS.has(path)) return result;
    if (attribute) return String(result);
  }
  if (typeof result === "boolean" && attribute) return String(result);
  if (Array.isArray(result)) {
    throw run.failure(
      path,
      `gave ${result.length} values where one is needed (pick one, e.g. [0], or $join them)`,
    );
  }
  throw run.failure(path, `gave ${describeValue(result)} where text is needed (use $string())`);
};

/** Names a value's type, never the value: it may be a name or an email. */
const describeValue = (value: unknown): string => {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "function" || (isRecord(value) && "_jsonata_function" in value))
    return "a function";
  if (isRecord(value)) return "an object";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "string" ? "text" : String(value);
};

const splitPath = (path: string): [string, string | undefined] => {
  const dot = path.indexOf(".");
  return dot < 0 ? [path, undefined] : [path.slice(0, dot), path.slice(dot + 1)];
};

const valueAt = (root: Record<string, unknown>, path: string): unknown => {
  const [head, key] = splitPath(path);
  const value = root[head];
  const found = key === undefined ? value : isRecord(value) ? value[key] : undefined;
  return found === null || (typeof found === "string" && found.trim() === "") ? undefined : found;
};

interface JsonataErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly position?: unknown;
  readonly value?: unknown;
}

/**
 * JSONata's message and position, with the offending value taken out: messages such as "Unable
 * to cast value to a number: ..." would otherwise quote a name or an email from the payload.
 */
export const describeJsonataError = (
  error: unknown,
  /** Syntax errors quote the expression, not the payload: they keep their value. */
  redact = true,
): { message: string; position?: number; code?: string } => {
  const shape = (typeof error === "object" && error !== null ? error : {}) as JsonataErrorShape;
  const code = typeof shape.code === "string" ? shape.code : undefined;
  let message =
    typeof shape.message === "string" && shape.message !== ""
      ? shape.message
      : error instanceof Error
        ? error.message
        : "evaluation failed";
  if (redact && shape.value !== undefined && typeof shape.value !== "number") {
    const quoted = [JSON.stringify(shape.value), String(shape.value)].filter(
      (text): text is string => typeof text === "string" && text.length > 0,
    );
    for (const text of quoted) message = message.split(text).join("(value)");
  }
  const position = typeof shape.position === "number" ? shape.position : undefined;
  return {
    message: code ? `${message} [${code}]` : message,
    ...(position === undefined ? {} : { position }),
    ...(code === undefined ? {} : { code }),
  };
};

// Bounds -----------------------------------------------------------------------------------------

/**
 * JSONata's own guardrails (timeout, stack, sequence) stop long loops, deep recursion and huge
 * ranges. What they do not see is size: a few steps of `$s & $s` double a text past any memory.
 * The exit hook, called after every step with its result, stops any text or list past the
 * bound, so what one step may build is bounded by what the previous ones did.
 */
const bound = (expr: Expression): void => {
  const exit = (_node: unknown, _input: unknown, _environment: unknown, result: unknown) => {
    if (typeof result === "string" && result.length > EVALUATION_BOUNDS.maxTextLength) {
      throw {
        code: "SM001",
        message: `built a text of ${result.length} characters, past the bound of ${EVALUATION_BOUNDS.maxTextLength}`,
      };
    }
    if (Array.isArray(result) && result.length > EVALUATION_BOUNDS.maxSequence) {
      throw {
        code: "SM002",
        message: `built a list of ${result.length} items, past the bound of ${EVALUATION_BOUNDS.maxSequence}`,
      };
    }
  };
  (expr.assign as unknown as (name: symbol, value: unknown) => void)(
    Symbol.for("jsonata.__evaluate_exit"),
    exit,
  );
  // $eval would compile text from the payload, past the checks made here at compile time.
  expr.registerFunction("eval", () => {
    throw { code: "SM003", message: "$eval is not available in source mappings" };
  });
};

/**
 * A regular expression runs in one native step that no hook can interrupt. Nested unbounded
 * quantifiers are refused at compile time (they backtrack exponentially), and the text any
 * regular expression runs on is bounded, so what remains is polynomial in a bounded length.
 */
class BoundedRegExp extends RegExp {
  override exec(subject: string): RegExpExecArray | null {
    if (subject.length > EVALUATION_BOUNDS.maxRegexSubject) {
      throw {
        code: "SM004",
        message: `a regular expression may run on at most ${EVALUATION_BOUNDS.maxRegexSubject} characters, not ${subject.length}`,
      };
    }
    return super.exec(subject);
  }
}

interface AstNode {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly procedure?: { readonly value?: unknown };
}

/** The first construct the bounds cannot contain: a backtracking regex, or $eval. */
const unsafeConstruct = (root: unknown): { message: string; position?: number } | undefined => {
  const seen = new Set<unknown>();
  const visit = (node: unknown): { message: string; position?: number } | undefined => {
    if (typeof node !== "object" || node === null || seen.has(node)) return undefined;
    seen.add(node);
    const ast = node as AstNode;
    if (ast.type === "regex" && ast.value instanceof RegExp && nestedQuantifier(ast.value.source)) {
      return {
        message: `the regular expression /${ast.value.source}/ repeats a group that itself repeats, and could backtrack without end: remove the inner or the outer repetition`,
        ...(ast.position === undefined ? {} : { position: ast.position }),
      };
    }
    if (ast.type === "function" && ast.procedure?.value === "eval") {
      return {
        message: "$eval is not available in source mappings",
        ...(ast.position === undefined ? {} : { position: ast.position }),
      };
    }
    for (const child of Object.values(node)) {
      const found = visit(child);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root);
};

/** Does an unboundedly repeated group contain an unbounded repetition, as in (a+)+ or (\w*\s?)*? */
export const nestedQuantifier = (source: string): boolean => {
  const groups: boolean[] = [];
  let closedGroupRepeats = false;
  let afterGroup = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === "\\") {
      i++;
      afterGroup = false;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    const unbounded =
      char === "*" || char === "+" || (char === "{" && /^\{\d*,\}/.test(source.slice(i)));
    if (unbounded) {
      if (afterGroup && closedGroupRepeats) return true;
      if (groups.length > 0) groups[groups.length - 1] = true;
      afterGroup = false;
      continue;
    }
    afterGroup = false;
    if (char === "[") inClass = true;
    else if (char === "(") groups.push(false);
    else if (char === ")") {
      closedGroupRepeats = groups.pop() ?? false;
      if (closedGroupRepeats && groups.length > 0) groups[groups.length - 1] = true;
      afterGroup = true;
    }
  }
  return false;
};
