import { loadJsonata } from "../shared/application/source-book.js";
import type { MappingRule } from "../shared/domain/mapping-rule.js";
import { formatOf, parseRuleFile } from "../shared/domain/mapping-rule-file.js";
import type { SourceMapping } from "../shared/domain/source-mapping.js";
import * as files from "../shared/event-files.js";
import { checkSourceMappings, readSourceMappingEntries } from "../shared/source-mapping-files.js";
import { oversizedBody } from "../shared/sqs-bodies.js";

/** A bad argument or unreadable file: `npm start` prints the message as one line and exits 1. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** Runs a file read, naming the command-line flag the file came from in its failure. */
const forFlag = async <T>(flag: string, read: () => Promise<T>): Promise<T> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof files.InputFileError) throw new InputError(`${flag}: ${error.message}`);
    throw error;
  }
};

/**
 * The message bodies of `--events`, each with where it came from (see `readEventBodies` for the
 * file formats). A body SQS would refuse for its size is an input error naming it: SQS would
 * never have taken it from an HR system either.
 */
export const readEventBodies = async (path: string): Promise<files.EventBody[]> => {
  const bodies = await forFlag("--events", () => files.readEventBodies(path));
  const tooLarge = oversizedBody(bodies.map(({ body }) => body));
  if (tooLarge) {
    throw new InputError(`--events: ${bodies[tooLarge.index]?.where}: ${tooLarge.message}`);
  }
  return bodies;
};

/**
 * Reads mapping rules from JSON or CSV; any invalid row is an input error naming its line.
 * Warnings (a match key no employee field has) are handed to `warn`, one line each.
 */
export const readMappingRules = async (
  path: string,
  warn: (line: string) => void = () => {},
): Promise<MappingRule[]> => {
  const text = await forFlag("--mappings", () => files.readTextFile(path));
  const { rules, errors, warnings } = parseRuleFile(text, formatOf(path));
  for (const warning of warnings) {
    const rule = warning.ruleId === undefined ? "" : ` (ruleId ${warning.ruleId})`;
    warn(`warning: --mappings: ${path} ${warning.where}${rule}: ${warning.message}`);
  }
  if (errors.length > 0) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    throw new InputError(`--mappings: ${path} ${first?.where}: ${first?.message}${more}`);
  }
  return rules;
};

export const readJsonFile = (path: string, flag: string): Promise<unknown> =>
  forFlag(flag, () => files.readJsonFile(path));

/** Reads source mappings (a file or a folder); any invalid mapping is an input error naming it. */
export const readSourceMappings = async (path: string): Promise<SourceMapping[]> => {
  const entries = await forFlag("--sources", () => readSourceMappingEntries(path));
  const { mappings, problems } = checkSourceMappings(entries, await loadJsonata());
  if (problems.length > 0) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new InputError(`--sources: ${path} ${first?.where}: ${first?.message}${more}`);
  }
  return mappings;
};
