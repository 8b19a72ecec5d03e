/**
 * Where a notice comes from: the GitHub Actions run, read from the standard variables every
 * job has (https://docs.github.com/actions/reference/variables-reference). Outside Actions
 * every field is simply absent and the message says less; nothing here fails.
 */

export interface CiContext {
  /** `owner/name`. */
  readonly repository?: string;
  readonly sha?: string;
  /** Who triggered the run (GITHUB_ACTOR). */
  readonly actor?: string;
  readonly workflow?: string;
  /** The job id within the workflow (GITHUB_JOB). */
  readonly job?: string;
  readonly refName?: string;
  /** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`, when all three are set. */
  readonly runUrl?: string;
  /** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/commit/${GITHUB_SHA}`, when all three are set. */
  readonly commitUrl?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads the run's context from environment variables (pass `process.env`). */
export function readCiContext(variables: Environment): CiContext {
  const get = (name: string) => {
    const value = variables[name]?.trim();
    return value ? value : undefined;
  };
  const serverUrl = get("GITHUB_SERVER_URL")?.replace(/\/+$/, "");
  const repository = get("GITHUB_REPOSITORY");
  const runId = get("GITHUB_RUN_ID");
  const sha = get("GITHUB_SHA");
  const base = serverUrl && repository ? `${serverUrl}/${repository}` : undefined;
  return {
    repository,
    sha,
    actor: get("GITHUB_ACTOR"),
    workflow: get("GITHUB_WORKFLOW"),
    job: get("GITHUB_JOB"),
    refName: get("GITHUB_REF_NAME"),
    runUrl: base && runId ? `${base}/actions/runs/${runId}` : undefined,
    commitUrl: base && sha ? `${base}/commit/${sha}` : undefined,
  };
}
