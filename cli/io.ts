import { setMaxListeners } from "node:events";
import type { Deadline } from "../shared/application/deadline.js";
import { silentLog } from "../shared/application/log.js";
import type { CallContext } from "../shared/ports.js";
/**
 * What a command may touch of the outside world besides AWS: its two output streams, whether
 * a person is watching, and the signal that asks it to stop. Tests run commands in-process by
 * handing in their own.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stderr is a terminal: progress may redraw one line with "\r" instead of printing lines. */
  readonly interactive: boolean;
  /**
   * For commands that stop cleanly: from this call on, Ctrl-C aborts the signal instead of
   * ending the process, and the command finishes the message in hand, then stops.
   */
  readonly interruptible: () => AbortSignal;
  /**
   * Asks the person at the terminal and resolves to their answer; absent when no terminal can
   * answer (stdin is a pipe or a file), where a command that must ask refuses instead.
   */
  readonly prompt?: (question: string) => Promise<string>;
}

/** Exit codes: scripts tell "found problems" from "called me wrong". */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The command line itself is wrong (exit 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command ran but could not do its job: unreadable file, AWS error, ... (exit 1). */
export class OperationError extends Error {
  override readonly name = "OperationError";
}

/** What to do about an error the SDK words for its own developers. */
const HINTS: readonly [RegExp, string][] = [
  [
    /^Region is missing$/,
    "give --region, set AWS_REGION, or use a profile with a region (--profile or AWS_PROFILE)",
  ],
  [
    /^Could not load credentials from any providers$/,
    "sign in with aws sso login, put credentials in the environment or ~/.aws, or give --profile",
  ],
];

const firstLine = (error: Error): string => error.message.split("\n")[0]?.trim() || "(no message)";

/**
 * One line, whatever the error: AWS SDK errors carry their service error name, a wrapped error
 * its cause (the function's own failures name only the cause's type), and errors an operator
 * can fix themselves a hint.
 */
export const describeError = (error: unknown): string => {
  if (error instanceof UsageError || error instanceof OperationError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const message = firstLine(error);
  let text = error.name && error.name !== "Error" ? `${error.name}: ${message}` : message;
  const cause = error.cause;
  if (cause instanceof Error && !text.includes(firstLine(cause))) {
    text += `: ${describeError(cause)}`;
  }
  const hint = HINTS.find(([pattern]) => pattern.test(message))?.[1];
  return hint ? `${text}; ${hint}` : text;
};

/** Runs an AWS call, turning its failure into one line that says what was being done. */
export const attempt = async <T>(what: string, operation: () => Promise<T>): Promise<T> => {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof UsageError || error instanceof OperationError) throw error;
    throw new OperationError(`${what}: ${describeError(error)}`, { cause: error });
  }
};

export const printJson = (io: CliIo, value: unknown): void => {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
};

/** Left-aligned columns for human output; the last column is not padded. */
export const table = (rows: readonly (readonly string[])[], indent = "  "): string => {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
};

/** Sleeps, but wakes at once when the signal aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });

/**
 * Never reached: the operator stops a command with Ctrl-C. Every SDK call in flight listens on
 * its signal, and reconcile has many in flight at once: without a limit of its own, Node would
 * print a listener-leak warning on the operator's terminal.
 */
function operatorDeadline(): Deadline {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return { at: Number.POSITIVE_INFINITY, signal };
}

/**
 * What the CLI's AWS calls run under: an operator waits on them, no Lambda deadline applies,
 * and retries are the SDK client's own (cli/aws.ts), so nothing is logged per retry.
 */
export const CLI_CALLS: CallContext = { deadline: operatorDeadline(), log: silentLog };
