import { loadJsonata } from "../../shared/application/source-book.js";
import { InputFileError } from "../../shared/event-files.js";
import {
  checkSourceMappings,
  readSourceMappingEntries,
  type SourceFileProblem,
  type SourceFileResult,
} from "../../shared/source-mapping-files.js";
import { type CliIo, OperationError } from "../io.js";

/** `item 2 (sourceId scim): when: ...` */
export const locateProblem = (problem: SourceFileProblem): string =>
  `${problem.where}${problem.sourceId === undefined ? "" : ` (sourceId ${problem.sourceId})`}: ${problem.message}`;

export const describeProblem = (path: string, problem: SourceFileProblem): string =>
  `${path} ${locateProblem(problem)}`;

/** Every mapping of a file or folder, validated and compiled; unreadable files end the command. */
export const checkSourceFile = async (path: string): Promise<SourceFileResult> => {
  try {
    return checkSourceMappings(await readSourceMappingEntries(path), await loadJsonata());
  } catch (error) {
    if (error instanceof InputFileError) throw new OperationError(error.message, { cause: error });
    throw error;
  }
};

/** The mappings of a file, all of them valid, or every problem on stderr and exit 1. */
export const readSourceFile = async (path: string, io: CliIo): Promise<SourceFileResult> => {
  const result = await checkSourceFile(path);
  if (result.problems.length === 0) return result;
  for (const problem of result.problems) io.stderr(`${describeProblem(path, problem)}\n`);
  const count = result.problems.length;
  throw new OperationError(
    `${path}: ${count} problem${count === 1 ? "" : "s"} in its source mappings`,
  );
};
