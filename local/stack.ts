import { CreateEventSourceMappingCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateScheduleGroupCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  type ConnectEmulator,
  type ConnectEmulatorOptions,
  type ConnectSeed,
  startConnectEmulator,
} from "../emulators/connect/index.js";
import {
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  startEventBridgeEmulator,
} from "../emulators/eventbridge/index.js";
import {
  type EventSourceMapping,
  type InvocationReport,
  type LambdaEmulator,
  type SqsLambdaHandler,
  startLambdaEmulator,
} from "../emulators/lambda/index.js";
import { type SchedulerEmulator, startSchedulerEmulator } from "../emulators/scheduler/index.js";
import type { MappingRule } from "../shared/domain/mapping-rule.js";
import type { SourceMapping } from "../shared/domain/source-mapping.js";
import { CONNECT_APIS } from "../shared/ports.js";
import { type Queues, startQueues } from "./queues.js";
import { type MappingTable, startMappingTable } from "./tables.js";

export const LOCAL_REGION = "us-east-1";

/** Connect's default quota for every user-management API (the emulator's default too). */
const DEFAULT_API_RPS = 2;

/**
 * Each Lambda environment's pace per Connect API: the instance's quota for that API shared by
 * the environments, as an operator would set CONNECT_API_RPS_<Api> for a deployment.
 */
export const apiPaceEnv = (seed: ConnectSeed, environments: number): Record<string, string> =>
  Object.fromEntries(
    CONNECT_APIS.map((api) => [
      `CONNECT_API_RPS_${api}`,
      String((seed.quotas?.[api]?.rps ?? DEFAULT_API_RPS) / environments),
    ]),
  );
export const LOCAL_EVENT_BUS = "connect-onboarding";
/** Future-dated terminations' schedule group, and the role Scheduler would assume (not checked locally). */
export const LOCAL_SCHEDULE_GROUP = "connect-onboarding-leavers";
const LOCAL_SCHEDULER_ROLE = "arn:aws:iam::000000000000:role/connect-onboarding-local-scheduler";
/** The function the local event source mapping invokes (its environments are the consumers). */
export const LOCAL_FUNCTION_NAME = "connect-onboarding-local";

export interface LocalStackOptions {
  readonly seed: ConnectSeed;
  readonly rules: readonly MappingRule[];
  /** Source mappings for the source table (docs/sources.md); none by default. */
  readonly sources?: readonly SourceMapping[];
  /** The queue's redrive maxReceiveCount, and the function's MAX_RECEIVE_COUNT (default 5). */
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly connect?: ConnectEmulatorOptions;
  readonly eventBridge?: Pick<EventBridgeEmulatorOptions, "entryFailureRate" | "random">;
  /** Overrides for the function's configuration (DESIGN section 7). */
  readonly functionEnv?: Readonly<Record<string, string>>;
}

export interface LocalStack {
  readonly connect: ConnectEmulator;
  readonly eventBridge: EventBridgeEmulator;
  /** EventBridge Scheduler: future-dated terminations fire into the onboarding queue when due. */
  readonly scheduler: SchedulerEmulator;
  /**
   * The Lambda API (event source mappings) and the onboarding queue's mapping to
   * LOCAL_FUNCTION_NAME: created Enabled, polling only while a run drives it (local/pipeline.ts).
   * The function disables it through the API when it quarantines itself; `onboard quarantine
   * release` enables it again.
   */
  readonly lambda: LambdaEmulator;
  readonly mapping: EventSourceMapping;
  /** A Lambda client on the stack, as an IaC tool or operator would use it. */
  readonly lambdaClient: LambdaClient;
  /** Called after every invocation the mapping makes (once its deletes are done). */
  onInvoke(listener: (invocation: InvocationReport) => void): () => void;
  readonly queues: Queues;
  readonly table: MappingTable;
  /** The function's environment: its configuration, endpoints and dummy credentials. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * What a client outside this process needs to use the stack (DESIGN section 10's `--serve`
   * line): the endpoints, region, dummy credentials and the resources' names.
   */
  readonly clientEnv: Readonly<Record<string, string>>;
  /** An SQS client on the stack, for sending hires and reading the DLQ. */
  readonly sqs: SQSClient;
  stop(): Promise<void>;
}

/** The handler of a mapping no run has set up: it never runs, since nothing polls until then. */
const idle: SqsLambdaHandler = async () => {
  throw new Error("the local function has no environments yet: drive it with local/pipeline.ts");
};

/**
 * Starts every AWS stand-in on loopback: the Connect and EventBridge emulators, fauxqs (queue
 * and DLQ with its redrive policy) and dynalite (the mapping table, loaded with `rules`).
 * SDK clients find them through the standard AWS_ENDPOINT_URL_* variables, which this sets in
 * `process.env`: one stack per process at a time.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const [connect, eventBridge, queues, table] = await Promise.all([
    startConnectEmulator(options.seed, options.connect),
    startEventBridgeEmulator({ ...options.eventBridge, buses: [LOCAL_EVENT_BUS] }),
    startQueues({
      maxReceiveCount,
      ...(options.visibilityTimeoutSeconds === undefined
        ? {}
        : { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }),
    }),
    startMappingTable(),
  ]);
  const invoked = new Set<(invocation: InvocationReport) => void>();
  const lambda = await startLambdaEmulator({
    region: LOCAL_REGION,
    sqs: { endpoint: queues.endpoint },
    // Pollers run while a run drives them (or --serve), never behind a test's back.
    autoStart: false,
    // A run with one consumer leaves ScalingConfig unset (AWS's minimum maximum is 2).
    defaultConcurrency: 1,
    onInvoke: (_stats, invocation) => {
      for (const listener of invoked) listener(invocation);
    },
  });
  const aws = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_CONNECT: connect.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
    AWS_ENDPOINT_URL_SQS: queues.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    // Powertools reads these from process.env itself. Metrics would print EMF documents, and
    // CloudWatch is not part of the local stack.
    POWERTOOLS_METRICS_DISABLED: "true",
    // Lambda's runtime sets this; without it Powertools cannot tell a cold start, and every log
    // line would say cold_start: false.
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
  };
  // Due schedules deliver to the onboarding queue by themselves, as Scheduler does.
  const scheduler = await startSchedulerEmulator({
    sqs: { endpoint: queues.endpoint },
    region: LOCAL_REGION,
  });
  const schedulerAws = { AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint };
  Object.assign(aws, schedulerAws);
  const previous = Object.fromEntries(Object.keys(aws).map((key) => [key, process.env[key]]));
  Object.assign(process.env, aws);
  const schedulerClient = new SchedulerClient({
    endpoint: scheduler.endpoint,
    region: LOCAL_REGION,
  });
  try {
    await schedulerClient.send(new CreateScheduleGroupCommand({ Name: LOCAL_SCHEDULE_GROUP }));
  } finally {
    schedulerClient.destroy();
  }
  await table.putRules(options.rules.map((rule) => ({ ...rule })));
  await table.putSources((options.sources ?? []).map((mapping) => ({ ...mapping })));

  const env = {
    ...aws,
    CONNECT_INSTANCE_ID: connect.instanceId,
    IDENTITY_MANAGEMENT_TYPE: options.seed.instance.identityManagementType ?? "SAML",
    MAPPING_TABLE_NAME: table.tableName,
    LEDGER_TABLE_NAME: table.ledgerTableName,
    SOURCE_TABLE_NAME: table.sourceTableName,
    EVENT_BUS_NAME: LOCAL_EVENT_BUS,
    EVENT_SOURCE: "connect-onboarding",
    DLQ_URL: queues.dlqUrl,
    MAX_RECEIVE_COUNT: String(maxReceiveCount),
    SCHEDULE_GROUP_NAME: LOCAL_SCHEDULE_GROUP,
    SCHEDULER_ROLE_ARN: LOCAL_SCHEDULER_ROLE,
    QUEUE_ARN: queues.queueArn,
    POWERTOOLS_SERVICE_NAME: "connect-onboarding",
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
    ...options.functionEnv,
  };
  const sqs = new SQSClient({ endpoint: queues.endpoint, region: LOCAL_REGION });
  const lambdaClient = new LambdaClient({ endpoint: lambda.endpoint, region: LOCAL_REGION });
  // Until a run says what its environments are, the function refuses work (nothing polls yet).
  lambda.addFunction({ functionName: LOCAL_FUNCTION_NAME, createHandler: () => idle });
  const { UUID } = await lambdaClient.send(
    new CreateEventSourceMappingCommand({
      FunctionName: LOCAL_FUNCTION_NAME,
      EventSourceArn: queues.queueArn,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      Enabled: true,
    }),
  );
  const mapping = lambda.mapping(UUID ?? "");
  if (!mapping) throw new Error("the event source mapping the API created is not registered");
  await mapping.waitForState("Enabled");
  const clientEnv = {
    AWS_ENDPOINT_URL_SQS: queues.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_CONNECT: connect.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    AWS_REGION: LOCAL_REGION,
    // The AWS CLI reads this one, not AWS_REGION.
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: aws.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: aws.AWS_SECRET_ACCESS_KEY,
    CONNECT_INSTANCE_ID: env.CONNECT_INSTANCE_ID,
    IDENTITY_MANAGEMENT_TYPE: env.IDENTITY_MANAGEMENT_TYPE,
    MAPPING_TABLE_NAME: env.MAPPING_TABLE_NAME,
    SOURCE_TABLE_NAME: env.SOURCE_TABLE_NAME,
    LEDGER_TABLE_NAME: env.LEDGER_TABLE_NAME,
    QUEUE_URL: queues.queueUrl,
    DLQ_URL: queues.dlqUrl,
    EVENT_BUS_NAME: env.EVENT_BUS_NAME,
    SCHEDULE_GROUP_NAME: env.SCHEDULE_GROUP_NAME,
    SCHEDULER_ROLE_ARN: env.SCHEDULER_ROLE_ARN,
    QUEUE_ARN: env.QUEUE_ARN,
    // The function and its mapping, for `onboard quarantine` and `aws lambda`.
    FUNCTION_NAME: LOCAL_FUNCTION_NAME,
    EVENT_SOURCE_MAPPING_UUID: mapping.uuid,
  };

  return {
    connect,
    eventBridge,
    scheduler,
    lambda,
    mapping,
    lambdaClient,
    onInvoke(listener) {
      invoked.add(listener);
      return () => invoked.delete(listener);
    },
    queues,
    table,
    env,
    clientEnv,
    sqs,
    async stop() {
      sqs.destroy();
      // The scheduler first: a schedule firing now would find the queue gone.
      await scheduler.stop();
      lambdaClient.destroy();
      // The pollers first: they still delete what they hold on the queues.
      await lambda.stop();
      await Promise.all([connect.stop(), eventBridge.stop(), queues.stop(), table.stop()]);
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
};
