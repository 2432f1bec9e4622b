import { type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import type { Deadline } from "../application/deadline.js";
import { MappingTableUnavailableError } from "../domain/failures.js";
import { type MappingRule, validateMappingRule } from "../domain/mapping-rule.js";
import type { MappingRuleSource } from "../ports.js";

/** The mapping table: one item per rule, read whole with a paged, consistent Scan. */
export class DynamoDbMappingRules implements MappingRuleSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadRules(
    deadline: Deadline,
    onInvalid?: (ruleId: string | undefined, problem: string) => void,
  ): Promise<MappingRule[]> {
    const rules: MappingRule[] = [];
    try {
      // Consistent reads: a rule an operator just imported must count for the replay that follows.
      const pages = paginateScan(
        { client: this.client },
        { TableName: this.tableName, ConsistentRead: true },
        // Passed to every page's send(): the whole Scan ends by the deadline.
        { abortSignal: deadline.signal },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const result = validateMappingRule(item);
          if (result.ok) rules.push(result.rule);
          else
            onInvalid?.(
              result.ruleId,
              result.issues.map((i) => `${i.path}: ${i.message}`).join("; "),
            );
        }
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      const why = name === "AbortError" ? "no answer before the invocation's deadline" : name;
      throw new MappingTableUnavailableError(
        `mapping table ${this.tableName} could not be read (${why})`,
        {
          cause: error,
        },
      );
    }
    return rules;
  }
}
