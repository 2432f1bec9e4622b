import * as z from "zod/mini";

/**
 * Documents a schema: the description reaches the generated JSON Schemas, the AsyncAPI document
 * and the schema registry (zod's global registry is what z.toJSONSchema reads by default).
 */
export const describe = <T extends z.core.$ZodType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};
