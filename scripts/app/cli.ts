/**
 * npm run app -- [--build] [--json]
 *
 * The app build this workspace deploys (app.config.ts, or APP_DIR for one command): with
 * --build, runs app.config.ts's build command first; then reads the build and says what it
 * is. The pipeline's build job runs `--build` and reads `--json` for the artifact's folder,
 * so the workflows deploy whatever app.config.ts names, not the example app.
 */
import { spawn } from "node:child_process";
import { resolveAppDir, WORKSPACE_ROOT, type ResolvedAppDir } from "../../lib/app-build/config";
import { loadAppBuild } from "../../lib/app-build/load";
import { UserError } from "../../lib/errors";
import { defineCli, printJson, runCli, say, USAGE_ERROR } from "../shared/cli";
import { describeApp, renderApp } from "./describe";

export const APP_CLI = defineCli({
  command: "npm run app --",
  purpose:
    "Says what app build the workspace deploys (app.config.ts's dir, or APP_DIR): its kind, folder, functions, " +
    "static files and incremental cache. With --build, first runs app.config.ts's build command from the workspace " +
    "root (its output goes to stderr). The pipeline's build job runs both.",
  flags: {
    build: { help: "run app.config.ts's `build` command first (refused under APP_DIR, which names a build made elsewhere)" },
    json: {
      help: 'one JSON object on stdout: {"kind", "buildId", "root", "outputDir", "functions", "releasedFunctions", "staticFiles": {"dir", "keyPrefix"}, "incrementalCache"?}; paths relative to the workspace',
    },
  },
  examples: ["npm run app", "npm run app -- --build", "APP_DIR=../web/.output npm run --silent app -- --json"],
  environment: { APP_DIR: "a build folder to describe instead of app.config.ts's dir (relative to the current directory)" },
  exitCodes: { 0: "the build was made (with --build) and read", 1: "the build command failed, or the folder holds no build this workspace knows", 2: USAGE_ERROR },
});

export function main(argv: readonly string[]): Promise<number> {
  return APP_CLI.run(argv, async (flags) => {
    if (flags.build) await buildApp(resolveAppDir(), process.env, runShell);
    const view = describeApp(loadAppBuild(), WORKSPACE_ROOT);
    if (flags.json) printJson(view);
    else process.stdout.write(`${renderApp(view)}\n`);
    return 0;
  });
}

/** Runs a shell command from a folder; resolves to its exit code. */
export type ShellRunner = (command: string, cwd: string) => Promise<number>;

/** Runs app.config.ts's build command, or says plainly why it cannot. */
export async function buildApp(resolved: ResolvedAppDir, vars: Readonly<Record<string, string | undefined>>, run: ShellRunner): Promise<void> {
  if (vars.APP_DIR?.trim()) {
    throw new UserError("--build runs app.config.ts's build command, but APP_DIR names a build made elsewhere; unset APP_DIR or drop --build");
  }
  if (resolved.build === undefined) {
    throw new UserError('app.config.ts has no build command: add `build: "<command that writes ' + resolved.dir + '>"` (see docs/deploy-your-own-app.md)');
  }
  say(`app: building with \`${resolved.build}\` in ${WORKSPACE_ROOT}`);
  const code = await run(resolved.build, WORKSPACE_ROOT);
  if (code !== 0) throw new UserError(`app.config.ts build command \`${resolved.build}\` failed (exit ${code}); its output is above`);
}

/** Runs a shell command with its output on stderr (stdout stays free for --json). */
const runShell: ShellRunner = (command, cwd) => {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd, shell: true, stdio: ["ignore", process.stderr, process.stderr] });
    // Ctrl-C or a CI cancel reaches the whole process group; wait for the build to stop.
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
};

if (require.main === module) runCli(main);
