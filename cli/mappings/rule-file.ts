import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import {
  formatOf,
  parseRuleFile,
  type RuleFileError,
  type RuleFileOptions,
} from "../../shared/domain/mapping-rule-file.js";
import { readText } from "../event-file.js";
import { type CliIo, OperationError } from "../io.js";

export const describeRuleFileError = (path: string, error: RuleFileError): string =>
  `${path} ${error.where}${error.ruleId === undefined ? "" : ` (ruleId ${error.ruleId})`}: ${error.message}`;

/**
 * Reads a rules file in full; every bad row goes to stderr, then one line says nothing was used.
 * Warnings (a match key no employee field has) go to stderr too, and the rules are used.
 */
export const readRuleFile = async (
  path: string,
  io: CliIo,
  options: RuleFileOptions = {},
): Promise<MappingRule[]> => {
  const { rules, errors, warnings } = parseRuleFile(await readText(path), formatOf(path), options);
  printWarnings(path, warnings, io);
  if (errors.length === 0) return rules;
  for (const error of errors) io.stderr(`${describeRuleFileError(path, error)}\n`);
  throw new OperationError(`${path}: ${plural(errors.length, "invalid rule")}`);
};

export const plural = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? "" : "s"}`;

export const printWarnings = (
  path: string,
  warnings: readonly RuleFileError[],
  io: CliIo,
): void => {
  for (const warning of warnings) io.stderr(`warning: ${describeRuleFileError(path, warning)}\n`);
};
