/**
 * Fuzzing the handler in process: well over 10,000 generated message bodies (valid hires and
 * updates in every envelope, mutated ones, arbitrary JSON, arbitrary text, huge bodies, other
 * event types; a few employees recurring within a batch, at a few HR versions, so users are
 * updated and events go stale) in batches of 1 to 10, against mocked AWS clients that fail at
 * random (Connect throttling, 5xx, resets, full instance, duplicates owned by someone else, a
 * lagging search index; PutEvents partial and total failures; DLQ, mapping-table and ledger
 * outages). For every batch:
 * - the handler never throws;
 * - the response is valid: itemIdentifiers are unique messageIds of the batch;
 * - every record is classified exactly once: synced (its outcome event accepted by the bus, or
 *   nothing to announce: unchanged or stale), parked (the DLQ took it with a reason code), or
 *   reported in batchItemFailures;
 * - a record on its last delivery is parked, never handed back, unless the DLQ itself failed.
 * Fixed seed: the same bodies and the same faults on every run.
 */
import {
  ConnectClient,
  CreateUserCommand,
  DescribeUserCommand,
  DuplicateResourceException,
  InternalServiceException,
  InvalidParameterException,
  LimitExceededException,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  type ListUsersCommandInput,
  ResourceNotFoundException,
  SearchUsersCommand,
  type SearchUsersCommandInput,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  UpdateUserHierarchyCommand,
  UpdateUserIdentityInfoCommand,
  UpdateUserPhoneConfigCommand,
  UpdateUserRoutingProfileCommand,
  UpdateUserSecurityProfilesCommand,
} from "@aws-sdk/client-connect";
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
} from "@aws-sdk/client-eventbridge";
import { SendMessageCommand, type SendMessageCommandInput, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seededRandom } from "../../emulators/connect/testing.js";
import sampleRules from "../../events/mappings.json" with { type: "json" };
import { LedgerUnavailableError } from "../../shared/domain/failures.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";
import type { Ledger } from "../../shared/ports.js";
import { LogCapture } from "../reliability/support/observe.js";
import { publishedEventProblems } from "../support/event-contracts.js";
import { FakeClock } from "../support/fake-clock.js";
import { InMemoryLedger } from "../support/fake-ports.js";
import { lambdaContext, sqsRecord } from "../support/lambda-events.js";

const SEED = 20_261_128;
const RUNS = 2_000;
const MIN_BODIES = 10_000;
const MAX_RECEIVE_COUNT = 5;
const INSTANCE_ID = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";
const INSTANCE_ARN = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE_ID}`;

const ENV = {
  CONNECT_INSTANCE_ID: INSTANCE_ID,
  MAPPING_TABLE_NAME: "onboarding-mappings",
  EVENT_BUS_NAME: "onboarding",
  DLQ_URL: "http://sqs.us-east-1.localhost/123456789012/onboarding-dlq",
  MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
  LEDGER_TABLE_NAME: "onboarding-ledger",
  CONNECT_API_RPS: "50",
  POWERTOOLS_LOG_LEVEL: "DEBUG",
  POWERTOOLS_METRICS_DISABLED: "true",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "fuzz",
  AWS_SECRET_ACCESS_KEY: "fuzz",
};
Object.assign(process.env, ENV);
const { createHandler } = await import("../../functions/create-onboard-employee-handler.js");

// ---------------------------------------------------------------------------------------------
// Bodies

// Mostly plausible values with a tail of hostile ones, so every path gets its share.
const NAMES = ["José", "  Zoë ", "Søren", "\u200Fיעל", "🦄 Uni", "O'Brien", "Ann", "Łukasz"];
const name = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom("A".repeat(101), "Bell\u0007", " ", "\u001b[31m") },
);
const email = fc.oneof(
  { weight: 20, arbitrary: fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}@example\.com$/) },
  { weight: 1, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom("not-an-email", "", " a@b.co ", "x@y") },
);
const phone = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom("+14155550100", "+1 (415) 555-0100", "+15125550199") },
  { weight: 1, arbitrary: fc.constantFrom("555", "+0123", "(415) 555-0100") },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);
const attribute = (values: string[]) =>
  fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: name });
const employee = fc.record(
  {
    employeeId: fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^E[0-9]{1,6}$/) },
      // Recurring within a batch: the second event finds the first one's user.
      { weight: 3, arbitrary: fc.constantFrom("E1", "E2", "E3") },
      { weight: 1, arbitrary: fc.integer() },
      { weight: 1, arbitrary: name },
    ),
    firstName: name,
    lastName: name,
    preferredFirstName: name,
    workEmail: email,
    mobilePhone: phone,
    deskPhoneNumber: phone,
    department: attribute([
      "Customer Care",
      "Customer Care",
      " customer care ",
      "CUSTOMER CARE",
      "Sales",
      "Sales",
      "Quality",
      "Finance",
    ]),
    jobTitle: attribute(["Agent I", "Agent II", "Team Supervisor", "Analyst"]),
    location: attribute(["Austin", "Remote", "Kraków"]),
    directoryUserId: fc.string({ maxLength: 10 }),
  },
  { requiredKeys: ["employeeId", "firstName", "lastName", "workEmail"] },
);
const canonical = fc.record({
  eventType: fc.oneof(
    { weight: 14, arbitrary: fc.constant("EmployeeHired") },
    { weight: 6, arbitrary: fc.constantFrom("EmployeeUpdated", "EmployeeRehired") },
    { weight: 1, arbitrary: fc.constantFrom("EmployeeTerminated", " EmployeeHired ", 42, null) },
  ),
  eventId: fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^wd-[a-f0-9]{6}$/) },
    { weight: 1, arbitrary: name },
  ),
  occurredAt: fc.constantFrom(
    "2026-11-28T10:00:00Z",
    "2026-11-28T11:00:00Z",
    "2026-11-28T12:00:00+01:00",
  ),
  employee,
});

type Json = Record<string, unknown>;
const envelopes: ((event: Json) => unknown)[] = [
  (event) => event,
  (event) => ({
    version: "0",
    id: "eb-1",
    "detail-type": "Employee Hired",
    source: "hr",
    detail: event,
  }),
  (event) => ({ "detail-type": "EmployeeHired", id: "eb-2", detail: event.employee }),
  (event) => ({ Type: "Notification", MessageId: "sns-1", Message: JSON.stringify(event) }),
  (event) => ({ specversion: "1.0", type: "com.hr.employee.hired", id: "ce-1", data: event }),
  (event) => ({
    specversion: "1.0",
    type: "employee.hired",
    id: "ce-2",
    data: JSON.stringify(event),
  }),
  (event) => ({
    specversion: "1.0",
    type: "x.employee.hired",
    id: "ce-3",
    data_base64: Buffer.from(JSON.stringify(event)).toString("base64"),
  }),
  (event) => ({ "detail-type": "Employee Terminated", detail: event }),
  (event) => ({ version: "0", id: "eb-3", "detail-type": "Employee Updated", detail: event }),
  // SNS carrying EventBridge carrying CloudEvents: deeper than any real pipeline nests.
  (event) => ({
    Type: "Notification",
    Message: JSON.stringify({
      "detail-type": "Employee Hired",
      detail: { specversion: "1.0", type: "employee.hired", data: event },
    }),
  }),
];
const enveloped = fc
  .tuple(canonical, fc.nat(envelopes.length - 1))
  .map(([event, i]) => JSON.stringify((envelopes[i] as (e: Json) => unknown)(event)));

/** A valid-looking hire with one field replaced by arbitrary JSON, or removed. */
const mutated = fc
  .tuple(canonical, fc.boolean(), fc.string({ maxLength: 12 }), fc.option(fc.jsonValue()))
  .map(([event, inEmployee, key, value]) => {
    const target: Json = inEmployee ? (event.employee as Json) : event;
    const keys = Object.keys(target);
    const chosen = keys[key.length % Math.max(1, keys.length)] ?? key;
    if (value === null) delete target[chosen];
    else target[chosen] = value;
    return JSON.stringify(event);
  });

const HUGE = [
  JSON.stringify({
    eventType: "EmployeeHired",
    eventId: "big",
    employee: { notes: "x".repeat(270_000) },
  }),
  "[".repeat(300_000),
];
const TRICKY = [
  "",
  " ",
  "{",
  "null",
  "[]",
  '"EmployeeHired"',
  "\uFEFF{}",
  '{"__proto__":{"eventType":"EmployeeHired"}}',
  '{"Type":"Notification","Message":"{\\"Type\\":\\"Notification\\",\\"Message\\":\\"{}\\"}"}',
  '{"specversion":"1.0","type":"employee.hired","data_base64":"!!!"}',
  '{"detail-type":"Employee Hired","detail":null}',
  `{"eventType":"EmployeeHired","eventId":"e","employee":${"[".repeat(5_000)}${"]".repeat(5_000)}}`,
];
const body = fc.oneof(
  { weight: 16, arbitrary: enveloped },
  { weight: 4, arbitrary: mutated },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 40 })
      .map((n) => (n === 0 ? HUGE[0] : n === 1 ? HUGE[1] : TRICKY[0]) as string),
  },
);
const batch = fc.array(fc.record({ body, receiveCount: fc.integer({ min: 1, max: 6 }) }), {
  minLength: 1,
  maxLength: 10,
});

// ---------------------------------------------------------------------------------------------
// AWS, mocked, failing at random

const connect = mockClient(ConnectClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

const meta = { $metadata: {} };
const reset = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

/** A user as the mocked instance keeps it: what CreateUser and the updates wrote. */
interface FuzzUser {
  id: string;
  username: string;
  tags: Record<string, string>;
  identityInfo?: Json;
  phoneConfig?: Json;
  routingProfileId?: string;
  securityProfileIds?: string[];
  hierarchyGroupId?: string;
}

interface World {
  random: () => number;
  users: Map<string, FuzzUser>;
  /** Entries the bus accepted. */
  accepted: { detailType: string; detail: Json }[];
  /** messageIds the DLQ took, and those whose parking the DLQ refused. */
  parked: Set<string>;
  parkRefused: Set<string>;
  /** Connect answers 5xx to every CreateUser for the whole batch: in-process retries give up. */
  createUserDown: boolean;
}
let world: World;

const chance = (p: number) => world.random() < p;

const installMocks = () => {
  const profiles = (list: string, items: { Id: string; Name: string }[]) => () => {
    if (chance(0.01)) throw new InternalServiceException({ message: "injected", ...meta });
    return { [list]: items };
  };
  connect.on(ListRoutingProfilesCommand).callsFake(
    profiles("RoutingProfileSummaryList", [
      { Id: "rp-1", Name: "Basic Routing Profile" },
      { Id: "rp-2", Name: "Customer Care Routing" },
      { Id: "rp-3", Name: "Sales Routing" },
    ]),
  );
  connect.on(ListSecurityProfilesCommand).callsFake(
    profiles("SecurityProfileSummaryList", [
      { Id: "sp-1", Name: "Agent" },
      { Id: "sp-2", Name: "CallCenterManager" },
      { Id: "sp-3", Name: "Spanish QA" },
    ]),
  );
  connect.on(ListUserHierarchyGroupsCommand).callsFake(
    profiles("UserHierarchyGroupSummaryList", [
      { Id: "hg-1", Name: "Austin Team 1" },
      { Id: "hg-2", Name: "Remote Team" },
      { Id: "hg-3", Name: "Sales East" },
    ]),
  );
  connect.on(CreateUserCommand).callsFake((input: CreateInput) => {
    const key = input.Username.toLowerCase();
    const draw = world.random();
    if (world.createUserDown) throw new InternalServiceException({ message: "outage", ...meta });
    if (draw < 0.05) throw new ThrottlingException({ message: "Rate exceeded", ...meta });
    if (draw < 0.09) throw new InternalServiceException({ message: "injected", ...meta });
    if (draw < 0.11) throw reset();
    if (draw < 0.13) throw new LimitExceededException({ message: "users per instance", ...meta });
    if (draw < 0.15) throw new InvalidParameterException({ message: "rejected", ...meta });
    if (draw < 0.18 && !world.users.has(key))
      world.users.set(key, {
        id: `other-${key}`,
        username: key,
        tags: { employeeId: "SOMEONE-ELSE", managedBy: "connect-onboarding" },
      });
    if (world.users.has(key)) throw new DuplicateResourceException({ message: "exists", ...meta });
    const id = `u-${world.users.size + 1}`;
    world.users.set(key, {
      id,
      username: input.Username,
      tags: { ...input.Tags },
      identityInfo: input.IdentityInfo,
      phoneConfig: input.PhoneConfig,
      routingProfileId: input.RoutingProfileId,
      securityProfileIds: input.SecurityProfileIds,
      ...(input.HierarchyGroupId ? { hierarchyGroupId: input.HierarchyGroupId } : {}),
    });
    // Written, but the response is lost.
    if (chance(0.05)) throw reset();
    return { UserId: id, UserArn: `${INSTANCE_ARN}/agent/${id}` };
  });
  const described = (user: FuzzUser) => ({
    Id: user.id,
    Arn: `${INSTANCE_ARN}/agent/${user.id}`,
    Username: user.username,
    Tags: user.tags,
    IdentityInfo: user.identityInfo,
    PhoneConfig: user.phoneConfig,
    RoutingProfileId: user.routingProfileId ?? "rp-2",
    SecurityProfileIds: user.securityProfileIds ?? ["sp-1"],
    ...(user.hierarchyGroupId ? { HierarchyGroupId: user.hierarchyGroupId } : {}),
  });
  const summary = (user: FuzzUser) => ({
    Id: user.id,
    Username: user.username,
    Tags: user.tags,
  });
  connect.on(SearchUsersCommand).callsFake((input: SearchUsersCommandInput) => {
    if (chance(0.05)) throw new ThrottlingException({ message: "Rate exceeded", ...meta });
    // The index lags: a fresh user is not found, the ListUsers fallback must.
    if (chance(0.2)) return { Users: [] };
    const tag = input.SearchFilter?.TagFilter?.TagCondition;
    if (tag) {
      const tagged = [...world.users.values()].filter(
        (user) => user.tags[String(tag.TagKey)] === tag.TagValue,
      );
      return { Users: tagged.map(summary) };
    }
    const wanted = String(input.SearchCriteria?.StringCondition?.Value).toLowerCase();
    const user = world.users.get(wanted);
    return { Users: user ? [summary(user)] : [] };
  });
  /** An update of one aspect: throttled or failing now and then, applied otherwise. */
  const update =
    (apply: (user: FuzzUser, input: Json) => void) => (input: Json & { UserId?: string }) => {
      const draw = world.random();
      if (draw < 0.04) throw new ThrottlingException({ message: "Rate exceeded", ...meta });
      if (draw < 0.06) throw new InternalServiceException({ message: "injected", ...meta });
      const id = input.UserId ?? String(input.resourceArn).split("/").at(-1);
      const user = [...world.users.values()].find((candidate) => candidate.id === id);
      if (!user) throw new ResourceNotFoundException({ message: "gone", ...meta });
      apply(user, input);
      return {};
    };
  connect.on(UpdateUserRoutingProfileCommand).callsFake(
    update((user, input) => {
      user.routingProfileId = String(input.RoutingProfileId);
    }),
  );
  connect.on(UpdateUserSecurityProfilesCommand).callsFake(
    update((user, input) => {
      user.securityProfileIds = input.SecurityProfileIds as string[];
    }),
  );
  connect.on(UpdateUserHierarchyCommand).callsFake(
    update((user, input) => {
      if (input.HierarchyGroupId) user.hierarchyGroupId = String(input.HierarchyGroupId);
      else delete user.hierarchyGroupId;
    }),
  );
  connect.on(UpdateUserIdentityInfoCommand).callsFake(
    update((user, input) => {
      user.identityInfo = input.IdentityInfo as Json;
    }),
  );
  connect.on(UpdateUserPhoneConfigCommand).callsFake(
    update((user, input) => {
      user.phoneConfig = input.PhoneConfig as Json;
    }),
  );
  connect.on(TagResourceCommand).callsFake(
    update((user, input) => {
      Object.assign(user.tags, input.tags);
    }),
  );
  connect.on(UntagResourceCommand).callsFake(
    update((user, input) => {
      for (const key of input.tagKeys as string[]) delete user.tags[key];
    }),
  );
  connect.on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => {
    if (chance(0.05)) throw new InternalServiceException({ message: "injected", ...meta });
    const all = [...world.users.values()];
    const page = input.NextToken ? all.slice(1) : all.slice(0, 1);
    return {
      UserSummaryList: page.map((user) => ({ Id: user.id, Username: user.username })),
      ...(input.NextToken || all.length <= 1 ? {} : { NextToken: "page-2" }),
    };
  });
  connect.on(DescribeUserCommand).callsFake((input: { UserId: string }) => {
    const user = [...world.users.values()].find((candidate) => candidate.id === input.UserId);
    if (!user || chance(0.03)) throw new ResourceNotFoundException({ message: "gone", ...meta });
    return { User: described(user) };
  });
  dynamo.on(ScanCommand).callsFake(() => {
    if (chance(0.03)) throw Object.assign(new Error("injected"), { name: "InternalServerError" });
    return { Items: structuredClone(sampleRules) };
  });
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    if (chance(0.03)) throw Object.assign(new Error("injected"), { name: "InternalException" });
    const entries = input.Entries ?? [];
    const results = entries.map((entry) => {
      if (chance(0.1)) return { ErrorCode: "InternalFailure", ErrorMessage: "injected" };
      world.accepted.push({
        detailType: String(entry.DetailType),
        detail: JSON.parse(entry.Detail ?? "{}") as Json,
      });
      return { EventId: `eb-${world.accepted.length}` };
    });
    return {
      FailedEntryCount: results.filter((result) => "ErrorCode" in result).length,
      Entries: results,
    };
  });
  sqs.on(SendMessageCommand).callsFake((input: SendMessageCommandInput) => {
    const messageId = String(input.MessageAttributes?.sourceMessageId?.StringValue);
    if (chance(0.05)) {
      world.parkRefused.add(messageId);
      throw Object.assign(new Error("injected"), { name: "InternalError" });
    }
    if (!input.MessageAttributes?.failureReason?.StringValue)
      throw new Error("parked without a reason");
    world.parked.add(messageId);
    const reason = String(input.MessageAttributes?.failureReason?.StringValue);
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    return { MessageId: `dlq-${world.parked.size}` };
  });
};

interface CreateInput {
  Username: string;
  Tags?: Record<string, string>;
  IdentityInfo?: Json;
  PhoneConfig?: Json;
  RoutingProfileId?: string;
  SecurityProfileIds?: string[];
  HierarchyGroupId?: string;
}

/** The ledger, in memory, out of reach now and then as DynamoDB can be. */
const faultyLedger = (clock: FakeClock): Ledger => {
  const ledger = new InMemoryLedger(() => clock.now());
  const outage = () => {
    if (chance(0.02)) throw new LedgerUnavailableError("ledger table t could not be written");
  };
  return {
    claim: async (...args) => {
      outage();
      return ledger.claim(...args);
    },
    recordProgress: async (...args) => {
      outage();
      return ledger.recordProgress(...args);
    },
    commit: async (...args) => {
      outage();
      return ledger.commit(...args);
    },
    release: async (...args) => {
      outage();
      return ledger.release(...args);
    },
    appendHistory: async (...args) => {
      outage();
      return ledger.appendHistory(...args);
    },
  };
};

// ---------------------------------------------------------------------------------------------

/** Messages parked, by reason code: every path of the taxonomy must be reached. */
const reasons: Record<string, number> = {};
const logs = new LogCapture();
beforeAll(() => {
  installMocks();
  logs.start();
});
afterAll(() => logs.stop());

it(`classifies every one of ${MIN_BODIES}+ generated bodies and never throws`, async () => {
  let bodies = 0;
  const outcomes = { announced: 0, redelivered: 0, quiet: 0, parked: 0, retried: 0 };
  await fc.assert(
    fc.asyncProperty(batch, fc.integer(), async (items, faultSeed) => {
      const random = seededRandom(faultSeed);
      world = {
        random,
        users: new Map(),
        accepted: [],
        parked: new Set(),
        parkRefused: new Set(),
        createUserDown: random() < 0.03,
      };
      bodies += items.length;
      const records: SQSRecord[] = items.map((item, i) =>
        sqsRecord(item.body, { messageId: `m-${bodies}-${i}`, receiveCount: item.receiveCount }),
      );
      const clock = new FakeClock();
      const handler = createHandler(process.env, { clock, ledger: faultyLedger(clock) });
      const logMark = logs.mark();
      let response: SQSBatchResponse;
      try {
        response = (await handler({ Records: records }, lambdaContext())) as SQSBatchResponse;
      } catch (error) {
        throw new Error(`the handler threw: ${String(error)}`);
      }

      // What the bus accepted conforms to the schemas subscribers build against.
      expect(publishedEventProblems(world.accepted)).toEqual([]);
      const ids = new Set(records.map((record) => record.messageId));
      expect(Array.isArray(response?.batchItemFailures)).toBe(true);
      const failed = response.batchItemFailures.map((item) => item.itemIdentifier);
      expect(new Set(failed).size).toBe(failed.length);
      for (const id of failed) expect(ids.has(id)).toBe(true);

      for (const [i, record] of records.entries()) {
        const inFailures = failed.includes(record.messageId);
        const parked = world.parked.has(record.messageId);
        const item = items[i] as { receiveCount: number };
        expect(inFailures && parked, `${record.messageId} both parked and retried`).toBe(false);
        if (inFailures) {
          outcomes.retried++;
          // On the last delivery the function parks; only a DLQ outage may hand it back.
          if (item.receiveCount >= MAX_RECEIVE_COUNT)
            expect(world.parkRefused.has(record.messageId), "last attempt handed back").toBe(true);
          continue;
        }
        if (parked) {
          outcomes.parked++;
          continue;
        }
        // Neither retried nor parked: a valid event, synced, with its outcome in the logs. What
        // it did must have reached the bus: its own events, or on a redelivery of a version
        // already applied, that version's again; unchanged and stale announce nothing.
        const parsed = parseMessageBody(record.body);
        expect(parsed.ok, `record ${i} vanished: ${record.body.slice(0, 120)}`).toBe(true);
        if (!parsed.ok) continue;
        const { eventId, employee } = parsed.event;
        const outcome = logs
          .jsonLinesSince(logMark)
          .find(
            (line) => line.messageId === record.messageId && line.outcome !== undefined,
          )?.outcome;
        const accepted = (types: string[], own: boolean) =>
          world.accepted.some(
            (event) =>
              types.includes(event.detailType) &&
              event.detail.employeeId === employee.employeeId &&
              (!own || event.detail.sourceEventId === eventId),
          );
        const CREATED = "Connect User Created";
        const UPDATED = "Connect User Updated";
        if (outcome === "CREATED" || outcome === "ALREADY_EXISTED") {
          expect(accepted([CREATED], true), `record ${i}: ${outcome} unannounced`).toBe(true);
          outcomes.announced++;
        } else if (outcome === "UPDATED") {
          expect(accepted([UPDATED], true), `record ${i}: UPDATED unannounced`).toBe(true);
          outcomes.announced++;
        } else if (outcome === "REDELIVERED") {
          expect(accepted([CREATED, UPDATED], false), `record ${i}: redelivery silent`).toBe(true);
          outcomes.redelivered++;
        } else {
          expect(["UNCHANGED", "STALE"], `record ${i} synced with no outcome logged`).toContain(
            outcome,
          );
          outcomes.quiet++;
        }
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  logs.stop();
  console.log(
    `FUZZ bodies=${bodies} batches=${RUNS} announced=${outcomes.announced} redelivered=${outcomes.redelivered} unchanged-or-stale=${outcomes.quiet} parked=${outcomes.parked} retried=${outcomes.retried} seed=${SEED} parked-by-reason=${JSON.stringify(reasons)}`,
  );
  expect(bodies).toBeGreaterThanOrEqual(MIN_BODIES);
  // Names are too varied to search for here, but contacts have a shape: none in any log line.
  const text = logs.text();
  expect(text.length).toBeGreaterThan(0);
  expect(text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []).toEqual([]);
  expect(text.match(/\+\d{8,15}/g) ?? []).toEqual([]);
  expect(outcomes.announced).toBeGreaterThan(0);
  expect(outcomes.redelivered).toBeGreaterThan(0);
  expect(outcomes.quiet).toBeGreaterThan(0);
  expect(outcomes.parked).toBeGreaterThan(0);
  expect(outcomes.retried).toBeGreaterThan(0);
  for (const reason of ["InvalidJson", "InvalidEvent", "UnsupportedEventType", "PayloadTooLarge"])
    expect(reasons[reason], reason).toBeGreaterThan(0);
  for (const reason of ["NoMappingRule", "ProfileNotFound", "MissingDeskPhone", "UsernameTaken"])
    expect(reasons[reason], reason).toBeGreaterThan(0);
  for (const reason of ["ConnectRejected", "UserQuotaExceeded", "ConnectUnavailable"])
    expect(reasons[reason], reason).toBeGreaterThan(0);
}, 300_000);
