/**
 * Amazon Connect user-management emulator (DESIGN section 8): an HTTP server speaking
 * restJson1 to the real `@aws-sdk/client-connect` client.
 */
export {
  type ConnectEmulator,
  type ConnectEmulatorOptions,
  startConnectEmulator,
} from "./emulator.js";
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_MAX_USERS,
  DEFAULT_QUOTAS,
  DEFAULT_REGION,
  parseConnectSeed,
} from "./seed.js";
export {
  type ApiStats,
  CONNECT_APIS,
  type ConnectApi,
  type ConnectSeed,
  type Faults,
  type IdentityInfo,
  type IdentityManagementType,
  type PhoneConfig,
  type Quota,
  type ReportUser,
  type SeedProfile,
  type SeedUser,
} from "./types.js";
