/**
 * The file reader behind `npm start --events` and every `onboard` file argument: regular files
 * only. A FIFO, socket or device named like an event file is refused at once, never waited on.
 */
import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputFileError, readEventBodies, readTextFile } from "../../shared/event-files.js";

let dir: string;
let fifos: string[];
let servers: Server[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "connect-onboarding-event-files-"));
  fifos = [];
  servers = [];
});

afterEach(async () => {
  // Should a reader still wait on a FIFO (the defect these tests guard against), a writer that
  // opens and closes it gives that reader its end of file, so the worker is not left hanging.
  for (const fifo of fifos) {
    await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
      .then((handle) => handle.close())
      .catch(() => undefined);
  }
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const mkfifo = (path: string): string => {
  execFileSync("mkfifo", [path]);
  fifos.push(path);
  return path;
};

const listen = async (path: string): Promise<string> => {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
};

describe("reading event files", () => {
  it("refuses a FIFO named *.jsonl at once, naming what it is", async () => {
    const fifo = mkfifo(join(dir, "hires.jsonl"));
    await expect(readEventBodies(fifo)).rejects.toThrow(
      new InputFileError(
        `${fifo} is a FIFO (named pipe), not a regular file: only regular files are read`,
      ),
    );
  });

  it("refuses a FIFO inside a folder of event files", async () => {
    await writeFile(join(dir, "01.json"), JSON.stringify({ eventType: "EmployeeHired" }));
    const fifo = mkfifo(join(dir, "02.jsonl"));
    await expect(readEventBodies(dir)).rejects.toThrow(`${fifo} is a FIFO (named pipe)`);
  });

  it("refuses a Unix socket and a character device named like event files", async () => {
    const socket = await listen(join(dir, "hires.ndjson"));
    await expect(readEventBodies(socket)).rejects.toThrow(`${socket} is a socket, not a regular`);
    const device = join(dir, "hires.json");
    await symlink("/dev/null", device);
    await expect(readEventBodies(device)).rejects.toThrow(
      `${device} is a character device, not a regular file`,
    );
  });

  it("refuses a folder where a file is expected (rules, seeds)", async () => {
    const folder = join(dir, "rules.json");
    await mkdir(folder);
    await expect(readTextFile(folder)).rejects.toThrow(`${folder} is a folder, not a regular file`);
  });

  it("still reads regular files, through a symbolic link too", async () => {
    const file = join(dir, "hires.jsonl");
    await writeFile(file, '{"a":1}\n\nnot json\n');
    await symlink(file, join(dir, "link.jsonl"));
    for (const path of [file, join(dir, "link.jsonl")]) {
      expect((await readEventBodies(path)).map(({ body }) => body)).toEqual([
        '{"a":1}',
        "not json",
      ]);
    }
    await expect(readTextFile(join(dir, "missing.json"))).rejects.toThrow(
      `cannot read ${join(dir, "missing.json")} (no such file)`,
    );
  });
});
