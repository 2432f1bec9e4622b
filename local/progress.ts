import type { PipelineProgress } from "./pipeline.js";

/** At most this often the line is redrawn: a terminal needs no more, and writes cost. */
const REDRAW_MS = 250;

export interface ProgressLine {
  readonly update: (progress: PipelineProgress) => void;
  /** Clears the line, leaving the terminal as it was. */
  readonly finish: () => void;
}

export const describeProgress = (progress: PipelineProgress): string => {
  const done = Math.max(0, progress.sent - progress.remaining);
  const seconds = Math.round(progress.elapsedMs / 1000);
  return (
    `${done}/${progress.sent} done: ${progress.provisioned} provisioned, ${progress.parked} parked; ` +
    `${progress.remaining} on the queue (${progress.inFlight} in flight), ${seconds} s`
  );
};

/**
 * One line on a terminal, redrawn in place as the run goes; nothing at all when the stream is
 * not a terminal (a pipe or a file wants no carriage returns).
 */
export const progressLine = (stream: {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}): ProgressLine => {
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  let last = 0;
  let drawn = false;
  return {
    update: (progress) => {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[2K${describeProgress(progress)}`);
    },
    finish: () => {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
};
