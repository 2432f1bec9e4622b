/**
 * moto's server (the Python environment of these machines): AWS as somebody else implemented it,
 * to check this project's emulators and adapters against. Tests that need it skip where it is
 * not installed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export const hasMoto = spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;

export interface Moto {
  /** The client configuration for every service moto serves on that port. */
  readonly config: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
    readonly maxAttempts: number;
  };
  stop(): void;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** A moto_server on a free loopback port, once it says it is running. */
export const startMoto = async (): Promise<Moto> => {
  const port = await freePort();
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes("Running on")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`moto_server exited with ${code}`)));
  });
  return {
    config: {
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: { accessKeyId: "moto", secretAccessKey: "moto" },
      maxAttempts: 1,
    },
    stop: () => child.kill("SIGTERM"),
  };
};
