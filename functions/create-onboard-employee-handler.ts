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
import { DynamoDbQuarantine } from "../shared/adapters/dynamodb-quarantine.js";
import { DynamoDbRemovalBudget } from "../shared/adapters/dynamodb-removal-budget.js";
import { DynamoDbSourceMappings } from "../shared/adapters/dynamodb-source-mappings.js";
import { EventBridgePublisher } from "../shared/adapters/eventbridge-publisher.js";
import { EventBridgeRemovalScheduler } from "../shared/adapters/eventbridge-removal-scheduler.js";
import { LambdaEventSourceMappings } from "../shared/adapters/lambda-event-source-mappings.js";
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
import { QuarantineGuard } from "../shared/application/quarantine-guard.js";
import { DEFAULT_RETRY_POLICY } from "../shared/application/retry.js";
import { RuleBook } from "../shared/application/rule-book.js";
import { SourceBook } from "../shared/application/source-book.js";
import { readConfig } from "../shared/config.js";
import { isHeldBack, toProvisioningFailure, tripsQuarantine } from "../shared/domain/failures.js";
import { generatePassword } from "../shared/domain/password.js";
import { quarantineReasonOf } from "../shared/domain/quarantine.js";
import type {
  ApiInvoker,
  ConnectApi,
  EventSourceMappings,
  Ledger,
  QuarantineStore,
  RemovalBudget,
} from "../shared/ports.js";

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
  /** The same, for the quarantine state and the Lambda API (tested against theirs elsewhere). */
  readonly quarantine?: QuarantineStore;
  readonly mappings?: EventSourceMappings;
}

/** Builds one Lambda environment's handler; configuration errors throw here, at cold start. */
export const createHandler = (
  env: Readonly<Record<string, string | undefined>> = process.env,
  { clock = systemClock, ledger, budget, quarantine, mappings }: HandlerOverrides = {},
) => {
  const config = readConfig(env);
  const logger = new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
  const metrics = new Metrics({
    serviceName: config.serviceName,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "ConnectOnboarding",
  });
  const clients = createAwsClients();
  const pacer = new ApiPacer((api: ConnectApi) => config.connectApiRps[api], clock);
  const publisher = new EventBridgePublisher(clients.eventBridge, config.eventBusName, clock);
  const removalBudget =
    budget ??
    new DynamoDbRemovalBudget(
      clients.dynamodb,
      config.ledgerTableName,
      { count: config.removalThresholdCount, percent: config.removalThresholdPercent },
      () => clock.now(),
    );
  const guard = new QuarantineGuard({
    store:
      quarantine ??
      new DynamoDbQuarantine(
        clients.dynamodb,
        config.ledgerTableName,
        () => clock.now(),
        (ms) => clock.sleep(ms),
      ),
    mappings: mappings ?? new LambdaEventSourceMappings(clients.lambda),
    publisher,
    settings: {
      instanceId: config.instanceId,
      eventSource: config.eventSource,
      eventBusName: config.eventBusName,
      failureSpike: config.failureSpike,
    },
    clock,
    log: logger,
    removals: removalBudget,
  });
  const paced = pacedCalls(pacer, DEFAULT_RETRY_POLICY, clock);
  // Once quarantine is known, no Connect call starts (a retry's neither): calls in flight end.
  const guarded: ApiInvoker<ConnectApi> = (api, context, call) =>
    paced(api, context, () => {
      guard.check();
      return call();
    });
  const connect = new ConnectInstance(clients.connect, config.instanceId, guarded);
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
    budget: removalBudget,
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
    // One log stream per execution environment: with it, a line outside CloudWatch (the local
    // stack's stderr, an export) still says which environment wrote it.
    logger.appendPersistentKeys({ function_log_stream: context.logStreamName });
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
      EventsHeldBack: 0,
      Quarantined: 0,
    };
    await guard.begin({
      functionName: context.functionName,
      eventSourceArn: event.Records[0]?.eventSourceARN ?? "",
      logStreamName: context.logStreamName,
      awsRequestId: context.awsRequestId,
      deadlines,
    });
    const processRecord = async (record: SQSRecord): Promise<void> => {
      try {
        // Quarantined: the record goes back untouched, parsed or not.
        guard.check();
        // Tracked, so the events of the batch's records share PutEvents calls.
        const message = inboundMessage(record);
        const result = await publisher.track(() => messages.handle(message, deadlines));
        for (const metric of outcomeMetrics(result)) tally[metric]++;
        guard.recordOutcome(failedPermanently(result));
      } catch (error) {
        const failure = toProvisioningFailure(error);
        if (tripsQuarantine(failure)) {
          guard.trip(quarantineReasonOf(failure.reason), failure.message, record.messageId);
        }
        if (isHeldBack(failure)) {
          tally.EventsHeldBack++;
          guard.heldBack();
        } else {
          tally.EventsRetried++;
        }
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
    const quarantined = await guard.finish();
    if (quarantined.announced) tally.Quarantined++;
    // One summary line and one data point per metric for the batch.
    logger.info("Batch processed", {
      records: event.Records.length,
      ...tally,
      ...(quarantined.quarantined ? { quarantine: quarantined.reason } : {}),
    });
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
  | "RemovalsScheduled"
  /** Records handed back to the queue because the service is quarantined. */
  | "EventsHeldBack"
  /** This environment put the service in quarantine (the stack's alarm watches it). */
  | "Quarantined";

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

/** A record parked at once with a permanent reason: what a failure spike counts. */
const failedPermanently = (result: MessageResult): boolean =>
  result.kind === "parked"
    ? result.permanent
    : result.kind === "several" && result.parked?.permanent === true;

/** A message counts once per event: a payload a source mapping split counts each employee. */
const outcomeMetrics = (result: MessageResult): Metric[] =>
  result.kind === "parked"
    ? ["EventsParked"]
    : result.kind === "synced"
      ? [syncMetric(result)]
      : [...result.synced.map(syncMetric), ...(result.parked ? (["EventsParked"] as const) : [])];
