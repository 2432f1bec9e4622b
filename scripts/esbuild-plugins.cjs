// esbuild plugins for the Lambda bundle, loaded by serverless-esbuild (`custom.esbuild.plugins`).
// CommonJS because serverless-esbuild `require`s this file.
"use strict";

const { readFile } = require("node:fs/promises");
const { dirname, join } = require("node:path");

/**
 * The AWS SDK's schema modules (`@aws-sdk/<client>/dist-es/schemas/schemas_0.js`) describe every
 * operation of a service. Their shapes carry traits as objects with computed keys naming
 * module-level string constants, e.g. `{ [_h]: ["PUT", "/users/{InstanceId}", 200] }`. esbuild
 * treats a computed key as possibly side-effecting (toPrimitive), and it does not inline the
 * constants in a module that has imports, so it keeps every operation's schema and everything
 * it references: ~190 KB of the Connect client alone, for the 7 operations this function calls.
 * (esbuild issue evanw/esbuild#4373, raised from aws/aws-sdk-js-v3#7607; see also
 * evanw/esbuild#2588 on imports disabling constant inlining.)
 *
 * This rewrites such keys to the string literal the constant holds (`{ "http": [...] }`): the
 * same object at run time, but side-effect free, so unused schemas are tree-shaken. Only keys
 * naming a `const _x = "..."` declared at the top of the same file are touched; anything else
 * is left as it is. No SDK code is removed or replaced: the operations that are imported keep
 * their full schemas, and the error registrations (real side effects) stay.
 */
const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/** Rewrites computed keys that name file-level string constants; returns the new source. */
const inlineSchemaKeys = (source) => {
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name, literal);
  if (constants.size === 0) return { source, rewritten: 0 };
  let rewritten = 0;
  const result = source.replace(COMPUTED_KEY, (match, before, name) => {
    const literal = constants.get(name);
    if (literal === undefined) return match;
    rewritten += 1;
    return `${before}${literal}:`;
  });
  return { source: result, rewritten };
};

/** @type {import("esbuild").Plugin} */
const treeShakeAwsSdkSchemas = {
  name: "tree-shake-aws-sdk-schemas",
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => {
      const original = await readFile(args.path, "utf8");
      const { source, rewritten } = inlineSchemaKeys(original);
      if (rewritten === 0) return undefined;
      return { contents: source, loader: "js" };
    });
  },
};

/** Where the JSONata engine goes, beside the bundle; the bundle imports it by this path. */
const LAZY_JSONATA = "./lazy/jsonata.mjs";

/**
 * The JSONata engine (about 80 KB minified) is needed only once a payload needs a source
 * mapping, and the function imports it then (`import("jsonata")`). Inlined, it would still be
 * parsed at every cold start. This keeps it out of the bundle: the import is pointed at a file
 * of its own beside the bundle (`lazy/jsonata.mjs`, JSONata bundled as an ES module), which
 * this plugin builds with the same options and which is zipped with the bundle.
 */
/** @type {import("esbuild").Plugin} */
const lazyJsonata = {
  name: "lazy-jsonata",
  setup(build) {
    build.onResolve({ filter: /^jsonata$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: LAZY_JSONATA, external: true } : undefined,
    );
    build.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      const { outdir, outfile, minify, target, platform, banner, legalComments } =
        build.initialOptions;
      const dir = outdir ?? (outfile ? dirname(outfile) : undefined);
      if (!dir) return;
      await build.esbuild.build({
        entryPoints: [require.resolve("jsonata")],
        outfile: join(dir, LAZY_JSONATA),
        bundle: true,
        format: "esm",
        minify,
        target,
        platform,
        banner,
        legalComments,
        logLevel: "warning",
      });
    });
  },
};

module.exports = [treeShakeAwsSdkSchemas, lazyJsonata];
module.exports.LAZY_JSONATA = LAZY_JSONATA;
module.exports.inlineSchemaKeys = inlineSchemaKeys;
module.exports.SCHEMA_MODULE = SCHEMA_MODULE;
