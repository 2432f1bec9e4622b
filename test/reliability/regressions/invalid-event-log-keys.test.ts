/**
 * Found by the reliability suite (poison scenario, log-keys invariant): the log lines of a
 * message rejected as invalid were keyed "eventId" instead of "sourceEventId", so the lines of
 * a parked hire could not be found by the key every other line (and DESIGN section 6) uses.
 */
import { expect, it } from "vitest";
import { inboundMessage } from "../../../shared/adapters/sqs-inbound.js";
import { systemClock } from "../../../shared/application/clock.js";
import { invocationDeadlines } from "../../../shared/application/deadline.js";
import {
  EmployeeMessageHandler,
  type MessageKeys,
} from "../../../shared/application/employee-message-handler.js";
import type { EmployeeSync } from "../../../shared/application/employee-sync.js";
import type { Log } from "../../../shared/application/log.js";
import { FakeClock } from "../../support/fake-clock.js";
import { sqsRecord } from "../../support/lambda-events.js";

it("keys the log lines of an invalid event by sourceEventId and employeeId", async () => {
  const keys: MessageKeys[] = [];
  const log: Log = { debug() {}, info() {}, warn() {}, error() {} };
  const handler = new EmployeeMessageHandler({
    sync: {} as EmployeeSync,
    publisher: { publish: async () => {} },
    parker: { park: async () => {} },
    settings: { instanceId: "i-1", eventSource: "connect-onboarding", maxReceiveCount: 5 },
    clock: new FakeClock(),
    logFor: (recordKeys) => {
      keys.push(recordKeys);
      return log;
    },
  });
  const body = JSON.stringify({
    eventType: "EmployeeHired",
    eventId: "wd-bad-1",
    employee: { employeeId: "E77", firstName: "Ann", lastName: "Lee", workEmail: "not-an-email" },
  });

  const result = await handler.handle(
    inboundMessage(sqsRecord(body, { messageId: "m-1" })),
    invocationDeadlines(60_000, systemClock),
  );

  expect(result).toMatchObject({ kind: "parked", reason: "InvalidEvent" });
  expect(keys).toEqual([{ messageId: "m-1", employeeId: "E77", sourceEventId: "wd-bad-1" }]);
});
