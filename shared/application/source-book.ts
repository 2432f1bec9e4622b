import {
  type CompiledSourceMapping,
  compileSourceMapping,
  type JsonataCompiler,
  SourceMappingSet,
} from "../domain/source-mapping.js";
import type { CallContext, SourceMappingSource } from "../ports.js";
import type { Clock } from "./clock.js";
import type { Log } from "./log.js";
import { TtlCache } from "./ttl-cache.js";

export interface SourceBookOptions {
  readonly ttlMs: number;
  /** After a miss, reload mappings older than this: an operator may just have imported one. */
  readonly missRefreshMs: number;
}

/**
 * The JSONata engine, loaded on first need: about 80 KB that a function receiving only
 * canonical events never evaluates, so its cold start does not pay for it.
 */
export const loadJsonata = async (): Promise<JsonataCompiler> => (await import("jsonata")).default;

/**
 * The source mappings, cached per Lambda environment like the rules, compiled once per load:
 * "which mapping reads this payload?". A mapping that does not compile is logged and left out,
 * as an invalid rule is.
 */
export class SourceBook {
  readonly #cache: TtlCache<SourceMappingSet, CallContext>;

  constructor(
    source: SourceMappingSource,
    private readonly options: SourceBookOptions,
    clock: Clock,
    log: Log,
    compiler: () => Promise<JsonataCompiler> = loadJsonata,
  ) {
    this.#cache = new TtlCache(
      async (context) => {
        const skip = (sourceId: string | undefined, problem: string) =>
          log.warn("Skipping an invalid source mapping", { sourceId, problem });
        const definitions = await source.loadSources(context, skip);
        if (definitions.length === 0) return new SourceMappingSet([]);
        const jsonata = await compiler();
        const compiled: CompiledSourceMapping[] = [];
        for (const definition of definitions) {
          const result = compileSourceMapping(definition, jsonata);
          if (result.ok) compiled.push(result.mapping);
          else
            skip(
              result.sourceId,
              result.issues
                .map(
                  (i) =>
                    `${i.path}: ${i.message}${i.position === undefined ? "" : ` (at ${i.position})`}`,
                )
                .join("; "),
            );
        }
        return new SourceMappingSet(compiled);
      },
      options.ttlMs,
      clock,
    );
  }

  /** The mapping whose `when` holds for this unwrapped body; reloaded once on a miss. */
  async mappingFor(
    payload: Record<string, unknown>,
    context: CallContext,
  ): Promise<CompiledSourceMapping | undefined> {
    const found = await (await this.#cache.get(context)).select(payload);
    if (found) return found;
    return (await this.#cache.refresh(this.options.missRefreshMs, context)).select(payload);
  }
}
