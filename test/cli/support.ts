/** Running `onboard` in tests: as a process (what an operator runs), or in-process (faster). */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "../../cli/program.js";
import type { LocalStack } from "../../local/stack.js";
import { finished, type Run } from "../support/processes.js";

export { finished, type Run };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `node cli/onboard.js ...` with the stack's AWS_ENDPOINT_URL_* and dummy credentials. The CLI
 * switches the AWS SDK's notice about old Node versions off itself; `sdkNotice` switches it back
 * on (on Node < 22 it then shows whether the SDK was loaded at all).
 */
export const spawnOnboard = (
  args: readonly string[],
  stack?: LocalStack,
  {
    sdkNotice = false,
    unset = [] as readonly string[],
    env: extra = {} as Readonly<Record<string, string>>,
  } = {},
): ChildProcessWithoutNullStreams => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...stack?.env,
    ...extra,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: sdkNotice ? "false" : "true",
  };
  for (const name of unset) delete env[name];
  Object.assign(env, extra);
  return spawn(process.execPath, ["cli/onboard.js", ...args], { cwd: ROOT, env });
};

export const onboard = (
  args: readonly string[],
  stack?: LocalStack,
  options: {
    sdkNotice?: boolean;
    unset?: readonly string[];
    env?: Readonly<Record<string, string>>;
  } = {},
): Promise<Run> => finished(spawnOnboard(args, stack, options));

/** The non-blank lines of an output stream. */
export const linesOf = (text: string): string[] =>
  text.split("\n").filter((line) => line.trim() !== "");

/**
 * The same command line in this process: clients find the stack through the AWS_ENDPOINT_URL_*
 * variables it set on process.env.
 */
export const onboardInProcess = async (
  args: readonly string[],
  options: {
    interactive?: boolean;
    signal?: AbortSignal;
    /** Answers a question as a person at the terminal would; without it, none can answer. */
    prompt?: (question: string) => Promise<string>;
  } = {},
): Promise<Run> => {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    interactive: options.interactive ?? false,
    interruptible: () => options.signal ?? new AbortController().signal,
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  return { code, signal: null, stdout, stderr };
};
