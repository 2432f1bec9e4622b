/**
 * One reliability scenario on the local stack: the emulators, queues and mapping table of
 * `startLocalStack`, Lambda environments polling the queue through the event source mapping
 * runner, log capture, and the invariants of issue 5 checked from the emulators' state (Connect
 * users, recorded bus events, the DLQ), never from the handler's own account.
 */
import { readFileSync } from "node:fs";
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { onTestFinished } from "vitest";
import type { ConnectSeed, ReportUser, SeedUser } from "../../../emulators/connect/index.js";
import { seededRandom } from "../../../emulators/connect/testing.js";
import type { RecordedEvent } from "../../../emulators/eventbridge/put-events.js";
import {
  createLambdaRunner,
  type LambdaRunner,
  type SqsLambdaHandler,
} from "../../../emulators/lambda/index.js";
import { createHandler } from "../../../functions/create-onboard-employee-handler.js";
import { enqueue } from "../../../local/queues.js";
import { type LocalStack, startLocalStack } from "../../../local/stack.js";
import { CONNECT_APIS } from "../../../shared/ports.js";
import { peekMessages, type QueuedMessage, queueDepth } from "../../../shared/queue-tools.js";
import { publishedEventProblems } from "../../support/event-contracts.js";
import { sampleRules, sampleSeed } from "../../support/local-stack.js";
import { type HangingEndpoint, startHangingEndpoint } from "./hanging-endpoint.js";
import type { Hire, Poison } from "./hires.js";
import { type ConnectCallStats, LogCapture, observeConnectCalls } from "./observe.js";
import { type Figures, recordLogs, recordOutcome } from "./report.js";

/** Tags compare as sets of pairs: Connect keeps no order. */
const sortedKeys = (tags: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));

const USER_CREATED = "Connect User Created";
const USER_UPDATED = "Connect User Updated";
const PROVISIONING_FAILED = "Connect User Provisioning Failed";

/**
 * Per scenario: a safety net only. A drain ends when the queue is empty, or fails when nothing
 * has progressed for longer than the scenario's own settings explain (see `drain`), so a slow,
 * loaded machine takes longer without failing.
 */
export const SCENARIO_TIMEOUT_MS = 300_000;

/** What a queue's visibility timeout keeps after the function timeout, for the deletes. */
export const DELETE_ROOM_MS = 2_000;

/** Every Connect API's quota far above what a scenario needs. */
export const HIGH_QUOTAS: ConnectSeed["quotas"] = Object.fromEntries(
  CONNECT_APIS.map((api) => [api, { rps: 1_000, burst: 200 }]),
);

export interface ScenarioOptions {
  readonly name: string;
  readonly seed: number;
  /** Merged into the sample Connect seed (quotas default to HIGH_QUOTAS). */
  readonly connect?: Partial<ConnectSeed>;
  /** Users that exist before the scenario (hires they belong to end as ALREADY_EXISTED). */
  readonly preExisting?: readonly SeedUser[];
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
  readonly functionEnv?: Readonly<Record<string, string>>;
  /**
   * Puts an endpoint that can stop answering (hanging-endpoint.ts) between the function and
   * EventBridge, DynamoDB and the DLQ; `scenario.hanging` says which requests hang.
   */
  readonly hangingEndpoints?: boolean;
}

/** The endpoints the function reaches EventBridge, DynamoDB and the DLQ through. */
export interface HangingEndpoints {
  readonly eventBridge: HangingEndpoint;
  readonly dynamoDb: HangingEndpoint;
  readonly sqs: HangingEndpoint;
}

export interface ConsumerOptions {
  /** Lambda environments, each with its own handler instance (default 2). */
  readonly count?: number;
  readonly batchSize?: number;
  readonly maximumBatchingWindowMs?: number;
  readonly timeoutMs?: number;
  /** Replaces what a runner invokes, e.g. to crash an environment or deliver a record twice. */
  readonly wrap?: (handler: SqsLambdaHandler, index: number) => SqsLambdaHandler;
}

/** What must happen to a valid hire. */
export type Expected =
  /** `ruleId` when the winning rule is not the one the generator aimed at (a rule added later). */
  | { readonly kind: "provisioned"; readonly ruleId?: string }
  | { readonly kind: "parked"; readonly reason: string }
  /** Either: the quota scenario cannot say in advance which hires fit. */
  | { readonly kind: "provisioned-or-parked"; readonly reason: string }
  /**
   * Provisioned, or parked on its last delivery with one of `reasons` (a transient fault that
   * outlasted every delivery); `userMayExist` when the fault leaves a CreateUser's outcome
   * unknown (aborted at the deadline after Connect received it), so a parked hire may have a
   * user that a DLQ replay will adopt.
   */
  | {
      readonly kind: "provisioned-or-parked-transient";
      readonly reasons: readonly string[];
      readonly userMayExist?: boolean;
      /**
       * When the bus itself may not answer: on the last delivery the function parks without
       * the failed-event rather than not at all, the DLQ entry carrying the reason.
       */
      readonly failedEventMayBeMissing?: boolean;
    };

export const PROVISIONED: Expected = { kind: "provisioned" };

/** Users of nobody in the scenario, so that a lookup by ListUsers has pages to go through. */
export const fillerUsers = (count: number): SeedUser[] =>
  Array.from({ length: count }, (_, i) => ({
    username: `filler.${i}@example.com`,
    routingProfileId: "8f1e2d3c-0001-4a5b-8c7d-100000000001",
    securityProfileIds: ["7a6b5c4d-0002-4e3f-9a8b-200000000002"],
    tags: { employeeId: `FILLER-${i}` },
  }));

export interface Expectations {
  /** Every distinct valid hire sent, however many times. */
  readonly hires: readonly Hire[];
  readonly poison?: readonly Poison[];
  readonly expected?: (hire: Hire) => Expected;
  /** Security profiles added during the run (name → ID), for the expected-profile check. */
  readonly addedProfiles?: Readonly<Record<string, string>>;
  /** Rules added to the mapping table during the run, as they were written. */
  readonly addedRules?: readonly RawRule[];
  /**
   * Reasons a poison body may carry instead of its own, when the fault can keep the function
   * from parking it on every delivery (MaxReceiveCountExceeded: SQS moved it itself).
   */
  readonly poisonAlsoAs?: readonly string[];
}

export interface Verdict {
  readonly figures: Figures;
  readonly violations: string[];
}

export class Scenario {
  readonly faults: Record<string, number> = {};
  readonly random: () => number;
  readonly #runners: LambdaRunner[] = [];
  #pendingHandlers = 0;
  #timeouts = 0;
  #messages = 0;
  #longestTimeoutMs = 0;
  #verdict: Verdict | undefined;
  readonly #startedAt = Date.now();

  private constructor(
    readonly name: string,
    readonly stack: LocalStack,
    readonly logs: LogCapture,
    private readonly connectCalls: { stats: ConnectCallStats; restore(): void },
    private readonly initialUserIds: ReadonlySet<string>,
    private readonly catalog: ProfileCatalog,
    private readonly settings: { visibilityTimeoutMs: number; maxReceiveCount: number },
    /** The function's configuration: the stack's, with the DLQ behind its hanging endpoint. */
    private readonly functionEnv: Readonly<Record<string, string>>,
    private readonly hangingEndpoints: HangingEndpoints | undefined,
    seed: number,
  ) {
    this.random = seededRandom(seed ^ 0x5eed);
    // Whatever ends the test (a violation, a failed expectation, a thrown error, the timeout),
    // the report gets this scenario with its status.
    onTestFinished(({ task }) => {
      const errors = (task.result?.errors ?? []).map((error) => error.message ?? String(error));
      recordOutcome({
        scenario: name,
        status: task.result?.state === "pass" ? "pass" : "fail",
        failures:
          task.result?.state === "pass" ? [] : [...(this.#verdict?.violations ?? []), ...errors],
        ...(this.#verdict ? { figures: this.#verdict.figures } : {}),
      });
    });
  }

  /** The hanging endpoints, when the scenario was started with `hangingEndpoints`. */
  get hanging(): HangingEndpoints {
    if (!this.hangingEndpoints) throw new Error(`${this.name} has no hanging endpoints`);
    return this.hangingEndpoints;
  }

  static async start(options: ScenarioOptions): Promise<Scenario> {
    const base = sampleSeed({ quotas: { ...HIGH_QUOTAS, maxUsers: 2_000 } });
    const seed = sampleSeed({
      ...options.connect,
      quotas: { ...HIGH_QUOTAS, maxUsers: 2_000, ...options.connect?.quotas },
      users: [...(base.users ?? []), ...(options.preExisting ?? [])],
    });
    const logs = new LogCapture().start();
    const connectCalls = observeConnectCalls();
    let hanging: HangingEndpoints | undefined;
    try {
      const maxReceiveCount = options.maxReceiveCount ?? 5;
      // Room for the consumers' default timeout and the deletes after it (see consumers()).
      const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 8;
      const stack = await startLocalStack({
        seed,
        rules: sampleRules(),
        maxReceiveCount,
        visibilityTimeoutSeconds,
        // Seeded fault rolls and IDs: the same scenario injects the same faults in the same order.
        connect: { random: seededRandom(options.seed) },
        eventBridge: { random: seededRandom(options.seed + 1) },
        functionEnv: {
          POWERTOOLS_LOG_LEVEL: "DEBUG",
          // Two environments share the account's quotas (the emulator's), as in production;
          // a scenario about one API's quota lowers that API's.
          CONNECT_API_RPS: "200",
          // The scenarios load the queue with far more permanent failures (poison, a full
          // instance, missing rules) than a real feed has, to test how each record is handled:
          // a failure spike would rightly quarantine them (test/integration/quarantine.test.ts),
          // and their runners are no event source mapping the function could disable.
          QUARANTINE_FAILURE_PERCENT: "100",
          ...options.functionEnv,
        },
      });
      let functionEnv = stack.env;
      if (options.hangingEndpoints) {
        // Seeded too: the same requests hang on every run, as far as their order allows.
        const [eventBridge, dynamoDb, sqs] = await Promise.all([
          startHangingEndpoint(stack.eventBridge.endpoint, seededRandom(options.seed + 2)),
          startHangingEndpoint(stack.table.endpoint, seededRandom(options.seed + 3)),
          startHangingEndpoint(stack.queues.endpoint, seededRandom(options.seed + 4)),
        ]);
        hanging = { eventBridge, dynamoDb, sqs };
        // The function's SDK clients read their endpoints from process.env (the stack restores
        // it on stop); the harness's own clients name theirs. The SQS client sends each call
        // to its QueueUrl's origin, so the DLQ's URL names the endpoint too.
        process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBridge.endpoint;
        process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoDb.endpoint;
        process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
        const dlq = new URL(stack.queues.dlqUrl);
        functionEnv = { ...stack.env, DLQ_URL: `${sqs.endpoint}${dlq.pathname}` };
      }
      return new Scenario(
        options.name,
        stack,
        logs,
        connectCalls,
        new Set(stack.connect.users().map((user) => user.id)),
        profileCatalog(seed),
        { visibilityTimeoutMs: visibilityTimeoutSeconds * 1000, maxReceiveCount },
        functionEnv,
        hanging,
        options.seed,
      );
    } catch (error) {
      logs.stop();
      connectCalls.restore();
      await Promise.all(Object.values(hanging ?? {}).map((endpoint) => endpoint.stop()));
      throw error;
    }
  }

  count(kind: string, n = 1): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + n;
  }

  /** Lambda environments polling the queue; they persist (warm caches) across drains. */
  consumers(options: ConsumerOptions = {}): LambdaRunner[] {
    const timeoutMs = options.timeoutMs ?? 6_000;
    // Lambda refuses a function timeout above the queue's visibility timeout (a message would
    // reappear, and run again elsewhere, while its first invocation still works on it). Equal
    // is not enough either: the event source mapping deletes what succeeded after the
    // invocation returns, and a message whose visibility ran out first is delivered again
    // although done (AWS recommends six times the timeout; the stack does that).
    if (timeoutMs + DELETE_ROOM_MS > this.settings.visibilityTimeoutMs)
      throw new Error(
        `${this.name}: the queue's visibility timeout (${this.settings.visibilityTimeoutMs} ms) must leave ${DELETE_ROOM_MS} ms after the function timeout (${timeoutMs} ms)`,
      );
    this.#longestTimeoutMs = Math.max(this.#longestTimeoutMs, timeoutMs);
    const runners = Array.from({ length: options.count ?? 2 }, (_, i) => {
      const inner = createHandler(this.functionEnv);
      return createLambdaRunner({
        sqsClient: this.stack.sqs,
        queueUrl: this.stack.queues.queueUrl,
        queueArn: this.stack.queues.queueArn,
        handler: this.tracked(options.wrap ? options.wrap(inner, i) : inner),
        batchSize: options.batchSize ?? 10,
        maximumBatchingWindowMs: options.maximumBatchingWindowMs ?? 0,
        maximumConcurrency: 1,
        timeoutMs,
        functionName: `${this.name}-${i + 1}`,
      });
    });
    this.#runners.push(...runners);
    return runners;
  }

  /** Counts invocations still running, including those the runner gave up on (timed out). */
  tracked(handler: SqsLambdaHandler): SqsLambdaHandler {
    return async (event, context) => {
      this.#pendingHandlers++;
      try {
        return await handler(event, context);
      } catch (error) {
        // middy's early timeout: the function ran into its Lambda timeout.
        if (error instanceof Error && error.name === "TimeoutError") this.#timeouts++;
        throw error;
      } finally {
        this.#pendingHandlers--;
      }
    };
  }

  async send(bodies: readonly string[]): Promise<string[]> {
    this.#messages += bodies.length;
    return (await enqueue(this.stack.sqs, this.stack.queues.queueUrl, bodies)).messageIds;
  }

  /**
   * Runs the consumers until the queue holds nothing (visible, in flight or delayed) and no
   * invocation is running. Returns false when nothing moved (no invocation started or ended, the
   * queue's depth unchanged) for longer than the scenario's settings explain: a message can
   * wait out a visibility timeout after an invocation that ran for a function timeout, so the
   * budget is twice that plus 10 s of slack for a loaded machine, not a fixed wall time.
   */
  async drain(runners: readonly LambdaRunner[]): Promise<boolean> {
    const stallMs = 2 * (this.settings.visibilityTimeoutMs + this.#longestTimeoutMs) + 10_000;
    for (const runner of runners) runner.start();
    let mark = "";
    let movedAt = Date.now();
    try {
      for (;;) {
        const depth = await queueDepth(this.stack.sqs, this.stack.queues.queueUrl);
        const idle =
          this.#pendingHandlers === 0 && runners.every((runner) => runner.stats().inFlight === 0);
        if (idle && depth.total === 0) return true;
        const now = [
          depth.visible,
          depth.inFlight,
          depth.delayed,
          ...runners.map((runner) => `${runner.stats().invocations}/${runner.stats().inFlight}`),
        ].join();
        if (now !== mark) {
          mark = now;
          movedAt = Date.now();
        } else if (Date.now() - movedAt > stallMs) {
          return false;
        }
        await sleep(100);
      }
    } finally {
      await Promise.all(runners.map((runner) => runner.stop()));
    }
  }

  /**
   * The operator's replay: every DLQ message back onto the onboarding queue with its attributes
   * (as an SQS move task does), under a NEW message ID, then deleted from the DLQ.
   */
  async redriveDlq(): Promise<number> {
    const { sqs, queues } = this.stack;
    let moved = 0;
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ["All"],
        }),
      );
      if (Messages.length === 0) return moved;
      // One by one: a parked body may be close to SQS's 1 MiB, which is also a batch's limit.
      for (const message of Messages) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: queues.queueUrl,
            MessageBody: message.Body ?? "",
            MessageAttributes: message.MessageAttributes as Record<string, MessageAttributeValue>,
          }),
        );
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.dlqUrl,
          Entries: Messages.map((message, i) => ({
            Id: `d${i}`,
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      moved += Messages.length;
      this.#messages += Messages.length;
    }
  }

  /** Checks every invariant and returns the figures with the list of violations. */
  async verify(expectations: Expectations, drained: boolean): Promise<Verdict> {
    const { stack } = this;
    const violations: string[] = [];
    if (!drained) violations.push("the queue did not drain in time");
    // A runner may have abandoned an invocation (timeout); let it finish before reading state.
    for (let i = 0; i < 300 && this.#pendingHandlers > 0; i++) await sleep(100);

    const users = stack.connect.users();
    const events = stack.eventBridge.events();
    // Every event published conforms to its schema in docs/schemas/ (what subscribers rely on).
    violations.push(...publishedEventProblems(events));
    const letters = await peekMessages(stack.sqs, stack.queues.dlqUrl);
    const depth = await queueDepth(stack.sqs, stack.queues.queueUrl);
    if (depth.total > 0) violations.push(`${depth.total} message(s) still on the onboarding queue`);

    const usersByEmployee = groupBy(users, (user) => user.tags.employeeId ?? "");
    const created = events.filter((event) => event.detailType === USER_CREATED);
    const failed = events.filter((event) => event.detailType === PROVISIONING_FAILED);
    const createdByEmployee = groupBy(created, (event) => String(event.detail.employeeId));
    const updatedByEmployee = groupBy(
      events.filter((event) => event.detailType === USER_UPDATED),
      (event) => String(event.detail.employeeId),
    );
    const lettersByBody = groupBy(letters, (letter) => letter.body);
    const rules = ruleTable(
      expectations.addedProfiles ?? {},
      expectations.addedRules ?? [],
      this.catalog,
    );

    const parked: Record<string, number> = {};
    let usersCreated = 0;
    let alreadyExisted = 0;
    let duplicates = 0;
    let lost = 0;
    let deadLettered = 0;
    const park = (found: QueuedMessage) => {
      const reason = found.attributes.failureReason;
      if (reason) parked[reason] = (parked[reason] ?? 0) + 1;
      else deadLettered++;
    };
    const expectedFailures: Record<string, number> = {};
    const knownBodies = new Set<string>();

    for (const hire of expectations.hires) {
      knownBodies.add(hire.body);
      const expected = expectations.expected?.(hire) ?? PROVISIONED;
      const mine = usersByEmployee.get(hire.employeeId) ?? [];
      const announced = createdByEmployee.get(hire.employeeId) ?? [];
      const dlq = lettersByBody.get(hire.body) ?? [];
      const label = `hire ${hire.employeeId} (${hire.envelope}, ${hire.target})`;
      if (mine.length > 1) {
        duplicates += mine.length - 1;
        violations.push(`${label}: ${mine.length} Connect users`);
      }
      if (dlq.length > 1) violations.push(`${label}: ${dlq.length} copies in the DLQ`);
      const provisioned = mine.length > 0 && announced.length > 0;
      if (provisioned) {
        const user = mine[0] as ReportUser;
        if (this.initialUserIds.has(user.id)) alreadyExisted++;
        else usersCreated++;
        if (dlq.length > 0)
          violations.push(`${label}: provisioned and also in the DLQ (${reasonOf(dlq[0])})`);
        if (expected.kind === "parked")
          violations.push(`${label}: provisioned, expected parked as ${expected.reason}`);
        else {
          const ruleId = (expected.kind === "provisioned" && expected.ruleId) || hire.target;
          const updates = updatedByEmployee.get(hire.employeeId) ?? [];
          violations.push(
            ...this.checkProvisioned(label, hire, ruleId, user, announced, updates, rules),
          );
        }
      } else if (dlq.length > 0) {
        park(dlq[0] as QueuedMessage);
        const reason = reasonOf(dlq[0]);
        const allowed =
          expected.kind === "provisioned"
            ? []
            : expected.kind === "provisioned-or-parked-transient"
              ? expected.reasons
              : [expected.reason];
        if (!allowed.includes(reason))
          violations.push(
            `${label}: parked as ${reason}, expected ${allowed.length > 0 ? allowed.join(" or ") : "provisioned"}`,
          );
        const userMayExist =
          expected.kind === "provisioned-or-parked-transient" && expected.userMayExist === true;
        if (mine.length > 0 && !userMayExist)
          violations.push(`${label}: parked but has a Connect user`);
        if (mine.length > 1) violations.push(`${label}: parked with ${mine.length} Connect users`);
        const announcedFailure = failed.some(
          (event) => event.detail.employeeId === hire.employeeId && event.detail.reason === reason,
        );
        const mayBeUnannounced =
          expected.kind === "provisioned-or-parked-transient" &&
          expected.failedEventMayBeMissing === true;
        // SQS's own redrive carries no reason, and no failed-event names it.
        if (reason !== REDRIVEN && (announcedFailure || !mayBeUnannounced)) {
          expectedFailures[reason] = (expectedFailures[reason] ?? 0) + 1;
          if (!announcedFailure) violations.push(`${label}: parked without a failed-event`);
        }
      } else {
        lost++;
        violations.push(
          mine.length > 0
            ? `${label}: LOST: Connect user ${mine[0]?.id} exists but no created-event and no DLQ entry`
            : `${label}: LOST: no user, no DLQ entry`,
        );
      }
    }

    // A body too big to park whole is parked cut to fit, flagged bodyTruncated.
    const truncated = letters.filter((letter) => letter.attributes.bodyTruncated === "true");
    for (const poison of expectations.poison ?? []) {
      knownBodies.add(poison.body);
      const cut = truncated.filter((letter) => poison.body.startsWith(letter.body));
      for (const letter of cut) knownBodies.add(letter.body);
      const dlq = lettersByBody.get(poison.body) ?? cut;
      const label = `poison ${poison.label}`;
      if (dlq.length === 0) {
        lost++;
        violations.push(`${label}: LOST: not in the DLQ`);
        continue;
      }
      if (dlq.length > 1) violations.push(`${label}: ${dlq.length} copies in the DLQ`);
      park(dlq[0] as QueuedMessage);
      const reason = reasonOf(dlq[0]);
      if (reason !== poison.reason && !(expectations.poisonAlsoAs ?? []).includes(reason))
        violations.push(`${label}: parked as ${reason}, expected ${poison.reason}`);
      if (reason !== poison.reason) continue;
      expectedFailures[reason] = (expectedFailures[reason] ?? 0) + 1;
      if (
        poison.eventId &&
        !failed.some(
          (event) =>
            event.detail.sourceEventId === poison.eventId && event.detail.reason === poison.reason,
        )
      ) {
        violations.push(`${label}: no failed-event for ${poison.eventId}`);
      }
    }
    // Failed-events of bodies too broken to name: one distinct eventId per parked message.
    for (const [reason, count] of Object.entries(expectedFailures)) {
      const distinct = new Set(
        failed.filter((event) => event.detail.reason === reason).map((e) => e.detail.eventId),
      );
      if (distinct.size < count)
        violations.push(`${count} parked as ${reason} but only ${distinct.size} failed-event(s)`);
    }

    const hireIds = new Set(expectations.hires.map((hire) => hire.employeeId));
    const stray = users.filter(
      (user) => !this.initialUserIds.has(user.id) && !hireIds.has(user.tags.employeeId ?? ""),
    );
    duplicates += stray.length;
    for (const user of stray)
      violations.push(`stray Connect user ${user.username} (employeeId ${user.tags.employeeId})`);
    for (const letter of letters) {
      if (!knownBodies.has(letter.body))
        violations.push(`DLQ holds a message no scenario sent: ${letter.body.slice(0, 80)}`);
    }
    violations.push(...this.checkPrivacy(expectations, events, letters));
    violations.push(...this.checkLogKeys(expectations));

    const received = expectations.hires.length + (expectations.poison?.length ?? 0);
    const accounted =
      usersCreated +
      alreadyExisted +
      deadLettered +
      Object.values(parked).reduce((sum, n) => sum + n, 0);
    if (received !== accounted + lost)
      violations.push(`accounting: received ${received} != accounted ${accounted} + lost ${lost}`);

    const connectStats = stack.connect.stats();
    const callErrors = this.connectCalls.stats.errors;
    const newUsers = users.filter((user) => !this.initialUserIds.has(user.id)).length;
    const faults: Record<string, number> = {
      "connect-throttled": sum(Object.values(connectStats).map((s) => s.throttled)),
      "connect-5xx": callErrors["5xx"] ?? 0,
      "connect-dropped": callErrors.dropped ?? 0,
      // The emulator wrote the user but the response never arrived.
      "connect-dropped-after-write": Math.max(0, newUsers - (connectStats.CreateUser?.ok ?? 0)),
      "connect-user-quota-full": callErrors.LimitExceededException ?? 0,
      "eventbridge-entry-failures": stack.eventBridge.stats().failedEntries,
      "connect-hung": sum(Object.values(connectStats).map((s) => s.hung)),
      // Calls the function aborted at its deadline (the SDK's AbortError).
      "connect-aborted": callErrors.AbortError ?? 0,
      ...Object.fromEntries(
        Object.entries(this.hangingEndpoints ?? {}).map(([service, endpoint]) => [
          `${service.toLowerCase()}-hung`,
          endpoint.stats().hung,
        ]),
      ),
      ...this.faults,
    };
    // The function keeps time back to report its batch: it must never run into the timeout.
    const invocationTimeouts =
      this.#timeouts + sum(this.#runners.map((runner) => runner.stats().timeouts));
    if (invocationTimeouts > 0)
      violations.push(`${invocationTimeouts} invocation(s) ran into the function timeout`);
    const figures: Figures = {
      scenario: this.name,
      hires: expectations.hires.length,
      poison: expectations.poison?.length ?? 0,
      messages: this.#messages,
      deliveries: sum(this.#runners.map((runner) => runner.stats().records)),
      invocationTimeouts,
      faults: Object.fromEntries(Object.entries(faults).filter(([, n]) => n > 0)),
      usersCreated,
      alreadyExisted,
      duplicates,
      lost,
      parked,
      deadLettered,
      createdEvents: created.length,
      failedEvents: failed.length,
      logLines: this.logs.lines().length,
      durationMs: Date.now() - this.#startedAt,
    };
    // The latest check is what the report shows if the test fails before it has a verdict.
    this.#verdict = { figures, violations };
    return this.#verdict;
  }

  /**
   * The user matches the rule and the hire, whether the function made it or brought an existing
   * one in line (v2); the created-events name it, and with the Updated events that followed,
   * tell a subscriber exactly the profiles it has now.
   */
  private checkProvisioned(
    label: string,
    hire: Hire,
    ruleId: string,
    user: ReportUser,
    announced: RecordedEvent[],
    updates: RecordedEvent[],
    rules: RuleTable,
  ): string[] {
    const problems: string[] = [];
    const rule = rules[ruleId];
    const preExisting = this.initialUserIds.has(user.id);
    // Connect cannot rename a user: an existing one keeps its username.
    if (!preExisting && user.username !== hire.username)
      problems.push(`${label}: username ${user.username}, expected ${hire.username}`);
    if (!rule) problems.push(`${label}: provisioned although no rule applies`);
    else {
      const actual = {
        routingProfileId: user.routingProfileId,
        securityProfileIds: [...user.securityProfileIds].sort(),
        hierarchyGroupId: user.hierarchyGroupId ?? null,
        phoneType: user.phoneConfig.PhoneType,
        deskPhone: user.phoneConfig.DeskPhoneNumber ?? null,
        tags: sortedKeys(user.tags),
      };
      const wanted = {
        routingProfileId: rule.routingProfileId,
        securityProfileIds: [...rule.securityProfileIds].sort(),
        hierarchyGroupId: rule.hierarchyGroupId,
        phoneType: rule.phoneType,
        deskPhone: rule.phoneType === "DESK_PHONE" ? String(hire.employee.deskPhoneNumber) : null,
        tags: sortedKeys({
          ...rule.tags,
          employeeId: hire.employeeId,
          managedBy: "connect-onboarding",
        }),
      };
      if (JSON.stringify(actual) !== JSON.stringify(wanted))
        problems.push(
          `${label}: Connect user has ${JSON.stringify(actual)}, rule ${ruleId} gives ${JSON.stringify(wanted)}`,
        );
    }
    const info = user.identityInfo;
    if (info.FirstName !== hire.firstName || info.LastName !== hire.lastName)
      problems.push(`${label}: identity names differ from the hire's (NFC, trimmed)`);
    if (info.Email !== hire.workEmail) problems.push(`${label}: Email is not the work email`);

    const eventIds = new Set(announced.map((event) => event.detail.eventId));
    if (eventIds.size !== 1)
      problems.push(`${label}: created-events carry ${eventIds.size} eventIds`);
    const updateIds = new Set(updates.map((event) => event.detail.eventId));
    if (updateIds.size > 1)
      problems.push(`${label}: updated-events carry ${updateIds.size} eventIds`);
    if (preExisting && updates.length === 0)
      problems.push(`${label}: an existing user brought in line without an updated-event`);
    for (const event of [...announced, ...updates]) {
      const d = event.detail;
      if (d.userArn !== user.arn || d.userId !== user.id)
        problems.push(`${label}: ${event.detailType} names ${d.userArn}, Connect has ${user.arn}`);
      if (d.sourceEventId !== hire.eventId)
        problems.push(`${label}: ${event.detailType} sourceEventId ${String(d.sourceEventId)}`);
      if (d.ruleId !== ruleId) problems.push(`${label}: ${event.detailType} ruleId ${d.ruleId}`);
    }
    for (const event of announced) {
      const d = event.detail;
      if (preExisting && d.outcome !== "ALREADY_EXISTED")
        problems.push(`${label}: outcome ${d.outcome} for a user that existed before`);
      // What a subscriber believes: the created-event's profiles (as found), then each change.
      const believed = {
        routingProfileId: d.routingProfileId,
        securityProfileIds: [...(d.securityProfileIds as string[])].sort(),
        hierarchyGroupId: d.hierarchyGroupId ?? null,
      };
      const changes = (updates[0]?.detail.changes ?? []) as { aspect: string; to: unknown }[];
      for (const change of changes) {
        if (change.aspect === "routingProfile") believed.routingProfileId = change.to;
        if (change.aspect === "securityProfiles")
          believed.securityProfileIds = [...(change.to as string[])].sort();
        if (change.aspect === "hierarchyGroup") believed.hierarchyGroupId = change.to ?? null;
      }
      const has = {
        routingProfileId: user.routingProfileId,
        securityProfileIds: [...user.securityProfileIds].sort(),
        hierarchyGroupId: user.hierarchyGroupId ?? null,
      };
      if (JSON.stringify(believed) !== JSON.stringify(has))
        problems.push(
          `${label}: the events tell profiles ${JSON.stringify(believed)}, the Connect user has ${JSON.stringify(has)}`,
        );
    }
    return problems;
  }

  /** No name, email or phone number of any message, and no password, in any log line. */
  private checkPrivacy(
    expectations: Expectations,
    events: RecordedEvent[],
    letters: QueuedMessage[],
  ): string[] {
    const text = this.logs.text();
    const lower = text.toLowerCase();
    const problems: string[] = [];
    const values = new Set<string>();
    for (const item of [...expectations.hires, ...(expectations.poison ?? [])])
      for (const value of item.privateValues) values.add(value);
    const leaked = [...values].filter((value) => {
      // Short ASCII strings occur in ordinary words; names from other scripts do not.
      const minimum = /^[\x20-\x7e]*$/.test(value) ? 4 : 2;
      return value.trim().length >= minimum && lower.includes(value.toLowerCase());
    });
    if (leaked.length > 0)
      problems.push(`log lines hold ${leaked.length} private value(s): ${leaked.slice(0, 5)}`);
    const published = JSON.stringify(events);
    const dlq = JSON.stringify(letters);
    for (const password of this.connectCalls.stats.passwords) {
      if (text.includes(password)) problems.push("a password appears in a log line");
      if (published.includes(password)) problems.push("a password appears in a bus event");
      if (dlq.includes(password)) problems.push("a password appears in the DLQ");
    }
    return problems;
  }

  /**
   * DESIGN section 6: logs are structured JSON keyed by employeeId and sourceEventId, so an
   * operator can go from a DLQ entry or a bus event to the log lines of its hire.
   */
  private checkLogKeys(expectations: Expectations): string[] {
    const keyed = new Set<string>();
    for (const line of this.logs.lines()) {
      if (!line.startsWith("{")) continue;
      try {
        const entry = JSON.parse(line) as { sourceEventId?: unknown; employeeId?: unknown };
        if (typeof entry.sourceEventId === "string")
          keyed.add(`${entry.sourceEventId}|${String(entry.employeeId ?? "")}`);
      } catch {
        // Not a log entry of the function (a runtime warning): nothing to key.
      }
    }
    const missing = [
      ...expectations.hires.map((hire) => `${hire.eventId}|${hire.employeeId}`),
      ...(expectations.poison ?? [])
        .filter((poison) => poison.eventId)
        .map((poison) => `${poison.eventId}|${poison.employeeId ?? ""}`),
    ].filter((key) => !keyed.has(key));
    return missing.length === 0
      ? []
      : [
          `${missing.length} message(s) have no log line keyed by their sourceEventId and employeeId, e.g. ${missing.slice(0, 3)}`,
        ];
  }

  /** Calls the function made to a Connect API, as the SDK client saw them. */
  callsTo(api: string): number {
    return this.connectCalls.stats.calls[api] ?? 0;
  }

  get passwordsSent(): number {
    return this.connectCalls.stats.passwords.size;
  }

  /**
   * Stops everything and keeps the function's log lines; the verdict, when there is one, goes
   * into the report with the test's outcome once the test has finished.
   */
  async stop(verdict?: Verdict): Promise<void> {
    this.#verdict = verdict ?? this.#verdict;
    await Promise.all(this.#runners.map((runner) => runner.stop()));
    this.logs.stop();
    this.connectCalls.restore();
    await Promise.all(
      Object.values(this.hangingEndpoints ?? {}).map((endpoint) => endpoint.stop()),
    );
    await this.stack.stop();
    recordLogs(this.name, this.logs.text());
  }
}

/** The reason a DLQ reader gives a message SQS moved there itself, without the function's. */
const REDRIVEN = "MaxReceiveCountExceeded";

const reasonOf = (letter: QueuedMessage | undefined): string =>
  letter?.attributes.failureReason ?? REDRIVEN;

const sum = (values: readonly number[]): number => values.reduce((total, n) => total + n, 0);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};

/** Profile names of the seed, by kind, to IDs: what a rule's names must resolve to. */
interface ProfileCatalog {
  readonly routing: ReadonlyMap<string, string>;
  readonly security: ReadonlyMap<string, string>;
  readonly hierarchy: ReadonlyMap<string, string>;
}

const profileCatalog = (seed: ConnectSeed): ProfileCatalog => {
  const index = (profiles: readonly { id?: string; name: string }[] | undefined) =>
    new Map((profiles ?? []).map((profile) => [profile.name, profile.id ?? ""]));
  return {
    routing: index(seed.routingProfiles),
    security: index(seed.securityProfiles),
    hierarchy: index(seed.hierarchyGroups),
  };
};

interface ExpectedRule {
  readonly routingProfileId: string | undefined;
  readonly securityProfileIds: readonly (string | undefined)[];
  readonly hierarchyGroupId: string | null;
  readonly phoneType: string;
  readonly tags: Readonly<Record<string, string>>;
}

type RuleTable = Partial<Record<string, ExpectedRule>>;

export interface RawRule {
  ruleId: string;
  routingProfile: string;
  securityProfiles: string[];
  hierarchyGroup?: string;
  phone?: { type?: string };
  tags?: Record<string, string>;
}

/** The sample rules, read from events/mappings.json as JSON (not through the product). */
const ruleTable = (
  added: Readonly<Record<string, string>>,
  addedRules: readonly RawRule[],
  catalog: ProfileCatalog,
): RuleTable => {
  const raw = JSON.parse(
    readFileSync(new URL("../../../events/mappings.json", import.meta.url), "utf8"),
  ) as RawRule[];
  const table: RuleTable = {};
  for (const rule of [...raw, ...addedRules]) {
    table[rule.ruleId] = {
      routingProfileId: catalog.routing.get(rule.routingProfile),
      securityProfileIds: rule.securityProfiles.map(
        (name) => catalog.security.get(name) ?? added[name],
      ),
      hierarchyGroupId: rule.hierarchyGroup
        ? (catalog.hierarchy.get(rule.hierarchyGroup) ?? null)
        : null,
      phoneType: rule.phone?.type ?? "SOFT_PHONE",
      tags: rule.tags ?? {},
    };
  }
  return table;
};

/**
 * Connect users that already exist for some hires, tagged for their employee, before the run.
 * Every other one differs in case (made by hand): Connect compares usernames without case.
 */
export const preExistingUsers = (hires: readonly Hire[]): SeedUser[] =>
  hires.map((hire, i) => ({
    username: i % 2 === 1 ? hire.username.toUpperCase() : hire.username,
    identityInfo: { FirstName: "Existing", LastName: "Agent", Email: hire.workEmail },
    routingProfileId: "8f1e2d3c-0001-4a5b-8c7d-100000000001",
    securityProfileIds: ["7a6b5c4d-0002-4e3f-9a8b-200000000002"],
    tags: { employeeId: hire.employeeId, managedBy: "connect-onboarding" },
  }));
