import { readFileSync } from "node:fs";
import type { SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { parseRuleFile } from "../../shared/domain/mapping-rule-file.js";
import { parseMessageBody } from "../../shared/domain/message-body.js";

const sample = (path: string) =>
  readFileSync(new URL(`../../events/${path}`, import.meta.url), "utf8");

describe("the sample SQS events under events/sqs", () => {
  it.each(["raw", "eventbridge", "sns", "cloudevents"] as const)(
    "%s carries a valid hire in its envelope",
    (kind) => {
      const event = JSON.parse(sample(`sqs/${kind}.json`)) as SQSEvent;
      expect(event.Records).toHaveLength(1);
      const parsed = parseMessageBody(event.Records[0]?.body ?? "");
      expect(parsed.ok && parsed.envelope).toBe(kind);
    },
  );
});

describe("the sample mapping rules", () => {
  it("load from JSON and CSV without errors, with the same rules", () => {
    const json = parseRuleFile(sample("mappings.json"), "json");
    const csv = parseRuleFile(sample("mappings.csv"), "csv");
    expect(json.errors).toEqual([]);
    expect(csv.errors).toEqual([]);
    const withoutTags = json.rules.map(({ tags: _tags, ...rule }) => rule);
    expect(csv.rules.map(({ tags: _tags, ...rule }) => rule)).toEqual(withoutTags);
  });
});
