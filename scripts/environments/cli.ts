/**
 * npm run environments -- [--env <name>] [--json]
 *
 * Lists the environments with what CI needs: account, region, protection, deploy wave, E2E
 * gate, GitHub environments and role variables. The workflows read `--json` into their job
 * matrices, so an environment file added under environments/ is planned, drift-checked,
 * deployed and can be rolled back without touching a workflow.
 */
import { loadEnvironments } from "../../environments";
import { defineCli, knownEnvironment, printJson, runCli, USAGE_ERROR } from "../shared/cli";
import { describePipeline, renderPipeline } from "./describe";

export const ENVIRONMENTS_CLI = defineCli({
  command: "npm run environments --",
  purpose:
    "Lists the environments (every environments/<name>.ts) in pipeline order with what CI needs: account, region, " +
    "protection, deploy wave, E2E gate, canary, GitHub environments and role variables. The workflows read --json into " +
    "their job matrices. An invalid configuration lists every problem.",
  flags: {
    env: {
      value: "<name>",
      help: "only this environment (with --json, its object alone); an unknown name is a usage error",
      parse: knownEnvironment,
    },
    json: { help: 'one JSON object on stdout: {"environments": [...], "waves": [{"wave", "environments"}], "waveCount"}' },
  },
  examples: ["npm run environments", "npm run --silent environments -- --json", "npm run --silent environments -- --env prod --json"],
  exitCodes: { 0: "listed", 1: "the configuration is invalid (every problem is listed)", 2: USAGE_ERROR },
});

export function main(argv: readonly string[]): Promise<number> {
  return ENVIRONMENTS_CLI.run(argv, async (flags) => {
    const view = describePipeline(loadEnvironments());
    const only = flags.env === undefined ? undefined : view.environments.find((e) => e.name === flags.env!.name)!;
    if (flags.json) printJson(only ?? view);
    else process.stdout.write(`${renderPipeline(only ? { environments: [only], waves: [], waveCount: 0 } : view)}\n`);
    return 0;
  });
}

if (require.main === module) runCli(main);
