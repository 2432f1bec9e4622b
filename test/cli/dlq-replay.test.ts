import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
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

    const failing = await onboardInProcess([
      "dlq",
      "replay",
      "--from",
      s.queues.dlqUrl,
      "--to",
      `${s.queues.queueUrl}-gone`,
      "--reason",
      "MissingDeskPhone",
      "--json",
    ]);
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.stdout);
    expect(report).toMatchObject({ replayed: 0, failed: 1 });
    expect(report.failures[0].error).toMatch(/QueueDoesNotExist|NonExistentQueue/);
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 8, inFlight: 0 });
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
