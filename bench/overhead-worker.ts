/**
 * The per-event overhead benchmark's worker, in a fresh process. The two sides:
 *   handler  - the real onboarding handler, batches of 10 SQS records, production log level;
 *   baseline - only the SDK calls the handler cannot avoid: one CreateUser per hire (the 10 of
 *              a batch concurrently, as the handler's records run) and one PutEvents per 10.
 * Mode `paired` runs both, alternating rounds, for the time ratio; mode `handler` or `baseline`
 * runs one side alone, for its peak RSS. Both talk to the same zero-latency emulators
 * (endpoints from AWS_ENDPOINT_URL_*). Prints one JSON line.
 */
import { randomUUID } from "node:crypto";
import { CreateUserCommand } from "@aws-sdk/client-connect";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { Context, SQSEvent } from "aws-lambda";
import { createAwsClients } from "../shared/adapters/aws-clients.js";
import { hireBody } from "./workloads.js";

const [mode = "handler", roundsArg = "5", perRoundArg = "400"] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const PER_ROUND = Number(perRoundArg);
const BATCH = 10;
// Enough hires for the JIT to settle on both sides: a warm Lambda environment is what is measured.
const WARM_UP = 1_000;
const env = process.env as Record<string, string>;

// Logs are part of the handler's cost, but not of this report: they are written, then dropped.
process.stdout.write = (() => true) as typeof process.stdout.write;

const context = (): Context =>
  ({
    functionName: "bench",
    awsRequestId: randomUUID(),
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:bench",
    memoryLimitInMB: "512",
    getRemainingTimeInMillis: () => 60_000,
  }) as Context;

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body) => ({
    messageId: randomUUID(),
    receiptHandle: "bench",
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "bench",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:bench",
    awsRegion: "us-east-1",
  })),
});

type RunBatch = (bodies: string[]) => Promise<void>;

const handlerRunner = async (): Promise<RunBatch> => {
  const { createHandler } = await import("../functions/create-onboard-employee-handler.js");
  const handler = createHandler(env);
  return async (bodies) => {
    const response = await handler(sqsEvent(bodies), context());
    if (response?.batchItemFailures.length) throw new Error("a benchmark hire failed");
  };
};

/**
 * The same requests the handler sends for these hires (same fields, so the same bytes to
 * serialise and sign), built by hand: no parsing, rules, logging or middleware.
 */
const baselineRunner = async (): Promise<RunBatch> => {
  // The clients the function builds (same retry and timeout settings): only the work done
  // around the calls differs.
  const { connect, eventBridge: events } = createAwsClients();
  const profiles = JSON.parse(env.BENCH_PROFILES ?? "{}") as Record<string, string>;
  return async (bodies) => {
    const hires = bodies.map((body) => JSON.parse(body));
    const created = await Promise.all(
      hires.map(async ({ eventId, employee }) => {
        const user = await connect.send(
          new CreateUserCommand({
            InstanceId: env.CONNECT_INSTANCE_ID,
            Username: employee.workEmail,
            IdentityInfo: {
              FirstName: employee.firstName,
              LastName: employee.lastName,
              Email: employee.workEmail,
              Mobile: employee.mobilePhone,
            },
            PhoneConfig: {
              PhoneType: "SOFT_PHONE",
              AutoAccept: false,
              AfterContactWorkTimeLimit: 30,
            },
            SecurityProfileIds: [profiles.securityProfileId as string],
            RoutingProfileId: profiles.routingProfileId,
            HierarchyGroupId: profiles.hierarchyGroupId,
            Tags: {
              costCenter: "CC-100",
              employeeId: employee.employeeId,
              managedBy: "connect-onboarding",
            },
          }),
        );
        return { eventId, employee, user };
      }),
    );
    await events.send(
      new PutEventsCommand({
        Entries: created.map(({ eventId, employee, user }) => ({
          EventBusName: env.EVENT_BUS_NAME,
          Source: "connect-onboarding",
          DetailType: "Connect User Created",
          Detail: JSON.stringify({
            eventId: randomUUID(),
            sourceEventId: eventId,
            employeeId: employee.employeeId,
            instanceId: env.CONNECT_INSTANCE_ID,
            userId: user.UserId,
            userArn: user.UserArn,
            username: employee.workEmail,
            ruleId: "cc-agents",
            routingProfileId: profiles.routingProfileId,
            securityProfileIds: [profiles.securityProfileId],
            hierarchyGroupId: profiles.hierarchyGroupId,
            outcome: "CREATED",
            occurredAt: new Date().toISOString(),
          }),
        })),
      }),
    );
  };
};

/** Feeds hires to a runner in batches of 10; every hire of a run is a new employee. */
const feeder = (run: RunBatch, tag: string) => {
  let next = 0;
  return async (count: number): Promise<void> => {
    for (let done = 0; done < count; done += BATCH) {
      await run(Array.from({ length: BATCH }, () => hireBody(tag, next++)));
    }
  };
};

const timedRounds = async (feed: (count: number) => Promise<void>, into: number[]) => {
  const started = performance.now();
  await feed(PER_ROUND);
  into.push((performance.now() - started) / PER_ROUND);
};

const report: Record<string, unknown> = { mode };
if (mode === "paired") {
  // Both sides in one process, round for round: drift on a shared machine hits them alike.
  const handler = feeder(await handlerRunner(), `h-${process.pid}`);
  const baseline = feeder(await baselineRunner(), `b-${process.pid}`);
  await handler(WARM_UP);
  await baseline(WARM_UP);
  const handlerMs: number[] = [];
  const baselineMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await timedRounds(handler, handlerMs);
    await timedRounds(baseline, baselineMs);
  }
  Object.assign(report, { handlerMs, baselineMs });
} else {
  // One side alone, so the process's peak RSS is that side's.
  const feed = feeder(
    mode === "baseline" ? await baselineRunner() : await handlerRunner(),
    `${mode}-${process.pid}`,
  );
  await feed(WARM_UP);
  const perHireMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) await timedRounds(feed, perHireMs);
  Object.assign(report, { perHireMs, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}
process.stderr.write(`${JSON.stringify(report)}\n`);
process.exit(0);
