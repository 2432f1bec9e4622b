/**
 * `onboard`: the operator's command line (run through `cli/onboard.js`, which needs no build).
 * This file wires the process to the commands: streams, terminal detection, Ctrl-C.
 */
import { EXIT } from "./io.js";
import { runCli } from "./program.js";

const controller = new AbortController();
let graceful = false;

// Until a command asks to stop cleanly, Ctrl-C ends the process as usual. After it asked, the
// first Ctrl-C asks it to stop after the message in hand, and a second one ends the process.
const onSignal = (signal: NodeJS.Signals): void => {
  if (!graceful || controller.signal.aborted) {
    process.exit(EXIT.interrupted);
  }
  process.stderr.write(`\n${signal}: stopping after the message in hand (again to quit at once)\n`);
  controller.abort();
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

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  interruptible: () => {
    graceful = true;
    return controller.signal;
  },
});
