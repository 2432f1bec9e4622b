import type { CliIo } from "./io.js";

export interface ProgressState {
  readonly done: number;
  /** What the whole job is thought to be; grows if the work turns out bigger. */
  readonly total: number;
  readonly counts: Readonly<Record<string, number>>;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A line worth keeping on any output (a failure, a message that cannot be replayed). */
  note(line: string): void;
  /** A line per step: printed when no terminal is watching, where it is the only progress. */
  log(line: string): void;
  finish(): void;
}

const WIDTH = 24;
const REDRAW_MS = 100;

/**
 * A one-line bar redrawn with "\r" when stderr is a terminal; plain lines otherwise, so logs
 * and CI output stay readable. Always on stderr: stdout is for the result.
 */
export const createProgress = (io: CliIo): Progress => {
  if (!io.interactive) {
    const print = (line: string) => io.stderr(`${line}\n`);
    return { update() {}, note: print, log: print, finish() {} };
  }
  let last: ProgressState | undefined;
  let drawnAt = 0;
  const draw = () => {
    if (last) io.stderr(`\r\x1b[K${bar(last)}`);
    drawnAt = Date.now();
  };
  return {
    update(state) {
      last = state;
      if (Date.now() - drawnAt >= REDRAW_MS) draw();
    },
    note(line) {
      io.stderr(`\r\x1b[K${line}\n`);
      draw();
    },
    log() {},
    finish() {
      draw();
      if (last) io.stderr("\n");
    },
  };
};

export const bar = ({ done, total, counts }: ProgressState): string => {
  const whole = Math.max(total, done, 1);
  const filled = Math.round((done / whole) * WIDTH);
  const parts = Object.entries(counts).map(([name, count]) => `${name} ${count}`);
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${done}/${Math.max(total, done)}  ${parts.join("  ")}`;
};
