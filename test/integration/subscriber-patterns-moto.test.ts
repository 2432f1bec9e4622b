/**
 * The rule patterns of docs/subscribers.md match what they say they match, on moto's EventBridge
 * (an implementation independent of this project): each pattern is a rule with a queue as its
 * target, the real bus samples and one event of each kind the samples lack are put on the bus,
 * and each queue must receive exactly the events its `<!-- pattern: matches ... -->` comment
 * names. (moto's TestEventPattern answers nothing, so rules are what is tried.) moto's matcher
 * does not look into arrays of objects, which EventBridge's does; a pattern marked so is checked
 * for its shape only. Runs where moto_server is installed (the Python environment here).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUBSCRIBERS_PAGE, samplePath } from "../../scripts/published-samples.js";
import { DEFAULT_EVENT_SOURCE, DETAIL_TYPES } from "../../shared/contracts/detail-types.js";
import { fileNameOf } from "../../shared/contracts/names.js";
import { publishedEventProblems } from "../support/event-contracts.js";
import { hasMoto, type Moto, startMoto } from "../support/moto.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

type BusEvent = Record<string, unknown> & {
  "detail-type": string;
  detail: Record<string, unknown>;
};

const sample = (detailType: string): BusEvent =>
  JSON.parse(readFileSync(join(ROOT, samplePath(detailType as never)), "utf8")) as BusEvent;

/** The real samples, and an event of each kind they lack, built from them. */
const fixtures = (): Map<string, BusEvent> => {
  const created = sample("Connect User Created");
  const updated = sample("Connect User Updated");
  const failed = sample("Connect User Provisioning Failed");
  const { detail: user } = created;
  const common = {
    eventId: "0b8f6a52-3c1d-8e4f-9a70-1d2e3f405162",
    sourceEventId: "wd-term-1",
    employeeId: user.employeeId,
    instanceId: user.instanceId,
    occurredAt: "2026-12-01T12:00:00.000Z",
  };
  const event = (detailType: string, detail: Record<string, unknown>): BusEvent => ({
    ...created,
    "detail-type": detailType,
    detail,
  });
  const quarantine = {
    ...common,
    sourceEventId: null,
    employeeId: null,
    reason: "RemovalThresholdExceeded",
    counts: { removals: 10, removalLimit: 10, activeEmployees: 120, heldBack: 3 },
    since: "2026-12-01T11:59:00.000Z",
  };
  return new Map([
    ["connect-user-created", created],
    ["connect-user-updated", updated],
    [
      "connect-user-updated-moved",
      event("Connect User Updated", {
        ...updated.detail,
        eventId: "5d4c3b2a-1908-8f7e-a6d5-c4b3a2918070",
        changes: [{ aspect: "routingProfile", from: "rp-care", to: "rp-sales" }],
        usernameDrift: { current: "m.garcia@example.com", desired: "maria.garcia@example.com" },
      }),
    ],
    [
      "connect-user-removal-scheduled",
      event("Connect User Removal Scheduled", {
        ...common,
        eventId: "0b8f6a52-3c1d-8e4f-9a70-1d2e3f405163",
        userId: user.userId,
        effectiveAt: "2026-12-31T23:59:59-06:00",
      }),
    ],
    [
      "connect-user-removed",
      event("Connect User Removed", {
        ...common,
        eventId: "0b8f6a52-3c1d-8e4f-9a70-1d2e3f405164",
        userId: user.userId,
        userArn: user.userArn,
        username: user.username,
        action: "DISABLED",
      }),
    ],
    ["connect-user-provisioning-failed", failed],
    ["provisioning-quarantined", event("Provisioning Quarantined", quarantine)],
    ["provisioning-resumed", event("Provisioning Resumed", { ...quarantine, allowRemovals: 5 })],
  ]);
};

interface DocumentedPattern {
  readonly pattern: Record<string, unknown>;
  readonly matches: readonly string[];
  readonly arraysOfObjects: boolean;
}

/** Every `<!-- pattern: matches a, b[; arrays of objects] -->` and the JSON block after it. */
const documentedPatterns = (names: readonly string[]): DocumentedPattern[] => {
  const page = readFileSync(join(ROOT, SUBSCRIBERS_PAGE), "utf8");
  return [
    ...page.matchAll(
      /<!-- pattern: matches ([^;>]+?)(; arrays of objects)? -->\n```json\n([\s\S]*?)\n```/g,
    ),
  ].map(([, list, arrays, json]) => ({
    pattern: JSON.parse(json as string) as Record<string, unknown>,
    matches:
      list === "every event" ? names : (list as string).split(",").map((name) => name.trim()),
    arraysOfObjects: arrays !== undefined,
  }));
};

describe("the rule patterns of docs/subscribers.md", () => {
  const events = fixtures();
  const patterns = documentedPatterns([...events.keys()]);

  it("are there, one or more per DetailType, and name only DetailTypes, the source and fixtures", () => {
    expect(patterns.length).toBeGreaterThanOrEqual(8);
    const covered = new Set<string>();
    for (const { pattern, matches } of patterns) {
      expect(pattern.source).toEqual([DEFAULT_EVENT_SOURCE]);
      for (const detailType of (pattern["detail-type"] as string[] | undefined) ?? []) {
        expect(DETAIL_TYPES).toContain(detailType);
        covered.add(detailType);
      }
      for (const name of matches) expect([...events.keys()], name).toContain(name);
    }
    expect([...covered].sort()).toEqual([...DETAIL_TYPES].sort());
  });

  it("are tried on events that conform to their schemas", () => {
    expect(
      publishedEventProblems(
        [...events.values()].map((e) => ({ detailType: e["detail-type"], detail: e.detail })),
      ),
    ).toEqual([]);
    for (const [name, event] of events) {
      if (name !== "connect-user-updated-moved")
        expect(name).toContain(fileNameOf(event["detail-type"]));
    }
  });

  describe.skipIf(!hasMoto)("on moto's EventBridge", () => {
    let moto: Moto | undefined;
    let events: EventBridgeClient;
    let sqs: SQSClient;
    /** What each rule's queue received, by pattern (fixture names). */
    const received = new Map<DocumentedPattern, string[]>();

    const nameOf = (event: BusEvent): string => {
      const found = [...fixtures()].find(
        ([, fixture]) =>
          fixture["detail-type"] === event["detail-type"] &&
          fixture.detail.eventId === event.detail.eventId,
      );
      return found?.[0] ?? `unknown ${event["detail-type"]}`;
    };

    beforeAll(async () => {
      moto = await startMoto();
      const { config } = moto;
      events = new EventBridgeClient(config);
      sqs = new SQSClient(config);
      const queues = new Map<DocumentedPattern, string>();
      for (const [i, documented] of patterns.entries()) {
        if (documented.arraysOfObjects) continue;
        const { QueueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: `p${i}` }));
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        await events.send(
          new PutRuleCommand({ Name: `p${i}`, EventPattern: JSON.stringify(documented.pattern) }),
        );
        await events.send(
          new PutTargetsCommand({
            Rule: `p${i}`,
            Targets: [{ Id: "queue", Arn: Attributes?.QueueArn }],
          }),
        );
        queues.set(documented, QueueUrl);
      }
      const all = [...fixtures().values()];
      const result = await events.send(
        new PutEventsCommand({
          Entries: all.map((event) => ({
            Source: event.source as string,
            DetailType: event["detail-type"],
            Detail: JSON.stringify(event.detail),
          })),
        }),
      );
      expect(result.FailedEntryCount ?? 0).toBe(0);
      for (const [documented, QueueUrl] of queues) {
        const names: string[] = [];
        for (;;) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
          );
          if (Messages.length === 0) break;
          for (const message of Messages) names.push(nameOf(JSON.parse(message.Body ?? "{}")));
        }
        received.set(documented, names.sort());
      }
    }, 60_000);

    afterAll(() => {
      events?.destroy();
      sqs?.destroy();
      moto?.stop();
    });

    it("each matches exactly the events it says it matches", () => {
      expect(received.size).toBeGreaterThanOrEqual(7);
      for (const [documented, names] of received) {
        expect(names, JSON.stringify(documented.pattern)).toEqual([...documented.matches].sort());
      }
    });
  });
});
