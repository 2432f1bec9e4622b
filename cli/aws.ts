/**
 * AWS clients for the CLI. Credentials and region come from the SDK's standard chain
 * (environment, shared config and credentials files, SSO, instance roles); `--region` and
 * `--profile` override it, and `--endpoint` points every client at one URL (a local stack).
 * Without `--endpoint`, the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables still apply.
 * This module loads the SDK: import it only once the arguments are known to be good.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface AwsOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
}

/** An operator waits on these calls: fail within seconds on a dead endpoint, not minutes. */
const requestHandler = { connectionTimeout: 5_000, requestTimeout: 30_000 };

const clientConfig = (options: AwsOptions) => ({
  requestHandler,
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...(options.region ? { region: options.region } : {}),
  ...(options.profile ? { profile: options.profile } : {}),
});

export const sqsClient = (options: AwsOptions): SQSClient => new SQSClient(clientConfig(options));

/**
 * Connect's read APIs allow a few calls per second per account (SearchUsers 2, with the
 * function using the same budget): adaptive retries slow the CLI down instead of failing it.
 */
export const connectClient = (options: AwsOptions): ConnectClient =>
  new ConnectClient({ ...clientConfig(options), retryMode: "adaptive", maxAttempts: 10 });

/**
 * For commands that pace their Connect calls as the function does (shared/application's
 * pacedCalls): one attempt per call, so a throttle reaches the pacer, which slows that API's
 * lane for every call in flight and retries within its own policy.
 */
export const pacedConnectClient = (options: AwsOptions): ConnectClient =>
  new ConnectClient({ ...clientConfig(options), maxAttempts: 1 });

/** The document client, so rules go in and out as plain objects, as the function reads them. */
export const dynamoDbClient = (options: AwsOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });

/** PutEvents for the service-wide events the CLI announces ("Provisioning Resumed"). */
export const eventBridgeClient = (options: AwsOptions): EventBridgeClient =>
  new EventBridgeClient(clientConfig(options));

/** The Lambda API's event source mapping operations (`quarantine status|release`). */
export const lambdaClient = (options: AwsOptions): LambdaClient =>
  new LambdaClient(clientConfig(options));
