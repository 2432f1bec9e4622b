/**
 * The wire side of AWS's restJson1 protocol, shared by the emulators that speak it: the SDK
 * reads an error's name from the `x-amzn-errortype` header (it strips anything after `:`) and
 * its text from the body's `message` or `Message` member; bodies and timestamps are JSON
 * (timestamps as epoch seconds unless the model says otherwise).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Far above any valid request of the emulated APIs; guards memory only. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A service error as it goes on the wire: name, HTTP status, body, extra headers. */
export class WireError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** The body members besides the message, e.g. Lambda's `Type`. */
    readonly extra: Record<string, unknown> = {},
    /** The member that carries the message in this error shape (`message` or `Message`). */
    readonly messageMember: "message" | "Message" = "Message",
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** Reads the whole body; a request no valid call could produce is refused, not buffered. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) {
        reject(new WireError("SerializationException", 413, "Request body too large"));
      } else {
        resolve(Buffer.concat(chunks).toString("utf8"));
      }
    });
    req.on("error", reject);
  });
}

/** An empty body is an empty object: the SDK sends none for operations without a payload. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WireError("SerializationException", 400, "The request body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new WireError("SerializationException", 400, "The request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/**
 * Splits the path before decoding, so that a label holding an encoded `/` (an ARN) stays one
 * label. A trailing slash is dropped: botocore's older Lambda models end list paths with one.
 */
export function pathSegments(pathname: string): string[] | undefined {
  try {
    const trimmed =
      pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
    return trimmed.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: WireError): void {
  const payload = JSON.stringify({ ...error.extra, [error.messageMember]: error.message });
  res.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
    "x-amzn-errortype": error.code,
    ...error.headers,
  });
  res.end(payload);
}

/** restJson1 sends timestamps in bodies as epoch seconds, fractions allowed. */
export const epochSeconds = (ms: number): number => ms / 1000;

/**
 * One model constraint that failed, in the form AWS's front ends report them:
 * `Value 'x' at 'path' failed to satisfy constraint: Member must ...`.
 */
export interface Violation {
  path: string;
  value: unknown;
  constraint: string;
}

/** `1 validation error detected: ...; ...`, AWS's message for model constraint failures. */
export function violationMessage(violations: readonly Violation[]): string {
  const count = violations.length;
  const head = `${count} validation error${count === 1 ? "" : "s"} detected: `;
  return (
    head +
    violations
      .map(
        (v) =>
          `Value ${v.value === null || v.value === undefined ? "null" : `'${shown(v.value)}'`} at '${v.path}' failed to satisfy constraint: ${v.constraint}`,
      )
      .join("; ")
  );
}

function shown(value: unknown): string {
  if (typeof value === "string") return value.length > 100 ? `${value.slice(0, 100)}...` : value;
  return JSON.stringify(value) ?? String(value);
}

/**
 * Checks a value against the model's constraints and records what fails. Each method returns
 * the value when it is of the right type (so callers can keep typed values), else undefined.
 */
export class ConstraintChecker {
  readonly violations: Violation[] = [];

  required(path: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.violations.push({ path, value: null, constraint: "Member must not be null" });
      return false;
    }
    return true;
  }

  string(
    path: string,
    value: unknown,
    rules: { min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] } = {},
  ): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      this.violations.push({ path, value, constraint: "Member must be a string" });
      return undefined;
    }
    const length = [...value].length;
    if (rules.min !== undefined && length < rules.min) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have length greater than or equal to ${rules.min}`,
      });
    } else if (rules.max !== undefined && length > rules.max) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have length less than or equal to ${rules.max}`,
      });
    } else if (rules.pattern && !rules.pattern.test(value)) {
      this.violations.push({
        path,
        value,
        constraint: `Member must satisfy regular expression pattern: ${rules.pattern.source}`,
      });
    } else if (rules.enum && !rules.enum.includes(value)) {
      this.violations.push({
        path,
        value,
        constraint: `Member must satisfy enum value set: [${rules.enum.join(", ")}]`,
      });
    } else {
      return value;
    }
    return undefined;
  }

  integer(
    path: string,
    value: unknown,
    rules: { min?: number; max?: number } = {},
  ): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.violations.push({ path, value, constraint: "Member must be an integer" });
      return undefined;
    }
    if (rules.min !== undefined && value < rules.min) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have value greater than or equal to ${rules.min}`,
      });
      return undefined;
    }
    if (rules.max !== undefined && value > rules.max) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have value less than or equal to ${rules.max}`,
      });
      return undefined;
    }
    return value;
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") {
      this.violations.push({ path, value, constraint: "Member must be a boolean" });
      return undefined;
    }
    return value;
  }

  /** Timestamps arrive as epoch seconds; returns milliseconds. */
  timestamp(path: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      this.violations.push({ path, value, constraint: "Member must be a timestamp" });
      return undefined;
    }
    return Math.round(value * 1000);
  }

  object(path: string, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) {
      this.violations.push({ path, value, constraint: "Member must be a structure" });
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  list(
    path: string,
    value: unknown,
    rules: { min?: number; max?: number } = {},
  ): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.violations.push({ path, value, constraint: "Member must be a list" });
      return undefined;
    }
    if (rules.min !== undefined && value.length < rules.min) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have length greater than or equal to ${rules.min}`,
      });
      return undefined;
    }
    if (rules.max !== undefined && value.length > rules.max) {
      this.violations.push({
        path,
        value,
        constraint: `Member must have length less than or equal to ${rules.max}`,
      });
      return undefined;
    }
    return value;
  }
}
