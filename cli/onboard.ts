/**
 * `onboard`: the operator's command line (run through `cli/onboard.js`, which needs no build).
 * This file wires the process to the commands: streams, terminal detection, Ctrl-C.
 */
import { createInterface } from "node:readline/promises";
import { EXIT } from "./io.js";
import { runCli } from "./program.js";

const controller = new AbortController();
let graceful = false;

/**
 * How long a command that asked to stop cleanly may take to finish the message in hand (one
 * SQS send and one delete, milliseconds on a live endpoint). Past it the endpoint is hung, and
 * ending at once is safe: a message is deleted from the DLQ only after its send succeeded.
 */
const GRACE_MS = 5_000;

/**
 * Ends the process by the signal itself, as Unix tools do (the shell reports 128 + its
 * number: 130 for Ctrl-C, 143 for SIGTERM). Unlike process.exit, which waits for the libuv
 * threads and so never returns while one is blocked (a read, a DNS lookup), a signal with its
 * default action cannot be held up.
 */
const endBy = (signal: NodeJS.Signals): never => {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // The signal is delivered asynchronously; until then, nothing else may run.
  return process.exit(EXIT.interrupted);
};

// Until a command asks to stop cleanly, Ctrl-C or SIGTERM ends the process at once. After it
// asked, the first one asks it to stop after the message in hand (within GRACE_MS), and a
// second one ends the process.
const onSignal = (signal: NodeJS.Signals): void => {
  if (!graceful || controller.signal.aborted) endBy(signal);
  process.stderr.write(`\n${signal}: stopping after the message in hand (again to quit at once)\n`);
  controller.abort();
  setTimeout(() => {
    process.stderr.write(`${signal}: the message in hand did not finish in time; quitting\n`);
    endBy(signal);
  }, GRACE_MS).unref();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

// `onboard ... | head` closes the pipe early: the reader has what it wanted, which is no error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}

/**
 * One question on the terminal, answered on stdin; the question goes to stderr with the rest of
 * what is said to the person, so stdout stays the result. Ctrl-C while asked is "no".
 */
const askOnTerminal = async (question: string): Promise<string> => {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  const declined = new AbortController();
  terminal.on("SIGINT", () => declined.abort());
  try {
    return await terminal.question(question, { signal: declined.signal });
  } catch {
    process.stderr.write("\n");
    return "";
  } finally {
    terminal.close();
  }
};

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  ...(process.stdin.isTTY ? { prompt: askOnTerminal } : {}),
  interruptible: () => {
    graceful = true;
    return controller.signal;
  },
});
