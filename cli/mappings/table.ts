import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import {
  type MappingRule,
  type RuleValidation,
  validateMappingRule,
} from "../../shared/domain/mapping-rule.js";
import { attempt, OperationError, sleep } from "../io.js";

/** An item of the mapping table as stored, and what the function makes of it. */
export interface TableItem {
  /** The item's key as stored (the function trims it; a stray space makes a second rule). */
  readonly key: string;
  readonly item: Readonly<Record<string, unknown>>;
  readonly validation: RuleValidation;
}

/** Every item, read with a consistent, paged Scan, as the function reads them. */
export const scanTable = (
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<TableItem[]> =>
  attempt(`reading table ${tableName}`, async () => {
    const items: TableItem[] = [];
    const pages = paginateScan({ client }, { TableName: tableName, ConsistentRead: true });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        items.push({ key: String(item.ruleId), item, validation: validateMappingRule(item) });
      }
    }
    return items;
  });

/** BatchWriteItem takes at most 25 requests per call. */
const BATCH_LIMIT = 25;
const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 50;

type WriteRequest = NonNullable<BatchWriteCommandInput["RequestItems"]>[string][number];

export interface WriteResult {
  readonly puts: number;
  readonly deletes: number;
}

/**
 * Puts the rules, then deletes the keys: BatchWrite 25 at a time, resending UnprocessedItems
 * with exponential backoff as DynamoDB asks. Puts go first so that a hire arriving mid-import
 * finds the old rule or the new one, never neither.
 */
export const writeRules = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  puts: readonly MappingRule[],
  deletes: readonly string[],
): Promise<WriteResult> => {
  const requests: WriteRequest[] = [
    ...puts.map((rule) => ({ PutRequest: { Item: { ...rule } } })),
    ...deletes.map((ruleId) => ({ DeleteRequest: { Key: { ruleId } } })),
  ];
  let done = 0;
  for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
    const chunk = requests.slice(start, start + BATCH_LIMIT);
    try {
      await writeUntilProcessed(client, tableName, chunk);
    } catch (error) {
      const message = error instanceof OperationError ? error.message : String(error);
      throw new OperationError(
        `${message} (${done} of ${requests.length} writes were done; the import is safe to run again)`,
      );
    }
    done += chunk.length;
  }
  return { puts: puts.length, deletes: deletes.length };
};

const writeUntilProcessed = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  chunk: WriteRequest[],
): Promise<void> => {
  let pending: WriteRequest[] = chunk;
  for (let attemptNo = 0; attemptNo < MAX_ATTEMPTS; attemptNo++) {
    if (attemptNo > 0) await sleep(BASE_BACKOFF_MS * 2 ** (attemptNo - 1));
    const output = await attempt(`writing table ${tableName}`, () =>
      client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })),
    );
    pending = output.UnprocessedItems?.[tableName] ?? [];
    if (pending.length === 0) return;
  }
  throw new OperationError(
    `writing table ${tableName}: ${pending.length} writes still unprocessed after ${MAX_ATTEMPTS} attempts`,
  );
};
