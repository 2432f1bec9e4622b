import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import {
  type SourceMapping,
  type SourceMappingValidation,
  validateSourceMapping,
} from "../../shared/domain/source-mapping.js";
import { attempt, OperationError, sleep } from "../io.js";

/** An item of the source table as stored, and what the function makes of it. */
export interface SourceItem {
  readonly key: string;
  readonly item: Readonly<Record<string, unknown>>;
  readonly validation: SourceMappingValidation;
}

/** Every item, read with a consistent, paged Scan, as the function reads them. */
export const scanSources = (
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<SourceItem[]> =>
  attempt(`reading table ${tableName}`, async () => {
    const items: SourceItem[] = [];
    const pages = paginateScan({ client }, { TableName: tableName, ConsistentRead: true });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        items.push({ key: String(item.sourceId), item, validation: validateSourceMapping(item) });
      }
    }
    return items;
  });

const BATCH_LIMIT = 25;
const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 50;
type WriteRequest = NonNullable<BatchWriteCommandInput["RequestItems"]>[string][number];

/**
 * Puts the mappings, then deletes the keys, 25 at a time, resending UnprocessedItems with
 * backoff. Puts first, so a payload arriving mid-import finds the old mapping or the new one.
 */
export const writeSources = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  puts: readonly SourceMapping[],
  deletes: readonly string[],
): Promise<{ puts: number; deletes: number }> => {
  const requests: WriteRequest[] = [
    ...puts.map((mapping) => ({ PutRequest: { Item: { ...mapping } } })),
    ...deletes.map((sourceId) => ({ DeleteRequest: { Key: { sourceId } } })),
  ];
  for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
    let pending = requests.slice(start, start + BATCH_LIMIT);
    for (let attemptNo = 0; pending.length > 0; attemptNo++) {
      if (attemptNo >= MAX_ATTEMPTS) {
        throw new OperationError(
          `writing table ${tableName}: ${pending.length} writes still unprocessed after ${MAX_ATTEMPTS} attempts (${start} of ${requests.length} were done; the import is safe to run again)`,
        );
      }
      if (attemptNo > 0) await sleep(BASE_BACKOFF_MS * 2 ** (attemptNo - 1));
      const output = await attempt(`writing table ${tableName}`, () =>
        client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } })),
      );
      pending = output.UnprocessedItems?.[tableName] ?? [];
    }
  }
  return { puts: puts.length, deletes: deletes.length };
};
