/**
 * Movers through the local stack: employees whose users exist (made by their hires) moved by
 * EmployeeUpdated events that need a routing, a security and a hierarchy change each. Every
 * change is made once, on its own API, recorded in the ledger (dynalite) and announced once.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { collectReport, drainQueue } from "../../local/pipeline.js";
import { enqueue } from "../../local/queues.js";
import type { LocalStack } from "../../local/stack.js";
import { DynamoDbLedger } from "../../shared/adapters/dynamodb-ledger.js";
import { rule } from "../support/builders.js";
import { sampleSeed, startSampleStack } from "../support/local-stack.js";

const MOVERS = 6;
const FAST = { consumers: 2, timeoutMs: 10_000, drainTimeoutMs: 60_000 };
const UPDATE_APIS = [
  "UpdateUserRoutingProfile",
  "UpdateUserSecurityProfiles",
  "UpdateUserHierarchy",
] as const;

// The two places differ in the three profiles only: same phone settings, same tags.
const same = {
  phone: { type: "SOFT_PHONE" as const, autoAccept: false, afterContactWorkTimeLimit: 30 },
  tags: { costCenter: "CC-100" },
};
const RULES = [
  rule({
    ruleId: "care",
    match: { department: "Customer Care" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent"],
    hierarchyGroup: "Remote Team",
    ...same,
  }),
  rule({
    ruleId: "sales",
    match: { department: "Sales" },
    routingProfile: "Sales Routing",
    securityProfiles: ["Agent", "Spanish QA"],
    hierarchyGroup: "Sales East",
    ...same,
  }),
];

const body = (i: number, eventType: string, occurredAt: string, department: string) =>
  JSON.stringify({
    eventType,
    eventId: `move-${eventType}-${i}`,
    occurredAt,
    source: "test",
    employee: {
      employeeId: `M${i}`,
      firstName: "Ana",
      lastName: `Mover${i}`,
      workEmail: `ana.mover${i}@example.com`,
      department,
    },
  });

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("movers on the local stack", () => {
  it("makes each mover's three changes once, each on its own API, recorded and announced once", async () => {
    stack = await startSampleStack({ rules: RULES });
    const ids = Array.from({ length: MOVERS }, (_, i) => i);
    await enqueue(
      stack.sqs,
      stack.queues.queueUrl,
      ids.map((i) => body(i, "EmployeeHired", "2026-11-28T10:00:00Z", "Customer Care")),
    );
    await drainQueue(stack, FAST);
    const before = stack.connect.stats();
    await enqueue(
      stack.sqs,
      stack.queues.queueUrl,
      ids.map((i) => body(i, "EmployeeUpdated", "2026-11-29T10:00:00Z", "Sales")),
    );
    await drainQueue(stack, FAST);

    expect((await collectReport(stack)).deadLetters).toEqual([]);
    const after = stack.connect.stats();
    for (const api of UPDATE_APIS) {
      expect((after[api]?.ok ?? 0) - (before[api]?.ok ?? 0), api).toBe(MOVERS);
    }
    const seed = sampleSeed();
    const id = (list: { id?: string; name: string }[] | undefined, name: string) =>
      list?.find((p) => p.name === name)?.id;
    const movers = stack.connect.users().filter((user) => user.tags.employeeId?.startsWith("M"));
    expect(movers).toHaveLength(MOVERS);
    for (const user of movers) {
      expect(user.routingProfileId).toBe(id(seed.routingProfiles, "Sales Routing"));
      expect([...user.securityProfileIds].sort()).toEqual(
        [id(seed.securityProfiles, "Agent"), id(seed.securityProfiles, "Spanish QA")].sort(),
      );
      expect(user.hierarchyGroupId).toBe(id(seed.hierarchyGroups, "Sales East"));
    }
    const updated = stack.eventBridge
      .events()
      .filter((event) => event.detailType === "Connect User Updated");
    expect(updated).toHaveLength(MOVERS);
    for (const event of updated) {
      expect((event.detail.changes as { aspect: string }[]).map((c) => c.aspect)).toEqual([
        "routingProfile",
        "securityProfiles",
        "hierarchyGroup",
      ]);
    }

    const client = new DynamoDBClient({
      endpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: stack.env.AWS_REGION,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const ledger = new DynamoDbLedger(
        DynamoDBDocumentClient.from(client),
        stack.env.LEDGER_TABLE_NAME as string,
      );
      for (const i of ids) {
        const history = await ledger.history(`M${i}`);
        expect(history.map((entry) => entry.action)).toEqual(["CREATED", "UPDATED"]);
        expect(history[1]?.changes.map((change) => change.aspect)).toEqual([
          "routingProfile",
          "securityProfiles",
          "hierarchyGroup",
        ]);
        const entry = await ledger.entry(`M${i}`);
        expect(entry).toMatchObject({
          appliedEventId: `move-EmployeeUpdated-${i}`,
          ruleId: "sales",
        });
        // Committed: no claim or progress is left behind.
        expect(entry?.claim).toBeUndefined();
      }
    } finally {
      client.destroy();
    }
  });
});
