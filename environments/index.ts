/**
 * Finds, loads and validates the environments. Every `environments/<name>.ts` except this
 * file and schema.ts is an environment (support code lives in subfolders such as rules/), so
 * adding an environment is adding one file. Environments come back in pipeline order: by
 * deploy wave, then by name.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { ConfigError, describeValue, errorMessage } from "../lib/errors";
import { lambdaRuntimeStatus } from "../lib/lambda-runtimes";
import { crossEnvironmentProblems } from "./rules/cross-environment";
import { EnvironmentSchema, type EnvironmentConfig } from "./schema";

/** Files in environments/ that are not environments. */
const SUPPORT_FILES = new Set(["index.ts", "schema.ts"]);

/** Raw environment data and the file it came from, or why that file could not be loaded. */
export type EnvironmentSource =
  | { readonly file: string; readonly data: unknown }
  | { readonly file: string; readonly loadProblem: string };

/** The environment files in `dir` (sorted), named as error messages name them. */
export function environmentFiles(dir: string = __dirname): { readonly file: string; readonly absolute: string }[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .filter((entry) => !SUPPORT_FILES.has(entry.name) && !entry.name.endsWith(".test.ts"))
    .map((entry) => entry.name);
  // Node does not promise an order; libuv's scandir, under readdirSync on Linux, sorts already.
  // Stryker disable next-line MethodExpression: equivalent where readdirSync returns names sorted, as on this Linux machine
  names.sort();
  return names.map((name) => ({ file: `${path.basename(dir)}/${name}`, absolute: path.join(dir, name) }));
}

/** Loads every environment file in `dir` without validating it; a file that fails to load says why. */
export function readEnvironmentSources(dir: string = __dirname): EnvironmentSource[] {
  return environmentFiles(dir).map(({ file, absolute }): EnvironmentSource => {
    let module: { default?: unknown };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the files are found at run time
      module = require(absolute) as { default?: unknown };
    } catch (error) {
      return { file, loadProblem: loadFailure(file, absolute, error) };
    }
    if (module.default === undefined) {
      return {
        file,
        loadProblem: `${file}: has no default export; end it with \`export default { … } satisfies EnvironmentInput;\` (copy staging.ts)`,
      };
    }
    return { file, data: module.default };
  });
}

/**
 * Validates every environment and the rules between them. Returns configs in pipeline order,
 * or throws one ConfigError listing every problem as `<file>: <path>: <problem> (got <value>)`.
 */
export function validateEnvironments(sources: readonly EnvironmentSource[]): EnvironmentConfig[] {
  const problems: string[] = [];
  const configs: { file: string; config: EnvironmentConfig }[] = [];

  if (sources.length === 0) problems.push("environments/: no environment files; add one, e.g. environments/dev.ts (see docs/environments.md)");
  for (const source of sources) {
    if ("loadProblem" in source) {
      problems.push(source.loadProblem);
      continue;
    }
    const { file, data } = source;
    const result = EnvironmentSchema.safeParse(data);
    if (!result.success) {
      problems.push(...result.error.issues.flatMap((issue) => formatIssue(file, data, issue)));
      continue;
    }
    const expectedName = path.basename(file, ".ts");
    if (result.data.name !== expectedName) {
      problems.push(`${file}: name: must match the file name "${expectedName}" (got ${describeValue(result.data.name)})`);
    }
    configs.push({ file, config: result.data });
  }

  // Between the valid ones; rules about the whole pipeline only when every file is valid.
  problems.push(...crossEnvironmentProblems(configs, problems.length === 0));
  if (problems.length > 0) throw new ConfigError(problems);
  return configs.map((c) => c.config).sort(byPipelineOrder);
}

/** Loads and validates the environments in `dir` (default: this folder). */
export function loadEnvironments(dir?: string): EnvironmentConfig[] {
  return validateEnvironments(readEnvironmentSources(dir));
}

/** The names of the environments, in pipeline order. */
export function environmentNames(dir?: string): string[] {
  return loadEnvironments(dir).map((env) => env.name);
}

export interface LoadOptions {
  /**
   * Also apply the rules of deploying on this day: a Lambda runtime past its block-update
   * date is a problem, one close to it a warning on stderr. Synth passes today; scripts that
   * only read or move what is deployed (release, rollback) do not, so they keep working on a
   * runtime AWS no longer accepts for updates.
   * @default undefined (no date rules)
   */
  readonly deployDate?: Date;
}

/**
 * For app entry points: the validated environments, or every problem printed to stderr and
 * exit code 1 before anything is synthesized.
 */
export function loadEnvironmentsOrExit(options: LoadOptions = {}): EnvironmentConfig[] {
  try {
    const environments = loadEnvironments();
    if (options.deployDate) {
      const { problems, warnings } = lambdaRuntimeFindings(environments, options.deployDate);
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      if (problems.length > 0) throw new ConfigError(problems);
    }
    return environments;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/**
 * The Lambda runtime rules of deploying on `today`, as `<file>: ssr.runtime: …` lines: a
 * runtime past its block-update date is a problem, one within the warning window a warning.
 */
export function lambdaRuntimeFindings(
  environments: readonly { readonly name: string; readonly ssr: Pick<EnvironmentConfig["ssr"], "runtime"> }[],
  today: Date,
): { readonly problems: string[]; readonly warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const env of environments) {
    const status = lambdaRuntimeStatus(env.ssr.runtime, today);
    const line = (message: string) => `environments/${env.name}.ts: ssr.runtime: ${message} (got ${describeValue(env.ssr.runtime)})`;
    if (status.kind === "blocked") problems.push(line(status.message));
    if (status.kind === "ending") warnings.push(line(status.message));
  }
  return { problems, warnings };
}

/** One validated environment by name, with a clear error for an unknown name. */
export function findEnvironment(name: string, environments: readonly EnvironmentConfig[]): EnvironmentConfig {
  const env = environments.find((e) => e.name === name);
  if (!env) {
    throw new ConfigError([
      `--env: unknown environment "${name}"; known: ${environments.map((e) => e.name).join(", ")}`,
    ]);
  }
  return env;
}

/** By wave, then by name; names are unique here (a name used twice is refused before sorting). */
function byPipelineOrder(a: EnvironmentConfig, b: EnvironmentConfig): number {
  return a.deploy.wave - b.deploy.wave || (a.name < b.name ? -1 : 1);
}

/**
 * One line for a file that does not load. A syntax error is `<file>:<line>:<column>: <what>`
 * (1-based, as editors count), read from esbuild, which also compiles the file under tsx;
 * anything else the file throws is `<file>: could not be loaded: <message>`.
 */
function loadFailure(file: string, absolute: string, error: unknown): string {
  const syntax = syntaxError(absolute);
  if (syntax) return `${file}:${syntax.line}:${syntax.column + 1}: ${syntax.text}`;
  return `${file}: could not be loaded: ${errorMessage(error).split("\n")[0]}`;
}

function syntaxError(absolute: string): { line: number; column: number; text: string } | undefined {
  // Only on the error path: the loader itself needs no compiler. esbuild comes with tsx.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  try {
    esbuild.transformSync(readFileSync(absolute), { loader: "ts", sourcefile: absolute });
    return undefined;
  } catch (error) {
    const first = (error as { errors?: { text: string; location: { line: number; column: number } | null }[] }).errors?.[0];
    return first?.location ? { line: first.location.line, column: first.location.column, text: first.text } : undefined;
  }
}

function formatIssue(file: string, data: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    // zod reports unknown keys of an object only, so the parent is one.
    const parent = valueAt(data, issue.path) as Record<string, unknown>;
    return issue.keys.map(
      (key) =>
        `${file}: ${formatPath([...issue.path, key])}: is not a known field; remove it or fix its spelling (got ${describeValue(parent[key])})`,
    );
  }
  const value = valueAt(data, issue.path);
  let message = issue.message;
  if (issue.code === "invalid_type" && value === undefined) message = `is required (expected ${issue.expected})`;
  // A bad record key: zod nests the key's own problems.
  if (issue.code === "invalid_key") message = issue.issues.map((inner) => inner.message).join("; ");
  return [`${file}: ${formatPath(issue.path)}: ${message} (got ${describeValue(value)})`];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `tables[0].name`, `ssr.environment.AWS_REGION`; `(root)` for the file as a whole. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
