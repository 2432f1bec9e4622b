import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type BatchWriteCommand,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BATCH_WRITE_LIMIT,
  batchPutAll,
  type MappingTable,
  startMappingTable,
} from "../../local/tables.js";
import { localAwsEnv, withEnv } from "../support/with-env.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

function rule(i: number): Record<string, unknown> {
  return {
    ruleId: `rule-${String(i).padStart(3, "0")}`,
    priority: i % 5,
    enabled: i % 7 !== 0,
    match: { department: "Customer Care", location: i % 2 ? "Austin" : "Dublin" },
    routingProfile: "Customer Care Routing",
    securityProfiles: ["Agent", "Spanish QA"],
    hierarchyGroup: "Austin Team 1",
    phone: { type: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 30 },
    tags: { costCenter: "CC-100" },
  };
}

describe("startMappingTable", () => {
  let table: MappingTable;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeEach(async () => {
    table = await startMappingTable({ tableName: "mappings" });
    client = new DynamoDBClient({ endpoint: table.endpoint, region: "us-east-1", credentials });
    documents = DynamoDBDocumentClient.from(client);
  });

  afterEach(async () => {
    client.destroy();
    await table.stop();
  });

  async function scanAll(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    // A small page size makes the scan page too, as it would on a big table.
    for await (const page of paginateScan(
      { client: documents },
      { TableName: "mappings", Limit: 17 },
    )) {
      items.push(...(page.Items ?? []));
    }
    return items.sort((a, b) => String(a.ruleId).localeCompare(String(b.ruleId)));
  }

  it("creates an ACTIVE table keyed by ruleId", async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: "mappings" }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual([{ AttributeName: "ruleId", KeyType: "HASH" }]);
    expect(table.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("round-trips 60 rules through several BatchWrite calls", async () => {
    const rules = Array.from({ length: 60 }, (_, i) => rule(i));
    await table.putRules(rules);
    expect(await scanAll()).toEqual(rules);
  });

  it("overwrites a rule by ruleId and deletes one", async () => {
    await table.putRules([rule(1), rule(2)]);
    await table.putRules([{ ...rule(1), priority: 99 }]);
    await table.deleteRule("rule-002");
    expect(await scanAll()).toEqual([{ ...rule(1), priority: 99 }]);
  });

  it("serves a client configured only through AWS_ENDPOINT_URL_DYNAMODB", async () => {
    await table.putRules([rule(7)]);
    const env = localAwsEnv("AWS_ENDPOINT_URL_DYNAMODB", table.endpoint);
    const item = await withEnv(env, async () => {
      const fromEnv = DynamoDBDocumentClient.from(new DynamoDBClient({}));
      try {
        return (
          await fromEnv.send(new GetCommand({ TableName: "mappings", Key: { ruleId: "rule-007" } }))
        ).Item;
      } finally {
        fromEnv.destroy();
      }
    });
    expect(item).toEqual(rule(7));
  });

  it("refuses rules without a ruleId or with a duplicate one", async () => {
    await expect(table.putRules([{ priority: 1 }])).rejects.toThrow(/ruleId/);
    await expect(table.putRules([rule(1), rule(1)])).rejects.toThrow(/duplicate ruleId rule-001/);
    expect(await scanAll()).toEqual([]);
  });
});

describe("batchPutAll", () => {
  it("sends at most 25 items per call and resends UnprocessedItems until none are left", async () => {
    const calls: number[] = [];
    // dynalite never throttles, so this writer plays DynamoDB under load: the first call of
    // each chunk leaves its last two requests unprocessed.
    const writer = {
      send: async (command: BatchWriteCommand): Promise<BatchWriteCommandOutput> => {
        const requests = command.input.RequestItems?.t ?? [];
        calls.push(requests.length);
        const unprocessed = requests.length === BATCH_WRITE_LIMIT ? requests.slice(-2) : [];
        return { $metadata: {}, UnprocessedItems: { t: unprocessed } };
      },
    };
    const items = Array.from({ length: 60 }, (_, i) => ({ ruleId: `r${i}` }));
    await batchPutAll(writer, "t", items, 1);
    expect(calls).toEqual([25, 2, 25, 2, 10]);
  });

  it("gives up loudly when items stay unprocessed", async () => {
    const writer = {
      send: async (command: BatchWriteCommand): Promise<BatchWriteCommandOutput> => ({
        $metadata: {},
        UnprocessedItems: command.input.RequestItems,
      }),
    };
    await expect(batchPutAll(writer, "t", [{ ruleId: "r" }], 1)).rejects.toThrow(/unprocessed/);
  });
});
