import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { OperationError } from "./io.js";

/** One message body from an event file, with where it came from for messages to the operator. */
export interface EventBody {
  readonly where: string;
  readonly body: string;
}

const EXTENSIONS = new Set([".json", ".jsonl", ".ndjson"]);

/**
 * Reads message bodies as `npm start --events` does: a `.json` file holds one body or an array
 * of bodies (objects are serialised, strings sent verbatim); a `.jsonl`/`.ndjson` file holds one
 * body per non-blank line, verbatim, JSON or not; a folder holds such files, read in name order.
 */
export const readEventBodies = async (path: string): Promise<EventBody[]> => {
  const info = await stat(path).catch(() => {
    throw new OperationError(`${path}: no such file or folder`);
  });
  if (!info.isDirectory()) return readEventFile(path, basename(path));
  const names = (await readdir(path))
    .filter((name) => EXTENSIONS.has(extname(name).toLowerCase()))
    .sort();
  if (names.length === 0) throw new OperationError(`${path}: no .json, .jsonl or .ndjson files`);
  const bodies: EventBody[] = [];
  for (const name of names) bodies.push(...(await readEventFile(join(path, name), name)));
  return bodies;
};

const readEventFile = async (path: string, label: string): Promise<EventBody[]> => {
  const extension = extname(path).toLowerCase();
  if (!EXTENSIONS.has(extension)) {
    throw new OperationError(`${path}: not a .json, .jsonl or .ndjson file`);
  }
  const text = await readText(path);
  if (extension !== ".json") {
    return text
      .split(/\r?\n/)
      .map((body, i) => ({ where: `${label} line ${i + 1}`, body }))
      .filter(({ body }) => body.trim() !== "");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OperationError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) return [{ where: label, body: serialise(parsed) }];
  return parsed.map((item, i) => ({ where: `${label} item ${i + 1}`, body: serialise(item) }));
};

const serialise = (item: unknown): string =>
  typeof item === "string" ? item : JSON.stringify(item);

export const readText = async (path: string): Promise<string> => {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OperationError(
      `${path}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? "unknown error")})`,
    );
  }
};
