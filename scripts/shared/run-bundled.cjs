/**
 * Runs a TypeScript tool from an esbuild bundle of its own sources, rebuilt whenever one of
 * them changed; package.json runs the tools whose start-up is measured through it
 * (sync-assets). Dependencies stay external: loaded from node_modules as usual.
 *
 *   node scripts/shared/run-bundled.cjs scripts/sync-assets/cli.ts [arguments…]
 *
 * Why not tsx alone: tsx resolves and loads every module through its own hooks, the
 * hundreds of modules inside the AWS SDK and zod included, which roughly doubles their load
 * time (a no-change `npm run sync-assets` of 1,500 files: ~1.5 CPU-seconds under tsx, ~1.1
 * from a bundle; see docs/asset-sync.md, "Benchmark"). Each module keeps its own `__dirname` and
 * `__filename` (written into the bundle), so paths computed from them stay right; a
 * TypeScript file the tool requires while it runs (app.config.ts) is handed to tsx. Bundles
 * and the stamps of their sources live in node_modules/.cache/run-bundled/. Whenever a
 * bundle cannot be built or written, the tool runs from its sources under tsx as before.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher */
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const CACHE_FOLDER = path.resolve(__dirname, "../../node_modules/.cache/run-bundled");

/** Gives every bundled source its own location instead of the bundle's. */
const ownLocation = {
  name: "own-location",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      return {
        loader: "ts",
        contents: source
          .replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
          .replace(/\b__filename\b/g, JSON.stringify(args.path)),
      };
    });
  },
};

/** The bundle is current when every source it was built from has its recorded size and mtime. */
function isCurrent(bundle, stampsFile) {
  try {
    const stamps = JSON.parse(fs.readFileSync(stampsFile, "utf8"));
    return (
      fs.existsSync(bundle) &&
      stamps.every(([file, size, mtimeMs]) => {
        const stats = fs.statSync(file);
        return stats.size === size && stats.mtimeMs === mtimeMs;
      })
    );
  } catch {
    return false;
  }
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

async function build(entry, bundle, stampsFile) {
  const result = await require("esbuild").build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [ownLocation],
  });
  const stamps = Object.keys(result.metafile.inputs).map((input) => {
    const file = path.resolve(input);
    const stats = fs.statSync(file);
    return [file, stats.size, stats.mtimeMs];
  });
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  writeAtomically(bundle, result.outputFiles[0].contents);
  writeAtomically(stampsFile, JSON.stringify(stamps));
}

async function launch() {
  const entry = path.resolve(process.argv[2] ?? "");
  const name = `${path.basename(entry, path.extname(entry))}-${createHash("sha256").update(entry).digest("hex").slice(0, 12)}`;
  const bundle = path.join(CACHE_FOLDER, `${name}.cjs`);
  const stampsFile = path.join(CACHE_FOLDER, `${name}.sources.json`);
  let main = bundle;
  try {
    if (!isCurrent(bundle, stampsFile)) await build(entry, bundle, stampsFile);
  } catch {
    // No esbuild, a source it cannot bundle, a read-only node_modules: run the sources under tsx.
    require("tsx/cjs");
    main = entry;
  }
  if (main === bundle) {
    // A tool may still require a TypeScript file while it runs (app.config.ts): tsx takes
    // over .ts files then, and only then, once the bundle's own dependencies are loaded.
    require.extensions[".ts"] = function loadWithTsx(module, filename) {
      delete require.extensions[".ts"];
      require("tsx/cjs");
      return require.extensions[".ts"](module, filename);
    };
  }
  // The tool reads its own arguments from process.argv[2] on, as when node runs it directly.
  process.argv.splice(1, 2, main);
  Module.runMain(main);
}

void launch();
