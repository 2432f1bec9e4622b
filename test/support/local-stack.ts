import { readFileSync } from "node:fs";
import { type ConnectSeed, parseConnectSeed } from "../../emulators/connect/index.js";
import {
  apiPaceEnv,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from "../../local/stack.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import { parseRulesJson } from "../../shared/domain/mapping-rule-file.js";
import { CONNECT_APIS } from "../../shared/ports.js";
import { watchPublished } from "./event-contracts.js";

const sample = (path: string) =>
  readFileSync(new URL(`../../events/${path}`, import.meta.url), "utf8");

/** The sample instance of events/connect-seed.json, with the quota and faults overridable. */
export const sampleSeed = (overrides: Partial<ConnectSeed> = {}): ConnectSeed =>
  parseConnectSeed({ ...JSON.parse(sample("connect-seed.json")), ...overrides });

/** The ID of one of the sample instance's profiles or groups, by its name in the seed file. */
const sampleId = (
  kind: "routingProfiles" | "securityProfiles" | "hierarchyGroups",
  name: string,
) => {
  const found = (
    JSON.parse(sample("connect-seed.json"))[kind] as { id: string; name: string }[]
  ).find((entry) => entry.name === name);
  if (!found) throw new Error(`events/connect-seed.json has no ${kind} entry named ${name}`);
  return found.id;
};

/** The sample instance's IDs that tests assert on, read from the seed rather than restated. */
export const SAMPLE_IDS = {
  basicRouting: sampleId("routingProfiles", "Basic Routing Profile"),
  careRouting: sampleId("routingProfiles", "Customer Care Routing"),
  salesRouting: sampleId("routingProfiles", "Sales Routing"),
  agent: sampleId("securityProfiles", "Agent"),
  spanishQa: sampleId("securityProfiles", "Spanish QA"),
  austinTeam1: sampleId("hierarchyGroups", "Austin Team 1"),
  remoteTeam: sampleId("hierarchyGroups", "Remote Team"),
  salesEast: sampleId("hierarchyGroups", "Sales East"),
};

export const sampleRules = (): MappingRule[] => parseRulesJson(sample("mappings.json")).rules;

/** Quotas high enough that tests not about pacing do not wait on them (every API the function calls). */
export const FAST_QUOTAS = Object.fromEntries(
  CONNECT_APIS.map((api) => [api, { rps: 20, burst: 5 }]),
) as ConnectSeed["quotas"];

/** The sample stack, quiet, with per-environment pacing at half the seeded quota (two consumers). */
export const startSampleStack = async (
  options: Partial<LocalStackOptions> = {},
): Promise<LocalStack> => {
  const seed = options.seed ?? sampleSeed({ quotas: FAST_QUOTAS });
  const stack = await startLocalStack({
    seed,
    rules: options.rules ?? sampleRules(),
    ...options,
    functionEnv: {
      ...apiPaceEnv(seed, 2),
      POWERTOOLS_LOG_LEVEL: "SILENT",
      ...options.functionEnv,
    },
  });
  // What the function publishes is checked against docs/schemas/ after each test.
  watchPublished(() => stack.eventBridge.events());
  return stack;
};
