/**
 * The whole pipeline over HTTP: queue (fauxqs) → event-source-mapping runner → the real handler
 * → Connect and EventBridge emulators, DynamoDB (dynalite) and the DLQ. Assertions read the
 * emulators' state, not the handler's own account.
 */
import { readFileSync } from "node:fs";
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { collectReport, DrainStalledError, drainQueue, runPipeline } from "../../local/pipeline.js";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 2, timeoutMs: 5_000, drainTimeoutMs: 30_000 };

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const sampleBodies = (file: string): string[] =>
  (
    JSON.parse(
      readFileSync(new URL(`../../events/hires/${file}`, import.meta.url), "utf8"),
    ) as unknown[]
  ).map((item) => JSON.stringify(item));

const createdEvents = (s: LocalStack) =>
  s.eventBridge.events().filter((e) => e.detailType === "Connect User Created");
const failedEvents = (s: LocalStack) =>
  s.eventBridge.events().filter((e) => e.detailType === "Connect User Provisioning Failed");
const userNamed = (s: LocalStack, username: string) =>
  s.connect.users().filter((u) => u.username === username);

describe("the pipeline on the local stack", () => {
  it("provisions a hire from every envelope, with the rule's profiles, and announces its ARN", async () => {
    stack = await startSampleStack();
    const [raw, eventBridge, sns, cloudEvents] = sampleBodies("01-new-hires.json");
    const report = await runPipeline(stack, [raw, eventBridge, sns, cloudEvents] as string[], FAST);

    expect(report.deadLetters).toEqual([]);
    expect(report.stats).toMatchObject({ received: 4, created: 4, alreadyExisted: 0, failed: 0 });
    const expectations = [
      ["jose.nunez@example.com", "cc-austin-agents", "E12345", "Pepe"],
      ["priya.patel@example.com", "cc-agents", "E12346", "Priya"],
      ["wei.chen@example.com", "cc-supervisors", "E12347", "Wei"],
      ["oluwaseun.adeyemi@example.com", "sales-desk", "E12348", "Oluwaseun"],
    ] as const;
    for (const [username, ruleId, employeeId, firstName] of expectations) {
      const [user] = userNamed(stack, username);
      expect(user?.tags).toMatchObject({ employeeId, managedBy: "connect-onboarding" });
      expect(user?.identityInfo.FirstName).toBe(firstName);
      const event = createdEvents(stack).find((e) => e.detail.employeeId === employeeId);
      expect(event?.detail).toMatchObject({
        userArn: user?.arn,
        userId: user?.id,
        ruleId,
        outcome: "CREATED",
      });
      expect(event?.detail.routingProfileId).toBe(user?.routingProfileId);
      expect(event?.detail.securityProfileIds).toEqual(user?.securityProfileIds);
    }
    const desk = userNamed(stack, "oluwaseun.adeyemi@example.com")[0];
    expect(desk?.phoneConfig).toMatchObject({
      PhoneType: "DESK_PHONE",
      DeskPhoneNumber: "+15125550199",
    });
  });

  it("parks every permanent failure in the DLQ with its reason and announces it", async () => {
    stack = await startSampleStack();
    const bodies = [
      ...sampleBodies("02-needs-attention.json"),
      ...readFileSync(new URL("../../events/hires/03-malformed.jsonl", import.meta.url), "utf8")
        .split("\n")
        .filter(Boolean),
      hireBody({ notes: "x".repeat(300 * 1024), employeeId: "E-big" }),
      hireBody({
        employeeId: "E-dup",
        workEmail: "other@example.com",
        department: "Customer Care",
      }),
    ];
    const report = await runPipeline(stack, bodies, FAST);

    const reasons = report.deadLetters.map((letter) => letter.reason).sort();
    expect(reasons).toEqual(
      [
        "InvalidEvent",
        "InvalidJson",
        "MissingDeskPhone",
        "NoMappingRule",
        "PayloadTooLarge",
        "ProfileNotFound",
        "UnsupportedEventType",
        "UsernameTaken",
      ].sort(),
    );
    for (const letter of report.deadLetters) expect(bodies).toContain(letter.body);
    expect(
      failedEvents(stack)
        .map((e) => e.detail.reason)
        .sort(),
    ).toEqual(reasons);
    expect(report.stats).toMatchObject({ received: 9, created: 1, failed: 8 });
  });

  it("gives one user, and the same created-event again for each redelivery of the same event", async () => {
    stack = await startSampleStack();
    const body = sampleBodies("01-new-hires.json")[0] as string;
    await runPipeline(stack, [body, body], FAST);
    await runPipeline(stack, [body], FAST);

    expect(userNamed(stack, "jose.nunez@example.com")).toHaveLength(1);
    const events = createdEvents(stack);
    expect(events).toHaveLength(3);
    // The ledger knows the event was applied: each redelivery republishes its outcome, the same
    // eventId and content, and changes nothing.
    expect(events.map((e) => e.detail)).toEqual([0, 1, 2].map(() => events[0]?.detail));
    expect(events[0]?.detail).toMatchObject({ outcome: "CREATED" });
  });

  it("creates the user when a NoMappingRule dead letter is replayed after the rule is added", async () => {
    stack = await startSampleStack();
    const finance = hireBody({
      employeeId: "E-fin",
      workEmail: "fin@example.com",
      department: "Finance",
    });
    await runPipeline(stack, [finance], FAST);
    expect((await collectReport(stack)).deadLetters.map((l) => l.reason)).toEqual([
      "NoMappingRule",
    ]);

    await stack.table.putRules([
      {
        ...sampleRules().find((r) => r.ruleId === "cc-agents"),
        ruleId: "finance",
        match: { department: "Finance" },
      },
    ]);
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    await enqueue(
      stack.sqs,
      stack.queues.queueUrl,
      Messages.map((m) => m.Body ?? ""),
    );
    for (const message of Messages) {
      await stack.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: stack.queues.dlqUrl,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
    await drainQueue(stack, FAST);

    expect(userNamed(stack, "fin@example.com")[0]?.tags.employeeId).toBe("E-fin");
    expect(createdEvents(stack).map((e) => e.detail.ruleId)).toEqual(["finance"]);
    expect((await collectReport(stack)).deadLetters).toEqual([]);
  });

  it("retries a PutEvents partial failure until the event arrives, without a second user", async () => {
    stack = await startSampleStack();
    stack.eventBridge.failNextEntries(2);
    const body = sampleBodies("01-new-hires.json")[1] as string;
    await runPipeline(stack, [body], FAST);

    expect(stack.eventBridge.stats().failedEntries).toBe(2);
    expect(createdEvents(stack)).toHaveLength(1);
    expect(userNamed(stack, "priya.patel@example.com")).toHaveLength(1);
    expect((await collectReport(stack)).deadLetters).toEqual([]);
  });

  it("redelivers a hire whose event the bus refused for a whole invocation, then announces it", async () => {
    stack = await startSampleStack({ visibilityTimeoutSeconds: 1 });
    stack.eventBridge.failNextEntries(4);
    const body = sampleBodies("01-new-hires.json")[1] as string;
    await runPipeline(stack, [body], { ...FAST, timeoutMs: 1_000 });

    expect(userNamed(stack, "priya.patel@example.com")).toHaveLength(1);
    // The redelivery finds the hire applied in the ledger and publishes what it did.
    expect(createdEvents(stack).map((e) => e.detail.outcome)).toEqual(["CREATED"]);
    expect((await collectReport(stack)).deadLetters).toEqual([]);
  });

  it("ends a stalled run with DrainStalledError, not a fixed time limit", async () => {
    stack = await startSampleStack();
    // A message no consumer can receive for a minute: the queue is not empty, and nothing moves.
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.queueUrl,
        MessageBody: hireBody(),
        DelaySeconds: 60,
      }),
    );
    await expect(
      drainQueue(stack, { consumers: 2, timeoutMs: 5_000, stallTimeoutMs: 1_500 }),
    ).rejects.toBeInstanceOf(DrainStalledError);
  });
});
