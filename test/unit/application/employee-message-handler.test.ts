/** EmployeeMessageHandler: one message to synced, parked, or handed back to SQS. */
import type { SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { inboundMessage } from "../../../shared/adapters/sqs-inbound.js";
import { invocationDeadlines } from "../../../shared/application/deadline.js";
import { EmployeeMessageHandler } from "../../../shared/application/employee-message-handler.js";
import {
  ConnectUnavailableError,
  EventPublishFailedError,
} from "../../../shared/domain/failures.js";
import { rule } from "../../support/builders.js";
import { RecordingLog, RecordingParker, RecordingPublisher } from "../../support/fake-ports.js";
import { hireBody, sqsRecord } from "../../support/lambda-events.js";
import { INSTANCE_ID, InMemoryConnect, syncWorld } from "../../support/sync-world.js";

const CARE = rule({
  ruleId: "care",
  match: { department: "Customer Care" },
  routingProfile: "Customer Care Routing",
});

const setUp = (connect = new InMemoryConnect()) => {
  const world = syncWorld({ rules: [CARE], connect });
  const publisher = new RecordingPublisher();
  const parker = new RecordingParker();
  const logs: { keys: object; log: RecordingLog }[] = [];
  const handler = new EmployeeMessageHandler({
    sync: world.sync,
    publisher,
    parker,
    settings: { instanceId: INSTANCE_ID, eventSource: "connect-onboarding", maxReceiveCount: 5 },
    clock: world.clock,
    logFor: (keys) => {
      const log = new RecordingLog();
      logs.push({ keys, log });
      return log;
    },
  });
  const handle = (record: SQSRecord) =>
    handler.handle(inboundMessage(record), invocationDeadlines(60_000, world.clock));
  return { world, connect, publisher, parker, logs, handle };
};

describe("EmployeeMessageHandler", () => {
  it("syncs a valid hire, keyed in its logs by message, employee and event", async () => {
    const { handle, logs, parker } = setUp();
    const result = await handle(sqsRecord(hireBody(), { messageId: "m-1" }));
    expect(result).toMatchObject({ kind: "synced", outcome: "CREATED", ruleId: "care" });
    expect(logs.map((entry) => entry.keys)).toEqual([
      { messageId: "m-1", employeeId: "E12345", sourceEventId: "evt-E12345" },
    ]);
    expect(parker.letters).toEqual([]);
  });

  it("parks a body that is not JSON at once, announcing the failure first", async () => {
    const { handle, parker, publisher } = setUp();
    const result = await handle(
      sqsRecord("not json", {
        messageId: "m-2",
      }),
    );
    expect(result).toEqual({ kind: "parked", reason: "InvalidJson", permanent: true });
    expect(publisher.published.map((event) => event.detailType)).toEqual([
      "Connect User Provisioning Failed",
    ]);
    expect(parker.letters).toEqual([
      expect.objectContaining({
        body: "not json",
        reason: "InvalidJson",
        sourceMessageId: "m-2",
      }),
    ]);
  });

  it("hands a transient failure back to SQS until the last delivery, then parks it with the reason", async () => {
    const connect = new InMemoryConnect();
    const { handle, parker, world } = setUp(connect);
    for (let i = 0; i < 30; i++)
      connect.failNext("CreateUser", new ConnectUnavailableError("down"));
    const body = hireBody();

    await expect(handle(sqsRecord(body, { receiveCount: 1 }))).rejects.toBeInstanceOf(
      ConnectUnavailableError,
    );
    expect(parker.letters).toEqual([]);

    const last = await handle(sqsRecord(body, { receiveCount: 5 }));
    expect(last).toEqual({ kind: "parked", reason: "ConnectUnavailable", permanent: false });
    expect(parker.letters.map((letter) => letter.reason)).toEqual(["ConnectUnavailable"]);
    expect(world.publisher.published).toEqual([]);
  });

  it("retries when the failed-event cannot be published, but parks anyway on the last delivery", async () => {
    const { handle, parker, publisher } = setUp();
    publisher.faults.failNext(new EventPublishFailedError("bus down"));
    await expect(handle(sqsRecord("not json", { receiveCount: 1 }))).rejects.toBeInstanceOf(
      EventPublishFailedError,
    );
    expect(parker.letters).toEqual([]);

    publisher.faults.failNext(new EventPublishFailedError("bus down"));
    const last = await handle(sqsRecord("not json", { receiveCount: 5 }));
    expect(last).toMatchObject({ kind: "parked", reason: "InvalidJson" });
    expect(parker.letters).toHaveLength(1);
  });

  it("on the last delivery, parks a message whose events the bus refused without a failed-event", async () => {
    const { handle, parker, publisher, world } = setUp();
    // The bus refuses every attempt at the created-event.
    for (let i = 0; i < 10; i++)
      world.publisher.faults.failNext(new EventPublishFailedError("bus down"));
    const last = await handle(sqsRecord(hireBody(), { receiveCount: 5 }));
    expect(last).toMatchObject({ kind: "parked", reason: "EventPublishFailed" });
    expect(parker.letters.map((letter) => letter.reason)).toEqual(["EventPublishFailed"]);
    // The failed-event would only have met the same refusal, in the DLQ's time.
    expect(publisher.published).toEqual([]);
  });

  it("keeps the message's own attributes on the letter", async () => {
    const { handle, parker } = setUp();
    const record = sqsRecord("not json");
    record.messageAttributes = {
      traceparent: { dataType: "String", stringValue: "00-abc-def-01" },
    } as SQSRecord["messageAttributes"];
    await handle(record);
    expect(parker.letters[0]?.attributes).toEqual({
      traceparent: { dataType: "String", stringValue: "00-abc-def-01" },
    });
  });
});
