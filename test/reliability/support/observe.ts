/**
 * What the scenarios watch besides the emulators: the function's log lines (everything written
 * to stdout and stderr, which is where the Powertools Logger writes) and the Connect calls the
 * SDK made, with the errors it got back. Observation only: neither changes what the product does.
 */
import { ConnectClient } from "@aws-sdk/client-connect";

/** Captures stdout and stderr writes (swallowing them) until `stop()`. */
export class LogCapture {
  readonly #chunks: string[] = [];
  #restore: (() => void) | undefined;

  start(): this {
    const streams = [process.stdout, process.stderr] as const;
    const originals = streams.map((stream) => stream.write);
    const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
      this.add(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    };
    for (const stream of streams) stream.write = capture as typeof stream.write;
    this.#restore = () => {
      streams.forEach((stream, i) => {
        stream.write = originals[i] as typeof stream.write;
      });
    };
    return this;
  }

  /** Output of a child process (a Lambda environment run out of process) counts too. */
  add(text: string): void {
    this.#chunks.push(text);
  }

  stop(): void {
    this.#restore?.();
    this.#restore = undefined;
  }

  text(): string {
    return this.#chunks.join("");
  }

  lines(): string[] {
    return this.text()
      .split("\n")
      .filter((line) => line.trim() !== "");
  }

  /** Where the output is now, for `jsonLinesSince`. */
  mark(): number {
    return this.#chunks.length;
  }

  /** The JSON log lines written since `mark`; other output is skipped. */
  jsonLinesSince(mark: number): Record<string, unknown>[] {
    return this.#chunks
      .slice(mark)
      .join("")
      .split("\n")
      .flatMap((line) => {
        try {
          const parsed: unknown = JSON.parse(line);
          return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
  }
}

export interface ConnectCallStats {
  /** Calls per operation, by command name. */
  readonly calls: Record<string, number>;
  /** Errors the SDK returned, by kind: "5xx", "throttled", "dropped", or the error name. */
  readonly errors: Record<string, number>;
  /** Every password the function sent to CreateUser: none may appear anywhere else. */
  readonly passwords: Set<string>;
}

type Send = (this: ConnectClient, command: unknown, ...rest: unknown[]) => Promise<unknown>;

/**
 * Wraps ConnectClient.prototype.send for the duration of a scenario. Connect's emulator counts
 * injected 5xx and dropped connections together; the client can tell them apart.
 */
export const observeConnectCalls = (): { stats: ConnectCallStats; restore(): void } => {
  const stats: ConnectCallStats = { calls: {}, errors: {}, passwords: new Set() };
  const prototype = ConnectClient.prototype as unknown as { send: Send };
  const hadOwn = Object.hasOwn(prototype, "send");
  const original = prototype.send;
  const bump = (map: Record<string, number>, key: string) => {
    map[key] = (map[key] ?? 0) + 1;
  };
  prototype.send = function (command, ...rest) {
    const name = (command as { constructor: { name: string } }).constructor.name;
    bump(stats.calls, name.replace(/Command$/, ""));
    const password = (command as { input?: { Password?: unknown } }).input?.Password;
    if (typeof password === "string") stats.passwords.add(password);
    return original.call(this, command, ...rest).catch((error: unknown) => {
      bump(stats.errors, errorKind(error));
      throw error;
    });
  };
  return {
    stats,
    restore() {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: Send }).send;
    },
  };
};

const errorKind = (error: unknown): string => {
  const { name, code, message, $metadata } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (name === "ThrottlingException") return "throttled";
  if (($metadata?.httpStatusCode ?? 0) >= 500) return "5xx";
  if (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    /socket hang up|ECONNRESET|EPIPE/i.test(message ?? "")
  ) {
    return "dropped";
  }
  return name ?? "UnknownError";
};
