import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import {
  formatOf,
  parseRuleFile,
  type RuleFileError,
} from "../../shared/domain/mapping-rule-file.js";
import { readText } from "../event-file.js";
import { type CliIo, OperationError } from "../io.js";

export const describeRuleFileError = (path: string, error: RuleFileError): string =>
  `${path} ${error.where}${error.ruleId === undefined ? "" : ` (ruleId ${error.ruleId})`}: ${error.message}`;

/** Reads a rules file in full; every bad row goes to stderr, then one line says nothing was used. */
export const readRuleFile = async (path: string, io: CliIo): Promise<MappingRule[]> => {
  const { rules, errors } = parseRuleFile(await readText(path), formatOf(path));
  if (errors.length === 0) return rules;
  for (const error of errors) io.stderr(`${describeRuleFileError(path, error)}\n`);
  throw new OperationError(`${path}: ${plural(errors.length, "invalid rule")}`);
};

export const plural = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? "" : "s"}`;
