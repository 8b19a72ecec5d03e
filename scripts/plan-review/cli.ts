/**
 * plan-review: one destruction-aware summary of every environment and stack's Terraform
 * plan, fit for a pull-request comment. The report goes to stdout, progress to stderr.
 *
 * Exit codes: 0 nothing protected is destroyed (or --allow-destroy); 2 a protected type
 * would be deleted or replaced in a protected environment; 1 anything invalid — bad
 * flags included, so that 2 always means "protected destruction" to CI.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { environmentNames, loadEnvironments } from "../../environments";
import { errorMessage, UserError } from "../../lib/errors";
import { defineCli, InvalidArgumentError, oneOf, runCli, say, wholeNumber, type FlagValues } from "../shared/cli";
import { readPlanFile } from "./parse";
import { DEFAULT_MAX_CHARS, MIN_MAX_CHARS, renderMarkdown } from "./render-markdown";
import { renderJson } from "./render-json";
import { renderText } from "./render-text";
import { formatCount, verdictSentence } from "./report";
import {
  existingPlanFiles,
  orderStacks,
  readManifest,
  runTerraformPlans,
  spawnTerraformRunner,
  PLAN_BINARY_FILE,
  PLAN_JSON_FILE,
  type StackPlanFile,
  type TerraformRunner,
} from "./run-terraform";
import { DEFAULT_PROTECTED_TYPES, parseStackId, summarize, type Review, type StackPlan } from "./summarize";

const FORMATS = ["markdown", "text", "json"] as const;
type Format = (typeof FORMATS)[number];

export const PLAN_REVIEW_CLI = defineCli({
  command: "npm run plan-review --",
  purpose:
    "Summarises the Terraform plans of every environment and stack for a pull-request comment: what changes " +
    "per environment and stack, then, first and loudest, anything stateful that would be destroyed. The report " +
    "goes to stdout, status lines to stderr. Give plans with --plan, or every stack of a synthesis with --dir.",
  flags: {
    plan: { value: "<stack-id>=<plan.json>", help: "a `terraform show -json` file and the stack it belongs to, e.g. prod-app", parse: parsePlanFlag, repeatable: true },
    dir: { value: "<cdktf.out>", help: "every stack in <dir>/manifest.json, reading each stack's plan.json" },
    run: { help: "with --dir: terraform init, plan and show -json in each stack first (needs terraform and credentials)" },
    format: { value: `<${FORMATS.join("|")}>`, help: "report format", parse: oneOf(FORMATS), default: "markdown" },
    "max-chars": {
      value: "<n>",
      help: `markdown only: stay under n characters (GitHub refuses comments over 65,536)`,
      parse: wholeNumber({ min: MIN_MAX_CHARS }),
      default: String(DEFAULT_MAX_CHARS),
    },
    out: { value: "<file>", help: "also write the full, untruncated report to this file" },
    "protect-envs": {
      value: "<env,...>",
      help: 'environments where protected destruction fails the check (default: those with protected: true; "" for none)',
      repeatable: true,
    },
    "protect-types": {
      value: "<type,...>",
      help: `resource types that count as protected, instead of ${DEFAULT_PROTECTED_TYPES.join(", ")}`,
      parse: resourceTypes,
      repeatable: true,
    },
    "allow-destroy": { help: "report protected destruction but exit 0 (once a person has reviewed it)" },
  },
  examples: [
    "npm run plan-review -- --plan prod-app=plans/prod-app.json --plan prod-distribution=plans/prod-distribution.json",
    "npm run synth && npm run plan-review -- --dir cdktf.out --run --out plan-review-full.md > plan-review.md",
    "npm run plan-review -- --dir cdktf.out --format text --allow-destroy",
  ],
  exitCodes: {
    0: "nothing protected is destroyed in a protected environment (or --allow-destroy)",
    1: "invalid input: bad flags, an unreadable or malformed plan, a missing plan.json, terraform failed under --run, or a plan that cannot vouch for what it destroys (Terraform stopped with errors, or deferred changes to a later round)",
    2: "a protected type would be deleted or replaced in a protected environment",
  },
  environment: { PATH: "where --run finds terraform" },
  // 2 must mean only "protected destruction", so CI can tell it from a broken invocation.
  usageExitCode: 1,
});

/** What the CLI touches outside itself; tests pass their own. */
export interface PlanReviewIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
  /** Environment for terraform under --run (PATH decides which terraform runs). */
  readonly env: NodeJS.ProcessEnv;
  /** Terraform's own output under --run. @default written to process.stderr */
  readonly terraformLog?: (chunk: string | Uint8Array) => void;
  /** @default terraform found on PATH in `env` */
  readonly runner?: TerraformRunner;
}

export function planReview(argv: readonly string[], io: PlanReviewIo): Promise<number> {
  return PLAN_REVIEW_CLI.run(argv, (flags) => review(flags, io), { stdout: io.stdout });
}

async function review(flags: FlagValues<typeof PLAN_REVIEW_CLI.spec.flags>, io: PlanReviewIo): Promise<number> {
  const { format, "max-chars": maxChars } = flags;
  const inputs = await collectPlanFiles(flags, io);
  const plans: StackPlan[] = inputs.map(({ stackId, file }) => ({ stackId, parsed: readPlanFile(file) }));

  const stackEnvs = plans.map((p) => parseStackId(p.stackId).env);
  const envOrder = environmentNames();
  const result = summarize(plans, {
    protectEnvs: parseProtectEnvs(flags["protect-envs"], stackEnvs),
    protectTypes: flags["protect-types"] ? [...new Set(flags["protect-types"].flat())] : [...DEFAULT_PROTECTED_TYPES],
    allowDestroy: flags["allow-destroy"],
    envOrder,
  });

  const { shown, full, truncatedNote } = render(result, format, maxChars, flags.out);
  if (flags.out !== undefined) writeReport(flags.out, full);
  io.stdout(shown);

  io.stderr(`plan-review: ${verdictSentence(result)}`);
  if (truncatedNote) io.stderr(`plan-review: ${truncatedNote}`);
  if (flags.out !== undefined) io.stderr(`plan-review: full ${format} report written to ${flags.out}`);
  return result.exitCode;
}

function render(review: Review, format: Format, maxChars: number, out: string | undefined) {
  switch (format) {
    case "markdown": {
      const comment = renderMarkdown(review, { maxChars, ...(out !== undefined ? { fullReportPath: out } : {}) });
      const full = out === undefined ? "" : comment.truncated ? renderMarkdown(review, { maxChars: Infinity }).markdown : comment.markdown;
      const truncatedNote = comment.truncated
        ? `markdown cut to ${formatCount(comment.markdown.length)} characters (--max-chars ${formatCount(maxChars)}); ${
            out !== undefined ? `the full report is in ${out}` : "pass --out <file> for the full report"
          }`
        : undefined;
      return { shown: comment.markdown, full, truncatedNote };
    }
    case "text": {
      const text = renderText(review);
      return { shown: text, full: text, truncatedNote: undefined };
    }
    case "json": {
      const json = renderJson(review);
      return { shown: json, full: json, truncatedNote: undefined };
    }
  }
}

async function collectPlanFiles(
  flags: { plan?: StackPlanFile[]; dir?: string; run: boolean },
  io: PlanReviewIo,
): Promise<readonly StackPlanFile[]> {
  const planFlags = flags.plan ?? [];
  if (planFlags.length > 0 && flags.dir !== undefined) throw new UserError("use either --plan or --dir, not both (see --help)");
  if (flags.run && flags.dir === undefined) throw new UserError("--run needs --dir <cdktf.out> (see --help)");
  if (planFlags.length > 0) return planFlags.reduce(rejectDuplicateStacks, []);
  if (flags.dir === undefined) throw new UserError("give plans with --plan <stack-id>=<plan.json> or a cdktf output directory with --dir (see --help)");

  const stacks = orderStacks(readManifest(flags.dir), environmentNames(), `${flags.dir}/manifest.json`);
  if (stacks.length === 0) throw new UserError(`${flags.dir}/manifest.json: lists no stacks; run \`npm run synth\` first`);
  if (!flags.run) return requireExisting(existingPlanFiles(stacks));

  const runner =
    io.runner ?? spawnTerraformRunner({ env: io.env, log: io.terraformLog ?? ((chunk) => process.stderr.write(chunk)) });
  const outcome = await runTerraformPlans(stacks, runner, (line) => io.stderr(line));
  if (!outcome.ok) {
    throw new UserError(`stack ${outcome.stackId}: \`${outcome.command}\` failed in ${outcome.workingDirectory}: ${outcome.why}`);
  }
  return outcome.plans;
}

/** Every missing plan at once, with how to produce them: skipping a stack could hide a deletion. */
function requireExisting(files: readonly StackPlanFile[]): readonly StackPlanFile[] {
  const missing = files.filter((f) => !existsSync(f.file));
  if (missing.length > 0) {
    throw new UserError(
      `no ${PLAN_JSON_FILE} for ${missing.length} of ${files.length} stacks:\n` +
        missing.map((f) => `  ${f.file} (stack ${f.stackId})`).join("\n") +
        `\nRun with --run, or in each stack directory: terraform plan -out=${PLAN_BINARY_FILE} && terraform show -json ${PLAN_BINARY_FILE} > ${PLAN_JSON_FILE}`,
    );
  }
  return files;
}

/** `<stack-id>=<path>`: the stack id names the environment and stack (`prod-app`). */
function parsePlanFlag(value: string): StackPlanFile {
  const eq = value.indexOf("=");
  const stackId = eq === -1 ? "" : value.slice(0, eq);
  const file = eq === -1 ? "" : value.slice(eq + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stackId) || file === "") {
    throw new InvalidArgumentError("must look like <stack-id>=<plan.json>, e.g. --plan prod-app=plans/prod-app.json");
  }
  return { stackId, file };
}

function rejectDuplicateStacks(seen: StackPlanFile[], entry: StackPlanFile): StackPlanFile[] {
  const earlier = seen.find((s) => s.stackId === entry.stackId);
  if (earlier) throw new UserError(`--plan: stack ${entry.stackId} is given twice (${earlier.file} and ${entry.file})`);
  return [...seen, entry];
}

/** Comma-separated and repeatable; empty entries are ignored, so `--protect-envs ""` protects none. */
function listFlag(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== ""))];
}

/**
 * Default: every environment whose config says `protected: true`. A name that is neither a
 * configured environment nor in the plans is an error: a typo must not switch the gate off.
 */
function parseProtectEnvs(values: readonly string[] | undefined, stackEnvs: readonly string[]): string[] {
  if (values === undefined) {
    try {
      return loadEnvironments()
        .filter((env) => env.protected)
        .map((env) => env.name);
    } catch (error) {
      throw new UserError(`cannot tell which environments are protected: ${errorMessage(error)}\nFix environments/ or pass --protect-envs.`);
    }
  }
  const known = new Set<string>([...environmentNames(), ...stackEnvs]);
  const envs = listFlag(values);
  for (const env of envs) {
    if (!known.has(env)) {
      throw new UserError(`--protect-envs: unknown environment ${JSON.stringify(env)}; known: ${[...known].join(", ")}`);
    }
  }
  return envs;
}

/** One --protect-types value: comma-separated Terraform resource types. */
function resourceTypes(value: string): string[] {
  const types = listFlag([value]);
  const wrong = types.find((type) => !/^[a-z][a-z0-9_]*$/.test(type));
  if (wrong !== undefined) throw new InvalidArgumentError(`must list Terraform resource types (e.g. aws_s3_bucket), not ${JSON.stringify(wrong)}`);
  return types;
}

function writeReport(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new UserError(`--out ${file}: cannot write the report (${errorMessage(error)})`);
  }
}

if (require.main === module) {
  runCli((argv) =>
    planReview(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: say,
      env: process.env,
    }),
  );
}
