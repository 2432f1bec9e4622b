import {
  AccessDeniedException,
  ConnectServiceException,
  CreateUserCommand,
  type CreateUserCommandInput,
  DescribeUserCommand,
  InternalServiceException,
  ListUsersCommand,
  ThrottlingException,
} from "@aws-sdk/client-connect";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ConnectEmulator,
  type ConnectSeed,
  DEFAULT_QUOTAS,
  parseConnectSeed,
  startConnectEmulator,
} from "../../emulators/connect/index.js";
import {
  connectClientFor,
  type ManualClock,
  manualClock,
  seededRandom,
} from "../../emulators/connect/testing.js";
import { TokenBucket } from "../../emulators/connect/token-bucket.js";

const seed: ConnectSeed = {
  instance: { id: "11111111-2222-3333-4444-555555555555", identityManagementType: "SAML" },
  routingProfiles: [{ id: "rp-1", name: "Basic Routing Profile" }],
  securityProfiles: [{ id: "sp-1", name: "Agent" }],
};

let counter = 0;
function createInput(emulator: ConnectEmulator): CreateUserCommandInput {
  counter++;
  return {
    InstanceId: emulator.instanceId,
    Username: `load${counter}@example.com`,
    IdentityInfo: { FirstName: "Load", LastName: `Tester ${counter}` },
    PhoneConfig: { PhoneType: "SOFT_PHONE" },
    RoutingProfileId: "rp-1",
    SecurityProfileIds: ["sp-1"],
  };
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => "ok",
    (error: unknown) => error,
  );
}

let emulator: ConnectEmulator | undefined;
let clock: ManualClock;

async function start(extra: Partial<ConnectSeed> = {}): Promise<ConnectEmulator> {
  clock = manualClock();
  emulator = await startConnectEmulator(
    { ...seed, ...extra },
    {
      now: clock.now,
      random: seededRandom(7),
    },
  );
  return emulator;
}

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

describe("token buckets", () => {
  it("use the documented default for CreateUser: 2 rps, burst 5", () => {
    expect(DEFAULT_QUOTAS.CreateUser).toEqual({ rps: 2, burst: 5 });
  });

  it("refill from the clock, with no timers", () => {
    const bucket = new TokenBucket({ rps: 2, burst: 5 }, 0);
    expect(Array.from({ length: 6 }, () => bucket.tryTake(0))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.tryTake(499)).toBe(false);
    expect(bucket.tryTake(500)).toBe(true);
    expect(bucket.tryTake(500)).toBe(false);
    expect(Array.from({ length: 6 }, () => bucket.tryTake(100_000)).filter(Boolean)).toHaveLength(
      5,
    );
  });

  it("let exactly `burst` of 20 concurrent CreateUser calls from several callers through", async () => {
    const emu = await start({ quotas: { CreateUser: { rps: 2, burst: 5 } } });
    const clients = [connectClientFor(emu), connectClientFor(emu)];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        settle(
          (clients[i % 2] ?? clients[0])?.send(new CreateUserCommand(createInput(emu))) ??
            Promise.resolve(),
        ),
      ),
    );
    const throttled = outcomes.filter((o) => o instanceof ThrottlingException);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(5);
    expect(throttled).toHaveLength(15);
    for (const error of throttled) {
      expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
    }
    expect(emu.users()).toHaveLength(5);

    clock.advance(1000); // 2 rps → two more tokens
    const next = await Promise.all(
      Array.from({ length: 3 }, () =>
        settle(clients[0]?.send(new CreateUserCommand(createInput(emu))) ?? Promise.resolve()),
      ),
    );
    expect(next.filter((o) => o === "ok")).toHaveLength(2);
    expect(emu.stats().CreateUser).toMatchObject({ requests: 23, ok: 7, throttled: 16, faults: 0 });
    for (const c of clients) c.destroy();
  });

  it("are per API: throttling CreateUser leaves ListUsers alone", async () => {
    const emu = await start({ quotas: { CreateUser: { rps: 0, burst: 0 } } });
    const client = connectClientFor(emu);
    const error = await settle(client.send(new CreateUserCommand(createInput(emu))));
    expect(error).toBeInstanceOf(ThrottlingException);
    const listed = await client.send(new ListUsersCommand({ InstanceId: emu.instanceId }));
    expect(listed.$metadata.httpStatusCode).toBe(200);
    emu.setQuota("CreateUser", { rps: 1, burst: 1 });
    expect(await settle(client.send(new CreateUserCommand(createInput(emu))))).toBe("ok");
    client.destroy();
  });
});

describe("injected faults", () => {
  it("errorRate 1 → InternalServiceException (500)", async () => {
    const emu = await start({ faults: { CreateUser: { errorRate: 1 } } });
    const client = connectClientFor(emu);
    const error = await settle(client.send(new CreateUserCommand(createInput(emu))));
    expect(error).toBeInstanceOf(InternalServiceException);
    expect((error as InternalServiceException).$metadata.httpStatusCode).toBe(500);
    expect(emu.users()).toHaveLength(0);
    expect(emu.stats().CreateUser).toMatchObject({ requests: 1, faults: 1, ok: 0 });
    client.destroy();
  });

  it("deniedRate 1 → AccessDeniedException (403, per the service model), before throttling, nothing created", async () => {
    const emu = await start({ faults: { "*": { deniedRate: 1 } } });
    emu.setQuota("CreateUser", { rps: 1, burst: 1 });
    const client = connectClientFor(emu);
    for (let i = 0; i < 3; i++) {
      const error = await settle(client.send(new CreateUserCommand(createInput(emu))));
      expect(error).toBeInstanceOf(AccessDeniedException);
      expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
    }
    expect(emu.users()).toHaveLength(0);
    // IAM refuses before the rate limit counts: no call was throttled, none took a token.
    expect(emu.stats().CreateUser).toMatchObject({
      requests: 3,
      throttled: 0,
      clientErrors: 3,
      ok: 0,
    });
    emu.setFaults("*", { deniedRate: 0 });
    expect(await settle(client.send(new CreateUserCommand(createInput(emu))))).toBe("ok");
    client.destroy();
  });

  it("throttleRate 1 → ThrottlingException even with tokens left", async () => {
    const emu = await start();
    emu.setFaults("CreateUser", { throttleRate: 1 });
    const client = connectClientFor(emu);
    const error = await settle(client.send(new CreateUserCommand(createInput(emu))));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(emu.stats().CreateUser?.throttled).toBe(1);
    client.destroy();
  });

  it("dropRate 1 → the connection is destroyed and nothing is created", async () => {
    const emu = await start();
    emu.setFaults("CreateUser", { dropRate: 1 });
    const client = connectClientFor(emu);
    const error = await settle(client.send(new CreateUserCommand(createInput(emu))));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConnectServiceException);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      undefined,
    );
    expect(emu.users()).toHaveLength(0);
    expect(emu.stats().CreateUser).toMatchObject({ faults: 1, ok: 0 });
    client.destroy();
  });

  it("dropAfterRate 1 → the user is created but the response is lost", async () => {
    const emu = await start();
    emu.setFaults("CreateUser", { dropAfterRate: 1 });
    const client = connectClientFor(emu);
    const input = createInput(emu);
    const error = await settle(client.send(new CreateUserCommand(input)));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConnectServiceException);
    expect(emu.users().map((u) => u.username)).toEqual([input.Username]);
    client.destroy();
  });

  it("hangRate 1 → the request is accepted and never answered; nothing is created", async () => {
    const emu = await start({ faults: { CreateUser: { hangRate: 1 } } });
    const client = connectClientFor(emu);
    const abort = new AbortController();
    const pending = settle(
      client.send(new CreateUserCommand(createInput(emu)), { abortSignal: abort.signal }),
    );
    // Held, not answered: the request arrived and is counted, and nothing settles it.
    for (let i = 0; i < 200 && emu.stats().CreateUser?.hung === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emu.stats().CreateUser).toMatchObject({ requests: 1, hung: 1, faults: 1, ok: 0 });
    const raced = await Promise.race([pending, new Promise((r) => setImmediate(() => r("open")))]);
    expect(raced).toBe("open");
    // Only the client giving up ends it.
    abort.abort();
    expect(((await pending) as Error).name).toBe("AbortError");
    expect(emu.users()).toHaveLength(0);
    // Other APIs still answer.
    expect(await settle(client.send(new ListUsersCommand({ InstanceId: emu.instanceId })))).toBe(
      "ok",
    );
    client.destroy();
  });

  it("stop() ends hung requests instead of waiting for them", async () => {
    const emu = await start();
    emu.setFaults("*", { hangRate: 1 });
    const client = connectClientFor(emu);
    const pending = settle(client.send(new ListUsersCommand({ InstanceId: emu.instanceId })));
    for (let i = 0; i < 200 && emu.stats().ListUsers?.hung === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emu.stats().ListUsers?.hung).toBe(1);
    await emu.stop();
    emulator = undefined;
    // The client sees the connection go, as when an endpoint goes away mid-request.
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConnectServiceException);
    client.destroy();
  });

  it("hangRate is read from the seed and checked like the other rates", async () => {
    expect(() => parseConnectSeed({ ...seed, faults: { CreateUser: { hangRate: 1.5 } } })).toThrow(
      /faults\.CreateUser\.hangRate must be a probability/,
    );
    expect(parseConnectSeed({ ...seed, faults: { "*": { hangRate: 0.25 } } }).faults).toEqual({
      "*": { hangRate: 0.25 },
    });
  });

  it('"*" applies to every API, an API entry overrides it', async () => {
    const emu = await start({ faults: { "*": { errorRate: 1 }, ListUsers: { errorRate: 0 } } });
    const client = connectClientFor(emu);
    expect(await settle(client.send(new CreateUserCommand(createInput(emu))))).toBeInstanceOf(
      InternalServiceException,
    );
    expect(
      await settle(
        client.send(new DescribeUserCommand({ InstanceId: emu.instanceId, UserId: "x" })),
      ),
    ).toBeInstanceOf(InternalServiceException);
    expect(await settle(client.send(new ListUsersCommand({ InstanceId: emu.instanceId })))).toBe(
      "ok",
    );
    client.destroy();
  });

  it("rates in between are reproducible with a seeded random source", async () => {
    const run = async () => {
      const emu = await start({
        quotas: { CreateUser: { rps: 1000, burst: 1000 } },
        faults: { CreateUser: { errorRate: 0.5 } },
      });
      const client = connectClientFor(emu);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        const outcome = await settle(client.send(new CreateUserCommand(createInput(emu))));
        outcomes.push(outcome === "ok" ? "ok" : (outcome as Error).name);
      }
      client.destroy();
      await emu.stop();
      emulator = undefined;
      return outcomes;
    };
    const first = await run();
    expect(first).toContain("ok");
    expect(first).toContain("InternalServiceException");
    expect(await run()).toEqual(first);
  });

  it("adds latency uniform in [min, max]", async () => {
    const emu = await start();
    emu.setFaults("ListUsers", { latencyMs: [40, 40] });
    const client = connectClientFor(emu);
    const started = performance.now();
    await client.send(new ListUsersCommand({ InstanceId: emu.instanceId }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    client.destroy();
  });

  it("rejects unknown API names and bad values", async () => {
    const emu = await start();
    expect(() => emu.setFaults("CreateUsers", { errorRate: 1 })).toThrow(/CreateUsers/);
    expect(() => emu.setFaults("CreateUser", { errorRate: 2 })).toThrow(/errorRate/);
    expect(() => emu.setQuota("*", { rps: 1, burst: 1 })).toThrow(/Unknown Connect API/);
  });
});
