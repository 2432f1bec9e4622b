/**
 * Lambda entry point. The handler is built at import, during the cold start: a bad
 * configuration fails the init with a message naming every bad variable, before any record
 * is touched.
 */
import { createHandler } from "./create-onboard-employee-handler.js";

export const handler = createHandler();
