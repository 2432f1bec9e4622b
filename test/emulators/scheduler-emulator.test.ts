import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  SchedulerClient,
  SchedulerServiceException,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Delivery,
  type SchedulerEmulator,
  type SchedulerEmulatorOptions,
  startSchedulerEmulator,
} from "../../emulators/scheduler/index.js";
import { type SqsEmulator, startSqsEmulator } from "../../emulators/sqs.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const ROLE_ARN = "arn:aws:iam::000000000000:role/scheduler-to-sqs";
const START = Date.parse("2026-11-28T10:00:00Z");

describe("EventBridge Scheduler emulator", () => {
  let sqsEmulator: SqsEmulator;
  let sqs: SQSClient;
  let queueUrl: string;
  let queueArn: string;
  let emulator: SchedulerEmulator;
  let client: SchedulerClient;
  /** The emulator's clock, moved by the tests. */
  let now: number;
  let running = false;

  async function createQueue(name: string): Promise<{ url: string; arn: string }> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    return { url: QueueUrl ?? "", arn: Attributes?.QueueArn ?? "" };
  }

  /** Starts (or restarts, with other options) the emulator and a client for it. */
  async function start(options: SchedulerEmulatorOptions = {}): Promise<void> {
    if (running) {
      client.destroy();
      await emulator.stop();
    }
    running = true;
    emulator = await startSchedulerEmulator({
      sqs: { endpoint: sqsEmulator.endpoint },
      clock: () => now,
      realTime: false,
      ...options,
    });
    client = new SchedulerClient({ endpoint: emulator.endpoint, region: "us-east-1", credentials });
  }

  beforeEach(async () => {
    now = START;
    sqsEmulator = await startSqsEmulator();
    sqs = new SQSClient({ endpoint: sqsEmulator.endpoint, region: "us-east-1", credentials });
    ({ url: queueUrl, arn: queueArn } = await createQueue("onboarding"));
    await start();
  });

  afterEach(async () => {
    running = false;
    client.destroy();
    await emulator.stop();
    sqs.destroy();
    await sqsEmulator.stop();
  });

  function oneTime(
    name: string,
    at: string,
    overrides: Partial<CreateScheduleCommandInput> = {},
  ): CreateScheduleCommandInput {
    return {
      Name: name,
      ScheduleExpression: `at(${at})`,
      ScheduleExpressionTimezone: "America/Chicago",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: { Arn: queueArn, RoleArn: ROLE_ARN, Input: `{"employeeId":"${name}"}` },
      ...overrides,
    };
  }

  async function failure(promise: Promise<unknown>): Promise<SchedulerServiceException> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchedulerServiceException);
    return error as SchedulerServiceException;
  }

  async function receiveBodies(url = queueUrl): Promise<string[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return Messages.map((message) => message.Body ?? "");
  }

  describe("the schedule API", () => {
    it("creates a schedule and reports it with the service's defaults", async () => {
      const { ScheduleArn } = await client.send(
        new CreateScheduleCommand({
          Name: "leaver-E1",
          ScheduleExpression: "at(2026-12-01T17:00:00)",
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: { Arn: queueArn, RoleArn: ROLE_ARN, Input: "body" },
        }),
      );
      expect(ScheduleArn).toBe(
        "arn:aws:scheduler:us-east-1:000000000000:schedule/default/leaver-E1",
      );
      const schedule = await client.send(new GetScheduleCommand({ Name: "leaver-E1" }));
      expect(schedule).toMatchObject({
        Arn: ScheduleArn,
        Name: "leaver-E1",
        GroupName: "default",
        State: "ENABLED",
        ActionAfterCompletion: "NONE",
        ScheduleExpression: "at(2026-12-01T17:00:00)",
        ScheduleExpressionTimezone: "UTC",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: {
          Arn: queueArn,
          RoleArn: ROLE_ARN,
          Input: "body",
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
        CreationDate: new Date(START),
        LastModificationDate: new Date(START),
      });
      expect(emulator.schedules()).toEqual([
        expect.objectContaining({ name: "leaver-E1", dueAt: "2026-12-01T17:00:00.000Z" }),
      ]);
    });

    it("rejects what the model's constraints reject, naming every member that fails", async () => {
      const error = await failure(
        client.send(
          new CreateScheduleCommand({
            Name: "leaver-E1",
            ScheduleExpression: "at(2026-12-01T17:00:00)",
            FlexibleTimeWindow: undefined as never,
            Target: { Arn: queueArn, RoleArn: "not-a-role" },
            ActionAfterCompletion: "ARCHIVE" as never,
          }),
        ),
      );
      expect(error.name).toBe("ValidationException");
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/^3 validation errors detected: /);
      expect(error.message).toContain(
        "Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null",
      );
      expect(error.message).toContain("Value 'not-a-role' at 'target.roleArn'");
      expect(error.message).toContain("Member must satisfy enum value set: [NONE, DELETE]");

      const badName = await failure(
        client.send(new CreateScheduleCommand(oneTime("a b", "2026-12-01T17:00:00"))),
      );
      expect(badName.message).toContain("at 'name' failed to satisfy constraint");
      expect(emulator.schedules()).toEqual([]);
    });

    it.each([
      ["an impossible date", "at(2026-02-30T10:00:00)"],
      ["a time without seconds", "at(2026-12-01T17:00)"],
      ["a zone offset", "at(2026-12-01T17:00:00Z)"],
      ["a rate without a unit", "rate(5)"],
      ["a rate of zero", "rate(0 minutes)"],
      ["a cron with five fields", "cron(0 12 * * ?)"],
    ])("rejects %s as an invalid schedule expression", async (_, expression) => {
      const error = await failure(
        client.send(
          new CreateScheduleCommand({
            ...oneTime("x", "2026-12-01T17:00:00"),
            ScheduleExpression: expression,
          }),
        ),
      );
      expect(error.name).toBe("ValidationException");
      expect(error.message).toBe(`Invalid Schedule Expression ${expression}.`);
    });

    it("accepts rate() and cron() schedules, which it never fires", async () => {
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("rate", "x"),
          ScheduleExpression: "rate(5 minutes)",
        }),
      );
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("cron", "x"),
          ScheduleExpression: "cron(0 8 * * ? *)",
        }),
      );
      now += 10 * 86_400_000;
      expect(await emulator.runDue()).toEqual([]);
      expect(emulator.schedules().map((s) => s.dueAt)).toEqual([null, null]);
    });

    it("rejects an unknown time zone and a FLEXIBLE window without its maximum", async () => {
      const zone = await failure(
        client.send(
          new CreateScheduleCommand({
            ...oneTime("x", "2026-12-01T17:00:00"),
            ScheduleExpressionTimezone: "Mars/Olympus_Mons",
          }),
        ),
      );
      expect(zone.message).toBe("Invalid ScheduleExpressionTimezone Mars/Olympus_Mons.");
      const offset = await failure(
        client.send(
          new CreateScheduleCommand({
            ...oneTime("x", "2026-12-01T17:00:00"),
            ScheduleExpressionTimezone: "+01:00",
          }),
        ),
      );
      expect(offset.name).toBe("ValidationException");
      const window = await failure(
        client.send(
          new CreateScheduleCommand({
            ...oneTime("x", "2026-12-01T17:00:00"),
            FlexibleTimeWindow: { Mode: "FLEXIBLE" },
          }),
        ),
      );
      expect(window.message).toMatch(/MaximumWindowInMinutes/);
    });

    it("answers ConflictException for a name in use and ResourceNotFoundException for none", async () => {
      await client.send(new CreateScheduleCommand(oneTime("leaver-E1", "2026-12-01T17:00:00")));
      const conflict = await failure(
        client.send(new CreateScheduleCommand(oneTime("leaver-E1", "2026-12-02T17:00:00"))),
      );
      expect(conflict.name).toBe("ConflictException");
      expect(conflict.$metadata.httpStatusCode).toBe(409);
      expect(conflict.message).toBe("Schedule leaver-E1 already exists.");

      for (const send of [
        () => client.send(new GetScheduleCommand({ Name: "nobody" })),
        () => client.send(new DeleteScheduleCommand({ Name: "nobody" })),
        () => client.send(new UpdateScheduleCommand(oneTime("nobody", "2026-12-01T17:00:00"))),
      ]) {
        const missing = await failure(send());
        expect(missing.name).toBe("ResourceNotFoundException");
        expect(missing.$metadata.httpStatusCode).toBe(404);
        expect(missing.message).toBe("Schedule nobody does not exist.");
      }
      const group = await failure(
        client.send(
          new CreateScheduleCommand({ ...oneTime("x", "2026-12-01T17:00:00"), GroupName: "none" }),
        ),
      );
      expect(group.message).toBe("Schedule group none does not exist.");
    });

    it("replays a retried request with the same ClientToken and refuses the token for another", async () => {
      const first = await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T17:00:00"),
          ClientToken: "t-1",
        }),
      );
      const retried = await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T17:00:00"),
          ClientToken: "t-1",
        }),
      );
      expect(retried.ScheduleArn).toBe(first.ScheduleArn);
      expect(emulator.schedules()).toHaveLength(1);

      const reused = await failure(
        client.send(
          new CreateScheduleCommand({
            ...oneTime("leaver-E2", "2026-12-01T17:00:00"),
            ClientToken: "t-1",
          }),
        ),
      );
      expect(reused.name).toBe("ConflictException");
      expect(emulator.schedules()).toHaveLength(1);

      // Without a token the SDK makes one per call: a second create is a new request.
      const again = await failure(
        client.send(new CreateScheduleCommand(oneTime("leaver-E1", "2026-12-01T17:00:00"))),
      );
      expect(again.name).toBe("ConflictException");

      await client.send(new DeleteScheduleCommand({ Name: "leaver-E1", ClientToken: "d-1" }));
      // A retried delete succeeds again instead of answering that the schedule is gone.
      await client.send(new DeleteScheduleCommand({ Name: "leaver-E1", ClientToken: "d-1" }));
      expect(emulator.schedules()).toEqual([]);
    });

    it("replaces the whole definition on UpdateSchedule", async () => {
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T17:00:00"),
          Description: "a leaver",
        }),
      );
      now += 60_000;
      await client.send(
        new UpdateScheduleCommand({
          Name: "leaver-E1",
          ScheduleExpression: "at(2026-12-03T09:00:00)",
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: { Arn: queueArn, RoleArn: ROLE_ARN, Input: "new" },
        }),
      );
      const schedule = await client.send(new GetScheduleCommand({ Name: "leaver-E1" }));
      expect(schedule.Description).toBeUndefined();
      expect(schedule.ScheduleExpressionTimezone).toBe("UTC");
      expect(schedule.ActionAfterCompletion).toBe("NONE");
      expect(schedule.LastModificationDate).toEqual(new Date(START + 60_000));
      expect(schedule.CreationDate).toEqual(new Date(START));
      expect(emulator.schedules()[0]?.dueAt).toBe("2026-12-03T09:00:00.000Z");
    });

    it("lists schedules by group, name prefix and state, a page at a time", async () => {
      await client.send(new CreateScheduleGroupCommand({ Name: "leavers" }));
      for (const name of ["leaver-a", "leaver-b", "leaver-c", "other"]) {
        await client.send(
          new CreateScheduleCommand({
            ...oneTime(name, "2026-12-01T17:00:00"),
            GroupName: "leavers",
          }),
        );
      }
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-d", "2026-12-01T17:00:00"),
          State: "DISABLED",
        }),
      );
      const names: string[] = [];
      const pages = paginateListSchedules(
        { client, pageSize: 2 },
        { GroupName: "leavers", NamePrefix: "leaver-" },
      );
      let count = 0;
      for await (const page of pages) {
        count++;
        names.push(...(page.Schedules ?? []).map((s) => s.Name ?? ""));
      }
      expect(names).toEqual(["leaver-a", "leaver-b", "leaver-c"]);
      expect(count).toBe(2);

      const disabled = await client.send(new ListSchedulesCommand({ State: "DISABLED" }));
      expect(disabled.Schedules).toEqual([
        {
          Arn: "arn:aws:scheduler:us-east-1:000000000000:schedule/default/leaver-d",
          Name: "leaver-d",
          GroupName: "default",
          State: "DISABLED",
          Target: { Arn: queueArn },
          CreationDate: new Date(START),
          LastModificationDate: new Date(START),
        },
      ]);
      const unknown = await failure(client.send(new ListSchedulesCommand({ GroupName: "none" })));
      expect(unknown.name).toBe("ResourceNotFoundException");
    });

    it("has a default group, and deleting a group deletes its schedules", async () => {
      const defaultGroup = await client.send(new GetScheduleGroupCommand({ Name: "default" }));
      expect(defaultGroup).toMatchObject({ Name: "default", State: "ACTIVE" });
      const { ScheduleGroupArn } = await client.send(
        new CreateScheduleGroupCommand({ Name: "leavers", Tags: [{ Key: "team", Value: "cc" }] }),
      );
      expect(ScheduleGroupArn).toBe(
        "arn:aws:scheduler:us-east-1:000000000000:schedule-group/leavers",
      );
      const duplicate = await failure(
        client.send(new CreateScheduleGroupCommand({ Name: "leavers" })),
      );
      expect(duplicate.message).toBe("Schedule group leavers already exists.");
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-a", "2026-12-01T17:00:00"),
          GroupName: "leavers",
        }),
      );
      const groups = await client.send(new ListScheduleGroupsCommand({}));
      expect(groups.ScheduleGroups?.map((g) => g.Name)).toEqual(["default", "leavers"]);

      await client.send(new DeleteScheduleGroupCommand({ Name: "leavers" }));
      expect(emulator.schedules()).toEqual([]);
      const gone = await failure(client.send(new GetScheduleGroupCommand({ Name: "leavers" })));
      expect(gone.name).toBe("ResourceNotFoundException");
      const protectedDefault = await failure(
        client.send(new DeleteScheduleGroupCommand({ Name: "default" })),
      );
      expect(protectedDefault.name).toBe("ValidationException");
    });

    it("answers ServiceQuotaExceededException (402) past the schedule quota", async () => {
      await start({ quotas: { schedules: 1 } });
      await client.send(new CreateScheduleCommand(oneTime("a", "2026-12-01T17:00:00")));
      const error = await failure(
        client.send(new CreateScheduleCommand(oneTime("b", "2026-12-01T17:00:00"))),
      );
      expect(error.name).toBe("ServiceQuotaExceededException");
      expect(error.$metadata.httpStatusCode).toBe(402);
    });

    it("fails the next calls with an injected ThrottlingException, which the SDK retries", async () => {
      emulator.failNext("CreateSchedule", "ThrottlingException", 1);
      const once = new SchedulerClient({
        endpoint: emulator.endpoint,
        region: "us-east-1",
        credentials,
        maxAttempts: 1,
      });
      const error = await failure(
        once.send(new CreateScheduleCommand(oneTime("a", "2026-12-01T17:00:00"))),
      );
      once.destroy();
      expect(error.name).toBe("ThrottlingException");
      expect(error.$metadata.httpStatusCode).toBe(429);

      emulator.failNext("CreateSchedule", "ThrottlingException", 1);
      await client.send(new CreateScheduleCommand(oneTime("a", "2026-12-01T17:00:00")));
      expect(emulator.schedules()).toHaveLength(1);
    });

    it("refuses unsigned requests and unknown routes", async () => {
      const unsigned = await fetch(`${emulator.endpoint}/schedules`);
      expect(unsigned.status).toBe(403);
      expect(unsigned.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
      const unknown = await fetch(`${emulator.endpoint}/nothing-here`, {
        headers: { authorization: "AWS4-HMAC-SHA256 test" },
      });
      expect(unknown.status).toBe(404);
    });
  });

  describe("firing one-time schedules", () => {
    it("sends the Input to the target queue when due in its time zone, then deletes it", async () => {
      // 09:00 in Chicago on 1 December is 15:00 UTC (CST, UTC-6).
      await client.send(new CreateScheduleCommand(oneTime("leaver-E1", "2026-12-01T09:00:00")));
      expect(emulator.nextDueAt()).toBe(Date.parse("2026-12-01T15:00:00Z"));

      now = Date.parse("2026-12-01T14:59:59Z");
      expect(await emulator.runDue()).toEqual([]);
      expect(await receiveBodies()).toEqual([]);

      now = Date.parse("2026-12-01T15:00:00Z");
      const [delivery] = (await emulator.runDue()) as [Delivery];
      expect(delivery).toMatchObject({
        scheduleName: "leaver-E1",
        groupName: "default",
        targetArn: queueArn,
        body: '{"employeeId":"leaver-E1"}',
        dueAt: "2026-12-01T15:00:00.000Z",
        deliveredAt: "2026-12-01T15:00:00.000Z",
        attempt: 1,
      });
      expect(await receiveBodies()).toEqual(['{"employeeId":"leaver-E1"}']);
      const gone = await failure(client.send(new GetScheduleCommand({ Name: "leaver-E1" })));
      expect(gone.name).toBe("ResourceNotFoundException");
      expect(await emulator.runDue()).toEqual([]);
    });

    it("keeps a schedule with ActionAfterCompletion NONE and never fires it twice", async () => {
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T09:00:00"),
          ActionAfterCompletion: "NONE",
        }),
      );
      now = Date.parse("2026-12-02T00:00:00Z");
      expect(await emulator.runDue()).toHaveLength(1);
      now += 86_400_000;
      expect(await emulator.runDue()).toEqual([]);
      expect(emulator.schedules()).toEqual([
        expect.objectContaining({ name: "leaver-E1", completed: true, state: "ENABLED" }),
      ]);
      expect(await receiveBodies()).toHaveLength(1);
    });

    it("never fires a DISABLED schedule, and fires it once enabled when its time has passed", async () => {
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T09:00:00"),
          State: "DISABLED",
        }),
      );
      now = Date.parse("2026-12-05T00:00:00Z");
      expect(emulator.nextDueAt()).toBeUndefined();
      expect(await emulator.runDue()).toEqual([]);
      await client.send(new UpdateScheduleCommand(oneTime("leaver-E1", "2026-12-01T09:00:00")));
      expect(await emulator.runDue()).toHaveLength(1);
    });

    it("delivers nothing for a schedule deleted before it came due", async () => {
      await client.send(new CreateScheduleCommand(oneTime("leaver-E1", "2026-12-01T09:00:00")));
      await client.send(new DeleteScheduleCommand({ Name: "leaver-E1" }));
      now = Date.parse("2026-12-05T00:00:00Z");
      expect(await emulator.runDue()).toEqual([]);
      expect(await receiveBodies()).toEqual([]);
    });

    it.each([
      [
        "a winter date in Chicago",
        "America/Chicago",
        "2026-01-15T08:00:00",
        "2026-01-15T14:00:00.000Z",
      ],
      [
        "a summer date in Chicago",
        "America/Chicago",
        "2026-07-15T08:00:00",
        "2026-07-15T13:00:00.000Z",
      ],
      ["a half-hour zone", "Asia/Kolkata", "2026-12-01T09:00:00", "2026-12-01T03:30:00.000Z"],
      // 02:30 does not exist on 8 March 2026 in New York: it fires as 03:30 EDT.
      [
        "a time skipped by spring forward",
        "America/New_York",
        "2026-03-08T02:30:00",
        "2026-03-08T07:30:00.000Z",
      ],
      // 01:30 happens twice on 1 November 2026 in New York: the first (EDT) counts.
      [
        "a time repeated by fall back",
        "America/New_York",
        "2026-11-01T01:30:00",
        "2026-11-01T05:30:00.000Z",
      ],
      [
        "a date across the day line",
        "Pacific/Kiritimati",
        "2026-12-01T00:00:00",
        "2026-11-30T10:00:00.000Z",
      ],
    ])("evaluates %s in the schedule's time zone", async (_, zone, local, utc) => {
      await client.send(
        new CreateScheduleCommand({ ...oneTime("tz", local), ScheduleExpressionTimezone: zone }),
      );
      expect(emulator.schedules()[0]?.dueAt).toBe(utc);
    });

    it("retries a failed delivery per the retry policy and delivers once the queue exists", async () => {
      const missing = queueArn.replace(/onboarding$/, "not-yet");
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T09:00:00"),
          Target: { Arn: missing, RoleArn: ROLE_ARN, Input: "late" },
        }),
      );
      now = Date.parse("2026-12-01T15:00:00Z");
      expect(await emulator.runDue()).toEqual([]);
      expect(emulator.failures()).toEqual([
        expect.objectContaining({
          scheduleName: "leaver-E1",
          attempt: 1,
          retryAt: "2026-12-01T15:00:01.000Z",
          error: expect.stringMatching(/exist/i),
        }),
      ]);
      expect(emulator.nextDueAt()).toBe(Date.parse("2026-12-01T15:00:01Z"));

      const { url } = await createQueue("not-yet");
      now += 1000;
      expect(await emulator.runDue()).toEqual([
        expect.objectContaining({ attempt: 2, body: "late" }),
      ]);
      expect(await receiveBodies(url)).toEqual(["late"]);
    });

    it("gives up after MaximumRetryAttempts and then applies ActionAfterCompletion", async () => {
      const missing = queueArn.replace(/onboarding$/, "never");
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T09:00:00"),
          Target: {
            Arn: missing,
            RoleArn: ROLE_ARN,
            Input: "lost",
            RetryPolicy: { MaximumRetryAttempts: 1 },
          },
        }),
      );
      now = Date.parse("2026-12-01T15:00:00Z");
      await emulator.runDue();
      now += 1000;
      await emulator.runDue();
      expect(emulator.failures().map((f) => [f.attempt, f.retryAt])).toEqual([
        [1, "2026-12-01T15:00:01.000Z"],
        [2, null],
      ]);
      expect(emulator.schedules()).toEqual([]);
      expect(emulator.nextDueAt()).toBeUndefined();
    });

    it("records a target it cannot invoke as a failure, without retrying", async () => {
      await client.send(
        new CreateScheduleCommand({
          ...oneTime("leaver-E1", "2026-12-01T09:00:00"),
          Target: { Arn: "arn:aws:lambda:us-east-1:000000000000:function:f", RoleArn: ROLE_ARN },
        }),
      );
      now = Date.parse("2026-12-02T00:00:00Z");
      await emulator.runDue();
      expect(emulator.failures()).toEqual([
        expect.objectContaining({ retryAt: null, error: expect.stringMatching(/only to SQS/) }),
      ]);
    });

    it("fires by itself in real time when the next schedule comes due", async () => {
      // The emulator's clock runs 200 ms before a whole second, so the wait is short.
      const due = Math.ceil((Date.now() + 60_000) / 1000) * 1000;
      const offset = due - 200 - Date.now();
      let onDelivery: (delivery: Delivery) => void = () => {};
      const delivered = new Promise<Delivery>((resolve) => {
        onDelivery = resolve;
      });
      await start({ clock: () => Date.now() + offset, realTime: true, onDelivery });
      const at = new Date(due).toISOString().slice(0, 19);
      await client.send(
        new CreateScheduleCommand({ ...oneTime("soon", at), ScheduleExpressionTimezone: "UTC" }),
      );
      const delivery = await delivered;
      expect(delivery).toMatchObject({ scheduleName: "soon", dueAt: new Date(due).toISOString() });
      expect(Date.parse(delivery.deliveredAt)).toBeGreaterThanOrEqual(due);
      expect(await receiveBodies()).toEqual(['{"employeeId":"soon"}']);
    });
  });

  describe.runIf(hasAwsCli())("with the AWS CLI (botocore's own client)", () => {
    const cli = promisify(execFile);
    const aws = (...args: string[]) =>
      cli("aws", ["scheduler", ...args, "--endpoint-url", emulator.endpoint, "--output", "json"], {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_DEFAULT_REGION: "us-east-1",
        },
      }).then(({ stdout }) => (stdout.trim() ? JSON.parse(stdout) : {}));

    it("creates, reads, lists and deletes a schedule", async () => {
      const created = await aws(
        "create-schedule",
        "--name",
        "cli-leaver",
        "--schedule-expression",
        "at(2026-12-01T09:00:00)",
        "--schedule-expression-timezone",
        "Europe/Madrid",
        "--flexible-time-window",
        '{"Mode":"OFF"}',
        "--action-after-completion",
        "DELETE",
        "--target",
        JSON.stringify({ Arn: queueArn, RoleArn: ROLE_ARN, Input: "from-cli" }),
      );
      expect(created.ScheduleArn).toMatch(/schedule\/default\/cli-leaver$/);
      const got = await aws("get-schedule", "--name", "cli-leaver");
      expect(got).toMatchObject({ State: "ENABLED", ScheduleExpressionTimezone: "Europe/Madrid" });
      const listed = await aws("list-schedules", "--name-prefix", "cli-");
      expect(listed.Schedules.map((s: { Name: string }) => s.Name)).toEqual(["cli-leaver"]);
      await expect(aws("get-schedule", "--name", "missing")).rejects.toThrow(
        /ResourceNotFoundException/,
      );
      await aws("delete-schedule", "--name", "cli-leaver");
      expect(emulator.schedules()).toEqual([]);
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
