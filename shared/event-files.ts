/**
 * Hires and rules as files, the way `npm start --events` and `onboard` read them. Node's file
 * system only: nothing here goes into the Lambda bundle.
 */
import { constants, type Stats } from "node:fs";
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";

/** A file that cannot be read as asked; the message names the path and what is wrong. */
export class InputFileError extends Error {
  override readonly name = "InputFileError";
}

/** One message body, with where it came from for messages to the person who gave the file. */
export interface EventBody {
  readonly where: string;
  readonly body: string;
}

const EXTENSIONS = new Set([".json", ".jsonl", ".ndjson"]);

/**
 * Reads message bodies from a file or a folder of files, in name order:
 * - `.json`: one body, or an array of bodies (objects are serialised; strings are sent verbatim);
 * - `.jsonl` / `.ndjson`: one body per non-blank line, verbatim, valid JSON or not.
 */
export const readEventBodies = async (path: string): Promise<EventBody[]> => {
  const info = await stat(path).catch(() => {
    throw new InputFileError(`${path} does not exist`);
  });
  if (!info.isDirectory()) return readEventFile(path, basename(path));
  const names = (await readdir(path))
    .filter((name) => EXTENSIONS.has(extname(name).toLowerCase()))
    .sort();
  if (names.length === 0)
    throw new InputFileError(`${path} holds no .json, .jsonl or .ndjson files`);
  const bodies: EventBody[] = [];
  for (const name of names) bodies.push(...(await readEventFile(join(path, name), name)));
  return bodies;
};

const readEventFile = async (path: string, label: string): Promise<EventBody[]> => {
  const extension = extname(path).toLowerCase();
  if (!EXTENSIONS.has(extension)) {
    throw new InputFileError(`${path} is not a .json, .jsonl or .ndjson file`);
  }
  const text = await readTextFile(path);
  if (extension !== ".json") {
    return text
      .split(/\r?\n/)
      .map((body, i) => ({ where: `${label} line ${i + 1}`, body }))
      .filter(({ body }) => body.trim() !== "");
  }
  const parsed = parseJson(text, path);
  if (!Array.isArray(parsed)) return [{ where: label, body: serialise(parsed) }];
  return parsed.map((item, i) => ({ where: `${label} item ${i + 1}`, body: serialise(item) }));
};

const serialise = (item: unknown): string =>
  typeof item === "string" ? item : JSON.stringify(item);

/**
 * Opening a FIFO for reading waits for a writer, in a libuv thread that not even process.exit
 * can end; O_NONBLOCK makes the open return at once (it changes nothing for a regular file),
 * and the handle's own stat then decides, so the file cannot be swapped between check and read.
 */
const READ_WITHOUT_WAITING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads a regular file; a FIFO, socket, device or folder is refused, never waited on. */
export const readTextFile = async (path: string): Promise<string> => {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_WITHOUT_WAITING);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // open(2) on a Unix socket fails with ENXIO.
    if (code === "ENXIO") throw notRegular(path, "a socket");
    throw cannotRead(path, code);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(path, kindOf(info));
    return await handle.readFile("utf8");
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw cannotRead(path, (error as NodeJS.ErrnoException).code);
  } finally {
    await handle.close();
  }
};

const cannotRead = (path: string, code: string | undefined): InputFileError =>
  new InputFileError(
    `cannot read ${path} (${code === "ENOENT" ? "no such file" : (code ?? "unknown error")})`,
  );

const notRegular = (path: string, kind: string): InputFileError =>
  new InputFileError(`${path} is ${kind}, not a regular file: only regular files are read`);

const kindOf = (info: Stats): string => {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  return "neither a file nor a folder";
};

export const readJsonFile = async (path: string): Promise<unknown> =>
  parseJson(await readTextFile(path), path);

const parseJson = (text: string, path: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text it failed on, newlines and all: keep the message on one line.
    const reason = (error as Error).message.replace(/\r?\n/g, "\\n");
    throw new InputFileError(`${path} is not valid JSON (${reason})`);
  }
};
