/**
 * The instance's users-per-instance quota fills up mid-run: room for 150 new users, 240 new
 * hires. CreateUser answers LimitExceededException, which the SDK would retry as throttling but
 * which means "instance full": the rest must park at once as UserQuotaExceeded, each delivered
 * once, nothing retrying forever. Hires whose user already exists are still adopted when the
 * instance is full (Connect checks the username before the quota).
 */
import { expect, it } from "vitest";
import { generateHires } from "./support/hires.js";
import {
  preExistingUsers,
  SCENARIO_TIMEOUT_MS,
  Scenario,
  type Verdict,
} from "./support/scenario.js";

const ROOM = 150;

it(
  "parks the hires beyond the user quota as UserQuotaExceeded, once each",
  async () => {
    const hires = generateHires({ seed: 29, count: 250, prefix: "UQ" });
    // The pre-existing hires come last, when the instance is already full.
    const existing = new Set(hires.slice(-10));
    const scenario = await Scenario.start({
      name: "user-quota-reached",
      seed: 29,
      preExisting: preExistingUsers([...existing]),
    });
    const receives = new Map<string, number>();
    let verdict: Verdict | undefined;
    try {
      scenario.stack.connect.setMaxUsers(scenario.stack.connect.users().length + ROOM);
      const consumers = scenario.consumers({
        timeoutMs: 6_000,
        wrap: (handler) => async (event, context) => {
          for (const record of event.Records)
            receives.set(record.messageId, (receives.get(record.messageId) ?? 0) + 1);
          return handler(event, context);
        },
      });
      await scenario.send(hires.map((hire) => hire.body));
      const drained = await scenario.drain(consumers);
      verdict = await scenario.verify(
        {
          hires,
          expected: (hire) =>
            existing.has(hire)
              ? { kind: "provisioned" }
              : { kind: "provisioned-or-parked", reason: "UserQuotaExceeded" },
        },
        drained,
      );
    } finally {
      await scenario.stop(verdict);
    }
    expect(verdict?.violations).toEqual([]);
    expect(verdict?.figures).toMatchObject({
      duplicates: 0,
      lost: 0,
      usersCreated: ROOM,
      alreadyExisted: existing.size,
      parked: { UserQuotaExceeded: hires.length - ROOM - existing.size },
    });
    // Nothing retried: every message was received exactly once.
    expect([...receives.values()].filter((n) => n > 1)).toEqual([]);
    expect(receives.size).toBe(hires.length);
  },
  SCENARIO_TIMEOUT_MS,
);
