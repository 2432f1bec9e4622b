/** A local stack whose DLQ holds what the function parked from the sample hires. */
import { readFileSync } from "node:fs";
import { runPipeline } from "../../local/pipeline.js";
import type { LocalStack } from "../../local/stack.js";
import { hireBody } from "../support/lambda-events.js";
import { startSampleStack } from "../support/local-stack.js";

export const FAST = { consumers: 2, timeoutMs: 5_000, drainTimeoutMs: 20_000 };

/** Every sample hire needing attention, the malformed ones, and a second Finance hire. */
export const deadLetterBodies = (): string[] => [
  ...(JSON.parse(readFileSync("events/hires/02-needs-attention.json", "utf8")) as unknown[]).map(
    (body) => JSON.stringify(body),
  ),
  ...readFileSync("events/hires/03-malformed.jsonl", "utf8").split("\n").filter(Boolean),
  hireBody({ employeeId: "E-fin2", workEmail: "fin2@example.com", department: "Finance" }),
];

/** The sample stack after the function met `deadLetterBodies`: 8 messages in the DLQ. */
export const stackWithDeadLetters = async (): Promise<LocalStack> => {
  const stack = await startSampleStack();
  await runPipeline(stack, deadLetterBodies(), FAST);
  return stack;
};
