/**
 * DynamoDB: an embedded, in-memory dynalite (npm) on 127.0.0.1. Tables are created through
 * the SDK, as an IaC tool would (local/tables.ts).
 */
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { close, listen } from "./http-server.js";

export interface DynamoDbEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

/** dynalite ships no types; this is the part of its factory this module uses. */
type DynaliteFactory = (options: { createTableMs: number; deleteTableMs: number }) => Server;

// dynalite is CommonJS without type declarations, so it is loaded through require with the
// narrow type above instead of an ambient module declaration.
const dynalite = createRequire(import.meta.url)("dynalite") as DynaliteFactory;

/** Starts dynalite on loopback; tables turn ACTIVE at once (no create or delete delay). */
export async function startDynamoDbEmulator(): Promise<DynamoDbEmulator> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const port = await listen(server);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => close(server) };
}
