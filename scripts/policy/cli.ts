/**
 * `npm run policy -- [--dir cdktf.out]... [--json]`: checks every synthesized stack against
 * the workspace's security and reliability rules. Human report on stderr, `--json` report on
 * stdout; exit 0 when no error-level violation remains, 1 when one does (or the synthesis
 * directory is missing), 2 on a usage error.
 */
import { loadEnvironments } from "../../environments";
import { defineCli, printJson, runCli, say, USAGE_ERROR } from "../shared/cli";
import { runPolicy } from "./engine";
import { renderText } from "./render-text";
import { RULES } from "./rules";
import { loadWorkspace } from "./workspace";

export const POLICY_CLI = defineCli({
  command: "npm run policy --",
  purpose:
    "Checks every stack a cdktf synthesis directory lists in its manifest.json against the workspace's " +
    "security and reliability rules (below). The human report goes to stderr; error-level violations fail the run.",
  flags: {
    dir: { value: "<synthesis dir>", help: "a cdktf synthesis directory with manifest.json", repeatable: true, default: "cdktf.out" },
    json: { help: "print the report as one JSON object on stdout" },
  },
  examples: [
    "npm run synth && npm run policy",
    "npm run policy -- --json > policy.json",
    "npm run policy -- --dir cdktf.out --dir bootstrap/cdktf.out",
  ],
  exitCodes: { 0: "no error-level violation", 1: "an error-level violation, or a synthesis directory that cannot be read", 2: USAGE_ERROR },
  moreHelp: { Rules: () => RULES.map((rule) => `${rule.id.padEnd(6)} ${rule.severity.padEnd(7)} ${rule.title}`) },
});

export function main(argv: readonly string[]): Promise<number> {
  return POLICY_CLI.run(argv, async (flags) => {
    const environments = loadEnvironments();
    const workspace = loadWorkspace(flags.dir);
    const report = runPolicy(workspace, environments, { dirs: flags.dir });
    say(renderText(report));
    if (flags.json) printJson(report);
    return report.ok ? 0 : 1;
  });
}

if (require.main === module) runCli(main);
