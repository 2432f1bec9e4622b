/**
 * A value built on first use, then kept. For zod schemas above all: zod builds a schema's
 * objects when it is declared, so schemas declared at module level are built during the cold
 * start, before (or without) any message needing them.
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
};
