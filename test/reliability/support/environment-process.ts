/**
 * A Lambda execution environment in a process of its own, so that a scenario can kill it
 * mid-invocation (SIGKILL) the way a crash, an out-of-memory kill or a runtime exit ends one:
 * nothing after the kill happens, no promise settles, no event goes out. The parent sends one
 * invocation at a time over IPC and gets the handler's response back.
 */
import type { SQSEvent } from "aws-lambda";
import { createHandler } from "../../../functions/create-onboard-employee-handler.js";

export interface Invocation {
  readonly event: SQSEvent;
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly deadline: number;
}

export type InvocationReply =
  | { readonly kind: "returned"; readonly value: unknown }
  | { readonly kind: "error"; readonly message: string };

const send = (message: unknown) => process.send?.(message);

// The cold start: configuration is read once, here, as in Lambda.
const handler = createHandler(process.env);

process.on("message", (invocation: Invocation) => {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: invocation.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${invocation.functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: invocation.awsRequestId,
    logGroupName: `/aws/lambda/${invocation.functionName}`,
    logStreamName: `crashable/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  handler(invocation.event, context).then(
    (value) => send({ kind: "returned", value } satisfies InvocationReply),
    (error: unknown) => send({ kind: "error", message: String(error) } satisfies InvocationReply),
  );
});

send({ ready: true });
