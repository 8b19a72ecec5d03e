/**
 * What every command-line tool in scripts/ shares: a declaration from which commander
 * (https://github.com/tj/commander.js, v14: v15 needs Node 22) parses the flags and writes
 * the help, and one path from an outcome or an error to an exit code.
 *
 * A tool is declared, not hand-parsed:
 *
 * ```ts
 * const PRUNE = defineCli({
 *   command: "npm run prune --",
 *   purpose: "Deletes the assets and Lambda versions that no kept release needs.",
 *   flags: {
 *     env: environmentFlag(),
 *     keep: { value: "<n>", help: "releases to keep", parse: wholeNumber({ min: 1, max: 1000 }), required: true },
 *     "dry-run": { help: "only list what would be deleted" },
 *   },
 *   examples: ["npm run prune -- --env staging --keep 10"],
 *   exitCodes: { 0: "done, or nothing to do", 1: "a deletion failed", 2: USAGE_ERROR },
 * });
 * export function main(argv: readonly string[]): Promise<number> {
 *   return PRUNE.run(argv, async (flags) => {   // flags.env: EnvironmentConfig, flags.keep: number,
 *     …                                          // flags["dry-run"]: boolean
 *     return 0;
 *   });
 * }
 * if (require.main === module) runCli(main);
 * ```
 *
 * What the declaration gives every tool:
 * - `--help` and `-h` print to stdout the usage, purpose, every flag with its meaning and
 *   default, the examples and the exit codes, and `run` resolves to 0.
 * - Flags are kebab-case. `parse` turns a flag's text into its value while the command line
 *   is read, so a bad value is a usage error before any set-up work: throw
 *   `InvalidArgumentError("must be …")` and the user sees `--flag must be … (got "value")`;
 *   a thrown `UserError` is shown as it is.
 * - Usage errors (unknown flag, with commander's "Did you mean --x?"; bad value; missing
 *   required flag; stray argument) reject with a UserError carrying the tool's usage exit
 *   code: 2 unless `usageExitCode` says otherwise (plan-review uses 1, its 2 means
 *   "protected destruction"). A UserError with code 2 thrown by the action becomes the
 *   usage code too.
 * - `runCli(main)` is the one exit path: a UserError prints `error: <message>` without a
 *   stack; missing AWS credentials print one plain sentence (scripts/shared/aws.ts);
 *   anything else prints one line and the hint that `DEBUG=1` shows the stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { loadEnvironments } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { describeValue, errorMessage, UserError } from "../../lib/errors";
import { isMissingCredentials, missingCredentialsMessage } from "./aws";

export { InvalidArgumentError };

/** The environment variables every tool that calls AWS reads, for `environment`. */
export const AWS_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_PROFILE: "credentials to use (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the CI role)",
  "AWS_ENDPOINT_URL[_<SERVICE>]": "an AWS-compatible endpoint instead of AWS (local emulators)",
};

/** The usual meaning of exit code 2, for `exitCodes`. */
export const USAGE_ERROR = "usage error: unknown flag, bad or missing value (nothing was done)";

/** One flag. Its key in `flags` is its long name, in kebab-case, without the dashes. */
export interface FlagSpec<T = unknown> {
  /** Placeholder of the value (`"<n>"`); a flag without one is a switch, false unless given. */
  readonly value?: string;
  /** What it does, one line; say a computed default here ("default: $GITHUB_SHA, …"). */
  readonly help: string;
  /** Text to value; throw InvalidArgumentError("must be …") for a bad one. @default the text */
  readonly parse?: (raw: string) => T;
  /** Used, through `parse`, when the flag is absent; shown in the help. */
  readonly default?: string;
  /** A usage error when absent. @default false */
  readonly required?: boolean;
  /** May be given more than once; the value is the list. @default false */
  readonly repeatable?: boolean;
  /** A one-letter alias, e.g. `"-g"`. */
  readonly short?: `-${string}`;
  /** Flags it cannot be combined with (a usage error naming both). */
  readonly conflicts?: readonly string[];
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type Parsed<S> = S extends { readonly parse: (raw: string) => infer T } ? T : string;
type Present<S> = S extends { readonly required: true } ? true : S extends { readonly default: string } ? true : false;
type Value<S> = S extends { readonly repeatable: true } ? Parsed<S>[] : Parsed<S>;
/** The value a flag declared as `S` has in the action. */
export type FlagValue<S> = S extends { readonly value: string } ? (Present<S> extends true ? Value<S> : Value<S> | undefined) : boolean;
export type FlagValues<F> = { -readonly [K in keyof F]: FlagValue<F[K]> };

export interface CliSpec<F extends FlagSpecs> {
  /** How a user starts it, e.g. `"npm run sync-assets --"`. */
  readonly command: string;
  /** What it does and when to use it, a few sentences. */
  readonly purpose: string;
  readonly flags: F;
  /** Positional arguments in commander's syntax, e.g. `"[file...]"`; none are accepted without it. */
  readonly operands?: { readonly name: string; readonly help: string };
  /** Whole command lines a user can copy. */
  readonly examples: readonly string[];
  /** Every exit code the tool uses and what it means. */
  readonly exitCodes: Readonly<Record<number, string>>;
  /** Environment variables it reads, and what for. */
  readonly environment?: Readonly<Record<string, string>>;
  /** More help after the standard sections, by title, e.g. the rules a checker applies. */
  readonly moreHelp?: Readonly<Record<string, () => readonly string[]>>;
  /** @default 2 */
  readonly usageExitCode?: 1 | 2;
}

export interface Cli<F extends FlagSpecs> {
  readonly spec: CliSpec<F>;
  /**
   * Parses `argv`, then runs `action` with the values and resolves to its exit code; with
   * `--help`/`-h` prints the help to stdout and resolves to 0 without running it.
   * Usage errors reject with a UserError carrying the usage exit code.
   */
  run(
    argv: readonly string[],
    action: (flags: FlagValues<F>, operands: readonly string[]) => Promise<number>,
    io?: CliIo,
  ): Promise<number>;
  /** The text `--help` prints. */
  helpText(): string;
}

/** Where the help goes. @default process.stdout */
export interface CliIo {
  readonly stdout?: (text: string) => void;
}

/** Thrown by the exit override when commander has printed the help. */
class HelpShown extends Error {}

export function defineCli<const F extends FlagSpecs>(spec: CliSpec<F>): Cli<F> {
  const usageExitCode = spec.usageExitCode ?? 2;
  /** A usage error (exit 2 from a parser or the action) with the tool's own usage code. */
  const asUsageError = (error: unknown, hint: boolean): unknown =>
    error instanceof UserError && error.exitCode === 2
      ? new UserError(hint ? `${error.message}\n(see ${spec.command} --help)` : error.message, usageExitCode)
      : error;
  return {
    spec,
    // commander ends the "after" text with a newline of its own.
    helpText: () => `${buildCommand(spec, () => {}).helpInformation()}${afterHelp(spec)}\n`,
    async run(argv, action, io = {}) {
      let values: Record<string, unknown> = {};
      let operands: string[] = [];
      let flags: FlagValues<F>;
      try {
        await buildCommand(
          spec,
          (opts, args) => {
            values = opts;
            operands = args;
          },
          io,
        ).parseAsync([...argv], { from: "user" });
        flags = resolveFlags(spec.flags, values);
      } catch (error) {
        if (error instanceof HelpShown) return 0;
        throw asUsageError(error, true);
      }
      try {
        return await action(flags, operands);
      } catch (error) {
        throw asUsageError(error, false);
      }
    },
  };
}

function buildCommand<F extends FlagSpecs>(
  spec: CliSpec<F>,
  capture: (opts: Record<string, unknown>, operands: string[]) => void,
  io: CliIo = {},
): Command {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const command = new Command(spec.command)
    .description(spec.purpose)
    .usage(usageLine(spec))
    .helpOption("-h, --help", "show this help")
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: stdout,
      writeErr: (text) => process.stderr.write(text),
      // Errors are thrown (exitOverride) and printed once by runCli, or handled by the caller.
      outputError: () => {},
    })
    .exitOverride((error: CommanderError) => {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help") throw new HelpShown();
      throw new UserError(error.message.replace(/^error: /, ""), 2);
    })
    .addHelpText("after", afterHelp(spec))
    .action(function (this: Command) {
      capture(this.opts(), this.args);
    });
  if (spec.operands) command.argument(spec.operands.name, spec.operands.help);
  for (const [name, flag] of Object.entries(spec.flags)) command.addOption(toOption(name, flag));
  return command;
}

function toOption(name: string, flag: FlagSpec): Option {
  const long = `--${name}`;
  const option = new Option(`${flag.short ? `${flag.short}, ` : ""}${long}${flag.value ? ` ${flag.value}` : ""}`, helpLine(flag));
  if (flag.conflicts) option.conflicts(flag.conflicts.map(camelCase));
  if (flag.value) {
    option.argParser((raw: string, previous: unknown) => {
      const value = parseValue(long, flag, raw);
      return flag.repeatable ? [...((previous as unknown[] | undefined) ?? []), value] : value;
    });
  }
  return option;
}

function helpLine(flag: FlagSpec): string {
  const notes = [flag.required ? "required" : undefined, flag.repeatable ? "repeatable" : undefined, flag.default !== undefined ? `default: ${flag.default}` : undefined];
  const shown = notes.filter((note) => note !== undefined);
  return shown.length === 0 ? flag.help : `${flag.help} (${shown.join("; ")})`;
}

/** Runs the flag's parser; its complaint becomes a usage error naming the flag and the value. */
function parseValue(long: string, flag: FlagSpec, raw: string): unknown {
  if (!flag.parse) return raw;
  try {
    return flag.parse(raw);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UserError(`${long} ${error.message} (got ${describeValue(raw)})`, 2);
    throw error;
  }
}

/** Switches to booleans, defaults through their parser, required flags checked. */
function resolveFlags<F extends FlagSpecs>(specs: F, opts: Record<string, unknown>): FlagValues<F> {
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(specs)) {
    // commander stores --dry-run as dryRun.
    let value = opts[camelCase(name)];
    if (!flag.value) value = value === true;
    else if (value === undefined && flag.default !== undefined) {
      const parsed = parseValue(`--${name}`, flag, flag.default);
      value = flag.repeatable ? [parsed] : parsed;
    } else if (value === undefined && flag.required) {
      throw new UserError(`missing required flag --${name} ${flag.value}`, 2);
    }
    values[name] = value;
  }
  return values as FlagValues<F>;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `--env <name> --dir <path> [options]`: the required flags spelled out. */
function usageLine<F extends FlagSpecs>(spec: CliSpec<F>): string {
  const required = Object.entries(spec.flags)
    .filter(([, flag]) => flag.required)
    .map(([name, flag]) => `--${name} ${flag.value ?? ""}`.trim());
  return [...required, "[options]", ...(spec.operands ? [spec.operands.name] : [])].join(" ");
}

function afterHelp<F extends FlagSpecs>(spec: CliSpec<F>): string {
  const section = (title: string, rows: readonly (readonly [string, string])[]) => {
    const width = Math.max(...rows.map(([key]) => key.length));
    return `\n${title}:\n${rows.map(([key, text]) => `  ${key.padEnd(width)}  ${text}`).join("\n")}\n`;
  };
  const exitCodes = Object.entries(spec.exitCodes).map(([code, meaning]) => [code, meaning] as const);
  const environment: [string, string][] = [
    ...Object.entries(spec.environment ?? {}),
    ["DEBUG=1", "print the stack trace of an unexpected error"],
  ];
  const more = Object.entries(spec.moreHelp ?? {}).map(([title, lines]) => `\n${title}:\n${lines().map((line) => `  ${line}`).join("\n")}\n`);
  return (
    `\nExamples:\n${spec.examples.map((example) => `  ${example}`).join("\n")}\n` +
    section("Exit codes", exitCodes) +
    section("Environment", environment) +
    more.join("")
  ).trimEnd();
}

// ---------------------------------------------------------------------------------------
// Parsers for `parse`

/** A whole number within bounds. */
export function wholeNumber(bounds: { readonly min: number; readonly max?: number }): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
    if (raw.trim() === "" || !Number.isInteger(value) || value < bounds.min || value > max) {
      throw new InvalidArgumentError(`must be a whole number ${bounds.max === undefined ? `of at least ${bounds.min}` : `from ${bounds.min} to ${max}`}`);
    }
    return value;
  };
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    throw new InvalidArgumentError(`must be one of ${choices.join(", ")}`);
  };
}

/** Text matching a pattern; `what` says in words what it must be. */
export function matching(pattern: RegExp, what: string): (raw: string) => string {
  return (raw) => {
    if (pattern.test(raw)) return raw;
    throw new InvalidArgumentError(`must be ${what}`);
  };
}

/**
 * The environment named by the flag, validated: an unknown name is a usage error listing the
 * known ones; an invalid configuration is a ConfigError (exit 1) listing every problem.
 */
export function knownEnvironment(raw: string): EnvironmentConfig {
  const environments = loadEnvironments();
  const env = environments.find((candidate) => candidate.name === raw);
  if (!env) throw new InvalidArgumentError(`must name a known environment: ${environments.map((e) => e.name).join(", ")}`);
  return env;
}

/**
 * An optional `--env`'s environment, or the first in pipeline order (the one a build reaches
 * first) when it was not given: what the local tools (e2e:local, rehearse) act on by default.
 */
export function environmentOrFirst(env: EnvironmentConfig | undefined): EnvironmentConfig {
  return env ?? loadEnvironments()[0]!;
}

/**
 * `--env <name>`, required, parsed into its validated configuration. The help does not list
 * the names: they are files in environments/, read only when a command line is parsed.
 */
export function environmentFlag(help = "environment to act on") {
  return { value: "<name>", help: `${help} (see npm run environments)`, parse: knownEnvironment, required: true } as const;
}

// ---------------------------------------------------------------------------------------
// Output and exit

/** Human-readable output goes to stderr so stdout stays machine-readable. */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** True when `DEBUG` asks for stack traces (any value but empty, 0 or false). */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.DEBUG?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/**
 * What the user sees for an error that ended a tool, and the exit code: a UserError's message
 * and code; the plain missing-credentials sentence; for anything else (a bug) one line and a
 * hint. The stack trace only with DEBUG=1.
 */
export function describeFailure(error: unknown, debug: boolean): { readonly text: string; readonly exitCode: number } {
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  if (error instanceof UserError) return { text: `error: ${error.message}${stack}`, exitCode: error.exitCode };
  if (isMissingCredentials(error)) return { text: `error: ${missingCredentialsMessage(error)}${stack}`, exitCode: 1 };
  const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
  const hint = debug ? "" : " (unexpected; run again with DEBUG=1 to see the stack trace)";
  return { text: `error: ${name}${errorMessage(error)}${hint}${stack}`, exitCode: 1 };
}

/** Runs a tool's main function as the process: its exit code, or the failure described. */
export function runCli(main: (argv: readonly string[]) => Promise<number>): void {
  // The AWS SDK warns on Node 20 that releases after January 2027 need Node 22. Our SDK
  // versions are pinned in the lockfile, so the warning is noise on every CLI run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const failure = describeFailure(error, debugEnabled());
      say(failure.text);
      process.exitCode = failure.exitCode;
    },
  );
}
