import { afterEach, expect, it } from "vitest";
import { collectReport, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleSeed, startSampleStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
});

it("provisions 50 hires against Connect's default CreateUser quota of 2/s: nothing lost, nothing dead-lettered", async () => {
  stack = await startSampleStack({
    seed: sampleSeed({ quotas: { CreateUser: { rps: 2, burst: 5 } } }),
  });
  const bodies = Array.from({ length: 50 }, (_, i) =>
    hireBody({ employeeId: `Q${i}`, workEmail: `quota.${i}@example.com`, location: "Remote" }),
  );

  const report = await runPipeline(stack, bodies, { consumers: 2, drainTimeoutMs: 90_000 });

  expect(report.deadLetters).toEqual([]);
  expect(report.stats).toMatchObject({ received: 50, created: 50, failed: 0 });
  const created = stack.connect.users().filter((user) => user.username.startsWith("quota."));
  expect(new Set(created.map((user) => user.tags.employeeId)).size).toBe(50);
  expect(created).toHaveLength(50);
  expect(new Set(report.published.map((event) => event.detail.eventId)).size).toBe(50);
  expect((await collectReport(stack)).deadLetters).toEqual([]);
}, 120_000);
