/**
 * `npm run samples`: runs the default `npm start` inputs on the local stack and writes one
 * published event per DetailType it publishes to docs/samples/ (scripts/published-samples.ts).
 * Run it when an event's content changes; then `npm run schemas` (the AsyncAPI document shows
 * the samples).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { captureSamples, samplePath } from "./published-samples.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const samples = await captureSamples(root);
for (const [detailType, event] of samples) {
  await writeFile(resolve(root, samplePath(detailType)), `${JSON.stringify(event, null, 2)}\n`);
  console.log(`samples: ${samplePath(detailType)}`);
}
