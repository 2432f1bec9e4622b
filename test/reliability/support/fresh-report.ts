/**
 * Global setup of `npm run test:reliability`: starts the report afresh, so that
 * .reliability/reliability-report.json holds this run's scenarios only (a renamed or removed
 * scenario would otherwise linger in it).
 */
import { rmSync } from "node:fs";

export default function freshReport(): void {
  rmSync(new URL("../../../.reliability/", import.meta.url), { recursive: true, force: true });
}
