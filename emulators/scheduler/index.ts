/** Amazon EventBridge Scheduler: the schedule API and one-time schedules that fire into SQS. */
export {
  type SchedulerEmulator,
  type SchedulerEmulatorOptions,
  type ScheduleView,
  startSchedulerEmulator,
} from "./emulator.js";
export type { InjectableSchedulerError } from "./errors.js";
export type { Delivery, DeliveryFailure, SqsTargetEndpoint } from "./firing.js";
export type { SchedulerOperation } from "./operations.js";
export type { SchedulerQuotas } from "./state.js";
