/**
 * `npm run package [-- <serverless options>]`: builds the deployable stack offline with
 * `serverless package` (no AWS account, no login), then prints the bundle's size in bytes and
 * what it is made of, and fails when the bundle exceeds its budget.
 *
 * Without `--param connectInstanceId=...` it packages for a placeholder instance (the IAM
 * statements name it): fine for CI, not for deploying. Options are passed to the framework as
 * they are, e.g. `npm run package -- --stage prod --param connectInstanceId=<id>`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUNDLE_ENTRY,
  BUNDLE_LIMIT_BYTES,
  BUNDLE_METAFILE,
  breakdownByPackage,
  FUNCTION_ARTIFACT,
  LAZY_ENTRIES,
  OFFLINE_FRAMEWORK_ENV,
  PLACEHOLDER_INSTANCE_ID,
} from "./bundle-budget.js";
import { openZip } from "./zip.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const bin = join(root, "node_modules", ".bin", "serverless");

const hasParam = (args: readonly string[], name: string): boolean =>
  args.some(
    (arg, i) =>
      arg.startsWith(`--param=${name}=`) ||
      ((arg === "--param" || arg === "-p") && args[i + 1]?.startsWith(`${name}=`)),
  );

const packageDir = (args: readonly string[]): string => {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg.startsWith("--package=")) return resolve(root, arg.slice("--package=".length));
    if (arg === "--package" && args[i + 1]) return resolve(root, args[i + 1] ?? "");
  }
  return join(root, ".serverless");
};

/**
 * Runs the framework with a temporary directory of its own, removed afterwards: serverless-esbuild
 * copies the bundle into a folder under it to zip it, and its cleanup cannot remove a folder that
 * is not empty, so every package step would leave a copy of the bundle in the system's temp dir.
 */
const run = async (command: string, args: readonly string[]): Promise<number> => {
  const scratch = await mkdtemp(join(tmpdir(), "connect-onboarding-package-"));
  try {
    return await new Promise((done, fail) => {
      const child = spawn(command, args, {
        cwd: root,
        stdio: "inherit",
        env: {
          ...process.env,
          ...OFFLINE_FRAMEWORK_ENV,
          TMPDIR: scratch,
          TMP: scratch,
          TEMP: scratch,
        },
      });
      child.on("error", fail);
      child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

const formatBytes = (n: number): string => n.toLocaleString("en-US");

const main = async (): Promise<number> => {
  const passthrough = process.argv.slice(2);
  const args = ["package", ...passthrough];
  if (!hasParam(passthrough, "connectInstanceId")) {
    args.push("--param", `connectInstanceId=${PLACEHOLDER_INSTANCE_ID}`);
    console.log(
      `package: no --param connectInstanceId given; packaging for the placeholder instance ${PLACEHOLDER_INSTANCE_ID} (not deployable as is)`,
    );
  }
  const outDir = packageDir(passthrough);
  // From a clean state: a stale artifact must never be measured as if it were this build's.
  await rm(join(root, ".esbuild"), { recursive: true, force: true });
  await rm(join(outDir, FUNCTION_ARTIFACT), { force: true });

  const started = performance.now();
  const code = await run(bin, args);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) {
    console.error(`package: serverless package failed (exit ${code}) after ${seconds.toFixed(1)}s`);
    return code;
  }

  const artifact = join(outDir, FUNCTION_ARTIFACT);
  const zip = await openZip(artifact);
  const bundle = zip.entries.find((entry) => entry.name === BUNDLE_ENTRY);
  if (!bundle) {
    console.error(`package: ${artifact} has no ${BUNDLE_ENTRY}`);
    return 1;
  }
  const artifactBytes = (await readFile(artifact)).length;
  console.log(
    `bundle ${BUNDLE_ENTRY}: ${bundle.size} bytes (limit ${BUNDLE_LIMIT_BYTES}); artifact ${FUNCTION_ARTIFACT}: ${artifactBytes} bytes, ${zip.entries.length} file(s)`,
  );

  for (const entry of zip.entries.filter((e) => LAZY_ENTRIES.includes(e.name))) {
    console.log(`loaded on first need, not at cold start: ${entry.name}: ${entry.size} bytes`);
  }

  const metafilePath = join(root, BUNDLE_METAFILE);
  if (existsSync(metafilePath)) {
    const { rows } = breakdownByPackage(JSON.parse(await readFile(metafilePath, "utf8")));
    console.log("largest contributors (bytes in the minified bundle):");
    for (const row of rows.slice(0, 10)) {
      console.log(`  ${formatBytes(row.bytes).padStart(9)}  ${row.name}`);
    }
  }
  console.log(`package: done in ${seconds.toFixed(1)}s`);

  if (bundle.size > BUNDLE_LIMIT_BYTES) {
    console.error(
      `package: the bundle is ${formatBytes(bundle.size)} bytes, over the ${formatBytes(BUNDLE_LIMIT_BYTES)}-byte budget`,
    );
    return 1;
  }
  return 0;
};

process.exitCode = await main();
