/** Lambda's partial-batch response rules for SQS event sources (ReportBatchItemFailures). */
import type { SQSRecord } from "aws-lambda";
import type { HandlerResult } from "./invoke.js";

export interface InvocationReport {
  awsRequestId: string;
  messageIds: string[];
  outcome: "success" | "partial" | "failure";
  /** Why the batch failed as a whole. */
  reason?: "error" | "timeout" | "invalid-response";
  /** The handler's error, or a description of the invalid response. */
  error?: unknown;
  failedItems: string[];
}

/**
 * Applies Lambda's documented partial-batch rules. Complete success: no response, a null
 * or empty batchItemFailures. Complete failure: a response that is not valid JSON, or an
 * item whose itemIdentifier is missing, null, empty, or not a message of this batch.
 */
export function judge(
  result: HandlerResult,
  records: SQSRecord[],
  reportBatchItemFailures: boolean,
  awsRequestId: string,
): InvocationReport {
  const messageIds = records.map((record) => record.messageId);
  const base = { awsRequestId, messageIds, failedItems: [] as string[] };
  if (result.kind === "timeout") return { ...base, outcome: "failure", reason: "timeout" };
  if (result.kind === "error") {
    return { ...base, outcome: "failure", reason: "error", error: result.error };
  }
  if (!reportBatchItemFailures) return { ...base, outcome: "success" };
  const failures = batchItemFailures(result.value, new Set(messageIds));
  if (typeof failures === "string") {
    return { ...base, outcome: "failure", reason: "invalid-response", error: failures };
  }
  return failures.length === 0
    ? { ...base, outcome: "success" }
    : { ...base, outcome: "partial", failedItems: failures };
}

/** The failed message IDs, or why the response invalidates the whole batch. */
function batchItemFailures(value: unknown, batch: Set<string>): string[] | string {
  const response = asJson(value);
  if (response === INVALID_JSON) return "response is not valid JSON";
  // A response that is not an object carries no batchItemFailures, like an empty one.
  if (typeof response !== "object" || response === null || Array.isArray(response)) return [];
  const items = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) return "batchItemFailures is not a list";
  const failed = new Set<string>();
  for (const item of items) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || id.length === 0) return "itemIdentifier missing, null or empty";
    if (!batch.has(id)) return `itemIdentifier ${id} is not a message of this batch`;
    failed.add(id);
  }
  return [...failed];
}

const INVALID_JSON = Symbol("invalid JSON");

/** Lambda sees the response only as JSON; serializing it here exposes what it would see. */
function asJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}
