/**
 * `onboard quarantine status|release` (docs/quarantine.md): what stopped the service, and
 * starting it again. The state lives in the ledger table, where every Lambda environment reads
 * it; the event source mapping is the one the function disabled (the state names it).
 */
import { DynamoDbQuarantine } from "../shared/adapters/dynamodb-quarantine.js";
import { EventBridgePublisher } from "../shared/adapters/eventbridge-publisher.js";
import { LambdaEventSourceMappings } from "../shared/adapters/lambda-event-source-mappings.js";
import { systemClock } from "../shared/application/clock.js";
import { NO_DEADLINE } from "../shared/application/deadline.js";
import { provisioningResumedEvent } from "../shared/domain/output-events.js";
import type { QuarantineState } from "../shared/domain/quarantine.js";
import type { MappingStatus, RemovalBudgetStatus } from "../shared/ports.js";
import { type AwsOptions, dynamoDbClient, eventBridgeClient, lambdaClient } from "./aws.js";
import { attempt, CLI_CALLS, type CliIo, EXIT, OperationError, printJson } from "./io.js";
import { type RemovalBudgetFactory, removalBudgetFor } from "./removal-budget.js";

export interface QuarantineOptions extends AwsOptions {
  readonly ledgerTable: string;
  readonly json?: boolean;
}

export interface ReleaseOptions extends QuarantineOptions {
  /** Raise the deletion threshold's allowance once by this many removals. */
  readonly allowRemovals?: number;
  /** The mapping to enable, when the state names none (the function could not find it). */
  readonly mappingUuid?: string;
}

/** Seams for tests: the budget's store comes with the leavers' module. */
export interface QuarantineDeps {
  readonly removalBudget?: RemovalBudgetFactory;
}

/** What `status --json` prints. */
export interface QuarantineStatusReport {
  readonly active: boolean;
  readonly reason: string | null;
  readonly since: string | null;
  readonly detail: string | null;
  readonly counts: QuarantineState["counts"] | null;
  readonly trippedBy: QuarantineState["trippedBy"] | null;
  readonly mapping: { readonly uuid: string; readonly state: string } | null;
  readonly removals: RemovalBudgetStatus;
  readonly releasedAt: string | null;
}

export const runQuarantineStatus = async (
  options: QuarantineOptions,
  io: CliIo,
  deps: QuarantineDeps = {},
): Promise<number> => {
  const clients = open(options);
  try {
    const state = await attempt(`reading the quarantine from ledger ${options.ledgerTable}`, () =>
      clients.store.read(CLI_CALLS),
    );
    const budget = (deps.removalBudget ?? removalBudgetFor)(clients.dynamodb, options.ledgerTable);
    const [mapping, removals] = await Promise.all([
      state?.mapping
        ? attempt(`reading event source mapping ${state.mapping.uuid}`, () =>
            clients.mappings.get(state.mapping?.uuid ?? "", CLI_CALLS),
          )
        : undefined,
      attempt("reading the deletion threshold's budget", () => budget.status(CLI_CALLS)),
    ]);
    const report = statusReport(state, mapping, removals);
    if (options.json) printJson(io, report);
    else io.stdout(renderStatus(report));
    return EXIT.ok;
  } finally {
    clients.destroy();
  }
};

/**
 * Ends the quarantine: raises the removal allowance (if asked), clears the state (and the
 * failure window, or the records that tripped it would trip it again), then enables the
 * mapping, in that order: a mapping enabled first would deliver to environments that still read
 * the quarantine and hand every record back. Last, "Provisioning Resumed".
 */
export const runQuarantineRelease = async (
  options: ReleaseOptions,
  io: CliIo,
  deps: QuarantineDeps = {},
): Promise<number> => {
  const clients = open(options);
  try {
    const before = await attempt(`reading the quarantine from ledger ${options.ledgerTable}`, () =>
      clients.store.read(CLI_CALLS),
    );
    const allow = options.allowRemovals ?? 0;
    const budget = (deps.removalBudget ?? removalBudgetFor)(clients.dynamodb, options.ledgerTable);
    if (allow > 0) {
      await attempt(`raising the removal allowance by ${allow}`, () =>
        budget.allowMore(allow, CLI_CALLS),
      );
    }
    const released = before?.active
      ? await attempt("clearing the quarantine", () => clients.store.release(allow, CLI_CALLS))
      : undefined;
    const uuid = options.mappingUuid ?? before?.mapping?.uuid;
    const mapping = uuid ? await enable(clients, uuid) : undefined;
    if (!released) {
      // Nothing active: a release that stopped half-way is finished by enabling the mapping.
      io.stdout(
        `Not quarantined${before ? ` (the last quarantine, ${before.reason} since ${before.since}, was released${before.releasedAt ? ` at ${before.releasedAt}` : ""})` : ""}` +
          `${mapping ? `; event source mapping ${mapping.uuid} is ${mapping.state}` : ""}.\n`,
      );
      return EXIT.ok;
    }
    const publisher = new EventBridgePublisher(
      clients.eventBridge,
      released.eventBusName,
      systemClock,
    );
    const figures =
      released.reason === "RemovalThresholdExceeded"
        ? await attempt("reading the deletion threshold's budget", () => budget.status(CLI_CALLS))
        : undefined;
    await attempt(`publishing Provisioning Resumed on ${released.eventBusName}`, () =>
      publisher.publish(
        provisioningResumedEvent(
          released.eventSource,
          { ...released, allowRemovals: allow, ...(figures ? { removals: figures } : {}) },
          new Date(),
        ),
        NO_DEADLINE,
      ),
    );
    const result = {
      released: true,
      reason: released.reason,
      since: released.since,
      releasedAt: released.releasedAt ?? null,
      allowedRemovals: allow,
      mapping: mapping ? { uuid: mapping.uuid, state: mapping.state } : null,
    };
    if (options.json) printJson(io, result);
    else {
      io.stdout(
        `Released the quarantine (${released.reason}, since ${released.since})` +
          `${allow > 0 ? `, ${allow} more removal(s) allowed` : ""}; ` +
          (mapping
            ? `event source mapping ${mapping.uuid} is ${mapping.state}: the queue drains again.\n`
            : "no event source mapping was named: enable the function's with --mapping-uuid.\n"),
      );
    }
    return EXIT.ok;
  } finally {
    clients.destroy();
  }
};

const open = (options: AwsOptions & { readonly ledgerTable: string }) => {
  const dynamodb = dynamoDbClient(options);
  const lambda = lambdaClient(options);
  let eventBridge: ReturnType<typeof eventBridgeClient> | undefined;
  return {
    dynamodb,
    store: new DynamoDbQuarantine(dynamodb, options.ledgerTable),
    mappings: new LambdaEventSourceMappings(() => lambda),
    get eventBridge() {
      eventBridge ??= eventBridgeClient(options);
      return eventBridge;
    },
    destroy() {
      dynamodb.destroy();
      lambda.destroy();
      eventBridge?.destroy();
    },
  };
};

type Clients = ReturnType<typeof open>;

/** Enabled, or on its way: Lambda answers with the state the mapping is entering. */
const enable = async (clients: Clients, uuid: string): Promise<MappingStatus> => {
  const current = await attempt(`reading event source mapping ${uuid}`, () =>
    clients.mappings.get(uuid, CLI_CALLS),
  );
  if (!current) throw new OperationError(`event source mapping ${uuid} does not exist`);
  if (current.state === "Enabled" || current.state === "Enabling") return current;
  if (current.state !== "Disabled") {
    throw new OperationError(
      `event source mapping ${uuid} is ${current.state}: run the release again once it is Disabled`,
    );
  }
  return attempt(`enabling event source mapping ${uuid}`, () =>
    clients.mappings.setEnabled(uuid, true, CLI_CALLS),
  );
};

const statusReport = (
  state: QuarantineState | undefined,
  mapping: MappingStatus | undefined,
  removals: RemovalBudgetStatus,
): QuarantineStatusReport => ({
  active: state?.active ?? false,
  reason: state?.reason ?? null,
  since: state?.since ?? null,
  detail: state?.detail ?? null,
  counts: state?.counts ?? null,
  trippedBy: state?.trippedBy ?? null,
  mapping: mapping ? { uuid: mapping.uuid, state: mapping.state } : null,
  removals,
  releasedAt: state?.releasedAt ?? null,
});

const renderStatus = (report: QuarantineStatusReport): string => {
  const lines: string[] = [];
  if (report.active) {
    lines.push(`QUARANTINED since ${report.since}: ${report.reason}`);
    lines.push(`  ${report.detail}`);
  } else {
    lines.push(
      report.since
        ? `Not quarantined (the last quarantine, ${report.reason} since ${report.since}, was released at ${report.releasedAt})`
        : "Not quarantined (never was)",
    );
  }
  if (report.counts) {
    lines.push(
      `  Window at the trip: ${report.counts.windowFailed} of ${report.counts.windowRecords} record(s) failed permanently`,
    );
    lines.push(`  Records handed back to the queue: ${report.counts.heldBack}`);
  }
  if (report.mapping) {
    lines.push(`  Event source mapping ${report.mapping.uuid}: ${report.mapping.state}`);
  }
  const removals = report.removals;
  lines.push(
    `  Removals: ${removals.used} of ${removals.limit} in the last ${removals.windowHours} h (${removals.active} active employees); held back: ${removals.heldBack}`,
  );
  if (report.active) {
    lines.push(
      "",
      "Fix the cause, then: onboard quarantine release" +
        (report.reason === "RemovalThresholdExceeded" ? " --allow-removals N" : ""),
    );
  }
  return `${lines.join("\n")}\n`;
};
