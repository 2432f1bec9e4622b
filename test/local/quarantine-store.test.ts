/**
 * The quarantine's store on DynamoDB's API (dynalite, the real SDK client): conditional writes
 * decide which environment's trip is the quarantine, and the window survives concurrent writers.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MappingTable, startMappingTable } from "../../local/tables.js";
import { DynamoDbQuarantine } from "../../shared/adapters/dynamodb-quarantine.js";
import type { QuarantineTrip } from "../../shared/domain/quarantine.js";
import { CALLS } from "../support/fake-ports.js";

let tables: MappingTable;
let client: DynamoDBClient;

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

const store = () =>
  new DynamoDbQuarantine(DynamoDBDocumentClient.from(client), tables.ledgerTableName);

const trip = (functionName: string, since: string): QuarantineTrip => ({
  reason: "AccessDenied",
  since,
  detail: "AccessDeniedException from CreateUser",
  counts: { windowRecords: 0, windowFailed: 0, heldBack: 0 },
  trippedBy: { functionName },
  instanceId: "i-1",
  eventSource: "connect-onboarding",
  eventBusName: "bus",
});

const SPIKE = { windowRecords: 20, failurePercent: 40 };

describe("DynamoDbQuarantine", () => {
  it("records one quarantine when environments trip at once; the others see it", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        store().trip(trip(`env-${i}`, `2025-01-01T00:00:0${i}.000Z`), CALLS),
      ),
    );
    expect(results.filter((r) => r.tripped)).toHaveLength(1);
    const state = await store().read(CALLS);
    for (const r of results) if (!r.tripped) expect(r.active).toEqual(state);
    expect(state?.active).toBe(true);

    // Counts of records handed back add up across environments, on this quarantine only.
    const since = state?.since ?? "";
    await Promise.all([1, 2, 3].map((n) => store().note(since, { heldBack: n }, CALLS)));
    await store().note("2000-01-01T00:00:00.000Z", { heldBack: 100 }, CALLS);
    expect((await store().read(CALLS))?.counts.heldBack).toBe(6);

    const released = await store().release(2, CALLS);
    expect(released).toMatchObject({ active: false, allowedRemovals: 2 });
    expect(await store().release(0, CALLS)).toBeUndefined();
    // Released: the next trip is a new quarantine.
    expect(await store().trip(trip("env-9", "2025-01-02T00:00:00.000Z"), CALLS)).toEqual({
      tripped: true,
    });
    await store().release(0, CALLS);
  });

  it("keeps every outcome of concurrent writers in the window, and a release empties it", async () => {
    const writers = Array.from({ length: 4 }, () => store());
    await Promise.all(
      writers.map((w, i) => w.recordOutcomes([i % 2 === 0, false, true], SPIKE, CALLS)),
    );
    const reading = await store().recordOutcomes([], SPIKE, CALLS);
    expect(reading.counts).toEqual({ records: 12, failed: 6 });
    await store().trip(trip("env", "2025-01-03T00:00:00.000Z"), CALLS);
    expect((await store().recordOutcomes([false], SPIKE, CALLS)).quarantine?.active).toBe(true);
    await store().release(0, CALLS);
    // An environment's cached window from before the release is refused and read again.
    expect((await writers[0]?.recordOutcomes([true], SPIKE, CALLS))?.counts).toEqual({
      records: 1,
      failed: 1,
    });
  });
});
