/**
 * Lambda's event source mapping control plane for SQS sources: the mappings, their states and
 * transitions, and their pollers (`event-source-mapping.ts`, one runner per execution
 * environment, each with its own handler instance and one invocation at a time).
 *
 * States as AWS reports them: a new mapping is `Creating`, then `Enabled` (or `Disabled` when
 * created with Enabled false); UpdateEventSourceMapping answers `Disabling` or `Enabling` when
 * Enabled flips and `Updating` otherwise, and the mapping settles back to `Enabled`/`Disabled`;
 * DeleteEventSourceMapping answers `Deleting` and the mapping is gone once its pollers stopped.
 * A transition completes asynchronously, after the response: `Disabled` is reached only once the
 * pollers have stopped, i.e. the invocations in hand have finished and their batches have been
 * settled (deleted, or left for redelivery); messages still on the queue are not received, so
 * their receive counts do not move. While a transition is under way, UpdateEventSourceMapping
 * and DeleteEventSourceMapping answer ResourceInUseException (400, "Cannot update the event
 * source mapping because it is in use."), as the model documents and as AWS answers.
 *
 * Execution environments: ScalingConfig.MaximumConcurrency of them (or the emulator's default
 * when it is unset), kept warm across disable/enable and settings changes, as Lambda keeps them.
 *
 * Readings taken where the reference is silent: an update that flips nothing still passes
 * through `Updating`; the emulator has no function versions or aliases, so a qualified
 * FunctionName is not found; FilterCriteria and provisioned mode are refused as not modelled,
 * rather than accepted and ignored.
 */
import { randomUUID } from "node:crypto";
import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ConstraintChecker, epochSeconds } from "../rest-json.js";
import {
  functionNotFound,
  invalidMembers,
  invalidParameter,
  lambdaError,
  mappingNotFound,
} from "./api-errors.js";
import {
  createLambdaRunner,
  type LambdaRunner,
  type LambdaRunnerOptions,
  type LambdaRunnerStats,
} from "./event-source-mapping.js";
import type { SqsLambdaHandler } from "./invoke.js";

export interface LambdaFunctionDefinition {
  functionName: string;
  /** Called once per execution environment: each gets its own handler and module state. */
  createHandler: () => SqsLambdaHandler;
  /** Function timeout (default 30,000 ms) and memory (default 1024 MB). */
  timeoutMs?: number;
  memoryLimitInMB?: number;
}

export type EventSourceMappingState =
  | "Creating"
  | "Enabling"
  | "Enabled"
  | "Disabling"
  | "Disabled"
  | "Updating"
  | "Deleting";

/** What a harness may do with a mapping's pollers; enabling and disabling go through the API. */
export type EventSourceMappingRunner = Pick<LambdaRunner, "start" | "stop" | "drain" | "stats">;

export interface EventSourceMapping {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly eventSourceMappingArn: string;
  functionArn(): string;
  state(): EventSourceMappingState;
  /** The mapping as GetEventSourceMapping returns it. */
  configuration(): Record<string, unknown>;
  /** Resolves when the mapping is in `state`; rejects after `timeoutMs` (default 30 s). */
  waitForState(state: EventSourceMappingState, timeoutMs?: number): Promise<void>;
  /** The pollers of every execution environment, as one. */
  readonly runner: EventSourceMappingRunner;
}

export interface ControlPlaneOptions {
  region: string;
  accountId: string;
  now: () => number;
  sqs: SQSClient;
  defaultConcurrency: number;
  pollWaitSeconds: number;
  autoStart: boolean;
  transitionMs: number;
  onInvoke?: LambdaRunnerOptions["onInvoke"];
  onError?: LambdaRunnerOptions["onError"];
}

type Json = Record<string, unknown>;

const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;
const ARN =
  /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/;
const STABLE = new Set<EventSourceMappingState>(["Enabled", "Disabled"]);
const REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

/** Members for other event sources: AWS refuses them on an SQS mapping. */
const NOT_FOR_SQS = [
  "StartingPosition",
  "StartingPositionTimestamp",
  "ParallelizationFactor",
  "BisectBatchOnFunctionError",
  "MaximumRecordAgeInSeconds",
  "MaximumRetryAttempts",
  "TumblingWindowInSeconds",
  "DestinationConfig",
  "Topics",
  "Queues",
  "SourceAccessConfigurations",
  "SelfManagedEventSource",
  "SelfManagedKafkaEventSourceConfig",
  "AmazonManagedKafkaEventSourceConfig",
  "DocumentDBEventSourceConfig",
  "LoggingConfig",
] as const;

/** SQS mapping features this emulator does not model; refused so nothing passes unnoticed. */
const NOT_MODELLED = ["FilterCriteria", "ProvisionedPollerConfig"] as const;

interface MappingSettings {
  batchSize: number;
  windowSeconds: number;
  functionResponseTypes: string[];
  maximumConcurrency?: number;
}

export class ControlPlane {
  private readonly functions = new Map<string, LambdaFunctionDefinition>();
  private readonly mappings = new Map<string, Mapping>();

  constructor(readonly options: ControlPlaneOptions) {}

  functionArn(functionName: string): string {
    const { region, accountId } = this.options;
    return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
  }

  addFunction(definition: LambdaFunctionDefinition): string {
    if (!/^[a-zA-Z0-9-_]{1,64}$/.test(definition.functionName)) {
      throw new TypeError(`not a function name: ${definition.functionName}`);
    }
    this.functions.set(definition.functionName, definition);
    return this.functionArn(definition.functionName);
  }

  all(): Mapping[] {
    return [...this.mappings.values()];
  }

  find(uuid: string): Mapping | undefined {
    return this.mappings.get(uuid);
  }

  get(uuid: string): Mapping {
    const mapping = this.mappings.get(uuid);
    if (!mapping) throw mappingNotFound();
    return mapping;
  }

  async create(body: Json): Promise<Mapping> {
    const check = new ConstraintChecker();
    check.required("functionName", body.FunctionName);
    const name = check.string("functionName", body.FunctionName, {
      min: 1,
      max: 256,
      pattern: FUNCTION_NAME,
    });
    const sourceArn = check.string("eventSourceArn", body.EventSourceArn, { pattern: ARN });
    const enabled = check.boolean("enabled", body.Enabled) ?? true;
    const requested = checkSettings(check, body);
    const tags = check.object("tags", body.Tags) ?? {};
    if (check.violations.length > 0) throw invalidMembers(check.violations);

    const fn = this.resolveFunction(name as string);
    if (sourceArn === undefined) throw invalidParameter("EventSourceArn is required.");
    const source = SQS_ARN.exec(sourceArn);
    if (!source) {
      throw invalidParameter(`This emulator models SQS event sources only, not ${sourceArn}.`);
    }
    refuseOtherSources(body);
    const settings = settle(sourceArn, {
      batchSize: requested.batchSize ?? 10,
      windowSeconds: requested.windowSeconds ?? 0,
      functionResponseTypes: requested.functionResponseTypes ?? [],
      maximumConcurrency: requested.maximumConcurrency ?? undefined,
    });
    this.refuseDuplicate(sourceArn, fn.functionName);
    const queueUrl = await this.queueUrl(sourceArn, source);
    // The queue lookup awaited: another create for the same pair may have landed meanwhile.
    this.refuseDuplicate(sourceArn, fn.functionName);
    const mapping = new Mapping(this, {
      fn,
      eventSourceArn: sourceArn,
      queueUrl,
      settings,
      enabled,
      tags,
    });
    this.mappings.set(mapping.uuid, mapping);
    mapping.created();
    return mapping;
  }

  update(uuid: string, body: Json): Mapping {
    const mapping = this.get(uuid);
    const check = new ConstraintChecker();
    const name = check.string("functionName", body.FunctionName, {
      min: 1,
      max: 256,
      pattern: FUNCTION_NAME,
    });
    const enabled = check.boolean("enabled", body.Enabled);
    const requested = checkSettings(check, body);
    if (check.violations.length > 0) throw invalidMembers(check.violations);
    if (!mapping.isStable()) {
      throw lambdaError(
        "ResourceInUseException",
        "Cannot update the event source mapping because it is in use.",
      );
    }
    const fn = name === undefined ? mapping.fn : this.resolveFunction(name);
    refuseOtherSources(body);
    const current = mapping.settings;
    const settings = settle(mapping.eventSourceArn, {
      batchSize: requested.batchSize ?? current.batchSize,
      windowSeconds: requested.windowSeconds ?? current.windowSeconds,
      functionResponseTypes: requested.functionResponseTypes ?? current.functionResponseTypes,
      // `ScalingConfig: {}` removes the maximum; leaving ScalingConfig out keeps it.
      maximumConcurrency:
        requested.maximumConcurrency === undefined
          ? current.maximumConcurrency
          : (requested.maximumConcurrency ?? undefined),
    });
    // Naming the function the mapping already invokes is no duplicate of itself.
    if (fn.functionName !== mapping.fn.functionName) {
      this.refuseDuplicate(mapping.eventSourceArn, fn.functionName);
    }
    mapping.updated(fn, settings, enabled);
    return mapping;
  }

  delete(uuid: string): Mapping {
    const mapping = this.get(uuid);
    if (!mapping.isStable()) {
      throw lambdaError(
        "ResourceInUseException",
        "Cannot delete the event source mapping because it is in use.",
      );
    }
    mapping.deleted(() => this.mappings.delete(uuid));
    return mapping;
  }

  list(query: URLSearchParams): { EventSourceMappings: Json[]; NextMarker?: string } {
    const check = new ConstraintChecker();
    const name = check.string("functionName", query.get("FunctionName") ?? undefined, {
      min: 1,
      max: 256,
      pattern: FUNCTION_NAME,
    });
    const sourceArn = check.string("eventSourceArn", query.get("EventSourceArn") ?? undefined, {
      pattern: ARN,
    });
    const rawMax = query.get("MaxItems");
    const maxItems = check.integer("maxItems", rawMax === null ? undefined : Number(rawMax), {
      min: 1,
      max: 10_000,
    });
    if (check.violations.length > 0) throw invalidMembers(check.violations);
    const fn = name === undefined ? undefined : this.resolveFunction(name);
    const matching = this.all().filter(
      (m) =>
        (fn === undefined || m.fn === fn) &&
        (sourceArn === undefined || m.eventSourceArn === sourceArn),
    );
    const marker = query.get("Marker");
    let start = 0;
    if (marker !== null) {
      const after = Buffer.from(marker, "base64url").toString("utf8");
      start = matching.findIndex((m) => m.uuid === after) + 1;
      if (start === 0) throw invalidParameter("Invalid Marker.");
    }
    // ListEventSourceMappings returns at most 100 a page, whatever MaxItems says.
    const size = Math.min(maxItems ?? 100, 100);
    const page = matching.slice(start, start + size);
    const last = page.at(-1);
    return {
      EventSourceMappings: page.map((m) => m.configuration()),
      ...(start + size < matching.length && last
        ? { NextMarker: Buffer.from(last.uuid).toString("base64url") }
        : {}),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((mapping) => mapping.shutDown()));
  }

  private resolveFunction(name: string): LambdaFunctionDefinition {
    const { region, accountId } = this.options;
    let functionName = name;
    let arn = this.functionArn(name);
    if (name.includes(":")) {
      const parts = name.split(":");
      // Full ARN: arn:aws:lambda:region:account:function:name[:qualifier];
      // partial: account:function:name[:qualifier]; or name:qualifier.
      const full = parts[0] === "arn";
      const partial = !full && parts[1] === "function";
      const [nameAt, sameAccount] = full
        ? [6, parts[3] === region && parts[4] === accountId]
        : partial
          ? [2, parts[0] === accountId]
          : [0, true];
      functionName = parts[nameAt] ?? "";
      const qualified = parts.length > nameAt + 1;
      arn = full ? name : `${this.functionArn(functionName)}${qualified ? `:${parts.at(-1)}` : ""}`;
      if (!sameAccount || qualified) throw functionNotFound(arn);
    }
    const fn = this.functions.get(functionName);
    if (!fn) throw functionNotFound(arn);
    return fn;
  }

  private refuseDuplicate(sourceArn: string, functionName: string): void {
    const existing = this.all().find(
      (m) => m.eventSourceArn === sourceArn && m.fn.functionName === functionName,
    );
    if (existing) {
      throw lambdaError(
        "ResourceConflictException",
        `The event source arn (" ${sourceArn} ") and function (" ${functionName} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`,
      );
    }
  }

  private async queueUrl(sourceArn: string, source: RegExpExecArray): Promise<string> {
    const [, region, account, queueName] = source;
    if (region !== this.options.region) {
      throw invalidParameter(`The event source ${sourceArn} is not in ${this.options.region}.`);
    }
    try {
      const { QueueUrl } = await this.options.sqs.send(
        new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: account }),
      );
      if (QueueUrl) return QueueUrl;
    } catch (error) {
      throw invalidParameter(
        `Error occurred while GetQueueUrl for ${sourceArn}: ${error instanceof Error ? error.name : String(error)}.`,
      );
    }
    throw invalidParameter(`Error occurred while GetQueueUrl for ${sourceArn}.`);
  }
}

/** The settings members of Create/Update, checked against the model; null means "remove". */
function checkSettings(
  check: ConstraintChecker,
  body: Json,
): {
  batchSize?: number;
  windowSeconds?: number;
  functionResponseTypes?: string[];
  maximumConcurrency?: number | null;
} {
  const batchSize = check.integer("batchSize", body.BatchSize, { min: 1, max: 10_000 });
  const windowSeconds = check.integer(
    "maximumBatchingWindowInSeconds",
    body.MaximumBatchingWindowInSeconds,
    { min: 0, max: 300 },
  );
  const types = check.list("functionResponseTypes", body.FunctionResponseTypes, { max: 1 });
  for (const [i, type] of (types ?? []).entries()) {
    check.string(`functionResponseTypes.${i + 1}.member`, type, {
      enum: [REPORT_BATCH_ITEM_FAILURES],
    });
  }
  const scaling = check.object("scalingConfig", body.ScalingConfig);
  const maximumConcurrency = scaling
    ? (check.integer("scalingConfig.maximumConcurrency", scaling.MaximumConcurrency, {
        min: 2,
        max: 1000,
      }) ?? null)
    : undefined;
  return {
    batchSize,
    windowSeconds,
    functionResponseTypes: types as string[] | undefined,
    maximumConcurrency,
  };
}

function refuseOtherSources(body: Json): void {
  for (const member of NOT_FOR_SQS) {
    if (body[member] !== undefined && body[member] !== null) {
      throw invalidParameter(
        `Unsupported ${member} parameter for given event source mapping type.`,
      );
    }
  }
  for (const member of NOT_MODELLED) {
    if (body[member] !== undefined && body[member] !== null) {
      throw invalidParameter(`${member} is not modelled by this emulator.`);
    }
  }
}

/** The rules CreateEventSourceMapping applies across members for SQS sources. */
function settle(sourceArn: string, settings: MappingSettings): MappingSettings {
  if (sourceArn.endsWith(".fifo")) {
    if (settings.batchSize > 10) {
      throw invalidParameter("BatchSize must be between 1 and 10 for FIFO queues.");
    }
    if (settings.windowSeconds > 0) {
      throw invalidParameter("MaximumBatchingWindowInSeconds is not supported for FIFO queues.");
    }
  }
  if (settings.batchSize > 10 && settings.windowSeconds < 1) {
    throw invalidParameter(
      "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    );
  }
  return settings;
}

interface MappingInit {
  fn: LambdaFunctionDefinition;
  eventSourceArn: string;
  queueUrl: string;
  settings: MappingSettings;
  enabled: boolean;
  tags: Json;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Mapping implements EventSourceMapping {
  readonly uuid = randomUUID();
  readonly eventSourceArn: string;
  readonly eventSourceMappingArn: string;
  readonly runner: EventSourceMappingRunner;
  fn: LambdaFunctionDefinition;
  settings: MappingSettings;
  private readonly queueUrl: string;
  private readonly tags: Json;
  /** Enabled as last requested; the state says whether the pollers got there yet. */
  private enabled: boolean;
  private current: EventSourceMappingState = "Creating";
  private lastModified: number;
  private environments: LambdaRunner[] = [];
  /** The harness wants the pollers running (start()/drain()), as Lambda's service would be. */
  private wanted: boolean;
  private transition: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly plane: ControlPlane,
    init: MappingInit,
  ) {
    const { region, accountId, now, autoStart } = plane.options;
    this.fn = init.fn;
    this.eventSourceArn = init.eventSourceArn;
    this.queueUrl = init.queueUrl;
    this.settings = init.settings;
    this.enabled = init.enabled;
    this.tags = init.tags;
    this.wanted = autoStart;
    this.lastModified = now();
    this.eventSourceMappingArn = `arn:aws:lambda:${region}:${accountId}:event-source-mapping:${this.uuid}`;
    this.runner = {
      start: () => {
        this.wanted = true;
        for (const environment of this.environments) environment.start();
      },
      stop: () => this.stopPollers(),
      drain: (isDone, options) => this.drain(isDone, options?.timeoutMs),
      stats: () => sumStats(this.environments.map((environment) => environment.stats())),
    };
  }

  functionArn(): string {
    return this.plane.functionArn(this.fn.functionName);
  }

  state(): EventSourceMappingState {
    return this.current;
  }

  isStable(): boolean {
    return STABLE.has(this.current);
  }

  configuration(): Json {
    const { settings } = this;
    return {
      UUID: this.uuid,
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.windowSeconds,
      EventSourceArn: this.eventSourceArn,
      FunctionArn: this.functionArn(),
      LastModified: epochSeconds(this.lastModified),
      State: this.current,
      StateTransitionReason: "USER_INITIATED",
      FunctionResponseTypes: settings.functionResponseTypes,
      ...(settings.maximumConcurrency === undefined
        ? {}
        : { ScalingConfig: { MaximumConcurrency: settings.maximumConcurrency } }),
      EventSourceMappingArn: this.eventSourceMappingArn,
    };
  }

  waitForState(state: EventSourceMappingState, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.current !== state) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`mapping ${this.uuid} is ${this.current}, not ${state}, after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  created(): void {
    for (let i = 0; i < this.concurrency(); i++) this.environments.push(this.environment());
    this.begin("Creating", () => this.applyEnabled());
  }

  updated(fn: LambdaFunctionDefinition, settings: MappingSettings, enabled?: boolean): void {
    const flips = enabled !== undefined && enabled !== this.enabled;
    const replaced = fn !== this.fn;
    const before = JSON.stringify(this.runnerSettings());
    this.fn = fn;
    this.settings = settings;
    const reconfigure = JSON.stringify(this.runnerSettings()) !== before;
    if (enabled !== undefined) this.enabled = enabled;
    const state = flips ? (this.enabled ? "Enabling" : "Disabling") : "Updating";
    this.begin(state, async () => {
      if (!this.enabled) await this.applyEnabled();
      if (replaced) await this.replaceEnvironments();
      else await this.reshape(reconfigure);
      if (this.enabled) await this.applyEnabled();
    });
  }

  deleted(remove: () => void): void {
    this.begin(
      "Deleting",
      async () => {
        await Promise.all(this.environments.map((environment) => environment.setEnabled(false)));
        await Promise.all(this.environments.map((environment) => environment.stop()));
      },
      remove,
    );
  }

  async shutDown(): Promise<void> {
    this.wanted = false;
    await Promise.all(this.environments.map((environment) => environment.stop()));
  }

  /** Enters `state` now and completes the transition after the response has gone. */
  private begin(
    state: EventSourceMappingState,
    work: () => Promise<void>,
    afterwards?: () => void,
  ): void {
    this.enter(state);
    const previous = this.transition;
    this.transition = (async () => {
      await previous;
      try {
        await Promise.all([work(), delay(this.plane.options.transitionMs)]);
      } catch (error) {
        this.plane.options.onError?.(error);
      }
      if (afterwards) afterwards();
      else this.enter(this.enabled ? "Enabled" : "Disabled");
    })();
  }

  private enter(state: EventSourceMappingState): void {
    this.current = state;
    this.lastModified = this.plane.options.now();
    for (const listener of [...this.listeners]) listener();
  }

  private concurrency(): number {
    return this.settings.maximumConcurrency ?? this.plane.options.defaultConcurrency;
  }

  private environment(): LambdaRunner {
    const { options } = this.plane;
    const environment = createLambdaRunner({
      sqsClient: options.sqs,
      queueUrl: this.queueUrl,
      queueArn: this.eventSourceArn,
      handler: this.fn.createHandler(),
      functionName: this.fn.functionName,
      timeoutMs: this.fn.timeoutMs,
      memoryLimitInMB: this.fn.memoryLimitInMB,
      maximumConcurrency: 1,
      pollWaitSeconds: options.pollWaitSeconds,
      onInvoke: options.onInvoke,
      onError: options.onError,
      ...this.runnerSettings(),
    });
    // Disabled until the mapping's state says otherwise, so nothing polls while Creating.
    void environment.setEnabled(false);
    if (this.wanted) environment.start();
    return environment;
  }

  private runnerSettings() {
    return {
      batchSize: this.settings.batchSize,
      maximumBatchingWindowMs: this.settings.windowSeconds * 1000,
      reportBatchItemFailures: this.settings.functionResponseTypes.includes(
        REPORT_BATCH_ITEM_FAILURES,
      ),
    };
  }

  private async applyEnabled(): Promise<void> {
    await Promise.all(this.environments.map((environment) => environment.setEnabled(this.enabled)));
  }

  /** Same function: environments stay warm; their number follows the concurrency. */
  private async reshape(reconfigure: boolean): Promise<void> {
    const target = this.concurrency();
    const surplus = this.environments.slice(target);
    this.environments = this.environments.slice(0, target);
    await Promise.all(surplus.map((environment) => environment.stop()));
    if (reconfigure) {
      await Promise.all(
        this.environments.map((environment) => environment.reconfigure(this.runnerSettings())),
      );
    }
    while (this.environments.length < target) this.environments.push(this.environment());
  }

  /** Another function: its own environments replace the old function's. */
  private async replaceEnvironments(): Promise<void> {
    const old = this.environments;
    this.environments = [];
    await Promise.all(old.map((environment) => environment.stop()));
    for (let i = 0; i < this.concurrency(); i++) this.environments.push(this.environment());
  }

  private async stopPollers(): Promise<void> {
    this.wanted = false;
    await Promise.all(this.environments.map((environment) => environment.stop()));
  }

  /**
   * Runs every environment until `isDone()` holds, then leaves the pollers as they were:
   * stopped if the drain started them, running if they already ran (autoStart). The first
   * environment watches the predicate (it re-checks after each of its polls and invocations,
   * and when the mapping is disabled or enabled); the others run alongside.
   */
  private async drain(isDone: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void> {
    const wasRunning = this.wanted;
    this.runner.start();
    const [watcher] = this.environments;
    try {
      await watcher?.drain(isDone, { timeoutMs });
    } finally {
      // The watcher's drain stopped it; it rejoins the others when they keep running.
      if (wasRunning) this.runner.start();
      else await this.stopPollers();
    }
  }
}

function sumStats(all: LambdaRunnerStats[]): LambdaRunnerStats {
  const total: LambdaRunnerStats = {
    invocations: 0,
    records: 0,
    succeeded: 0,
    failedItems: 0,
    batchFailures: 0,
    timeouts: 0,
    inFlight: 0,
    pollErrors: 0,
    deleteErrors: 0,
    receives: 0,
  };
  for (const stats of all) {
    for (const key of Object.keys(total) as (keyof LambdaRunnerStats)[]) total[key] += stats[key];
  }
  return total;
}
