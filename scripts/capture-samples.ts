/**
 * `npm run samples`: runs the default `npm start` inputs on the local stack and writes one
 * published event per DetailType it publishes to docs/samples/ (scripts/published-samples.ts).
 * and shows them in docs/subscribers.md. Run it when an event's content changes; then
 * `npm run schemas` (the AsyncAPI document shows the samples too).
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fileNameOf } from "../shared/contracts/names.js";
import {
  captureSamples,
  SUBSCRIBERS_PAGE,
  samplePath,
  withSampleBlocks,
} from "./published-samples.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const samples = await captureSamples(root);
const texts = new Map<string, string>();
for (const [detailType, event] of samples) {
  const text = `${JSON.stringify(event, null, 2)}\n`;
  texts.set(fileNameOf(detailType), text);
  await writeFile(resolve(root, samplePath(detailType)), text);
  console.log(`samples: ${samplePath(detailType)}`);
}
const page = resolve(root, SUBSCRIBERS_PAGE);
await writeFile(page, withSampleBlocks(await readFile(page, "utf8"), texts));
console.log(`samples: ${SUBSCRIBERS_PAGE}`);
