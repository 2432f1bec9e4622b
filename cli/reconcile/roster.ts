/**
 * The roster `onboard reconcile` compares with Connect: the active employees, in any of the forms
 * HR systems export them. Every record is read as the function reads an event (envelopes, the
 * source mappings, the same validation), so the roster can hold only what an event could.
 */
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import type { MessageReader } from "../../shared/application/message-reader.js";
import type { RosterEmployee } from "../../shared/application/reconciler.js";
import type { SourceBook } from "../../shared/application/source-book.js";
import { parseCsv } from "../../shared/domain/csv.js";
import { isRecord } from "../../shared/domain/employee-event.js";
import { hrVersion } from "../../shared/domain/hr-version.js";
import { isCanonicalPayload, openMessageBody } from "../../shared/domain/message-body.js";
import { type EventBody, readEventBodies, readText } from "../event-file.js";
import { CLI_CALLS, OperationError } from "../io.js";

/** A record of the roster that is no employee the function could provision. */
export interface RosterProblem {
  readonly where: string;
  readonly reason: string;
  readonly message: string;
}

export interface Roster {
  readonly employees: RosterEmployee[];
  readonly problems: RosterProblem[];
  /** Employees listed more than once: the newest record (the later one on a tie) is used. */
  readonly repeated: {
    readonly employeeId: string;
    readonly where: string;
    readonly kept: string;
  }[];
}

/**
 * Reads the roster:
 * - `.csv`: a header of employee field names (custom attributes as further columns), one
 *   employee per row;
 * - `.json` (one record or an array), `.jsonl` (one per line), or a folder of them: each record
 *   a bare employee object, a canonical event, an event in any envelope, or any payload a
 *   source mapping reads (one payload may hold many employees).
 * Each employee's HR version is its event's `occurredAt`, else `asOf`.
 */
export const readRoster = async (
  path: string,
  asOf: number,
  reader: MessageReader,
  sources: SourceBook | undefined,
): Promise<Roster> => {
  const bodies =
    extname(path).toLowerCase() === ".csv"
      ? await csvBodies(path)
      : await jsonBodies(path, sources);
  const employees = new Map<string, { employee: RosterEmployee; where: string }>();
  const problems: RosterProblem[] = [];
  const repeated: Roster["repeated"] = [];
  for (const { where, body } of bodies) {
    const read = await reader.read(body, CLI_CALLS);
    if (!read.ok) {
      problems.push({ where, reason: read.error.reason, message: read.error.message });
      continue;
    }
    read.events.forEach((item, i) => {
      const at = read.events.length > 1 ? `${where} employee ${i + 1}` : where;
      if (!item.ok) {
        problems.push({ where: at, reason: item.error.reason, message: item.error.message });
        return;
      }
      const { event } = item;
      const employee = { event, version: hrVersion(event.occurredAt, asOf) };
      const id = event.employee.employeeId;
      const earlier = employees.get(id);
      if (earlier) {
        const later = employee.version >= earlier.employee.version;
        repeated.push({ employeeId: id, where: at, kept: later ? at : earlier.where });
        if (!later) return;
      }
      employees.set(id, { employee, where: at });
    });
  }
  return { employees: [...employees.values()].map(({ employee }) => employee), problems, repeated };
};

/** The roster's time when none is given: when the file was written, usually its export. */
export const rosterTime = async (path: string): Promise<number> => {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    throw new OperationError(`${path} does not exist`);
  }
};

/** Each row an employee, wrapped as the canonical update a full record is. */
const csvBodies = async (path: string): Promise<EventBody[]> => {
  const rows = parseCsv(await readText(path));
  const header = rows[0]?.cells.map((cell) => cell.trim()) ?? [];
  if (!header.includes("employeeId")) {
    throw new OperationError(
      `${path}: the first line must name the columns, employeeId among them (employee fields as in an event: employeeId,firstName,lastName,workEmail,...)`,
    );
  }
  const label = path.split(/[\\/]/).pop() ?? path;
  return rows
    .slice(1)
    .filter((row) => row.cells.some((cell) => cell.trim() !== ""))
    .map((row) => {
      const employee: Record<string, string> = {};
      header.forEach((column, i) => {
        const cell = row.cells[i];
        if (column !== "" && cell !== undefined) employee[column] = cell;
      });
      return { where: `${label} line ${row.line}`, body: wrapped(employee, row.line) };
    });
};

const jsonBodies = async (path: string, sources: SourceBook | undefined): Promise<EventBody[]> => {
  const bodies = await readEventBodies(path);
  const out: EventBody[] = [];
  for (const [i, { where, body }] of bodies.entries()) {
    out.push({
      where,
      body: (await bareEmployee(body, sources)) ? wrapped(JSON.parse(body), i + 1) : body,
    });
  }
  return out;
};

/**
 * A record that is an employee object as events carry it (an `employeeId`, no event around
 * it) and that no source mapping claims.
 */
const bareEmployee = async (body: string, sources: SourceBook | undefined): Promise<boolean> => {
  const opened = openMessageBody(body);
  if (!opened.ok || opened.envelope !== "raw") return false;
  const { payload } = opened;
  if (isCanonicalPayload(payload) || "eventType" in payload || !("employeeId" in payload)) {
    return false;
  }
  return !(sources && (await sources.mappingFor(payload, CLI_CALLS)));
};

/** The roster lists people as they are now: each record is a full update. */
const wrapped = (employee: unknown, n: number): string =>
  JSON.stringify({
    eventType: "EmployeeUpdated",
    eventId: `roster-${n}`,
    employee: isRecord(employee) ? employee : {},
  });
