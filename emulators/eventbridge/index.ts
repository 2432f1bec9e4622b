export {
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  type EventBridgeEmulatorStats,
  startEventBridgeEmulator,
} from "./emulator.js";
export type { InjectedErrorCode, RecordedEvent } from "./put-events.js";
