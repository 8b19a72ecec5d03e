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
import { ENVIRONMENT_NAMES, loadEnvironments } from "../../environments";
import { errorMessage, UserError } from "../../lib/errors";
import { parseCliArgs, runCli, say } from "../shared/cli";
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

export const USAGE = `usage: npm run plan-review -- (--plan <stack-id>=<plan.json> ... | --dir cdktf.out [--run])
         [--format markdown|text|json] [--max-chars <n>] [--protect-envs <env,...>]
         [--protect-types <type,...>] [--allow-destroy] [--out <file>]`;

const OPTIONS = {
  plan: { type: "string", multiple: true },
  dir: { type: "string" },
  run: { type: "boolean" },
  format: { type: "string" },
  "max-chars": { type: "string" },
  "protect-envs": { type: "string", multiple: true },
  "protect-types": { type: "string", multiple: true },
  "allow-destroy": { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const FORMATS = ["markdown", "text", "json"] as const;
type Format = (typeof FORMATS)[number];

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

export async function planReview(argv: readonly string[], io: PlanReviewIo): Promise<number> {
  try {
    return await review(argv, io);
  } catch (error) {
    // Exit code 2 is reserved for "protected destruction": usage errors become 1.
    if (error instanceof UserError && error.exitCode === 2) throw new UserError(error.message, 1);
    throw error;
  }
}

async function review(argv: readonly string[], io: PlanReviewIo): Promise<number> {
  const flags = parseCliArgs(argv, OPTIONS, USAGE);
  if (flags.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const format = parseFormat(flags.format);
  const maxChars = parseMaxChars(flags["max-chars"]);
  const inputs = await collectPlanFiles(flags, io);
  const plans: StackPlan[] = inputs.map(({ stackId, file }) => ({ stackId, parsed: readPlanFile(file) }));

  const stackEnvs = plans.map((p) => parseStackId(p.stackId).env);
  const envOrder = [...ENVIRONMENT_NAMES];
  const result = summarize(plans, {
    protectEnvs: parseProtectEnvs(flags["protect-envs"], stackEnvs),
    protectTypes: parseProtectTypes(flags["protect-types"]),
    allowDestroy: flags["allow-destroy"] ?? false,
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
  flags: { plan?: string[]; dir?: string; run?: boolean },
  io: PlanReviewIo,
): Promise<readonly StackPlanFile[]> {
  const planFlags = flags.plan ?? [];
  if (planFlags.length > 0 && flags.dir !== undefined) throw new UserError(`use either --plan or --dir, not both\n${USAGE}`);
  if (flags.run && flags.dir === undefined) throw new UserError(`--run needs --dir <cdktf.out>\n${USAGE}`);
  if (planFlags.length > 0) return planFlags.map(parsePlanFlag).reduce(rejectDuplicateStacks, []);
  if (flags.dir === undefined) throw new UserError(`give plans with --plan <stack-id>=<plan.json> or a cdktf output directory with --dir\n${USAGE}`);

  const stacks = orderStacks(readManifest(flags.dir), ENVIRONMENT_NAMES, `${flags.dir}/manifest.json`);
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
export function parsePlanFlag(value: string): StackPlanFile {
  const eq = value.indexOf("=");
  const stackId = eq === -1 ? "" : value.slice(0, eq);
  const file = eq === -1 ? "" : value.slice(eq + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stackId) || file === "") {
    throw new UserError(
      `--plan must look like <stack-id>=<plan.json>, e.g. --plan prod-app=plans/prod-app.json (got ${JSON.stringify(value)})`,
    );
  }
  return { stackId, file };
}

function rejectDuplicateStacks(seen: StackPlanFile[], entry: StackPlanFile): StackPlanFile[] {
  const earlier = seen.find((s) => s.stackId === entry.stackId);
  if (earlier) throw new UserError(`--plan: stack ${entry.stackId} is given twice (${earlier.file} and ${entry.file})`);
  return [...seen, entry];
}

function parseFormat(value: string | undefined): Format {
  if (value === undefined) return "markdown";
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UserError(`--format must be one of ${FORMATS.join(", ")} (got ${JSON.stringify(value)})`);
}

function parseMaxChars(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_CHARS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_MAX_CHARS) {
    throw new UserError(`--max-chars must be a whole number of at least ${formatCount(MIN_MAX_CHARS)} (got ${JSON.stringify(value)})`);
  }
  return n;
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
  const known = new Set<string>([...ENVIRONMENT_NAMES, ...stackEnvs]);
  const envs = listFlag(values);
  for (const env of envs) {
    if (!known.has(env)) {
      throw new UserError(`--protect-envs: unknown environment ${JSON.stringify(env)}; known: ${[...known].join(", ")}`);
    }
  }
  return envs;
}

function parseProtectTypes(values: readonly string[] | undefined): string[] {
  if (values === undefined) return [...DEFAULT_PROTECTED_TYPES];
  const types = listFlag(values);
  for (const type of types) {
    if (!/^[a-z][a-z0-9_]*$/.test(type)) {
      throw new UserError(`--protect-types: ${JSON.stringify(type)} is not a Terraform resource type (e.g. aws_s3_bucket)`);
    }
  }
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
