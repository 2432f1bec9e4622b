/**
 * Vitest global setup: the whole run gets a temporary directory of its own (TMPDIR, inherited by
 * every worker and every process a test starts), and the run fails if anything is left in it.
 * Counting entries in the machine's shared /tmp instead would also count other runs' files.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** tsx's compile cache (`tsx-<uid>`), kept there on purpose: not a leftover of the tests. */
const CACHES = /^tsx-\d+$/;

let dir: string | undefined;
const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };

export const setup = (): void => {
  dir = mkdtempSync(join(tmpdir(), "connect-onboarding-test-run-"));
  process.env.TMPDIR = dir;
  process.env.TMP = dir;
  process.env.TEMP = dir;
};

export const teardown = (): void => {
  if (!dir) return;
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const left = readdirSync(dir).filter((name) => !CACHES.test(name));
  rmSync(dir, { recursive: true, force: true });
  if (left.length > 0) {
    throw new Error(
      `the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temporary directory: ${left.sort().join(", ")}`,
    );
  }
};
