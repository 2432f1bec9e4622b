import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { PermanentFailure } from "../../../shared/domain/failures.js";
import { validateCanonicalEvent } from "../../../shared/domain/message-body.js";
import {
  type CompiledSourceMapping,
  compileSourceMapping,
  EVALUATION_BOUNDS,
  type MappedEvent,
  nestedQuantifier,
  readSourceMapping,
  SourceMappingSet,
  suggestion,
  validateSourceMapping,
} from "../../../shared/domain/source-mapping.js";

/** A small in-house shape: { people: [{ id, given, family, mail, team }] }. */
const people = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  sourceId: "people",
  when: "$exists(people)",
  each: "people",
  eventType: "'EmployeeHired'",
  eventId: "'p-' & id & '-' & $payload.batch",
  employee: {
    employeeId: "id",
    firstName: "given",
    lastName: "family",
    workEmail: "$lowercase(mail)",
    department: "team",
  },
  attributes: { squad: "squad" },
  ...overrides,
});

const person = (overrides: Record<string, unknown> = {}) => ({
  id: "P1",
  given: "Ana",
  family: "Lima",
  mail: "Ana.Lima@Example.com",
  team: "Customer Care",
  squad: "Blue",
  ...overrides,
});

const compile = (document: Record<string, unknown>): CompiledSourceMapping => {
  const result = readSourceMapping(document, jsonata);
  if (!result.ok) throw new Error(`mapping invalid: ${JSON.stringify(result.issues)}`);
  return result.mapping;
};

const issuesOf = (document: unknown) => {
  const result = readSourceMapping(document, jsonata);
  if (result.ok) throw new Error("expected the mapping to be refused");
  return result.issues;
};

const run = (mapping: CompiledSourceMapping, payload: Record<string, unknown>, context = {}) =>
  mapping.events(payload, context);

const failure = (event: MappedEvent | undefined) => {
  if (!event || event.ok) throw new Error(`expected a failed event, got ${JSON.stringify(event)}`);
  return event.error;
};

const ok = (event: MappedEvent | undefined) => {
  if (!event?.ok) throw new Error(`expected an event, got ${event?.error.message}`);
  return event.event;
};

describe("a source mapping document", () => {
  it("accepts the DESIGN example's shape", () => {
    expect(validateSourceMapping(people()).ok).toBe(true);
  });

  it.each([
    [{ eventTyp: "'EmployeeHired'" }, "eventTyp", "did you mean eventType?"],
    [{ employe: {} }, "employe", "did you mean employee?"],
    [{ frobnicate: "1" }, "frobnicate", "unknown key"],
  ])("names an unknown top-level key %j with the nearest known one", (extra, path, message) => {
    const issues = issuesOf({ ...people(), ...extra });
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it("names an unknown employee field and suggests the canonical one", () => {
    const issues = issuesOf(
      people({ employee: { ...(people().employee as object), workEmial: "mail" } }),
    );
    expect(issues).toContainEqual({
      path: "employee.workEmial",
      message: "unknown key: did you mean employee.workEmail?",
    });
  });

  it("refuses an attribute named like an employee field: it belongs under employee", () => {
    const issues = issuesOf(people({ attributes: { department: "team" } }));
    expect(issues).toContainEqual({
      path: "attributes.department",
      message: "department is an employee field: map it under employee",
    });
  });

  it.each([
    [{ when: 5 }, "when", "must be a string"],
    [{ when: "  " }, "when", "must be a JSONata expression, not empty"],
    [{ sourceId: "no spaces please" }, "sourceId", "must be 1 to 64"],
    [{ employee: "id" }, "employee", "must be an object"],
  ])("names a wrong type or value %j", (override, path, message) => {
    expect(issuesOf(people(override))).toContainEqual({
      path,
      message: expect.stringContaining(message),
    });
  });

  it("suggests only near keys", () => {
    expect(suggestion("hierachyGroup", ["hierarchyGroup", "ruleId"])).toBe("hierarchyGroup");
    expect(suggestion("zzz", ["hierarchyGroup", "ruleId"])).toBeUndefined();
  });
});

describe("compiling a mapping", () => {
  it("reports a syntax error with the member and JSONata's position", () => {
    const issues = issuesOf(
      people({ employee: { ...(people().employee as object), workEmail: "$lowercase(mail" } }),
    );
    expect(issues).toEqual([
      {
        path: "employee.workEmail",
        message: expect.stringMatching(/^syntax error: Expected "\)" .*\[S0203\]$/),
        position: 15,
      },
    ]);
  });

  it("refuses a regular expression that repeats a repeating group", () => {
    const issues = issuesOf(people({ when: "$contains(name, /^(a+)+$/)" }));
    expect(issues[0]).toMatchObject({
      path: "when",
      message: expect.stringContaining("could backtrack without end"),
    });
  });

  it("refuses $eval: it would compile text from the payload", () => {
    expect(issuesOf(people({ eventType: "$eval(kind)" }))[0]).toMatchObject({
      path: "eventType",
      message: "$eval is not available in source mappings",
    });
  });

  it.each([
    ["(a+)+", true],
    ["(\\w*\\s?)*", true],
    ["((ab)+c)*", true],
    ["(a|b){2,}x+", false],
    ["^[a-z]+@[a-z]+\\.com$", false],
    ["(ab)+c*", false],
    ["[(a+)]+", false],
    ["\\(a+\\)+", false],
  ])("judges /%s/ nested: %s", (source, nested) => {
    expect(nestedQuantifier(source)).toBe(nested);
  });

  it("never throws on any regular expression text", () => {
    fc.assert(
      fc.property(fc.string(), (source) => {
        expect(typeof nestedQuantifier(source)).toBe("boolean");
      }),
    );
  });
});

describe("selecting a mapping", () => {
  it("tries mappings in ascending sourceId: the first whose when holds wins", async () => {
    const later = compile(people({ sourceId: "zeta" }));
    const first = compile(people({ sourceId: "alpha" }));
    const set = new SourceMappingSet([later, first]);
    expect((await set.select({ people: [] }))?.sourceId).toBe("alpha");
    expect(await set.select({ staff: [] })).toBeUndefined();
  });

  it("fails, naming when, when it gives something other than true or false", async () => {
    const mapping = compile(people({ when: "people[0]" }));
    await expect(mapping.matches({ people: [person()] })).rejects.toMatchObject({
      reason: "SourceMappingFailed",
      sourceId: "people",
      field: "when",
      message: expect.stringContaining("must give true or false, not an object"),
    });
  });
});

describe("evaluating a mapping", () => {
  it("splits with each, binds the whole body as $payload and fills defaults", async () => {
    const mapping = compile(people());
    const events = await run(mapping, {
      batch: "B7",
      people: [person(), person({ id: 42, mail: "wei@example.com", given: "Wei" })],
    });
    expect(events.map(ok)).toEqual([
      expect.objectContaining({
        eventType: "EmployeeHired",
        eventId: "p-P1-B7",
        source: "people",
        employee: expect.objectContaining({
          employeeId: "P1",
          workEmail: "ana.lima@example.com",
          attributes: expect.objectContaining({ squad: "Blue", department: "Customer Care" }),
        }),
      }),
      expect.objectContaining({
        eventId: "p-42-B7",
        employee: expect.objectContaining({ employeeId: "42" }),
      }),
    ]);
  });

  it("takes the eventId and occurredAt from the envelope when the mapping has none", async () => {
    const mapping = compile(people({ eventId: undefined }));
    const [event] = await run(
      mapping,
      { people: [person()] },
      { id: "eb-1", time: "2026-11-28T10:00:00Z", source: "hr.bus" },
    );
    expect(ok(event)).toMatchObject({
      eventId: "eb-1",
      occurredAt: "2026-11-28T10:00:00Z",
      source: "people",
    });
  });

  it.each([
    ["given", "$length(given)", "employee.firstName", "gave a number where text is needed"],
    ["list", "[given, family]", "employee.firstName", "gave 2 values where one is needed"],
    ["object", "$", "employee.firstName", "gave an object where text is needed"],
  ])(
    "fails a mistyped result (%s), naming the source and field",
    async (_, expression, field, message) => {
      const mapping = compile(
        people({ employee: { ...(people().employee as object), firstName: expression } }),
      );
      const error = failure((await run(mapping, { people: [person()] }))[0]);
      expect(error).toMatchObject({ reason: "SourceMappingFailed", sourceId: "people", field });
      expect(error.message).toContain(`source people: ${field}: ${message}`);
    },
  );

  it("fails a required field the payload does not have, naming it", async () => {
    const mapping = compile(people());
    const [event] = await run(mapping, { batch: "B1", people: [person({ mail: undefined })] });
    expect(failure(event)).toMatchObject({
      reason: "SourceMappingFailed",
      field: "employee.workEmail",
      message: "source people: employee.workEmail: the expression found nothing in the payload",
    });
    // The item's IDs are still known, so the failure can say whose it was.
    expect(event).toMatchObject({ hints: { employeeId: "P1", eventId: "p-P1-B1" } });
  });

  it("fails a required field the mapping has no expression for and no envelope gives", async () => {
    const [event] = await run(compile(people({ eventId: undefined })), { people: [person()] });
    expect(failure(event)).toMatchObject({
      field: "eventId",
      message: "source people: eventId: the mapping has no expression for this required field",
    });
  });

  it("fails an overlong result, and lets canonical validation judge the rest", async () => {
    const long = compile(
      people({ employee: { ...(people().employee as object), lastName: "$pad('', 600, 'x')" } }),
    );
    expect(failure((await run(long, { people: [person()] }))[0])).toMatchObject({
      reason: "SourceMappingFailed",
      field: "employee.lastName",
      message: expect.stringContaining(`at most ${EVALUATION_BOUNDS.maxResultLength}`),
    });
    const badEmail = compile(
      people({ employee: { ...(people().employee as object), workEmail: "$pad('', 300, 'x')" } }),
    );
    expect(failure((await run(badEmail, { people: [person()] }))[0])).toMatchObject({
      reason: "InvalidEvent",
      message: "source people: employee.workEmail: must be an email address",
    });
  });

  it("puts every mapped event through the canonical validation: nothing is smuggled in", async () => {
    const mapping = compile(people({ eventType: "kind" }));
    const [control, badEmail, otherType] = await run(mapping, {
      people: [
        person({ kind: "EmployeeHired", given: "An\u0007a" }),
        person({ kind: "EmployeeHired", mail: "not-an-email" }),
        person({ kind: "EmployeePromoted" }),
      ],
    });
    expect(failure(control)).toMatchObject({
      reason: "InvalidEvent",
      message: "source people: employee.firstName: contains U+0007, a control character",
    });
    expect(failure(badEmail)).toMatchObject({ reason: "InvalidEvent" });
    expect(failure(otherType)).toMatchObject({ reason: "UnsupportedEventType" });
  });

  it("fails the whole payload when each finds nothing or too much", async () => {
    const mapping = compile(people());
    await expect(run(mapping, { people: [] })).rejects.toMatchObject({
      reason: "SourceMappingFailed",
      field: "each",
    });
    await expect(
      run(mapping, { people: Array.from({ length: 101 }, (_, i) => person({ id: `P${i}` })) }),
    ).rejects.toMatchObject({ field: "each", message: expect.stringContaining("at most 100") });
    await expect(run(mapping, { people: ["Ana"] })).rejects.toMatchObject({
      field: "each",
      message: expect.stringContaining("item 1 is text, not an object"),
    });
  });

  it("never quotes a payload value in a failure message", async () => {
    const mapping = compile(
      people({ employee: { ...(people().employee as object), department: "$number(given)" } }),
    );
    const error = failure((await run(mapping, { people: [person({ given: "Zsófia" })] }))[0]);
    expect(error.message).toContain("employee.department");
    expect(error.message).not.toContain("Zsófia");
  });

  it("classifies every payload: events or permanent failures, never a crash", async () => {
    const mapping = compile(people());
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 4 }),
        async (items) => {
          try {
            for (const event of await run(mapping, { batch: "B", people: items })) {
              if (event.ok) expect(() => validateCanonicalEvent({ ...event.event })).not.toThrow();
              else expect(event.error).toBeInstanceOf(PermanentFailure);
            }
          } catch (error) {
            expect(error).toMatchObject({ reason: "SourceMappingFailed" });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("bounded evaluation: a hostile expression fails, and nothing else", () => {
  const hostile = async (expression: string, field = "employee.department") => {
    const mapping = compile(
      people({ employee: { ...(people().employee as object), department: expression } }),
    );
    const started = performance.now();
    const error = failure((await run(mapping, { people: [person()] }))[0]);
    return { error, ms: performance.now() - started, field };
  };

  it.each([
    [
      "a self-calling function (tail call: the time bound)",
      "($f := function($n){ $f($n + 1) }; $f(0))",
      /timeout/i,
    ],
    [
      "a self-calling function (deep: the depth bound)",
      "($f := function($n){ 1 + $f($n + 1) }; $f(0))",
      /Stack overflow/,
    ],
    ["a huge range", "$string($sum([1..10000000]))", /sequence/],
    [
      "a long string build",
      "($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f('x', 40))",
      /built a text of/,
    ],
    ["a huge pad", "$pad('', 500000000, 'x')", /built a text of/],
    [
      "a regular expression over a long text",
      "$match($pad('', 5000, 'a'), /a/)[0].match",
      /at most 4096 characters/,
    ],
  ])("%s is SourceMappingFailed naming the field", async (_, expression, pattern) => {
    const { error, ms } = await hostile(expression);
    expect(error).toMatchObject({ reason: "SourceMappingFailed", field: "employee.department" });
    expect(error.message).toMatch(pattern);
    // Well within what a record may take: the time bound, with room for a loaded machine.
    expect(ms).toBeLessThan(EVALUATION_BOUNDS.payloadBudgetMs * 10);
  });

  it("stops a payload whose evaluations together run past the payload's budget", async () => {
    const slow = "($f := function($n){ $n > 0 ? $f($n - 1) : 'Customer Care' }; $f(1e9))";
    const mapping = compile(
      people({
        employee: {
          ...(people().employee as object),
          department: slow,
          jobTitle: slow,
          location: slow,
          country: slow,
          jobCode: slow,
        },
      }),
    );
    const events = await run(mapping, { people: [person(), person({ id: "P2" })] });
    for (const event of events) expect(failure(event).reason).toBe("SourceMappingFailed");
    expect(events.map((event) => failure(event).message).join("\n")).toMatch(/timeout|budget/);
  });

  it("does not charge a payload for the time it waits behind other payloads' evaluations", async () => {
    // Runs until JSONata's time bound stops it: each such evaluation holds the lane that long.
    const loop = "($f := function($n){ $n > 0 ? $f($n - 1) : 'Customer Care' }; $f(1e9))";
    const stalling = compile(
      people({ employee: { ...(people().employee as object), department: loop } }),
    );
    const stalls = Math.ceil(EVALUATION_BOUNDS.payloadBudgetMs / EVALUATION_BOUNDS.timeoutMs) + 1;
    // The fine payload's evaluations queue behind those: together past one payload's budget,
    // though its own take microseconds.
    const runs = await Promise.all([
      ...Array.from({ length: stalls }, (_, i) =>
        run(stalling, { people: [person({ id: `S${i}` })] }),
      ),
      run(compile(people()), { people: [person({ id: "P2" })] }),
    ]);
    const fine = runs.pop() ?? [];
    for (const stalled of runs) expect(failure(stalled[0]).message).toMatch(/timeout/i);
    expect(ok(fine[0]).employee.employeeId).toBe("P2");
  });

  it("keeps compiled expressions usable after a hostile evaluation", async () => {
    const mapping = compile(
      people({
        when: "$exists(people) and ($x := $count(people); $x < 5 or ($f := function(){ $f() }; $f()))",
      }),
    );
    await expect(mapping.matches({ people: [1, 2, 3, 4, 5, 6] })).rejects.toMatchObject({
      field: "when",
    });
    expect(await mapping.matches({ people: [1] })).toBe(true);
  });
});

describe("compileSourceMapping", () => {
  it("compiles a validated document once and keeps its definition", () => {
    const validation = validateSourceMapping(people());
    if (!validation.ok) throw new Error("invalid");
    const compiled = compileSourceMapping(validation.mapping, jsonata);
    expect(compiled.ok && compiled.mapping.definition).toEqual(validation.mapping);
  });
});
