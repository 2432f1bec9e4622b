/**
 * `onboard` as a process meets what can hold a command up: a FIFO where an event file should
 * be, and an endpoint that never answers. Every command ends on SIGTERM, and none waits on a
 * file that is not a regular one.
 */
import { type ChildProcessWithoutNullStreams, execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages } from "../../shared/queue-tools.js";
import { type HangingEndpoint, startHangingEndpoint } from "../support/hanging-endpoint.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { finished, linesOf, type Run, spawnOnboard } from "./support.js";

/** Dummy credentials and a Region, so the SDK goes straight to the endpoint. */
const NO_ACCOUNT = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
};

let dir: string;
let fifo: string;
let stack: LocalStack | undefined;
let endpoint: HangingEndpoint | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "connect-onboarding-signals-"));
  fifo = join(dir, "hires.jsonl");
  execFileSync("mkfifo", [fifo]);
});

afterEach(async () => {
  // A reader still waiting on the FIFO (the defect guarded against) gets its end of file.
  await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
    .then((handle) => handle.close())
    .catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
  await endpoint?.stop();
  endpoint = undefined;
  await stack?.stop();
  stack = undefined;
});

/**
 * The run, or a failure if the process is still running after `ms`: it is then killed, so a
 * command that ignores its signal fails the test instead of outliving it.
 */
const endsWithin = (child: ChildProcessWithoutNullStreams, ms: number): Promise<Run> => {
  const run = finished(child);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after ${ms} ms`));
    }, ms);
  });
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
};

/** Waits until the endpoint holds a request of the command's, failing if the command ends first. */
const hangingOn = async (target: HangingEndpoint, run: Promise<Run>): Promise<void> => {
  await Promise.race([
    target.hung,
    run.then((ended) => {
      throw new Error(`ended before its call hung: ${ended.stderr}`);
    }),
  ]);
};

describe("a FIFO named like an event file", () => {
  it.each([
    [["send", "FIFO", "--queue-url", "http://127.0.0.1:9/000000000000/q"]],
    [["plan", "FIFO", "--mappings", "events/mappings.json"]],
    [["mappings", "validate", "events/mappings.json", "--hires", "FIFO"]],
  ])("is refused at once with one line: onboard %j", async (args) => {
    const child = spawnOnboard(args.map((arg) => (arg === "FIFO" ? fifo : arg)));
    const run = await endsWithin(child, 15_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(linesOf(run.stderr)).toEqual([
      `error: ${fifo} is a FIFO (named pipe), not a regular file: only regular files are read`,
    ]);
  });
});

describe("SIGTERM", () => {
  it("ends a command waiting on an endpoint that never answers, by the signal", async () => {
    endpoint = await startHangingEndpoint();
    const child = spawnOnboard(
      [
        "send",
        "events/hires/01-new-hires.json",
        "--endpoint",
        endpoint.url,
        "--queue-url",
        `${endpoint.url}/000000000000/connect-onboarding`,
      ],
      undefined,
      { env: NO_ACCOUNT },
    );
    const run = endsWithin(child, 15_000);
    await hangingOn(endpoint, run);
    child.kill("SIGTERM");
    expect(await run).toMatchObject({ code: null, signal: "SIGTERM", stdout: "" });
  });

  it("stops a replay still checking its queues at once, and says nothing was replayed", async () => {
    endpoint = await startHangingEndpoint();
    const child = spawnOnboard(
      [
        "dlq",
        "replay",
        "--endpoint",
        endpoint.url,
        "--from",
        `${endpoint.url}/000000000000/connect-onboarding-dlq`,
        "--to",
        `${endpoint.url}/000000000000/connect-onboarding`,
      ],
      undefined,
      { env: NO_ACCOUNT },
    );
    const run = endsWithin(child, 15_000);
    await hangingOn(endpoint, run);
    child.kill("SIGTERM");
    const { code, stderr } = await run;
    expect(code).toBe(130);
    expect(linesOf(stderr)).toEqual([
      "SIGTERM: stopping after the message in hand (again to quit at once)",
      "Interrupted before anything was replayed.",
    ]);
  });

  it("ends a replay whose send never returns within the grace period, losing no message", async () => {
    const s = await startSampleStack();
    stack = s;
    const ids = ["E-001", "E-002", "E-003"];
    await s.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: s.queues.dlqUrl,
        Entries: ids.map((employeeId) => ({
          Id: employeeId,
          MessageBody: hireBody({ employeeId }),
          MessageAttributes: {
            failureReason: { DataType: "String", StringValue: "NoMappingRule" },
          },
        })),
      }),
    );
    // Every SQS call reaches the emulator, except SendMessage, which hangs.
    endpoint = await startHangingEndpoint({
      upstream: s.queues.endpoint,
      hangs: (request) => request.headers["x-amz-target"] === "AmazonSQS.SendMessage",
    });
    const child = spawnOnboard([
      "dlq",
      "replay",
      "--endpoint",
      endpoint.url,
      "--from",
      s.queues.dlqUrl,
      "--to",
      s.queues.queueUrl,
      "--visibility-timeout",
      "1",
    ]);
    const run = endsWithin(child, 20_000);
    await hangingOn(endpoint, run);
    child.kill("SIGTERM");
    const { code, signal, stderr } = await run;
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
    expect(linesOf(stderr)).toEqual([
      "SIGTERM: stopping after the message in hand (again to quit at once)",
      "SIGTERM: the message in hand did not finish in time; quitting",
    ]);
    // The send never happened and nothing was deleted: all three come back to the DLQ once
    // the killed process's visibility timeout (1 s) ends.
    const deadline = Date.now() + 10_000;
    let letters = await peekMessages(s.sqs, s.queues.dlqUrl);
    while (letters.length < ids.length) {
      if (Date.now() > deadline) throw new Error("the letters did not come back to the DLQ");
      await new Promise((resolve) => setTimeout(resolve, 100));
      letters = await peekMessages(s.sqs, s.queues.dlqUrl);
    }
    expect(letters.map((letter) => JSON.parse(letter.body).employee.employeeId).sort()).toEqual(
      ids,
    );
    expect(await peekMessages(s.sqs, s.queues.queueUrl)).toEqual([]);
  }, 30_000);
});
