/** Loads the workflows once, with the little structure the workflow tests need. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { tempDir } from "../support/temp-dir";

export const ROOT = path.resolve(__dirname, "..", "..");
export const WORKFLOWS_DIR = path.join(ROOT, ".github", "workflows");

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string | boolean;
  readonly "timeout-minutes"?: number;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}

export interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly if?: string | boolean;
  readonly "runs-on"?: string;
  readonly "timeout-minutes"?: number;
  readonly environment?: string | { readonly name: string; readonly url?: string };
  readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean | string };
  readonly permissions?: string | Record<string, string>;
  readonly strategy?: { readonly matrix?: { readonly include?: Record<string, string>[]; readonly [key: string]: unknown } };
  readonly env?: Record<string, unknown>;
  readonly outputs?: Record<string, string>;
  readonly steps: Step[];
  /** A job that calls a reusable workflow (`./.github/workflows/x.yml`) has this instead of steps. */
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly secrets?: Record<string, unknown>;
}

export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: string | Record<string, string>;
  readonly concurrency?: Job["concurrency"];
  readonly env?: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

export function loadWorkflows(): Workflow[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
      // `on` is a plain key in YAML 1.2 (the yaml package's default), not a boolean.
      return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
    });
}

export function workflow(file: string): Workflow {
  const found = loadWorkflows().find((w) => w.file === file);
  if (!found) throw new Error(`.github/workflows/${file} does not exist`);
  return found;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : typeof job.needs === "string" ? [job.needs] : [...job.needs];
}

/** Every job `id` depends on, directly or through others. */
export function ancestors(wf: Workflow, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (jobId: string) => {
    const job = wf.jobs[jobId];
    if (!job) throw new Error(`${wf.file}: job ${jobId} does not exist`);
    for (const need of needsOf(job)) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(id);
  return seen;
}

/** Every job that runs steps on a runner (jobs that call a reusable workflow are callerJobs). */
export function allJobs(): { wf: Workflow; id: string; job: Job }[] {
  return loadWorkflows().flatMap((wf) =>
    Object.entries(wf.jobs)
      .filter(([, job]) => job.uses === undefined)
      .map(([id, job]) => ({ wf, id, job })),
  );
}

/** Jobs that call a reusable workflow, with the workflow they call. */
export function callerJobs(): { wf: Workflow; id: string; job: Job; called: Workflow }[] {
  return loadWorkflows().flatMap((wf) =>
    Object.entries(wf.jobs)
      .filter(([, job]) => job.uses !== undefined)
      .map(([id, job]) => ({ wf, id, job, called: workflow(path.basename(job.uses!)) })),
  );
}

/**
 * The value a `${{ fromJSON(needs.<job>.outputs.<name>)<accessors> }}` expression (a matrix
 * source) takes, given the outputs of the jobs it needs. Only that form is understood; any
 * other expression is an error, so a test cannot pass by not reading it.
 */
export function fromJsonOutput(expression: unknown, outputs: Readonly<Record<string, Readonly<Record<string, string>>>>): unknown {
  const m = /^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)((?:\.\w+|\[\d+\])*) \}\}$/.exec(String(expression));
  if (!m) throw new Error(`not a fromJSON(needs.<job>.outputs.<name>) expression: ${String(expression)}`);
  const text = outputs[m[1]!]?.[m[2]!];
  if (text === undefined) throw new Error(`no output ${m[2]} of job ${m[1]}`);
  let value: unknown = JSON.parse(text);
  for (const [, key, index] of m[3]!.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
    value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key ?? Number(index)];
  }
  return value;
}

export function allSteps(): { wf: Workflow; jobId: string; job: Job; step: Step; index: number }[] {
  return allJobs().flatMap(({ wf, id, job }) => job.steps.map((step, index) => ({ wf, jobId: id, job, step, index })));
}

/** `owner/repo` of a `uses:` reference (`owner/repo/path@ref` included). */
export function actionName(uses: string): string {
  return uses.split("@")[0]!.split("/").slice(0, 2).join("/");
}

export function stepIndex(job: Job, predicate: (step: Step) => boolean): number {
  return job.steps.findIndex(predicate);
}

export function runs(step: Step, pattern: RegExp): boolean {
  return typeof step.run === "string" && pattern.test(step.run);
}

export function usesAction(job: Job, action: string): boolean {
  return job.steps.some((s) => s.uses !== undefined && actionName(s.uses) === action);
}

export function environmentName(job: Job): string | undefined {
  return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

/**
 * Runs a job's `run:` steps as GitHub would (bash -e -o pipefail, GITHUB_OUTPUT set), in
 * `cwd`, and returns the job's outputs. Steps that use an action or install dependencies
 * (`npm ci`) are skipped: `cwd` must already have node_modules.
 */
export function runJobOutputs(
  wf: Workflow,
  jobId: string,
  cwd: string,
  /** Values for step environment variables whose expressions need a context (inputs, matrix). */
  variables: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const job = wf.jobs[jobId];
  if (!job) throw new Error(`${wf.file}: job ${jobId} does not exist`);
  const dir = tempDir("gh-output-");
  const stepOutputs: Record<string, Record<string, string>> = {};
  for (const [i, step] of job.steps.entries()) {
    if (step.run === undefined || /^npm ci\b/.test(step.run)) continue;
    const outputFile = path.join(dir, `step-${i}`);
    writeFileSync(outputFile, "");
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, GITHUB_OUTPUT: outputFile, ...stringValues(step.env), ...variables },
    });
    if (result.status !== 0) {
      throw new JobStepFailed(`${wf.file} › ${jobId} › ${step.name ?? step.run} exited ${result.status}`, result.stdout, result.stderr);
    }
    if (step.id) stepOutputs[step.id] = parseOutputFile(readFileSync(outputFile, "utf8"));
  }
  return Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([name, expression]) => {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(expression);
      if (!m) throw new Error(`${wf.file} › ${jobId}: output ${name} is not a step output: ${expression}`);
      return [name, stepOutputs[m[1]!]?.[m[2]!] ?? ""];
    }),
  );
}

export class JobStepFailed extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${message}: ${stderr}`);
  }
}

function stringValues(env: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
}

/** `name=value` lines (the only form our steps write). */
function parseOutputFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}
