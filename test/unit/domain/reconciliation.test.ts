/**
 * The classifier: whatever the findings and the instance, every employee and every user lands
 * in exactly one entry of the right class, the totals add up, and a fix is offered exactly where
 * the function would apply it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hrVersion } from "../../../shared/domain/hr-version.js";
import { parseMessageBody } from "../../../shared/domain/message-body.js";
import {
  classify,
  type EmployeeFinding,
  fixEvent,
  type InstanceUser,
  type LedgerFacts,
  RECONCILE_CLASSES,
  type ReconcileInput,
} from "../../../shared/domain/reconciliation.js";

const SEED = 20261201;
const ROSTER_POOL = 12;
const EMPLOYEE_POOL = 20;
const AS_OF = 100;
const VERSIONS = [50, 100, 150];

const employeeId = (i: number) => `E${i}`;

/** A world: roster findings, the instance's users consistent with them, and the ledger. */
const worlds: fc.Arbitrary<ReconcileInput> = fc
  .record({
    roster: fc.uniqueArray(fc.integer({ min: 0, max: ROSTER_POOL - 1 }), {
      maxLength: ROSTER_POOL,
    }),
    kinds: fc.array(fc.constantFrom("missing", "user", "unmanaged", "failed", "failedWithUser"), {
      minLength: ROSTER_POOL,
      maxLength: ROSTER_POOL,
    }),
    drifted: fc.array(fc.boolean(), { minLength: ROSTER_POOL, maxLength: ROSTER_POOL }),
    versions: fc.array(fc.constantFrom(...VERSIONS), {
      minLength: ROSTER_POOL,
      maxLength: ROSTER_POOL,
    }),
    extra: fc.array(
      fc.record({
        managed: fc.boolean(),
        employee: fc.option(fc.integer({ min: 0, max: EMPLOYEE_POOL - 1 }), { nil: undefined }),
        disabled: fc.boolean(),
      }),
      { maxLength: 15 },
    ),
    applied: fc.array(fc.option(fc.constantFrom(...VERSIONS), { nil: undefined }), {
      minLength: EMPLOYEE_POOL,
      maxLength: EMPLOYEE_POOL,
    }),
  })
  .map(({ roster, kinds, drifted, versions, extra, applied }) => {
    const users: InstanceUser[] = [];
    let next = 0;
    const newUser = (managed: boolean, id: string | undefined, disabled = false) => {
      const user = {
        userId: `u${String(next++).padStart(3, "0")}`,
        username: `user${next}@example.com`,
        managed,
        ...(id === undefined ? {} : { employeeId: id }),
        disabled,
      };
      users.push(user);
      return { userId: user.userId, username: user.username };
    };
    const findings: EmployeeFinding[] = roster.map((i) => {
      const id = employeeId(i);
      const version = versions[i] as number;
      switch (kinds[i]) {
        case "missing":
          return { kind: "missing", employeeId: id, version, ruleId: "r" };
        case "user":
          return {
            kind: "user",
            employeeId: id,
            version,
            ruleId: "r",
            user: newUser(true, id),
            changes: drifted[i] ? [{ aspect: "routingProfile", from: "rp-a", to: "rp-b" }] : [],
          };
        case "unmanaged":
          return { kind: "unmanaged", employeeId: id, version, user: newUser(false, id) };
        case "failed":
          return {
            kind: "failed",
            employeeId: id,
            version,
            failure: { reason: "NoMappingRule", message: "no rule" },
          };
        default:
          return {
            kind: "failed",
            employeeId: id,
            version,
            failure: { reason: "ProfileNotFound", message: "no profile" },
            user: newUser(true, id),
          };
      }
    });
    for (const user of extra) {
      newUser(
        user.managed,
        user.employee === undefined ? undefined : employeeId(user.employee),
        user.disabled,
      );
    }
    const ledger = new Map<string, LedgerFacts>();
    applied.forEach((version, i) => {
      if (version !== undefined)
        ledger.set(employeeId(i), { appliedVersion: version, ruleId: `r${i}` });
    });
    return { findings, users, ledger, asOf: AS_OF };
  });

const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

describe("classify", () => {
  it("puts every user in exactly one entry, and every employee of the roster in one of their own", () => {
    fc.assert(
      fc.property(worlds, (input) => {
        const { entries } = classify(input);
        const userIds = entries.flatMap((entry) => (entry.userId ? [entry.userId] : []));
        expect(new Set(userIds).size).toBe(userIds.length);
        expect(new Set(userIds)).toEqual(new Set(input.users.map((user) => user.userId)));
        // An entry without a user is a MISSING employee of the roster, one per finding.
        const withoutUser = entries.filter((entry) => entry.userId === null);
        expect(withoutUser.every((entry) => entry.class === "MISSING")).toBe(true);
        const findingsWithoutUser = input.findings.filter(
          (f) => f.kind === "missing" || (f.kind === "failed" && !f.user),
        );
        expect(withoutUser.map((e) => e.employeeId).sort()).toEqual(
          findingsWithoutUser.map((f) => f.employeeId).sort(),
        );
        for (const finding of input.findings) {
          const own = "user" in finding && finding.user ? finding.user.userId : null;
          const entry = entries.find(
            (e) => e.employeeId === finding.employeeId && e.userId === own,
          );
          expect(entry, finding.employeeId).toBeDefined();
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("sorts every entry into the class its facts give, and the totals add up", () => {
    fc.assert(
      fc.property(worlds, (input) => {
        const { entries, totals } = classify(input);
        const roster = new Set(input.findings.map((f) => f.employeeId));
        const users = new Map(input.users.map((user) => [user.userId, user]));
        for (const name of RECONCILE_CLASSES) {
          expect(totals[name]).toBe(entries.filter((e) => e.class === name).length);
        }
        for (const entry of entries) {
          const user = entry.userId ? users.get(entry.userId) : undefined;
          switch (entry.class) {
            case "IN_SYNC":
              expect(entry.differences).toBeUndefined();
              expect(entry.failure).toBeUndefined();
              break;
            case "DRIFTED":
              expect(user?.managed).toBe(true);
              expect(
                (entry.differences?.length ?? 0) > 0 ||
                  entry.failure !== undefined ||
                  entry.note !== undefined,
              ).toBe(true);
              break;
            case "MISSING":
              expect(roster.has(entry.employeeId as string)).toBe(true);
              break;
            case "ORPHANED":
              expect(user).toMatchObject({ managed: true, disabled: false });
              expect(entry.employeeId === null || !roster.has(entry.employeeId)).toBe(true);
              break;
            case "UNMANAGED":
              expect(user?.managed).toBe(false);
              break;
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("offers a fix exactly where the function would apply it, never for an UNMANAGED user", () => {
    fc.assert(
      fc.property(worlds, (input) => {
        const { entries } = classify(input);
        const versionOf = new Map(input.findings.map((f) => [f.employeeId, f.version]));
        for (const entry of entries) {
          const expected =
            entry.failure !== undefined || entry.employeeId === null
              ? null
              : entry.class === "MISSING"
                ? "EmployeeHired"
                : entry.class === "DRIFTED" && (entry.differences?.length ?? 0) > 0
                  ? "EmployeeUpdated"
                  : entry.class === "ORPHANED"
                    ? "EmployeeTerminated"
                    : null;
          const version =
            entry.class === "ORPHANED" ? input.asOf : (versionOf.get(entry.employeeId ?? "") ?? 0);
          const applied = entry.employeeId
            ? input.ledger.get(entry.employeeId)?.appliedVersion
            : undefined;
          const fresh = applied === undefined || version > applied;
          expect(entry.fix?.eventType ?? null, JSON.stringify(entry)).toBe(fresh ? expected : null);
          if (entry.fix)
            expect(entry.fix).toEqual({
              eventType: expected,
              employeeId: entry.employeeId,
              version,
            });
          if (expected && !fresh) expect(entry.note).toMatch(/stale/);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("gives the same answer whatever order the findings and users come in", () => {
    fc.assert(
      fc.property(worlds, fc.integer({ min: 1, max: 2 ** 30 }), (input, seed) => {
        expect(
          classify({
            ...input,
            findings: shuffled(input.findings, seed),
            users: shuffled(input.users, seed + 1),
          }),
        ).toEqual(classify(input));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("fixEvent", () => {
  const employee = {
    employeeId: "E7",
    firstName: "Ana",
    lastName: "Lima",
    workEmail: "ana.lima@example.com",
    department: "Customer Care",
    costCenter: "CC-1",
  };

  it("is a canonical event the function reads at exactly the version of the fix, for any version", () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse("2000-01-01T00:00:00Z"),
          max: Date.parse("2100-01-01T00:00:00Z"),
        }),
        fc.constantFrom("EmployeeHired" as const, "EmployeeUpdated" as const),
        (version, eventType) => {
          const body = JSON.stringify(fixEvent({ eventType, employeeId: "E7", version }, employee));
          const parsed = parseMessageBody(body);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(hrVersion(parsed.event.occurredAt, 0)).toBe(version);
          expect(parsed.event.eventType).toBe(eventType);
          expect(parsed.event.employee.attributes).toEqual(employee);
          // The same fix is the same event: sent twice, one change.
          expect(fixEvent({ eventType, employeeId: "E7", version }, employee)).toEqual(
            JSON.parse(body),
          );
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("names only the employee in a termination", () => {
    expect(
      fixEvent({ eventType: "EmployeeTerminated", employeeId: "E9", version: 0 }, employee),
    ).toEqual({
      eventType: "EmployeeTerminated",
      eventId: "onboard-reconcile-E9-0",
      occurredAt: "1970-01-01T00:00:00.000Z",
      source: "onboard-reconcile",
      employee: { employeeId: "E9" },
    });
  });
});
