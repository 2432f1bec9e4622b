import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh temporary directory for the test under way, removed when the test finishes. */
export const temporaryDirectory = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `connect-onboarding-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
