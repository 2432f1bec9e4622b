/** Every command answers --help; usage errors are one line and exit 2, before any AWS call. */
import { describe, expect, it } from "vitest";
import { linesOf, onboard, onboardInProcess } from "./support.js";

const RECONCILE = ["reconcile", "--roster", "r.csv", "--instance-id", "i-1", "--ledger-table", "l"];

const COMMANDS = [
  [],
  ["plan"],
  ["mappings"],
  ["mappings", "import"],
  ["mappings", "export"],
  ["mappings", "validate"],
  ["dlq"],
  ["dlq", "list"],
  ["dlq", "replay"],
  ["send"],
  ["reconcile"],
];

describe("onboard --help", () => {
  it.each(COMMANDS)("documents `onboard %s`", async (...path) => {
    const run = await onboardInProcess([...path, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`Usage: onboard${path.map((word) => ` ${word}`).join("")} `);
  });

  it("runs as a process without loading the AWS SDK (no SDK notice on stderr)", async () => {
    const run = await onboard(["--help"], undefined, { sdkNotice: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    for (const command of ["plan", "mappings", "dlq", "send"])
      expect(run.stdout).toContain(command);
  });

  it("lists the reason codes replay accepts", async () => {
    const run = await onboardInProcess(["dlq", "replay", "--help"]);
    expect(run.stdout).toMatch(/NoMappingRule.*MaxReceiveCountExceeded/s);
  });
});

describe("usage errors", () => {
  it("exit 2 with one line on stderr, from a process, before the SDK loads", async () => {
    const run = await onboard(["dlq", "replay", "--from", "http://127.0.0.1:9/q"], undefined, {
      sdkNotice: true,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(linesOf(run.stderr)).toEqual(["error: required option '--to <url>' not specified"]);
  });

  it.each([
    [["frobnicate"], /^error: unknown command 'frobnicate'/],
    [["plan", "events/hires"], /^error: plan needs the rules: --mappings FILE or --table NAME$/],
    [
      ["plan", "x.json", "--mappings", "a.json", "--table", "t"],
      /^error: option '--mappings <file>' cannot be used with option '--table <name>'$/,
    ],
    [
      ["plan", "x.json", "--table", "t", "--identity-management-type", "LDAP"],
      /^error: option .* argument 'LDAP' is invalid\. must be one of SAML, CONNECT_MANAGED, EXISTING_DIRECTORY$/,
    ],
    [
      ["plan", "x.json", "--table", "t", "--username-template", "{badge}"],
      /^error: --username-template names unknown employee fields: badge$/,
    ],
    [
      ["dlq", "replay", "--from", "http://h/q", "--to", "http://h/r", "--reason", "NoRule"],
      /^error: option '--reason <code>' argument 'NoRule' is invalid\. must be one of .*NoMappingRule/,
    ],
    [
      ["dlq", "replay", "--from", "http://h/q", "--to", "http://h/r", "--rate", "0"],
      /^error: option '--rate <n>' argument '0' is invalid\. must be a number above 0$/,
    ],
    [["dlq", "list", "--queue-url", "not-a-url"], /must be an http\(s\) URL$/],
    [["mappings", "export", "--table", "t", "--format", "xml"], /Allowed choices are json, csv/],
    [["mappings", "validate"], /^error: validate takes either a rules FILE or --table NAME$/],
    [
      ["mappings", "import", "x.json", "--table", "t", "--impact"],
      /^error: --impact reads the employees from the ledger: give --ledger-table$/,
    ],
    [[...RECONCILE], /^error: reconcile needs the rules: --table NAME or --mappings FILE/],
    [
      [...RECONCILE, "--table", "t", "--include-orphans"],
      /^error: --include-orphans goes with --apply$/,
    ],
    [[...RECONCILE, "--table", "t", "--yes"], /^error: --yes goes with --apply$/],
    [
      [...RECONCILE, "--table", "t", "--apply"],
      /^error: --apply sends through the onboarding queue: give --queue-url$/,
    ],
    [
      [...RECONCILE, "--table", "t", "--apply", "--queue-url", "http://h/q"],
      /^error: --apply asks before it sends, and no terminal can answer here \(stdin is not one\): give --yes$/,
    ],
    [
      [...RECONCILE, "--table", "t", "--as-of", "yesterday"],
      /^error: --as-of "yesterday": must be an RFC 3339 date-time with a time zone/,
    ],
    [
      [...RECONCILE, "--table", "t", "--rps", "0"],
      /^error: option '--rps <n>' argument '0' is invalid\. must be a number above 0$/,
    ],
  ])("%j", async (args, message) => {
    const run = await onboardInProcess(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("prints the group's help on stderr and exits 2 when a command group is given alone", async () => {
    const run = await onboardInProcess(["dlq"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: onboard dlq");
  });
});
