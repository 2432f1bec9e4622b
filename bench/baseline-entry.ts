/**
 * The cold-start baseline: a Lambda module that only imports the SDK clients the onboarding
 * function uses and the commands it must be able to send, constructs the clients, and does
 * nothing else. Built exactly like the real bundle. The commands are those of the lifecycle:
 * every Connect API the function paces (lookups, CreateUser, each aspect's update, tagging, the
 * profile lists), the ledger's reads and conditional writes and the rule table's scan, the
 * bus check and PutEvents, and the DLQ's SendMessage; and the leavers' DeleteUser and
 * schedules, and the quarantine's event source mapping calls, whose two clients the function
 * builds only on first need (so the baseline imports them and builds none either). Not the
 * ledger's history Query: only the CLI reads the history.
 */
import {
  ConnectClient,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeUserCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  SearchUsersCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserHierarchyCommand,
  UpdateUserIdentityInfoCommand,
  UpdateUserPhoneConfigCommand,
  UpdateUserRoutingProfileCommand,
  UpdateUserSecurityProfilesCommand,
} from "@aws-sdk/client-connect";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

const clients = {
  connect: new ConnectClient({ maxAttempts: 1 }),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  eventBridge: new EventBridgeClient({}),
  sqs: new SQSClient({}),
};

// Referenced from the handler, so the bundler keeps every one of them, as the function's does.
const commands = [
  CreateUserCommand,
  DescribeUserCommand,
  SearchUsersCommand,
  ListUsersCommand,
  UpdateUserRoutingProfileCommand,
  UpdateUserSecurityProfilesCommand,
  UpdateUserHierarchyCommand,
  UpdateUserIdentityInfoCommand,
  UpdateUserPhoneConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  DescribeEventBusCommand,
  PutEventsCommand,
  SendMessageCommand,
  DeleteUserCommand,
  CreateScheduleCommand,
  UpdateScheduleCommand,
  DeleteScheduleCommand,
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  paginateListEventSourceMappings,
];
const firstNeed = [SchedulerClient, LambdaClient];

export const handler = async () => ({
  batchItemFailures: [],
  clients: Object.keys(clients).length,
  commands: commands.length,
  clientsOnFirstNeed: firstNeed.length,
});
