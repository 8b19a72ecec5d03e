/**
 * npm run demo [-- --json]   (flags: npm run demo -- --help)
 *
 * The whole release flow with no AWS account: starts moto_server (unless AWS_ENDPOINT_URL
 * names an emulator already running), creates the example app's bucket, role, function
 * and alias `live` there, then runs the real tools as CI would: sync build 1, publish,
 * release, sync build 2, publish, release, rollback, list releases. Each step is printed
 * with its time. With --json, one summary object goes to stdout.
 *
 * The tools run through their CLI entry points (`main` of scripts/sync-assets/cli.ts and
 * scripts/release/cli.ts, the same argument parsing and output as `npm run …`) in this
 * process, so each step's time is the tool's own, not another tsx start-up.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEnvironments } from "../../environments";
import { UserError } from "../../lib/errors";
import { assetsBucketName, LIVE_ALIAS, ssrFunctionName, ssrRoleName } from "../../lib/naming";
import { localAwsEnvironment, startMotoServer, type MotoServer } from "../local-aws/moto-server";
import { defineCli, printJson, runCli, say, USAGE_ERROR } from "../shared/cli";
import { main as releaseTool } from "../release/cli";
import { main as syncAssetsTool } from "../sync-assets/cli";
import { createLocalApp, type LocalApp } from "./local-app";

const ROOT = path.resolve(__dirname, "..", "..");
const ENV = "dev";
export const DEMO_CLI = defineCli({
  command: "npm run demo --",
  purpose:
    "The whole release flow with no AWS account: starts moto_server (unless AWS_ENDPOINT_URL names an emulator " +
    "already running), creates the example app's bucket, role, function and alias there, then runs the real tools " +
    "as CI would: sync build 1, release, sync build 2, publish, release, rollback, list releases. Each step is " +
    "printed with its time.",
  flags: { json: { help: "print one summary object on stdout" } },
  examples: ["npm run demo", "npm run demo -- --json | jq .totalMs"],
  exitCodes: { 0: "every step worked", 1: "a step failed (it says which), or moto_server could not be started", 2: USAGE_ERROR },
  environment: { AWS_ENDPOINT_URL: "an AWS emulator already running, to use instead of starting moto_server" },
});

interface Step {
  readonly name: string;
  readonly ms: number;
}

export function main(argv: readonly string[]): Promise<number> {
  return DEMO_CLI.run(argv, demo);
}

async function demo(flags: { readonly json: boolean }): Promise<number> {
  const started = performance.now();
  const steps: Step[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    say(`\n▸ ${name}`);
    const t = performance.now();
    const result = await run();
    const ms = Math.round(performance.now() - t);
    steps.push({ name, ms });
    say(`  ✓ ${name} (${formatMs(ms)})`);
    return result;
  };

  const given = process.env.AWS_ENDPOINT_URL;
  let server: MotoServer | undefined;
  const work = mkdtempSync(path.join(os.tmpdir(), "release-demo-"));
  try {
    const [endpoint, builds] = await step(
      `${given ? `use the emulator at ${given}` : "start moto_server (local AWS emulator)"} and build the example app twice (build 1 and 2: different hashed assets)`,
      () =>
        Promise.all([
          given ??
            startMotoServer().then((started) => {
              server = started;
              say(`  moto_server listening on ${started.endpoint}`);
              return started.endpoint;
            }),
          Promise.all([1, 2].map((n) => buildExample(path.join(work, `build-${n}`), `demo-${n}`))),
        ]),
    );
    Object.assign(process.env, localAwsEnvironment(endpoint), demoCredentials(), {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });

    const env = loadEnvironments().find((e) => e.name === ENV);
    if (!env) throw new UserError(`the demo needs environment ${ENV} in environments/`);
    // In a fresh emulator the names are the real ones from lib/naming; in one that was
    // given (and may hold an earlier run), a suffix keeps this run's resources apart.
    const suffix = given ? `-demo-${randomBytes(3).toString("hex")}` : "";
    const names = {
      bucket: `${assetsBucketName(env)}${suffix}`.slice(0, 63),
      functionName: `${ssrFunctionName(env)}${suffix}`,
      role: `${ssrRoleName(env)}${suffix}`,
    };
    const nameFlags = ["--env", ENV, "--bucket", names.bucket, "--function-name", names.functionName];

    // The example build zips its server code deterministically, as the app stack deploys it.
    const zips = builds.map((dir) => readFileSync(path.join(dir, "server.zip")));

    const app: LocalApp = await step(
      `deploy the infrastructure (what cdktf deploy creates): bucket ${names.bucket}, function ${names.functionName} with build 1 published as version 1, alias ${LIVE_ALIAS}`,
      () => createLocalApp({ region: env.account.region, bucket: names.bucket, functionName: names.functionName, roleName: names.role, zip: zips[0] }),
    );

    await step("sync-assets: build 1 as release demo-1", () =>
      tool("sync-assets", ["--env", ENV, "--dir", path.join(builds[0], "client"), "--release", "demo-1", "--bucket", names.bucket]),
    );
    await step("release demo-1 (version 1 is already live: recorded in the ledger)", () =>
      tool("release", ["release", ...nameFlags, "--release-id", "demo-1", "--git-sha", "demo-1"]),
    );
    await step("sync-assets: build 2 as release demo-2", () =>
      tool("sync-assets", ["--env", ENV, "--dir", path.join(builds[1], "client"), "--release", "demo-2", "--bucket", names.bucket]),
    );
    const version2 = await step("publish build 2 (cdktf deploy: new code, version 2; alias untouched)", async () => {
      const version = await app.publish(zips[1]);
      say(`  published version ${version}`);
      return version;
    });
    await step(`release demo-2 (alias ${LIVE_ALIAS}: version 1 → ${version2})`, () =>
      tool("release", ["release", ...nameFlags, "--release-id", "demo-2", "--git-sha", "demo-2"]),
    );
    await step("rollback (to the release before: demo-1, no Terraform run)", () =>
      tool("release", ["rollback", ...nameFlags, "--reason", "demo: pretend demo-2 is broken"]),
    );
    await step("list releases", () => tool("release", ["list", ...nameFlags]));

    const totalMs = Math.round(performance.now() - started);
    say(`\ndone in ${formatMs(totalMs)}: ${steps.length} steps, ${app.functionName}:${LIVE_ALIAS} is back on version 1`);
    if (flags.json) printJson({ ok: true, endpoint, bucket: names.bucket, functionName: names.functionName, steps, totalMs });
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
    // `server` is assigned inside a callback, which narrowing cannot see.
    await (server as MotoServer | undefined)?.stop();
  }
}

/** Dummy credentials for the emulator, unless the caller set their own for it. */
function demoCredentials(): Record<string, string> {
  return process.env.AWS_ACCESS_KEY_ID ? {} : { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };
}

async function buildExample(out: string, label: string): Promise<string> {
  await run(process.execPath, [path.join(ROOT, "examples", "ssr-app", "build.mjs"), "--out", out, "--label", label]);
  return out;
}

/** Runs a tool's CLI entry point with these arguments; anything but exit 0 stops the demo. */
async function tool(name: "sync-assets" | "release", args: readonly string[]): Promise<void> {
  const script = name === "sync-assets" ? "sync-assets" : args[0] === "list" ? "releases" : args[0];
  const shown = (name === "release" ? args.slice(1) : args).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  say(`  $ npm run ${script} -- ${shown.join(" ")}`);
  const code = await (name === "sync-assets" ? syncAssetsTool(args) : releaseTool(args));
  if (code !== 0) throw new UserError(`${name} ${args.join(" ")} exited with ${code}`);
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: process.env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new UserError(`${command} ${args.join(" ")} exited with ${code}:\n${stderr}`))));
  });
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

if (require.main === module) runCli(main);
