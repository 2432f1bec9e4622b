/**
 * `npm run schemas [-- --check]`: writes the contract files generated from shared/contracts/
 * (docs/schemas/*.json, docs/asyncapi.yaml), removing schema files nothing generates any more.
 * With --check it writes nothing and fails when a committed file differs.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { contractFiles, SCHEMAS_DIR } from "./contract-files.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const check = process.argv.includes("--check");
const files = await contractFiles(root);
const stale = (await readdir(join(root, SCHEMAS_DIR)).catch(() => []))
  .map((name) => `${SCHEMAS_DIR}/${name}`)
  .filter((path) => path.endsWith(".json") && !files.has(path));

const differing: string[] = [...stale];
for (const [path, text] of files) {
  const committed = await readFile(join(root, path), "utf8").catch(() => undefined);
  if (committed === text) continue;
  differing.push(path);
  if (!check) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}
if (!check) for (const path of stale) await rm(join(root, path));

if (check && differing.length > 0) {
  console.error(`schemas: out of date (run npm run schemas): ${differing.join(", ")}`);
  process.exitCode = 1;
} else {
  console.log(
    differing.length === 0
      ? `schemas: ${files.size} file(s) up to date`
      : `schemas: wrote ${differing.join(", ")}`,
  );
}
