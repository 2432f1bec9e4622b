/**
 * What a new operator ran into: missing hints, hidden causes, labels that misled, output that
 * scrolled for thousands of lines, help that exited 2, tags lost without a word.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { temporaryDirectory } from "../support/temp-dir.js";
import { stackWithDeadLetters } from "./dead-letters.js";
import { linesOf, onboard, onboardInProcess } from "./support.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Everything the SDK could take a region or credentials from, taken away. */
const NOTHING_CONFIGURED = [
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
];

describe("errors an operator can fix themselves", () => {
  it("say how to give the region when none is configured", async () => {
    const dir = temporaryDirectory("no-aws-config");
    const run = await onboard(["mappings", "export", "--table", "rules"], undefined, {
      unset: NOTHING_CONFIGURED,
      env: {
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
      },
    });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      "error: reading table rules: Region is missing; give --region, set AWS_REGION, or use a profile with a region (--profile or AWS_PROFILE)",
    ]);
  });

  it("show the cause when plan cannot read the table", async () => {
    stack = await startSampleStack();
    const run = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--table",
      "foo",
    ]);
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      "error: reading table foo: MappingTableUnavailableError: mapping table foo could not be read (ResourceNotFoundException): ResourceNotFoundException: Requested resource not found",
    ]);
  });
});

describe("a command that touches AWS", () => {
  it("prints no AWS SDK notice about the Node version, with nothing switched off by the caller", async () => {
    stack = await startSampleStack();
    const run = await onboard(["dlq", "list", "--queue-url", stack.queues.dlqUrl], stack, {
      unset: ["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"],
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });
});

describe("onboard plan", () => {
  it("labels valid JSON that is not a valid hire by what it is and whose it is", async () => {
    const run = await onboardInProcess([
      "plan",
      "events/hires/03-malformed.jsonl",
      "--mappings",
      "events/mappings.json",
    ]);
    const titles = linesOf(run.stdout).filter((line) => !line.startsWith(" "));
    expect(titles).toEqual([
      "03-malformed.jsonl line 1: Event that is not an employee event: event wd-term-1, employee E00009",
      "03-malformed.jsonl line 2: Invalid event: event wd-no-email, employee E12353",
      "03-malformed.jsonl line 3: Body that is not JSON",
    ]);
    expect(run.stdout).not.toContain("unreadable");
  });

  it("summarises many hires in a bounded output instead of every plan in full", async () => {
    const dir = temporaryDirectory("plan-many");
    const lines = Array.from({ length: 500 }, (_, i) =>
      hireBody({
        employeeId: `M${i}`,
        workEmail: `many.${i}@example.com`,
        department: i % 10 === 0 ? "Finance" : "Customer Care",
        location: i % 2 === 0 ? "Austin" : "Remote",
      }),
    );
    const file = join(dir, "many.jsonl");
    writeFileSync(file, `${[...lines, "not json"].join("\n")}\n`);

    const run = await onboardInProcess(["plan", file, "--mappings", "events/mappings.json"]);

    expect(run.code).toBe(1);
    const out = linesOf(run.stdout);
    expect(out.length).toBeLessThan(30);
    expect(out[0]).toBe(`${file}: 501 events planned against 6 rules`);
    expect(run.stdout).toMatch(/^ {2}would create\s+450$/m);
    expect(run.stdout).toMatch(/^ {2}would fail\s+51$/m);
    expect(run.stdout).toMatch(/^ {4}NoMappingRule\s+50$/m);
    expect(run.stdout).toMatch(/^ {4}InvalidJson\s+1$/m);
    // Customer Care in Austin (every other hire but the Finance tenth) wins cc-austin-agents.
    expect(run.stdout).toMatch(/^ {2}cc-austin-agents\s+200$/m);
    expect(run.stdout).toMatch(/^ {2}cc-agents\s+250$/m);
    expect(
      out.filter((line) => /\sNoMappingRule\s+no enabled mapping rule/.test(line)),
    ).toHaveLength(3);
    expect(out.at(-1)).toBe("One hire in full: --item N (from 1). Every plan: --json.");

    // --item still shows one in full; --json still has every plan.
    const one = await onboardInProcess([
      "plan",
      file,
      "--mappings",
      "events/mappings.json",
      "--item",
      "2",
    ]);
    expect(one.stdout).toContain(
      "many.jsonl line 2: EmployeeHired evt-M1 (raw envelope), employee M1",
    );
    const json = await onboardInProcess([
      "plan",
      file,
      "--mappings",
      "events/mappings.json",
      "--json",
    ]);
    expect(JSON.parse(json.stdout)).toHaveLength(501);
  });
});

describe("onboard help", () => {
  it.each([[["help", "plan", "--help"]], [["help", "plan"]], [["dlq", "help", "replay"]]])(
    "%j shows the help and exits 0",
    async (args) => {
      const run = await onboardInProcess(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: onboard (plan|dlq replay) /);
    },
  );
});

describe("onboard dlq list", () => {
  it("says what to do about each reason, and with --bodies shows each letter whole", async () => {
    stack = await stackWithDeadLetters();
    const url = stack.queues.dlqUrl;
    const table = await onboardInProcess(["dlq", "list", "--queue-url", url]);
    expect(table.stdout).toMatch(
      /^What to do:\n(.*\n)*\s+NoMappingRule\s+add a rule that matches \(onboard mappings import\), then `onboard dlq replay --reason NoMappingRule`$/m,
    );
    expect(table.stdout).toMatch(/^\s+InvalidJson\s+the body is not JSON: fix the sender/m);

    const bodies = await onboardInProcess([
      "dlq",
      "list",
      "--queue-url",
      url,
      "--reason",
      "MissingDeskPhone",
      "--bodies",
    ]);
    expect(bodies.code).toBe(0);
    expect(bodies.stdout).toMatch(/: 8 messages, 1 selected\n/);
    expect(bodies.stdout).toMatch(
      /^message [\w-]+: MissingDeskPhone, employee E12349, failed at \d{4}-\d\d-\d\dT[\d:.]+Z$/m,
    );
    expect(bodies.stdout).toContain(
      "  why:  rule sales-desk gives a DESK_PHONE but the employee has no deskPhoneNumber",
    );
    expect(bodies.stdout).toMatch(/^ {2}fix: {2}add the employee's deskPhoneNumber/m);
    expect(bodies.stdout).toMatch(/^ {2}body: \{"eventType":"EmployeeHired".*"E12349"/m);

    const json = await onboardInProcess([
      "dlq",
      "list",
      "--queue-url",
      url,
      "--employee",
      "E12350",
      "--bodies",
      "--json",
    ]);
    const listing = JSON.parse(json.stdout);
    expect(listing).toMatchObject({ total: 8, selected: 1 });
    expect(listing.groups).toEqual([
      expect.objectContaining({
        reason: "NoMappingRule",
        fix: expect.stringContaining("add a rule"),
      }),
    ]);
    expect(listing.messages).toEqual([
      expect.objectContaining({
        reason: "NoMappingRule",
        employeeId: "E12350",
        attributes: expect.objectContaining({ failureReason: "NoMappingRule" }),
        body: expect.stringContaining('"employeeId":"E12350"'),
      }),
    ]);
  });
});
