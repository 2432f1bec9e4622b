/**
 * `onboard plan` on every sample hire, against the mapping table and the emulated instance;
 * then the real pipeline runs the same hires, and each plan must have told what happened.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PipelineReport, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { temporaryDirectory } from "../support/temp-dir.js";
import { onboard, onboardInProcess } from "./support.js";

interface Plan {
  event: { eventId: string; employee: Record<string, string> } | null;
  action: "CREATE" | "ADOPT" | "UPDATE" | "UNCHANGED" | "STALE" | null;
  userId: string | null;
  changes: { aspect: string }[];
  matches: { ruleId: string; priority: number; specificity: number }[];
  winner: { ruleId: string } | null;
  request: (Record<string, unknown> & { Tags?: Record<string, string> }) | null;
  failure: { reason: string; message: string } | null;
}

const IDS = {
  routing: "8f1e2d3c-0001-4a5b-8c7d-10000000000",
  security: "7a6b5c4d-0002-4e3f-9a8b-20000000000",
  hierarchy: "3c2b1a09-0003-4d5e-8f7a-30000000000",
};

let stack: LocalStack;
const plans = new Map<string, { code: number | null; plans: Plan[] }>();
/** The rehire's plan in words, made before the pipeline brings the user in line. */
let rehirePlanText = "";

beforeAll(async () => {
  stack = await startSampleStack();
  const args = [
    "--table",
    stack.table.tableName,
    "--instance-id",
    stack.connect.instanceId,
    "--json",
  ];
  // Planned as processes, all three at once, before anything runs: a plan must write nothing.
  await Promise.all(
    ["01-new-hires.json", "02-needs-attention.json", "03-malformed.jsonl"].map(async (name) => {
      const run = await onboard(["plan", `events/hires/${name}`, ...args], stack);
      expect(run.stderr).toBe("");
      plans.set(name, { code: run.code, plans: JSON.parse(run.stdout) });
    }),
  );
  const rehire = await onboardInProcess([
    "plan",
    "events/hires/01-new-hires.json",
    "--item",
    "5",
    ...args.slice(0, -1),
  ]);
  expect(rehire.code).toBe(0);
  rehirePlanText = rehire.stdout;
}, 30_000);
afterAll(async () => {
  await stack?.stop();
});

const planOf = (name: string) => plans.get(name) as { code: number | null; plans: Plan[] };

describe("onboard plan on the sample hires", () => {
  it("gives each new hire its rule and the exact CreateUser request", () => {
    const { code, plans: result } = planOf("01-new-hires.json");
    expect(code).toBe(0);
    expect(result.map((plan) => plan.winner?.ruleId)).toEqual([
      "cc-austin-agents",
      "cc-agents",
      "cc-supervisors",
      "sales-desk",
      "cc-agents",
    ]);
    expect(result.every((plan) => plan.failure === null)).toBe(true);
    const [jose] = result as [Plan];
    expect(jose.matches).toEqual([
      { ruleId: "cc-austin-agents", priority: 10, specificity: 3 },
      { ruleId: "cc-agents", priority: 0, specificity: 1 },
    ]);
    expect(jose.event?.employee).toMatchObject({
      employeeId: "E12345",
      department: "Customer Care",
    });
    expect(jose.request).toEqual({
      InstanceId: stack.connect.instanceId,
      Username: "jose.nunez@example.com",
      IdentityInfo: {
        FirstName: "Pepe",
        LastName: "Núñez",
        Email: "jose.nunez@example.com",
        Mobile: "+14155550100",
      },
      PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 30 },
      SecurityProfileIds: [`${IDS.security}2`, `${IDS.security}4`],
      RoutingProfileId: `${IDS.routing}2`,
      HierarchyGroupId: `${IDS.hierarchy}1`,
      Tags: { costCenter: "CC-100", employeeId: "E12345", managedBy: "connect-onboarding" },
    });
    expect(result[3]?.request?.PhoneConfig).toEqual({
      PhoneType: "DESK_PHONE",
      AutoAccept: false,
      AfterContactWorkTimeLimit: 15,
      DeskPhoneNumber: "+15125550199",
    });
  });

  it("gives each hire needing attention the failure it would be parked with", () => {
    const { code, plans: result } = planOf("02-needs-attention.json");
    expect(code).toBe(1);
    expect(result.map((plan) => [plan.winner?.ruleId ?? null, plan.failure?.reason])).toEqual([
      ["sales-desk", "MissingDeskPhone"],
      [null, "NoMappingRule"],
      ["quality-auditors", "ProfileNotFound"],
      ["cc-agents", "UsernameTaken"],
    ]);
    expect(result.every((plan) => plan.request === null)).toBe(true);
    expect(result[1]?.matches).toEqual([]);
  });

  it("gives each malformed body its parse failure", () => {
    const { code, plans: result } = planOf("03-malformed.jsonl");
    expect(code).toBe(1);
    expect(result.map((plan) => plan.failure?.reason)).toEqual([
      "UnsupportedEventType",
      "InvalidEvent",
      "InvalidJson",
    ]);
    expect(result.map((plan) => plan.event)).toEqual([null, null, null]);
  });

  it("told exactly what the function then did with every one of them", async () => {
    const bodies = ["01-new-hires.json", "02-needs-attention.json"]
      .flatMap((name) => JSON.parse(readFileSync(`events/hires/${name}`, "utf8")) as unknown[])
      .map((body) => JSON.stringify(body));
    bodies.push(
      ...readFileSync("events/hires/03-malformed.jsonl", "utf8").split("\n").filter(Boolean),
    );
    const report = await runPipeline(stack, bodies, { consumers: 2, timeoutMs: 5_000 });
    const planned = ["01-new-hires.json", "02-needs-attention.json", "03-malformed.jsonl"].flatMap(
      (name) => planOf(name).plans,
    );
    expect(planned).toHaveLength(bodies.length);
    bodies.forEach((body, i) => {
      const plan = planned[i] as Plan;
      if (plan.failure) {
        expect(deadLetterOf(report, body)).toEqual(plan.failure);
        return;
      }
      const employeeId = plan.event?.employee.employeeId;
      const announced = report.published.find((event) => event.detail.employeeId === employeeId);
      expect(announced?.detail).toMatchObject({ ruleId: plan.winner?.ruleId });
      if (plan.action === "CREATE") {
        expect(announced?.detail).toMatchObject({
          outcome: "CREATED",
          username: plan.request?.Username,
        });
        expect(userOf(report, plan.request?.Username)).toEqual(expectedUser(plan));
        return;
      }
      // The employee's user exists (the rehire): the function adopts it and applies the plan.
      expect(announced?.detail).toMatchObject({ outcome: "ALREADY_EXISTED", userId: plan.userId });
    });
    const after = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "5",
      "--table",
      stack.table.tableName,
      "--instance-id",
      stack.connect.instanceId,
    ]);
    expect(after.stdout).toMatch(
      /Outcome: UNCHANGED: user 0e9d8c7b-0004-4a3b-9c2d-400000000001 already matches/,
    );
  }, 30_000);
});

const deadLetterOf = (report: PipelineReport, body: string) => {
  const letter = report.deadLetters.find((candidate) => candidate.body === body);
  return letter && { reason: letter.reason, message: letter.message };
};

const userOf = (report: PipelineReport, username: unknown) => {
  const user = report.users.find((candidate) => candidate.username === username);
  return (
    user && {
      identityInfo: user.identityInfo,
      phoneConfig: user.phoneConfig,
      routingProfileId: user.routingProfileId,
      securityProfileIds: user.securityProfileIds,
      hierarchyGroupId: user.hierarchyGroupId,
      employeeId: user.tags.employeeId,
    }
  );
};

const expectedUser = (plan: Plan) => {
  const request = plan.request as Record<string, unknown> & { Tags: Record<string, string> };
  return {
    identityInfo: request.IdentityInfo,
    phoneConfig: request.PhoneConfig,
    routingProfileId: request.RoutingProfileId,
    securityProfileIds: request.SecurityProfileIds,
    hierarchyGroupId: request.HierarchyGroupId ?? null,
    employeeId: request.Tags.employeeId,
  };
};

describe("onboard plan options", () => {
  it("never shows a password for CONNECT_MANAGED, and follows the username template", async () => {
    const run = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "1",
      "--mappings",
      "events/mappings.json",
      "--identity-management-type",
      "connect_managed",
      "--username-template",
      "{firstName}.{lastName}",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as Plan;
    expect(plan.request).toMatchObject({
      Username: "jose.nunez",
      Password: "<generated at provisioning>",
    });
    const human = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "1",
      "--mappings",
      "events/mappings.json",
      "--identity-management-type",
      "CONNECT_MANAGED",
      "--username-template",
      "{employeeId}",
    ]);
    expect(human.stdout).toContain('"Password": "<generated at provisioning>"');
  });

  it("fails with InvalidUsername where the default {workEmail} is too long for the instance type", async () => {
    const run = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "1",
      "--mappings",
      "events/mappings.json",
      "--identity-management-type",
      "CONNECT_MANAGED",
      "--json",
    ]);
    expect(run.code).toBe(1);
    const plan = JSON.parse(run.stdout) as Plan;
    expect(plan.request).toBeNull();
    expect(plan.failure?.reason).toBe("InvalidUsername");
    expect(plan.failure?.message).toContain(
      "it is 22 characters, and CONNECT_MANAGED instances take usernames of at most 20",
    );
    const human = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "1",
      "--mappings",
      "events/mappings.json",
      "--identity-management-type",
      "CONNECT_MANAGED",
    ]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("InvalidUsername");
    expect(human.stdout).not.toContain("Password");
  });

  it("fails with ForbiddenProfile where the winning rule grants Admin by its ID", async () => {
    const dir = mkdtempSync(join(tmpdir(), "onboard-plan-"));
    try {
      const rules = join(dir, "admin.json");
      writeFileSync(
        rules,
        JSON.stringify([
          {
            ruleId: "admin-by-id",
            routingProfile: "Customer Care Routing",
            securityProfiles: [`${IDS.security}1`],
          },
        ]),
      );
      const args = ["plan", "events/hires/01-new-hires.json", "--item", "1", "--mappings", rules];
      const online = await onboardInProcess([
        ...args,
        "--instance-id",
        stack.connect.instanceId,
        "--json",
      ]);
      expect(online.code).toBe(1);
      expect((JSON.parse(online.stdout) as Plan).failure).toEqual({
        reason: "ForbiddenProfile",
        message: `security profile "${IDS.security}1" in rule admin-by-id is Admin, which is forbidden by FORBIDDEN_SECURITY_PROFILES; no rule may grant it`,
      });
      // Offline, an ID cannot be told from another: only the instance knows it is Admin.
      const offline = await onboardInProcess([...args, "--json"]);
      expect((JSON.parse(offline.stdout) as Plan).failure).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says when the hire's user already exists, and what the function would change on it", () => {
    const rehire = planOf("01-new-hires.json").plans[4];
    expect(rehire).toMatchObject({
      action: "UPDATE",
      userId: "0e9d8c7b-0004-4a3b-9c2d-400000000001",
    });
    expect(rehire?.changes.map((change) => change.aspect)).toEqual(["phoneConfig", "tags"]);
    expect(rehirePlanText).toMatch(
      /Outcome: UPDATE user 0e9d8c7b-0004-4a3b-9c2d-400000000001: 2 change\(s\)/,
    );
  });

  it("with --ledger-table tells a stale event first, as the function does, before any rule", async () => {
    const employee = { employeeId: "ST-1", workEmail: "stale.one@example.com" };
    await runPipeline(
      stack,
      [
        hireBody(employee),
        hireBody(employee, {
          eventType: "EmployeeUpdated",
          eventId: "st-1-new",
          occurredAt: "2026-11-30T10:00:00Z",
        }),
      ],
      { consumers: 1, timeoutMs: 5_000 },
    );
    const dir = temporaryDirectory("plan-stale");
    const late = join(dir, "late.json");
    // Older than the update applied, and for a department no rule covers.
    writeFileSync(
      late,
      hireBody(
        { ...employee, department: "Finance" },
        { eventType: "EmployeeUpdated", eventId: "st-1-old", occurredAt: "2026-11-29T10:00:00Z" },
      ),
    );
    const args = ["plan", late, "--table", stack.table.tableName];
    const instance = ["--instance-id", stack.connect.instanceId];
    const versioned = await onboardInProcess([
      ...args,
      ...instance,
      "--ledger-table",
      stack.table.ledgerTableName,
    ]);
    expect(versioned.code).toBe(0);
    expect(versioned.stdout).toMatch(
      /Outcome: STALE: a newer version of this employee was applied already; nothing changes/,
    );
    // Without the ledger the event is judged on its own: no rule for Finance.
    const unversioned = await onboardInProcess([...args, ...instance, "--json"]);
    expect((JSON.parse(unversioned.stdout) as Plan).failure?.reason).toBe("NoMappingRule");
  });

  it("without --instance-id resolves nothing and says so", async () => {
    const run = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--item",
      "2",
      "--mappings",
      "events/mappings.csv",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Profiles (names resolve only with --instance-id):");
    expect(run.stdout).toContain(
      '"RoutingProfileId": "<routing profile \\"Customer Care Routing\\">"',
    );
    expect(run.stdout).toContain('"InstanceId": "<instance-id>"');
    expect(run.stdout).toContain("Winner: cc-agents, the only enabled rule that matches");
  });

  it("explains a tie on priority by match keys, then by ruleId", async () => {
    const rules = JSON.stringify([
      {
        ruleId: "b-care",
        match: { department: "Customer Care" },
        routingProfile: "R",
        securityProfiles: ["S"],
      },
      {
        ruleId: "a-care",
        match: { department: "customer care" },
        routingProfile: "R",
        securityProfiles: ["S"],
      },
      {
        ruleId: "z-care-remote",
        match: { department: "Customer Care", location: "Remote" },
        routingProfile: "R",
        securityProfiles: ["S"],
      },
    ]);
    const { writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = temporaryDirectory("onboard-plan");
    writeFileSync(join(dir, "rules.json"), rules);
    writeFileSync(join(dir, "remote.json"), hireBody({ location: "Remote" }));
    writeFileSync(join(dir, "austin.json"), hireBody({ location: "Austin" }));
    const plan = (hire: string) =>
      onboardInProcess(["plan", join(dir, hire), "--mappings", join(dir, "rules.json")]);
    expect((await plan("remote.json")).stdout).toContain(
      "Winner: z-care-remote, same priority as a-care (0) but more match keys: 2 against 1",
    );
    expect((await plan("austin.json")).stdout).toContain(
      "Winner: a-care, same priority (0) and match keys (1) as b-care: the lowest ruleId wins the tie",
    );
  });

  it("plans a hire from every envelope the function reads", async () => {
    const run = await onboardInProcess([
      "plan",
      "events/hires/01-new-hires.json",
      "--mappings",
      "events/mappings.json",
    ]);
    for (const envelope of ["raw", "eventbridge", "sns", "cloudevents"]) {
      expect(run.stdout).toContain(`(${envelope} envelope)`);
    }
  });
});
