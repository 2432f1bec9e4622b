/**
 * EventBridge refuses 10% of PutEvents entries (per-entry failures, FailedEntryCount > 0), plus
 * a 0.7 s outage where every entry fails, long enough to exhaust the publisher's own retries.
 * Run on a CONNECT_MANAGED instance, so passwords are generated: none may leak. Then an outage
 * that outlasts every delivery: the function parks each hire itself with EventPublishFailed
 * (its user made, its failed-event unpublishable), and the operator's DLQ redrive, once the bus
 * is back, announces every user without making a second one.
 */
import { expect, it } from "vitest";
import { peekMessages } from "../../shared/queue-tools.js";
import { generateHires } from "./support/hires.js";
import {
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

it(
  "every hire is announced with its ARN although the bus refuses entries",
  async () => {
    const hires = generateHires({ seed: 3, count: 250, prefix: "EB", usernameFrom: "employeeId" });
    const scenario = await Scenario.start({
      name: "eventbridge-entry-failures",
      seed: 3,
      connect: {
        instance: {
          id: "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
          identityManagementType: "CONNECT_MANAGED",
        },
      },
      functionEnv: { USERNAME_TEMPLATE: "{employeeId}" },
      preExisting: preExistingUsers(hires.slice(0, 10)),
    });
    let verdict: Verdict | undefined;
    try {
      const { eventBridge } = scenario.stack;
      eventBridge.setEntryFailureRate(0.1);
      const consumers = scenario.consumers({ timeoutMs: 6_000 });
      await scenario.send(hires.map((hire) => hire.body));
      // An outage longer than the publisher's four attempts (50 + 100 + 200 ms of backoff): the
      // hires caught in it come back from SQS with their Connect user already made.
      const outage = setTimeout(() => {
        eventBridge.setEntryFailureRate(1);
        scenario.count("eventbridge-outage-ms", 700);
        setTimeout(() => eventBridge.setEntryFailureRate(0.1), 700);
      }, 700);
      const drained = await scenario.drain(consumers);
      clearTimeout(outage);
      verdict = await scenario.verify({ hires }, drained);
      expect(scenario.passwordsSent).toBeGreaterThan(200);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);

it(
  "a bus outage outlasting every retry parks the hires with their reason; the redrive announces them",
  async () => {
    const hires = generateHires({ seed: 5, count: 100, prefix: "EO" });
    const scenario = await Scenario.start({
      name: "eventbridge-outage-then-redrive",
      seed: 5,
      preExisting: preExistingUsers(hires.slice(0, 5)),
      // A 4 s function timeout, from the function's own budget: the created-event's four
      // attempts (0.35 s of backoff) end by the work deadline at 2.8 s; of the 0.8 s kept for
      // parking, the failed-event gets the first half and the DLQ the rest, 0.4 s before the
      // timeout. At 2 s the DLQ could be left 0.2 s, which a loaded machine's in-process SQS
      // did not always answer in: aborted after it had enqueued, the letter landed twice
      // (parked by the function, then moved by SQS). The queue keeps 2 s more for the deletes.
      visibilityTimeoutSeconds: 6,
    });
    let verdict: Verdict | undefined;
    try {
      const { eventBridge, sqs, queues } = scenario.stack;
      eventBridge.setEntryFailureRate(1);
      scenario.count("eventbridge-down-for-all-deliveries");
      const consumers = scenario.consumers({ timeoutMs: 4_000 });
      await scenario.send(hires.map((hire) => hire.body));
      const first = await scenario.drain(consumers);
      // Five deliveries, then the function parked each hire itself, with the reason, although
      // its failed-event could not be published either.
      const letters = await peekMessages(sqs, queues.dlqUrl);
      expect(first).toBe(true);
      expect(letters.map((letter) => letter.attributes.failureReason)).toEqual(
        hires.map(() => "EventPublishFailed"),
      );

      eventBridge.setEntryFailureRate(0);
      scenario.count("dlq-messages-redriven", await scenario.redriveDlq());
      const second = await scenario.drain(consumers);
      verdict = await scenario.verify({ hires }, second);
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);
