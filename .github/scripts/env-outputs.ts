/**
 * `npx tsx .github/scripts/env-outputs.ts <env> >> "$GITHUB_OUTPUT"`: what a workflow needs
 * to know about an environment, from the same validated config the stacks use, so no region
 * or URL is written twice:
 *   name=<env>  account=<its AWS account id>  region=<its AWS region>  url=https://<its first domain>
 */
import { ENVIRONMENT_NAMES, findEnvironment, loadEnvironments } from "../../environments";
import { defineCli, runCli, USAGE_ERROR } from "../../scripts/shared/cli";
import type { EnvironmentConfig } from "../../environments/schema";

export function environmentOutputs(env: EnvironmentConfig): Record<string, string> {
  const domain = env.dns.domainNames[0];
  return { name: env.name, account: env.account.id, region: env.account.region, url: `https://${domain}` };
}

export function formatOutputs(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");
}

export const ENV_OUTPUTS_CLI = defineCli({
  command: "npx tsx .github/scripts/env-outputs.ts",
  purpose: "Prints GITHUB_OUTPUT lines about an environment (name=, account=, region=, url=) from the validated config the stacks use.",
  flags: {},
  operands: { name: "<env>", help: `the environment (${ENVIRONMENT_NAMES.join(", ")})` },
  examples: ['npx tsx .github/scripts/env-outputs.ts staging >> "$GITHUB_OUTPUT"'],
  exitCodes: { 0: "printed", 1: "unknown environment, or an invalid configuration (every problem listed)", 2: USAGE_ERROR },
});

export function main(argv: readonly string[]): Promise<number> {
  return ENV_OUTPUTS_CLI.run(argv, async (_flags, [name]) => {
    process.stdout.write(formatOutputs(environmentOutputs(findEnvironment(name ?? "", loadEnvironments()))));
    return 0;
  });
}

if (require.main === module) runCli(main);
