import { afterEach, expect, it } from "vitest";
import { collectReport, type PipelineProgress, runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { sampleSeed, startSampleStack } from "../support/local-stack.js";

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
});

it("provisions 50 hires against Connect's default CreateUser quota of 2/s: nothing lost, nothing dead-lettered, progress reported, no limit but a stall", async () => {
  stack = await startSampleStack({
    seed: sampleSeed({ quotas: { CreateUser: { rps: 2, burst: 5 } } }),
  });
  const bodies = Array.from({ length: 50 }, (_, i) =>
    hireBody({ employeeId: `Q${i}`, workEmail: `quota.${i}@example.com`, location: "Remote" }),
  );

  const progress: PipelineProgress[] = [];
  // The stall timeout is far shorter than the run: a run that progresses is never cut short.
  const report = await runPipeline(stack, bodies, {
    consumers: 2,
    drainTimeoutMs: 90_000,
    stallTimeoutMs: 4_000,
    onProgress: (p) => progress.push(p),
  });

  expect(report.deadLetters).toEqual([]);
  expect(report.stats).toMatchObject({ received: 50, created: 50, failed: 0 });
  const created = stack.connect.users().filter((user) => user.username.startsWith("quota."));
  expect(new Set(created.map((user) => user.tags.employeeId)).size).toBe(50);
  expect(created).toHaveLength(50);
  expect(new Set(report.published.map((event) => event.detail.eventId)).size).toBe(50);
  expect((await collectReport(stack)).deadLetters).toEqual([]);

  expect(report.stats.durationMs).toBeGreaterThan(4_000 * 2);
  expect(progress.length).toBeGreaterThan(10);
  expect(progress.at(-1)).toMatchObject({ sent: 50, remaining: 0, provisioned: 50, parked: 0 });
  const provisioned = progress.map((p) => p.provisioned);
  expect(provisioned).toEqual([...provisioned].sort((a, b) => a - b));
  expect(progress.some((p) => p.provisioned > 0 && p.provisioned < 50)).toBe(true);
}, 120_000);
