/**
 * The per-event overhead benchmark's worker, in a fresh process. The two sides:
 *   handler  - the real onboarding handler, batches of 10 SQS records, production log level;
 *   baseline - only the SDK calls the handler cannot avoid, per hire: the ledger's claim,
 *              SearchUsers by employee ID, CreateUser, the ledger's progress, history and
 *              commit writes and the active employees' count (the 10 of a batch concurrently,
 *              as the handler's records run); per batch of 10, the quarantine state's read,
 *              one PutEvents and one write of the recent-outcome window.
 * Mode `paired` runs both, alternating rounds, for the time ratios (wall clock, and this
 * process's CPU); mode `handler` or `baseline` runs one side alone, for its peak RSS. Both talk
 * to the same emulators, which add no latency of their own but run in the parent process
 * (endpoints from AWS_ENDPOINT_URL_*). Prints one JSON line.
 */
import { randomUUID } from "node:crypto";
import { CreateUserCommand, SearchUsersCommand } from "@aws-sdk/client-connect";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
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
 * serialise and sign), built by hand: no parsing, rules, planning, logging or middleware. What
 * a joiner cannot do without: claim the employee in the ledger (a conditional write, so a stale
 * or concurrent event cannot apply), look the employee up by tag (SearchUsers: the user may
 * exist under another username), CreateUser, record the created user in the claim (CreateUser
 * has no idempotency token: a retry after a crash must know the user is its own), the history
 * entry, the commit, and one PutEvents per batch.
 */
const baselineRunner = async (): Promise<RunBatch> => {
  // The clients the function builds (same retry and timeout settings): only the work done
  // around the calls differs.
  const { connect, dynamodb, eventBridge: events } = createAwsClients();
  const profiles = JSON.parse(env.BENCH_PROFILES ?? "{}") as Record<string, string>;
  const ledger = env.LEDGER_TABLE_NAME;
  const stateKey = (employeeId: string) => ({ employeeId, record: "STATE" });
  const whileClaimed = {
    ConditionExpression: "#claim.#token = :token",
    ExpressionAttributeNames: { "#claim": "claim", "#token": "token" },
  };
  const hire = async ({ eventId, occurredAt, employee }: Hire) => {
    const version = Date.parse(occurredAt);
    const token = randomUUID();
    await dynamodb.send(
      new UpdateCommand({
        TableName: ledger,
        Key: stateKey(employee.employeeId),
        UpdateExpression: "SET #claim = :claim",
        ConditionExpression:
          "(attribute_not_exists(appliedVersion) OR appliedVersion < :v) AND " +
          "(attribute_not_exists(#claim) OR #claim.#until < :now)",
        ExpressionAttributeNames: { "#claim": "claim", "#until": "until" },
        ExpressionAttributeValues: {
          ":claim": { token, version, eventId, until: Date.now() + 62_000 },
          ":v": version,
          ":now": Date.now(),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    await connect.send(
      new SearchUsersCommand({
        InstanceId: env.CONNECT_INSTANCE_ID,
        MaxResults: 100,
        SearchFilter: {
          TagFilter: { TagCondition: { TagKey: "employeeId", TagValue: employee.employeeId } },
        },
      }),
    );
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
    const created = { userId: user.UserId as string, userArn: user.UserArn as string };
    await dynamodb.send(
      new UpdateCommand({
        TableName: ledger,
        Key: stateKey(employee.employeeId),
        UpdateExpression: "SET progress = :progress",
        ...whileClaimed,
        ExpressionAttributeValues: {
          ":progress": { version, created, changes: "[]" },
          ":token": token,
        },
      }),
    );
    const appliedAt = Date.now();
    const entry = {
      EventBusName: env.EVENT_BUS_NAME,
      Source: "connect-onboarding",
      DetailType: "Connect User Created",
      Detail: JSON.stringify({
        eventId: randomUUID(),
        sourceEventId: eventId,
        employeeId: employee.employeeId,
        instanceId: env.CONNECT_INSTANCE_ID,
        userId: created.userId,
        userArn: created.userArn,
        username: employee.workEmail,
        ruleId: "cc-agents",
        routingProfileId: profiles.routingProfileId,
        securityProfileIds: [profiles.securityProfileId],
        hierarchyGroupId: profiles.hierarchyGroupId,
        outcome: "CREATED",
        occurredAt: new Date(appliedAt).toISOString(),
      }),
    };
    await dynamodb.send(
      new PutCommand({
        TableName: ledger,
        Item: {
          employeeId: employee.employeeId,
          record: `HISTORY#${String(version).padStart(15, "0")}#${eventId}`,
          version,
          eventId,
          eventType: "EmployeeHired",
          action: "CREATED",
          userId: created.userId,
          ruleId: "cc-agents",
          changes: "[]",
          appliedAt,
          expiresAt: Math.floor(appliedAt / 1000) + 400 * 86_400,
        },
      }),
    );
    await dynamodb.send(
      new UpdateCommand({
        TableName: ledger,
        Key: stateKey(employee.employeeId),
        UpdateExpression:
          "SET #status = :status, userId = :userId, userArn = :userArn, username = :username, " +
          "appliedVersion = :version, appliedEventId = :eventId, appliedAt = :appliedAt, " +
          "ruleId = :ruleId, ruleTagKeys = :ruleTagKeys, matchAttributes = :matchAttributes, " +
          "outcome = :outcome REMOVE progress, #claim",
        ConditionExpression: "#claim.#token = :token",
        ExpressionAttributeNames: { "#status": "status", "#claim": "claim", "#token": "token" },
        ExpressionAttributeValues: {
          ":status": "ACTIVE",
          ":userId": created.userId,
          ":userArn": created.userArn,
          ":username": employee.workEmail,
          ":version": version,
          ":eventId": eventId,
          ":appliedAt": appliedAt,
          ":ruleId": "cc-agents",
          ":ruleTagKeys": ["costCenter"],
          ":matchAttributes": {
            department: employee.department,
            jobTitle: employee.jobTitle,
            location: employee.location,
          },
          ":outcome": JSON.stringify([entry]),
          ":token": token,
        },
      }),
    );
    // The deletion threshold's share reads the count of active employees each commit moves.
    await dynamodb.send(
      new UpdateCommand({
        TableName: ledger,
        Key: { employeeId: "#connect-onboarding", record: "ACTIVE_COUNT" },
        UpdateExpression: "ADD active :delta",
        ExpressionAttributeValues: { ":delta": 1 },
      }),
    );
    return entry;
  };
  // An item of its own per runner: the handler's rounds and other runners move the real one's rev.
  const quarantineKey = { employeeId: `bench-baseline#${randomUUID()}`, record: "QUARANTINE" };
  let windowRev = 0;
  return async (bodies) => {
    // Every invocation first asks whether the service is quarantined.
    await dynamodb.send(
      new GetCommand({ TableName: ledger, Key: quarantineKey, ConsistentRead: true }),
    );
    // The 10 of a batch side by side, as the handler's records run.
    const entries = await Promise.all(bodies.map((body) => hire(JSON.parse(body) as Hire)));
    await events.send(new PutEventsCommand({ Entries: entries }));
    // The batch's outcomes added to the recent-outcome window, in one conditional write.
    await dynamodb.send(
      new UpdateCommand({
        TableName: ledger,
        Key: quarantineKey,
        UpdateExpression: "SET recent = :recent, rev = :next",
        ConditionExpression: windowRev === 0 ? "attribute_not_exists(rev)" : "rev = :rev",
        ExpressionAttributeValues: {
          ":recent": "0".repeat(Math.min(50, (windowRev + 1) * bodies.length)),
          ":next": windowRev + 1,
          ...(windowRev === 0 ? {} : { ":rev": windowRev }),
        },
      }),
    );
    windowRev++;
  };
};

interface Hire {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly employee: Record<string, string> & { employeeId: string; workEmail: string };
}

/** Feeds hires to a runner in batches of 10; every hire of a run is a new employee. */
const feeder = (run: RunBatch, tag: string) => {
  let next = 0;
  return async (count: number): Promise<void> => {
    for (let done = 0; done < count; done += BATCH) {
      await run(Array.from({ length: BATCH }, () => hireBody(tag, next++)));
    }
  };
};

interface Timings {
  /** Wall-clock ms per hire, one entry per round: the emulators' time is in it, on both sides. */
  readonly ms: number[];
  /**
   * This process's CPU ms per hire (user and system), one entry per round: the client side
   * alone, since the emulators run in the parent process.
   */
  readonly cpuMs: number[];
}

const timedRounds = async (feed: (count: number) => Promise<void>, into: Timings) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await feed(PER_ROUND);
  into.ms.push((performance.now() - started) / PER_ROUND);
  const used = process.cpuUsage(cpu);
  into.cpuMs.push((used.user + used.system) / 1000 / PER_ROUND);
};

const report: Record<string, unknown> = { mode };
if (mode === "paired") {
  // Both sides in one process, round for round: drift on a shared machine hits them alike.
  const handler = feeder(await handlerRunner(), `h-${process.pid}`);
  const baseline = feeder(await baselineRunner(), `b-${process.pid}`);
  await handler(WARM_UP);
  await baseline(WARM_UP);
  const handlerSide: Timings = { ms: [], cpuMs: [] };
  const baselineSide: Timings = { ms: [], cpuMs: [] };
  for (let round = 0; round < ROUNDS; round++) {
    await timedRounds(handler, handlerSide);
    await timedRounds(baseline, baselineSide);
  }
  Object.assign(report, {
    handlerMs: handlerSide.ms,
    baselineMs: baselineSide.ms,
    handlerCpuMs: handlerSide.cpuMs,
    baselineCpuMs: baselineSide.cpuMs,
  });
} else {
  // One side alone, so the process's peak RSS is that side's.
  const feed = feeder(
    mode === "baseline" ? await baselineRunner() : await handlerRunner(),
    `${mode}-${process.pid}`,
  );
  await feed(WARM_UP);
  const alone: Timings = { ms: [], cpuMs: [] };
  for (let round = 0; round < ROUNDS; round++) await timedRounds(feed, alone);
  Object.assign(report, { perHireMs: alone.ms, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}
process.stderr.write(`${JSON.stringify(report)}\n`);
process.exit(0);
