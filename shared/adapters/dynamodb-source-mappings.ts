import { type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import { SourceTableUnavailableError } from "../domain/failures.js";
import { type SourceMapping, validateSourceMapping } from "../domain/source-mapping.js";
import type { CallContext, SourceMappingSource } from "../ports.js";

/** The source table: one item per source mapping (hash key `sourceId`), read whole. */
export class DynamoDbSourceMappings implements SourceMappingSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadSources(
    context: CallContext,
    onInvalid?: (sourceId: string | undefined, problem: string) => void,
  ): Promise<SourceMapping[]> {
    const mappings: SourceMapping[] = [];
    try {
      // Consistent reads: a mapping just imported must count for the replay that follows.
      const pages = paginateScan(
        { client: this.client },
        { TableName: this.tableName, ConsistentRead: true },
        // Passed to every page's send(): the whole Scan ends by the deadline.
        { abortSignal: context.deadline.signal },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const result = validateSourceMapping(item);
          if (result.ok) mappings.push(result.mapping);
          else
            onInvalid?.(
              result.sourceId,
              result.issues.map((i) => `${i.path}: ${i.message}`).join("; "),
            );
        }
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      throw new SourceTableUnavailableError(
        `source table ${this.tableName} could not be read (${name})`,
        { cause: error },
      );
    }
    return mappings;
  }
}
