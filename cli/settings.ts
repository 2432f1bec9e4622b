import { ConfigurationError, readConfig } from "../shared/config.js";
import type { IdentityManagementType } from "../shared/domain/username.js";
import type { ConnectApi } from "../shared/ports.js";
import { UsageError } from "./io.js";

/** The user settings a CreateUser request depends on, as the function would have them. */
export interface UserSettingsInput {
  readonly instanceId?: string;
  readonly identityManagementType?: string;
  readonly usernameTemplate?: string;
  readonly forbiddenSecurityProfiles?: string;
}

export interface ResolvedUserSettings {
  /** The instance ID, even when given as an ARN; undefined when no instance was named. */
  readonly instanceId?: string;
  readonly identityManagementType: IdentityManagementType;
  readonly usernameTemplate: string;
  readonly forbiddenSecurityProfiles: readonly string[];
}

// readConfig insists on the variables the function cannot run without; the CLI needs none of
// them, so these stand in. Their values never reach any output.
const STAND_INS = {
  CONNECT_INSTANCE_ID: "cli",
  MAPPING_TABLE_NAME: "cli",
  LEDGER_TABLE_NAME: "cli",
  EVENT_BUS_NAME: "cli",
  DLQ_URL: "https://sqs.invalid/cli",
};

const OPTION_OF: Readonly<Record<string, string>> = {
  CONNECT_INSTANCE_ID: "--instance-id",
  IDENTITY_MANAGEMENT_TYPE: "--identity-management-type",
  USERNAME_TEMPLATE: "--username-template",
  FORBIDDEN_SECURITY_PROFILES: "--forbidden-security-profiles",
};

/**
 * Reads the CLI's options through the function's own configuration reader, so the defaults,
 * the accepted values and an instance ARN's reading can never drift from what the function does.
 */
export const userSettings = (input: UserSettingsInput): ResolvedUserSettings => {
  try {
    const config = readConfig({
      ...STAND_INS,
      ...(input.instanceId === undefined ? {} : { CONNECT_INSTANCE_ID: input.instanceId }),
      IDENTITY_MANAGEMENT_TYPE: input.identityManagementType,
      USERNAME_TEMPLATE: input.usernameTemplate,
      FORBIDDEN_SECURITY_PROFILES: input.forbiddenSecurityProfiles,
    });
    return {
      ...(input.instanceId === undefined ? {} : { instanceId: config.instanceId }),
      identityManagementType: config.identityManagementType,
      usernameTemplate: config.usernameTemplate,
      forbiddenSecurityProfiles: config.forbiddenSecurityProfiles,
    };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const problems = error.problems.map((problem) =>
      problem.replace(/^[A-Z_]+/, (name) => OPTION_OF[name] ?? name),
    );
    throw new UsageError(problems.join("; "));
  }
};

/** The function's defaults, for `--help`. */
export const functionDefaults = (): ResolvedUserSettings => userSettings({});

/**
 * The pace of each Connect API for a command that reads the instance in bulk, read as the
 * function reads CONNECT_API_RPS and CONNECT_API_RPS_<Api> (default 1 per second), so an
 * operator can give the CLI the share of the quota the function leaves. `rps` (the command's
 * --rps) sets every API.
 */
export const connectApiRates = (
  rps: number | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<Record<ConnectApi, number>> => {
  const paces =
    rps === undefined
      ? Object.fromEntries(
          Object.entries(env).filter(
            ([name]) => name === "CONNECT_API_RPS" || name.startsWith("CONNECT_API_RPS_"),
          ),
        )
      : { CONNECT_API_RPS: String(rps) };
  try {
    return readConfig({ ...STAND_INS, ...paces }).connectApiRps;
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new UsageError(error.problems.join("; "));
  }
};
