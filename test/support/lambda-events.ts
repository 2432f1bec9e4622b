import { createHash, randomUUID } from "node:crypto";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

export const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:onboarding";

/** An SQS record as Lambda delivers it. */
export const sqsRecord = (
  body: string,
  overrides: { messageId?: string; receiveCount?: number } = {},
): SQSRecord => ({
  messageId: overrides.messageId ?? randomUUID(),
  receiptHandle: `handle-${randomUUID()}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
    SentTimestamp: "1795860000000",
    SenderId: "AIDAEXAMPLE",
    ApproximateFirstReceiveTimestamp: "1795860000001",
  },
  messageAttributes: {},
  md5OfBody: createHash("md5").update(body).digest("hex"),
  eventSource: "aws:sqs",
  eventSourceARN: QUEUE_ARN,
  awsRegion: "us-east-1",
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context whose remaining time is fixed, so deadlines are deterministic. */
export const lambdaContext = (remainingMs = 60_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: "connect-onboarding-dev-onboardEmployee",
  functionVersion: "$LATEST",
  invokedFunctionArn:
    "arn:aws:lambda:us-east-1:123456789012:function:connect-onboarding-dev-onboardEmployee",
  memoryLimitInMB: "512",
  awsRequestId: randomUUID(),
  logGroupName: "/aws/lambda/connect-onboarding-dev-onboardEmployee",
  logStreamName: "2026/11/28/[$LATEST]abc",
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A canonical employee event body, overridable per employee field. */
export const hireBody = (
  employee: Record<string, unknown> = {},
  event: Record<string, unknown> = {},
): string =>
  JSON.stringify({
    eventType: "EmployeeHired",
    eventId: `evt-${String(employee.employeeId ?? "E12345")}`,
    occurredAt: "2026-11-28T10:00:00Z",
    source: "workday",
    ...event,
    employee: {
      employeeId: "E12345",
      firstName: "José",
      lastName: "Núñez",
      workEmail: "jose.nunez@example.com",
      mobilePhone: "+14155550100",
      department: "Customer Care",
      jobTitle: "Agent II",
      location: "Austin",
      ...employee,
    },
  });
