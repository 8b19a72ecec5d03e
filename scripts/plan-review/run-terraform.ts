/**
 * `--dir cdktf.out [--run]`: finds every stack in cdktf's manifest.json, orders them by
 * their dependencies and, with --run, runs `terraform init`, `terraform plan -out` and
 * `terraform show -json` in each stack's working directory. Terraform is reached through
 * a narrow port (TerraformRunner) so tests put a stub `terraform` on PATH.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { describeValue, errorMessage, UserError } from "../../lib/errors";
import { stackIdComparator } from "./summarize";

/** The plan JSON plan-review reads next to each stack (`<workingDirectory>/plan.json`). */
export const PLAN_JSON_FILE = "plan.json";
/** The binary plan `terraform plan -out` writes there. */
export const PLAN_BINARY_FILE = "plan.tfplan";

export interface ManifestStack {
  readonly id: string;
  /** Absolute path of the stack's Terraform working directory. */
  readonly workingDirectory: string;
  readonly dependencies: readonly string[];
}

const ManifestSchema = z.object({
  stacks: z.record(
    z.string(),
    z.object({
      name: z.string().optional(),
      workingDirectory: z.string(),
      dependencies: z.array(z.string()).optional(),
    }),
  ),
});

/** Reads `<dir>/manifest.json`; every problem names the file and the field. */
export function readManifest(dir: string): ManifestStack[] {
  const file = join(dir, "manifest.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${file}: cannot read the cdktf manifest (${code === "ENOENT" ? "no such file" : errorMessage(error)}); run \`npm run synth\` first or point --dir at cdktf's output directory`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    throw new UserError(`${file}: is not valid JSON; re-run \`npm run synth\``);
  }
  const result = ManifestSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(`${file}: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  return Object.entries(result.data.stacks).map(([id, stack]) => ({
    id,
    workingDirectory: resolve(dir, stack.workingDirectory),
    dependencies: stack.dependencies ?? [],
  }));
}

/**
 * Dependencies first; among stacks that are ready at the same time, the report's order
 * (environment, then dns/app/distribution). Unknown dependencies and cycles are
 * errors naming the stacks.
 */
export function orderStacks(stacks: readonly ManifestStack[], envOrder: readonly string[], manifestFile = "manifest.json"): ManifestStack[] {
  const byId = new Map(stacks.map((s) => [s.id, s]));
  for (const s of stacks) {
    for (const dep of s.dependencies) {
      if (!byId.has(dep)) {
        throw new UserError(`${manifestFile}: stacks.${s.id}.dependencies: unknown stack ${describeValue(dep)}; known: ${[...byId.keys()].join(", ")}`);
      }
    }
  }
  const compare = stackIdComparator(envOrder);
  const done = new Set<string>();
  const ordered: ManifestStack[] = [];
  while (ordered.length < stacks.length) {
    const ready = stacks
      .filter((s) => !done.has(s.id) && s.dependencies.every((d) => done.has(d)))
      .sort((a, b) => compare(a.id, b.id));
    if (ready.length === 0) {
      const stuck = stacks.filter((s) => !done.has(s.id)).map((s) => s.id).sort(compare);
      throw new UserError(`${manifestFile}: stack dependencies form a cycle among ${stuck.join(", ")}`);
    }
    // One at a time, so a stack that just became ready competes with the rest by order.
    ordered.push(ready[0]);
    done.add(ready[0].id);
  }
  return ordered;
}

export type TerraformRunResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: "not-found" }
  | { readonly ok: false; readonly failure: "cannot-start"; readonly message: string }
  | { readonly ok: false; readonly failure: "exited"; readonly exitCode: number | null; readonly signal: string | null };

/** The only thing plan-review needs from Terraform: run it with arguments in a directory. */
export interface TerraformRunner {
  /** Runs terraform; with `stdoutFile` its stdout goes to that file, otherwise to the log. */
  run(args: readonly string[], options: { readonly cwd: string; readonly stdoutFile?: string }): Promise<TerraformRunResult>;
}

export interface SpawnRunnerOptions {
  /** @default "terraform" (found on PATH) */
  readonly command?: string;
  /** Environment for terraform; PATH decides which binary runs. */
  readonly env: NodeJS.ProcessEnv;
  /** Receives terraform's own output (init/plan progress, errors). */
  readonly log: (chunk: string | Uint8Array) => void;
}

export function spawnTerraformRunner(options: SpawnRunnerOptions): TerraformRunner {
  const command = options.command ?? "terraform";
  const env = { ...options.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  return {
    run(args, { cwd, stdoutFile }) {
      return new Promise((resolvePromise, reject) => {
        let fd: number | undefined;
        try {
          fd = stdoutFile !== undefined ? openSync(stdoutFile, "w") : undefined;
        } catch (error) {
          reject(new UserError(`${stdoutFile}: cannot write (${errorMessage(error)})`));
          return;
        }
        const close = () => {
          if (fd !== undefined) closeSync(fd);
          fd = undefined;
        };
        const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", fd ?? "pipe", "pipe"] });
        child.stdout?.on("data", options.log);
        child.stderr?.on("data", options.log);
        child.on("error", (error: NodeJS.ErrnoException) => {
          close();
          resolvePromise(
            error.code === "ENOENT" ? { ok: false, failure: "not-found" } : { ok: false, failure: "cannot-start", message: errorMessage(error) },
          );
        });
        child.on("close", (exitCode, signal) => {
          close();
          resolvePromise(exitCode === 0 ? { ok: true } : { ok: false, failure: "exited", exitCode, signal });
        });
      });
    },
  };
}

export interface StackPlanFile {
  readonly stackId: string;
  readonly file: string;
}

export type RunOutcome =
  | { readonly ok: true; readonly plans: readonly StackPlanFile[] }
  | { readonly ok: false; readonly stackId: string; readonly workingDirectory: string; readonly command: string; readonly why: string };

/** The three commands per stack, in order; the last one's stdout is the plan JSON. */
export function terraformSteps(): readonly { readonly args: readonly string[]; readonly stdoutTo?: string }[] {
  return [
    { args: ["init", "-input=false"] },
    { args: ["plan", "-input=false", `-out=${PLAN_BINARY_FILE}`] },
    { args: ["show", "-json", PLAN_BINARY_FILE], stdoutTo: PLAN_JSON_FILE },
  ];
}

/**
 * Plans every stack in the given (dependency) order and stops at the first failure:
 * later stacks read earlier stacks' state, so their plans would not be trustworthy.
 */
export async function runTerraformPlans(
  stacks: readonly ManifestStack[],
  runner: TerraformRunner,
  progress: (line: string) => void,
): Promise<RunOutcome> {
  const plans: StackPlanFile[] = [];
  for (const [i, stack] of stacks.entries()) {
    for (const step of terraformSteps()) {
      const commandLine = `terraform ${step.args.join(" ")}${step.stdoutTo ? ` > ${step.stdoutTo}` : ""}`;
      progress(`[${i + 1}/${stacks.length}] ${stack.id}: ${commandLine}`);
      const stdoutFile = step.stdoutTo !== undefined ? join(stack.workingDirectory, step.stdoutTo) : undefined;
      const result = await runner.run(step.args, { cwd: stack.workingDirectory, ...(stdoutFile ? { stdoutFile } : {}) });
      if (!result.ok) {
        // A half-written plan.json must not be picked up by a later `--dir` run.
        if (stdoutFile !== undefined) rmSync(stdoutFile, { force: true });
        const why =
          result.failure === "not-found"
            ? "terraform was not found on PATH; install Terraform >= 1.10, or plan elsewhere and pass the files with --plan"
            : result.failure === "cannot-start"
              ? `terraform could not be started (${result.message})`
              : result.signal
                ? `terraform was stopped by ${result.signal}`
                : `terraform exited with code ${result.exitCode}; its output is above`;
        return { ok: false, stackId: stack.id, workingDirectory: stack.workingDirectory, command: commandLine, why };
      }
    }
    plans.push({ stackId: stack.id, file: join(stack.workingDirectory, PLAN_JSON_FILE) });
  }
  return { ok: true, plans };
}

/** `--dir` without `--run`: the plan JSON each stack should already have. */
export function existingPlanFiles(stacks: readonly ManifestStack[]): StackPlanFile[] {
  return stacks.map((s) => ({ stackId: s.id, file: join(s.workingDirectory, PLAN_JSON_FILE) }));
}
