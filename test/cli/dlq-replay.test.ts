import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { replayAttributes } from "../../cli/dlq/replay.js";
import { collectReport, drainQueue } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { FAILURE_ATTRIBUTES } from "../../shared/adapters/sqs-dead-letter-parker.js";
import { peekMessages, queueDepth } from "../../shared/queue-tools.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { deadLetterBodies, FAST, stackWithDeadLetters } from "./dead-letters.js";
import { finished, linesOf, onboard, onboardInProcess, spawnOnboard } from "./support.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("onboard dlq replay", () => {
  it("after the missing rule is imported, provisions the NoMappingRule hires and leaves the rest", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    const imported = await onboard(
      ["mappings", "import", "test/cli/fixtures/finance-rule.json", "--table", s.table.tableName],
      s,
    );
    expect(imported.code).toBe(0);

    const run = await onboard(
      [
        "dlq",
        "replay",
        "--from",
        s.queues.dlqUrl,
        "--to",
        s.queues.queueUrl,
        "--reason",
        "NoMappingRule",
        "--json",
      ],
      s,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      replayed: 2,
      skipped: 6,
      failed: 0,
      interrupted: false,
    });
    // Sent back verbatim, failure attributes stripped, a replay count added.
    const sent = await peekMessages(s.sqs, s.queues.queueUrl);
    expect(sent.map((m) => m.attributes)).toEqual([{ replayCount: "1" }, { replayCount: "1" }]);
    expect(sent.map((m) => m.body).sort()).toEqual(
      deadLetterBodies()
        .filter((body) => body.includes("Finance"))
        .sort(),
    );

    await drainQueue(s, FAST);
    const finance = s.connect.users().filter((user) => user.routingProfileId.endsWith("01"));
    expect(finance.map((user) => user.tags.employeeId).sort()).toEqual(
      expect.arrayContaining(["E-fin2", "E12350"]),
    );
    const report = await collectReport(s);
    expect(report.deadLetters.map((letter) => letter.reason).sort()).toEqual([
      "InvalidEvent",
      "InvalidJson",
      "MissingDeskPhone",
      "ProfileNotFound",
      "UnsupportedEventType",
      "UsernameTaken",
    ]);
  }, 30_000);

  it("selects by employee, stops at --max, and in a dry run moves nothing", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    const replay = (...args: string[]) =>
      onboardInProcess([
        "dlq",
        "replay",
        "--from",
        s.queues.dlqUrl,
        "--to",
        s.queues.queueUrl,
        "--json",
        ...args,
      ]);
    const dry = await replay("--dry-run");
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, replayed: 8, skipped: 0 });
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 8, inFlight: 0 });
    expect((await queueDepth(s.sqs, s.queues.queueUrl)).total).toBe(0);

    const one = await replay("--employee", "E12349,E12351", "--max", "1");
    expect(JSON.parse(one.stdout)).toMatchObject({ replayed: 1, failed: 0 });
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 7, inFlight: 0 });
    const sent = await peekMessages(s.sqs, s.queues.queueUrl);
    expect(["E12349", "E12351"].some((id) => sent[0]?.body.includes(id))).toBe(true);
  });

  it("counts the second replay of a message, and reports a failed send, keeping the message", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    await onboardInProcess([
      "dlq",
      "replay",
      "--from",
      s.queues.dlqUrl,
      "--to",
      s.queues.queueUrl,
      "--reason",
      "MissingDeskPhone",
    ]);
    await drainQueue(s, FAST);
    const parkedAgain = (await peekMessages(s.sqs, s.queues.dlqUrl)).find(
      (m) => m.attributes.failureReason === "MissingDeskPhone",
    );
    expect(parkedAgain?.attributes.replayCount).toBe("1");

    // A send SQS refuses (here: bigger than the target queue takes) is counted as failed, and
    // the message stays in the DLQ.
    await s.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: s.queues.queueUrl,
        Attributes: { MaximumMessageSize: "1024" },
      }),
    );
    await s.sqs.send(
      new SendMessageCommand({
        QueueUrl: s.queues.dlqUrl,
        MessageBody: hireBody({ employeeId: "E-big", notes: "x".repeat(2_000) }),
        MessageAttributes: {
          failureReason: { DataType: "String", StringValue: "ConnectRejected" },
        },
      }),
    );
    const failing = await onboardInProcess([
      "dlq",
      "replay",
      "--from",
      s.queues.dlqUrl,
      "--to",
      s.queues.queueUrl,
      "--reason",
      "ConnectRejected",
      "--json",
    ]);
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.stdout);
    expect(report).toMatchObject({ replayed: 0, failed: 1 });
    expect(report.failures[0]).toMatchObject({ employeeId: "E-big" });
    expect(report.failures[0].error).toMatch(/InvalidParameterValue.*shorter than 1024 bytes/);
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 9, inFlight: 0 });
  }, 30_000);

  it("draws a progress bar on a terminal", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    const run = await onboardInProcess(
      ["dlq", "replay", "--from", s.queues.dlqUrl, "--to", s.queues.queueUrl, "--rate", "100"],
      { interactive: true },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "\r\x1b[K[########################] 8/8  replayed 8  skipped 0  failed 0",
    );
    expect(run.stdout).toMatch(/^Replayed 8, skipped 0, failed 0 /);
  });
});

describe("onboard dlq replay refuses a target that is not the DLQ's source queue", () => {
  /** Nothing moved: the DLQ holds its 8 letters, visible, with their failure attributes. */
  const expectUntouched = async (s: LocalStack) => {
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 8, inFlight: 0 });
    expect((await queueDepth(s.sqs, s.queues.queueUrl)).total).toBe(0);
    const letters = await peekMessages(s.sqs, s.queues.dlqUrl);
    expect(letters.every((letter) => letter.attributes.failureReason !== undefined)).toBe(true);
    expect(letters.some((letter) => letter.attributes.replayCount !== undefined)).toBe(false);
  };
  const createQueue = async (s: LocalStack, name: string, attributes: Record<string, string>) => {
    const { QueueUrl } = await s.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    return QueueUrl as string;
  };

  it("refuses --from and --to naming the DLQ, which would loop, before reading any message", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    for (const to of [s.queues.dlqUrl, `${s.queues.dlqUrl}/`]) {
      const run = await onboard(["dlq", "replay", "--from", s.queues.dlqUrl, "--to", to], s);
      expect(run.code, to).toBe(2);
      expect(run.stdout).toBe("");
      expect(linesOf(run.stderr)).toEqual([
        `error: --from and --to name the same queue (${s.queues.dlqUrl}): replay to its source queue`,
      ]);
    }
    await expectUntouched(s);
  }, 30_000);

  it("refuses a queue without a redrive policy, one that dead-letters elsewhere, and one that does not exist", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    const plain = await createQueue(s, "unrelated", {});
    const otherDlq = await createQueue(s, "other-dlq", {});
    const { Attributes } = await s.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: otherDlq, AttributeNames: ["QueueArn"] }),
    );
    const otherDlqArn = Attributes?.QueueArn as string;
    const elsewhere = await createQueue(s, "other-source", {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: otherDlqArn, maxReceiveCount: "5" }),
    });
    const replayTo = (to: string, ...more: string[]) =>
      onboardInProcess(["dlq", "replay", "--from", s.queues.dlqUrl, "--to", to, ...more]);

    const withoutRedrive = await replayTo(plain);
    expect(withoutRedrive.code).toBe(2);
    expect(linesOf(withoutRedrive.stderr)).toEqual([
      `error: --to ${plain} is not the source queue of the DLQ ${s.queues.dlqArn}: it has no redrive policy; replay to the queue whose redrive policy targets the DLQ`,
    ]);
    // A dry run sends nothing, but says the same: the real run would be refused.
    const toAnotherDlq = await replayTo(elsewhere, "--dry-run", "--json");
    expect(toAnotherDlq.code).toBe(2);
    expect(toAnotherDlq.stdout).toBe("");
    expect(linesOf(toAnotherDlq.stderr)).toEqual([
      `error: --to ${elsewhere} is not the source queue of the DLQ ${s.queues.dlqArn}: it dead-letters to ${otherDlqArn}; replay to the queue whose redrive policy targets the DLQ`,
    ]);
    const missing = await replayTo(`${s.queues.queueUrl}-gone`);
    expect(missing.code).toBe(1);
    expect(linesOf(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toMatch(
      /^error: reading the attributes of --to \S+-gone: (AWS\.SimpleQueueService\.NonExistentQueue|QueueDoesNotExist)/,
    );
    // The DLQ's source is accepted (as every other test here shows); nothing moved meanwhile.
    await expectUntouched(s);
    expect((await queueDepth(s.sqs, plain)).total).toBe(0);
    expect((await queueDepth(s.sqs, elsewhere)).total).toBe(0);
  }, 30_000);
});

describe("replayAttributes", () => {
  it("strips the failure attributes, keeps the others and counts the replays", () => {
    const text = (value: string) => ({ DataType: "String", StringValue: value });
    const attributes = Object.fromEntries(
      [...FAILURE_ATTRIBUTES, "traceparent"].map((name) => [name, text(name)]),
    );
    expect(replayAttributes(attributes)).toEqual({
      traceparent: text("traceparent"),
      replayCount: { DataType: "Number", StringValue: "1" },
    });
    expect(
      replayAttributes({ replayCount: { DataType: "Number", StringValue: "2" } }).replayCount,
    ).toEqual({ DataType: "Number", StringValue: "3" });
  });
});

/** A DLQ of `count` NoMappingRule hires, parked as the function parks them. */
const fillDeadLetters = async (s: LocalStack, count: number): Promise<string[]> => {
  const ids = Array.from({ length: count }, (_, i) => `E-${String(i).padStart(3, "0")}`);
  for (let start = 0; start < count; start += 10) {
    await s.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: s.queues.dlqUrl,
        Entries: ids.slice(start, start + 10).map((employeeId) => ({
          Id: employeeId,
          MessageBody: hireBody({ employeeId, department: "Finance" }),
          MessageAttributes: {
            failureReason: { DataType: "String", StringValue: "NoMappingRule" },
            failureMessage: { DataType: "String", StringValue: "no enabled mapping rule matches" },
            employeeId: { DataType: "String", StringValue: employeeId },
            traceparent: { DataType: "String", StringValue: "00-abc-def-01" },
          },
        })),
      }),
    );
  }
  return ids;
};

const employeesIn = async (s: LocalStack, queueUrl: string): Promise<string[]> =>
  (await peekMessages(s.sqs, queueUrl)).map(
    (m) => (JSON.parse(m.body) as { employee: { employeeId: string } }).employee.employeeId,
  );

const untilSent = async (s: LocalStack, atLeast: number): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while ((await queueDepth(s.sqs, s.queues.queueUrl)).total < atLeast) {
    if (Date.now() > deadline) throw new Error(`fewer than ${atLeast} messages replayed in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("a replay killed halfway loses no message", () => {
  const COUNT = 30;
  const replayArgs = (s: LocalStack) => [
    "dlq",
    "replay",
    "--from",
    s.queues.dlqUrl,
    "--to",
    s.queues.queueUrl,
    "--rate",
    "20",
    "--visibility-timeout",
    "1",
    "--json",
  ];

  it("on Ctrl-C (SIGINT) stops after the message in hand: every message in exactly one queue", async () => {
    const s = await startSampleStack();
    stack = s;
    const ids = await fillDeadLetters(s, COUNT);
    const child = spawnOnboard(replayArgs(s), s);
    const exit = finished(child);
    await untilSent(s, 5);
    child.kill("SIGINT");
    const run = await exit;

    expect(run.code).toBe(130);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ interrupted: true, failed: 0 });
    expect(report.replayed).toBeGreaterThanOrEqual(5);
    expect(report.replayed).toBeLessThan(COUNT);
    expect(linesOf(run.stderr)).toContain(
      "SIGINT: stopping after the message in hand (again to quit at once)",
    );
    // Nothing held back: the rest are visible in the DLQ at once.
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({
      visible: COUNT - report.replayed,
      inFlight: 0,
    });
    const target = await employeesIn(s, s.queues.queueUrl);
    const dlq = await employeesIn(s, s.queues.dlqUrl);
    expect(target).toHaveLength(report.replayed);
    expect([...target, ...dlq].sort()).toEqual(ids);
  }, 30_000);

  it("on SIGKILL loses nothing either: at most the message in hand is in both queues", async () => {
    const s = await startSampleStack();
    stack = s;
    const ids = await fillDeadLetters(s, COUNT);
    const child = spawnOnboard(replayArgs(s), s);
    const exit = finished(child);
    await untilSent(s, 5);
    child.kill("SIGKILL");
    const run = await exit;
    expect(run.signal).toBe("SIGKILL");

    // What the killed process held hidden comes back when its visibility timeout (1 s) ends.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const target = await employeesIn(s, s.queues.queueUrl);
    const dlq = await employeesIn(s, s.queues.dlqUrl);
    expect(new Set([...target, ...dlq])).toEqual(new Set(ids));
    expect(target.length + dlq.length).toBeLessThanOrEqual(COUNT + 1);
    expect(new Set(target).size).toBe(target.length);
    const sent = await peekMessages(s.sqs, s.queues.queueUrl);
    for (const message of sent) {
      expect(message.attributes).toEqual({ traceparent: "00-abc-def-01", replayCount: "1" });
    }
  }, 30_000);
});
