import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { MappingRule } from "../shared/domain/mapping-rule.js";
import { formatOf, parseRuleFile } from "../shared/domain/mapping-rule-file.js";

/** A bad argument or unreadable file: `npm start` prints the message as one line and exits 1. */
export class InputError extends Error {
  override readonly name = "InputError";
}

const EVENT_EXTENSIONS = new Set([".json", ".jsonl", ".ndjson"]);

/**
 * Reads message bodies from a file or a folder of files, in name order:
 * - `.json`: one body, or an array of bodies (objects are serialised; strings are sent verbatim);
 * - `.jsonl` / `.ndjson`: one body per non-blank line, verbatim, valid JSON or not.
 */
export const readEventBodies = async (path: string): Promise<string[]> => {
  const info = await stat(path).catch(() => {
    throw new InputError(`--events: ${path} does not exist`);
  });
  if (!info.isDirectory()) return readEventFile(path);
  const names = (await readdir(path))
    .filter((name) => EVENT_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort();
  if (names.length === 0)
    throw new InputError(`--events: ${path} holds no .json, .jsonl or .ndjson files`);
  const bodies: string[] = [];
  for (const name of names) bodies.push(...(await readEventFile(join(path, name))));
  return bodies;
};

const readEventFile = async (path: string): Promise<string[]> => {
  const extension = extname(path).toLowerCase();
  if (!EVENT_EXTENSIONS.has(extension)) {
    throw new InputError(`--events: ${path} is not a .json, .jsonl or .ndjson file`);
  }
  const text = await readText(path, "--events");
  if (extension !== ".json") return text.split(/\r?\n/).filter((line) => line.trim() !== "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--events: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
};

/** Reads mapping rules from JSON or CSV; any invalid row is an input error naming its line. */
export const readMappingRules = async (path: string): Promise<MappingRule[]> => {
  const { rules, errors } = parseRuleFile(await readText(path, "--mappings"), formatOf(path));
  if (errors.length > 0) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    throw new InputError(`--mappings: ${path} ${first?.where}: ${first?.message}${more}`);
  }
  return rules;
};

export const readJsonFile = async (path: string, flag: string): Promise<unknown> => {
  const text = await readText(path, flag);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${flag}: ${path} is not valid JSON (${(error as Error).message})`);
  }
};

const readText = async (path: string, flag: string): Promise<string> => {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${flag}: cannot read ${path} (${code === "ENOENT" ? "no such file" : code})`,
    );
  }
};
