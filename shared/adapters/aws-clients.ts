import { ConnectClient } from "@aws-sdk/client-connect";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface AwsClients {
  readonly connect: ConnectClient;
  readonly dynamodb: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  /** Built on first use: only a future-dated termination calls Scheduler. */
  readonly scheduler: () => SchedulerClient;
  /** Built on first use: only a quarantine calls the Lambda API, so no cold start pays for it. */
  readonly lambda: () => LambdaClient;
}

/**
 * One attempt that gets no answer fails after requestTimeout (the handler only logs a warning
 * unless throwOnRequestTimeout is set), so a retry can still succeed within the invocation. The
 * invocation's deadline is enforced separately: every call takes its abort signal.
 */
const requestHandler = {
  connectionTimeout: 3_000,
  requestTimeout: 5_000,
  throwOnRequestTimeout: true,
};

/**
 * The SDK clients, built once per Lambda environment. Endpoints, region and credentials come
 * from the SDK's standard configuration (AWS_ENDPOINT_URL_* is how the local stack plugs in).
 */
export const createAwsClients = (): AwsClients => {
  let lambda: LambdaClient | undefined;
  let scheduler: SchedulerClient | undefined;
  return {
    // Connect calls are retried by the application, which knows that CreateUser's
    // LimitExceededException is a full instance, not throttling, and paces CreateUser.
    connect: new ConnectClient({ maxAttempts: 1, requestHandler }),
    dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler })),
    eventBridge: new EventBridgeClient({ requestHandler }),
    sqs: new SQSClient({ requestHandler }),
    scheduler: () => {
      scheduler ??= new SchedulerClient({ requestHandler });
      return scheduler;
    },
    lambda: () => {
      lambda ??= new LambdaClient({ requestHandler });
      return lambda;
    },
  };
};
