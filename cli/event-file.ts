import * as files from "../shared/event-files.js";
import { OperationError } from "./io.js";

export type { EventBody } from "../shared/event-files.js";

/** A file the command cannot read ends it with exit 1 and one line. */
const asOperation = async <T>(read: () => Promise<T>): Promise<T> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof files.InputFileError)
      throw new OperationError(error.message, { cause: error });
    throw error;
  }
};

/** Message bodies from a file or folder, in the formats `npm start --events` takes. */
export const readEventBodies = (path: string) => asOperation(() => files.readEventBodies(path));

export const readText = (path: string) => asOperation(() => files.readTextFile(path));
