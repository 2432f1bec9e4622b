import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventBridgeRemovalScheduler } from "../../../shared/adapters/eventbridge-removal-scheduler.js";
import { SchedulerUnavailableError } from "../../../shared/domain/failures.js";
import { removalScheduleName } from "../../../shared/domain/leaver.js";
import { CALLS } from "../../support/fake-ports.js";

const config = {
  groupName: "connect-onboarding-prod-leavers",
  roleArn: "arn:aws:iam::123456789012:role/scheduler",
  queueArn: "arn:aws:sqs:us-east-1:123456789012:onboarding",
};
const scheduler = mockClient(SchedulerClient);
const adapter = () => new EventBridgeRemovalScheduler(() => new SchedulerClient({}), config);
const meta = { $metadata: {}, message: "m", Message: "m" };

beforeEach(() => scheduler.reset());

describe("EventBridgeRemovalScheduler", () => {
  it("creates a one-time schedule in UTC, deleted after it runs, sending the body to the queue", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn" });
    await adapter().schedule("E1", Date.parse("2027-01-01T06:00:00.250Z"), "{}", CALLS);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual({
      Name: removalScheduleName("E1"),
      GroupName: config.groupName,
      ScheduleExpression: "at(2027-01-01T06:00:01)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      State: "ENABLED",
      Description: expect.any(String),
      Target: {
        Arn: config.queueArn,
        RoleArn: config.roleArn,
        Input: "{}",
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      },
    });
  });

  it("replaces the employee's schedule when one exists (ConflictException)", async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException(meta));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn" });
    await adapter().schedule("E1", Date.parse("2027-01-01T00:00:00Z"), "{}", CALLS);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: removalScheduleName("E1"),
      ScheduleExpression: "at(2027-01-01T00:00:00)",
    });
  });

  it("reports other failures as SchedulerUnavailable (transient), naming the operation", async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ThrottlingException(meta));
    const error = await adapter()
      .schedule("E1", 0, "{}", CALLS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchedulerUnavailableError);
    expect((error as Error).message).toContain("CreateSchedule: ThrottlingException");
    scheduler.on(DeleteScheduleCommand).rejects(new ThrottlingException(meta));
    await expect(adapter().cancel("E1", CALLS)).rejects.toBeInstanceOf(SchedulerUnavailableError);
  });

  it("cancels by deleting the employee's schedule; one already gone is no error", async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException(meta))
      .resolves({});
    await adapter().cancel("E1", CALLS);
    await adapter().cancel("E1", CALLS);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: removalScheduleName("E1"), GroupName: config.groupName },
      { Name: removalScheduleName("E1"), GroupName: config.groupName },
    ]);
  });
});
