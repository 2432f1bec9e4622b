import { execFile, execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  LambdaServiceException,
  ListEventSourceMappingsCommand,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type EventSourceMapping,
  type LambdaEmulator,
  type LambdaEmulatorOptions,
  type SqsLambdaHandler,
  startLambdaEmulator,
} from "../../emulators/lambda/index.js";
import { type Queues, startQueues } from "../../local/queues.js";
import { queueDepth, sendBodies } from "../../shared/queue-tools.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const FUNCTION = "onboard-employee";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION}`;

describe("Lambda event source mapping API", () => {
  let queues: Queues;
  let sqs: SQSClient;
  let emulator: LambdaEmulator;
  let lambda: LambdaClient;
  let running = false;
  /** What every execution environment's handler does; tests replace it. */
  let behaviour: SqsLambdaHandler;
  /** Each record the function saw, with the receive count it came with. */
  let seen: { body: string; receiveCount: string }[];
  let handlersCreated: number;

  async function start(options: LambdaEmulatorOptions = {}): Promise<void> {
    if (running) {
      lambda.destroy();
      await emulator.stop();
    }
    running = true;
    emulator = await startLambdaEmulator({
      sqs: { endpoint: queues.endpoint },
      rateLimit: null,
      functions: [
        {
          functionName: FUNCTION,
          createHandler: () => {
            handlersCreated++;
            return (event, context) => {
              for (const record of event.Records) {
                seen.push({
                  body: record.body,
                  receiveCount: record.attributes.ApproximateReceiveCount,
                });
              }
              return behaviour(event, context);
            };
          },
        },
      ],
      ...options,
    });
    lambda = new LambdaClient({ endpoint: emulator.endpoint, region: "us-east-1", credentials });
  }

  beforeEach(async () => {
    seen = [];
    handlersCreated = 0;
    behaviour = async () => {};
    queues = await startQueues({ visibilityTimeoutSeconds: 30 });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: "us-east-1", credentials });
    await start();
  });

  afterEach(async () => {
    running = false;
    lambda.destroy();
    await emulator.stop();
    sqs.destroy();
    await queues.stop();
  });

  function mappingInput(
    overrides: Partial<CreateEventSourceMappingCommandInput> = {},
  ): CreateEventSourceMappingCommandInput {
    return { FunctionName: FUNCTION, EventSourceArn: queues.queueArn, ...overrides };
  }

  async function createMapping(
    overrides: Partial<CreateEventSourceMappingCommandInput> = {},
  ): Promise<EventSourceMapping> {
    const { UUID } = await lambda.send(
      new CreateEventSourceMappingCommand(mappingInput(overrides)),
    );
    const mapping = emulator.mapping(UUID ?? "");
    if (!mapping) throw new Error("the mapping the API created is not registered");
    await mapping.waitForState(overrides.Enabled === false ? "Disabled" : "Enabled");
    return mapping;
  }

  async function failure(promise: Promise<unknown>): Promise<LambdaServiceException> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LambdaServiceException);
    return error as LambdaServiceException;
  }

  async function queueCounts(
    url = queues.queueUrl,
  ): Promise<{ visible: number; inFlight: number }> {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  }

  /** Resolves once the queue holds nothing (visible, in flight or delayed). */
  async function consumed(mapping: EventSourceMapping): Promise<void> {
    await mapping.runner.drain(
      async () =>
        (await queueDepth(sqs, queues.queueUrl)).total === 0 &&
        mapping.runner.stats().inFlight === 0,
      { timeoutMs: 15_000 },
    );
  }

  describe("creating and reading mappings", () => {
    it("creates a mapping that answers Creating, settles Enabled and consumes the queue", async () => {
      const created = await lambda.send(new CreateEventSourceMappingCommand(mappingInput()));
      expect(created.$metadata.httpStatusCode).toBe(202);
      expect(created).toMatchObject({
        State: "Creating",
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 0,
        EventSourceArn: queues.queueArn,
        FunctionArn: FUNCTION_ARN,
        StateTransitionReason: "USER_INITIATED",
        FunctionResponseTypes: [],
        EventSourceMappingArn: `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`,
      });
      expect(created.UUID).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.LastModified).toBeInstanceOf(Date);

      const mapping = emulator.mapping(created.UUID ?? "") as EventSourceMapping;
      expect(mapping.functionArn()).toBe(FUNCTION_ARN);
      await mapping.waitForState("Enabled");
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
      expect(got.State).toBe("Enabled");
      // One execution environment per unit of concurrency, each with its own handler.
      expect(handlersCreated).toBe(2);

      await sendBodies(sqs, queues.queueUrl, ["hire-1", "hire-2"]);
      await consumed(mapping);
      expect(seen.map((s) => s.body).sort()).toEqual(["hire-1", "hire-2"]);
    });

    it("finds mappings by function name or ARN and by event source, a page at a time", async () => {
      const other = await sqs.send(new CreateQueueCommand({ QueueName: "other" }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: other.QueueUrl, AttributeNames: ["QueueArn"] }),
      );
      const first = await createMapping();
      const second = await createMapping({ EventSourceArn: Attributes?.QueueArn });

      for (const FunctionName of [FUNCTION, FUNCTION_ARN, `000000000000:function:${FUNCTION}`]) {
        const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName }));
        expect(listed.EventSourceMappings?.map((m) => m.UUID)).toEqual([first.uuid, second.uuid]);
      }
      const bySource = await lambda.send(
        new ListEventSourceMappingsCommand({ EventSourceArn: queues.queueArn }),
      );
      expect(bySource.EventSourceMappings?.map((m) => m.UUID)).toEqual([first.uuid]);

      const pages: string[][] = [];
      for await (const page of paginateListEventSourceMappings(
        { client: lambda, pageSize: 1 },
        { FunctionName: FUNCTION },
      )) {
        pages.push((page.EventSourceMappings ?? []).map((m) => m.UUID ?? ""));
      }
      expect(pages).toEqual([[first.uuid], [second.uuid]]);

      const unknown = await failure(
        lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "nobody" })),
      );
      expect(unknown.name).toBe("ResourceNotFoundException");
      expect(unknown.message).toBe(
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody",
      );
    });

    it("lets a harness create a mapping in process and drive its pollers", async () => {
      await start({ autoStart: false });
      const mapping = await emulator.createEventSourceMapping({
        FunctionName: FUNCTION,
        EventSourceArn: queues.queueArn,
        BatchSize: 5,
      });
      await mapping.waitForState("Enabled");
      await sendBodies(sqs, queues.queueUrl, ["a", "b", "c"]);
      // Not started: an enabled mapping of a stopped harness polls nothing.
      expect(mapping.runner.stats().receives).toBe(0);
      await consumed(mapping);
      expect(seen.map((s) => s.body).sort()).toEqual(["a", "b", "c"]);
      expect(mapping.configuration()).toMatchObject({ UUID: mapping.uuid, BatchSize: 5 });
    });
  });

  describe("disabling and enabling", () => {
    it("leaves waiting messages on the queue, unreceived, until the mapping is enabled again", async () => {
      const mapping = await createMapping();
      const disabling = await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: false }),
      );
      expect(disabling.$metadata.httpStatusCode).toBe(202);
      expect(disabling.State).toBe("Disabling");
      await mapping.waitForState("Disabled");
      const receivesWhenDisabled = mapping.runner.stats().receives;

      await sendBodies(sqs, queues.queueUrl, ["waits-1", "waits-2", "waits-3"]);
      // Proving an absence takes time: well over one long poll (1 s), nothing is received.
      await sleep(1500);
      expect(mapping.runner.stats().receives).toBe(receivesWhenDisabled);
      expect(await queueCounts()).toEqual({ visible: 3, inFlight: 0 });
      expect(seen).toEqual([]);
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.uuid }));
      expect(got.State).toBe("Disabled");

      const enabling = await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: true }),
      );
      expect(enabling.State).toBe("Enabling");
      await mapping.waitForState("Enabled");
      await consumed(mapping);
      // First receive for every one of them: nothing touched them while disabled.
      expect(seen.sort((a, b) => (a.body < b.body ? -1 : 1))).toEqual([
        { body: "waits-1", receiveCount: "1" },
        { body: "waits-2", receiveCount: "1" },
        { body: "waits-3", receiveCount: "1" },
      ]);
    });

    it("lets the function disable its own mapping: invocations in hand finish, the rest wait", async () => {
      await sendBodies(sqs, queues.queueUrl, ["m1", "m2", "m3", "m4", "m5"]);
      let invocations = 0;
      let secondStarted: () => void = () => {};
      const bothRunning = new Promise<void>((resolve) => {
        secondStarted = resolve;
      });
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const answers: (string | undefined)[] = [];
      // Each of the two environments holds its batch until the first has disabled the mapping,
      // so both are mid-invocation when the disable lands.
      behaviour = async (_event: SQSEvent, context) => {
        invocations++;
        if (invocations === 2) secondStarted();
        if (invocations === 1) {
          await bothRunning;
          const mappings = await lambda.send(
            new ListEventSourceMappingsCommand({ FunctionName: context.invokedFunctionArn }),
          );
          const uuid = mappings.EventSourceMappings?.[0]?.UUID;
          const answer = await lambda.send(
            new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }),
          );
          answers.push(answer.State);
          release();
        } else {
          await released;
        }
      };
      const mapping = await createMapping({ BatchSize: 1 });
      await mapping.waitForState("Disabled");
      // Disabled only once both batches in hand were settled (deleted).
      expect(mapping.runner.stats()).toMatchObject({ invocations: 2, succeeded: 2, inFlight: 0 });
      const receives = mapping.runner.stats().receives;

      expect(answers).toEqual(["Disabling"]);
      // Three messages wait, never received.
      expect(await queueCounts()).toEqual({ visible: 3, inFlight: 0 });
      expect(mapping.runner.stats().receives).toBe(receives);

      behaviour = async () => {};
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: true }));
      await consumed(mapping);
      const later = seen.slice(2);
      expect(later).toHaveLength(3);
      expect(later.every((s) => s.receiveCount === "1")).toBe(true);
    });

    it("answers ResourceInUseException while a transition is under way", async () => {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started: () => void = () => {};
      const inHand = new Promise<void>((resolve) => {
        started = resolve;
      });
      behaviour = async () => {
        started();
        await released;
      };
      const mapping = await createMapping({ BatchSize: 1 });
      await sendBodies(sqs, queues.queueUrl, ["held"]);
      await inHand;
      await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: false }),
      );
      // The invocation in hand keeps the mapping Disabling.
      expect(mapping.state()).toBe("Disabling");
      for (const send of [
        () =>
          lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: false })),
        () =>
          lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, BatchSize: 2 })),
      ]) {
        const busy = await failure(send());
        expect(busy.name).toBe("ResourceInUseException");
        expect(busy.$metadata.httpStatusCode).toBe(400);
        expect(busy.message).toBe("Cannot update the event source mapping because it is in use.");
      }
      const deleting = await failure(
        lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.uuid })),
      );
      expect(deleting.name).toBe("ResourceInUseException");

      release();
      await mapping.waitForState("Disabled");
      expect(await queueCounts()).toEqual({ visible: 0, inFlight: 0 });
    });

    it("creates a mapping disabled, and an update that flips nothing passes through Updating", async () => {
      await sendBodies(sqs, queues.queueUrl, ["early"]);
      const mapping = await createMapping({ Enabled: false });
      expect(mapping.runner.stats().receives).toBe(0);
      const again = await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: false }),
      );
      expect(again.State).toBe("Updating");
      await mapping.waitForState("Disabled");
      expect(await queueCounts()).toEqual({ visible: 1, inFlight: 0 });
    });
  });

  describe("updating and deleting", () => {
    it("applies new settings to the running pollers", async () => {
      const mapping = await createMapping({ BatchSize: 1 });
      const updating = await lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: mapping.uuid,
          BatchSize: 20,
          MaximumBatchingWindowInSeconds: 1,
          FunctionResponseTypes: ["ReportBatchItemFailures"],
          ScalingConfig: { MaximumConcurrency: 3 },
        }),
      );
      expect(updating.State).toBe("Updating");
      await mapping.waitForState("Enabled");
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.uuid }));
      expect(got).toMatchObject({
        BatchSize: 20,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        ScalingConfig: { MaximumConcurrency: 3 },
      });
      expect(handlersCreated).toBe(3);

      await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, ScalingConfig: {} }),
      );
      await mapping.waitForState("Enabled");
      const unscaled = await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.uuid }));
      expect(unscaled.ScalingConfig).toBeUndefined();
      expect(unscaled.BatchSize).toBe(20);

      // ReportBatchItemFailures is now honoured: the record named stays on the queue.
      behaviour = async (event): Promise<SQSBatchResponse> => ({
        batchItemFailures: event.Records.filter((r) => r.body === "retry-me").map((r) => ({
          itemIdentifier: r.messageId,
        })),
      });
      await sendBodies(sqs, queues.queueUrl, ["ok", "retry-me"]);
      await mapping.runner.drain(
        () => mapping.runner.stats().records === 2 && mapping.runner.stats().inFlight === 0,
        { timeoutMs: 15_000 },
      );
      expect(mapping.runner.stats()).toMatchObject({ succeeded: 1, failedItems: 1 });
      expect(await queueCounts()).toEqual({ visible: 0, inFlight: 1 });
    });

    it("deletes a mapping: Deleting, then gone, its pollers stopped", async () => {
      const mapping = await createMapping();
      const deleting = await lambda.send(
        new DeleteEventSourceMappingCommand({ UUID: mapping.uuid }),
      );
      expect(deleting.$metadata.httpStatusCode).toBe(202);
      expect(deleting.State).toBe("Deleting");
      await expect
        .poll(() => emulator.mapping(mapping.uuid), { timeout: 5000, interval: 20 })
        .toBeUndefined();
      const gone = await failure(
        lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.uuid })),
      );
      expect(gone.name).toBe("ResourceNotFoundException");
      await sendBodies(sqs, queues.queueUrl, ["after-delete"]);
      expect(await queueCounts()).toEqual({ visible: 1, inFlight: 0 });
    });
  });

  describe("validation and errors", () => {
    it("answers ResourceNotFoundException (404) for an unknown UUID", async () => {
      for (const send of [
        () =>
          lambda.send(
            new GetEventSourceMappingCommand({ UUID: "00000000-0000-0000-0000-000000000000" }),
          ),
        () => lambda.send(new UpdateEventSourceMappingCommand({ UUID: "nope", Enabled: false })),
        () => lambda.send(new DeleteEventSourceMappingCommand({ UUID: "nope" })),
      ]) {
        const error = await failure(send());
        expect(error.name).toBe("ResourceNotFoundException");
        expect(error.$metadata.httpStatusCode).toBe(404);
        expect(error.message).toBe("The resource you requested does not exist.");
      }
    });

    it("rejects values outside the model's constraints with ValidationException", async () => {
      const error = await failure(
        lambda.send(
          new CreateEventSourceMappingCommand(
            mappingInput({
              BatchSize: 0,
              ScalingConfig: { MaximumConcurrency: 1 },
              FunctionResponseTypes: ["Everything" as never],
            }),
          ),
        ),
      );
      expect(error.name).toBe("ValidationException");
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/^3 validation errors detected: /);
      expect(error.message).toContain(
        "Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(error.message).toContain("at 'scalingConfig.maximumConcurrency'");
      expect(emulator.mappings()).toEqual([]);
    });

    it.each([
      [
        "a batch above 10 without a batching window",
        { BatchSize: 11 },
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
      ],
      [
        "a stream-only member",
        { StartingPosition: "LATEST" as const },
        "Unsupported StartingPosition parameter for given event source mapping type.",
      ],
      ["no event source", { EventSourceArn: undefined }, "EventSourceArn is required."],
      [
        "a source other than SQS",
        { EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/s" },
        /SQS event sources only/,
      ],
      [
        "a queue that does not exist",
        { EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:missing" },
        /GetQueueUrl/,
      ],
    ])("refuses %s with InvalidParameterValueException", async (_, overrides, message) => {
      const error = await failure(
        lambda.send(new CreateEventSourceMappingCommand(mappingInput(overrides))),
      );
      expect(error.name).toBe("InvalidParameterValueException");
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(message);
    });

    it("refuses a second mapping of the same function and queue with ResourceConflictException", async () => {
      const mapping = await createMapping();
      const error = await failure(lambda.send(new CreateEventSourceMappingCommand(mappingInput())));
      expect(error.name).toBe("ResourceConflictException");
      expect(error.$metadata.httpStatusCode).toBe(409);
      expect(error.message).toBe(
        `The event source arn (" ${queues.queueArn} ") and function (" ${FUNCTION} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${mapping.uuid}`,
      );
    });

    it("takes an update naming the function the mapping invokes, after the function is redefined", async () => {
      const mapping = await createMapping();
      // A deployment redefines the function under the same name (new code, same mapping).
      emulator.addFunction({ functionName: FUNCTION, createHandler: () => async () => {} });
      const updated = await lambda.send(
        new UpdateEventSourceMappingCommand({
          UUID: mapping.uuid,
          FunctionName: FUNCTION,
          BatchSize: 5,
        }),
      );
      expect(updated).toMatchObject({ UUID: mapping.uuid, State: "Updating", BatchSize: 5 });
      await mapping.waitForState("Enabled");
    });

    it("refuses an update whose settings break the cross-member rules", async () => {
      const mapping = await createMapping();
      const error = await failure(
        lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, BatchSize: 50 })),
      );
      expect(error.name).toBe("InvalidParameterValueException");
      expect(mapping.state()).toBe("Enabled");
    });

    it("answers an unknown function with ResourceNotFoundException", async () => {
      const error = await failure(
        lambda.send(new CreateEventSourceMappingCommand(mappingInput({ FunctionName: "ghost" }))),
      );
      expect(error.name).toBe("ResourceNotFoundException");
      expect(error.message).toBe(
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost",
      );
    });

    it("throttles past the control-plane quota with TooManyRequestsException and Retry-After", async () => {
      await start({ rateLimit: { rps: 0.001, burst: 2 } });
      const once = new LambdaClient({
        endpoint: emulator.endpoint,
        region: "us-east-1",
        credentials,
        maxAttempts: 1,
      });
      try {
        await once.send(new ListEventSourceMappingsCommand({}));
        await once.send(new ListEventSourceMappingsCommand({}));
        const error = await failure(once.send(new ListEventSourceMappingsCommand({})));
        expect(error.name).toBe("TooManyRequestsException");
        expect(error.$metadata.httpStatusCode).toBe(429);
        expect(error).toMatchObject({ Reason: "CallerRateLimitExceeded", retryAfterSeconds: "1" });
      } finally {
        once.destroy();
      }
    });

    it("fails the next calls with an injected ServiceException", async () => {
      emulator.failNext("ListEventSourceMappings", "ServiceException");
      const once = new LambdaClient({
        endpoint: emulator.endpoint,
        region: "us-east-1",
        credentials,
        maxAttempts: 1,
      });
      try {
        const error = await failure(once.send(new ListEventSourceMappingsCommand({})));
        expect(error.name).toBe("ServiceException");
        expect(error.$metadata.httpStatusCode).toBe(500);
        await once.send(new ListEventSourceMappingsCommand({}));
      } finally {
        once.destroy();
      }
    });
  });

  describe.runIf(hasAwsCli())("with the AWS CLI (botocore's own client)", () => {
    const cli = promisify(execFile);
    const aws = (...args: string[]) =>
      cli("aws", ["lambda", ...args, "--endpoint-url", emulator.endpoint, "--output", "json"], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: "us-east-1",
        },
      }).then(({ stdout }) => JSON.parse(stdout));

    it("lists, disables and reads a mapping", async () => {
      const mapping = await createMapping();
      const listed = await aws("list-event-source-mappings", "--function-name", FUNCTION);
      expect(listed.EventSourceMappings).toEqual([
        expect.objectContaining({
          UUID: mapping.uuid,
          State: "Enabled",
          FunctionArn: FUNCTION_ARN,
        }),
      ]);
      const updated = await aws(
        "update-event-source-mapping",
        "--uuid",
        mapping.uuid,
        "--no-enabled",
      );
      expect(updated.State).toBe("Disabling");
      await mapping.waitForState("Disabled");
      const got = await aws("get-event-source-mapping", "--uuid", mapping.uuid);
      expect(got.State).toBe("Disabled");
      await expect(aws("get-event-source-mapping", "--uuid", "nope")).rejects.toThrow(
        /ResourceNotFoundException/,
      );
    }, 30_000);
  });
});

function hasAwsCli(): boolean {
  try {
    execFileSync("aws", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
