/**
 * Sends everything written to stdout to stderr until `restore` is called, and hands back a
 * writer for the real stdout: a command whose stdout is a report (a JSON document, a table)
 * keeps the logs of the handler and the stack out of it.
 */
export const routeStdoutToStderr = (): {
  readonly write: (text: string) => void;
  readonly restore: () => void;
} => {
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return {
    write: (text) => {
      original(text);
    },
    restore: () => {
      process.stdout.write = original;
    },
  };
};
