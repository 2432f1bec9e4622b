import { type AwsOptions, sqsClient } from "../aws.js";
import { type CliIo, EXIT, printJson, table } from "../io.js";
import { plural } from "../mappings/rule-file.js";
import { remedyFor } from "../reasons.js";
import { type DeadLetterMessage, scanLetters } from "./letters.js";

export interface ListOptions extends AwsOptions {
  readonly queueUrl: string;
  readonly visibilityTimeout: number;
  readonly reason?: readonly string[];
  readonly employee?: readonly string[];
  /** Also show each selected message: its failure, attributes and body. */
  readonly bodies?: boolean;
  readonly json?: boolean;
}

const SAMPLE_SIZE = 5;
/** Bodies longer than this are cut in the human listing (--json has them whole). */
const BODY_PREVIEW_CHARS = 2_000;

export interface ReasonGroup {
  readonly reason: string;
  readonly count: number;
  readonly oldestFailedAt: string | null;
  readonly oldestAgeSeconds: number | null;
  readonly sampleEmployeeIds: string[];
  /** The oldest message's failureMessage: usually says what to fix. */
  readonly sampleMessage: string | null;
  /** What the operator does about this reason. */
  readonly fix: string;
}

/** One message of the `--bodies` listing. */
export interface ListedLetter {
  readonly messageId: string;
  readonly reason: string;
  readonly employeeId: string | null;
  readonly failedAt: string | null;
  readonly failureMessage: string | null;
  readonly attributes: Record<string, string>;
  readonly body: string;
}

/**
 * Reads every message, hiding each only for the short visibility timeout of the read, then
 * makes them all visible again: the function and a replay see the queue as it was.
 */
export const runDlqList = async (options: ListOptions, io: CliIo): Promise<number> => {
  const sqs = sqsClient(options);
  let letters: DeadLetterMessage[];
  try {
    letters = await scanLetters(sqs, options.queueUrl, options.visibilityTimeout);
  } finally {
    sqs.destroy();
  }
  const total = letters.length;
  const selected = letters.filter((letter) => selects(letter, options));
  const groups = groupByReason(selected, new Date());
  const filtered = Boolean(options.reason?.length || options.employee?.length);
  const messages = options.bodies ? selected.map(listed) : undefined;
  if (options.json) {
    printJson(io, {
      queueUrl: options.queueUrl,
      total,
      ...(filtered ? { selected: selected.length } : {}),
      groups,
      ...(messages ? { messages } : {}),
    });
  } else {
    io.stdout(render(options.queueUrl, total, filtered ? selected.length : undefined, groups));
    if (messages) io.stdout(messages.map(renderLetter).join(""));
  }
  return EXIT.ok;
};

const selects = (letter: DeadLetterMessage, options: ListOptions): boolean =>
  (!options.reason?.length || options.reason.includes(letter.reason)) &&
  (!options.employee?.length || options.employee.includes(letter.employeeId ?? ""));

const listed = (letter: DeadLetterMessage): ListedLetter => ({
  messageId: letter.messageId,
  reason: letter.reason,
  employeeId: letter.employeeId ?? null,
  failedAt: letter.failedAt?.toISOString() ?? null,
  failureMessage: letter.failureMessage ?? null,
  attributes: Object.fromEntries(
    Object.entries(letter.attributes).map(([name, value]) => [name, value.StringValue ?? ""]),
  ),
  body: letter.body,
});

const renderLetter = (letter: ListedLetter): string => {
  const cut = letter.body.length > BODY_PREVIEW_CHARS;
  const lines = [
    "",
    `message ${letter.messageId}: ${letter.reason}${letter.employeeId ? `, employee ${letter.employeeId}` : ""}${letter.failedAt ? `, failed at ${letter.failedAt}` : ""}`,
    ...(letter.failureMessage ? [`  why:  ${letter.failureMessage}`] : []),
    `  fix:  ${remedyFor(letter.reason)}`,
    `  body: ${cut ? letter.body.slice(0, BODY_PREVIEW_CHARS) : letter.body}`,
    ...(cut
      ? [
          `        (${(letter.body.length - BODY_PREVIEW_CHARS).toLocaleString("en-US")} more characters; --json has the whole body)`,
        ]
      : []),
  ];
  return `${lines.join("\n")}\n`;
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
        fix: remedyFor(reason),
      };
    })
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
};

const render = (
  queueUrl: string,
  total: number,
  selected: number | undefined,
  groups: readonly ReasonGroup[],
): string => {
  if (total === 0) return `${queueUrl}: empty\n`;
  const count =
    selected === undefined
      ? plural(total, "message")
      : `${plural(total, "message")}, ${selected} selected`;
  if (groups.length === 0) return `${queueUrl}: ${count}\n`;
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
  const fixes = table(groups.map((group) => [group.reason, group.fix]));
  return `${queueUrl}: ${count}\n${table(rows)}\n\nWhat to do:\n${fixes}\n`;
};

export const formatAge = (seconds: number): string => {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(seconds / 86_400)}d${String(Math.floor((seconds % 86_400) / 3600)).padStart(2, "0")}h`;
};
