/**
 * `npm run e2e:local`: the E2E suite against a local copy of the deployment, in headless
 * Chromium. Steps, each timed:
 *   1. the app build: the example app built into a temporary directory
 *      (examples/ssr-app/build.mjs), or `--app <name>` (a framework example, built by
 *      examples/build-apps.mjs when its sources changed), or any build named by APP_DIR;
 *      read into its description (lib/app-build)
 *   2. the local deployment (local-deployment.ts): moto_server with the environment's assets
 *      bucket, and the local edge routing by the build's behaviours
 *   3. the real `npm run sync-assets` for the static files (and for the incremental cache
 *      seed, where the build has one), and a check that the release manifest landed
 *   4. the deploy: the build's tables created and seeded by its deploy-time functions, its
 *      functions created in moto from their packages with alias `live` on version 1; the
 *      edge answers pages and `/api/*` with the version the alias serves, run from the
 *      package moto holds for it, with the distribution's security headers on every response
 *   5. `playwright test` (e2e/) with BASE_URL pointing at the edge and E2E_SUITE naming the
 *      specs (site for the example app, the framework example's name otherwise)
 * and stops everything, whatever happened. Flags are checked, and a browser looked for,
 * before step 1 (`--help` lists them).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { errorMessage, UserError } from "../../lib/errors";
import { assetManifestKey } from "../../lib/naming";
import { chromiumExecutable } from "../../e2e/browser";
import { defineCli, environmentOrFirst, knownEnvironment, oneOf, runCli, say, USAGE_ERROR, wholeNumber, type FlagValues } from "../shared/cli";
import type { AppBuildDescription } from "../../lib/app-build/description";
import { describeAppBuild } from "../../lib/app-build/load";
import { unrunnableFunctions, type UnrunnableFunction } from "./local-function";
import { startLocalDeployment, type LocalDeployment } from "./local-deployment";

const ROOT = path.resolve(__dirname, "..", "..");
const BUILD_SCRIPT = path.join(ROOT, "examples", "ssr-app", "build.mjs");
const BUILD_APPS_SCRIPT = path.join(ROOT, "examples", "build-apps.mjs");
/** The framework examples `--app` accepts, and the Playwright suite each runs (E2E_SUITE). */
export const FRAMEWORK_APPS = { "nextjs-app": "nextjs", "nuxt-app": "nuxt" } as const;
const PLAYWRIGHT_CONFIG = path.join(ROOT, "e2e", "playwright.config.ts");
/** Written by the config's json reporter. */
const PLAYWRIGHT_RESULTS = path.join(ROOT, "e2e", ".results", "results.json");

/** Trace modes `playwright test --trace` accepts (playwright/lib/program.js, 1.65). */
const TRACE_MODES = ["on", "off", "on-first-retry", "on-all-retries", "retain-on-failure", "retain-on-first-failure", "retain-on-failure-and-retries"] as const;

/**
 * The `playwright test` flags most runs need, declared so a misspelt one is caught before
 * any set-up; any other goes after `--`. Meanings from `playwright test --help`.
 */
const PLAYWRIGHT_FLAGS = {
  grep: { value: "<regexp>", help: "playwright: only run tests matching this regular expression", short: "-g" },
  "grep-invert": { value: "<regexp>", help: "playwright: only run tests not matching this regular expression", short: "-G" },
  headed: { help: "playwright: show the browser (needs a display)" },
  list: { help: "playwright: list the tests, run none" },
  "repeat-each": { value: "<n>", help: "playwright: run each test n times", parse: wholeNumber({ min: 1, max: 1000 }) },
  retries: { value: "<n>", help: "playwright: retries of a failing test", parse: wholeNumber({ min: 0, max: 100 }) },
  "max-failures": { value: "<n>", help: "playwright: stop after n failures", parse: wholeNumber({ min: 1 }) },
  reporter: { value: "<name>", help: "playwright: reporter instead of the config's (list, line, dot, json, html, …)" },
  trace: { value: `<mode>`, help: `playwright: tracing mode (${TRACE_MODES.join(", ")})`, parse: oneOf(TRACE_MODES) },
  timeout: { value: "<ms>", help: "playwright: time limit of each test, 0 for none", parse: wholeNumber({ min: 0 }) },
} as const;

export const E2E_LOCAL_CLI = defineCli({
  command: "npm run e2e:local --",
  purpose:
    "Runs the E2E suite (e2e/) in headless Chromium against a local copy of the deployment: builds the example " +
    "app, starts moto_server with the environment's assets bucket, runs the real sync-assets into it, serves pages " +
    "and assets through a local edge that routes like the CloudFront distribution, then runs `playwright test`.",
  flags: {
    env: { value: "<name>", help: "environment whose bucket name and config sync-assets uses (see npm run environments; default: the first one)", parse: knownEnvironment },
    app: {
      value: "<name>",
      help: `a framework example instead of the example app (${Object.keys(FRAMEWORK_APPS).join(", ")}); APP_DIR=<build> serves any build`,
      parse: oneOf(Object.keys(FRAMEWORK_APPS) as (keyof typeof FRAMEWORK_APPS)[]),
    },
    serve: { help: "stop after starting the local edge and serve until Ctrl-C, for poking at it by hand" },
    verbose: { help: "log every request the local edge answers" },
    ...PLAYWRIGHT_FLAGS,
  },
  operands: { name: "[test-filter...]", help: "test files to run (playwright's filters); after --, any other `playwright test` flag, passed on unchecked" },
  examples: ["npm run e2e:local", "npm run e2e:local -- --app nextjs-app", "APP_DIR=../web/.open-next E2E_SUITE=nextjs npm run e2e:local", "npm run e2e:local -- --grep health", "npm run e2e:local -- --serve --verbose", "npm run e2e:local -- site.spec.ts -- --shard 1/2"],
  exitCodes: { 0: "every test passed", 1: "a test failed (Playwright's exit code), or a step failed (no browser, build, moto, sync-assets)", 2: USAGE_ERROR },
  environment: {
    CHROMIUM_PATH: "the Chromium or Chrome binary to drive (default: the first of /usr/bin/chromium, …)",
    APP_DIR: "serve this app build instead of the example app",
    E2E_SUITE: "the Playwright suite to run: site (default), nextjs or nuxt",
  },
});

type E2eLocalFlags = FlagValues<typeof E2E_LOCAL_CLI.spec.flags>;

/** The arguments for `playwright test`: the declared Playwright flags as given, then the rest. */
export function playwrightArguments(flags: Partial<E2eLocalFlags>, operands: readonly string[]): string[] {
  const args: string[] = [];
  for (const name of Object.keys(PLAYWRIGHT_FLAGS) as (keyof typeof PLAYWRIGHT_FLAGS)[]) {
    const value = flags[name];
    if (value === true) args.push(`--${name}`);
    else if (typeof value === "string" || typeof value === "number") args.push(`--${name}`, String(value));
  }
  return [...args, ...operands];
}

export function main(argv: readonly string[]): Promise<number> {
  return E2E_LOCAL_CLI.run(argv, (flags, operands) => e2eLocal(flags, playwrightArguments(flags, operands)));
}

/** The browser the suite will drive, or a one-line error before any set-up. */
function requireBrowser(): void {
  try {
    chromiumExecutable();
  } catch (error) {
    throw new UserError(errorMessage(error));
  }
}

async function e2eLocal(flags: E2eLocalFlags, playwrightArgs: readonly string[]): Promise<number> {
  // The first environment in pipeline order: the one a build reaches first.
  const env = environmentOrFirst(flags.env);
  if (!flags.serve) requireBrowser();
  const started = performance.now();
  const timings: string[] = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    say(`e2e:local: ${name}…`);
    const result = await work();
    timings.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };

  const workDir = mkdtempSync(path.join(tmpdir(), "e2e-local-"));
  const appDir = path.join(workDir, "app");
  let local: LocalDeployment | undefined;
  const stopAll = async () => {
    await local?.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const build = await step("the app build", async () => {
      const appDirOverride = process.env.APP_DIR?.trim();
      if (appDirOverride) return describeAppBuild(path.resolve(appDirOverride), `APP_DIR=${appDirOverride}`);
      if (flags.app) {
        await run(process.execPath, [BUILD_APPS_SCRIPT, flags.app], process.env);
        return describeAppBuild(path.join(ROOT, "examples", flags.app), `--app ${flags.app}`);
      }
      await run(process.execPath, [BUILD_SCRIPT, "--out", appDir, "--label", "e2e-local"], process.env);
      return describeAppBuild(appDir, "the example app build");
    });
    say(`e2e:local: ${build.kind} build ${build.buildId} in ${build.root}: functions ${build.functions.map((fn) => fn.id).join(", ")}`);

    local = await step("start moto_server and the local edge", () =>
      startLocalDeployment({ env, build, log: say, ...(flags.verbose ? { requestLog: say } : {}) }),
    );
    const deployment = local;

    const releaseId = `e2e-local-${Date.now()}`;
    await step("sync-assets", async () => {
      const syncAssets = (args: readonly string[]) =>
        run("npm", ["run", "--silent", "sync-assets", "--", "--env", env.name, ...args], { ...deployment.awsEnvironment, APP_DIR: build.root });
      if (build.incrementalCache) {
        await syncAssets(["--dir", build.incrementalCache.dir, "--prefix", build.incrementalCache.keyPrefix, "--release", `${releaseId}-cache`]);
      }
      // Without --dir: sync-assets takes the static files, prefix and cache rules from the build.
      await syncAssets(["--release", releaseId]);
      await requireObject(deployment, assetManifestKey(env, releaseId));
    });

    const deployed = await step("deploy the build's functions (alias live on version 1)", () => deployment.deploy(build));
    say(`e2e:local: functions ${Object.entries(deployed.versions).map(([id, version]) => `${id} v${version}`).join(", ")}`);
    const unavailable = unrunnableFunctions(build);
    for (const fn of unavailable) say(`e2e:local: ${fn.reason}; its paths answer 502 and their tests are skipped`);
    say(`e2e:local: serving ${deployment.url} (static files from s3://${deployment.bucket}/${build.staticFiles.keyPrefix} on ${deployment.endpoint}, release ${releaseId})`);

    if (flags.serve) {
      say("e2e:local: --serve: press Ctrl-C to stop");
      await new Promise(() => {});
    }

    rmSync(PLAYWRIGHT_RESULTS, { force: true });
    const code = await step("playwright test", () =>
      exitCode(process.execPath, [require.resolve("@playwright/test/cli"), "test", "--config", PLAYWRIGHT_CONFIG, ...playwrightArgs], {
        ...process.env,
        BASE_URL: deployment.url,
        E2E_SUITE: process.env.E2E_SUITE ?? (flags.app ? FRAMEWORK_APPS[flags.app] : "site"),
        ...unavailableEnvironment(build, unavailable),
      }),
    );
    say(`e2e:local: ${code === 0 ? "passed" : `FAILED (playwright exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(1)} s (${timings.join(", ")})`);
    const counts = readCounts(PLAYWRIGHT_RESULTS);
    if (counts) say(formatCounts(counts));
    return code;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await stopAll();
  }
}

export interface TestCounts {
  readonly passed: number;
  readonly failed: number;
  readonly flaky: number;
  readonly skipped: number;
}

/** Playwright's json report `stats`, or undefined when there is no report to read. */
export function readCounts(file: string): TestCounts | undefined {
  try {
    const { stats } = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
    return { passed: stats.expected, failed: stats.unexpected, flaky: stats.flaky, skipped: stats.skipped };
  } catch {
    return undefined;
  }
}

/** One plain closing line, `E2E: 7 passed, 0 failed`, that CI logs can be searched for. */
export function formatCounts(counts: TestCounts): string {
  return `E2E: ${counts.passed + counts.flaky} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ""}`;
}


async function requireObject(deployment: LocalDeployment, key: string): Promise<void> {
  const client = new S3Client({ ...s3Settings(deployment), forcePathStyle: true });
  try {
    await client.send(new HeadObjectCommand({ Bucket: deployment.bucket, Key: key }));
  } catch (error) {
    throw new UserError(`sync-assets exited 0 but s3://${deployment.bucket}/${key} is missing (${errorMessage(error)}): it must write the release manifest last`);
  } finally {
    client.destroy();
  }
}

function s3Settings(deployment: LocalDeployment) {
  return { endpoint: deployment.endpoint, region: deployment.awsEnvironment.AWS_REGION, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
}

/**
 * Tells the specs which paths reach functions that cannot run here (E2E_UNAVAILABLE_PATHS, a
 * regular expression over the behaviours' patterns) and why, so they skip those with the reason.
 */
export function unavailableEnvironment(build: AppBuildDescription, unavailable: readonly UnrunnableFunction[]): Record<string, string> {
  if (unavailable.length === 0) return {};
  const ids = new Set(unavailable.map((fn) => fn.id));
  const patterns = build.behaviours
    .filter((b) => b.target.kind === "function" && ids.has(b.target.functionId))
    .map((b) => `^/${b.pathPattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return {
    E2E_UNAVAILABLE_PATHS: patterns.join("|"),
    E2E_UNAVAILABLE_REASON: unavailable.map((fn) => fn.reason).join("; "),
  };
}

/** Runs a command with inherited output; a non-zero exit is a failed step. */
async function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const code = await exitCode(command, args, env);
  if (code !== 0) throw new UserError(`\`${[path.basename(command), ...args].join(" ")}\` exited with ${code}`);
}

function exitCode(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

if (require.main === module) runCli(main);
