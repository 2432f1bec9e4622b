import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import type { RemovalScheduleConfig } from "../config.js";
import { SchedulerUnavailableError } from "../domain/failures.js";
import { atExpression, removalScheduleName } from "../domain/leaver.js";
import type { CallContext, RemovalScheduler } from "../ports.js";

/**
 * Future-dated terminations as EventBridge Scheduler one-time schedules: `at()` in UTC, no
 * flexible window, deleted once they have run, targeting the onboarding queue with the
 * termination as the message body. One schedule per employee (a deterministic name), so a later
 * termination replaces it and a rescission or a newer hire deletes it.
 */
export class EventBridgeRemovalScheduler implements RemovalScheduler {
  constructor(
    /** Called on first need: the client is built only once a termination is future-dated. */
    private readonly client: () => SchedulerClient,
    private readonly config: RemovalScheduleConfig,
  ) {}

  async schedule(
    employeeId: string,
    dueAt: number,
    body: string,
    context: CallContext,
  ): Promise<void> {
    const input = {
      Name: removalScheduleName(employeeId),
      GroupName: this.config.groupName,
      ScheduleExpression: atExpression(dueAt),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" as const },
      ActionAfterCompletion: "DELETE" as const,
      State: "ENABLED" as const,
      Description: "connect-onboarding: a leaver's access ends",
      Target: {
        Arn: this.config.queueArn,
        RoleArn: this.config.roleArn,
        Input: body,
        // Scheduler's own default, written out: a day of retries, then the attempt is dropped.
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      },
    };
    try {
      await this.client().send(new CreateScheduleCommand(input), {
        abortSignal: context.deadline.signal,
      });
    } catch (error) {
      if (!(error instanceof Error && error.name === "ConflictException")) {
        throw unavailable("CreateSchedule", error);
      }
      // The employee's schedule exists (an earlier termination, or this one's earlier attempt).
      try {
        await this.client().send(new UpdateScheduleCommand(input), {
          abortSignal: context.deadline.signal,
        });
      } catch (updateError) {
        throw unavailable("UpdateSchedule", updateError);
      }
    }
  }

  async cancel(employeeId: string, context: CallContext): Promise<void> {
    try {
      await this.client().send(
        new DeleteScheduleCommand({
          Name: removalScheduleName(employeeId),
          GroupName: this.config.groupName,
        }),
        { abortSignal: context.deadline.signal },
      );
    } catch (error) {
      // Gone already: it ran (ActionAfterCompletion DELETE), or an earlier attempt deleted it.
      if (error instanceof Error && error.name === "ResourceNotFoundException") return;
      throw unavailable("DeleteSchedule", error);
    }
  }
}

const unavailable = (operation: string, error: unknown): SchedulerUnavailableError => {
  const name = error instanceof Error ? error.name : "UnknownError";
  const message = error instanceof Error ? error.message : String(error);
  return new SchedulerUnavailableError(`${operation}: ${name}: ${message}`, { cause: error });
};
