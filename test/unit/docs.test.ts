/**
 * The documentation in docs/ keeps step with the code: every setting the function reads, every
 * reason code, every alarm of the stack; and it points at nothing outside the repository.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { reasonsWithRemedies } from "../../cli/reasons.js";
import { REDRIVEN_BY_SQS } from "../../shared/adapters/sqs-dead-letter-parker.js";
import { readConfig } from "../../shared/config.js";
import { REASON_CODES } from "../../shared/domain/failures.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const page = (name: string) => read(`docs/${name}`);

/** Every variable readConfig looks at, found by watching it read a valid environment. */
const variablesReadConfigReads = (): string[] => {
  const valid: Record<string, string> = {
    CONNECT_INSTANCE_ID: "i-1",
    MAPPING_TABLE_NAME: "t",
    LEDGER_TABLE_NAME: "l",
    EVENT_BUS_NAME: "b",
    DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
  };
  const read = new Set<string>();
  readConfig(
    new Proxy(valid, {
      get: (target, name) => {
        if (typeof name === "string") read.add(name);
        return target[name as string];
      },
    }),
  );
  // The per-API paces are one row, CONNECT_API_RPS_<Api>, not one per Connect API.
  return [
    ...new Set(
      [...read].map((name) => name.replace(/^CONNECT_API_RPS_\w+$/, "CONNECT_API_RPS_<Api>")),
    ),
  ];
};

describe("docs/configuration.md", () => {
  it("describes every variable the function's configuration reader reads", () => {
    const documented = page("configuration.md");
    const variables = variablesReadConfigReads();
    expect(variables.length).toBeGreaterThan(10);
    for (const name of variables) expect(documented, name).toContain(`| \`${name}\` |`);
  });

  it("describes every variable the composition root reads from the environment", () => {
    const source = read("functions/create-onboard-employee-handler.ts");
    const names = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string);
    expect(names).toContain("POWERTOOLS_METRICS_NAMESPACE");
    for (const name of names) expect(page("configuration.md"), name).toContain(`\`${name}\``);
  });
});

describe("docs/failures.md and docs/troubleshooting.md", () => {
  const codes = [...REASON_CODES, REDRIVEN_BY_SQS];

  it("give every reason code a row: kind, meaning, what to do", () => {
    for (const code of codes) {
      expect(page("failures.md"), code).toMatch(
        new RegExp(`^\\| \`${code}\` \\| [^|]+ \\| [^|]+ \\| [^|]+ \\|$`, "m"),
      );
      expect(page("troubleshooting.md"), code).toMatch(new RegExp(`^\\| \`${code}\` \\|`, "m"));
    }
  });

  it("match what `onboard dlq list` says to do: a remedy for every code", () => {
    expect(reasonsWithRemedies().sort()).toEqual([...codes].sort());
  });

  it("explain every alarm the stack defines", () => {
    const alarms = [
      ...read("serverless.yml").matchAll(/AlarmName: \$\{self:service\}-\$\{sls:stage\}-(\S+)/g),
    ].map((m) => m[1] as string);
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const alarm of alarms) {
      expect(page("troubleshooting.md"), alarm).toContain(`### \`${alarm}\``);
    }
  });
});

describe("the documentation", () => {
  const documents = [
    "README.md",
    ...readdirSync(join(ROOT, "docs"))
      .filter((name) => name.endsWith(".md"))
      .map((name) => `docs/${name}`),
  ];
  /** Written on another branch at the same time as these pages; they exist once both are merged. */
  const PAGES_OF_OTHER_BRANCHES = new Set(["docs/rules.md", "docs/deploy.md"]);

  it("refers to nothing outside the repository", () => {
    for (const document of documents) {
      const text = read(document);
      expect(text, document).not.toMatch(/\.\.\/shared\/|DESIGN\.md/);
    }
  });

  it("links only to files the repository has", () => {
    for (const document of documents) {
      const base = document.includes("/") ? "docs/" : "";
      for (const [, target] of read(document).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        const path = join(base, target).replace(/\\/g, "/");
        if (PAGES_OF_OTHER_BRANCHES.has(path)) continue;
        expect(() => readFileSync(join(ROOT, path)), `${document} -> ${target}`).not.toThrow();
      }
    }
  });
});
