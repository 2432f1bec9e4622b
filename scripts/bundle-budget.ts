/**
 * The deployable bundle's size budget and where `serverless package` leaves its outputs,
 * shared by scripts/package.ts and the deploy tests.
 */

/** The minified bundle must stay under 700 KB (700,000 bytes). */
export const BUNDLE_LIMIT_BYTES = 700_000;

/** The function's artifact, as `serverless package` names it (package.individually). */
export const FUNCTION_ARTIFACT = "onboardEmployee.zip";

/** The bundle's path inside the artifact (the handler is `functions/onboard-employee.handler`). */
export const BUNDLE_ENTRY = "functions/onboard-employee.mjs";

/**
 * The JSONata engine, beside the bundle and imported by it only when a payload needs a source
 * mapping (scripts/esbuild-plugins.cjs): outside the budget, since no cold start parses it.
 */
export const LAZY_ENTRIES: readonly string[] = ["functions/lazy/jsonata.mjs"];

/** The esbuild metafile serverless-esbuild keeps in its work folder (keepOutputDirectory). */
export const BUNDLE_METAFILE = ".esbuild/.build/functions/onboard-employee-meta.json";

/** Placeholder instance for offline packaging when no --param connectInstanceId is given. */
export const PLACEHOLDER_INSTANCE_ID = "00000000-0000-4000-8000-000000000000";

/**
 * Keeps the framework offline and quiet. osls itself sends no telemetry and fetches no
 * notifications; these are the switches Serverless Framework v3 honours, set in case the
 * `serverless` binary on the PATH is one that does.
 */
export const OFFLINE_FRAMEWORK_ENV: Readonly<Record<string, string>> = {
  SLS_TELEMETRY_DISABLED: "1",
  SLS_NOTIFICATIONS_MODE: "off",
};

export interface PackageBreakdownRow {
  readonly name: string;
  readonly bytes: number;
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/**
 * Bytes in the bundle per npm package (files outside node_modules count as "(project)"),
 * largest first, from an esbuild metafile.
 */
export const breakdownByPackage = (metafile: Metafile, entrySuffix = ".mjs") => {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(entrySuffix));
  if (!output) throw new Error(`the metafile has no ${entrySuffix} output`);
  const totals = new Map<string, number>();
  for (const [path, input] of Object.entries(output[1].inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(path);
    const name = match?.[1] ?? "(project)";
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  const rows: PackageBreakdownRow[] = [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  return { total: output[1].bytes, rows };
};
