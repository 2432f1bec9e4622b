/**
 * Source mappings over the local stack (docs/sources.md): the shipped mappings in the source
 * table, their vendors' payloads on the queue, the real handler reading them, and what
 * Connect, EventBridge and the DLQ end up with.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readSourceMappings } from "../../local/inputs.js";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import type { MappingRule } from "../../shared/domain/mapping-rule.js";
import type { SourceMapping } from "../../shared/domain/source-mapping.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleRules, startSampleStack } from "../support/local-stack.js";

const FAST = { consumers: 2, timeoutMs: 10_000, drainTimeoutMs: 60_000 };

let shipped: SourceMapping[] = [];
beforeAll(async () => {
  shipped = await readSourceMappings("events/sources");
});

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const payload = (name: string): string =>
  JSON.stringify(
    JSON.parse(
      readFileSync(new URL(`../../events/sources/payloads/${name}`, import.meta.url), "utf8"),
    ),
  );

const created = (s: LocalStack) =>
  s.eventBridge.events().filter((e) => e.detailType === "Connect User Created");
const userNamed = (s: LocalStack, username: string) =>
  s.connect.users().filter((u) => u.username === username);

describe("the shipped source mappings on the local stack", () => {
  it("turn each vendor's sample payload into the expected users", async () => {
    stack = await startSampleStack({ sources: shipped });
    const report = await runPipeline(
      stack,
      [
        "workday-worker.json",
        "successfactors-perperson.json",
        "bamboohr-webhook.json",
        "scim-entra-user.json",
        "scim-okta-user.json",
      ].map(payload),
      FAST,
    );
    expect(report.deadLetters).toEqual([]);
    const expected = [
      ["lucia.fernandez@example.com", "W30001", "cc-austin-agents", "Lucía", "workday"],
      ["tomasz.kowalski@example.com", "S40001", "cc-agents", "Tomek", "successfactors"],
      ["amara.nwosu@example.com", "B50001", "cc-austin-agents", "Amara", "bamboohr"],
      ["henrik.lund@example.com", "B50002", "cc-supervisors", "Henrik", "bamboohr"],
      ["chiara.russo@example.com", "B50003", "sales-desk", "Chiara", "bamboohr"],
      ["mei.tanaka@example.com", "C60001", "cc-supervisors", "Mei", "scim"],
      ["rafael.souza@example.com", "C60002", "cc-austin-agents", "Rafael", "scim"],
    ] as const;
    for (const [username, employeeId, ruleId, firstName, source] of expected) {
      const users = userNamed(stack, username);
      expect(users).toHaveLength(1);
      expect(users[0]?.tags).toMatchObject({ employeeId, managedBy: "connect-onboarding" });
      expect(users[0]?.identityInfo.FirstName).toBe(firstName);
      const event = created(stack).find((e) => e.detail.employeeId === employeeId);
      expect(event?.detail).toMatchObject({ ruleId, outcome: "CREATED", userId: users[0]?.id });
      expect(String(event?.detail.sourceEventId)).toMatch(
        source === "workday"
          ? /^wd-/
          : source === "successfactors"
            ? /^sf-/
            : new RegExp(`^${source}-`),
      );
    }
    expect(userNamed(stack, "chiara.russo@example.com")[0]?.phoneConfig).toMatchObject({
      PhoneType: "DESK_PHONE",
      DeskPhoneNumber: "+15125550133",
    });
  }, 90_000);

  it("reads a SCIM deactivation as a termination: the employee's user is deleted", async () => {
    stack = await startSampleStack({
      sources: shipped,
      // One employee: the default 20 % of one allows no removal.
      functionEnv: { REMOVAL_THRESHOLD_PERCENT: "100" },
    });
    await runPipeline(
      stack,
      [
        JSON.stringify({
          eventType: "EmployeeHired",
          eventId: "hire-C60001",
          occurredAt: "2026-11-28T10:00:00Z",
          employee: {
            employeeId: "C60001",
            firstName: "Mei",
            lastName: "Tanaka",
            workEmail: "mei.tanaka@example.com",
            department: "Customer Care",
          },
        }),
      ],
      FAST,
    );
    expect(stack.connect.users().filter((u) => u.tags.employeeId === "C60001")).toHaveLength(1);
    const body = JSON.stringify(
      JSON.parse(
        readFileSync(
          new URL("../../events/sources/leavers/scim-deactivated-user.json", import.meta.url),
          "utf8",
        ),
      ),
    );
    const report = await runPipeline(stack, [body], FAST);
    expect(report.deadLetters).toEqual([]);
    expect(stack.connect.users().filter((u) => u.tags.employeeId === "C60001")).toEqual([]);
    expect(
      report.published.filter((event) => event.detailType === "Connect User Removed"),
    ).toMatchObject([
      {
        detail: {
          employeeId: "C60001",
          action: "DELETED",
          sourceEventId: expect.stringMatching(/^scim-/),
        },
      },
    ]);
  }, 60_000);
});

/** A mapping for an in-house shape whose department expression a test chooses. */
const rosterMapping = (department: string, workEmail = "$lowercase(mail)"): SourceMapping => ({
  sourceId: "roster",
  when: "$exists(roster)",
  each: "roster",
  eventType: "'EmployeeHired'",
  eventId: "'roster-' & id",
  employee: { employeeId: "id", firstName: "first", lastName: "last", workEmail, department },
});

const roster = (...ids: string[]) =>
  JSON.stringify({
    roster: ids.map((id) => ({
      id,
      first: "Ana",
      last: `Lima ${id}`,
      mail: `ana.${id.toLowerCase()}@example.com`,
      dept: "Customer Care",
    })),
  });

describe("bad mappings on the local stack: a reason code, and nothing lost", () => {
  it("a hostile expression parks its records while the batch's other records are provisioned", async () => {
    const hostile: SourceMapping = {
      sourceId: "hostile",
      when: "$exists(hostile)",
      eventType: "($f := function($n){ $f($n + 1) }; $f(0))",
      eventId: "id",
      employee: {
        employeeId: "id",
        firstName: "($f := function($n){ 1 + $f($n + 1) }; $f(0))",
        lastName: "$string($sum([1..10000000]))",
        workEmail: "($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f('x', 40))",
      },
    };
    stack = await startSampleStack({ sources: [...shipped, hostile, rosterMapping("dept")] });
    const hostileBodies = ["H1", "H2", "H3"].map((id) => JSON.stringify({ hostile: true, id }));
    const good = [
      hireBody({ employeeId: "E-G1", workEmail: "g1@example.com" }),
      roster("R1", "R2"),
      payload("workday-worker.json"),
      hireBody({ employeeId: "E-G2", workEmail: "g2@example.com" }),
    ];
    // Interleaved, so the hostile records share batches with the good ones.
    const bodies = [
      good[0],
      hostileBodies[0],
      good[1],
      hostileBodies[1],
      good[2],
      hostileBodies[2],
      good[3],
    ] as string[];
    const report = await runPipeline(stack, bodies, FAST);

    expect(report.deadLetters.map((l) => l.reason)).toEqual([
      "SourceMappingFailed",
      "SourceMappingFailed",
      "SourceMappingFailed",
    ]);
    expect(report.deadLetters.map((l) => l.body).sort()).toEqual([...hostileBodies].sort());
    for (const letter of report.deadLetters) {
      expect(letter.message).toMatch(/^source hostile: eventType: .*timeout/i);
    }
    for (const employeeId of ["E-G1", "E-G2", "R1", "R2", "W30001"]) {
      expect(created(stack).filter((e) => e.detail.employeeId === employeeId)).toHaveLength(1);
    }
    expect(report.stats).toMatchObject({ received: 7, created: 5, failed: 3 });
  }, 90_000);

  it("a field missing in the payload parks the record naming the event; a replay after the fix is safe", async () => {
    stack = await startSampleStack({
      sources: [rosterMapping("dept")],
      functionEnv: { MAPPING_CACHE_TTL_SECONDS: "0" },
    });
    const body = JSON.stringify({
      roster: [
        { id: "M1", first: "Ana", last: "Lima", mail: "ana.m1@example.com", dept: "Customer Care" },
        {
          id: "M2",
          first: "Wei",
          last: "Chen",
          email: "wei.m2@example.com",
          dept: "Customer Care",
        },
        {
          id: "M3",
          first: "Ola",
          last: "Nordmann",
          mail: "ola.m3@example.com",
          dept: "Customer Care",
        },
      ],
    });
    const first = await runPipeline(stack, [body], FAST);
    expect(first.deadLetters).toEqual([
      {
        body,
        reason: "SourceMappingFailed",
        message:
          "event 2 of 3 (roster-M2): source roster: employee.workEmail: the expression found nothing in the payload",
      },
    ]);
    expect(stack.connect.users().filter((u) => u.tags.employeeId?.startsWith("M"))).toHaveLength(2);

    // The operator fixes the mapping, then replays the parked body as it was.
    await stack.table.putSources([{ ...rosterMapping("dept", "$lowercase(mail ? mail : email)") }]);
    const replay = await runPipeline(stack, [body], FAST);
    expect(replay.deadLetters).toHaveLength(1); // the first run's letter, still on the DLQ
    const users = stack.connect.users().filter((u) => u.tags.employeeId?.startsWith("M"));
    expect(users.map((u) => u.tags.employeeId).sort()).toEqual(["M1", "M2", "M3"]);
    const outcomes = created(stack)
      .filter((e) => String(e.detail.employeeId).startsWith("M"))
      .map((e) => `${e.detail.employeeId}:${e.detail.outcome}`)
      .sort();
    expect(outcomes).toEqual([
      "M1:ALREADY_EXISTED",
      "M1:CREATED",
      "M2:CREATED",
      "M3:ALREADY_EXISTED",
      "M3:CREATED",
    ]);
  }, 90_000);

  it("a mistyped result and a mapping that does not compile each end with their reason", async () => {
    const mistyped = {
      ...rosterMapping("$count(roster)"),
      sourceId: "mistyped",
      when: "$exists(mistyped)",
      each: "mistyped",
    };
    // Written past the CLI (which refuses it), straight into the table: the function skips it.
    const broken = { ...rosterMapping("dept"), sourceId: "broken", when: "$exists(broken" };
    stack = await startSampleStack({ sources: [rosterMapping("dept")] });
    await stack.table.putSources([mistyped, broken]);
    const mistypedBody = JSON.stringify({
      mistyped: [{ id: "T1", first: "A", last: "B", mail: "t1@example.com", roster: [1, 2] }],
    });
    const brokenBody = JSON.stringify({ broken: [{ id: "X1" }] });
    const report = await runPipeline(stack, [mistypedBody, brokenBody, roster("OK1")], FAST);
    const byBody = new Map(report.deadLetters.map((l) => [l.body, l]));
    expect(byBody.get(mistypedBody)).toMatchObject({
      reason: "SourceMappingFailed",
      message:
        "source mistyped: employee.department: gave a number where text is needed (use $string())",
    });
    // No mapping recognises the payload, so it is read as a canonical body, which it is not.
    expect(byBody.get(brokenBody)).toMatchObject({ reason: "InvalidEvent" });
    expect(created(stack).map((e) => e.detail.employeeId)).toEqual(["OK1"]);
  }, 90_000);
});

describe("a mapping written from docs/sources.md alone, for an in-house HRIS shape", () => {
  const fixture = (name: string) =>
    readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

  it("provisions every employee of the feed, and a rule matches its custom attribute", async () => {
    const [peoplewise] = await readSourceMappings(
      fileURLToPath(new URL("./fixtures/peoplewise-mapping.json", import.meta.url)),
    );
    const bandRule = {
      ...sampleRules().find((rule) => rule.ruleId === "cc-supervisors"),
      ruleId: "pw-band-c1",
      priority: 30,
      match: { department: "Customer Care", payBand: "C1" },
      hierarchyGroup: "Remote Team",
    } as MappingRule;
    stack = await startSampleStack({
      sources: [...shipped, peoplewise as SourceMapping],
      rules: [...sampleRules(), bandRule],
    });
    const body = JSON.stringify(JSON.parse(fixture("peoplewise-changes.json")));
    const report = await runPipeline(stack, [body], FAST);

    expect(report.deadLetters).toEqual([]);
    const [zoe] = userNamed(stack, "zoe.vanderberg@example.com");
    expect(zoe?.identityInfo).toMatchObject({ FirstName: "Zo", LastName: "Van der Berg" });
    expect(zoe?.identityInfo.Mobile).toBe("+14155550190");
    expect(zoe?.tags.employeeId).toBe("88123");
    const zoeEvent = created(stack).find((e) => e.detail.employeeId === "88123");
    expect(zoeEvent?.detail).toMatchObject({
      ruleId: "cc-austin-agents",
      sourceEventId: "pw-88123-PW-20261128-0930",
    });
    const kwame = created(stack).find((e) => e.detail.employeeId === "88124");
    expect(kwame?.detail).toMatchObject({ ruleId: "pw-band-c1", outcome: "CREATED" });
    expect(userNamed(stack, "kwame.mensah@example.com")).toHaveLength(1);
  }, 90_000);
});
