/**
 * Poison mixed into a normal day: bodies that are not JSON, JSON of the wrong shape, bodies
 * over 256 KiB, events of other types in every envelope, and hostile strings (control
 * characters, ANSI escapes, over-long names and IDs, invisible and bidi control characters,
 * noncharacters and lone surrogates), plus valid hires whose rule cannot serve them and one
 * whose username belongs to someone else. Hostile but legitimate names (emoji, right-to-left
 * text, a Persian zero-width non-joiner, quotes, markup, 100 characters) must be provisioned
 * with their Unicode intact. Each poison body is
 * parked with its reason and announced; no batch fails because of it.
 */
import { expect, it } from "vitest";
import { peekMessages } from "../../shared/queue-tools.js";
import { generateHires, generateHostileHires, generatePoison } from "./support/hires.js";
import {
  type Expected,
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

it(
  "parks every poison body with its reason while the good hires around it are provisioned",
  async () => {
    const ordinary = generateHires({ seed: 41, count: 200, prefix: "PO" });
    const hostile = generateHostileHires("PO", 500);
    const hires = [...ordinary, ...hostile];
    const poison = generatePoison("PO");
    const taken = ordinary[5];
    if (!taken) throw new Error("generator gave too few hires");
    const scenario = await Scenario.start({
      name: "poison-bodies",
      seed: 41,
      // Room for a loaded machine: the assertion below is about poison, not about deadlines (at
      // 6 s, a run under a CPU-bound loop once ran out of its deadline and retried two records).
      visibilityTimeoutSeconds: 24,
      preExisting: [
        ...preExistingUsers(ordinary.slice(10, 20)),
        // Someone else already has this hire's username.
        { ...preExistingUsers([taken])[0], tags: { employeeId: "SOMEONE-ELSE" } } as never,
      ],
    });
    let verdict: Verdict | undefined;
    try {
      const consumers = scenario.consumers({ timeoutMs: 20_000 });
      // Poison spread through the stream, so most batches hold some.
      const bodies = hires.map((hire) => hire.body);
      poison.forEach((p, i) => {
        bodies.splice(((i * 7) % bodies.length) + i, 0, p.body);
      });
      await scenario.send(bodies);
      const drained = await scenario.drain(consumers);
      // The two bodies at SQS's 1 MiB ceiling could only be parked cut to fit, and flagged.
      const letters = await peekMessages(scenario.stack.sqs, scenario.stack.queues.dlqUrl);
      expect(letters.filter((letter) => letter.attributes.bodyTruncated === "true")).toHaveLength(
        2,
      );
      verdict = await scenario.verify(
        {
          hires,
          poison,
          expected: (hire): Expected =>
            hire === taken ? { kind: "parked", reason: "UsernameTaken" } : { kind: "provisioned" },
        },
        drained,
      );
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0, deadLettered: 0 });
    // Poison never costs the good records a retry.
    expect(verdict?.figures.deliveries).toBe(verdict?.figures.messages);
  },
  SCENARIO_TIMEOUT_MS,
);
