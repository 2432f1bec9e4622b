/**
 * The deletion threshold over DynamoDB's API (dynalite), as every Lambda environment shares it:
 * conditional writes on one item decide who gets the last removals of the window, so racing
 * environments never pass the limit, and a retry of one termination is never counted twice.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MappingTable, startMappingTable } from "../../local/tables.js";
import {
  ACTIVE_COUNT_RECORD,
  LEDGER_KEYS,
  SERVICE_PARTITION,
} from "../../shared/adapters/dynamodb-ledger.js";
import {
  DynamoDbRemovalBudget,
  REMOVAL_BUDGET_RECORD,
} from "../../shared/adapters/dynamodb-removal-budget.js";
import { CALLS } from "../support/fake-ports.js";

const HOUR = 3_600_000;
let tables: MappingTable;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let clock = 10 * 24 * HOUR;
const now = () => clock;

beforeAll(async () => {
  tables = await startMappingTable();
  client = new DynamoDBClient({
    endpoint: tables.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  documents = DynamoDBDocumentClient.from(client);
});
afterAll(async () => {
  client?.destroy();
  await tables?.stop();
});

const putItem = (record: string, item: Record<string, unknown>) =>
  documents.send(
    new PutCommand({
      TableName: tables.ledgerTableName,
      Item: { [LEDGER_KEYS.partition]: SERVICE_PARTITION, [LEDGER_KEYS.sort]: record, ...item },
    }),
  );

const setActive = (active: number) => putItem(ACTIVE_COUNT_RECORD, { active });

beforeEach(async () => {
  clock += 30 * 24 * HOUR;
  // A fresh budget per test: the item's revision restarts.
  await putItem(REMOVAL_BUDGET_RECORD, { rev: 0, taken: "[]", heldBack: "[]" });
  await setActive(1000);
});

/** One budget object per Lambda environment, all over the same table. */
const environments = (count: number, settings = { count: 10, percent: 20 }) =>
  Array.from(
    { length: count },
    () => new DynamoDbRemovalBudget(documents, tables.ledgerTableName, settings, now),
  );

describe("the removal budget on DynamoDB", () => {
  it("lets 30 concurrent removals from 6 environments through 10 at most, and holds the rest back", async () => {
    const budgets = environments(6);
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (budgets[i % budgets.length] as DynamoDbRemovalBudget).take(`E${i}`, 1, CALLS),
      ),
    );
    expect(verdicts.filter((v) => v === "allowed")).toHaveLength(10);
    expect(verdicts.filter((v) => v === "exceeded")).toHaveLength(20);
    expect(await (budgets[0] as DynamoDbRemovalBudget).status(CALLS)).toEqual({
      used: 10,
      limit: 10,
      active: 1000,
      windowHours: 24,
      heldBack: 20,
    });
  });

  it("takes one at a time within an environment: a batch's removals do not race each other", async () => {
    let conflicts = 0;
    const counting = {
      send: async (...args: Parameters<DynamoDBDocumentClient["send"]>) => {
        try {
          return await documents.send(...args);
        } catch (error) {
          if ((error as Error).name === "ConditionalCheckFailedException") conflicts++;
          throw error;
        }
      },
    } as unknown as DynamoDBDocumentClient;
    const budget = new DynamoDbRemovalBudget(
      counting,
      tables.ledgerTableName,
      { count: 10, percent: 100 },
      now,
    );
    const verdicts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => budget.take(`B${i}`, 1, CALLS)),
    );
    expect(verdicts.every((v) => v === "allowed")).toBe(true);
    // Side by side, the ten would each have read the same revision and nine lost the put.
    expect(conflicts).toBe(0);
  });

  it("counts a termination retried, even concurrently, once", async () => {
    const budgets = environments(4, { count: 2, percent: 100 });
    const verdicts = await Promise.all(
      budgets.flatMap((budget) => [budget.take("E1", 7, CALLS), budget.take("E1", 7, CALLS)]),
    );
    expect(verdicts.every((v) => v === "allowed")).toBe(true);
    expect((await (budgets[0] as DynamoDbRemovalBudget).status(CALLS)).used).toBe(1);
    // Another version of the same employee's removal is another removal.
    expect(await (budgets[1] as DynamoDbRemovalBudget).take("E1", 8, CALLS)).toBe("allowed");
    expect(await (budgets[2] as DynamoDbRemovalBudget).take("E2", 1, CALLS)).toBe("exceeded");
  });

  it("takes the lower of the count and the share of the active employees", async () => {
    await setActive(24);
    const [budget] = environments(1, { count: 10, percent: 20 }) as [DynamoDbRemovalBudget];
    // 20 % of 24 is 4.8: four removals.
    const verdicts = [];
    for (let i = 0; i < 6; i++) {
      verdicts.push(await budget.take(`P${i}`, 1, CALLS));
      await setActive(24 - verdicts.filter((v) => v === "allowed").length);
    }
    expect(verdicts).toEqual(["allowed", "allowed", "allowed", "allowed", "exceeded", "exceeded"]);
    expect((await budget.status(CALLS)).limit).toBe(4);
  });

  it("forgets removals after 24 hours: the window rolls", async () => {
    const [budget] = environments(1, { count: 2, percent: 100 }) as [DynamoDbRemovalBudget];
    expect(await budget.take("A", 1, CALLS)).toBe("allowed");
    clock += 12 * HOUR;
    expect(await budget.take("B", 1, CALLS)).toBe("allowed");
    expect(await budget.take("C", 1, CALLS)).toBe("exceeded");
    clock += 12 * HOUR + 1;
    // A's removal fell out of the window; B's is still in it.
    expect(await budget.take("C", 1, CALLS)).toBe("allowed");
    expect(await budget.take("D", 1, CALLS)).toBe("exceeded");
    expect((await budget.status(CALLS)).used).toBe(2);
  });

  it("raises the allowance once by what an operator allows, and no further", async () => {
    const [budget] = environments(1, { count: 1, percent: 100 }) as [DynamoDbRemovalBudget];
    expect(await budget.take("A", 1, CALLS)).toBe("allowed");
    expect(await budget.take("B", 1, CALLS)).toBe("exceeded");
    expect(await budget.take("C", 1, CALLS)).toBe("exceeded");
    expect((await budget.status(CALLS)).heldBack).toBe(2);
    await budget.allowMore(2, CALLS);
    expect((await budget.status(CALLS)).limit).toBe(3);
    expect(await budget.take("B", 1, CALLS)).toBe("allowed");
    expect(await budget.take("C", 1, CALLS)).toBe("allowed");
    expect(await budget.take("D", 1, CALLS)).toBe("exceeded");
    expect(await budget.status(CALLS)).toMatchObject({ used: 3, heldBack: 1 });
    await expect(budget.allowMore(-1, CALLS)).rejects.toThrow(RangeError);
  });

  it("takes the share of the employees active before the window's removals, as each removal lowers the count", async () => {
    await setActive(20);
    const [budget] = environments(1, { count: 10, percent: 20 }) as [DynamoDbRemovalBudget];
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      verdicts.push(await budget.take(`Q${i}`, 1, CALLS));
      // The ledger's commit of the removal moves the active count down.
      await setActive(20 - verdicts.filter((v) => v === "allowed").length);
    }
    expect(verdicts).toEqual(["allowed", "allowed", "allowed", "allowed", "exceeded"]);
  });

  it("allows nothing with no active employees on record (a percentage of none)", async () => {
    await setActive(0);
    const [budget] = environments(1) as [DynamoDbRemovalBudget];
    expect(await budget.take("A", 1, CALLS)).toBe("exceeded");
  });
});
