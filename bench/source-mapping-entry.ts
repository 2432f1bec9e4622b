/**
 * The cold-start bench's "first mapped payload" probe: what the function does the first time a
 * payload needs a source mapping, on top of its init. It loads JSONata (the function's own
 * lazy loader), compiles the shipped mappings and maps one sample payload, then prints the
 * time that took. The files are read before the clock starts: the function gets its mappings
 * from DynamoDB, whose round trip the bench does not count.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

const root = process.env.BENCH_ROOT ?? ".";
const folder = join(root, "events/sources");
const documents = await Promise.all(
  (await readdir(folder))
    .filter((name) => name.endsWith(".json"))
    .map(async (name) => JSON.parse(await readFile(join(folder, name), "utf8"))),
);
const body = await readFile(join(folder, "payloads/bamboohr-webhook.json"), "utf8");

const started = performance.now();
const { loadJsonata } = await import("../shared/application/source-book.js");
const { readSourceMapping, SourceMappingSet } = await import("../shared/domain/source-mapping.js");
const { openMessageBody } = await import("../shared/domain/message-body.js");
const jsonata = await loadJsonata();
const compiled = documents.map((document) => {
  const result = readSourceMapping(document, jsonata);
  if (!result.ok) throw new Error(`shipped mapping invalid: ${JSON.stringify(result.issues)}`);
  return result.mapping;
});
const opened = openMessageBody(body);
if (!opened.ok) throw opened.error;
const mapping = await new SourceMappingSet(compiled).select(opened.payload);
const events = await mapping?.events(opened.payload, opened.context);
if (!events?.every((event) => event.ok)) throw new Error("the sample payload did not map");
process.stderr.write(`${JSON.stringify({ firstMappingMs: performance.now() - started })}\n`);
