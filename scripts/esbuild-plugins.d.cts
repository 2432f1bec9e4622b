/** Types for esbuild-plugins.cjs (CommonJS, loaded by serverless-esbuild). */
import type { Plugin } from "esbuild";

declare const plugins: Plugin[] & {
  inlineSchemaKeys(source: string): { source: string; rewritten: number };
  SCHEMA_MODULE: RegExp;
  LAZY_JSONATA: string;
};
export = plugins;
