/**
 * Runs a TypeScript tool from an esbuild bundle of its own sources, rebuilt whenever one of
 * them changed; the npm scripts whose start-up is measured use it (package.json:
 * sync-assets). Dependencies stay external (loaded from node_modules as usual).
 *
 *   node scripts/shared/run-bundled.cjs scripts/sync-assets/cli.ts [arguments…]
 *
 * Why not tsx: tsx resolves and loads every module through its own hooks, the hundreds of
 * modules inside the AWS SDK and zod included, which roughly doubles their load time; a
 * no-change `npm run sync-assets` of 1,500 files spent ~1.5 CPU-seconds under tsx and ~1.0
 * from a bundle (bench:sync, README). The bundle goes next to the entry
 * (`.<name>.bundle.cjs`, git-ignored), so the entry's `__dirname` is still right; a source
 * other than the entry that uses `__dirname` or `__filename` (which would point at the
 * bundle's folder) is not bundled. Whenever the bundle cannot be built, the tool runs
 * under tsx exactly as before.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher */
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const entry = path.resolve(process.argv[2] ?? "");
const bundle = path.join(path.dirname(entry), `.${path.basename(entry, path.extname(entry))}.bundle.cjs`);
const inputsFile = `${bundle}.inputs.json`;

/** The bundle is current when every source it was built from has its recorded size and mtime. */
function isCurrent() {
  try {
    const inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
    return (
      fs.existsSync(bundle) &&
      inputs.every(([file, size, mtimeMs]) => {
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

function build() {
  const result = require("esbuild").buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const sources = Object.keys(result.metafile.inputs).map((input) => path.resolve(input));
  const usesOwnLocation = sources.find((file) => file !== entry && /\b__(dirname|filename)\b/.test(fs.readFileSync(file, "utf8")));
  if (usesOwnLocation) throw new Error(`${usesOwnLocation} uses __dirname or __filename`);
  const stamps = sources.map((file) => {
    const stats = fs.statSync(file);
    return [file, stats.size, stats.mtimeMs];
  });
  writeAtomically(bundle, result.outputFiles[0].contents);
  writeAtomically(inputsFile, JSON.stringify(stamps));
}

let main = bundle;
try {
  if (!isCurrent()) build();
} catch {
  // No esbuild, a source it cannot bundle, a read-only checkout: run the sources under tsx.
  require("tsx/cjs");
  main = entry;
}
// The tool reads its own arguments from process.argv[2] on, as when node runs it directly.
process.argv.splice(1, 2, main);
Module.runMain(main);
