/**
 * The ledger's bulk read against DynamoDB's partial answers, which dynalite never gives: keys
 * handed back unread (UnprocessedKeys) are asked for again with backoff, and never forever.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { DynamoDbLedger } from "../../../shared/adapters/dynamodb-ledger.js";
import { LedgerUnavailableError } from "../../../shared/domain/failures.js";
import { CALLS } from "../../support/fake-ports.js";

const TABLE = "ledger";
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const mock = mockClient(documents);
afterEach(() => mock.reset());

const key = (employeeId: string) => ({ employeeId, record: "STATE" });
const state = (employeeId: string) => ({
  ...key(employeeId),
  status: "ACTIVE",
  appliedVersion: 5,
  ruleId: "r",
});

describe("DynamoDbLedger.entries", () => {
  it("asks again for the keys DynamoDB left unprocessed, backing off, until every one is read", async () => {
    const waits: number[] = [];
    const ledger = new DynamoDbLedger(documents, TABLE, Date.now, async (ms) => {
      waits.push(ms);
    });
    mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [state("E1")] },
        UnprocessedKeys: { [TABLE]: { Keys: [key("E2"), key("E3")] } },
      })
      .resolvesOnce({
        Responses: { [TABLE]: [state("E2")] },
        UnprocessedKeys: { [TABLE]: { Keys: [key("E3")] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [state("E3")] } });
    const entries = await ledger.entries(["E1", "E2", "E3"], CALLS);
    expect(entries.map((entry) => entry.employeeId)).toEqual(["E1", "E2", "E3"]);
    const asked = mock
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys);
    expect(asked).toEqual([[key("E1"), key("E2"), key("E3")], [key("E2"), key("E3")], [key("E3")]]);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up with LedgerUnavailable when DynamoDB keeps handing keys back", async () => {
    const ledger = new DynamoDbLedger(documents, TABLE, Date.now, async () => {});
    mock.on(BatchGetCommand).resolves({ UnprocessedKeys: { [TABLE]: { Keys: [key("E1")] } } });
    await expect(ledger.entries(["E1"], CALLS)).rejects.toThrow(LedgerUnavailableError);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(8);
  });

  it("turns a DynamoDB error into LedgerUnavailable, naming the table", async () => {
    const ledger = new DynamoDbLedger(documents, TABLE);
    mock
      .on(BatchGetCommand)
      .rejects(
        Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" }),
      );
    await expect(ledger.entries(["E1"], CALLS)).rejects.toThrow(
      "ledger ledger: batch read failed (ProvisionedThroughputExceededException)",
    );
  });
});
