/**
 * A Lambda environment dies between CreateUser and PutEvents: one consumer runs the real
 * handler in a child process that is SIGKILLed the moment it sends its first PutEvents, i.e.
 * after Connect answered CreateUser for the batch's records. The whole invocation is lost, SQS
 * keeps the messages, and the redelivery (to either consumer) must find the users that already
 * exist and publish their created-events.
 */
import { expect, it } from "vitest";
import { CrashingEnvironment } from "./support/crash.js";
import { generateHires, type Hire } from "./support/hires.js";
import {
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

const CRASHES = 8;

it(
  "a crash after CreateUser loses nothing: the redelivery announces the user, made once",
  async () => {
    const hires = generateHires({ seed: 19, count: 200, prefix: "CR" });
    const byBody = new Map(hires.map((hire) => [hire.body, hire]));
    const scenario = await Scenario.start({
      name: "crash-between-createuser-and-putevents",
      seed: 19,
      preExisting: preExistingUsers(hires.slice(0, 10)),
      visibilityTimeoutSeconds: 6,
    });
    // Hires whose Connect user existed when their environment died.
    const orphaned = new Set<Hire>();
    let crashing: CrashingEnvironment | undefined;
    let verdict: Verdict | undefined;
    try {
      const consumers = scenario.consumers({
        count: 2,
        timeoutMs: 4_000,
        wrap: (handler, i) => {
          if (i > 0) return handler;
          crashing = new CrashingEnvironment({
            env: scenario.stack.env,
            logs: scenario.logs,
            crashes: CRASHES,
            healthy: handler,
            onCrash: (event) => {
              const existing = new Set(
                scenario.stack.connect.users().map((u) => u.tags.employeeId),
              );
              for (const record of event.Records) {
                const hire = byBody.get(record.body);
                if (hire && existing.has(hire.employeeId)) orphaned.add(hire);
              }
            },
          });
          return crashing.handler;
        },
      });
      await crashing?.start();
      await scenario.send(hires.map((hire) => hire.body));
      // The crashing environment polls alone until its crash budget is spent, then both drain.
      consumers[0]?.start();
      for (let waited = 0; (crashing?.crashes ?? 0) < CRASHES && waited < 60_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const drained = await scenario.drain(consumers);
      scenario.count("environment-crashes", crashing?.crashes ?? 0);
      scenario.count("hires-orphaned-by-crash", orphaned.size);
      verdict = await scenario.verify({ hires }, drained);

      const created = scenario.stack.eventBridge
        .events()
        .filter((event) => event.detailType === "Connect User Created");
      for (const hire of orphaned) {
        const outcomes = created
          .filter((event) => event.detail.employeeId === hire.employeeId)
          .map((event) => event.detail.outcome);
        // The dead environment published nothing; the redelivery announced the user, as one
        // it created when the ledger had recorded the crashed attempt's CreateUser, as one it
        // found otherwise (the crash came before that record), never both.
        expect(outcomes.length, hire.employeeId).toBeGreaterThan(0);
        expect(new Set(outcomes).size, hire.employeeId).toBe(1);
        expect(["CREATED", "ALREADY_EXISTED"], hire.employeeId).toContain(outcomes[0]);
      }
    } finally {
      await crashing?.stop();
      await scenario.stop(verdict);
    }
    expect(crashing?.crashes).toBe(CRASHES);
    expect(orphaned.size).toBeGreaterThan(0);
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({ duplicates: 0, lost: 0 });
  },
  SCENARIO_TIMEOUT_MS,
);
