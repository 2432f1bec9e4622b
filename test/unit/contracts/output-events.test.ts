/**
 * The bus's contract and the function's events agree: every event the domain builds, whatever
 * its facts, validates against its committed schema (docs/schemas/) and its zod schema; the check
 * the test suites run on published events (test/support/event-contracts.ts) catches an event that
 * strays from its schema; and the DetailTypes the function knows are the contract's.
 */
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as contract from "../../../shared/contracts/detail-types.js";
import {
  OUTPUT_DETAIL_SCHEMAS,
  type UserChangeDetail,
} from "../../../shared/contracts/output-events.js";
import { IDENTITY_FIELDS, PHONE_FIELDS } from "../../../shared/domain/connect-user.js";
import { QUARANTINE_REASONS, REASON_CODES } from "../../../shared/domain/failures.js";
import {
  DETAIL_TYPES,
  type OutputEvent,
  provisioningFailedEvent,
  provisioningQuarantinedEvent,
  provisioningResumedEvent,
  userCreatedEvent,
  userUpdatedEvent,
} from "../../../shared/domain/output-events.js";
import type { Aspect, UserChange } from "../../../shared/domain/plan.js";
import { checkWatchedEvents, publishedEventProblems } from "../../support/event-contracts.js";
import { RecordingPublisher } from "../../support/fake-ports.js";

const SEED = 20261201;

const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/);
const uuidLike = fc.uuid();
const arnOf = (instance: string, user: string) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${instance}/agent/${user}`;
const instanceId = fc.stringMatching(/^[a-f0-9-]{1,36}$/);
const when = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2099-12-31T23:59:59Z"),
  noInvalidDate: true,
});
const names = fc.array(id, { maxLength: 4 });
const phone = fc.record({
  PhoneType: fc.constantFrom("SOFT_PHONE" as const, "DESK_PHONE" as const, null),
  AutoAccept: fc.boolean(),
  AfterContactWorkTimeLimit: fc.nat({ max: 2_000_000 }),
});
const tags = fc.dictionary(id, fc.option(fc.string({ maxLength: 20 }), { nil: null }), {
  maxKeys: 3,
});

/** Every change the plan can make, as plan.ts types it. */
const change: fc.Arbitrary<UserChange> = fc.oneof(
  fc.record({ aspect: fc.constant("routingProfile" as const), from: id, to: id }),
  fc.record({ aspect: fc.constant("securityProfiles" as const), from: names, to: names }),
  fc.record({
    aspect: fc.constant("hierarchyGroup" as const),
    from: fc.option(id, { nil: null }),
    to: fc.option(id, { nil: null }),
  }),
  fc.record({
    aspect: fc.constant("identityInfo" as const),
    from: fc.constant(null),
    to: fc.constant(null),
    fields: fc.subarray([...IDENTITY_FIELDS], { minLength: 1 }),
  }),
  fc.record({
    aspect: fc.constant("phoneConfig" as const),
    from: phone,
    to: phone,
    fields: fc.subarray([...PHONE_FIELDS], { minLength: 1 }),
  }),
  fc.record({ aspect: fc.constant("tags" as const), from: tags, to: tags }),
  fc.record({ aspect: fc.constant("status" as const), from: id, to: id }),
);

const userFacts = fc
  .record({
    sourceEventId: id,
    employeeId: id,
    instanceId,
    version: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    userId: uuidLike,
    username: fc.emailAddress(),
    ruleId: id,
  })
  .map((facts) => ({ ...facts, userArn: arnOf(facts.instanceId, facts.userId) }));

const created = fc
  .tuple(
    userFacts,
    id,
    names,
    fc.option(id, { nil: undefined }),
    fc.constantFrom("CREATED" as const, "ALREADY_EXISTED" as const),
    when,
  )
  .map(([facts, routingProfileId, securityProfileIds, hierarchyGroupId, outcome, now]) =>
    userCreatedEvent(
      "connect-onboarding",
      {
        ...facts,
        routingProfileId,
        securityProfileIds,
        ...(hierarchyGroupId === undefined ? {} : { hierarchyGroupId }),
        outcome,
      },
      now,
    ),
  );

const updated = fc
  .tuple(
    userFacts,
    fc.array(change, { minLength: 1, maxLength: 7 }),
    fc.option(fc.record({ current: fc.emailAddress(), desired: fc.emailAddress() }), {
      nil: undefined,
    }),
    when,
  )
  .map(([facts, changes, usernameDrift, now]) =>
    userUpdatedEvent(
      "connect-onboarding",
      { ...facts, changes, ...(usernameDrift ? { usernameDrift } : {}) },
      now,
    ),
  );

const failed = fc
  .tuple(
    instanceId,
    fc.option(id, { nil: null }),
    fc.option(id, { nil: null }),
    fc.constantFrom(...REASON_CODES),
    fc.string({ maxLength: 200 }),
    id,
    when,
  )
  .map(([instanceId, sourceEventId, employeeId, reason, message, failureKey, now]) =>
    provisioningFailedEvent(
      "connect-onboarding",
      { instanceId, sourceEventId, employeeId, reason, message, failureKey },
      now,
    ),
  );

const quarantineFacts = fc.record({
  instanceId,
  reason: fc.constantFrom(...QUARANTINE_REASONS),
  since: fc
    .date({
      min: new Date("2020-01-01T00:00:00Z"),
      max: new Date("2040-01-01T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  counts: fc.record({
    windowRecords: fc.nat(1000),
    windowFailed: fc.nat(1000),
    heldBack: fc.nat(100_000),
  }),
});
const quarantined = fc
  .tuple(quarantineFacts, when)
  .map(([facts, now]) => provisioningQuarantinedEvent("connect-onboarding", facts, now));
const resumed = fc
  .tuple(quarantineFacts, fc.nat(1000), when)
  .map(([facts, allowRemovals, now]) =>
    provisioningResumedEvent("connect-onboarding", { ...facts, allowRemovals }, now),
  );

describe("the events the function builds", () => {
  it("validate against their committed schemas and their zod schemas, whatever their facts", () => {
    fc.assert(
      fc.property(
        fc.oneof(created, updated, failed, quarantined, resumed),
        (event: OutputEvent) => {
          expect(publishedEventProblems([event])).toEqual([]);
          const parsed = OUTPUT_DETAIL_SCHEMAS[event.detailType].safeParse(event.detail);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("use the contract's DetailTypes, one module for the function and subscribers", () => {
    expect(DETAIL_TYPES).toBe(contract.DETAIL_TYPES);
    expect(Object.keys(OUTPUT_DETAIL_SCHEMAS)).toEqual([...contract.DETAIL_TYPES]);
  });

  it("has a change shape for every aspect the plan changes", () => {
    // userUpdatedEvent's return type is the contract's Detail: shared/domain/output-events.ts
    // compiles only while every plan change fits it. This holds the converse: no aspect without
    // its shape, no shape without its aspect.
    expectTypeOf<UserChangeDetail["aspect"]>().toEqualTypeOf<Aspect>();
  });
});

describe("the published-event check the suites run", () => {
  const valid = () =>
    provisioningFailedEvent(
      "connect-onboarding",
      {
        instanceId: "i-1",
        sourceEventId: "e-1",
        employeeId: "E1",
        reason: "NoMappingRule",
        message: "no mapping rule applies",
        failureKey: "e-1",
      },
      new Date(0),
    );

  it("passes a conforming event", () => {
    expect(publishedEventProblems([valid()])).toEqual([]);
  });

  it("names a member the schema does not know, a missing one, a wrong value, an unknown DetailType", () => {
    const event = valid();
    const problems = publishedEventProblems([
      { detailType: event.detailType, detail: { ...event.detail, workEmail: "a@b.co" } },
      { detailType: event.detailType, detail: { ...event.detail, reason: undefined } },
      { detailType: event.detailType, detail: { ...event.detail, reason: "Oops" } },
      { detailType: "Connect User Deleted", detail: event.detail },
    ]);
    expect(problems.join("\n")).toContain("(workEmail)");
    expect(problems.join("\n")).toContain("must have required property 'reason'");
    expect(problems.join("\n")).toContain("/reason must be equal to one of the allowed values");
    expect(problems.join("\n")).toContain('"Connect User Deleted" is not a DetailType');
  });

  it("sees what a RecordingPublisher was given, once, after the test that published it", async () => {
    checkWatchedEvents();
    const bus = new RecordingPublisher();
    await bus.publish(valid());
    const stray = valid();
    await bus.publish({
      ...stray,
      detail: { ...stray.detail, password: "hunter2" },
    } as unknown as OutputEvent);
    const problems = checkWatchedEvents();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("(password)");
    // Checked once: the setup file's own check after this test finds nothing left.
    expect(checkWatchedEvents()).toEqual([]);
  });
});
