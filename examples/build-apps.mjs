#!/usr/bin/env node
/**
 * Builds the framework example apps, each from its own package.json and lockfile:
 *   examples/nextjs-app  Next.js through OpenNext (default configuration) → .open-next/
 *   examples/nuxt-app    Nuxt with Nitro's aws-lambda preset (streaming)  → .output/
 *
 * Variants: `a` (the default) builds in place; `b` builds the same sources with
 * EXAMPLE_BUILD_LABEL=b (another page string, so other hashed chunks) and moves the output
 * to .cache/example-variants/<app>-b/, leaving variant a's in place: two builds that differ,
 * for `npm run rehearse` (release one, then the other).
 *
 * Content-keyed: a build is skipped when its inputs (lockfile, sources, Node's major
 * version, variant) are those of the build already there, recorded in `.build-key` beside
 * it, so running this again costs a second. `npm ci` runs only when the lockfile changed.
 *
 * Usage: node examples/build-apps.mjs [--force] [--variant a|b ...] [nextjs-app|nuxt-app ...]
 * Prints one JSON line per build on stdout:
 *   {"app","variant","dir","skipped","installSeconds","buildSeconds"}   (dir: the build folder)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where variant b's builds go (git-ignored). */
const VARIANTS_DIR = path.join(here, "..", ".cache", "example-variants");
const VARIANTS = ["a", "b"];

/** What each app builds with, and the file whose presence proves the build finished. */
export const APPS = {
  "nextjs-app": {
    command: ["npx", "--no-install", "open-next", "build"],
    output: ".open-next/open-next.output.json",
    /** Everything the build writes; the first is the deployable build the adapters read. */
    outputs: [".open-next", ".next"],
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  },
  "nuxt-app": {
    command: ["npx", "--no-install", "nuxt", "build"],
    output: ".output/nitro.json",
    outputs: [".output", ".nuxt"],
    env: { NUXT_TELEMETRY_DISABLED: "1" },
  },
};

/** Never part of the key: installed packages, build outputs, the key itself. */
const IGNORED = new Set(["node_modules", ".next", ".open-next", ".nuxt", ".output", ".build-key", ".install-key"]);

let parsed;
try {
  parsed = parseArgs({ options: { force: { type: "boolean" }, variant: { type: "string", multiple: true } }, allowPositionals: true });
} catch (error) {
  usage(error.message);
}
const { values, positionals } = parsed;
const names = positionals.length > 0 ? positionals : Object.keys(APPS);
for (const name of names) if (!(name in APPS)) usage(`unknown app ${JSON.stringify(name)}; known: ${Object.keys(APPS).join(", ")}`);
const variants = values.variant ?? ["a"];
for (const variant of variants) if (!VARIANTS.includes(variant)) usage(`unknown variant ${JSON.stringify(variant)}; known: ${VARIANTS.join(", ")}`);

try {
  for (const name of names) {
    for (const variant of variants) {
      const result = buildApp(name, APPS[name], variant, values.force ?? false);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  }
} catch (error) {
  process.stderr.write(`build-apps: ${error.message}\n`);
  process.exit(1);
}

function usage(message) {
  process.stderr.write(`build-apps: ${message}\nusage: node examples/build-apps.mjs [--force] [--variant a|b ...] [${Object.keys(APPS).join("|")} ...]\n`);
  process.exit(2);
}

function buildApp(name, app, variant, force) {
  const dir = path.join(here, name);
  // Variant a is the build in place; another variant's build lives apart from the sources.
  const outDir = variant === "a" ? dir : path.join(VARIANTS_DIR, `${name}-${variant}`);
  const buildKey = digest(dir, `node ${process.versions.node.split(".")[0]}\nvariant ${variant}`);
  const buildKeyFile = path.join(outDir, ".build-key");
  const done = { app: name, variant, dir: path.relative(process.cwd(), outDir) || "." };
  if (!force && existsSync(path.join(outDir, app.output)) && read(buildKeyFile) === buildKey) {
    process.stderr.write(`build-apps: ${name} (variant ${variant}) is up to date\n`);
    return { ...done, skipped: true, installSeconds: 0, buildSeconds: 0 };
  }
  const installKey = createHash("sha256").update(readFileSync(path.join(dir, "package-lock.json"))).digest("hex");
  const installKeyFile = path.join(dir, ".install-key");
  let installSeconds = 0;
  if (!existsSync(path.join(dir, "node_modules")) || read(installKeyFile) !== installKey) {
    installSeconds = timed(() => run(name, dir, ["npm", "ci", "--no-audit", "--no-fund"], {}));
    writeFileSync(installKeyFile, installKey);
  }
  rmSync(buildKeyFile, { force: true });
  const env = { ...app.env, EXAMPLE_BUILD_LABEL: variant };
  const buildSeconds = variant === "a" ? timed(() => buildInPlace(name, dir, app, env)) : timed(() => buildApart(name, dir, outDir, app, env));
  writeFileSync(buildKeyFile, buildKey);
  return { ...done, skipped: false, installSeconds, buildSeconds };
}

function buildInPlace(name, dir, app, env) {
  for (const output of app.outputs) rmSync(path.join(dir, output), { recursive: true, force: true });
  run(name, dir, app.command, env);
  if (!existsSync(path.join(dir, app.output))) fail(`${name}: the build finished without ${app.output}`);
}

/**
 * Frameworks build into the app's folder, so: set variant a's outputs (and key) aside, build
 * there, move the deployable output to `outDir`, and put variant a's back, whatever happened.
 * A deployable build is self-contained (Lambda runs it from /var/task), so it can move.
 */
function buildApart(name, dir, outDir, app, env) {
  const stash = path.join(VARIANTS_DIR, `${name}.stash`);
  rmSync(stash, { recursive: true, force: true });
  mkdirSync(stash, { recursive: true });
  const kept = [...app.outputs, ".build-key"].filter((output) => existsSync(path.join(dir, output)));
  for (const output of kept) renameSync(path.join(dir, output), path.join(stash, output));
  try {
    buildInPlace(name, dir, app, env);
    const [deployable] = app.outputs;
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    renameSync(path.join(dir, deployable), path.join(outDir, deployable));
  } finally {
    for (const output of app.outputs) rmSync(path.join(dir, output), { recursive: true, force: true });
    for (const output of kept) renameSync(path.join(stash, output), path.join(dir, output));
    rmSync(stash, { recursive: true, force: true });
  }
}

function run(name, dir, [command, ...args], env) {
  process.stderr.write(`build-apps: ${name}: ${[command, ...args].join(" ")}\n`);
  const result = spawnSync(command, args, { cwd: dir, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...env } });
  if (result.status !== 0) fail(`${name}: \`${[command, ...args].join(" ")}\` exited with ${result.status ?? result.signal}`);
}

function timed(work) {
  const started = performance.now();
  work();
  return Math.round((performance.now() - started) / 100) / 10;
}

/** sha256 over every source file's path and bytes (sorted), plus `extra`. */
function digest(dir, extra) {
  const hash = createHash("sha256").update(`${extra}\n`);
  for (const file of listFiles(dir, "").sort()) hash.update(`${file}\n`).update(readFileSync(path.join(dir, file)));
  return hash.digest("hex");
}

function listFiles(root, relative) {
  return readdirSync(path.join(root, relative), { withFileTypes: true })
    .filter((entry) => !IGNORED.has(entry.name))
    .flatMap((entry) => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, child) : [child];
    });
}

function read(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Thrown, not exited, so a variant build puts variant a's outputs back on the way out. */
function fail(message) {
  throw new Error(message);
}
