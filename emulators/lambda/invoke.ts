/**
 * One invocation as the Node.js runtime runs it: a Lambda context with a deadline, the
 * deprecated context.done/succeed/fail, and the function timeout, past which the handler is
 * abandoned (its outcome is lost, as on Lambda).
 */
import { randomBytes } from "node:crypto";
import type { Context, SQSEvent, SQSHandler } from "aws-lambda";

/**
 * The handler contract of an SQS-triggered Lambda function (async style): it resolves to
 * `SQSBatchResponse | void`, taken from aws-lambda's SQSHandler so `async () => {}` fits.
 */
export type SqsLambdaHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<Awaited<ReturnType<SQSHandler>>>;

/** What an invocation needs to know about its function. */
export interface FunctionConfig {
  readonly handler: SqsLambdaHandler;
  readonly timeoutMs: number;
  readonly functionName: string;
  readonly memoryLimitInMB: number;
  readonly region: string;
  readonly account: string;
  /** One stream per execution environment, as in Lambda. */
  readonly logStreamName: string;
}

export type HandlerResult =
  | { kind: "returned"; value: unknown }
  | { kind: "error"; error: unknown }
  | { kind: "timeout" };

/** Runs the handler against the function timeout; a timed-out handler is abandoned. */
export async function runHandler(
  config: FunctionConfig,
  event: SQSEvent,
  awsRequestId: string,
): Promise<HandlerResult> {
  const deadline = Date.now() + config.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const legacy = legacyCompletion();
  const context = createContext(config, awsRequestId, deadline, legacy.context);
  const timeout = new Promise<HandlerResult>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout" }), config.timeoutMs);
  });
  const handled = Promise.resolve()
    .then(() => config.handler(event, context))
    .then(
      (value): HandlerResult => ({ kind: "returned", value }),
      (error: unknown): HandlerResult => ({ kind: "error", error }),
    );
  try {
    return await Promise.race([handled, legacy.result, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The deprecated context.done/succeed/fail still end an invocation in the Node runtime. */
function legacyCompletion(): {
  result: Promise<HandlerResult>;
  context: Pick<Context, "done" | "succeed" | "fail">;
} {
  let settle: (result: HandlerResult) => void = () => {};
  const result = new Promise<HandlerResult>((resolve) => {
    settle = resolve;
  });
  const done = (error?: unknown, value?: unknown) =>
    settle(error ? { kind: "error", error } : { kind: "returned", value });
  return {
    result,
    context: {
      done,
      fail: (error: Error | string) => done(error),
      succeed: (value: unknown) => done(undefined, value),
    },
  };
}

function createContext(
  config: FunctionConfig,
  awsRequestId: string,
  deadline: number,
  legacy: Pick<Context, "done" | "succeed" | "fail">,
): Context {
  const { functionName, region, account } = config;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(config.memoryLimitInMB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: config.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...legacy,
  };
}

export function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}
