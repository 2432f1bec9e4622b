/**
 * Request validation for the schedule and schedule group operations.
 *
 * Sources (checked against botocore `data/scheduler/2021-06-30/service-2.json`): Name and
 * ScheduleGroupName 1..64 `^[0-9a-zA-Z-_.]+$`; ClientToken 1..64 `^[a-zA-Z0-9-_]+$`;
 * Description 0..512; ScheduleExpression 1..256; ScheduleExpressionTimezone 1..50;
 * ActionAfterCompletion NONE|DELETE; State ENABLED|DISABLED; FlexibleTimeWindow.Mode
 * OFF|FLEXIBLE (required) and MaximumWindowInMinutes 1..1440; KmsKeyArn pattern; Target.Arn
 * 1..1600 and Target.RoleArn `^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@\/-]+$` (both
 * required); Target.Input min 1; RetryPolicy MaximumEventAgeInSeconds 60..86400 and
 * MaximumRetryAttempts 0..185; DeadLetterConfig.Arn pattern; SqsParameters.MessageGroupId
 * 1..128; EventBridgeParameters DetailType 1..128 and Source (both required);
 * KinesisParameters.PartitionKey 1..256 (required); ECS and SageMaker parameters are checked for
 * their required members only; MaxResults 1..100; NamePrefix 1..64; NextToken 1..2048; Tags
 * 0..200 with Key 1..128 and Value 1..256.
 *
 * Constraint failures are reported together in AWS's "N validation errors detected" form, with
 * lowerCamel member paths. The User Guide adds one rule the model cannot state: a FLEXIBLE
 * window needs MaximumWindowInMinutes.
 */
import { ConstraintChecker } from "../rest-json.js";
import { invalidMembers, validation } from "./errors.js";
import { isTimeZone, type ParsedExpression, parseScheduleExpression } from "./expression.js";

export const NAME = /^[0-9a-zA-Z-_.]+$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9-_]+$/;
const KMS_KEY_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const DLQ_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9-_]+$/;
const EVENT_SOURCE = /^(?=[/.\-_A-Za-z0-9]+)((?!aws\.).*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)$/;

export const STATES = ["ENABLED", "DISABLED"] as const;
export type ScheduleState = (typeof STATES)[number];
export const ACTIONS = ["NONE", "DELETE"] as const;
export type ActionAfterCompletion = (typeof ACTIONS)[number];

/** The retry policy GetSchedule reports when the caller set none (the service's defaults). */
export const DEFAULT_RETRY_POLICY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

export type Json = Record<string, unknown>;

/** A validated CreateSchedule / UpdateSchedule request. */
export interface ScheduleInput {
  name: string;
  groupName: string;
  clientToken?: string;
  description?: string;
  scheduleExpression: string;
  expression: ParsedExpression;
  /** As given; evaluation uses UTC when it is absent. */
  scheduleExpressionTimezone?: string;
  flexibleTimeWindow: Json;
  target: Json;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  kmsKeyArn?: string;
  startDate?: number;
  endDate?: number;
}

export function checkName(path: string, value: unknown): string {
  const check = new ConstraintChecker();
  const name = check.string(path, value, { min: 1, max: 64, pattern: NAME });
  if (check.violations.length > 0 || name === undefined) throw invalidMembers(check.violations);
  return name;
}

export function checkClientToken(check: ConstraintChecker, value: unknown): string | undefined {
  return check.string("clientToken", value, { min: 1, max: 64, pattern: CLIENT_TOKEN });
}

export function validateScheduleInput(name: string, body: Json): ScheduleInput {
  const check = new ConstraintChecker();
  checkName("name", name);
  const groupName =
    check.string("groupName", body.GroupName, { min: 1, max: 64, pattern: NAME }) ?? "default";
  const clientToken = checkClientToken(check, body.ClientToken);
  const description = check.string("description", body.Description, { max: 512 });
  check.required("scheduleExpression", body.ScheduleExpression);
  const scheduleExpression = check.string("scheduleExpression", body.ScheduleExpression, {
    min: 1,
    max: 256,
  });
  const timezone = check.string("scheduleExpressionTimezone", body.ScheduleExpressionTimezone, {
    min: 1,
    max: 50,
  });
  const state = (check.string("state", body.State, { enum: STATES }) ?? "ENABLED") as ScheduleState;
  const action = (check.string("actionAfterCompletion", body.ActionAfterCompletion, {
    enum: ACTIONS,
  }) ?? "NONE") as ActionAfterCompletion;
  const kmsKeyArn = check.string("kmsKeyArn", body.KmsKeyArn, {
    min: 1,
    max: 2048,
    pattern: KMS_KEY_ARN,
  });
  const startDate = check.timestamp("startDate", body.StartDate);
  const endDate = check.timestamp("endDate", body.EndDate);
  check.required("flexibleTimeWindow", body.FlexibleTimeWindow);
  const window = check.object("flexibleTimeWindow", body.FlexibleTimeWindow);
  if (window) {
    check.required("flexibleTimeWindow.mode", window.Mode);
    check.string("flexibleTimeWindow.mode", window.Mode, { enum: ["OFF", "FLEXIBLE"] });
    check.integer("flexibleTimeWindow.maximumWindowInMinutes", window.MaximumWindowInMinutes, {
      min: 1,
      max: 1440,
    });
  }
  check.required("target", body.Target);
  const target = check.object("target", body.Target);
  if (target) checkTarget(check, target);
  if (check.violations.length > 0) throw invalidMembers(check.violations);

  // Semantic checks, after the model's: AWS reports shape errors first.
  const expression = parseScheduleExpression(scheduleExpression as string);
  if (timezone !== undefined && !isTimeZone(timezone)) {
    throw validation(`Invalid ScheduleExpressionTimezone ${timezone}.`);
  }
  if (window?.Mode === "FLEXIBLE" && window.MaximumWindowInMinutes === undefined) {
    throw validation("MaximumWindowInMinutes is required when Mode is FLEXIBLE.");
  }
  return {
    name,
    groupName,
    clientToken,
    description,
    scheduleExpression: scheduleExpression as string,
    expression,
    scheduleExpressionTimezone: timezone,
    flexibleTimeWindow: window as Json,
    target: target as Json,
    state,
    actionAfterCompletion: action,
    kmsKeyArn,
    startDate,
    endDate,
  };
}

function checkTarget(check: ConstraintChecker, target: Json): void {
  check.required("target.arn", target.Arn);
  check.string("target.arn", target.Arn, { min: 1, max: 1600 });
  check.required("target.roleArn", target.RoleArn);
  check.string("target.roleArn", target.RoleArn, { min: 1, max: 1600, pattern: ROLE_ARN });
  check.string("target.input", target.Input, { min: 1 });
  const retry = check.object("target.retryPolicy", target.RetryPolicy);
  if (retry) {
    check.integer("target.retryPolicy.maximumEventAgeInSeconds", retry.MaximumEventAgeInSeconds, {
      min: 60,
      max: 86_400,
    });
    check.integer("target.retryPolicy.maximumRetryAttempts", retry.MaximumRetryAttempts, {
      min: 0,
      max: 185,
    });
  }
  const dlq = check.object("target.deadLetterConfig", target.DeadLetterConfig);
  if (dlq) {
    check.string("target.deadLetterConfig.arn", dlq.Arn, { min: 1, max: 1600, pattern: DLQ_ARN });
  }
  const sqs = check.object("target.sqsParameters", target.SqsParameters);
  if (sqs) {
    check.string("target.sqsParameters.messageGroupId", sqs.MessageGroupId, { min: 1, max: 128 });
  }
  const events = check.object("target.eventBridgeParameters", target.EventBridgeParameters);
  if (events) {
    check.required("target.eventBridgeParameters.detailType", events.DetailType);
    check.string("target.eventBridgeParameters.detailType", events.DetailType, {
      min: 1,
      max: 128,
    });
    check.required("target.eventBridgeParameters.source", events.Source);
    check.string("target.eventBridgeParameters.source", events.Source, {
      min: 1,
      max: 256,
      pattern: EVENT_SOURCE,
    });
  }
  const kinesis = check.object("target.kinesisParameters", target.KinesisParameters);
  if (kinesis) {
    check.required("target.kinesisParameters.partitionKey", kinesis.PartitionKey);
    check.string("target.kinesisParameters.partitionKey", kinesis.PartitionKey, {
      min: 1,
      max: 256,
    });
  }
  const ecs = check.object("target.ecsParameters", target.EcsParameters);
  if (ecs) {
    check.required("target.ecsParameters.taskDefinitionArn", ecs.TaskDefinitionArn);
    check.string("target.ecsParameters.taskDefinitionArn", ecs.TaskDefinitionArn, {
      min: 1,
      max: 1600,
    });
  }
  check.object("target.sageMakerPipelineParameters", target.SageMakerPipelineParameters);
}

export interface Tag {
  Key: string;
  Value: string;
}

export function checkTags(check: ConstraintChecker, value: unknown): Tag[] {
  const tags = check.list("tags", value, { max: 200 }) ?? [];
  tags.forEach((tag, i) => {
    const entry = check.object(`tags.${i + 1}.member`, tag);
    if (!entry) return;
    check.required(`tags.${i + 1}.member.key`, entry.Key);
    check.string(`tags.${i + 1}.member.key`, entry.Key, { min: 1, max: 128 });
    check.required(`tags.${i + 1}.member.value`, entry.Value);
    check.string(`tags.${i + 1}.member.value`, entry.Value, { min: 1, max: 256 });
  });
  return tags as Tag[];
}
