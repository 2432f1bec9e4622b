/**
 * Lambda's SQS event source mapping: the pollers (run in-process against any SQS endpoint) and
 * the event source mapping API that enables, disables and reconfigures them.
 */
export {
  type LambdaApiOperation,
  type LambdaEmulator,
  type LambdaEmulatorOptions,
  startLambdaEmulator,
} from "./api.js";
export type { InjectableLambdaError } from "./api-errors.js";
export type { InvocationReport } from "./batch-response.js";
export type {
  EventSourceMapping,
  EventSourceMappingRunner,
  EventSourceMappingState,
  LambdaFunctionDefinition,
} from "./control-plane.js";
export {
  createLambdaRunner,
  type LambdaRunner,
  type LambdaRunnerOptions,
  type LambdaRunnerSettings,
  type LambdaRunnerStats,
} from "./event-source-mapping.js";
export type { SqsLambdaHandler } from "./invoke.js";
