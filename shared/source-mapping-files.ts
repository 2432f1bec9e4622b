/**
 * Source mapping files, the way `npm start --sources` and `onboard sources` read them: a JSON
 * file holding one mapping or an array of them, or a folder of such files (name order; other
 * files and subfolders, such as the sample payloads, are not read). Node's file system only:
 * nothing here goes into the Lambda bundle.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { CompiledSourceMapping, SourceMapping } from "./domain/source-mapping.js";
import { type JsonataCompiler, readSourceMapping } from "./domain/source-mapping.js";
import { InputFileError, readJsonFile } from "./event-files.js";

/** One mapping document as written, with where it came from. */
export interface SourceMappingEntry {
  /** "scim.json" or "all.json item 2" in a folder; "mapping" or "item 2" for a file. */
  readonly where: string;
  readonly candidate: unknown;
}

export const readSourceMappingEntries = async (path: string): Promise<SourceMappingEntry[]> => {
  const info = await stat(path).catch(() => {
    throw new InputFileError(`${path} does not exist`);
  });
  if (!info.isDirectory()) return entriesOf(path);
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && extname(entry.name).toLowerCase() === ".json")
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new InputFileError(`${path} holds no .json files`);
  const entries: SourceMappingEntry[] = [];
  for (const name of names) entries.push(...(await entriesOf(join(path, name), name)));
  return entries;
};

// Inside a folder, "scim.json" or "all.json item 2"; a file given alone, "mapping" or "item 2".
const entriesOf = async (path: string, label?: string): Promise<SourceMappingEntry[]> => {
  const parsed = await readJsonFile(path);
  if (!Array.isArray(parsed)) return [{ where: label ?? "mapping", candidate: parsed }];
  return parsed.map((candidate, i) => ({
    where: label === undefined ? `item ${i + 1}` : `${label} item ${i + 1}`,
    candidate,
  }));
};

/** A problem with one mapping of a file, located for the person who wrote it. */
export interface SourceFileProblem {
  readonly where: string;
  readonly sourceId?: string;
  /** `employee.workEmail: syntax error: ... (position 27)` */
  readonly message: string;
}

export interface SourceFileResult {
  readonly mappings: SourceMapping[];
  readonly compiled: CompiledSourceMapping[];
  readonly problems: SourceFileProblem[];
}

/** Validates and compiles every mapping, reporting every problem at once; sourceIds are unique. */
export const checkSourceMappings = (
  entries: readonly SourceMappingEntry[],
  jsonata: JsonataCompiler,
): SourceFileResult => {
  const result: SourceFileResult = { mappings: [], compiled: [], problems: [] };
  const seen = new Map<string, string>();
  for (const { where, candidate } of entries) {
    const read = readSourceMapping(candidate, jsonata);
    if (!read.ok) {
      for (const issue of read.issues) {
        result.problems.push({
          where,
          ...(read.sourceId === undefined ? {} : { sourceId: read.sourceId }),
          message: `${issue.path}: ${issue.message}${issue.position === undefined ? "" : ` (position ${issue.position})`}`,
        });
      }
      continue;
    }
    const { sourceId } = read.mapping;
    const first = seen.get(sourceId);
    if (first) {
      result.problems.push({ where, sourceId, message: `duplicate sourceId (first at ${first})` });
      continue;
    }
    seen.set(sourceId, where);
    result.mappings.push(read.mapping.definition);
    result.compiled.push(read.mapping);
  }
  return result;
};
