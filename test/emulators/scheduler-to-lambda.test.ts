import {
  CreateEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LambdaEmulator, startLambdaEmulator } from "../../emulators/lambda/index.js";
import { type SchedulerEmulator, startSchedulerEmulator } from "../../emulators/scheduler/index.js";
import { type Queues, startQueues } from "../../local/queues.js";
import { queueDepth } from "../../shared/queue-tools.js";
import { localAwsEnv, withEnv } from "../support/with-env.js";

const FUNCTION = "onboard-employee";

/**
 * The two emulators together, reached as the function reaches them: SDK clients built with no
 * endpoint, configured by AWS_ENDPOINT_URL_SCHEDULER and AWS_ENDPOINT_URL_LAMBDA.
 */
describe("a scheduled termination reaching the function through its event source mapping", () => {
  let queues: Queues;
  let sqs: SQSClient;
  let scheduler: SchedulerEmulator;
  let lambda: LambdaEmulator;
  let now: number;
  let received: { body: string; receiveCount: string }[];

  beforeEach(async () => {
    now = Date.parse("2026-11-28T10:00:00Z");
    received = [];
    queues = await startQueues({ visibilityTimeoutSeconds: 30 });
    sqs = new SQSClient({
      endpoint: queues.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    scheduler = await startSchedulerEmulator({
      sqs: { endpoint: queues.endpoint },
      clock: () => now,
      realTime: false,
    });
    lambda = await startLambdaEmulator({
      sqs: { endpoint: queues.endpoint },
      functions: [
        {
          functionName: FUNCTION,
          createHandler: () => async (event) => {
            for (const record of event.Records) {
              received.push({
                body: record.body,
                receiveCount: record.attributes.ApproximateReceiveCount,
              });
            }
          },
        },
      ],
    });
  });

  afterEach(async () => {
    await lambda.stop();
    await scheduler.stop();
    sqs.destroy();
    await queues.stop();
  });

  const env = () => ({
    ...localAwsEnv("AWS_ENDPOINT_URL_SCHEDULER", scheduler.endpoint),
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
  });

  it("is held on the queue while the mapping is disabled, and consumed once it is enabled", async () => {
    await withEnv(env(), async () => {
      const functionClient = new LambdaClient({});
      const schedulerClient = new SchedulerClient({});
      try {
        const { UUID } = await functionClient.send(
          new CreateEventSourceMappingCommand({
            FunctionName: FUNCTION,
            EventSourceArn: queues.queueArn,
          }),
        );
        const mapping = lambda.mapping(UUID ?? "");
        await mapping?.waitForState("Enabled");

        // Quarantine: the function finds its own mapping and disables it.
        const { EventSourceMappings = [] } = await functionClient.send(
          new ListEventSourceMappingsCommand({ FunctionName: FUNCTION }),
        );
        expect(EventSourceMappings.map((m) => m.UUID)).toEqual([UUID]);
        await functionClient.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
        await mapping?.waitForState("Disabled");

        await schedulerClient.send(
          new CreateScheduleCommand({
            Name: "terminate-E12345",
            ScheduleExpression: "at(2026-12-01T17:00:00)",
            ScheduleExpressionTimezone: "America/Chicago",
            FlexibleTimeWindow: { Mode: "OFF" },
            ActionAfterCompletion: "DELETE",
            Target: {
              Arn: queues.queueArn,
              RoleArn: "arn:aws:iam::000000000000:role/scheduler-to-onboarding-queue",
              Input: '{"eventType":"EmployeeTerminated","employee":{"employeeId":"E12345"}}',
            },
          }),
        );
        now = Date.parse("2026-12-01T23:00:00Z");
        expect(await scheduler.runDue()).toHaveLength(1);
        expect(scheduler.schedules()).toEqual([]);
        expect(await queueDepth(sqs, queues.queueUrl)).toMatchObject({ visible: 1, inFlight: 0 });
        expect(received).toEqual([]);

        await functionClient.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: true }));
        await mapping?.runner.drain(() => received.length === 1, { timeoutMs: 15_000 });
        expect(received).toEqual([
          {
            body: '{"eventType":"EmployeeTerminated","employee":{"employeeId":"E12345"}}',
            receiveCount: "1",
          },
        ]);
      } finally {
        functionClient.destroy();
        schedulerClient.destroy();
      }
    });
  });
});
