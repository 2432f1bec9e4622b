import { close, listen } from "../http-server.js";
import { FaultTable } from "./faults.js";
import { DEFAULT_QUOTAS, parseConnectSeed, parseFaults, parseQuota } from "./seed.js";
import { createConnectServer } from "./server.js";
import { ConnectState, type ProfileKind } from "./state.js";
import { TokenBucket } from "./token-bucket.js";
import type {
  ApiStats,
  ConnectApi,
  ConnectSeed,
  Faults,
  ReportUser,
  SeedProfile,
} from "./types.js";
import { CONNECT_APIS, isConnectApi } from "./types.js";

export interface ConnectEmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Clock for token buckets, the search lag and timestamps. Default `Date.now`. */
  now?: () => number;
  /** Source for IDs, fault rolls and latency. Default `Math.random`. */
  random?: () => number;
}

export interface ConnectEmulator {
  /** e.g. `http://127.0.0.1:PORT`: give it to the SDK as `endpoint`. */
  endpoint: string;
  instanceId: string;
  instanceArn: string;
  /** Every live user, pre-existing ones included, in the DESIGN section 8 report shape. */
  users(): ReportUser[];
  /** Per API counters (copies). */
  stats(): Record<string, ApiStats>;
  /** Merges faults into the API's entry (`"*"`: every API). */
  setFaults(api: string, faults: Partial<Faults>): void;
  /** Replaces an API's token bucket and refills it to the new burst. */
  setQuota(api: string, quota: { rps: number; burst: number }): void;
  setMaxUsers(n: number): void;
  setSearchLagMs(ms: number): void;
  /** Adds a profile (ID generated when absent) and returns its ID. */
  addSecurityProfile(profile: SeedProfile): string;
  addRoutingProfile(profile: SeedProfile): string;
  addHierarchyGroup(profile: SeedProfile): string;
  stop(): Promise<void>;
}

function requireApi(api: string, allowStar: boolean): ConnectApi | "*" {
  if ((allowStar && api === "*") || isConnectApi(api)) return api as ConnectApi | "*";
  throw new Error(`Unknown Connect API '${api}' (expected one of: ${CONNECT_APIS.join(", ")})`);
}

function nonNegativeInteger(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer`);
  return n;
}

/** Starts the emulator on loopback (by default) with the instance the seed describes. */
export async function startConnectEmulator(
  seed: ConnectSeed,
  options: ConnectEmulatorOptions = {},
): Promise<ConnectEmulator> {
  const parsed = parseConnectSeed(seed);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const state = new ConnectState(parsed, now, random);
  const start = now();
  const buckets = {} as Record<ConnectApi, TokenBucket>;
  const stats = {} as Record<ConnectApi, ApiStats>;
  for (const api of CONNECT_APIS) {
    buckets[api] = new TokenBucket(parsed.quotas?.[api] ?? DEFAULT_QUOTAS[api], start);
    stats[api] = { requests: 0, throttled: 0, faults: 0, hung: 0, ok: 0, clientErrors: 0 };
  }
  const faults = new FaultTable(parsed.faults);
  const server = createConnectServer({ state, buckets, faults, stats, now, random });

  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  const addProfile = (kind: ProfileKind) => (profile: SeedProfile) =>
    state.addProfile(kind, profile).id;

  return {
    endpoint: `http://${urlHost}:${port}`,
    instanceId: state.instance.id,
    instanceArn: state.instance.arn,
    users: () => state.reportUsers(),
    stats: () => Object.fromEntries(CONNECT_APIS.map((api) => [api, { ...stats[api] }])),
    setFaults(api, partial) {
      faults.set(requireApi(api, true), parseFaults(partial, `faults.${api}`));
    },
    setQuota(api, quota) {
      const name = requireApi(api, false) as ConnectApi;
      buckets[name].reset(parseQuota(quota, `quotas.${api}`), now());
    },
    setMaxUsers(n) {
      state.maxUsers = nonNegativeInteger(n, "maxUsers");
    },
    setSearchLagMs(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error("searchLagMs must be >= 0");
      state.searchLagMs = ms;
    },
    addSecurityProfile: addProfile("securityProfile"),
    addRoutingProfile: addProfile("routingProfile"),
    addHierarchyGroup: addProfile("hierarchyGroup"),
    stop: () => close(server),
  };
}
