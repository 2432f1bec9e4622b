/**
 * The stack's operator policy grants exactly what `onboard` calls. The calls are not listed by
 * hand: every command runs against the local stack while the AWS SDK clients' `send` is
 * recorded, and each recorded operation is turned into the IAM actions it needs (NEEDS, from the
 * Service Authorization Reference) on the resource it named. The policy, as `serverless print`
 * resolves it, must grant that set and nothing else.
 *
 * A new command: add a run of it to COMMANDS; this test then names each call the policy lacks
 * (or that NEEDS does not know yet), and each grant no command uses.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ConnectClient } from "@aws-sdk/client-connect";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { OFFLINE_FRAMEWORK_ENV } from "../../scripts/bundle-budget.js";
import { FAST } from "../cli/dead-letters.js";
import { onboardInProcess } from "../cli/support.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { asArray, type Json, reference, type Statement, type Template } from "./cloudformation.js";

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

type ResourceKind = "named" | "instance" | "users";

/**
 * What each API operation needs in IAM, on which resource: "named" is the queue, table or
 * instance the call names; "instance" and "users" the instance, and its users (agent/*).
 * SQS's batch operations are authorized as their single action (SQS Developer Guide, "Amazon SQS
 * batch actions"); DynamoDB's BatchWriteItem is an action of its own. SearchUsers lists
 * DescribeUser and ListUserProficiencies (instance*, user*) as dependent actions.
 */
const NEEDS: Readonly<Record<string, readonly (readonly [string, ResourceKind])[]>> = {
  SendMessageCommand: [["sqs:SendMessage", "named"]],
  SendMessageBatchCommand: [["sqs:SendMessage", "named"]],
  ReceiveMessageCommand: [["sqs:ReceiveMessage", "named"]],
  ChangeMessageVisibilityBatchCommand: [["sqs:ChangeMessageVisibility", "named"]],
  DeleteMessageCommand: [["sqs:DeleteMessage", "named"]],
  GetQueueAttributesCommand: [["sqs:GetQueueAttributes", "named"]],
  ScanCommand: [["dynamodb:Scan", "named"]],
  GetCommand: [["dynamodb:GetItem", "named"]],
  QueryCommand: [["dynamodb:Query", "named"]],
  UpdateCommand: [["dynamodb:UpdateItem", "named"]],
  GetEventSourceMappingCommand: [["lambda:GetEventSourceMapping", "named"]],
  UpdateEventSourceMappingCommand: [["lambda:UpdateEventSourceMapping", "named"]],
  PutEventsCommand: [["events:PutEvents", "named"]],
  BatchWriteCommand: [["dynamodb:BatchWriteItem", "named"]],
  BatchGetCommand: [["dynamodb:BatchGetItem", "named"]],
  ListRoutingProfilesCommand: [["connect:ListRoutingProfiles", "instance"]],
  ListSecurityProfilesCommand: [["connect:ListSecurityProfiles", "instance"]],
  ListUserHierarchyGroupsCommand: [["connect:ListUserHierarchyGroups", "instance"]],
  ListUsersCommand: [["connect:ListUsers", "instance"]],
  DescribeUserCommand: [["connect:DescribeUser", "users"]],
  SearchUsersCommand: [
    ["connect:SearchUsers", "instance"],
    ["connect:DescribeUser", "users"],
    ["connect:ListUserProficiencies", "instance"],
    ["connect:ListUserProficiencies", "users"],
  ],
};

interface Recorded {
  readonly command: string;
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

let stack: LocalStack;
let workDir: string;
let policy: Statement[];
const recorded: Recorded[] = [];
let current = "";

beforeAll(async () => {
  stack = await startSampleStack();
  workDir = await mkdtemp(join(tmpdir(), "connect-onboarding-operator-policy-"));
  const printed = await run(
    join(root, "node_modules", ".bin", "serverless"),
    ["print", "--format", "json", "--param", `connectInstanceId=${stack.connect.instanceId}`],
    { cwd: root, env: { ...process.env, ...OFFLINE_FRAMEWORK_ENV }, maxBuffer: 16 * 1024 * 1024 },
  );
  const template = (JSON.parse(printed.stdout) as { resources: Template }).resources;
  const operator = template.Resources.OperatorPolicy?.Properties.PolicyDocument as unknown as {
    Statement: Statement[];
  };
  policy = operator.Statement;
  // Every client the CLI builds (cli/aws.ts) goes through one of these.
  for (const client of [
    SQSClient,
    ConnectClient,
    DynamoDBDocumentClient,
    LambdaClient,
    EventBridgeClient,
  ]) {
    const original = client.prototype.send;
    vi.spyOn(client.prototype, "send").mockImplementation(function (
      this: unknown,
      ...args: unknown[]
    ) {
      const command = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      recorded.push({
        command: current,
        operation: command.constructor.name,
        input: command.input,
      });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original);
  }
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs one command line in-process, recording its calls under its name. */
const onboard = async (...args: string[]) => {
  current = ["mappings", "dlq", "sources", "quarantine"].includes(args[0] as string)
    ? args.slice(0, 2).join(" ")
    : `${args[0]}`;
  const result = await onboardInProcess(args);
  current = "";
  // 0 or 1 (problems found, such as a hire that would fail); never a usage error or AWS error.
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBeLessThan(2);
  expect(result.stderr, args.join(" ")).not.toMatch(/^error:/m);
  return result;
};

/** Every command of `onboard` today, each through the paths that call AWS. */
const COMMANDS = async () => {
  const table = stack.table.tableName;
  const instance = stack.connect.instanceId;
  const { queueUrl, dlqUrl } = stack.queues;

  await onboard(
    "plan",
    "events/hires/01-new-hires.json",
    "--table",
    table,
    "--instance-id",
    instance,
  );
  // A user the search index does not see yet: plan finds it by ListUsers, then DescribeUser.
  stack.connect.setSearchLagMs(600_000);
  const lagging = hireBody({ employeeId: "E-lag", workEmail: "lag@example.com" });
  await runPipeline(stack, [lagging], FAST);
  const file = join(workDir, "lagging-hire.json");
  await writeFile(file, lagging);
  const planned = await onboard(
    "plan",
    file,
    "--table",
    table,
    "--instance-id",
    instance,
    "--json",
  );
  expect(planned.stdout).toContain("E-lag");
  stack.connect.setSearchLagMs(0);

  // The ledger: the state the plan is made against, and an employee's timeline.
  await onboard(
    "plan",
    file,
    "--table",
    table,
    "--instance-id",
    instance,
    "--ledger-table",
    stack.table.ledgerTableName,
  );
  await onboard("history", "E-lag", "--ledger-table", stack.table.ledgerTableName);

  const sources = stack.table.sourceTableName;
  await onboard("sources", "import", "events/sources", "--table", sources, "--prune");
  await onboard("sources", "export", "--table", sources);
  await onboard("sources", "validate", "--table", sources);
  await onboard(
    "sources",
    "test",
    "events/sources/payloads/bamboohr-webhook.json",
    "--source-table",
    sources,
    "--table",
    table,
    "--instance-id",
    instance,
  );

  await onboard("mappings", "export", "--table", table);
  await onboard("mappings", "export", "--table", table, "--format", "csv");
  await onboard("mappings", "validate", "--table", table, "--instance-id", instance);
  await onboard(
    "mappings",
    "import",
    "test/cli/fixtures/finance-rule.json",
    "--table",
    table,
    "--prune",
  );

  await onboard("send", "events/hires/01-new-hires.json", "--queue-url", queueUrl);
  await stack.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: ["NoMappingRule", "ProfileNotFound"].map((reason, i) => ({
        Id: `m${i}`,
        MessageBody: hireBody({ employeeId: `E-dlq${i}` }),
        MessageAttributes: { failureReason: { DataType: "String", StringValue: reason } },
      })),
    }),
  );
  await onboard("dlq", "list", "--queue-url", dlqUrl);
  await onboard("dlq", "replay", "--from", dlqUrl, "--to", queueUrl, "--reason", "NoMappingRule");

  // A quarantine to look at and release: Connect denies the function for one hire.
  stack.connect.setFaults("*", { deniedRate: 1 });
  // A Finance hire: the only rule left after `mappings import --prune`.
  await runPipeline(
    stack,
    [hireBody({ employeeId: "E-denied", workEmail: "denied@example.com", department: "Finance" })],
    FAST,
  );
  stack.connect.setFaults("*", { deniedRate: 0 });
  const ledger = stack.table.ledgerTableName;
  const status = await onboard("quarantine", "status", "--ledger-table", ledger, "--json");
  expect(JSON.parse(status.stdout)).toMatchObject({ active: true, mapping: { state: "Disabled" } });
  await onboard("quarantine", "release", "--ledger-table", ledger);
  // Rule-change impact: the ledger's every employee, before the rules are written.
  await onboard(
    "mappings",
    "import",
    "test/cli/fixtures/finance-rule.json",
    "--table",
    table,
    "--impact",
    "--ledger-table",
    stack.table.ledgerTableName,
    "--dry-run",
  );
  // Reconciliation (the table now holds the finance rule alone): the instance in bulk, the ledger in batches, the roster through the source
  // table, and the fixes (hires, updates, terminations) sent to the onboarding queue.
  const roster = join(workDir, "roster.json");
  await writeFile(
    roster,
    JSON.stringify([
      {
        employeeId: "E-lag",
        firstName: "L",
        lastName: "Ag",
        workEmail: "lag@example.com",
        department: "Finance",
      },
      {
        employeeId: "E-new",
        firstName: "N",
        lastName: "Ew",
        workEmail: "new@example.com",
        department: "Finance",
      },
    ]),
  );
  const reconciled = await onboard(
    "reconcile",
    "--roster",
    roster,
    "--instance-id",
    instance,
    "--ledger-table",
    stack.table.ledgerTableName,
    "--table",
    table,
    "--source-table",
    sources,
    "--rps",
    "20",
    "--apply",
    "--queue-url",
    queueUrl,
    "--yes",
    "--include-orphans",
    "--json",
  );
  expect(JSON.parse(reconciled.stdout).applied.events).toMatchObject({
    EmployeeHired: 1,
    EmployeeUpdated: 1,
    EmployeeTerminated: expect.any(Number),
  });
};

/** `serverless print` without an eventBusName param: the bus the stack creates. */
const BUS_AS_PRINTED = "connect-onboarding-dev";

const inStack = (service: string, resource: string) =>
  `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

/** The policy's name for the resource a call names, as `reference` writes it. */
const named = (call: Recorded): string[] => {
  const { input } = call;
  if (typeof input.QueueUrl === "string") {
    const queue = {
      [stack.queues.queueUrl]: "OnboardingQueue",
      [stack.queues.dlqUrl]: "DeadLetterQueue",
    }[input.QueueUrl];
    if (!queue) throw new Error(`${call.command} called ${call.operation} on ${input.QueueUrl}`);
    return [`GetAtt:${queue}.Arn`];
  }
  const tables =
    typeof input.TableName === "string"
      ? [input.TableName]
      : Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
  if (tables.length > 0) {
    const resources: Record<string, string> = {
      [stack.table.tableName]: "MappingTable",
      [stack.table.sourceTableName]: "SourceTable",
      [stack.table.ledgerTableName]: "LedgerTable",
    };
    return tables.map((table) => {
      const resource = resources[table];
      if (!resource) throw new Error(`${call.command} called ${call.operation} on ${table}`);
      return `GetAtt:${resource}.Arn`;
    });
  }
  // The stack's one event source mapping: its Ref is the UUID.
  if (typeof input.UUID === "string") {
    if (input.UUID !== stack.mapping.uuid) {
      throw new Error(`${call.command} called ${call.operation} on mapping ${input.UUID}`);
    }
    return [
      inStack(
        "lambda",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Sub, as printed
        "event-source-mapping:${OnboardEmployeeEventSourceMappingSQSOnboardingQueue}",
      ),
    ];
  }
  const entries = input.Entries as { EventBusName?: string }[] | undefined;
  if (entries) {
    return [
      ...new Set(
        entries.map((entry) => {
          if (entry.EventBusName !== stack.env.EVENT_BUS_NAME) {
            throw new Error(`${call.command} published on ${entry.EventBusName}`);
          }
          // The bus the function publishes on, as serverless print resolves its name.
          return inStack("events", `event-bus/${BUS_AS_PRINTED}`);
        }),
      ),
    ];
  }
  if (typeof input.InstanceId === "string")
    return [inStack("connect", `instance/${input.InstanceId}`)];
  throw new Error(`${call.command}: no resource known for ${call.operation}`);
};

const needed = (call: Recorded): string[] => {
  const needs = NEEDS[call.operation];
  if (!needs) {
    throw new Error(
      `${call.command} calls ${call.operation}: add its IAM actions to NEEDS (Service Authorization Reference) and grant them in OperatorPolicy`,
    );
  }
  const instance = inStack("connect", `instance/${stack.connect.instanceId}`);
  return needs.flatMap(([action, kind]) =>
    (kind === "named" ? named(call) : [kind === "instance" ? instance : `${instance}/agent/*`]).map(
      (resource) => `${action} ${resource}`,
    ),
  );
};

describe("the operator policy", () => {
  it("grants exactly the calls every onboard command makes, on the resources they name", async () => {
    await COMMANDS();
    const byCommand = new Map<string, Set<string>>();
    for (const call of recorded.filter((c) => c.command !== "")) {
      const set = byCommand.get(call.command) ?? new Set<string>();
      set.add(call.operation);
      byCommand.set(call.command, set);
    }
    // Every command was seen calling AWS, and `dlq list` does more than read (DESIGN 12).
    expect([...byCommand.keys()].sort()).toEqual([
      "dlq list",
      "dlq replay",
      "history",
      "mappings export",
      "mappings import",
      "mappings validate",
      "plan",
      "quarantine release",
      "quarantine status",
      "reconcile",
      "send",
      "sources export",
      "sources import",
      "sources test",
      "sources validate",
    ]);
    expect(byCommand.get("dlq list")).toContain("ChangeMessageVisibilityBatchCommand");
    expect(byCommand.get("plan")).toContain("DescribeUserCommand");

    const calls = [...new Set(recorded.filter((c) => c.command !== "").flatMap(needed))].sort();
    const grants = [
      ...new Set(
        policy.flatMap((statement) => {
          expect(statement.Effect, statement.Sid).toBe("Allow");
          expect(statement.Condition, statement.Sid).toBeUndefined();
          return asArray(statement.Action).flatMap((action) =>
            asArray(statement.Resource as Json).map(
              (resource) => `${action} ${reference({ Resources: {} }, resource)}`,
            ),
          );
        }),
      ),
    ].sort();
    expect(grants).toEqual(calls);
  }, 120_000);
});
