/**
 * The cold-start baseline: a Lambda module that only imports and constructs the SDK clients the
 * onboarding function uses, and does nothing else. Built exactly like the real bundle.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const clients = {
  connect: new ConnectClient({ maxAttempts: 1 }),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  eventBridge: new EventBridgeClient({}),
  sqs: new SQSClient({}),
};

export const handler = async () => ({
  batchItemFailures: [],
  clients: Object.keys(clients).length,
});
