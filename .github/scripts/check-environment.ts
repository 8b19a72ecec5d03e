/**
 * `npx tsx .github/scripts/check-environment.ts --environment <github environment>`: fails a
 * deploy or rollback job, before it asks for AWS credentials, unless the GitHub environment it
 * runs in lets only `main` deploy. The deploy roles trust an environment's OIDC subject
 * (`repo:<owner>/<repo>:environment:<name>`), so an environment open to every branch lets
 * any branch, or a same-repository pull request that adds `environment: staging` to a
 * workflow, assume its role. GitHub creates a missing environment on first use with no rules
 * at all, which is why this is checked on every run rather than trusted.
 *
 * Reads, with GITHUB_TOKEN (the job needs `actions: read`):
 *   GET /repos/{repo}/environments/{name}                              deployment_branch_policy
 *   GET /repos/{repo}/environments/{name}/deployment-branch-policies   the selected names
 * (docs.github.com: REST API endpoints for deployment environments, and for deployment
 * branch policies: "Actions" repository permission, read). Fails closed: an answer it
 * cannot read is a failure too.
 */
import { defineCli, matching, runCli, USAGE_ERROR } from "../../scripts/shared/cli";

/** `deployment_branch_policy` of an environment: null when every branch may deploy. */
export type BranchPolicySetting = { readonly protected_branches: boolean; readonly custom_branch_policies: boolean } | null;

export interface NamedPolicy {
  readonly name: string;
  /** "branch" or "tag"; older answers leave it out (then it is a branch). */
  readonly type?: string;
}

export interface PolicyCheck {
  readonly ok: boolean;
  readonly message: string;
}

const FIX = (environment: string, branch: string) =>
  `fix: Settings → Environments → ${environment} → Deployment branches and tags → "Selected branches and tags" with only the branch ${branch} ` +
  "(docs: the pipeline's setup steps)";

/** Pure: does this policy let exactly `branch` deploy, and nothing else? */
export function judgeBranchPolicy(environment: string, branch: string, setting: BranchPolicySetting, policies: readonly NamedPolicy[] | undefined): PolicyCheck {
  const fail = (what: string): PolicyCheck => ({ ok: false, message: `GitHub environment ${environment} ${what}; ${FIX(environment, branch)}` });
  if (setting === null) return fail("lets every branch deploy (no deployment branch policy)");
  if (setting.protected_branches) return fail("lets every protected branch deploy, which this check cannot limit to one");
  if (!setting.custom_branch_policies || policies === undefined) return fail("has no list of selected branches");
  const others = policies.filter((p) => !(p.name === branch && (p.type ?? "branch") === "branch"));
  if (others.length > 0) return fail(`also lets ${others.map((p) => `${p.type ?? "branch"} ${JSON.stringify(p.name)}`).join(", ")} deploy`);
  if (policies.length === 0) return fail("selects no branch");
  return { ok: true, message: `GitHub environment ${environment} lets only the branch ${branch} deploy` };
}

/** The two GET requests, through `fetchJson` (status and body). */
export async function readBranchPolicy(
  environment: string,
  fetchJson: (path: string) => Promise<{ readonly status: number; readonly body: unknown }>,
): Promise<{ readonly kind: "read"; readonly setting: BranchPolicySetting; readonly policies?: readonly NamedPolicy[] } | { readonly kind: "unreadable"; readonly message: string }> {
  const name = encodeURIComponent(environment);
  const env = await fetchJson(`/environments/${name}`);
  if (env.status !== 200) return { kind: "unreadable", message: unreadable(environment, env.status) };
  const setting = ((env.body as { deployment_branch_policy?: BranchPolicySetting }).deployment_branch_policy ?? null) as BranchPolicySetting;
  if (!setting?.custom_branch_policies) return { kind: "read", setting };
  const listed = await fetchJson(`/environments/${name}/deployment-branch-policies?per_page=100`);
  if (listed.status !== 200) return { kind: "unreadable", message: unreadable(environment, listed.status) };
  const body = listed.body as { total_count?: number; branch_policies?: NamedPolicy[] };
  const policies = body.branch_policies ?? [];
  if ((body.total_count ?? policies.length) > policies.length) {
    return { kind: "unreadable", message: `GitHub environment ${environment} lists ${body.total_count} branch policies, more than one page: remove the ones that are not the deploy branch` };
  }
  return { kind: "read", setting, policies };
}

function unreadable(environment: string, status: number): string {
  const why =
    status === 404
      ? "it does not exist or the token cannot see it"
      : status === 401 || status === 403
        ? "the job's token may not read it (the job needs `permissions: actions: read`)"
        : "GitHub did not answer as expected";
  return `cannot read the deployment branch policy of GitHub environment ${environment} (HTTP ${status}): ${why}`;
}

export const CHECK_ENVIRONMENT_CLI = defineCli({
  command: "npx tsx .github/scripts/check-environment.ts",
  purpose:
    "Fails (an ::error:: annotation, exit 1) unless the GitHub environment lets only --branch deploy to it (deployment branch policy: " +
    "selected branches, that branch alone). Run it first in a job that runs in that environment.",
  flags: {
    environment: { value: "<name>", help: "the GitHub environment the job runs in", required: true },
    branch: { value: "<name>", help: "the only branch that may deploy", parse: matching(/^[\w./-]+$/, "a branch name"), default: "main" },
  },
  examples: ['npx tsx .github/scripts/check-environment.ts --environment "$GITHUB_ENVIRONMENT"'],
  exitCodes: { 0: "only that branch may deploy", 1: "another branch may, or the policy cannot be read", 2: USAGE_ERROR },
  environment: {
    GITHUB_TOKEN: "reads the environment (the job needs `actions: read`)",
    "GITHUB_REPOSITORY, GITHUB_API_URL": "which repository, and where GitHub's API is",
  },
});

export function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (text: string) => void,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  return CHECK_ENVIRONMENT_CLI.run(
    argv,
    async ({ environment, branch }) => {
      const api = `${env.GITHUB_API_URL ?? "https://api.github.com"}/repos/${env.GITHUB_REPOSITORY ?? ""}`;
      const fetchJson = async (path: string) => {
        const response = await fetchImpl(`${api}${path}`, {
          headers: { accept: "application/vnd.github+json", authorization: `Bearer ${env.GITHUB_TOKEN ?? ""}`, "x-github-api-version": "2022-11-28" },
          signal: AbortSignal.timeout(15_000),
        });
        return { status: response.status, body: response.ok ? await response.json() : undefined };
      };
      let result: PolicyCheck;
      try {
        const read = await readBranchPolicy(environment, fetchJson);
        result = read.kind === "read" ? judgeBranchPolicy(environment, branch, read.setting, read.policies) : { ok: false, message: read.message };
      } catch (error) {
        result = { ok: false, message: `cannot read the deployment branch policy of GitHub environment ${environment}: ${error instanceof Error ? error.message : String(error)}` };
      }
      write(result.ok ? `${result.message}\n` : `::error::${result.message}\n`);
      return result.ok ? 0 : 1;
    },
    { stdout: write },
  );
}

if (require.main === module) runCli((argv) => main(argv, process.env, (text) => process.stdout.write(text)));
