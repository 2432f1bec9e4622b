/** `npm start`'s summary and progress line, from reports of every size. */
import { describe, expect, it } from "vitest";
import type { PipelineReport } from "../../local/pipeline.js";
import { describeProgress, progressLine } from "../../local/progress.js";
import { FULL_TABLE_ROWS, renderSummary, SAMPLE_ROWS_PER_GROUP } from "../../local/summary.js";

const created = (i: number, outcome = "CREATED") => ({
  source: "connect-onboarding",
  detailType: "Connect User Created",
  detail: {
    eventId: `evt-${i}`,
    employeeId: `E${i}`,
    outcome,
    username: `user${i}@example.com`,
    ruleId: "cc-agents",
    userArn: `arn:aws:connect:us-east-1:123456789012:instance/i/agent/${i}`,
  },
});
const letter = (i: number, reason: string) => ({
  body: JSON.stringify({
    eventType: "EmployeeHired",
    eventId: `x-${i}`,
    employee: { employeeId: `D${i}` },
  }),
  reason,
  message: `${reason} for hire ${i}`,
});

const report = (created: number, adopted: number, parked: [string, number][]): PipelineReport => {
  const published = [
    ...Array.from({ length: created }, (_, i) => createdEvent(i)),
    ...Array.from({ length: adopted }, (_, i) => createdEvent(created + i, "ALREADY_EXISTED")),
  ];
  const deadLetters = parked.flatMap(([reason, n]) =>
    Array.from({ length: n }, (_, i) => letter(i, reason)),
  );
  return {
    users: [],
    published,
    deadLetters,
    scheduled: [],
    queued: [],
    quarantine: { active: false, reason: null },
    stats: {
      received: created + adopted + deadLetters.length,
      created,
      alreadyExisted: adopted,
      updated: 0,
      unchanged: 0,
      stale: 0,
      removed: 0,
      scheduled: 0,
      failed: deadLetters.length,
      durationMs: 251_300,
    },
  };
};
const createdEvent = created;

const tableRows = (summary: string): string[] => {
  const lines = summary.split("\n");
  const start = lines.findIndex((line) => line.startsWith("EMPLOYEE"));
  const end = lines.findIndex((line, i) => i > start && line === "");
  return lines.slice(start + 1, end).filter((line) => !line.startsWith("..."));
};

describe("the npm start summary", () => {
  it("gives totals per outcome and per reason, and a bounded sample of a large run", () => {
    const summary = renderSummary(
      report(470, 2, [
        ["NoMappingRule", 20],
        ["InvalidJson", 5],
        ["ProfileNotFound", 3],
      ]),
    );
    expect(summary.split("\n")[0]).toBe(
      "connect-onboarding on the local stack: 500 received, 470 created, 2 already existed, 28 in the DLQ (251.3 s)",
    );
    expect(summary).toContain(
      [
        "OUTCOME            COUNT",
        "CREATED              470",
        "ALREADY_EXISTED        2",
        "DLQ                   28",
        "  NoMappingRule       20",
        "  InvalidJson          5",
        "  ProfileNotFound      3",
      ].join("\n"),
    );
    const rows = tableRows(summary);
    // Three of each outcome and reason (the two adopted users are all there are of theirs).
    const shown = 4 * SAMPLE_ROWS_PER_GROUP + 2;
    expect(rows).toHaveLength(shown);
    expect(rows.filter((row) => /DLQ InvalidJson/.test(row))).toHaveLength(3);
    expect(summary).toContain(
      `... and ${500 - shown} more rows (3 of each outcome are shown); --json prints every one.`,
    );
    expect(summary.split("\n").length).toBeLessThan(40);
  });

  it("shows every row of a small run", () => {
    const summary = renderSummary(report(FULL_TABLE_ROWS - 2, 1, [["InvalidEvent", 1]]));
    expect(tableRows(summary)).toHaveLength(FULL_TABLE_ROWS);
    expect(summary).not.toContain("more rows");
    expect(summary).toMatch(/^E0\s+CREATED\s+user0@example\.com \(rule cc-agents\) arn:/m);
    expect(summary).toMatch(/^D0\s+DLQ InvalidEvent\s+InvalidEvent for hire 0$/m);
  });
});

describe("a quarantined run", () => {
  it("says the service stopped and how many messages wait, beside the table", () => {
    const quarantined: PipelineReport = {
      ...report(2, 0, []),
      quarantine: { active: true, reason: "RemovalThresholdExceeded" },
      queued: [{ body: "{}" }, { body: "{}" }, { body: "{}" }],
    };
    expect(renderSummary(quarantined)).toContain(
      "Quarantined (RemovalThresholdExceeded): the service stopped consuming; 3 message(s) wait on the queue.",
    );
    expect(renderSummary(report(2, 0, []))).not.toMatch(/Quarantined|still on the queue/);
  });
});

describe("the progress line", () => {
  const progress = {
    sent: 500,
    remaining: 130,
    inFlight: 10,
    provisioned: 350,
    parked: 20,
    elapsedMs: 45_400,
  };

  it("says how far the run is", () => {
    expect(describeProgress(progress)).toBe(
      "370/500 done: 350 provisioned, 20 parked; 130 on the queue (10 in flight), 45 s",
    );
  });

  it("redraws one line on a terminal and clears it at the end", () => {
    const written: string[] = [];
    const line = progressLine({ isTTY: true, write: (text: string) => written.push(text) });
    line.update(progress);
    line.update({ ...progress, remaining: 0 }); // within the redraw interval: skipped
    line.finish();
    expect(written).toEqual([`\r\x1b[2K${describeProgress(progress)}`, "\r\x1b[2K"]);
  });

  it("writes nothing where the stream is not a terminal", () => {
    const written: string[] = [];
    const line = progressLine({ isTTY: false, write: (text: string) => written.push(text) });
    line.update(progress);
    line.finish();
    expect(written).toEqual([]);
  });
});
