/**
 * The source book (cache, lazy JSONata, reload on a miss), the message reader at the record
 * handler's seam, and how the record handler treats a record that became several events.
 */
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { inboundMessage } from "../../../shared/adapters/sqs-inbound.js";
import { invocationDeadlines } from "../../../shared/application/deadline.js";
import { EmployeeMessageHandler } from "../../../shared/application/employee-message-handler.js";
import type { EmployeeSync } from "../../../shared/application/employee-sync.js";
import type { Log } from "../../../shared/application/log.js";
import { silentLog } from "../../../shared/application/log.js";
import { MessageReader } from "../../../shared/application/message-reader.js";
import { SourceBook } from "../../../shared/application/source-book.js";
import type { EmployeeRecordEvent } from "../../../shared/domain/employee-event.js";
import {
  ConnectThrottledError,
  NoMappingRuleError,
  SourceTableUnavailableError,
} from "../../../shared/domain/failures.js";
import type { OutputEvent } from "../../../shared/domain/output-events.js";
import {
  type SourceMapping,
  validateSourceMapping,
} from "../../../shared/domain/source-mapping.js";
import type { DeadLetter, SourceMappingSource } from "../../../shared/ports.js";
import { FakeClock } from "../../support/fake-clock.js";
import { CALLS } from "../../support/fake-ports.js";
import { sqsRecord } from "../../support/lambda-events.js";

const mapping = (overrides: Record<string, unknown> = {}): SourceMapping => {
  const result = validateSourceMapping({
    sourceId: "roster",
    when: "$exists(roster)",
    each: "roster",
    eventType: "'EmployeeHired'",
    eventId: "'r-' & id",
    employee: {
      employeeId: "id",
      firstName: "first",
      lastName: "last",
      workEmail: "mail",
      department: "dept",
    },
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.mapping;
};

const member = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  first: "Ana",
  last: "Lima",
  mail: `${id.toLowerCase()}@example.com`,
  dept: "Customer Care",
  ...overrides,
});

/** A source whose content and availability a test changes, counting its loads. */
class TableSource implements SourceMappingSource {
  loads = 0;
  failing = false;
  constructor(public mappings: SourceMapping[]) {}
  async loadSources(): Promise<SourceMapping[]> {
    this.loads++;
    if (this.failing) throw new SourceTableUnavailableError("source table t could not be read");
    return this.mappings;
  }
}

const book = (source: SourceMappingSource, clock = new FakeClock(), compilerLoads = { n: 0 }) =>
  new SourceBook(source, { ttlMs: 60_000, missRefreshMs: 1_000 }, clock, silentLog, async () => {
    compilerLoads.n++;
    return jsonata;
  });

describe("the source book", () => {
  it("loads JSONata only when the table holds a mapping", async () => {
    const loads = { n: 0 };
    const empty = new TableSource([]);
    const reader = new MessageReader(book(empty, new FakeClock(), loads));
    const read = await reader.read(JSON.stringify({ roster: [member("R1")] }), CALLS);
    expect(read).toMatchObject({ ok: false, error: { reason: "InvalidEvent" } });
    expect(loads.n).toBe(0);
    empty.mappings = [mapping()];
    const clock = new FakeClock();
    const withOne = new MessageReader(book(empty, clock, loads));
    expect(await withOne.read(JSON.stringify({ roster: [member("R1")] }), CALLS)).toMatchObject({
      ok: true,
      sourceId: "roster",
    });
    expect(loads.n).toBe(1);
  });

  it("reloads once on a miss: a mapping imported a moment ago counts", async () => {
    const clock = new FakeClock();
    const source = new TableSource([]);
    const reader = new MessageReader(book(source, clock));
    const body = JSON.stringify({ roster: [member("R1")] });
    expect((await reader.read(body, CALLS)).ok).toBe(false);
    source.mappings = [mapping()];
    clock.advance(1_001);
    expect(await reader.read(body, CALLS)).toMatchObject({ ok: true, sourceId: "roster" });
    // Within the miss-refresh age, a flood of misses does not hammer the table.
    const loads = source.loads;
    await reader.read(JSON.stringify({ other: 1 }), CALLS);
    await reader.read(JSON.stringify({ other: 2 }), CALLS);
    expect(source.loads).toBe(loads);
  });

  it("reports the source table out of reach as a transient failure", async () => {
    const source = new TableSource([mapping()]);
    source.failing = true;
    const read = await new MessageReader(book(source)).read(JSON.stringify({ roster: [] }), CALLS);
    expect(read).toMatchObject({
      ok: false,
      error: { reason: "SourceTableUnavailable", permanent: false },
    });
  });

  it("keeps the body's IDs with a failure to read the source table, for its log lines and letter", async () => {
    const source = new TableSource([mapping()]);
    source.failing = true;
    // Not canonical (no employee record), so the source table must be asked first.
    const body = JSON.stringify({ eventId: "hr-77", employee: { employeeId: "E77" } });
    expect(await new MessageReader(book(source)).read(body, CALLS)).toMatchObject({
      ok: false,
      error: { reason: "SourceTableUnavailable" },
      hints: { eventId: "hr-77", employeeId: "E77" },
    });
  });

  it("skips a mapping that does not compile, as an invalid rule is skipped", async () => {
    const warnings: unknown[] = [];
    const log: Log = { ...silentLog, warn: (_message, fields) => warnings.push(fields) };
    const broken = { ...mapping({ sourceId: "broken" }), when: "$exists(roster" };
    const sources = new SourceBook(
      new TableSource([broken, mapping()]),
      { ttlMs: 60_000, missRefreshMs: 1_000 },
      new FakeClock(),
      log,
      async () => jsonata,
    );
    const read = await new MessageReader(sources).read(
      JSON.stringify({ roster: [member("R1")] }),
      CALLS,
    );
    expect(read).toMatchObject({ ok: true, sourceId: "roster" });
    expect(warnings).toEqual([
      { sourceId: "broken", problem: expect.stringContaining("when: syntax error") },
    ]);
  });
});

describe("the message reader", () => {
  const reader = () => new MessageReader(book(new TableSource([mapping()])));

  it("reads a canonical event without any mapping", async () => {
    const body = JSON.stringify({
      eventType: "EmployeeHired",
      eventId: "e-1",
      employee: { employeeId: "E1", firstName: "A", lastName: "B", workEmail: "a@example.com" },
    });
    const read = await reader().read(body, CALLS);
    expect(read).toMatchObject({ ok: true, envelope: "raw" });
    expect(read.ok ? read.sourceId : "failed").toBeUndefined();
  });

  it("maps a payload inside an envelope, with the envelope's id as default eventId", async () => {
    const read = await new MessageReader(
      book(new TableSource([mapping({ eventId: undefined })])),
    ).read(
      JSON.stringify({
        Type: "Notification",
        Message: JSON.stringify({
          version: "0",
          id: "eb-9",
          "detail-type": "Roster Changed",
          source: "hr",
          time: "2026-11-28T10:00:00Z",
          detail: { roster: [member("R1")] },
        }),
      }),
      CALLS,
    );
    expect(read).toMatchObject({
      ok: true,
      envelope: "eventbridge",
      events: [{ ok: true, event: { eventId: "eb-9", occurredAt: "2026-11-28T10:00:00Z" } }],
    });
  });

  it("gives a canonical body's failure when no mapping recognises the payload", async () => {
    expect(await reader().read(JSON.stringify({ staff: [] }), CALLS)).toMatchObject({
      ok: false,
      error: { reason: "InvalidEvent", message: "eventType: is required" },
    });
  });
});

describe("a record that became several events", () => {
  const setup = (fail: Record<string, Error> = {}, receiveCount = 1) => {
    const provisioned: string[] = [];
    const published: OutputEvent[] = [];
    const parked: DeadLetter[] = [];
    const sync = {
      async sync(event: EmployeeRecordEvent) {
        const error = fail[event.employee.employeeId];
        if (error) throw error;
        provisioned.push(event.employee.employeeId);
        return {
          outcome: "CREATED",
          userId: `u-${event.employee.employeeId}`,
          ruleId: "r",
          changes: [],
        };
      },
    } as unknown as EmployeeSync;
    const handler = new EmployeeMessageHandler({
      reader: new MessageReader(book(new TableSource([mapping()]))),
      sync,
      publisher: { publish: async (event) => void published.push(event) },
      parker: { park: async (letter) => void parked.push(letter) },
      settings: { instanceId: "i-1", eventSource: "connect-onboarding", maxReceiveCount: 5 },
      clock: new FakeClock(),
      logFor: () => silentLog,
    });
    const record = (body: unknown) =>
      inboundMessage(sqsRecord(JSON.stringify(body), { receiveCount }));
    return { handler, provisioned, published, parked, record };
  };

  it("provisions each, and the record is done when all are", async () => {
    const { handler, provisioned, parked, record } = setup();
    const result = await handler.handle(
      record({ roster: [member("R1"), member("R2"), member("R3")] }),
      invocationDeadlines(60_000, new FakeClock()),
    );
    expect(result).toEqual({
      kind: "several",
      synced: ["R1", "R2", "R3"].map((id) => ({
        outcome: "CREATED",
        userId: `u-${id}`,
        ruleId: "r",
        changes: [],
      })),
    });
    expect(provisioned).toEqual(["R1", "R2", "R3"]);
    expect(parked).toEqual([]);
  });

  it("parks the record once when one fails for good, naming the event; the others are provisioned", async () => {
    const { handler, provisioned, parked, published, record } = setup({
      R2: new NoMappingRuleError('no enabled mapping rule matches department="Finance"'),
    });
    const body = { roster: [member("R1"), member("R2"), member("R3", { mail: undefined })] };
    const result = await handler.handle(record(body), invocationDeadlines(60_000, new FakeClock()));
    expect(provisioned).toEqual(["R1"]);
    expect(result).toMatchObject({
      kind: "several",
      parked: { reason: "NoMappingRule", permanent: true },
    });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      body: JSON.stringify(body),
      reason: "NoMappingRule",
      message:
        'event 2 of 3 (r-R2): no enabled mapping rule matches department="Finance"; also event 3 of 3 (r-R3): SourceMappingFailed',
      sourceEventId: "r-R2",
      employeeId: "R2",
    });
    // One Provisioning Failed event per failed employee, with distinct eventIds.
    const failed = published.filter((e) => e.detailType === "Connect User Provisioning Failed");
    expect(failed.map((e) => [e.detail.employeeId, e.detail.reason])).toEqual([
      ["R2", "NoMappingRule"],
      ["R3", "SourceMappingFailed"],
    ]);
    expect(new Set(failed.map((e) => e.detail.eventId)).size).toBe(2);
  });

  it("hands the record back to SQS when one fails transiently, and parks it on the last delivery", async () => {
    const throttled = { R2: new ConnectThrottledError("CreateUser throttled") };
    const first = setup(throttled);
    await expect(
      first.handler.handle(
        first.record({ roster: [member("R1"), member("R2")] }),
        invocationDeadlines(60_000, new FakeClock()),
      ),
    ).rejects.toMatchObject({ reason: "ConnectThrottled" });
    expect(first.parked).toEqual([]);
    const last = setup(throttled, 5);
    const result = await last.handler.handle(
      last.record({ roster: [member("R1"), member("R2")] }),
      invocationDeadlines(60_000, new FakeClock()),
    );
    expect(result).toMatchObject({ parked: { reason: "ConnectThrottled", permanent: false } });
    expect(last.parked[0]?.message).toBe("event 2 of 2 (r-R2): CreateUser throttled");
  });

  it("retries a record whose source table is out of reach instead of parking it", async () => {
    const source = new TableSource([mapping()]);
    source.failing = true;
    const parked: DeadLetter[] = [];
    const handler = new EmployeeMessageHandler({
      reader: new MessageReader(book(source)),
      sync: {} as EmployeeSync,
      publisher: { publish: async () => {} },
      parker: { park: async (letter) => void parked.push(letter) },
      settings: { instanceId: "i-1", eventSource: "connect-onboarding", maxReceiveCount: 5 },
      clock: new FakeClock(),
      logFor: () => silentLog,
    });
    await expect(
      handler.handle(
        inboundMessage(sqsRecord(JSON.stringify({ roster: [] }))),
        invocationDeadlines(60_000, new FakeClock()),
      ),
    ).rejects.toMatchObject({ reason: "SourceTableUnavailable" });
    expect(parked).toEqual([]);
  });
});
