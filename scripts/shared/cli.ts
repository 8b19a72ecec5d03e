/**
 * What every CLI in scripts/ shares: argument parsing with usage errors (exit 2), user
 * errors printed without a stack trace (exit 1), human output on stderr, JSON on stdout.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadEnvironments } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { errorMessage, UserError } from "../../lib/errors";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Parses kebab-case flags strictly; unknown flags and missing values are usage errors. */
export function parseCliArgs<const O extends OptionSpec>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UserError(`${errorMessage(error)}\n${usage}`, 2);
  }
}

/** A required flag, or a usage error naming it. */
export function requireFlag<T>(value: T | undefined, flag: string, usage: string): T {
  if (value === undefined || value === "") throw new UserError(`missing required flag ${flag}\n${usage}`, 2);
  return value;
}

/** A whole number flag within bounds, or a usage error naming the flag and the value seen. */
export function integerFlag(
  value: string | undefined,
  flag: string,
  bounds: { readonly min: number; readonly max?: number; readonly default: number },
): number {
  if (value === undefined) return bounds.default;
  const parsed = Number(value);
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(parsed) || parsed < bounds.min || parsed > max) {
    throw new UserError(
      `${flag} must be a whole number from ${bounds.min}${bounds.max === undefined ? " up" : ` to ${max}`} (got ${JSON.stringify(value)})`,
      2,
    );
  }
  return parsed;
}

/**
 * The validated environment named by `--env`. An unknown name is a usage error (exit 2) on
 * one line; an invalid configuration is a config error (exit 1) listing every problem.
 */
export function environmentByName(name: string): EnvironmentConfig {
  const environments = loadEnvironments();
  const env = environments.find((candidate) => candidate.name === name);
  if (!env) {
    throw new UserError(
      `--env: unknown environment ${JSON.stringify(name)}; known: ${environments.map((e) => e.name).join(", ")}`,
      2,
    );
  }
  return env;
}

/** Human-readable output goes to stderr so stdout stays machine-readable. */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Runs a CLI's main function and turns its outcome into an exit code: the number it
 * returns, 1 or 2 for a UserError (message only), 1 with a stack for anything else.
 */
export function runCli(main: (argv: readonly string[]) => Promise<number>): void {
  // The AWS SDK warns on Node 20 that releases after January 2027 need Node 22. Our SDK
  // versions are pinned in the lockfile, so the warning is noise on every CLI run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UserError) {
        say(`error: ${error.message}`);
        process.exitCode = error.exitCode;
      } else {
        say(error instanceof Error && error.stack ? error.stack : errorMessage(error));
        process.exitCode = 1;
      }
    },
  );
}
