/**
 * DESIGN section 8: names, emails and phone numbers are not logged, whatever the Powertools
 * environment settings. With POWERTOOLS_LOGGER_LOG_EVENT=true the logger used to print every
 * SQS event, every hire's personal data included. Every line the handler writes on the local
 * stack is captured, with every Powertools switch that adds output turned on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";
import { withEnv } from "../support/with-env.js";

/** Powertools reads these from process.env itself, not from the env the handler is built with. */
const LOUDEST = {
  POWERTOOLS_LOGGER_LOG_EVENT: "true",
  POWERTOOLS_LOG_LEVEL: "TRACE",
  POWERTOOLS_LOGGER_SAMPLE_RATE: "1",
  AWS_LAMBDA_LOG_LEVEL: "TRACE",
};

const PERSONAL = [
  "Zebulon",
  "Quenby-Ashworth",
  "Zeb",
  "zebulon.quenby@example.com",
  "+14155550177",
  "+15125550166",
  "Ysolde",
  "ysolde.marr@example.com",
  "+14155550188",
];

let stack: LocalStack | undefined;
let captured: string[] = [];

beforeEach(() => {
  captured = [];
  const keep = (...args: unknown[]) => {
    captured.push(args.map(String).join(" "));
  };
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown) => {
      keep(chunk);
      return true;
    }) as typeof stream.write);
  }
  for (const method of ["log", "info", "debug", "warn", "error", "trace"] as const) {
    vi.spyOn(console, method).mockImplementation(keep);
  }
});

afterEach(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  stack = undefined;
});

describe.each([
  ["structured", {}],
  ["POWERTOOLS_DEV", { POWERTOOLS_DEV: "true" }],
])("with every Powertools logging switch on (%s output)", (_, extra) => {
  it("logs no name, email or phone number of any hire, created or failed", async () => {
    await withEnv({ ...LOUDEST, ...extra }, async () => {
      stack = await startSampleStack({ functionEnv: { POWERTOOLS_LOG_LEVEL: "TRACE" } });
      const report = await runPipeline(
        stack,
        [
          hireBody({
            employeeId: "E-zeb",
            firstName: "Zebulon",
            lastName: "Quenby-Ashworth",
            preferredFirstName: "Zeb",
            workEmail: "zebulon.quenby@example.com",
            mobilePhone: "+14155550177",
            deskPhoneNumber: "+15125550166",
          }),
          // Parked: InvalidEvent (the name holds U+202E) and NoMappingRule.
          hireBody({
            employeeId: "E-ys1",
            firstName: "Ysolde\u202E",
            workEmail: "ysolde.marr@example.com",
            mobilePhone: "+14155550188",
          }),
          hireBody({
            employeeId: "E-ys2",
            firstName: "Ysolde",
            workEmail: "ysolde.marr@example.com",
            mobilePhone: "+14155550188",
            department: "Nowhere",
          }),
        ],
        { consumers: 1, timeoutMs: 10_000, drainTimeoutMs: 60_000 },
      );
      expect(report.deadLetters.map((l) => l.reason).sort()).toEqual([
        "InvalidEvent",
        "NoMappingRule",
      ]);
    });
    const output = captured.join("\n");
    // The capture saw the handler's lines, at the most verbose level asked for.
    expect(output).toContain("Batch processed");
    expect(output).toContain("Connect user in line with HR");
    for (const value of PERSONAL) expect(output).not.toContain(value);
  });
});
