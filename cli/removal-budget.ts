/**
 * The deletion threshold's budget as the CLI reads and raises it (`quarantine status`,
 * `quarantine release --allow-removals`). The budget's store is the leavers' module; until it is
 * part of the build, there is none, and the commands say so instead of inventing figures.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RemovalBudget } from "../shared/ports.js";

export type RemovalBudgetFactory = (
  client: DynamoDBDocumentClient,
  ledgerTable: string,
) => RemovalBudget | undefined;

export const removalBudgetFor: RemovalBudgetFactory = () => undefined;
