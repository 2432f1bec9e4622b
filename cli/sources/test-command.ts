/**
 * `onboard sources test PAYLOAD_FILE`: the canonical event(s) a payload becomes, read exactly
 * as the function reads it (envelopes, the first mapping whose `when` holds, `each`, the same
 * validation), and with rules the plan for each, from `onboard plan`'s own planner.
 */
import { ConnectInstance } from "../../shared/adapters/connect-users.js";
import { DynamoDbSourceMappings } from "../../shared/adapters/dynamodb-source-mappings.js";
import { systemClock } from "../../shared/application/clock.js";
import { silentLog } from "../../shared/application/log.js";
import { MessageReader } from "../../shared/application/message-reader.js";
import { SourceBook } from "../../shared/application/source-book.js";
import { type EmployeeEvent, isLeaverEvent } from "../../shared/domain/employee-event.js";
import type { SourceMapping } from "../../shared/domain/source-mapping.js";
import { type AwsOptions, connectClient, dynamoDbClient } from "../aws.js";
import { readEventBodies } from "../event-file.js";
import { attempt, CLI_CALLS, type CliIo, EXIT, printJson, UsageError } from "../io.js";
import { readRuleFile } from "../mappings/rule-file.js";
import { createPlanner, type EventPlan, type PlanDetails } from "../plan.js";
import { renderPlan } from "../plan-command.js";
import { userSettings } from "../settings.js";
import { readSourceFile } from "./files.js";

export interface SourceTestOptions extends AwsOptions {
  /** Source mappings from a file or folder... */
  readonly sources?: string;
  /** ...or from the source table. */
  readonly sourceTable?: string;
  /** Rules, for the plan: a file or the mapping table. */
  readonly mappings?: string;
  readonly table?: string;
  readonly instanceId?: string;
  readonly identityManagementType?: string;
  readonly usernameTemplate?: string;
  readonly json?: boolean;
}

export interface TestedEvent {
  readonly event: CanonicalEvent | null;
  readonly failure: { readonly reason: string; readonly message: string } | null;
  readonly plan: EventPlan | null;
  /** What the human-readable plan adds (profiles, the user found); not in --json. */
  readonly details?: PlanDetails;
}

/** The canonical event as a body would carry it: employee fields, custom attributes included. */
export interface CanonicalEvent {
  readonly eventType: string;
  readonly eventId: string;
  readonly occurredAt?: string;
  /** A termination's effective time, when the payload gives one. */
  readonly effectiveAt?: string;
  readonly source?: string;
  readonly employee: Readonly<Record<string, string>>;
}

export interface TestedPayload {
  readonly where: string;
  readonly sourceId: string | null;
  readonly envelope: string | null;
  readonly failure: { readonly reason: string; readonly message: string } | null;
  readonly events: TestedEvent[];
}

export const runSourcesTest = async (
  file: string,
  options: SourceTestOptions,
  io: CliIo,
): Promise<number> => {
  if (Boolean(options.sources) === Boolean(options.sourceTable)) {
    throw new UsageError("test needs the source mappings: --sources FILE or --source-table NAME");
  }
  if (options.mappings && options.table) {
    throw new UsageError("give the rules as --mappings FILE or --table NAME, not both");
  }
  const settings = userSettings(options);
  if (settings.instanceId && !options.mappings && !options.table) {
    throw new UsageError(
      "--instance-id plans each event: give the rules too (--mappings FILE or --table NAME)",
    );
  }
  const bodies = await readEventBodies(file);
  const dynamo = options.sourceTable || options.table ? dynamoDbClient(options) : undefined;
  const connectSdk = settings.instanceId ? connectClient(options) : undefined;
  try {
    const mappings: SourceMapping[] = options.sources
      ? (await readSourceFile(options.sources, io)).mappings
      : await attempt(`reading table ${options.sourceTable}`, () =>
          new DynamoDbSourceMappings(
            dynamo as NonNullable<typeof dynamo>,
            options.sourceTable as string,
          ).loadSources(CLI_CALLS, (sourceId, problem) =>
            io.stderr(
              `warning: source item ${sourceId ?? "(no sourceId)"} is invalid; the function ignores it: ${problem}\n`,
            ),
          ),
        );
    const reader = new MessageReader(
      new SourceBook(
        { loadSources: async () => mappings },
        { ttlMs: 3_600_000, missRefreshMs: 3_600_000 },
        systemClock,
        silentLog,
      ),
    );
    const plan = await plannerFor(options, settings, io, dynamo, connectSdk);
    const results: TestedPayload[] = [];
    for (const { where, body } of bodies) {
      results.push(await attempt(`testing ${where}`, () => testPayload(where, body, reader, plan)));
    }
    if (options.json) {
      const plain = results.map((result) => ({
        ...result,
        events: result.events.map(({ details: _details, ...tested }) => tested),
      }));
      printJson(io, plain.length === 1 ? plain[0] : plain);
    } else io.stdout(results.map((result) => render(result)).join("\n"));
    const failed = results.some(
      (r) => r.failure || r.events.some((e) => e.failure || e.plan?.failure),
    );
    return failed ? EXIT.failed : EXIT.ok;
  } finally {
    dynamo?.destroy();
    connectSdk?.destroy();
  }
};

type Plan = (body: string) => Promise<PlanDetails>;

const plannerFor = async (
  options: SourceTestOptions,
  settings: ReturnType<typeof userSettings>,
  io: CliIo,
  dynamo: ReturnType<typeof dynamoDbClient> | undefined,
  connectSdk: ReturnType<typeof connectClient> | undefined,
): Promise<Plan | undefined> => {
  if (!options.mappings && !options.table) return undefined;
  const rules = options.mappings
    ? await readRuleFile(options.mappings, io)
    : await (async () => {
        const { DynamoDbMappingRules } = await import(
          "../../shared/adapters/dynamodb-mapping-rules.js"
        );
        return attempt(`reading table ${options.table}`, () =>
          new DynamoDbMappingRules(
            dynamo as NonNullable<typeof dynamo>,
            options.table as string,
          ).loadRules(CLI_CALLS),
        );
      })();
  return createPlanner({
    rules,
    settings,
    ...(connectSdk && settings.instanceId
      ? { connect: new ConnectInstance(connectSdk, settings.instanceId) }
      : {}),
  });
};

const testPayload = async (
  where: string,
  body: string,
  reader: MessageReader,
  plan: Plan | undefined,
): Promise<TestedPayload> => {
  const read = await reader.read(body, CLI_CALLS);
  if (!read.ok) {
    return {
      where,
      sourceId: null,
      envelope: null,
      failure: { reason: read.error.reason, message: read.error.message },
      events: [],
    };
  }
  const events: TestedEvent[] = [];
  for (const item of read.events) {
    if (!item.ok) {
      events.push({
        event: null,
        failure: { reason: item.error.reason, message: item.error.message },
        plan: null,
      });
      continue;
    }
    const event = canonicalEvent(item.event);
    // The planner reads a body: the canonical one this event is, so the plan is the function's.
    const details = plan ? await plan(JSON.stringify(event)) : undefined;
    events.push({
      event,
      failure: null,
      plan: details?.plan ?? null,
      ...(details ? { details } : {}),
    });
  }
  return { where, sourceId: read.sourceId ?? null, envelope: read.envelope, failure: null, events };
};

const canonicalEvent = (event: EmployeeEvent): CanonicalEvent => ({
  eventType: event.eventType,
  eventId: event.eventId,
  ...(event.occurredAt === undefined ? {} : { occurredAt: event.occurredAt }),
  ...(isLeaverEvent(event) && event.effectiveAt !== undefined
    ? { effectiveAt: event.effectiveAt }
    : {}),
  ...(event.source === undefined ? {} : { source: event.source }),
  // A leaver keeps only the employee ID and the fields that time the termination.
  employee: isLeaverEvent(event)
    ? (JSON.parse(JSON.stringify(event.employee)) as Record<string, string>)
    : { ...event.employee.attributes },
});

const render = (result: TestedPayload): string => {
  const lines: string[] = [];
  const by = result.sourceId
    ? `source mapping ${result.sourceId}`
    : "no source mapping (canonical)";
  lines.push(
    result.failure
      ? `${result.where}: FAILS with ${result.failure.reason}: ${result.failure.message}`
      : `${result.where}: ${result.events.length} event${result.events.length === 1 ? "" : "s"} by ${by}, ${result.envelope} envelope`,
  );
  result.events.forEach((tested, i) => {
    const label = `  event ${i + 1}`;
    if (!tested.event) {
      lines.push(`${label}: FAILS with ${tested.failure?.reason}: ${tested.failure?.message}`);
      return;
    }
    lines.push(`${label}:`);
    lines.push(
      ...JSON.stringify(tested.event, null, 2)
        .split("\n")
        .map((line) => `    ${line}`),
    );
    if (tested.details) {
      lines.push(
        ...renderPlan(`  plan for event ${i + 1}`, tested.details)
          .trimEnd()
          .split("\n")
          .map((line) => `  ${line}`),
      );
    }
  });
  return `${lines.join("\n")}\n`;
};
