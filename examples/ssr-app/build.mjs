#!/usr/bin/env node
/**
 * Builds the example SSR app:
 *   dist/client/assets/<name>.<hash>.<ext>   content-hashed client assets (what sync-assets uploads),
 *                                            including the chunk main.js imports on demand
 *   dist/server/index.js                     the Lambda handler, with the asset manifest built in
 *   dist/server.zip                          the same, zipped deterministically (the Lambda package)
 *
 * Flags: --out <dir> (default dist), --label <text> (changes every output, for a second
 * release in demos and tests), --if-needed (skip when the sources and flags are unchanged);
 * --help lists them.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";

const here = path.dirname(fileURLToPath(import.meta.url));
// Plain node runs this file, so it declares its flags with commander directly rather than
// through scripts/shared/cli.ts (TypeScript); same conventions: help on stdout, exit 2 on a usage error.
const values = new Command("npm run build:example --")
  .description("Builds the example SSR app: hashed client assets, the Lambda handler and its deterministic zip.")
  .addOption(new Option("--out <dir>", "output directory").default(path.join(here, "dist"), "examples/ssr-app/dist"))
  .option("--label <text>", "changes every output, for a second release in demos and tests", "1")
  .option("--if-needed", "skip when the sources and flags are unchanged since the last build")
  .helpOption("-h, --help", "show this help")
  .showSuggestionAfterError(true)
  .allowExcessArguments(false)
  .addHelpText("after", "\nExamples:\n  npm run build:example\n  npm run build:example -- --out /tmp/build-2 --label 2\n\nExit codes:\n  0  built (or up to date with --if-needed)\n  1  the build failed\n  2  usage error: unknown flag, bad or missing value")
  .exitOverride((error) => process.exit(error.code === "commander.helpDisplayed" || error.code === "commander.help" ? 0 : 2))
  .parse()
  .opts();
const outDir = path.resolve(values.out);
const label = values.label;
const stampFile = path.join(outDir, ".build-stamp");

const stamp = sourceDigest(label);
if (values.ifNeeded && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) process.exit(0);

// Loaded only when there is work to do, so --if-needed stays cheap on the synth path.
const { build } = await import("esbuild");
rmSync(outDir, { recursive: true, force: true });
const define = { __BUILD_LABEL__: JSON.stringify(label) };

const client = await build({
  entryPoints: { main: path.join(here, "src/client/main.ts"), styles: path.join(here, "src/client/main.css") },
  outdir: path.join(outDir, "client/assets"),
  entryNames: "[name].[hash]",
  // The details module is imported on demand: its own chunk, content-hashed like the entries.
  splitting: true,
  chunkNames: "[name].[hash]",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  metafile: true,
  define,
  // A label comment makes every asset's bytes (and so its hash) differ between builds.
  banner: { js: `/* build ${label} */`, css: `/* build ${label} */` },
  logLevel: "warning",
});

/** Logical name (main.js, styles.css) to key under the bucket root (assets/main.<hash>.js). */
const manifest = {};
for (const [outFile, meta] of Object.entries(client.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const key = path.relative(path.join(outDir, "client"), path.resolve(outFile)).split(path.sep).join("/");
  manifest[path.basename(outFile).replace(/\.[^.]+(\.[^.]+)$/, "$1")] = key;
}

await build({
  entryPoints: [path.join(here, "src/server/index.ts")],
  outfile: path.join(outDir, "server/index.js"),
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  define: { ...define, __ASSET_MANIFEST__: JSON.stringify(manifest) },
  logLevel: "warning",
});
writeFileSync(path.join(outDir, "server/asset-manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(path.join(outDir, "server.zip"), await zipDirectory(path.join(outDir, "server")));
mkdirSync(outDir, { recursive: true });
writeFileSync(stampFile, stamp);

/**
 * Zips a directory with fixed timestamps, so the same code always gives the same bytes and
 * Terraform sees no change (cdktf's own ARCHIVE assets cost a child process per stack).
 */
async function zipDirectory(dir) {
  const { zipSync } = await import("fflate");
  const mtime = new Date("1980-01-01T00:00:00Z");
  const entries = {};
  for (const file of listFiles(dir).sort()) {
    entries[path.relative(dir, file).split(path.sep).join("/")] = [readFileSync(file), { mtime, level: 9 }];
  }
  return zipSync(entries);
}

function sourceDigest(buildLabel) {
  const hash = createHash("sha256").update(`label:${buildLabel}\n`);
  const files = [path.join(here, "build.mjs"), ...listFiles(path.join(here, "src"))].sort();
  for (const file of files) hash.update(`${path.relative(here, file)}\n`).update(readFileSync(file));
  return hash.digest("hex");
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}
