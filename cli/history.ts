/**
 * `onboard history EMPLOYEE_ID`: an employee's provisioning timeline from the ledger, oldest
 * first, and the state it holds now. The ledger keeps no names, emails or phone numbers, so
 * neither does this output.
 */
import { DynamoDbLedger } from "../shared/adapters/dynamodb-ledger.js";
import type { HistoryEntry, LedgerEntry } from "../shared/domain/ledger.js";
import type { UserChange } from "../shared/domain/plan.js";
import { type AwsOptions, dynamoDbClient } from "./aws.js";
import { attempt, type CliIo, EXIT, OperationError, printJson, table } from "./io.js";

export interface HistoryOptions extends AwsOptions {
  readonly ledgerTable: string;
  readonly json?: boolean;
}

export const runHistory = async (
  employeeId: string,
  options: HistoryOptions,
  io: CliIo,
): Promise<number> => {
  const client = dynamoDbClient(options);
  try {
    const ledger = new DynamoDbLedger(client, options.ledgerTable);
    const [entry, history] = await attempt(`reading ledger ${options.ledgerTable}`, () =>
      Promise.all([ledger.entry(employeeId), ledger.history(employeeId)]),
    );
    if (!entry && history.length === 0) {
      throw new OperationError(
        `employee ${employeeId} is not in ledger ${options.ledgerTable}: no event of theirs was applied`,
      );
    }
    if (options.json) printJson(io, { employeeId, state: state(entry), history });
    else io.stdout(render(employeeId, entry, history));
    return EXIT.ok;
  } finally {
    client.destroy();
  }
};

/** The ledger's record without what is internal to it (the claim, the published events). */
const state = (entry: LedgerEntry | undefined) =>
  entry
    ? {
        status: entry.status ?? null,
        userId: entry.userId ?? null,
        userArn: entry.userArn ?? null,
        ruleId: entry.ruleId ?? null,
        appliedVersion: entry.appliedVersion ?? null,
        appliedAt: entry.appliedVersion === undefined ? null : isoTime(entry.appliedVersion),
        appliedEventId: entry.appliedEventId ?? null,
        matchAttributes: entry.matchAttributes,
      }
    : null;

const render = (
  employeeId: string,
  entry: LedgerEntry | undefined,
  history: readonly HistoryEntry[],
): string => {
  const lines = [`Employee ${employeeId}`];
  if (entry) {
    lines.push(
      `  Now: ${entry.status ?? "unknown"}, user ${entry.userId ?? "-"}, rule ${entry.ruleId ?? "-"}`,
    );
    if (entry.appliedVersion !== undefined) {
      lines.push(
        `  Last applied: event ${entry.appliedEventId} of ${isoTime(entry.appliedVersion)}`,
      );
    }
  }
  lines.push("");
  lines.push(
    table([
      ["HR TIME", "APPLIED", "EVENT", "ACTION", "RULE", "CHANGES"],
      ...history.map((item) => [
        isoTime(item.version),
        isoTime(item.appliedAt),
        `${item.eventType} ${item.eventId}`,
        item.action,
        item.ruleId,
        item.changes.map(describeChange).join("; ") || "-",
      ]),
    ]),
  );
  return `${lines.join("\n")}\n`;
};

/** A change in a line; identity values are never kept, only which fields changed. */
export const describeChange = (change: UserChange): string => {
  if (change.aspect === "identityInfo") return `identityInfo: ${change.fields.join(", ")}`;
  const text = (value: unknown) => (value === null ? "(none)" : JSON.stringify(value));
  return `${change.aspect}: ${text(change.from)} -> ${text(change.to)}`;
};

const isoTime = (ms: number): string => new Date(ms).toISOString();
