import { describe, expect, it } from "vitest";
import * as emulator from "../../emulators/connect/index.js";
import {
  type ConformanceReport,
  conformanceUnavailable,
  runConformance,
  summarize,
} from "./conformance/harness.js";

const unavailable = conformanceUnavailable();
const title = unavailable
  ? `Connect emulator conformance (skipped: ${unavailable}; CI machines have python3 with boto3)`
  : "Connect emulator conformance against boto3 and the AWS CLI";
if (unavailable) console.warn(title);

describe(title, () => {
  let report: ConformanceReport;

  it.skipIf(unavailable !== undefined)(
    "passes every case the service model and the reference give, for every operation it serves",
    async () => {
      report = await runConformance(emulator);
      const failed = report.results.filter((r) => !r.pass);
      expect(failed, summarize(report)).toEqual([]);

      // Every operation the emulator serves is covered, and nothing it does not serve.
      expect([...report.operations].sort()).toEqual([...emulator.CONNECT_APIS].sort());
      for (const op of emulator.CONNECT_APIS) {
        const mine = report.results.filter((r) => r.op === op);
        const names = mine.map((r) => r.name);
        expect(names, op).toContain("the base request of the generated cases");
        expect(names, op).toContain("an empty token bucket");
        expect(names, op).toContain("an injected fault");
        expect(
          mine.some((r) => r.expected.code === "InvalidParameterException"),
          `${op} has a violating case`,
        ).toBe(true);
      }
      // The model walk found constraints (a botocore without them would make this vacuous).
      expect(report.generated).toBeGreaterThan(100);
      console.info(summarize(report).split("\n")[0]);
    },
    60_000,
  );
});
