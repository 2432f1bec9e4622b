/**
 * The figures of a scenario: one line on stdout (so CI shows it), one JSON file per scenario
 * under .reliability/scenarios/, and .reliability/reliability-report.json with all of them;
 * the function's captured log lines go to .reliability/logs/.
 * Scenarios run in parallel workers, so the combined report is rebuilt from the per-scenario
 * files by whichever scenario finishes last.
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
    `RELIABILITY ${f.scenario}`,
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

/** Records the figures; the function's log lines are kept beside them for a look afterwards. */
export const recordFigures = (figures: Figures, logs: string): void => {
  console.log(figuresLine(figures));
  mkdirSync(LOGS, { recursive: true });
  writeFileSync(new URL(`${figures.scenario}.log`, LOGS), logs);
  mkdirSync(SCENARIOS, { recursive: true });
  writeAtomically(new URL(`${figures.scenario}.json`, SCENARIOS), figures);
  // Rebuild until the set of scenario files stops changing under us.
  for (let seen = ""; ; ) {
    const names = readdirSync(SCENARIOS)
      .filter((name) => name.endsWith(".json"))
      .sort();
    if (names.join() === seen) return;
    seen = names.join();
    const scenarios = names.map(
      (name) => JSON.parse(readFileSync(new URL(name, SCENARIOS), "utf8")) as Figures,
    );
    writeAtomically(REPORT, { generatedAt: new Date().toISOString(), scenarios });
  }
};

const writeAtomically = (file: URL, value: unknown): void => {
  const temporary = new URL(`${file.href}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
};
