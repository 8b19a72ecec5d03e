/**
 * `npx tsx .github/scripts/failed-step.ts [--job current|any] >> "$GITHUB_OUTPUT"`: which step
 * failed, with a link straight to it in the run's log, for the failure notice.
 *   step=<job name> › <step name>
 *   url=https://github.com/<owner>/<repo>/actions/runs/<run>/job/<job id>#step:<n>:1
 * `--job current` (default) looks in the job this runs in (matched by RUNNER_NAME); `--job any`
 * takes the first failed job of the run attempt (else the first that timed out or was cancelled). Reads the run's jobs through the REST API
 * with GITHUB_TOKEN (the job needs `actions: read`). Never fails: a notice with the run's
 * link beats no notice, so any problem falls back to the run URL.
 */
import { defineCli, oneOf, runCli, USAGE_ERROR } from "../../scripts/shared/cli";
import { ciRunUrl } from "../../scripts/shared/ci";

export interface WorkflowJobStep {
  readonly name: string;
  readonly number: number;
  readonly status: string;
  readonly conclusion: string | null;
}

export interface WorkflowJob {
  readonly name: string;
  readonly html_url: string | null;
  readonly status: string;
  readonly conclusion: string | null;
  readonly runner_name: string | null;
  readonly started_at?: string | null;
  readonly steps?: readonly WorkflowJobStep[];
}

export interface FailedStep {
  readonly step: string;
  readonly url: string;
}

/** Conclusions of a job or step that did not pass: a timed-out job concludes `timed_out` or `cancelled`. */
const NOT_PASSED = ["failure", "timed_out", "cancelled"] as const;

/** The first of `items` that failed, else the first that timed out, else the first cancelled. */
function firstNotPassed<T extends { readonly conclusion: string | null }>(items: readonly T[]): T | undefined {
  for (const conclusion of NOT_PASSED) {
    const found = items.find((item) => item.conclusion === conclusion);
    if (found) return found;
  }
  return undefined;
}

/**
 * The step to point at: the failed one, else one that timed out or was cancelled (named so);
 * the job (or the run) when no step is marked yet.
 */
export function findFailedStep(
  jobs: readonly WorkflowJob[],
  options: { readonly mode: "current" | "any"; readonly runnerName?: string; readonly runUrl: string },
): FailedStep {
  const job =
    options.mode === "current"
      ? jobs.find((j) => j.status === "in_progress" && j.runner_name !== null && j.runner_name === options.runnerName)
      : firstNotPassed([...jobs].sort((a, b) => (a.started_at ?? "").localeCompare(b.started_at ?? "")));
  if (!job) return { step: "unknown step", url: options.runUrl };
  const step = firstNotPassed(job.steps ?? []);
  const jobUrl = job.html_url ?? options.runUrl;
  const jobName = job.conclusion === "timed_out" || job.conclusion === "cancelled" ? `${job.name} (${job.conclusion.replace("_", " ")})` : job.name;
  if (!step) return { step: jobName, url: jobUrl };
  const stepName = step.conclusion === "failure" ? step.name : `${step.name} (${step.conclusion?.replace("_", " ")})`;
  return { step: `${job.name} › ${stepName}`, url: job.html_url ? `${job.html_url}#step:${step.number}:1` : options.runUrl };
}

export const FAILED_STEP_CLI = defineCli({
  command: "npx tsx .github/scripts/failed-step.ts",
  purpose:
    "Prints GITHUB_OUTPUT lines naming the step that failed (step=<job> › <step>) and a link to it in the run's log " +
    "(url=), for the failure notice. Reads the run's jobs through the REST API; any problem there falls back to the run's link.",
  flags: {
    job: { value: "<current|any>", help: "look in the job this runs in (matched by RUNNER_NAME), or in the run's first failed job", parse: oneOf(["current", "any"] as const), default: "current" },
  },
  examples: ['npx tsx .github/scripts/failed-step.ts >> "$GITHUB_OUTPUT"', 'npx tsx .github/scripts/failed-step.ts --job any >> "$GITHUB_OUTPUT"'],
  exitCodes: { 0: "always, once the flags are valid: a notice with the run's link beats no notice", 2: USAGE_ERROR },
  environment: {
    GITHUB_TOKEN: "reads the run's jobs (the job needs `actions: read`)",
    "GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, RUNNER_NAME": "which run, attempt and runner",
    "GITHUB_SERVER_URL, GITHUB_API_URL": "where GitHub is",
  },
});

export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return FAILED_STEP_CLI.run(argv, async ({ job }) => {
    process.stdout.write(await failedStepOutputs(job, env));
    return 0;
  });
}

async function failedStepOutputs(mode: "current" | "any", env: NodeJS.ProcessEnv): Promise<string> {
  const runUrl = ciRunUrl(env) ?? "(no CI run link: GITHUB_REPOSITORY or GITHUB_RUN_ID is not set)";
  const fallback: FailedStep = { step: "unknown step", url: runUrl };
  let found = fallback;
  try {
    const api = env.GITHUB_API_URL ?? "https://api.github.com";
    const response = await fetch(
      `${api}/repos/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? "1"}/jobs?per_page=100`,
      { headers: { accept: "application/vnd.github+json", authorization: `Bearer ${env.GITHUB_TOKEN ?? ""}` }, signal: AbortSignal.timeout(15_000) },
    );
    if (!response.ok) throw new Error(`GitHub API answered ${response.status}`);
    const { jobs } = (await response.json()) as { jobs: WorkflowJob[] };
    found = findFailedStep(jobs, { mode, runnerName: env.RUNNER_NAME, runUrl });
  } catch (error) {
    process.stderr.write(`warning: cannot tell which step failed (${error instanceof Error ? error.message : String(error)}); linking the run\n`);
  }
  // Step names are ours, but keep the output file format safe whatever they contain.
  return `step=${found.step.replace(/[\r\n]+/g, " ")}\nurl=${found.url}\n`;
}

if (require.main === module) runCli((argv) => main(argv, process.env));
