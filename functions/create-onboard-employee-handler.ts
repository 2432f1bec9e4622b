/**
 * Composition root of the onboarding function: SQS batches of employee events in, Connect
 * users made to match HR and their events on the bus out. Everything is wired here, once per
 * Lambda environment; the behaviour lives in shared/. The Lambda entry point is
 * `onboard-employee.ts`; the local stack and tests build environments from here directly.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createAwsClients } from "../shared/adapters/aws-clients.js";
import { ConnectInstance } from "../shared/adapters/connect-users.js";
import { DynamoDbLedger } from "../shared/adapters/dynamodb-ledger.js";
import { DynamoDbMappingRules } from "../shared/adapters/dynamodb-mapping-rules.js";
import { DynamoDbRemovalBudget } from "../shared/adapters/dynamodb-removal-budget.js";
import { DynamoDbSourceMappings } from "../shared/adapters/dynamodb-source-mappings.js";
import { EventBridgePublisher } from "../shared/adapters/eventbridge-publisher.js";
import { EventBridgeRemovalScheduler } from "../shared/adapters/eventbridge-removal-scheduler.js";
import { recordLogger } from "../shared/adapters/record-logger.js";
import { SqsDeadLetterParker } from "../shared/adapters/sqs-dead-letter-parker.js";
import { inboundMessage } from "../shared/adapters/sqs-inbound.js";
import { ApiPacer } from "../shared/application/api-pacer.js";
import { type Clock, systemClock } from "../shared/application/clock.js";
import { type Deadline, invocationDeadlines } from "../shared/application/deadline.js";
import { LeaverSync } from "../shared/application/employee-leaver.js";
import {
  EmployeeMessageHandler,
  type MessageResult,
} from "../shared/application/employee-message-handler.js";
import { EmployeePlanner } from "../shared/application/employee-planner.js";
import { EmployeeSync, type SyncResult } from "../shared/application/employee-sync.js";
import { MessageReader } from "../shared/application/message-reader.js";
import { pacedCalls } from "../shared/application/paced-calls.js";
import { ProfileResolver } from "../shared/application/profile-resolver.js";
import { DEFAULT_RETRY_POLICY } from "../shared/application/retry.js";
import { RuleBook } from "../shared/application/rule-book.js";
import { SourceBook } from "../shared/application/source-book.js";
import { readConfig } from "../shared/config.js";
import { generatePassword } from "../shared/domain/password.js";
import type { ConnectApi, Ledger, RemovalBudget } from "../shared/ports.js";

/** After a miss, caches older than this are reloaded: a fix may just have landed. */
const MISS_REFRESH_MS = 1_000;

export type OnboardEmployeeHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse>;

export interface HandlerOverrides {
  /** Virtual time for tests of pacing and backoff. */
  readonly clock?: Clock;
  /**
   * A ledger of the test's own, for tests that run the handler in process with the AWS clients
   * mocked (the DynamoDB ledger itself is tested against DynamoDB's API, in test/local).
   */
  readonly ledger?: Ledger;
  /** A removal budget of the test's own, likewise. */
  readonly budget?: RemovalBudget;
}

/** Builds one Lambda environment's handler; configuration errors throw here, at cold start. */
export const createHandler = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  { clock = systemClock, ledger, budget }: HandlerOverrides = {},
) => {
  const config = readConfig(env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics = new Metrics({
    serviceName: config.serviceName,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ConnectOnboarding",
  });
  const clients = createAwsClients();
  const pacer = new ApiPacer((api: ConnectApi) => config.connectApiRps[api], clock);
  const connect = new ConnectInstance(
    clients.connect,
    config.instanceId,
    pacedCalls(pacer, DEFAULT_RETRY_POLICY, clock),
  );
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName, clock);
  const settings = {
    instanceId: config.instanceId,
    identityManagementType: config.identityManagementType,
    usernameTemplate: config.usernameTemplate,
    eventSource: config.eventSource,
    ledgerHistoryDays: config.ledgerHistoryDays,
  };
  const profiles = new ProfileResolver(
    connect,
    config.instanceId,
    {
      ttlMs: config.profileCacheTtlSeconds * 1000,
      missRefreshMs: MISS_REFRESH_MS,
      forbiddenSecurityProfiles: config.forbiddenSecurityProfiles,
    },
    clock,
  );
  const planner = new EmployeePlanner({
    rules: new RuleBook(
      new DynamoDbMappingRules(clients.dynamodb, config.mappingTableName),
      { ttlMs: config.mappingCacheTtlSeconds * 1000, missRefreshMs: MISS_REFRESH_MS },
      clock,
      logger,
    ),
    profiles,
    users: connect,
    settings,
  });
  const theLedger =
    ledger ?? new DynamoDbLedger(clients.dynamodb, config.ledgerTableName, () => clock.now());
  const scheduler = config.removalSchedules
    ? new EventBridgeRemovalScheduler(clients.scheduler, config.removalSchedules)
    : undefined;
  const leavers = new LeaverSync({
    users: connect,
    ledger: theLedger,
    publisher,
    budget:
      budget ??
      new DynamoDbRemovalBudget(
        clients.dynamodb,
        config.ledgerTableName,
        { count: config.removalThresholdCount, percent: config.removalThresholdPercent },
        () => clock.now(),
      ),
    ...(scheduler ? { scheduler } : {}),
    profiles,
    clock,
    settings: {
      instanceId: config.instanceId,
      eventSource: config.eventSource,
      ledgerHistoryDays: config.ledgerHistoryDays,
      leaverAction: config.leaverAction,
      ...(config.disabledRoutingProfile
        ? { disabledRoutingProfile: config.disabledRoutingProfile }
        : {}),
      disabledSecurityProfiles: config.disabledSecurityProfiles,
    },
  });
  const sync = new EmployeeSync({
    planner,
    users: connect,
    ledger: theLedger,
    publisher,
    settings,
    clock,
    newPassword: generatePassword,
    leavers,
    ...(scheduler ? { scheduler } : {}),
  });
  // Without a source table only canonical bodies are read; with one, JSONata is loaded only
  // once a payload needs a mapping.
  const sources = config.sourceTableName
    ? new SourceBook(
        new DynamoDbSourceMappings(clients.dynamodb, config.sourceTableName),
        { ttlMs: config.mappingCacheTtlSeconds * 1000, missRefreshMs: MISS_REFRESH_MS },
        clock,
        logger,
      )
    : undefined;
  const messages = new EmployeeMessageHandler({
    reader: new MessageReader(sources),
    sync,
    publisher,
    parker: new SqsDeadLetterParker(clients.sqs, config.dlqUrl),
    settings: {
      instanceId: config.instanceId,
      eventSource: config.eventSource,
      maxReceiveCount: config.maxReceiveCount,
    },
    clock: clock,
    logFor: (keys) => recordLogger(logger, { ...keys }),
  });

  // The cold start's check that the bus exists, done by the environment's first invocation
  // (under its deadline) and again by each later one until it succeeds once.
  let busVerified: Promise<void> | undefined;
  const verifyBus = (deadline: Deadline): Promise<void> => {
    busVerified ??= publisher.verifyBus(deadline).catch((error: unknown) => {
      busVerified = undefined;
      throw error;
    });
    return busVerified;
  };

  const onboardEmployees: OnboardEmployeeHandler = async (event, context) => {
    const deadlines = invocationDeadlines(context.getRemainingTimeInMillis(), clock);
    try {
      await verifyBus(deadlines.work);
    } catch (error) {
      // Nothing is touched: the invocation fails, so SQS keeps every message of the batch.
      logger.error("Event bus check failed; no record of the batch is processed", {
        records: event.Records.length,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    const tally: Record<Metric, number> = {
      UsersCreated: 0,
      UsersAlreadyExisted: 0,
      UsersUpdated: 0,
      EventsUnchanged: 0,
      EventsStale: 0,
      EventsParked: 0,
      EventsRetried: 0,
      UsersRemoved: 0,
      RemovalsScheduled: 0,
    };
    const processRecord = async (record: SQSRecord): Promise<void> => {
      try {
        // Tracked, so the events of the batch's records share PutEvents calls.
        const message = inboundMessage(record);
        const result = await publisher.track(() => messages.handle(message, deadlines));
        for (const metric of outcomeMetrics(result)) tally[metric]++;
      } catch (error) {
        tally.EventsRetried++;
        throw error;
      }
    };
    // A processor per invocation: its state is per batch, and local runs share environments.
    const response = await processPartialResponse(
      event,
      processRecord,
      new BatchProcessor(EventType.SQS),
      {
        context,
        throwOnFullBatchFailure: false,
      },
    );
    // One summary line and one data point per metric for the batch.
    logger.info("Batch processed", { records: event.Records.length, ...tally });
    for (const [name, count] of Object.entries(tally)) {
      if (count > 0) metrics.addMetric(name, MetricUnit.Count, count);
    }
    return response;
  };

  // No setting may make the logger print the event: it holds names, emails and phone numbers
  // (POWERTOOLS_LOGGER_LOG_EVENT=true would, without the explicit false).
  return middy(onboardEmployees)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics));
};

type Metric =
  | "UsersCreated"
  | "UsersAlreadyExisted"
  | "UsersUpdated"
  | "EventsUnchanged"
  | "EventsStale"
  | "EventsParked"
  | "EventsRetried"
  | "UsersRemoved"
  | "RemovalsScheduled";

const syncMetric = (result: SyncResult): Metric => {
  switch (result.outcome) {
    case "CREATED":
      return "UsersCreated";
    case "ALREADY_EXISTED":
      return "UsersAlreadyExisted";
    case "UPDATED":
      return "UsersUpdated";
    case "STALE":
      return "EventsStale";
    case "REMOVED":
    case "DISABLED":
      return "UsersRemoved";
    case "SCHEDULED":
      return "RemovalsScheduled";
    default:
      return "EventsUnchanged";
  }
};

/** A message counts once per event: a payload a source mapping split counts each employee. */
const outcomeMetrics = (result: MessageResult): Metric[] =>
  result.kind === "parked"
    ? ["EventsParked"]
    : result.kind === "synced"
      ? [syncMetric(result)]
      : [...result.synced.map(syncMetric), ...(result.parked ? (["EventsParked"] as const) : [])];
