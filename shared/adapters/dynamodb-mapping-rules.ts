import { type DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import { MappingTableUnavailableError } from "../domain/failures.js";
import { type MappingRule, validateMappingRule } from "../domain/mapping-rule.js";
import { describeRuleIssues } from "../domain/rule-issues.js";
import type { CallContext, MappingRuleSource } from "../ports.js";

/** The mapping table: one item per rule, read whole with a paged, consistent Scan. */
export class DynamoDbMappingRules implements MappingRuleSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadRules(
    context: CallContext,
    onInvalid?: (ruleId: string | undefined, problem: string) => void,
  ): Promise<MappingRule[]> {
    const rules: MappingRule[] = [];
    try {
      // Consistent reads: a rule an operator just imported must count for the replay that follows.
      const pages = paginateScan(
        { client: this.client },
        { TableName: this.tableName, ConsistentRead: true },
        // Passed to every page's send(): the whole Scan ends by the deadline.
        { abortSignal: context.deadline.signal },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const result = validateMappingRule(item);
          if (result.ok) rules.push(result.rule);
          else onInvalid?.(result.ruleId, describeRuleIssues(result.issues));
        }
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : "UnknownError";
      throw new MappingTableUnavailableError(
        `mapping table ${this.tableName} could not be read (${name})`,
        {
          cause: error,
        },
      );
    }
    return rules;
  }
}
