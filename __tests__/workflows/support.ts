/** Loads the workflows once, with the little structure the workflow tests need. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

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

export function allJobs(): { wf: Workflow; id: string; job: Job }[] {
  return loadWorkflows().flatMap((wf) => Object.entries(wf.jobs).map(([id, job]) => ({ wf, id, job })));
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
