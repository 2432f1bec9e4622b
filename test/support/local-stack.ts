import { readFileSync } from "node:fs";
import { type ConnectSeed, parseConnectSeed } from "../../emulators/connect/index.js";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";

const sample = (path: string) =>
  readFileSync(new URL(`../../events/${path}`, import.meta.url), "utf8");

/** The sample instance of events/connect-seed.json, with the quota and faults overridable. */
export const sampleSeed = (overrides: Partial<ConnectSeed> = {}): ConnectSeed =>
  parseConnectSeed({ ...JSON.parse(sample("connect-seed.json")), ...overrides });

export const sampleRules = (): MappingRule[] => parseRulesJson(sample("mappings.json")).rules;

/** A CreateUser quota high enough that tests not about pacing do not wait on it. */
export const FAST_QUOTAS = { CreateUser: { rps: 20, burst: 5 } };

/** The sample stack, quiet, with per-environment pacing at half the seeded quota (two consumers). */
export const startSampleStack = (options: Partial<LocalStackOptions> = {}): Promise<LocalStack> => {
  const seed = options.seed ?? sampleSeed({ quotas: FAST_QUOTAS });
  return startLocalStack({
    seed,
    rules: options.rules ?? sampleRules(),
    ...options,
    functionEnv: {
      CONNECT_CREATE_USER_RPS: String((seed.quotas?.CreateUser?.rps ?? 2) / 2),
      POWERTOOLS_LOG_LEVEL: "SILENT",
      ...options.functionEnv,
    },
  });
};
