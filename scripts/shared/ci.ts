/**
 * Links to the CI run, built in one place for every script that records or announces one.
 * Pure over the variables passed in (pass `process.env`).
 */

type Vars = Readonly<Record<string, string | undefined>>;

/**
 * The CI run's URL: GitHub Actions' `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
 * (server default https://github.com, a trailing slash dropped), else the URL other CI
 * systems set (GitLab `CI_JOB_URL`, Buildkite, CircleCI, Jenkins `BUILD_URL`); undefined
 * outside CI. Blank variables count as absent.
 */
export function ciRunUrl(vars: Vars): string | undefined {
  const get = (name: string) => {
    const value = vars[name]?.trim();
    return value ? value : undefined;
  };
  const repository = get("GITHUB_REPOSITORY");
  const runId = get("GITHUB_RUN_ID");
  if (repository && runId) {
    const server = (get("GITHUB_SERVER_URL") ?? "https://github.com").replace(/\/+$/, "");
    return `${server}/${repository}/actions/runs/${runId}`;
  }
  return get("CI_JOB_URL") ?? get("BUILDKITE_BUILD_URL") ?? get("CIRCLE_BUILD_URL") ?? get("BUILD_URL");
}
