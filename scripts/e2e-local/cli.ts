/**
 * `npm run e2e:local`: the E2E suite against a local copy of the deployment, in headless
 * Chromium. Steps, each timed:
 *   1. build the example app into a temporary directory (examples/ssr-app/build.mjs)
 *   2. start moto_server (the local S3 API) and create the environment's assets bucket
 *   3. run the real `npm run sync-assets` into it, and check its release manifest landed
 *   4. start the local edge (edge.ts): /assets/* from the bucket, pages and /api/* from the
 *      built SSR handler, the distribution's security headers on every response
 *   5. run `playwright test` (e2e/) with BASE_URL pointing at the edge
 * and stops everything, whatever happened. Flags are checked, and a browser looked for,
 * before step 1 (`--help` lists them).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CreateBucketCommand, HeadObjectCommand, S3Client, type BucketLocationConstraint } from "@aws-sdk/client-s3";
import { errorMessage, UserError } from "../../lib/errors";
import { assetManifestKey, assetsBucketName } from "../../lib/naming";
import { localAwsEnvironment, startMotoServer, type MotoServer } from "../local-aws/moto-server";
import { ENVIRONMENT_NAMES } from "../../environments";
import { chromiumExecutable } from "../../e2e/browser";
import { defineCli, knownEnvironment, oneOf, runCli, say, USAGE_ERROR, wholeNumber, type FlagValues } from "../shared/cli";
import { startLocalEdge, type LocalEdge, type SsrHandler } from "./edge";
import { s3AssetsOrigin } from "./s3-origin";

const ROOT = path.resolve(__dirname, "..", "..");
const BUILD_SCRIPT = path.join(ROOT, "examples", "ssr-app", "build.mjs");
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
    env: { value: "<name>", help: `environment whose bucket name and config sync-assets uses (${ENVIRONMENT_NAMES.join(", ")})`, parse: knownEnvironment, default: "dev" },
    serve: { help: "stop after starting the local edge and serve until Ctrl-C, for poking at it by hand" },
    verbose: { help: "log every request the local edge answers" },
    ...PLAYWRIGHT_FLAGS,
  },
  operands: { name: "[test-filter...]", help: "test files to run (playwright's filters); after --, any other `playwright test` flag, passed on unchecked" },
  examples: ["npm run e2e:local", "npm run e2e:local -- --grep health", "npm run e2e:local -- --serve --verbose", "npm run e2e:local -- site.spec.ts -- --shard 1/2"],
  exitCodes: { 0: "every test passed", 1: "a test failed (Playwright's exit code), or a step failed (no browser, build, moto, sync-assets)", 2: USAGE_ERROR },
  environment: { CHROMIUM_PATH: "the Chromium or Chrome binary to drive (default: the first of /usr/bin/chromium, …)" },
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
  const env = flags.env;
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
  let moto: MotoServer | undefined;
  let edge: LocalEdge | undefined;
  let assetsClient: S3Client | undefined;
  const stopAll = async () => {
    await edge?.stop().catch(() => {});
    assetsClient?.destroy();
    await moto?.stop().catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    await step("build the example app", () => run(process.execPath, [BUILD_SCRIPT, "--out", appDir, "--label", "e2e-local"], process.env));

    moto = await step("start moto_server", () => startMotoServer());
    const awsEnv = localAws(moto.endpoint);
    const bucket = assetsBucketName(env);
    await step(`create bucket ${bucket}`, () => createBucket(moto!.endpoint, bucket, env.account.region));

    const releaseId = `e2e-local-${Date.now()}`;
    await step("sync-assets", async () => {
      await run("npm", ["run", "--silent", "sync-assets", "--", "--env", env.name, "--dir", path.join(appDir, "client"), "--release", releaseId], awsEnv);
      await requireObject(moto!.endpoint, env.account.region, bucket, assetManifestKey(env, releaseId));
    });

    const handler = await loadHandler(path.join(appDir, "server", "index.js"));
    assetsClient = s3(moto.endpoint, env.account.region);
    const assets = s3AssetsOrigin(assetsClient, bucket);
    edge = await step("start the local edge", () => startLocalEdge({ assets, handler, ...(flags.verbose ? { log: say } : {}) }));
    say(`e2e:local: serving ${edge.url} (assets from s3://${bucket} on ${moto.endpoint}, release ${releaseId})`);

    if (flags.serve) {
      say("e2e:local: --serve: press Ctrl-C to stop");
      await new Promise(() => {});
    }

    rmSync(PLAYWRIGHT_RESULTS, { force: true });
    const code = await step("playwright test", () =>
      exitCode(process.execPath, [require.resolve("@playwright/test/cli"), "test", "--config", PLAYWRIGHT_CONFIG, ...playwrightArgs], {
        ...process.env,
        BASE_URL: edge!.url,
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


/** The caller's environment pointed at the emulator, without any real AWS profile or session. */
function localAws(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...localAwsEnvironment(endpoint) };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}

function s3(endpoint: string, region: string): S3Client {
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
}

async function createBucket(endpoint: string, bucket: string, region: string): Promise<void> {
  const client = s3(endpoint, region);
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } finally {
    client.destroy();
  }
}

async function requireObject(endpoint: string, region: string, bucket: string, key: string): Promise<void> {
  const client = s3(endpoint, region);
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    throw new UserError(`sync-assets exited 0 but s3://${bucket}/${key} is missing (${errorMessage(error)}): it must write the release manifest last`);
  } finally {
    client.destroy();
  }
}

async function loadHandler(file: string): Promise<SsrHandler> {
  const loaded = (await import(pathToFileURL(file).href)) as { handler?: unknown; default?: { handler?: unknown } };
  const handler = loaded.handler ?? loaded.default?.handler;
  if (typeof handler !== "function") throw new UserError(`${file}: exports no handler function`);
  return handler as SsrHandler;
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
