import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsRequestEntry,
  ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type EventBridgeEmulator,
  startEventBridgeEmulator,
} from "../../emulators/eventbridge/index.js";
import { localAwsEnv, withEnv } from "../support/with-env.js";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };

function entry(overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    Source: "connect-onboarding",
    DetailType: "Connect User Created",
    Detail: JSON.stringify({ employeeId: "E1" }),
    EventBusName: "onboarding",
    ...overrides,
  };
}

/** A seeded generator, so injected failures are the same on every run. */
function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe("EventBridge emulator", () => {
  let emulator: EventBridgeEmulator;
  let client: EventBridgeClient;

  beforeEach(async () => {
    emulator = await startEventBridgeEmulator({ buses: ["onboarding"] });
    client = new EventBridgeClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials,
    });
  });

  afterEach(async () => {
    client.destroy();
    await emulator.stop();
  });

  it("records accepted events with parsed detail and returns an EventId for each", async () => {
    const time = new Date("2026-11-28T10:00:00.000Z");
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Time: time, Resources: ["arn:aws:connect:us-east-1:1:instance/i"] }),
          entry({ EventBusName: undefined, DetailType: "Connect User Provisioning Failed" }),
          entry({ EventBusName: "arn:aws:events:us-east-1:123456789012:event-bus/onboarding" }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(3);
    const events = emulator.events();
    expect(events.map((event) => event.id)).toEqual(result.Entries?.map((e) => e.EventId));
    expect(events[0]).toEqual({
      id: result.Entries?.[0]?.EventId,
      source: "connect-onboarding",
      detailType: "Connect User Created",
      detail: { employeeId: "E1" },
      eventBusName: "onboarding",
      resources: ["arn:aws:connect:us-east-1:1:instance/i"],
      time: time.toISOString(),
    });
    expect(events[1]?.eventBusName).toBe("default");
    expect(events[2]?.eventBusName).toBe("onboarding");
    expect(emulator.stats()).toEqual({ calls: 1, rejectedCalls: 0, entries: 3, failedEntries: 0 });
  });

  it.each([0, 11])("rejects a request of %i entries with a ValidationException", async (count) => {
    const entries = Array.from({ length: count }, () => entry());
    const error = await client.send(new PutEventsCommand({ Entries: entries })).catch((e) => e);
    expect(error).toBeInstanceOf(EventBridgeServiceException);
    expect(error.name).toBe("ValidationException");
    expect(error.$fault).toBe("client");
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/at 'entries' failed to satisfy constraint/);
    expect(emulator.events()).toEqual([]);
    expect(emulator.stats()).toMatchObject({ calls: 1, rejectedCalls: 1, entries: 0 });
  });

  it("rejects a request whose entries total more than 256 KB, as AWS does", async () => {
    const big = JSON.stringify({ payload: "p".repeat(256 * 1024 - 14) });
    const error = await client
      .send(new PutEventsCommand({ Entries: [entry({ Detail: big })] }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(EventBridgeServiceException);
    expect(error.name).toBe("ValidationException");
    expect(error.message).toBe("Total size of the entries in the request is over the limit.");
  });

  it("accepts entries totalling exactly 256 KB", async () => {
    const fixed = "connect-onboarding".length + "Connect User Created".length;
    const detail = JSON.stringify({ p: "x".repeat(256 * 1024 - fixed - 8) });
    expect(fixed + Buffer.byteLength(detail)).toBe(256 * 1024);
    const result = await client.send(
      new PutEventsCommand({ Entries: [entry({ Detail: detail })] }),
    );
    expect(result.FailedEntryCount).toBe(0);
  });

  it("reports per-entry validation failures at their index and keeps the valid ones", async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Source: undefined }),
          entry({ DetailType: "" }),
          entry({ Detail: undefined }),
          entry({ Detail: '"a string"' }),
          entry({ Detail: "[1,2]" }),
          entry({ Detail: "{not json" }),
          entry({ Detail: JSON.stringify(JSON.stringify({ a: 1 })) }),
          entry(),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(7);
    const codes = result.Entries?.map((e) => e.ErrorCode ?? "ok");
    expect(codes).toEqual([
      "InvalidArgument",
      "InvalidArgument",
      "InvalidArgument",
      "MalformedDetail",
      "MalformedDetail",
      "MalformedDetail",
      "MalformedDetail",
      "ok",
    ]);
    expect(result.Entries?.[0]?.ErrorMessage).toBe(
      "Parameter Source is not valid. Reason: Source is a required argument.",
    );
    expect(result.Entries?.[3]?.ErrorMessage).toBe("Detail is malformed.");
    expect(result.Entries?.[7]?.EventId).toBeDefined();
    expect(emulator.events()).toHaveLength(1);
    expect(emulator.stats()).toMatchObject({ entries: 8, failedEntries: 7 });
  });

  it("accepts events for an unknown bus like AWS does, but keeps them apart as dropped", async () => {
    const result = await client.send(
      new PutEventsCommand({ Entries: [entry({ EventBusName: "no-such-bus" })] }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.[0]?.EventId).toBeDefined();
    expect(emulator.events()).toEqual([]);
    expect(emulator.dropped().map((event) => event.eventBusName)).toEqual(["no-such-bus"]);
  });

  it("fails the next n entries on demand and counts them in FailedEntryCount", async () => {
    emulator.failNextEntries(2);
    emulator.failNextEntries(1, "ThrottlingException");
    const result = await client.send(
      new PutEventsCommand({
        Entries: [entry(), entry({ Detail: "[]" }), entry(), entry(), entry()],
      }),
    );
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries?.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "InternalFailure",
      "MalformedDetail",
      "InternalFailure",
      "ThrottlingException",
      "ok",
    ]);
    expect(emulator.events()).toHaveLength(1);
    expect(emulator.stats()).toMatchObject({ entries: 5, failedEntries: 4 });
  });

  it("injects failures at the configured rate, deterministically with an injected random", async () => {
    await emulator.stop();
    emulator = await startEventBridgeEmulator({
      buses: ["onboarding"],
      entryFailureRate: 0.5,
      random: sequence([0.1, 0.3, 0.7, 0.9]),
    });
    client.destroy();
    client = new EventBridgeClient({
      endpoint: emulator.endpoint,
      region: "us-east-1",
      credentials,
    });
    const send = () =>
      client.send(new PutEventsCommand({ Entries: [entry(), entry(), entry(), entry()] }));
    const first = await send();
    expect(first.FailedEntryCount).toBe(2);
    expect(first.Entries?.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "ThrottlingException",
      "InternalFailure",
      "ok",
      "ok",
    ]);
    emulator.setEntryFailureRate(0);
    expect((await send()).FailedEntryCount).toBe(0);
    expect(emulator.events()).toHaveLength(6);
    expect(emulator.stats()).toEqual({ calls: 2, rejectedCalls: 0, entries: 8, failedEntries: 2 });
  });

  it("serves a client configured only through AWS_ENDPOINT_URL_EVENTBRIDGE", async () => {
    const env = localAwsEnv("AWS_ENDPOINT_URL_EVENTBRIDGE", emulator.endpoint);
    const result = await withEnv(env, async () => {
      const fromEnv = new EventBridgeClient({});
      try {
        return await fromEnv.send(new PutEventsCommand({ Entries: [entry()] }));
      } finally {
        fromEnv.destroy();
      }
    });
    expect(result.FailedEntryCount).toBe(0);
    expect(emulator.events()).toHaveLength(1);
  });

  it("answers an unknown operation with UnknownOperationException", async () => {
    const response = await fetch(emulator.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSEvents.ListRules",
      },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await response.json()).toMatchObject({ __type: "UnknownOperationException" });
  });

  describe("DescribeEventBus", () => {
    it("describes a bus by name or ARN, and the default bus when no Name is given", async () => {
      const byName = await client.send(new DescribeEventBusCommand({ Name: "onboarding" }));
      expect(byName).toMatchObject({
        Name: "onboarding",
        Arn: "arn:aws:events:us-east-1:123456789012:event-bus/onboarding",
      });
      expect(byName.CreationTime).toBeInstanceOf(Date);
      expect(byName.LastModifiedTime).toBeInstanceOf(Date);
      const byArn = await client.send(new DescribeEventBusCommand({ Name: byName.Arn as string }));
      expect(byArn.Name).toBe("onboarding");
      const fallback = await client.send(new DescribeEventBusCommand({}));
      expect(fallback).toMatchObject({
        Name: "default",
        Arn: "arn:aws:events:us-east-1:123456789012:event-bus/default",
      });
    });

    it("answers ResourceNotFoundException for a bus that does not exist", async () => {
      const error = await client
        .send(new DescribeEventBusCommand({ Name: "connect-onbaording" }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect((error as ResourceNotFoundException).message).toBe(
        "Event bus connect-onbaording does not exist.",
      );
      expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(400);
    });

    it("validates Name against the model's length and pattern", async () => {
      for (const Name of ["bad name!", "x".repeat(1601)]) {
        const error = await client
          .send(new DescribeEventBusCommand({ Name }))
          .catch((e: unknown) => e);
        expect((error as Error).name, Name.slice(0, 20)).toBe("ValidationException");
      }
    });

    it("is read by the AWS CLI, a client nobody here wrote", async () => {
      const { stdout } = await promisify(execFile)(
        "aws",
        [
          "events",
          "describe-event-bus",
          "--name",
          "onboarding",
          "--endpoint-url",
          emulator.endpoint,
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_DEFAULT_REGION: "us-east-1",
          },
        },
      );
      expect(JSON.parse(stdout)).toMatchObject({
        Name: "onboarding",
        Arn: "arn:aws:events:us-east-1:123456789012:event-bus/onboarding",
        CreationTime: expect.any(Number),
      });
    });
  });
});
