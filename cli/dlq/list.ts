import { type AwsOptions, sqsClient } from "../aws.js";
import { type CliIo, EXIT, printJson, table } from "../io.js";
import { plural } from "../mappings/rule-file.js";
import {
  type DeadLetterMessage,
  FRUITLESS_RECEIVES,
  receiveLetters,
  releaseLetters,
  visibleCount,
} from "./letters.js";

export interface ListOptions extends AwsOptions {
  readonly queueUrl: string;
  readonly visibilityTimeout: number;
  readonly json?: boolean;
}

const SAMPLE_SIZE = 5;

export interface ReasonGroup {
  readonly reason: string;
  readonly count: number;
  readonly oldestFailedAt: string | null;
  readonly oldestAgeSeconds: number | null;
  readonly sampleEmployeeIds: string[];
  /** The oldest message's failureMessage: usually says what to fix. */
  readonly sampleMessage: string | null;
}

/**
 * Reads every message, hiding each only for the short visibility timeout of the read, then
 * makes them all visible again: the function and a replay see the queue as it was.
 */
export const runDlqList = async (options: ListOptions, io: CliIo): Promise<number> => {
  const sqs = sqsClient(options);
  const letters = new Map<string, DeadLetterMessage>();
  const handles: string[] = [];
  try {
    let fruitless = 0;
    while (fruitless < FRUITLESS_RECEIVES) {
      const batch = await receiveLetters(sqs, options.queueUrl, {
        count: 10,
        visibilityTimeoutSeconds: options.visibilityTimeout,
      });
      handles.push(...batch.map((letter) => letter.receiptHandle));
      const fresh = batch.filter((letter) => !letters.has(letter.messageId));
      for (const letter of fresh) letters.set(letter.messageId, letter);
      if (fresh.length > 0) fruitless = 0;
      else if (batch.length === 0 && (await visibleCount(sqs, options.queueUrl)) === 0) break;
      else fruitless++;
    }
  } finally {
    await releaseLetters(sqs, options.queueUrl, handles).finally(() => sqs.destroy());
  }
  const groups = groupByReason([...letters.values()], new Date());
  if (options.json) printJson(io, { queueUrl: options.queueUrl, total: letters.size, groups });
  else io.stdout(render(options.queueUrl, letters.size, groups));
  return EXIT.ok;
};

export const groupByReason = (letters: readonly DeadLetterMessage[], now: Date): ReasonGroup[] => {
  const byReason = new Map<string, DeadLetterMessage[]>();
  for (const letter of letters) {
    byReason.set(letter.reason, [...(byReason.get(letter.reason) ?? []), letter]);
  }
  return [...byReason.entries()]
    .map(([reason, group]) => {
      const dated = group
        .filter((letter) => letter.failedAt)
        .sort((a, b) => (a.failedAt?.getTime() ?? 0) - (b.failedAt?.getTime() ?? 0));
      const oldest = dated[0] ?? group[0];
      const employees = [...new Set(group.flatMap((letter) => letter.employeeId ?? []))];
      return {
        reason,
        count: group.length,
        oldestFailedAt: oldest?.failedAt?.toISOString() ?? null,
        oldestAgeSeconds: oldest?.failedAt
          ? Math.max(0, Math.round((now.getTime() - oldest.failedAt.getTime()) / 1000))
          : null,
        sampleEmployeeIds: employees.sort().slice(0, SAMPLE_SIZE),
        sampleMessage: oldest?.failureMessage ?? null,
      };
    })
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
};

const render = (queueUrl: string, total: number, groups: readonly ReasonGroup[]): string => {
  if (total === 0) return `${queueUrl}: empty\n`;
  const rows = [
    ["REASON", "COUNT", "OLDEST", "EMPLOYEES", "EXAMPLE"],
    ...groups.map((group) => [
      group.reason,
      String(group.count),
      group.oldestAgeSeconds === null ? "-" : formatAge(group.oldestAgeSeconds),
      group.sampleEmployeeIds.join(",") || "-",
      group.sampleMessage ?? "",
    ]),
  ];
  return `${queueUrl}: ${plural(total, "message")}\n${table(rows)}\n`;
};

export const formatAge = (seconds: number): string => {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(seconds / 86_400)}d${String(Math.floor((seconds % 86_400) / 3600)).padStart(2, "0")}h`;
};
