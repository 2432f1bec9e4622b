import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventBridgePublisher } from "../../../shared/adapters/eventbridge-publisher.js";
import { deadlineAt, NO_DEADLINE } from "../../../shared/application/deadline.js";
import { EventPublishFailedError } from "../../../shared/domain/failures.js";
import { type OutputEvent, provisioningFailedEvent } from "../../../shared/domain/output-events.js";
import { FakeClock } from "../../support/fake-clock.js";

const bus = mockClient(EventBridgeClient);
/** The n-th event: its sourceEventId says which. */
const event = (n: number): OutputEvent =>
  provisioningFailedEvent(
    "connect-onboarding",
    {
      instanceId: "i-1",
      sourceEventId: `e-${n}`,
      employeeId: "E-1",
      reason: "NoMappingRule",
      message: "no mapping rule applies",
      failureKey: `e-${n}`,
    },
    new Date(0),
  );
const callSizes = () =>
  bus.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length);
const accepted = (input: { Entries: PutEventsRequestEntry[] }) => ({
  FailedEntryCount: 0,
  Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
});

let publisher: EventBridgePublisher;
beforeEach(() => {
  bus.reset();
  bus.on(PutEventsCommand).callsFake(accepted);
  publisher = new EventBridgePublisher(
    new EventBridgeClient({ region: "us-east-1" }),
    "onboarding",
    new FakeClock(),
    {
      maxAttempts: 3,
      baseDelayMs: 1,
      maxWaitMs: 60_000,
    },
  );
});

/** A piece of tracked work that publishes when told to. */
const trackedWork = (n: number) => {
  let go: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    go = resolve;
  });
  const done = publisher.track(async () => {
    await ready;
    await publisher.publish(event(n), NO_DEADLINE);
  });
  return { go, done };
};

describe("EventBridgePublisher", () => {
  it("sends untracked events of the same turn together, on the bus named", async () => {
    await Promise.all([
      publisher.publish(event(1), NO_DEADLINE),
      publisher.publish(event(2), NO_DEADLINE),
    ]);
    expect(callSizes()).toEqual([2]);
    expect(bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe(
      "onboarding",
    );
  });

  it("holds a tracked record's event until every tracked record is waiting on the bus", async () => {
    const works = [1, 2, 3].map(trackedWork);
    works[0]?.go();
    works[2]?.go();
    await new Promise((resolve) => setImmediate(resolve));
    expect(callSizes()).toEqual([]);
    works[1]?.go();
    await Promise.all(works.map((w) => w.done));
    expect(callSizes()).toEqual([3]);
  });

  it("sends when tracked work that publishes nothing finishes", async () => {
    const quiet = publisher.track(async () => "parked elsewhere");
    const loud = trackedWork(1);
    loud.go();
    await Promise.all([quiet, loud.done]);
    expect(callSizes()).toEqual([1]);
  });

  it("never puts more than 10 entries in a call", async () => {
    const works = Array.from({ length: 23 }, (_, i) => trackedWork(i));
    for (const work of works) work.go();
    await Promise.all(works.map((w) => w.done));
    expect(callSizes()).toEqual([10, 10, 3]);
  });

  it("does not hold an event longer than maxWaitMs for work that is slow to publish", async () => {
    publisher = new EventBridgePublisher(
      new EventBridgeClient({ region: "us-east-1" }),
      "onboarding",
      new FakeClock(),
      {
        maxAttempts: 3,
        baseDelayMs: 1,
        maxWaitMs: 5,
      },
    );
    const slow = trackedWork(1);
    const fast = trackedWork(2);
    fast.go();
    await fast.done;
    expect(callSizes()).toEqual([1]);
    slow.go();
    await slow.done;
    expect(callSizes()).toEqual([1, 1]);
  });

  it("retries only the refused entries and rejects the ones still refused after the last attempt", async () => {
    bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((entry) =>
        JSON.parse(entry.Detail ?? "{}").sourceEventId === "e-2"
          ? { ErrorCode: "InternalFailure" }
          : { EventId: "ok" },
      ),
    }));
    const results = await Promise.allSettled([
      publisher.publish(event(1), NO_DEADLINE),
      publisher.publish(event(2), NO_DEADLINE),
    ]);
    expect(results[0]?.status).toBe("fulfilled");
    expect(results[1]).toMatchObject({
      status: "rejected",
      reason: expect.any(EventPublishFailedError),
    });
    expect(callSizes()).toEqual([2, 1, 1]);
  });

  it("bounds each call by its entries' earliest deadline and never waits past an entry's own", async () => {
    const clock = new FakeClock(0);
    publisher = new EventBridgePublisher(
      new EventBridgeClient({ region: "us-east-1" }),
      "onboarding",
      clock,
      { maxAttempts: 4, baseDelayMs: 100, maxWaitMs: 60_000 },
    );
    bus
      .on(PutEventsCommand)
      .rejectsOnce(Object.assign(new Error("Request aborted"), { name: "AbortError" }))
      .callsFake(accepted);
    const soon = deadlineAt(50, clock);
    const later = deadlineAt(10_000, clock);

    const results = await Promise.allSettled([
      publisher.publish(event(1), soon),
      publisher.publish(event(2), later),
    ]);

    // One call for both, with the earlier signal; then only the entry with time left, alone.
    const calls = bus.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([2, 1]);
    const signals = calls.map(
      (call) => ((call.args as unknown[])[1] as { abortSignal?: AbortSignal }).abortSignal,
    );
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBe(soon.signal);
    expect(signals[1]).toBe(later.signal);
    expect(results[0]).toMatchObject({
      status: "rejected",
      reason: expect.any(EventPublishFailedError),
    });
    expect((results[0] as PromiseRejectedResult).reason.message).toContain(
      "no answer before the deadline",
    );
    expect(results[1]?.status).toBe("fulfilled");
    expect(clock.sleeps).toEqual([100]);
  });

  it("refuses at once an entry whose deadline has already passed", async () => {
    const clock = new FakeClock(0);
    const passed = deadlineAt(0, clock);
    await expect(publisher.publish(event(1), passed)).rejects.toBeInstanceOf(
      EventPublishFailedError,
    );
    expect(callSizes()).toEqual([]);
  });
});
