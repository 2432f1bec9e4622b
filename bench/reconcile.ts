/**
 * The reconciliation figure of `npm run bench`: `onboard reconcile` over 5,000 managed users on
 * the local stack, against a lookup quota (DescribeUser, one per employee of the roster; the
 * bulk reads are pages of 500 and 1,000) that the CLI is paced to. Users classified per second
 * over the quota says who sets the pace: near 1, Connect; well below, the CLI.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI_CALLS } from "../cli/io.js";
import { runCli } from "../cli/program.js";
import { parseConnectSeed, type SeedUser } from "../emulators/connect/index.js";
import { startLocalStack } from "../local/stack.js";
import type { DynamoDbLedger } from "../shared/adapters/dynamodb-ledger.js";
import { parseRulesJson } from "../shared/domain/mapping-rule-file.js";

export const RECONCILE = { users: 5_000, driftedEvery: 10, lookupRps: 100, burst: 5 };

const CARE = "8f1e2d3c-0001-4a5b-8c7d-100000000002";
const BASIC = "8f1e2d3c-0001-4a5b-8c7d-100000000001";
const AGENT = "7a6b5c4d-0002-4e3f-9a8b-200000000002";
const REMOTE = "3c2b1a09-0003-4d5e-8f7a-300000000002";

/** A user as rule cc-agents gives it to a Remote agent; every tenth moved by hand since. */
const user = (i: number): SeedUser => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  username: `agent.${i}@example.com`,
  identityInfo: { FirstName: "Agent", LastName: `N${i}`, Email: `agent.${i}@example.com` },
  phoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
  routingProfileId: i % RECONCILE.driftedEvery === 0 ? BASIC : CARE,
  securityProfileIds: [AGENT],
  hierarchyGroupId: REMOTE,
  tags: { employeeId: `R${i}`, managedBy: "connect-onboarding", costCenter: "CC-200" },
});

/** The ledger as the function leaves it after hiring each of them, through its own writes. */
const recordInLedger = async (ledger: DynamoDbLedger, instanceArn: string): Promise<void> => {
  const version = Date.parse("2026-11-28T10:00:00Z");
  let next = 0;
  const write = async () => {
    while (next < RECONCILE.users) {
      const i = next++;
      const employeeId = `R${i}`;
      const claimed = await ledger.claim(
        employeeId,
        version,
        `hire-${i}`,
        Date.now() + 60_000,
        CLI_CALLS,
      );
      if (claimed.kind !== "claimed") throw new Error(`ledger: ${employeeId} ${claimed.kind}`);
      const userId = user(i).id as string;
      await ledger.commit(
        employeeId,
        claimed.claim,
        {
          version,
          eventId: `hire-${i}`,
          eventType: "EmployeeHired",
          status: "ACTIVE",
          userId,
          userArn: `${instanceArn}/agent/${userId}`,
          ruleId: "cc-agents",
          ruleTagKeys: ["costCenter"],
          matchAttributes: { department: "Customer Care", jobTitle: "Agent I", location: "Remote" },
          action: "CREATED",
          changes: [],
          outcome: [],
          appliedAt: version,
        },
        CLI_CALLS,
      );
    }
  };
  await Promise.all(Array.from({ length: 20 }, write));
};

export const reconcileFigure = async (root: string, work: string) => {
  const { users, lookupRps, burst } = RECONCILE;
  const quota = { rps: lookupRps, burst };
  const seed = parseConnectSeed({
    ...JSON.parse(await readFile(join(root, "events/connect-seed.json"), "utf8")),
    users: Array.from({ length: users }, (_, i) => user(i)),
    quotas: {
      DescribeUser: quota,
      SearchUsers: quota,
      ListUsers: quota,
      ListRoutingProfiles: quota,
      ListSecurityProfiles: quota,
      ListUserHierarchyGroups: quota,
      maxUsers: users * 2,
    },
  });
  const stack = await startLocalStack({
    seed,
    rules: parseRulesJson(await readFile(join(root, "events/mappings.json"), "utf8")).rules,
    functionEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
  try {
    await recordInLedger(stack.table.ledger, stack.connect.instanceArn);
    await mkdir(work, { recursive: true });
    const roster = join(work, "reconcile-roster.csv");
    const rows = Array.from(
      { length: users },
      (_, i) => `R${i},Agent,N${i},agent.${i}@example.com,Customer Care,Agent I,Remote`,
    );
    await writeFile(
      roster,
      `employeeId,firstName,lastName,workEmail,department,jobTitle,location\n${rows.join("\n")}\n`,
    );
    let stdout = "";
    let stderr = "";
    const started = performance.now();
    const code = await runCli(
      [
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
        String(lookupRps),
        "--json",
      ],
      {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        interactive: false,
        interruptible: () => new AbortController().signal,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (code !== 1 || stderr !== "") throw new Error(`reconcile exited ${code}: ${stderr}`);
    const { totals } = JSON.parse(stdout) as { totals: Record<string, number> };
    const drifted = Math.ceil(users / RECONCILE.driftedEvery);
    if (totals.DRIFTED !== drifted || totals.IN_SYNC !== users - drifted) {
      throw new Error(`reconcile classified wrongly: ${JSON.stringify(totals)}`);
    }
    const stats = stack.connect.stats();
    const perSecond = users / seconds;
    return {
      users,
      seconds,
      perSecond,
      lookupRps,
      ratio: perSecond / lookupRps,
      calls: {
        DescribeUser: stats.DescribeUser?.requests ?? 0,
        SearchUsers: stats.SearchUsers?.requests ?? 0,
        ListUsers: stats.ListUsers?.requests ?? 0,
        throttled: Object.values(stats).reduce((sum, api) => sum + api.throttled, 0),
      },
    };
  } finally {
    await stack.stop();
  }
};

export type ReconcileFigure = Awaited<ReturnType<typeof reconcileFigure>>;

/** The figure's rows in the bench's table: figure, measured, baseline, ratio, target. */
export const reconcileRows = (r: ReconcileFigure, target: number): string[][] => [
  [
    "reconcile (classified/s)",
    `${r.users} users in ${r.seconds.toFixed(1)} s, ${r.perSecond.toFixed(1)}/s`,
    `${r.lookupRps}/s lookup quota`,
    r.ratio.toFixed(2),
    `>= ${target} ${r.ratio >= target ? "met" : "MISSED"}`,
  ],
  [
    "  DescribeUser / SearchUsers / ListUsers / throttled",
    `${r.calls.DescribeUser} / ${r.calls.SearchUsers} / ${r.calls.ListUsers} / ${r.calls.throttled}`,
    "",
    "",
    "",
  ],
];
