#!/usr/bin/env node
/**
 * Builds the framework example apps, each from its own package.json and lockfile:
 *   examples/nextjs-app  Next.js through OpenNext (default configuration) → .open-next/
 *   examples/nuxt-app    Nuxt with Nitro's aws-lambda preset (streaming)  → .output/
 *
 * Content-keyed: a build is skipped when its inputs (lockfile, sources, Node's major
 * version) are those of the build already in place, recorded in `.build-key` beside it, so
 * running this again costs a second. `npm ci` runs only when the lockfile changed.
 *
 * Usage: node examples/build-apps.mjs [--force] [nextjs-app|nuxt-app ...]
 * Prints one JSON line per app on stdout: {"app","skipped","installSeconds","buildSeconds"}.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));

/** What each app builds with, and the file whose presence proves the build finished. */
export const APPS = {
  "nextjs-app": {
    command: ["npx", "--no-install", "open-next", "build"],
    output: ".open-next/open-next.output.json",
    outputs: [".next", ".open-next"],
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  },
  "nuxt-app": {
    command: ["npx", "--no-install", "nuxt", "build"],
    output: ".output/nitro.json",
    outputs: [".nuxt", ".output"],
    env: { NUXT_TELEMETRY_DISABLED: "1" },
  },
};

/** Never part of the key: installed packages, build outputs, the key itself. */
const IGNORED = new Set(["node_modules", ".next", ".open-next", ".nuxt", ".output", ".build-key", ".install-key"]);

const { values, positionals } = parseArgs({ options: { force: { type: "boolean" } }, allowPositionals: true });
const names = positionals.length > 0 ? positionals : Object.keys(APPS);
for (const name of names) {
  if (!(name in APPS)) {
    process.stderr.write(`build-apps: unknown app ${JSON.stringify(name)}; known: ${Object.keys(APPS).join(", ")}\n`);
    process.exit(2);
  }
}

for (const name of names) {
  const result = buildApp(name, APPS[name], values.force ?? false);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function buildApp(name, app, force) {
  const dir = path.join(here, name);
  const buildKey = digest(dir, `node ${process.versions.node.split(".")[0]}`);
  const buildKeyFile = path.join(dir, ".build-key");
  if (!force && existsSync(path.join(dir, app.output)) && read(buildKeyFile) === buildKey) {
    process.stderr.write(`build-apps: ${name} is up to date\n`);
    return { app: name, skipped: true, installSeconds: 0, buildSeconds: 0 };
  }
  const installKey = createHash("sha256").update(readFileSync(path.join(dir, "package-lock.json"))).digest("hex");
  const installKeyFile = path.join(dir, ".install-key");
  let installSeconds = 0;
  if (!existsSync(path.join(dir, "node_modules")) || read(installKeyFile) !== installKey) {
    installSeconds = timed(() => run(name, dir, ["npm", "ci", "--no-audit", "--no-fund"], {}));
    writeFileSync(installKeyFile, installKey);
  }
  rmSync(buildKeyFile, { force: true });
  for (const output of app.outputs) rmSync(path.join(dir, output), { recursive: true, force: true });
  const buildSeconds = timed(() => run(name, dir, app.command, app.env));
  if (!existsSync(path.join(dir, app.output))) fail(`${name}: the build finished without ${app.output}`);
  writeFileSync(buildKeyFile, buildKey);
  return { app: name, skipped: false, installSeconds, buildSeconds };
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

function fail(message) {
  process.stderr.write(`build-apps: ${message}\n`);
  process.exit(1);
}
