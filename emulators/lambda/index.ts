/** Lambda's SQS event source mapping, run in-process against any SQS endpoint. */
export type { InvocationReport } from "./batch-response.js";
export {
  createLambdaRunner,
  type LambdaRunner,
  type LambdaRunnerOptions,
  type LambdaRunnerStats,
} from "./event-source-mapping.js";
export type { SqsLambdaHandler } from "./invoke.js";
