/**
 * `onboard reconcile` on an instance bigger than a page: the managed users come from the tag
 * search in pages of 500, every user from ListUsers in pages of 1,000, and only the roster's
 * employees cost a DescribeUser each. Paced far above the quota, the throttles are absorbed and
 * the result is the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedUser } from "../../emulators/connect/index.js";
import type { LocalStack } from "../../local/stack.js";
import { onboard, onboardInProcess } from "../cli/support.js";
import { SAMPLE_IDS, sampleSeed, startSampleStack } from "../support/local-stack.js";

const MANAGED = 700;
const UNMANAGED = 500;
const ROSTER = 20;
const RPS = 20;
const { careRouting: CARE, agent: AGENT, remoteTeam: REMOTE } = SAMPLE_IDS;

/** A user exactly as rule cc-agents gives it to a Remote "Agent I" of Customer Care. */
const managedUser = (i: number): SeedUser => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  username: `m${i}@example.com`,
  identityInfo: { FirstName: "Mia", LastName: `M${i}`, Email: `m${i}@example.com` },
  phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
  routingProfileId: CARE,
  securityProfileIds: [AGENT],
  hierarchyGroupId: REMOTE,
  tags: { employeeId: `M${i}`, managedBy: "connect-onboarding", costCenter: "CC-200" },
});

const otherUser = (i: number): SeedUser => ({
  id: `00000000-0000-4000-9000-${String(i).padStart(12, "0")}`,
  username: `other${i}@example.com`,
  identityInfo: { FirstName: "Oli", LastName: `O${i}`, Email: `other${i}@example.com` },
  phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
  routingProfileId: CARE,
  securityProfileIds: [AGENT],
  tags: {},
});

let stack: LocalStack;
let dir: string;
let roster: string;

beforeAll(async () => {
  const quota = { rps: RPS, burst: 5 };
  stack = await startSampleStack({
    seed: sampleSeed({
      users: [
        ...Array.from({ length: MANAGED }, (_, i) => managedUser(i)),
        ...Array.from({ length: UNMANAGED }, (_, i) => otherUser(i)),
      ],
      quotas: {
        SearchUsers: quota,
        ListUsers: quota,
        DescribeUser: quota,
        ListRoutingProfiles: quota,
        ListSecurityProfiles: quota,
        ListUserHierarchyGroups: quota,
        maxUsers: 2_000,
      },
    }),
  });
  dir = mkdtempSync(join(tmpdir(), "connect-onboarding-reconcile-scale-"));
  roster = join(dir, "roster.csv");
  const rows = Array.from(
    { length: ROSTER },
    (_, i) => `M${i},Mia,M${i},m${i}@example.com,Customer Care,Agent I,Remote`,
  );
  writeFileSync(
    roster,
    `employeeId,firstName,lastName,workEmail,department,jobTitle,location\n${rows.join("\n")}\n`,
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const requestsSince = (before: Record<string, { requests: number; throttled: number }>) => {
  const now = stack.connect.stats();
  return Object.fromEntries(
    ["SearchUsers", "ListUsers", "DescribeUser"].map((api) => [
      api,
      {
        requests: (now[api]?.requests ?? 0) - (before[api]?.requests ?? 0),
        throttled: (now[api]?.throttled ?? 0) - (before[api]?.throttled ?? 0),
      },
    ]),
  );
};

const args = (rps: number) => [
  "reconcile",
  "--roster",
  roster,
  "--instance-id",
  stack.connect.instanceId,
  "--ledger-table",
  stack.table.ledgerTableName,
  "--table",
  stack.table.tableName,
  "--as-of",
  "2026-12-01T09:00:00Z",
  "--rps",
  String(rps),
  "--json",
];
const reconcile = (rps: number) => onboardInProcess(args(rps));

/** Calls that Connect answered, and those it refused as too fast. */
const answered = (calls: Record<string, { requests: number; throttled: number }>) =>
  Object.fromEntries(
    Object.entries(calls).map(([api, { requests, throttled }]) => [api, requests - throttled]),
  );

describe("onboard reconcile on an instance of many pages", () => {
  it("reads the instance in pages, describes only the roster's users, and absorbs throttling", async () => {
    let before = stack.connect.stats();
    const run = await reconcile(RPS);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as { totals: Record<string, number> };
    expect(report.totals).toEqual({
      MISSING: 0,
      DRIFTED: 0,
      ORPHANED: MANAGED - ROSTER,
      UNMANAGED,
      IN_SYNC: ROSTER,
    });
    const paced = requestsSince(before);
    expect(answered(paced)).toEqual({ SearchUsers: 2, ListUsers: 2, DescribeUser: ROSTER });

    // Paced far above the quota: 20 DescribeUsers at once against a burst of 5. Connect
    // refuses some, the pacer slows the lane and retries, and the result is the same.
    before = stack.connect.stats();
    // As an operator runs it, with 16 employees in flight at once: not a word on stderr.
    const unpaced = await onboard(args(1_000), stack);
    expect(unpaced.stderr).toBe("");
    expect(JSON.parse(unpaced.stdout)).toEqual(report);
    const fast = requestsSince(before);
    expect(answered(fast)).toEqual(answered(paced));
    expect(fast.DescribeUser?.throttled).toBeGreaterThan(0);
    // At the quota's pace, Connect has (next to) nothing to refuse.
    expect(paced.DescribeUser?.throttled).toBeLessThan(fast.DescribeUser?.throttled ?? 0);
  }, 60_000);
});
