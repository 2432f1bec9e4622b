/**
 * The function's tables on the DynamoDB emulator (the mapping table and the ledger), created and
 * loaded through the real SDK client, with the keys serverless.yml declares.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import { startDynamoDbEmulator } from "../emulators/dynamodb.js";
import {
  DynamoDbLedger,
  HISTORY_PREFIX,
  LEDGER_KEYS,
  toHistoryEntry,
} from "../shared/adapters/dynamodb-ledger.js";
import { DynamoDbQuarantine } from "../shared/adapters/dynamodb-quarantine.js";
import { NO_DEADLINE } from "../shared/application/deadline.js";
import { silentLog } from "../shared/application/log.js";
import type { HistoryEntry } from "../shared/domain/ledger.js";
import type { QuarantineState } from "../shared/domain/quarantine.js";

export interface MappingTableOptions {
  /** Table name (default "connect-onboarding-mappings"). */
  tableName?: string;
  /** The ledger's name (default "connect-onboarding-ledger"). */
  ledgerTableName?: string;
  /** The source mappings' table beside it (default "connect-onboarding-sources"). */
  sourceTableName?: string;
}

export interface MappingTable {
  endpoint: string;
  tableName: string;
  /** Writes (or overwrites) rules; each needs a non-empty string `ruleId`. */
  putRules(rules: Record<string, unknown>[]): Promise<void>;
  deleteRule(ruleId: string): Promise<void>;
  readonly ledgerTableName: string;
  /** The ledger, read as the CLI reads it. */
  readonly ledger: DynamoDbLedger;
  /** Every item of the ledger as DynamoDB holds it (a Scan: fine for a local stack's ledger). */
  ledgerItems(): Promise<Record<string, unknown>[]>;
  /** Every employee's history entries, in no order. */
  ledgerHistory(): Promise<HistoryEntry[]>;
  /** The quarantine as the function and the CLI read it from the ledger (docs/quarantine.md). */
  quarantine(): Promise<QuarantineState | undefined>;
  /** The source table (hash key `sourceId`), on the same emulator. */
  sourceTableName: string;
  /** Writes (or overwrites) source mappings; each needs a non-empty string `sourceId`. */
  putSources(mappings: Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

/** BatchWriteItem takes at most 25 requests per call. */
export const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ATTEMPTS = 8;
const TABLE_ACTIVE_ATTEMPTS = 100;

/**
 * Starts an in-memory dynalite on 127.0.0.1 holding the mapping table (hash key `ruleId`), the
 * source table (hash key `sourceId`) and the ledger.
 */
export async function startMappingTable(options: MappingTableOptions = {}): Promise<MappingTable> {
  const tableName = options.tableName ?? "connect-onboarding-mappings";
  const sourceTableName = options.sourceTableName ?? "connect-onboarding-sources";
  const ledgerTableName = options.ledgerTableName ?? "connect-onboarding-ledger";
  const dynamodb = await startDynamoDbEmulator();
  const { endpoint } = dynamodb;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const stop = async () => {
    client.destroy();
    await dynamodb.stop();
  };
  try {
    await createTable(client, tableName, [{ name: "ruleId", type: "HASH" }]);
    await createTable(client, sourceTableName, [{ name: "sourceId", type: "HASH" }]);
    await createTable(client, ledgerTableName, [
      { name: LEDGER_KEYS.partition, type: "HASH" },
      { name: LEDGER_KEYS.sort, type: "RANGE" },
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const ledgerItems = async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: documents }, { TableName: ledgerTableName })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  };
  return {
    endpoint,
    tableName,
    putRules: async (rules) => batchPutAll(documents, tableName, checkedKeys(rules, "ruleId")),
    sourceTableName,
    putSources: async (mappings) =>
      batchPutAll(documents, sourceTableName, checkedKeys(mappings, "sourceId")),
    deleteRule: async (ruleId) => {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { ruleId } }));
    },
    ledgerTableName,
    ledger: new DynamoDbLedger(documents, ledgerTableName),
    ledgerItems,
    quarantine: () =>
      new DynamoDbQuarantine(documents, ledgerTableName).read({
        deadline: NO_DEADLINE,
        log: silentLog,
      }),
    ledgerHistory: async () =>
      (await ledgerItems())
        .filter((item) => String(item[LEDGER_KEYS.sort]).startsWith(HISTORY_PREFIX))
        .map(toHistoryEntry),
    stop,
  };
}

async function createTable(
  client: DynamoDBClient,
  tableName: string,
  keys: { name: string; type: "HASH" | "RANGE" }[],
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: "S" })),
      KeySchema: keys.map((key) => ({ AttributeName: key.name, KeyType: key.type })),
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  // With createTableMs 0 the table turns ACTIVE on dynalite's next timer tick; each
  // DescribeTable round trip yields to it, so this needs no sleep. The SDK's own
  // waitUntilTableExists would wait 20 s before its first check.
  for (let attempt = 0; attempt < TABLE_ACTIVE_ATTEMPTS; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/**
 * Every item needs its key (ruleId, sourceId), and no two may share one: DynamoDB rejects
 * duplicate keys within a BatchWrite, and across batches the later would silently replace the
 * earlier.
 */
function checkedKeys(items: Record<string, unknown>[], key: string): Record<string, unknown>[] {
  const seen = new Set<string>();
  for (const item of items) {
    const value = item[key];
    if (typeof value !== "string" || value.length === 0) {
      const noun = key === "ruleId" ? "rule" : "item";
      throw new TypeError(`every ${noun} needs a non-empty string ${key}, got ${String(value)}`);
    }
    if (seen.has(value)) throw new TypeError(`duplicate ${key} ${value}`);
    seen.add(value);
  }
  return items;
}

/** The one call batchPutAll makes, so its retry logic can be exercised on its own. */
export interface BatchWriter {
  send(command: BatchWriteCommand): Promise<BatchWriteCommandOutput>;
}

/**
 * Puts every item in BatchWrite calls of at most 25, resending UnprocessedItems with
 * exponential backoff as the DynamoDB docs prescribe; gives up loudly rather than drop rules.
 */
export async function batchPutAll(
  writer: BatchWriter,
  tableName: string,
  items: Record<string, unknown>[],
  backoffMs = 50,
): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    const chunk = items.slice(start, start + BATCH_WRITE_LIMIT);
    const requests: BatchWriteCommandInput["RequestItems"] = {
      [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })),
    };
    await writeUntilProcessed(writer, requests, backoffMs);
  }
}

async function writeUntilProcessed(
  writer: BatchWriter,
  initial: BatchWriteCommandInput["RequestItems"],
  backoffMs: number,
): Promise<void> {
  let pending = initial;
  for (let attempt = 0; attempt < MAX_UNPROCESSED_ATTEMPTS; attempt++) {
    if (attempt > 0) await delay(backoffMs * 2 ** (attempt - 1));
    const { UnprocessedItems } = await writer.send(
      new BatchWriteCommand({ RequestItems: pending }),
    );
    if (!UnprocessedItems || countRequests(UnprocessedItems) === 0) return;
    pending = UnprocessedItems;
  }
  throw new Error(
    `BatchWrite left ${countRequests(pending)} items unprocessed after ${MAX_UNPROCESSED_ATTEMPTS} attempts`,
  );
}

function countRequests(requests: BatchWriteCommandInput["RequestItems"]): number {
  return Object.values(requests ?? {}).reduce((sum, list) => sum + list.length, 0);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
