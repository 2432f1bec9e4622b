/** `onboard sources import|export|validate`: the source table, managed like the mapping table. */

import { loadJsonata } from "../../shared/application/source-book.js";
import type { SourceMapping } from "../../shared/domain/source-mapping.js";
import { checkSourceMappings } from "../../shared/source-mapping-files.js";
import { type AwsOptions, dynamoDbClient } from "../aws.js";
import { type CliIo, EXIT, printJson, table, UsageError } from "../io.js";
import { canonical } from "../mappings/diff.js";
import { plural } from "../mappings/rule-file.js";
import { checkSourceFile, locateProblem, readSourceFile } from "./files.js";
import { scanSources, writeSources } from "./table.js";

export interface SourceImportOptions extends AwsOptions {
  readonly table: string;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  readonly json?: boolean;
}

/**
 * Validates and compiles every mapping first and writes nothing if any is bad; then writes
 * what differs from the table (and, with --prune, deletes what the file does not have).
 */
export const runSourcesImport = async (
  file: string,
  options: SourceImportOptions,
  io: CliIo,
): Promise<number> => {
  const { mappings } = await readSourceFile(file, io);
  const client = dynamoDbClient(options);
  try {
    const stored = new Map(
      (await scanSources(client, options.table)).map((item) => [item.key, item.validation]),
    );
    const added: SourceMapping[] = [];
    const changed: SourceMapping[] = [];
    let unchanged = 0;
    for (const mapping of mappings) {
      const before = stored.get(mapping.sourceId);
      if (!before) added.push(mapping);
      else if (!before.ok || canonical(before.mapping) !== canonical(mapping))
        changed.push(mapping);
      else unchanged++;
    }
    const inFile = new Set(mappings.map((mapping) => mapping.sourceId));
    const notInFile = [...stored.keys()].filter((key) => !inFile.has(key)).sort();
    const deletes = options.prune ? notInFile : [];
    const written = options.dryRun
      ? null
      : await writeSources(client, options.table, [...added, ...changed], deletes);
    const report = {
      file,
      table: options.table,
      dryRun: Boolean(options.dryRun),
      added: added.map((m) => m.sourceId),
      changed: changed.map((m) => m.sourceId),
      removed: deletes,
      kept: options.prune ? [] : notInFile,
      unchanged,
      written,
    };
    if (options.json) printJson(io, report);
    else {
      const rows = [
        ...report.added.map((id) => ["+", "added", id]),
        ...report.changed.map((id) => ["~", "changed", id]),
        ...report.removed.map((id) => ["-", "removed", id]),
        ...report.kept.map((id) => [
          "=",
          "kept",
          `${id} (not in the file; --prune would delete it)`,
        ]),
      ];
      io.stdout(
        [
          `${file} against table ${options.table}:${rows.length === 0 ? " no differences" : ""}`,
          ...(rows.length > 0 ? [table(rows)] : []),
          `  ${plural(unchanged, "mapping")} unchanged`,
          written
            ? `Wrote ${plural(written.puts, "mapping")}, deleted ${written.deletes}.`
            : `Dry run: would write ${plural(added.length + changed.length, "mapping")} and delete ${deletes.length}; nothing written.`,
          "",
        ].join("\n"),
      );
    }
    return EXIT.ok;
  } finally {
    client.destroy();
  }
};

export interface SourceExportOptions extends AwsOptions {
  readonly table: string;
}

/** The table's mappings as a JSON array sorted by sourceId; exit 1 when an item is unreadable. */
export const runSourcesExport = async (
  options: SourceExportOptions,
  io: CliIo,
): Promise<number> => {
  const client = dynamoDbClient(options);
  try {
    const items = await scanSources(client, options.table);
    const mappings: SourceMapping[] = [];
    for (const { key, validation } of items) {
      if (validation.ok) mappings.push(validation.mapping);
      else {
        const problems = validation.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
        io.stderr(`warning: item ${key} is invalid and not exported: ${problems}\n`);
      }
    }
    mappings.sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
    io.stdout(`${JSON.stringify(mappings, null, 2)}\n`);
    return mappings.length === items.length ? EXIT.ok : EXIT.failed;
  } finally {
    client.destroy();
  }
};

export interface SourceValidateOptions extends AwsOptions {
  readonly table?: string;
  readonly json?: boolean;
}

export interface SourceFinding {
  readonly where: string;
  readonly sourceId?: string;
  readonly message: string;
}

/**
 * Compiles every expression of every mapping, as the function will, and reports each problem
 * with its member and, for a syntax error, the position in the expression.
 */
export const runSourcesValidate = async (
  file: string | undefined,
  options: SourceValidateOptions,
  io: CliIo,
): Promise<number> => {
  if (Boolean(file) === Boolean(options.table)) {
    throw new UsageError("validate takes either a source mappings FILE or --table NAME");
  }
  const source = file ?? `table ${options.table}`;
  const errors: SourceFinding[] = [];
  let count = 0;
  if (file) {
    const result = await checkSourceFile(file);
    count = result.mappings.length + new Set(result.problems.map((p) => p.where)).size;
    for (const problem of result.problems) {
      errors.push({ ...problem, message: locateProblem(problem) });
    }
  } else {
    const client = dynamoDbClient(options);
    try {
      const items = await scanSources(client, options.table as string);
      count = items.length;
      const entries = items.map(({ key, item }) => ({ where: `item ${key}`, candidate: item }));
      for (const problem of checkSourceMappings(entries, await loadJsonata()).problems) {
        errors.push({
          ...problem,
          message: locateProblem({
            ...problem,
            message: `the function skips this item: ${problem.message}`,
          }),
        });
      }
    } finally {
      client.destroy();
    }
  }
  if (options.json) printJson(io, { source, mappings: count, errors });
  else {
    io.stdout(
      [
        `${source}: ${plural(count, "source mapping")}`,
        ...(errors.length > 0 ? [table(errors.map((e) => ["error", e.message]))] : []),
        `${plural(errors.length, "error")}`,
        "",
      ].join("\n"),
    );
  }
  return errors.length > 0 ? EXIT.failed : EXIT.ok;
};
