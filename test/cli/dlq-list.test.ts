/**
 * `onboard dlq list` and `onboard send` on the local stack's queues, with the real
 * function draining the queue afterwards.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { drainQueue, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages, queueDepth } from "../../shared/queue-tools.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { FAST, stackWithDeadLetters } from "./dead-letters.js";
import { linesOf, onboard, onboardInProcess } from "./support.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("onboard dlq list", () => {
  it("shows a failure message as it was, decoding what SQS could not carry raw", async () => {
    stack = await startSampleStack();
    const body = hireBody({ employeeId: "E-ffff" }).replace(
      '"eventType":"EmployeeHired"',
      '"eventType":"Employee\\\\Hired\\uffff"',
    );
    await runPipeline(stack, [body], FAST);
    const [letter] = await peekMessages(stack.sqs, stack.queues.dlqUrl);
    expect(letter?.attributes.failureMessage).toBe(
      'eventType "Employee\\\\\\\\Hired\\uFFFF" is not one of EmployeeHired, EmployeeRehired, EmployeeUpdated, EmployeeTerminated, EmployeeTerminationRescinded',
    );
    const run = await onboardInProcess([
      "dlq",
      "list",
      "--queue-url",
      stack.queues.dlqUrl,
      "--json",
    ]);
    expect(JSON.parse(run.stdout).groups[0]).toMatchObject({
      reason: "UnsupportedEventType",
      sampleMessage:
        'eventType "Employee\\\\Hired\uFFFF" is not one of EmployeeHired, EmployeeRehired, EmployeeUpdated, EmployeeTerminated, EmployeeTerminationRescinded',
    });
  });

  it("groups the messages by reason, with samples, and leaves every one visible", async () => {
    const s = await stackWithDeadLetters();
    stack = s;
    const run = await onboard(["dlq", "list", "--queue-url", s.queues.dlqUrl, "--json"], s);
    expect(run.code).toBe(0);
    const listing = JSON.parse(run.stdout);
    expect(listing.total).toBe(8);
    const groups = Object.fromEntries(listing.groups.map((g: { reason: string }) => [g.reason, g]));
    expect(listing.groups[0]).toMatchObject({
      reason: "NoMappingRule",
      count: 2,
      sampleEmployeeIds: ["E-fin2", "E12350"],
    });
    expect(Object.keys(groups).sort()).toEqual([
      "InvalidEvent",
      "InvalidJson",
      "MissingDeskPhone",
      "NoMappingRule",
      "ProfileNotFound",
      "UnsupportedEventType",
      "UsernameTaken",
    ]);
    expect(groups.InvalidJson).toMatchObject({ count: 1, sampleEmployeeIds: [] });
    expect(groups.MissingDeskPhone).toMatchObject({
      count: 1,
      sampleEmployeeIds: ["E12349"],
      sampleMessage: "rule sales-desk gives a DESK_PHONE but the employee has no deskPhoneNumber",
    });
    for (const group of listing.groups) {
      expect(group.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
      expect(group.oldestAgeSeconds).toBeLessThan(60);
    }
    expect(await queueDepth(s.sqs, s.queues.dlqUrl)).toMatchObject({ visible: 8, inFlight: 0 });

    const table = await onboardInProcess(["dlq", "list", "--queue-url", s.queues.dlqUrl]);
    expect(table.stdout).toMatch(/: 8 messages\n/);
    expect(table.stdout).toMatch(
      /NoMappingRule\s+2\s+\d+s\s+E-fin2,E12350\s+no enabled mapping rule/,
    );
  });

  it("reaches the queue through --endpoint, before or after the command", async () => {
    stack = await startSampleStack();
    const { endpoint } = stack.queues;
    const without = { unset: ["AWS_ENDPOINT_URL_SQS"] };
    const url = stack.queues.dlqUrl;
    const after = await onboard(
      ["dlq", "list", "--queue-url", url, "--endpoint", endpoint],
      stack,
      without,
    );
    const before = await onboard(
      ["--endpoint", endpoint, "dlq", "list", "--queue-url", url],
      stack,
      without,
    );
    expect([after.code, after.stdout]).toEqual([0, `${url}: empty\n`]);
    expect([before.code, before.stdout]).toEqual([0, `${url}: empty\n`]);
  });

  it("says when the queue is empty", async () => {
    stack = await startSampleStack();
    const run = await onboardInProcess(["dlq", "list", "--queue-url", stack.queues.dlqUrl]);
    expect(run.stdout).toBe(`${stack.queues.dlqUrl}: empty\n`);
  });
});

describe("onboard send", () => {
  it("enqueues every body of a file verbatim, pointing out the ones the function will park", async () => {
    stack = await startSampleStack();
    const run = await onboard(
      ["send", "events/hires/03-malformed.jsonl", "--queue-url", stack.queues.queueUrl, "--json"],
      stack,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ sent: 3 });
    expect(linesOf(run.stderr)).toEqual([
      'note: 03-malformed.jsonl line 1 will be parked as UnsupportedEventType: eventType "EmployeePromoted" is not one of EmployeeHired, EmployeeRehired, EmployeeUpdated, EmployeeTerminated, EmployeeTerminationRescinded',
      "note: 03-malformed.jsonl line 2 will be parked as InvalidEvent: employee.workEmail: is required",
      "note: 03-malformed.jsonl line 3 will be parked as InvalidJson: body is not valid JSON",
    ]);
    expect((await peekMessages(stack.sqs, stack.queues.queueUrl)).map((m) => m.body)).toEqual(
      readFileSync("events/hires/03-malformed.jsonl", "utf8").split("\n").filter(Boolean),
    );
  });

  it("sends a smoke-test hire that the function provisions", async () => {
    stack = await startSampleStack();
    const run = await onboardInProcess([
      "send",
      "events/hires/01-new-hires.json",
      "--queue-url",
      stack.queues.queueUrl,
    ]);
    expect(run.stdout).toBe(`Sent 5 messages to ${stack.queues.queueUrl}\n`);
    await drainQueue(stack, FAST);
    expect(stack.connect.users().map((user) => user.username)).toContain("jose.nunez@example.com");
  }, 30_000);
});
