/**
 * npm run environments -- [--env <name>] [--json]
 *
 * Lists the environments with what CI needs: account, region, protection, deploy wave, E2E
 * gate, GitHub environments and role variables. The workflows read `--json` into their job
 * matrices, so an environment file added under environments/ is planned, drift-checked,
 * deployed and can be rolled back without touching a workflow. Exit 0, 1 for an invalid
 * configuration (every problem listed), 2 for a usage error (an unknown --env included).
 */
import { environmentByName, parseCliArgs, printJson, runCli } from "../shared/cli";
import { loadEnvironments } from "../../environments";
import { describePipeline, renderPipeline } from "./describe";

const USAGE = `usage: npm run environments -- [--env <name>] [--json]
  --env <name>  only this environment (its object alone with --json); unknown names exit 2
  --json        one JSON object on stdout: {"environments": [...], "waves": [...], "waveCount": n}`;

const OPTIONS = {
  env: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCliArgs(argv, OPTIONS, USAGE);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const view = describePipeline(loadEnvironments());
  if (flags.env !== undefined) {
    const name = environmentByName(flags.env).name;
    const env = view.environments.find((e) => e.name === name)!;
    if (flags.json) printJson(env);
    else process.stdout.write(`${renderPipeline({ environments: [env], waves: [], waveCount: 0 })}\n`);
    return 0;
  }
  if (flags.json) printJson(view);
  else process.stdout.write(`${renderPipeline(view)}\n`);
  return 0;
}

if (require.main === module) runCli(main);
