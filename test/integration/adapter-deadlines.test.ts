/**
 * The adapters hand the deadline's signal to every call, paged ones included: a paginator passes
 * it to each page's send(). Checked over HTTP against the Connect emulator, with the page that
 * hangs being the second one, so that a signal given only to the first call would not do.
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { afterEach, expect, it } from "vitest";
import { type ConnectEmulator, startConnectEmulator } from "../../emulators/connect/index.js";
import { ConnectInstance } from "../../shared/adapters/connect-users.js";
import { systemClock } from "../../shared/application/clock.js";
import { deadlineAt } from "../../shared/application/deadline.js";
import { silentLog } from "../../shared/application/log.js";
import { ConnectUnavailableError } from "../../shared/domain/failures.js";
import type { CallContext } from "../../shared/ports.js";
import {
  type HangingEndpoint,
  startHangingEndpoint,
} from "../reliability/support/hanging-endpoint.js";
import { fillerUsers } from "../reliability/support/scenario.js";
import { sampleSeed } from "../support/local-stack.js";

let emulator: ConnectEmulator | undefined;
let hanging: HangingEndpoint | undefined;
let client: ConnectClient | undefined;
afterEach(async () => {
  client?.destroy();
  await hanging?.stop();
  await emulator?.stop();
  [client, hanging, emulator] = [undefined, undefined, undefined];
});

const instanceOver = async (endpoint: string, instanceId: string) => {
  client = new ConnectClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  return new ConnectInstance(client, instanceId);
};

const callsUntil = (at: number): CallContext => ({
  deadline: deadlineAt(at, systemClock),
  log: silentLog,
});

it("aborts ListUsers' second page at the deadline", async () => {
  emulator = await startConnectEmulator(
    sampleSeed({ users: fillerUsers(1_200), quotas: { maxUsers: 2_000 } }),
  );
  hanging = await startHangingEndpoint(emulator.endpoint);
  // The deadline arrives while the second page hangs, however long the first page took: a
  // deadline on the wall clock would, on a loaded machine, sometimes fall inside the first.
  const deadline = new AbortController();
  let pages = 0;
  hanging.hang((request) => {
    const second = request.path.startsWith("/users-summary/") && ++pages === 2;
    if (second) setImmediate(() => deadline.abort());
    return second;
  });
  const connect = await instanceOver(hanging.endpoint, emulator.instanceId);

  // SearchUsers finds nobody, so the lookup pages through ListUsers.
  const lookup = connect.findUserIdByUsername("nobody@example.com", {
    deadline: { at: Date.now() + 60_000, signal: deadline.signal },
    log: silentLog,
  });

  await expect(lookup).rejects.toBeInstanceOf(ConnectUnavailableError);
  await expect(lookup).rejects.toThrow(/ListUsers: no answer before the invocation's deadline/);
  expect(hanging.stats().hung).toBe(1);
  expect(pages).toBe(2);
});

it("aborts a profile list that gets no answer at the deadline", async () => {
  emulator = await startConnectEmulator(
    sampleSeed({ faults: { ListSecurityProfiles: { hangRate: 1 } } }),
  );
  const connect = await instanceOver(emulator.endpoint, emulator.instanceId);

  const listing = connect.listProfiles("securityProfile", callsUntil(Date.now() + 300));

  await expect(listing).rejects.toThrow(
    /ListSecurityProfiles: no answer before the invocation's deadline/,
  );
  expect(emulator.stats().ListSecurityProfiles?.hung).toBe(1);
});
