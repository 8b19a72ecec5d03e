/**
 * `npx tsx .github/scripts/env-outputs.ts <env> >> "$GITHUB_OUTPUT"`: what a workflow needs
 * to know about an environment, from the same validated config the stacks use, so no region
 * or URL is written twice:
 *   name=<env>  account=<its AWS account id>  region=<its AWS region>  url=https://<its first domain>
 */
import { findEnvironment, loadEnvironments } from "../../environments";
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

if (require.main === module) {
  const name = process.argv[2];
  if (!name) {
    process.stderr.write("usage: tsx .github/scripts/env-outputs.ts <env>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(formatOutputs(environmentOutputs(findEnvironment(name, loadEnvironments()))));
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
