/**
 * The ledger's contract, held by both implementations: the DynamoDB adapter over the real SDK
 * client on dynalite, and the in-memory one the unit tests use. Conditional writes decide
 * everything: a stale event never overwrites a newer one and one employee has one claim.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MappingTable, startMappingTable } from "../../local/tables.js";
import { DynamoDbLedger } from "../../shared/adapters/dynamodb-ledger.js";
import { type AppliedChange, storedEvents } from "../../shared/domain/ledger.js";
import { userUpdatedEvent } from "../../shared/domain/output-events.js";
import type { ClaimResult, Ledger, LedgerInventory, LedgerReader } from "../../shared/ports.js";
import { CALLS, InMemoryLedger } from "../support/fake-ports.js";

let tables: MappingTable;
let client: DynamoDBClient;
let clock = 1_000_000;
const now = () => clock;

beforeAll(async () => {
  tables = await startMappingTable();
  client = new DynamoDBClient({
    endpoint: tables.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});
afterAll(async () => {
  client?.destroy();
  await tables?.stop();
});

const applied = (version: number, overrides: Partial<AppliedChange> = {}): AppliedChange => ({
  version,
  eventId: `e-${version}`,
  eventType: "EmployeeUpdated",
  status: "ACTIVE",
  userId: "u-1",
  userArn: "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u-1",
  ruleId: "agents",
  ruleTagKeys: ["costCenter"],
  matchAttributes: { department: "Care" },
  action: "UPDATED",
  changes: [{ aspect: "hierarchyGroup", from: null, to: "hg-1" }],
  outcome: [
    ...storedEvents([
      userUpdatedEvent(
        "s",
        {
          sourceEventId: `e-${version}`,
          employeeId: "E-1",
          instanceId: "i",
          version,
          userId: "u-1",
          userArn: "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u-1",
          username: "ann@example.com",
          ruleId: "agents",
          changes: [{ aspect: "hierarchyGroup", from: null, to: "hg-1" }],
        },
        new Date(version),
      ),
    ]),
  ],
  appliedAt: 5,
  ...overrides,
});

const historyOf = (employeeId: string, version: number) => ({
  employeeId,
  version,
  eventId: `e-${version}`,
  eventType: "EmployeeUpdated",
  action: "UPDATED",
  userId: "u-1",
  ruleId: "agents",
  changes: [],
  appliedAt: version,
  expiresAt: 10,
});

const claimed = (result: ClaimResult) => {
  if (result.kind !== "claimed") throw new Error(`expected a claim, got ${result.kind}`);
  return result.claim;
};

const contract = (name: string, make: () => Ledger & LedgerReader & LedgerInventory) =>
  describe(`${name} ledger`, () => {
    let n = 0;
    const employee = () => `E-${name}-${++n}`;

    it("claims an employee never seen, and commits the version it applied", async () => {
      const ledger = make();
      const id = employee();
      const first = await ledger.claim(id, 100, "e-100", now() + 60_000, CALLS);
      expect(first).toMatchObject({ kind: "claimed" });
      expect(first).not.toHaveProperty("entry");
      expect(await ledger.commit(id, claimed(first), applied(100), CALLS)).toBe(true);
      expect(await ledger.entry(id)).toMatchObject({
        employeeId: id,
        status: "ACTIVE",
        userId: "u-1",
        appliedVersion: 100,
        appliedEventId: "e-100",
        ruleTagKeys: ["costCenter"],
        matchAttributes: { department: "Care" },
        outcome: applied(100).outcome,
      });
      expect((await ledger.entry(id))?.claim).toBeUndefined();
    });

    it("answers stale for an older version, applied for the same one, and claims a newer one", async () => {
      const ledger = make();
      const id = employee();
      await ledger.commit(
        id,
        claimed(await ledger.claim(id, 100, "e", now() + 1e5, CALLS)),
        applied(100),
        CALLS,
      );
      expect((await ledger.claim(id, 99, "e", now() + 1e5, CALLS)).kind).toBe("stale");
      expect((await ledger.claim(id, 100, "e", now() + 1e5, CALLS)).kind).toBe("applied");
      const newer = await ledger.claim(id, 101, "e", now() + 1e5, CALLS);
      expect(newer).toMatchObject({ kind: "claimed", entry: { appliedVersion: 100 } });
    });

    it("gives one claim at a time, and the employee to another once it lapses", async () => {
      const ledger = make();
      const id = employee();
      const until = now() + 1_000;
      const results = await Promise.all([
        ledger.claim(id, 100, "a", until, CALLS),
        ledger.claim(id, 100, "b", until, CALLS),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(["busy", "claimed"]);
      const [winner] = results.filter((r) => r.kind === "claimed");
      clock += 2_000;
      const taker = await ledger.claim(id, 100, "b", now() + 1_000, CALLS);
      expect(taker.kind).toBe("claimed");
      // The first holder's lease is gone: its commit must not land.
      expect(await ledger.commit(id, claimed(winner as ClaimResult), applied(100), CALLS)).toBe(
        false,
      );
      expect(await ledger.commit(id, claimed(taker), applied(100), CALLS)).toBe(true);
    });

    it("never lets an older version commit over a newer one, whatever the interleaving", async () => {
      const ledger = make();
      const id = employee();
      const older = claimed(await ledger.claim(id, 100, "old", now() + 1e5, CALLS));
      expect((await ledger.claim(id, 200, "new", now() + 1e5, CALLS)).kind).toBe("busy");
      await ledger.release(id, older, CALLS);
      const newer = claimed(await ledger.claim(id, 200, "new", now() + 1e5, CALLS));
      expect(await ledger.commit(id, older, applied(100), CALLS)).toBe(false);
      expect(await ledger.commit(id, newer, applied(200), CALLS)).toBe(true);
      expect((await ledger.claim(id, 100, "old", now() + 1e5, CALLS)).kind).toBe("stale");
      expect((await ledger.entry(id))?.appliedVersion).toBe(200);
    });

    it("keeps a released claim's progress for a retry of the same version only", async () => {
      const ledger = make();
      const id = employee();
      const claim = claimed(await ledger.claim(id, 100, "e", now() + 1e5, CALLS));
      const progress = {
        created: { userId: "u-9", userArn: "arn:u-9" },
        changes: [{ aspect: "routingProfile" as const, from: "rp-0", to: "rp-1" }],
        // Under way when the attempt ended: the retry looks for it in Connect.
        pending: [
          { aspect: "routingProfile" as const, from: "rp-0", to: "rp-1" },
          { aspect: "hierarchyGroup" as const, from: null, to: "hg-1" },
        ],
      };
      await ledger.recordProgress(id, { ...claim, progress }, CALLS);
      await ledger.release(id, claim, CALLS);
      expect(claimed(await ledger.claim(id, 100, "e", now() + 1e5, CALLS)).progress).toEqual(
        progress,
      );
      clock += 1e6;
      expect(claimed(await ledger.claim(id, 101, "e", now() + 1e5, CALLS)).progress).toEqual({
        changes: [],
      });
    });

    it("reads employees in bulk: those it holds of the IDs asked for, and every state without the history", async () => {
      const ledger = make();
      // More than BatchGetItem's 100 keys, so the reads are split; one ID asked for twice.
      const ids = Array.from({ length: 130 }, () => employee());
      for (const [i, id] of ids.entries()) {
        const claim = claimed(await ledger.claim(id, 100 + i, `e-${i}`, now() + 1e5, CALLS));
        await ledger.commit(id, claim, applied(100 + i, { ruleId: `rule-${i % 3}` }), CALLS);
        await ledger.appendHistory({ ...historyOf(id, 100 + i), ruleId: `rule-${i % 3}` }, CALLS);
      }
      const unknown = employee();
      const read = await ledger.entries([...ids, ids[0] as string, unknown], CALLS);
      expect(read.map((entry) => entry.employeeId).sort()).toEqual([...ids].sort());
      const byId = new Map(read.map((entry) => [entry.employeeId, entry]));
      expect(byId.get(ids[7] as string)).toMatchObject({
        appliedVersion: 107,
        ruleId: "rule-1",
        matchAttributes: { department: "Care" },
      });
      const all = await ledger.allEntries(CALLS);
      // One state per employee: the history items beside them are not states.
      const mine = all.filter((entry) => ids.includes(entry.employeeId));
      expect(mine).toHaveLength(ids.length);
      expect(mine.every((entry) => entry.appliedVersion !== undefined)).toBe(true);
      expect(await ledger.entries([], CALLS)).toEqual([]);
    });

    it("keeps history entries in version order, writing the same one once", async () => {
      const ledger = make();
      const id = employee();
      const entry = (version: number) => ({
        employeeId: id,
        version,
        eventId: `e-${version}`,
        eventType: "EmployeeUpdated",
        action: "UPDATED",
        userId: "u-1",
        ruleId: "agents",
        changes: [{ aspect: "hierarchyGroup" as const, from: null, to: "hg-1" }],
        appliedAt: version,
        expiresAt: 10,
      });
      await ledger.appendHistory(entry(300), CALLS);
      await ledger.appendHistory(entry(20), CALLS);
      await ledger.appendHistory(entry(300), CALLS);
      expect(await ledger.history(id)).toEqual([entry(20), entry(300)]);
    });
  });

contract(
  "DynamoDB",
  () => new DynamoDbLedger(DynamoDBDocumentClient.from(client), tables.ledgerTableName, now),
);
contract("in-memory", () => new InMemoryLedger(now));
