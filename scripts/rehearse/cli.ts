/**
 * `npm run rehearse`: the proof of zero downtime. On moto, with no AWS account: two builds
 * of the app, a local edge that serves what alias `live` points at in moto at each moment,
 * clients that never pause, and the real tools releasing, canarying, rolling back and
 * pruning in the deploy workflow's order. Every failed request is counted; exit 0 only if
 * none failed, every phase saw requests, both builds were served and an old tab still loaded
 * its lazily loaded chunk. docs/rehearsal.md says what it proves and what it does not.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromiumExecutable } from "../../e2e/browser";
import { describeAppBuild } from "../../lib/app-build/load";
import type { AppBuildDescription } from "../../lib/app-build/description";
import { errorMessage, UserError } from "../../lib/errors";
import { AWS_ENVIRONMENT, defineCli, environmentOrFirst, InvalidArgumentError, knownEnvironment, oneOf, printJson, runCli, say, USAGE_ERROR } from "../shared/cli";
import { formatFailures, formatTable, toJson } from "./results";
import { rehearse } from "./run";
import { FAULTS, type BuildName } from "./scenario";

const ROOT = path.resolve(__dirname, "..", "..");
const BUILD_EXAMPLE = path.join(ROOT, "examples", "ssr-app", "build.mjs");
const BUILD_APPS = path.join(ROOT, "examples", "build-apps.mjs");
const FRAMEWORK_APPS = ["nextjs-app", "nuxt-app"] as const;

/** `<dirA>,<dirB>`: two different build folders. */
function buildPair(raw: string): readonly [string, string] {
  const parts = raw.split(",").map((part) => part.trim());
  if (parts.length !== 2 || parts.some((part) => part === "")) throw new InvalidArgumentError("must be two build folders separated by a comma: <dirA>,<dirB>");
  const [a, b] = parts.map((part) => path.resolve(part)) as [string, string];
  if (a === b) throw new InvalidArgumentError("must name two different builds (the rehearsal releases one, then the other)");
  return [a, b];
}

export const REHEARSE_CLI = defineCli({
  command: "npm run rehearse --",
  purpose:
    "Proves a release, a canary, a rollback and a prune never fail a request: on moto, builds A and B of the app " +
    "are synced, deployed and released by the real tools in the deploy workflow's order (sync A, deploy, release A; " +
    "sync B, deploy, release B as a canary then fully; roll back to A; release B again; prune) while an HTTP client " +
    "loads the page and every static file it references without pause, and a browser tab opened on A loads a chunk " +
    "on demand after B is live. Pages and /api/* are answered by the Lambda version alias live points at in moto at " +
    "that moment, canary weights included. Prints a table per phase; --fault plants a mistake it must catch.",
  flags: {
    env: { value: "<name>", help: "environment whose names and config to use (see npm run environments; default: the first one)", parse: knownEnvironment },
    builds: {
      value: "<dirA>,<dirB>",
      help: "two build outputs of any supported kind (OpenNext, Nitro, the example app's layout) to release in turn (default: the example app built twice)",
      parse: buildPair,
      conflicts: ["app"],
    },
    app: {
      value: "<name>",
      help: `a framework example built twice (examples/build-apps.mjs --variant a --variant b): ${FRAMEWORK_APPS.join(", ")}`,
      parse: oneOf(FRAMEWORK_APPS),
    },
    fault: { value: "<name>", help: `plant a mistake the rehearsal must catch (exit 1): ${FAULTS.join(", ")}`, parse: oneOf(FAULTS) },
    json: { help: "print one result object on stdout (the table and progress stay on stderr)" },
    verbose: { help: "log every request the edge answers and the functions' own output" },
  },
  examples: [
    "npm run rehearse",
    "npm run rehearse -- --json",
    "npm run rehearse -- --fault prune-live-assets",
    "npm run rehearse -- --app nextjs-app",
    "npm run rehearse -- --builds ../web/build-1,../web/build-2",
  ],
  exitCodes: {
    0: "zero downtime shown: no request failed, every phase saw requests, both builds were served, the old tab loaded its chunk",
    1: "a request failed (or another condition above did not hold), a step failed, or the set-up failed (no browser, moto, a build)",
    2: USAGE_ERROR,
  },
  environment: {
    CHROMIUM_PATH: "the Chromium or Chrome binary for the browser tab (default: the first of /usr/bin/chromium, …)",
    APP_DIR: "not read: the rehearsal needs two builds; pass them with --builds",
    ...AWS_ENVIRONMENT,
  },
});

export function main(argv: readonly string[]): Promise<number> {
  return REHEARSE_CLI.run(argv, async (flags) => {
    if (!flags.builds && !flags.app && process.env.APP_DIR?.trim()) {
      throw new UserError(`APP_DIR=${process.env.APP_DIR.trim()} names one build, and the rehearsal releases two in turn: pass --builds <dirA>,<dirB>`, 2);
    }
    try {
      chromiumExecutable();
    } catch (error) {
      throw new UserError(errorMessage(error));
    }
    const work = mkdtempSync(path.join(tmpdir(), "rehearse-builds-"));
    try {
      const builds = await prepareBuilds(flags, work);
      say(`rehearse: build A ${builds.A.kind} ${builds.A.buildId} (${builds.A.root}); build B ${builds.B.kind} ${builds.B.buildId} (${builds.B.root})`);
      if (builds.A.buildId === builds.B.buildId) throw new UserError(`builds A and B have the same build id ${builds.A.buildId}: the rehearsal needs two different builds`);
      const outcome = await rehearse({ env: environmentOrFirst(flags.env), builds, ...(flags.fault ? { fault: flags.fault } : {}), log: say, verbose: flags.verbose });
      const buildOf = (version: string) => (Object.entries(outcome.versions).find(([, v]) => v === version)?.[0] as BuildName | undefined);
      say(`\n${formatTable(outcome.summary, buildOf)}`);
      if (outcome.summary.failures.length > 0) say(`\nfailed requests (phase: client URL → status):\n${formatFailures(outcome.summary.failures).join("\n")}`);
      say(
        outcome.verdict.ok
          ? `\nrehearse: zero downtime: ${outcome.summary.requests} requests, none failed, in ${outcome.seconds.toFixed(1)} s`
          : `\nrehearse: FAILED in ${outcome.seconds.toFixed(1)} s:\n${outcome.verdict.problems.map((p) => `  - ${p}`).join("\n")}`,
      );
      if (flags.json) printJson(toJson(outcome.summary));
      return outcome.verdict.ok ? 0 : 1;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

async function prepareBuilds(
  flags: { readonly builds?: readonly [string, string]; readonly app?: (typeof FRAMEWORK_APPS)[number] },
  work: string,
): Promise<Record<BuildName, AppBuildDescription>> {
  if (flags.builds) {
    const [a, b] = flags.builds;
    return { A: describeAppBuild(a, `--builds (first) ${a}`), B: describeAppBuild(b, `--builds (second) ${b}`) };
  }
  if (flags.app) {
    const lines = await output(process.execPath, [BUILD_APPS, "--variant", "a", "--variant", "b", flags.app]);
    const dirs = Object.fromEntries(lines.map((line) => JSON.parse(line) as { variant: string; dir: string }).map((built) => [built.variant, path.resolve(built.dir)]));
    if (!dirs.a || !dirs.b) throw new UserError(`examples/build-apps.mjs did not report both variants of ${flags.app}`);
    return { A: describeAppBuild(dirs.a, `--app ${flags.app} (variant a)`), B: describeAppBuild(dirs.b, `--app ${flags.app} (variant b)`) };
  }
  const [a, b] = ["a", "b"].map((label) => path.join(work, `build-${label}`));
  await output(process.execPath, [BUILD_EXAMPLE, "--out", a!, "--label", "a"]);
  await output(process.execPath, [BUILD_EXAMPLE, "--out", b!, "--label", "b"]);
  return { A: describeAppBuild(a!, "the example app build A"), B: describeAppBuild(b!, "the example app build B") };
}

/** Runs a build script; its stdout lines, its stderr passed on; a non-zero exit is a UserError. */
function output(command: string, args: readonly string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(stdout.split("\n").filter((line) => line.trim() !== ""));
      else reject(new UserError(`\`${[path.basename(command), ...args.map((a) => path.relative(ROOT, a) || a)].join(" ")}\` exited with ${code}`));
    });
  });
}

if (require.main === module) runCli(main);
