/**
 * `npm run policy -- [--dir cdktf.out]... [--json]`: checks every synthesized stack against
 * the workspace's security and reliability rules. Human report on stderr, `--json` report on
 * stdout; exit 0 when no error-level violation remains, 1 when one does (or the synthesis
 * directory is missing), 2 on a usage error.
 */
import { loadEnvironments } from "../../environments";
import { parseCliArgs, printJson, runCli, say } from "../shared/cli";
import { runPolicy } from "./engine";
import { renderText } from "./render-text";
import { RULES } from "./rules";
import { loadWorkspace } from "./workspace";

const USAGE = `usage: npm run policy -- [--dir <synthesis dir>]... [--json]
  --dir   a cdktf synthesis directory with manifest.json (default cdktf.out; repeat for several)
  --json  print the report as one JSON object on stdout`;

async function main(argv: readonly string[]): Promise<number> {
  const flags = parseCliArgs(argv, { dir: { type: "string", multiple: true }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, USAGE);
  if (flags.help) {
    say(USAGE);
    say(`\nrules:\n${RULES.map((r) => `  ${r.id.padEnd(6)} ${r.severity.padEnd(7)} ${r.title}`).join("\n")}`);
    return 0;
  }
  const dirs = flags.dir ?? ["cdktf.out"];
  const environments = loadEnvironments();
  const workspace = loadWorkspace(dirs);
  const report = runPolicy(workspace, environments, { dirs });
  say(renderText(report));
  if (flags.json) printJson(report);
  return report.ok ? 0 : 1;
}

runCli(main);
