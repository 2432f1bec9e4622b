/**
 * Input an attacker or a careless operator would send, through the whole local stack over HTTP
 * (issue 10): each case was reproduced here before its fix.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { peekMessages } from "../../shared/queue-tools.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 1, timeoutMs: 10_000, drainTimeoutMs: 60_000 };

let stack: LocalStack | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  stack = undefined;
});

const careRule = () => sampleRules().find((r) => r.ruleId === "cc-agents");

describe("hostile wildcard rules", () => {
  it("matches a hostile pattern against a long value without stalling the environment", async () => {
    // With the old backtracking regex, the first rule alone blocked the event loop for hours.
    stack = await startSampleStack({
      rules: [
        { ...careRule(), ruleId: "hostile", priority: 90, match: { jobTitle: "*a*a*a*a*a*a*b" } },
        {
          ...careRule(),
          ruleId: "long-titles",
          priority: 50,
          match: { jobTitle: "*a*a*a*a*a*a*" },
        },
      ] as never,
    });
    const report = await runPipeline(
      stack,
      [
        hireBody({
          employeeId: "E-long",
          workEmail: "long@example.com",
          jobTitle: "a".repeat(256),
        }),
        hireBody({
          employeeId: "E-b",
          workEmail: "b@example.com",
          jobTitle: `${"a".repeat(255)}b`,
        }),
      ],
      FAST,
    );
    expect(report.deadLetters).toEqual([]);
    const ruleOf = (employeeId: string) =>
      stack?.eventBridge.events().find((e) => e.detail.employeeId === employeeId)?.detail.ruleId;
    expect(ruleOf("E-long")).toBe("long-titles");
    expect(ruleOf("E-b")).toBe("hostile");
  });
});

/** SendMessage's allowed characters for attribute values: what SQS on AWS would take. */
const SQS_ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe("failures SQS could not carry", () => {
  it("parks a failure quoting U+FFFF with attributes SQS accepts, read back exactly", async () => {
    stack = await startSampleStack();
    // A JSON escape is plain ASCII on the wire: the body itself is fine for SQS.
    const body = hireBody({ employeeId: "E-ffff" }).replace(
      '"eventType":"EmployeeHired"',
      '"eventType":"EmployeeHired\\uffff"',
    );
    const report = await runPipeline(stack, [body], FAST);
    expect(report.deadLetters.map((l) => [l.reason, l.message])).toEqual([
      [
        "UnsupportedEventType",
        'eventType "EmployeeHired\uFFFF" is not one of EmployeeHired, EmployeeRehired, EmployeeUpdated, EmployeeTerminated, EmployeeTerminationRescinded',
      ],
    ]);
    const [letter] = await peekMessages(stack.sqs, stack.queues.dlqUrl);
    for (const value of Object.values(letter?.attributes ?? {})) expect(value).toMatch(SQS_ALLOWED);
    expect(letter?.attributes.failureMessage).toBe(
      'eventType "EmployeeHired\\uFFFF" is not one of EmployeeHired, EmployeeRehired, EmployeeUpdated, EmployeeTerminated, EmployeeTerminationRescinded',
    );
  });

  it.each([
    ["firstName", "\\uffff", "U+FFFF"],
    ["lastName", "\\ud800", "U+D800"],
    ["preferredFirstName", "\\ufffe", "U+FFFE"],
    ["department", "\\udc00", "U+DC00"],
  ])("rejects %s holding %s as InvalidEvent naming the field", async (field, jsonEscape, code) => {
    stack = await startSampleStack();
    const body = hireBody({ employeeId: "E-bad", [field]: "Jo@@se" }).replace("@@", jsonEscape);
    const report = await runPipeline(stack, [body], FAST);
    expect(report.deadLetters).toHaveLength(1);
    const [letter] = report.deadLetters;
    expect(letter?.reason).toBe("InvalidEvent");
    expect(letter?.message).toContain(`employee.${field}: contains ${code}`);
    expect(letter?.message).not.toContain("Jo");
    expect(stack.connect.users().filter((u) => u.tags.employeeId === "E-bad")).toEqual([]);
  });
});

describe("invisible characters in names (DESIGN section 2)", () => {
  it.each([
    ["firstName", "\u202E", "U+202E"],
    ["lastName", "\u200B", "U+200B"],
    ["firstName", "\uFEFF", "U+FEFF"],
    ["lastName", "\u2028", "U+2028"],
    ["jobTitle", "\u2029", "U+2029"],
  ])(
    "a hire with %s holding %s is InvalidEvent, never a Connect user",
    async (field, char, code) => {
      stack = await startSampleStack();
      const report = await runPipeline(
        stack,
        [
          hireBody({ employeeId: "E-inv", [field]: `Jo${char}se` }),
          hireBody({ employeeId: "E-ok", workEmail: "ok@example.com" }),
        ],
        FAST,
      );
      expect(report.deadLetters.map((l) => l.reason)).toEqual(["InvalidEvent"]);
      expect(report.deadLetters[0]?.message).toBe(
        `employee.${field}: contains ${code}, ${code === "U+2028" || code === "U+2029" ? "a line or paragraph separator" : "an invisible formatting character"}`,
      );
      expect(stack.connect.users().map((u) => u.tags.employeeId)).toContain("E-ok");
      expect(stack.connect.users().map((u) => u.tags.employeeId)).not.toContain("E-inv");
    },
  );

  it("provisions a Persian name with a zero-width non-joiner and an emoji ZWJ sequence", async () => {
    stack = await startSampleStack();
    const firstName = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
    const lastName = "Rahimi \u{1F469}\u200D\u{1F4BB}";
    const report = await runPipeline(
      stack,
      // Emoji as JSON escapes: fauxqs refuses raw astral characters, which SQS takes.
      [
        hireBody({ employeeId: "E-fa", workEmail: "fa@example.com", firstName, lastName }).replace(
          /[\u{10000}-\u{10FFFF}]/gu,
          escapeUtf16,
        ),
      ],
      FAST,
    );
    expect(report.deadLetters).toEqual([]);
    const user = stack.connect.users().find((u) => u.tags.employeeId === "E-fa");
    expect(user?.identityInfo).toMatchObject({ FirstName: firstName, LastName: lastName });
  });
});

const escapeUtf16 = (text: string): string =>
  Array.from({ length: text.length }, (_, i) => `\\u${text.charCodeAt(i).toString(16)}`).join("");

describe("usernames (DESIGN section 4a)", () => {
  it("never alters an email used as the username: one Connect would refuse is InvalidUsername", async () => {
    stack = await startSampleStack();
    const long = `${"b".repeat(63)}@example.com`;
    const report = await runPipeline(
      stack,
      [
        hireBody({ employeeId: "E-plus", workEmail: "jo+hr@example.com" }),
        hireBody({ employeeId: "E-long", workEmail: long }),
        hireBody({ employeeId: "E-ok", workEmail: "Jo.HR@Example.com" }),
      ],
      FAST,
    );
    expect(report.deadLetters.map((l) => l.reason)).toEqual(["InvalidUsername", "InvalidUsername"]);
    expect(report.deadLetters.map((l) => l.message).join("\n")).not.toMatch(/jo\+hr|bbbb/);
    expect(stack.connect.users().map((u) => u.username)).toContain("jo.hr@example.com");
    expect(stack.connect.users().map((u) => u.username)).not.toContain("johr@example.com");
    const failed = stack.eventBridge
      .events()
      .filter((e) => e.detailType === "Connect User Provisioning Failed")
      .map((e) => e.detail.reason);
    expect(failed).toEqual(["InvalidUsername", "InvalidUsername"]);
  });

  it("refuses a template that leaves no letter or digit, rather than giving everyone '.'", async () => {
    stack = await startSampleStack({
      functionEnv: { USERNAME_TEMPLATE: "{firstName}.{lastName}" },
    });
    const report = await runPipeline(
      stack,
      [
        hireBody({ employeeId: "E-ru", firstName: "Иван", lastName: "Петров" }),
        hireBody({
          employeeId: "E-ja",
          firstName: "太郎",
          lastName: "山田",
          workEmail: "t@example.com",
        }),
      ],
      FAST,
    );
    expect(report.deadLetters.map((l) => l.reason)).toEqual(["InvalidUsername", "InvalidUsername"]);
    expect(report.deadLetters[0]?.message).toContain(
      '"{firstName}.{lastName}" leaves no letter or digit of firstName, lastName',
    );
    expect(stack.connect.users().map((u) => u.username)).not.toContain(".");
  });
});

describe("strict rules in the table (DESIGN section 3)", () => {
  it("skips an item with a misspelt key with a WARN naming it, rather than dropping the setting", async () => {
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown) => {
        lines.push(String(chunk));
        return true;
      }) as typeof stream.write);
    }
    const { hierarchyGroup, ...withoutGroup } = careRule() as NonNullable<
      ReturnType<typeof careRule>
    >;
    stack = await startSampleStack({
      rules: [{ ...withoutGroup, hierachyGroup: hierarchyGroup } as never],
      functionEnv: { POWERTOOLS_LOG_LEVEL: "WARN" },
    });
    const report = await runPipeline(stack, [hireBody({ employeeId: "E-typo" })], FAST);
    vi.restoreAllMocks();
    // Without the rule, the hire is parked: it never gets a user without its hierarchy group.
    expect(report.deadLetters.map((l) => l.reason)).toEqual(["NoMappingRule"]);
    expect(stack.connect.users().map((u) => u.tags.employeeId)).not.toContain("E-typo");
    const warning = lines
      .flatMap((chunk) => chunk.split("\n"))
      .filter((line) => line.includes("Skipping an invalid mapping rule"))
      .map((line) => JSON.parse(line));
    expect(warning[0]).toMatchObject({
      level: "WARN",
      ruleId: "cc-agents",
      problem: 'hierachyGroup is not a known key; did you mean "hierarchyGroup"?',
    });
  });
});

describe("forbidden security profiles (DESIGN section 3)", () => {
  const ADMIN = "7a6b5c4d-0002-4e3f-9a8b-200000000001";

  it.each([
    ["its name", () => "Admin"],
    ["its ID", () => ADMIN],
    [
      "its ARN",
      () =>
        `arn:aws:connect:us-east-1:123456789012:instance/${stack?.connect.instanceId}/security-profile/${ADMIN}`,
    ],
  ])(
    "parks a hire whose rule in the table grants Admin by %s as ForbiddenProfile",
    async (_, ref) => {
      stack = await startSampleStack({ rules: [] });
      await stack.table.putRules([{ ...careRule(), securityProfiles: ["Agent", ref()] }]);
      const report = await runPipeline(stack, [hireBody({ employeeId: "E-adm" })], FAST);
      expect(report.deadLetters.map((l) => l.reason)).toEqual(["ForbiddenProfile"]);
      expect(report.deadLetters[0]?.message).toContain("forbidden by FORBIDDEN_SECURITY_PROFILES");
      expect(stack.connect.users().map((u) => u.tags.employeeId)).not.toContain("E-adm");
      const failed = stack.eventBridge
        .events()
        .filter((e) => e.detailType === "Connect User Provisioning Failed");
      expect(failed.map((e) => e.detail.reason)).toEqual(["ForbiddenProfile"]);
    },
  );

  it("forbids what FORBIDDEN_SECURITY_PROFILES lists instead of Admin", async () => {
    stack = await startSampleStack({
      rules: [],
      functionEnv: { FORBIDDEN_SECURITY_PROFILES: "CallCenterManager" },
    });
    await stack.table.putRules([
      {
        ...careRule(),
        ruleId: "managers",
        priority: 5,
        match: { jobTitle: "Manager" },
        securityProfiles: ["7a6b5c4d-0002-4e3f-9a8b-200000000003"],
      },
      { ...careRule(), ruleId: "admins", securityProfiles: ["Admin"] },
    ]);
    const report = await runPipeline(
      stack,
      [
        hireBody({ employeeId: "E-mgr", jobTitle: "Manager" }),
        hireBody({ employeeId: "E-adm", workEmail: "adm@example.com" }),
      ],
      FAST,
    );
    expect(report.deadLetters.map((l) => l.reason)).toEqual(["ForbiddenProfile"]);
    expect(stack.connect.users().map((u) => u.tags.employeeId)).toContain("E-adm");
  });
});
