/**
 * The deletion threshold's budget as the CLI reads and raises it (`quarantine status`,
 * `quarantine release --allow-removals`). The CLI does not know the function's
 * REMOVAL_THRESHOLD_* settings: the budget reports the threshold the function last enforced,
 * which it keeps beside the removals.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbRemovalBudget } from "../shared/adapters/dynamodb-removal-budget.js";
import type { RemovalBudget } from "../shared/ports.js";

export type RemovalBudgetFactory = (
  client: DynamoDBDocumentClient,
  ledgerTable: string,
) => RemovalBudget;

export const removalBudgetFor: RemovalBudgetFactory = (client, ledgerTable) =>
  new DynamoDbRemovalBudget(client, ledgerTable, undefined);
