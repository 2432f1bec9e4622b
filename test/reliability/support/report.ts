/**
 * The outcome of a scenario, pass or fail, with its figures: one line on stdout (so CI shows
 * it), one JSON file per scenario under .reliability/scenarios/, and
 * .reliability/reliability-report.json with all of them; the function's captured log lines go
 * to .reliability/logs/. A failing scenario is recorded too, with why it failed (its invariant
 * violations and the test's errors), and with whatever figures it got to. Scenarios run in
 * parallel workers, so the combined report is rebuilt from the per-scenario files by whichever
 * scenario finishes last.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export interface Figures {
  readonly scenario: string;
  /** Distinct valid hires sent (a hire sent twice counts once). */
  readonly hires: number;
  /** Distinct invalid messages sent. */
  readonly poison: number;
  /** SQS messages sent, duplicates and redrives included. */
  readonly messages: number;
  /** Records handed to the function, redeliveries included. */
  readonly deliveries: number;
  /** Invocations that ran past the function timeout (the function should return before it). */
  readonly invocationTimeouts: number;
  readonly faults: Readonly<Record<string, number>>;
  /** Hires provisioned with a Connect user this run created. */
  readonly usersCreated: number;
  /** Hires provisioned with a user that existed before the run. */
  readonly alreadyExisted: number;
  /** Connect users beyond one per hire, and users no hire explains: must be 0. */
  readonly duplicates: number;
  /** Messages neither provisioned, parked nor dead-lettered: must be 0. */
  readonly lost: number;
  /** Messages parked by the function, by reason code. */
  readonly parked: Readonly<Record<string, number>>;
  /** Messages SQS itself moved to the DLQ after maxReceiveCount. */
  readonly deadLettered: number;
  readonly createdEvents: number;
  readonly failedEvents: number;
  readonly logLines: number;
  readonly durationMs: number;
}

/** What the report holds per scenario. */
export interface ScenarioOutcome {
  readonly scenario: string;
  readonly status: "pass" | "fail";
  /** Empty when it passed. */
  readonly failures: readonly string[];
  /** Absent when the scenario failed before its invariants were checked. */
  readonly figures?: Figures;
}

const ROOT = new URL("../../../.reliability/", import.meta.url);
const SCENARIOS = new URL("scenarios/", ROOT);
const LOGS = new URL("logs/", ROOT);
const REPORT = new URL("reliability-report.json", ROOT);

const entries = (record: Readonly<Record<string, number>>): string =>
  Object.keys(record).length === 0
    ? "none"
    : Object.entries(record)
        .map(([key, n]) => `${key}=${n}`)
        .join(" ");

/** The one line of figures of a scenario. */
export const figuresLine = (f: Figures): string =>
  [
    f.scenario,
    `hires=${f.hires}`,
    `poison=${f.poison}`,
    `messages=${f.messages}`,
    `deliveries=${f.deliveries}`,
    `timeouts=${f.invocationTimeouts}`,
    `faults[${entries(f.faults)}]`,
    `created=${f.usersCreated}`,
    `alreadyExisted=${f.alreadyExisted}`,
    `duplicates=${f.duplicates}`,
    `lost=${f.lost}`,
    `parked[${entries(f.parked)}]`,
    `deadLettered=${f.deadLettered}`,
    `time=${(f.durationMs / 1000).toFixed(1)}s`,
  ].join(" | ");

/** The scenario's line: PASS or FAIL, its figures, and for a failure its first reasons. */
export const outcomeLine = (outcome: ScenarioOutcome): string =>
  [
    `RELIABILITY ${outcome.status.toUpperCase()} ${outcome.figures ? figuresLine(outcome.figures) : outcome.scenario}`,
    ...(outcome.failures.length > 0
      ? [`failures: ${outcome.failures.slice(0, 3).join("; ").slice(0, 500)}`]
      : []),
  ].join(" | ");

/** The function's log lines, kept for a look afterwards. */
export const recordLogs = (scenario: string, logs: string): void => {
  mkdirSync(LOGS, { recursive: true });
  writeFileSync(new URL(`${scenario}.log`, LOGS), logs);
};

/** Records a scenario's outcome and rebuilds the combined report. */
export const recordOutcome = (outcome: ScenarioOutcome): void => {
  console.log(outcomeLine(outcome));
  mkdirSync(SCENARIOS, { recursive: true });
  const entry = {
    scenario: outcome.scenario,
    status: outcome.status,
    failures: outcome.failures,
    ...outcome.figures,
  };
  writeAtomically(new URL(`${outcome.scenario}.json`, SCENARIOS), entry);
  // Rebuild until the set of scenario files stops changing under us.
  for (let seen = ""; ; ) {
    const names = readdirSync(SCENARIOS)
      .filter((name) => name.endsWith(".json"))
      .sort();
    if (names.join() === seen) return;
    seen = names.join();
    const scenarios = names.map(
      (name) => JSON.parse(readFileSync(new URL(name, SCENARIOS), "utf8")) as typeof entry,
    );
    writeAtomically(REPORT, {
      generatedAt: new Date().toISOString(),
      passed: scenarios.filter((scenario) => scenario.status === "pass").length,
      failed: scenarios.filter((scenario) => scenario.status === "fail").length,
      scenarios,
    });
  }
};

const writeAtomically = (file: URL, value: unknown): void => {
  const temporary = new URL(`${file.href}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
};
