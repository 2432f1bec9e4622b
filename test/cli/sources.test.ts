/** `onboard sources import|export|validate|test` against the source table on the local stack. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { startSampleStack } from "../support/local-stack.js";
import { linesOf, onboard, onboardInProcess } from "./support.js";

let stack: LocalStack;
let dir: string;
beforeEach(async () => {
  stack = await startSampleStack();
  dir = mkdtempSync(join(tmpdir(), "onboard-sources-"));
});
afterEach(async () => {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
});

const table = () => ["--table", stack.table.sourceTableName];
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
const shipped = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../events/sources/${name}`, import.meta.url), "utf8"));

describe("sources import and export", () => {
  it("round-trips the shipped mappings through the table, then finds nothing to change", async () => {
    const imported = await onboard(
      ["sources", "import", "events/sources", ...table(), "--json"],
      stack,
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      added: ["bamboohr", "scim", "successfactors", "workday"],
      changed: [],
      written: { puts: 4, deletes: 0 },
    });
    const exported = await onboardInProcess(["sources", "export", ...table()]);
    expect(exported.code).toBe(0);
    const mappings = JSON.parse(exported.stdout);
    expect(mappings.map((m: { sourceId: string }) => m.sourceId)).toEqual([
      "bamboohr",
      "scim",
      "successfactors",
      "workday",
    ]);
    expect(mappings[0]).toEqual(shipped("bamboohr.json"));

    const again = await onboardInProcess([
      "sources",
      "import",
      "events/sources",
      ...table(),
      "--json",
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: [], changed: [], unchanged: 4 });

    const one = file("only-scim.json", [shipped("scim.json")]);
    const pruned = await onboardInProcess([
      "sources",
      "import",
      one,
      ...table(),
      "--prune",
      "--json",
    ]);
    expect(JSON.parse(pruned.stdout)).toMatchObject({
      removed: ["bamboohr", "successfactors", "workday"],
      written: { puts: 0, deletes: 3 },
    });
  });

  it("writes nothing when any mapping is bad, and names the field and position", async () => {
    const bad = {
      ...shipped("bamboohr.json"),
      employee: {
        ...shipped("bamboohr.json").employee,
        workEmail: "$lowercase(fields.`Work Email`",
      },
    };
    const path = file("bad.json", [shipped("scim.json"), bad]);
    const run = await onboardInProcess(["sources", "import", path, ...table()]);
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toEqual([
      `${path} item 2 (sourceId bamboohr): employee.workEmail: syntax error: Expected ")" before end of expression [S0203] (position 30)`,
      `error: ${path}: 1 problem in its source mappings`,
    ]);
    const exported = await onboardInProcess(["sources", "export", ...table()]);
    expect(JSON.parse(exported.stdout)).toEqual([]);
  });
});

describe("sources validate", () => {
  it("compiles every expression of a file and reports each problem with its member", async () => {
    const path = file("mixed.json", [
      { ...shipped("scim.json"), whn: "true" },
      { ...shipped("workday.json"), when: "$contains(x, /(a+)+$/)" },
      shipped("bamboohr.json"),
    ]);
    const run = await onboardInProcess(["sources", "validate", path, "--json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.mappings).toBe(3);
    expect(report.errors.map((e: { message: string }) => e.message)).toEqual([
      "item 1 (sourceId scim): whn: unknown key: did you mean when?",
      expect.stringMatching(
        /^item 2 \(sourceId workday\): when: the regular expression .* \(position 21\)$/,
      ),
    ]);
    const clean = await onboardInProcess(["sources", "validate", "events/sources"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("events/sources: 4 source mappings");
    expect(clean.stdout).toContain("0 errors");
  });

  it("checks the table as the function reads it: an item it would skip is an error", async () => {
    await stack.table.putSources([
      shipped("scim.json"),
      { ...shipped("workday.json"), when: "$exists(Worker_Data" },
    ]);
    const run = await onboard(["sources", "validate", ...table()], stack);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /item workday \(sourceId workday\): the function skips this item: when: syntax error: .*\(position 19\)/,
    );
  });

  it("takes a file or the table, not both", async () => {
    const run = await onboardInProcess(["sources", "validate", "events/sources", ...table()]);
    expect(run.code).toBe(2);
  });
});

describe("sources test", () => {
  it("prints the canonical events a payload becomes", async () => {
    const run = await onboardInProcess([
      "sources",
      "test",
      "events/sources/payloads/bamboohr-webhook.json",
      "--sources",
      "events/sources",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ sourceId: "bamboohr", envelope: "raw", failure: null });
    expect(
      result.events.map(
        (e: { event: { employee: { employeeId: string } } }) => e.event.employee.employeeId,
      ),
    ).toEqual(["B50001", "B50002", "B50003"]);
    expect(result.events[0]).toMatchObject({
      event: {
        eventType: "EmployeeUpdated",
        source: "bamboohr",
        employee: { workEmail: "amara.nwosu@example.com", division: "North America" },
      },
      failure: null,
      plan: null,
    });
  });

  it("with rules and the instance, shows the plan the function would follow for each event", async () => {
    await stack.table.putSources([shipped("scim.json")]);
    const run = await onboard(
      [
        "sources",
        "test",
        "events/sources/payloads/scim-entra-user.json",
        "--source-table",
        stack.table.sourceTableName,
        "--mappings",
        "events/mappings.json",
        "--instance-id",
        stack.connect.instanceId,
        "--json",
      ],
      stack,
    );
    expect(run.code).toBe(0);
    const [tested] = JSON.parse(run.stdout).events;
    expect(tested.plan).toMatchObject({
      winner: { ruleId: "cc-supervisors" },
      failure: null,
      request: {
        Username: "mei.tanaka@example.com",
        IdentityInfo: { FirstName: "Mei", LastName: "Tanaka" },
        Tags: { employeeId: "C60001", managedBy: "connect-onboarding" },
      },
    });
    expect(tested.plan.request.RoutingProfileId).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing was created: a test is a dry run.
    expect(stack.connect.users().some((u) => u.username === "mei.tanaka@example.com")).toBe(false);

    const text = await onboard(
      [
        "sources",
        "test",
        "events/sources/payloads/scim-entra-user.json",
        "--sources",
        "events/sources",
        "--mappings",
        "events/mappings.json",
      ],
      stack,
    );
    expect(text.stdout).toContain("1 event by source mapping scim, raw envelope");
    expect(text.stdout).toContain("Winner: cc-supervisors");
  });

  it("exits 1 and says why when a payload or one of its events would fail", async () => {
    const payload = file("people.json", {
      employees: [
        {
          action: "Updated",
          id: "1",
          timestamp: "2026-11-28T16:00:00+0000",
          fields: { "First Name": "Ana", "Last Name": "Lima" },
        },
      ],
    });
    const run = await onboardInProcess(["sources", "test", payload, "--sources", "events/sources"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "event 1: FAILS with SourceMappingFailed: source bamboohr: employee.workEmail: the expression found nothing in the payload",
    );
    const none = await onboardInProcess([
      "sources",
      "test",
      file("x.json", { hello: 1 }),
      "--sources",
      "events/sources",
    ]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("FAILS with InvalidEvent: eventType: is required");
  });

  it("needs the source mappings, and the rules when asked for the plan", async () => {
    expect(
      (await onboardInProcess(["sources", "test", "events/sources/payloads/scim-okta-user.json"]))
        .code,
    ).toBe(2);
    const noRules = await onboardInProcess([
      "sources",
      "test",
      "events/sources/payloads/scim-okta-user.json",
      "--sources",
      "events/sources",
      "--instance-id",
      "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10",
    ]);
    expect(noRules.code).toBe(2);
    expect(noRules.stderr).toContain("give the rules too");
  });
});
