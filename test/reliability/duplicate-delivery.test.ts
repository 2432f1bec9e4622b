/**
 * At-least-once delivery, three ways:
 * - the same SQS message (same messageId) delivered to both consumers at once: whichever
 *   consumer receives a message first makes it visible again as it starts on it
 *   (ChangeMessageVisibility 0, as a lost visibility extension would) and waits until the other
 *   consumer holds it too, so both environments run it concurrently;
 * - the same body sent twice back to back (SNS and EventBridge deliver at least once), so the
 *   copies run concurrently in one environment or in both;
 * - every body sent again after the run finished (new message IDs): sequential duplicates.
 */
import { ChangeMessageVisibilityBatchCommand } from "@aws-sdk/client-sqs";
import { expect, it } from "vitest";
import type { SqsLambdaHandler } from "../../emulators/lambda/index.js";
import { generateHires } from "./support/hires.js";
import {
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it(
  "one user per hire and one eventId per user whatever is delivered twice",
  async () => {
    const hires = generateHires({ seed: 23, count: 200, prefix: "DU" });
    const [sameMessage, sameBody] = [hires.slice(0, 100), hires.slice(100)];
    const scenario = await Scenario.start({
      name: "duplicate-deliveries",
      seed: 23,
      preExisting: preExistingUsers([...hires.slice(0, 5), ...hires.slice(100, 105)]),
      visibilityTimeoutSeconds: 7,
    });
    const { connect, sqs, queues } = scenario.stack;
    // Enough latency that two deliveries of a message overlap.
    connect.setFaults("CreateUser", { latencyMs: [50, 150] });
    connect.setFaults("*", { latencyMs: [5, 30] });

    const running = { byMessage: new Map<string, number>(), byBody: new Map<string, number>() };
    const overlaps = { sameMessage: 0, sameBody: 0 };
    const enter = (map: Map<string, number>, key: string): boolean => {
      const n = (map.get(key) ?? 0) + 1;
      map.set(key, n);
      return n > 1;
    };
    const leave = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 1) - 1);
    const watch =
      (handler: SqsLambdaHandler): SqsLambdaHandler =>
      async (event, context) => {
        for (const { messageId, body } of event.Records) {
          const messageTwice = enter(running.byMessage, messageId);
          const bodyTwice = enter(running.byBody, body);
          if (messageTwice) overlaps.sameMessage++;
          else if (bodyTwice) overlaps.sameBody++;
        }
        try {
          return await handler(event, context);
        } finally {
          for (const { messageId, body } of event.Records) {
            leave(running.byMessage, messageId);
            leave(running.byBody, body);
          }
        }
      };
    let exposing = true;
    const exposeAgain =
      (handler: SqsLambdaHandler): SqsLambdaHandler =>
      async (event, context) => {
        const fresh = event.Records.filter((r) => r.attributes.ApproximateReceiveCount === "1");
        if (exposing && fresh.length > 0) {
          await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queues.queueUrl,
              Entries: fresh.map((record, i) => ({
                Id: `v${i}`,
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: 0,
              })),
            }),
          );
          scenario.count("same-message-delivered-twice", fresh.length);
          // Until the other consumer holds them too, or a third of the invocation's time is
          // gone: counted on the clock, since a loaded machine's 10 ms sleeps last far longer.
          const until = Date.now() + Math.min(1_500, context.getRemainingTimeInMillis() / 3);
          while (Date.now() < until) {
            if (fresh.every((record) => (running.byMessage.get(record.messageId) ?? 0) > 1)) break;
            await sleep(10);
          }
        }
        return handler(event, context);
      };

    let verdict: Verdict | undefined;
    try {
      const consumers = scenario.consumers({
        count: 2,
        batchSize: 5,
        timeoutMs: 5_000,
        wrap: (handler) => watch(exposeAgain(handler)),
      });
      for (const runner of consumers) runner.start();
      for (let i = 0; i < sameMessage.length; i += 5) {
        await scenario.send(sameMessage.slice(i, i + 5).map((hire) => hire.body));
        await sleep(400);
      }
      const first = await scenario.drain(consumers);
      exposing = false;

      await scenario.send(sameBody.flatMap((hire) => [hire.body, hire.body]));
      scenario.count("body-sent-twice-back-to-back", sameBody.length);
      const second = await scenario.drain(consumers);

      connect.setFaults("CreateUser", { latencyMs: [0, 0] });
      connect.setFaults("*", { latencyMs: [0, 0] });
      await scenario.send(hires.map((hire) => hire.body));
      scenario.count("body-sent-again-after-run", hires.length);
      const third = await scenario.drain(consumers);
      scenario.count("same-message-overlapping", overlaps.sameMessage);
      scenario.count("same-body-overlapping", overlaps.sameBody);
      verdict = await scenario.verify({ hires }, first && second && third);

      const created = scenario.stack.eventBridge
        .events()
        .filter((event) => event.detailType === "Connect User Created");
      // The replay after the run announces every hire again, as ALREADY_EXISTED.
      expect(created.length).toBeGreaterThanOrEqual(2 * hires.length);
    } finally {
      await scenario.stop(verdict);
    }
    expect(overlaps.sameMessage).toBeGreaterThan(0);
    expect(overlaps.sameBody).toBeGreaterThan(0);
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);
