/**
 * A Lambda environment that dies between CreateUser and PutEvents. It runs the real handler
 * in a child process whose EventBridge endpoint is a tripwire: the first PutEvents request the
 * environment makes (so after Connect has answered CreateUser) kills the process with SIGKILL;
 * anything else (the cold start's DescribeEventBus) is passed on to the EventBridge emulator.
 * The invocation fails as a crashed runtime's does, SQS keeps the messages, and the next
 * invocation gets a fresh environment (a cold start), as Lambda gives after a crash.
 *
 * Environments are started ahead, one per crash: Lambda runs an environment's init before the
 * invocation and outside its timeout, and a child process's start (Node, tsx, the handler's
 * imports) takes seconds on a loaded machine, which must not count against the 4 s function
 * timeout.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SqsLambdaHandler } from "../../../emulators/lambda/index.js";
import type { Invocation, InvocationReply } from "./environment-process.js";
import type { LogCapture } from "./observe.js";

const ENTRY = new URL("./environment-process.ts", import.meta.url);

export interface CrashingEnvironmentOptions {
  /** The stack's function environment (endpoints, configuration). */
  readonly env: Readonly<Record<string, string>>;
  readonly logs: LogCapture;
  /** How many invocations to kill; later ones run in process, on a healthy environment. */
  readonly crashes: number;
  /** Runs where the crash budget is spent. */
  readonly healthy: SqsLambdaHandler;
  /** Called at each crash with the records of the invocation that died. */
  readonly onCrash?: (event: Parameters<SqsLambdaHandler>[0]) => void;
}

export class CrashingEnvironment {
  #crashesLeft: number;
  #server: Server | undefined;
  #tripwire = "";
  #tripped: (() => void) | undefined;
  readonly #children = new Set<ChildProcess>();
  /** Environments started ahead, ready for an invocation. */
  #ready: Promise<ChildProcess>[] = [];

  constructor(private readonly options: CrashingEnvironmentOptions) {
    this.#crashesLeft = options.crashes;
  }

  get crashes(): number {
    return this.options.crashes - this.#crashesLeft;
  }

  async start(): Promise<void> {
    const bus = new URL(this.options.env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? "");
    this.#server = createServer((request, response) => {
      if (request.headers["x-amz-target"] !== "AWSEvents.PutEvents") {
        // Not a publication: the emulator answers it.
        const upstream = forward(
          {
            host: bus.hostname,
            port: bus.port,
            method: request.method,
            path: request.url,
            headers: request.headers,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        upstream.on("error", () => response.destroy());
        request.pipe(upstream);
        return;
      }
      // The environment is about to publish: the user exists. Kill it before the bytes land.
      this.#tripped?.();
      request.socket.destroy();
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    this.#tripwire = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    this.#ready = Array.from({ length: this.#crashesLeft }, () => this.environment());
    // Started together, so the scenario waits for the slowest start once, not eight times.
    await Promise.all(this.#ready);
  }

  /**
   * Each invocation gets a fresh environment (one cold start each): while the crash budget
   * lasts, every invocation that reaches PutEvents dies, so there is nothing warm to reuse.
   */
  readonly handler: SqsLambdaHandler = async (event, context) => {
    if (this.#crashesLeft <= 0) return this.options.healthy(event, context);
    const child = await (this.#ready.shift() ?? this.environment());
    try {
      return await new Promise((resolve, reject) => {
        child.once("exit", (_code, signal) =>
          reject(new Error(`Runtime exited with error: signal: ${signal ?? "none"}`)),
        );
        this.#tripped = () => {
          this.#tripped = undefined;
          this.#crashesLeft--;
          this.options.onCrash?.(event);
          child.kill("SIGKILL");
        };
        child.once("message", (reply: InvocationReply) => {
          if (reply.kind === "returned")
            resolve(reply.value as Awaited<ReturnType<SqsLambdaHandler>>);
          else reject(new Error(reply.message));
        });
        const invocation: Invocation = {
          event,
          awsRequestId: context.awsRequestId || randomUUID(),
          functionName: context.functionName,
          deadline: Date.now() + context.getRemainingTimeInMillis(),
        };
        child.send(invocation);
      });
    } finally {
      this.#tripped = undefined;
      child.kill("SIGKILL");
    }
  };

  private async environment(): Promise<ChildProcess> {
    const child = fork(ENTRY, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...this.options.env, AWS_ENDPOINT_URL_EVENTBRIDGE: this.#tripwire },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    // Its log lines are the function's log lines too: the privacy check reads them.
    child.stdout?.on("data", (chunk: Buffer) => this.options.logs.add(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => this.options.logs.add(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`environment exited at start (${code})`)));
    });
    return child;
  }

  async stop(): Promise<void> {
    for (const child of this.#children) child.kill("SIGKILL");
    await new Promise<void>((resolve) => {
      if (!this.#server) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
