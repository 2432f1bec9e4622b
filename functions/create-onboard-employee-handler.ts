/**
 * Composition root of the onboarding function: SQS batch of "employee hired" events in,
 * Connect users and "Connect User Created" events out. Everything is wired here, once per
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
import { ConnectInstance } from "../shared/adapters/connect-user-directory.js";
import { DynamoDbMappingRules } from "../shared/adapters/dynamodb-mapping-rules.js";
import { EventBridgePublisher } from "../shared/adapters/eventbridge-publisher.js";
import { recordLogger } from "../shared/adapters/record-logger.js";
import { SqsDeadLetterParker } from "../shared/adapters/sqs-dead-letter-parker.js";
import { type Clock, systemClock } from "../shared/application/clock.js";
import { CreateUserPacer } from "../shared/application/create-user-pacer.js";
import { type Deadline, invocationDeadlines } from "../shared/application/deadline.js";
import { HireProvisioner } from "../shared/application/hire-provisioner.js";
import { ProfileResolver } from "../shared/application/profile-resolver.js";
import {
  OnboardingRecordHandler,
  type RecordResult,
} from "../shared/application/record-handler.js";
import { DEFAULT_RETRY_POLICY } from "../shared/application/retry.js";
import { RuleBook } from "../shared/application/rule-book.js";
import { readConfig } from "../shared/config.js";
import { generatePassword } from "../shared/domain/password.js";

/** After a miss, caches older than this are reloaded: a fix may just have landed. */
const MISS_REFRESH_MS = 1_000;

export type OnboardEmployeeHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse>;

export interface HandlerOverrides {
  /** Virtual time for tests of pacing and backoff. */
  readonly clock?: Clock;
}

/** Builds one Lambda environment's handler; configuration errors throw here, at cold start. */
export const createHandler = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  { clock = systemClock }: HandlerOverrides = {},
) => {
  const config = readConfig(env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics = new Metrics({
    serviceName: config.serviceName,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ConnectOnboarding",
  });
  const clients = createAwsClients();
  const connect = new ConnectInstance(clients.connect, config.instanceId);
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName, clock);
  const settings = {
    instanceId: config.instanceId,
    identityManagementType: config.identityManagementType,
    usernameTemplate: config.usernameTemplate,
    eventSource: config.eventSource,
  };
  const provisioner = new HireProvisioner({
    rules: new RuleBook(
      new DynamoDbMappingRules(clients.dynamodb, config.mappingTableName),
      { ttlMs: config.mappingCacheTtlSeconds * 1000, missRefreshMs: MISS_REFRESH_MS },
      clock,
      logger,
    ),
    profiles: new ProfileResolver(
      connect,
      config.instanceId,
      { ttlMs: config.profileCacheTtlSeconds * 1000, missRefreshMs: MISS_REFRESH_MS },
      clock,
    ),
    users: connect,
    pacer: new CreateUserPacer(config.createUserRps, clock),
    publisher,
    settings,
    retryPolicy: DEFAULT_RETRY_POLICY,
    clock: clock,
    newPassword: generatePassword,
  });
  const records = new OnboardingRecordHandler({
    provisioner,
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
    const tally = { UsersCreated: 0, UsersAlreadyExisted: 0, HiresParked: 0, HiresRetried: 0 };
    const processRecord = async (record: SQSRecord): Promise<void> => {
      try {
        // Tracked, so the events of the batch's records share PutEvents calls.
        tally[outcomeMetric(await publisher.track(() => records.handle(record, deadlines)))]++;
      } catch (error) {
        tally.HiresRetried++;
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

  return middy(onboardEmployees).use(injectLambdaContext(logger)).use(logMetrics(metrics));
};

const outcomeMetric = (result: RecordResult) =>
  result.kind === "parked"
    ? "HiresParked"
    : result.outcome === "CREATED"
      ? "UsersCreated"
      : "UsersAlreadyExisted";
