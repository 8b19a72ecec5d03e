/**
 * The list of environments and their loader. To add one, create `environments/<name>.ts`
 * exporting its data as default and add its name to ENVIRONMENT_NAMES (one line).
 */
import type { z } from "zod";
import { ConfigError, describeValue } from "../lib/errors";
import { STACK_KINDS, stateKey } from "../lib/naming";
import { lambdaRuntimeStatus } from "../lib/lambda-runtimes";
import { EnvironmentSchema, type EnvironmentConfig } from "./schema";

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;

/** Raw environment data and the file it came from, for error messages. */
export interface EnvironmentSource {
  readonly file: string;
  readonly data: unknown;
}

/** Reads every environment file named in ENVIRONMENT_NAMES (without validating). */
export function readEnvironmentSources(names: readonly string[] = ENVIRONMENT_NAMES): EnvironmentSource[] {
  return names.map((name) => {
    // With its extension, so that a bundler can map the name to the file (scripts/shared/run-bundled.cjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the list of files is data
    const module = require(`./${name}.ts`) as { default?: unknown };
    return { file: `environments/${name}.ts`, data: module.default };
  });
}

/**
 * Validates every environment and the rules between them. Returns configs in list order,
 * or throws one ConfigError listing every problem as `<file>: <path>: <problem> (got <value>)`.
 */
export function validateEnvironments(sources: readonly EnvironmentSource[]): EnvironmentConfig[] {
  const problems: string[] = [];
  const configs: { file: string; config: EnvironmentConfig }[] = [];

  for (const { file, data } of sources) {
    const result = EnvironmentSchema.safeParse(data);
    if (!result.success) {
      problems.push(...result.error.issues.flatMap((issue) => formatIssue(file, data, issue)));
      continue;
    }
    const expectedName = file.replace(/^.*\//, "").replace(/\.ts$/, "");
    if (result.data.name !== expectedName) {
      problems.push(`${file}: name: must match the file name "${expectedName}" (got ${describeValue(result.data.name)})`);
    }
    configs.push({ file, config: result.data });
  }

  problems.push(...crossEnvironmentProblems(configs));
  if (problems.length > 0) throw new ConfigError(problems);
  return configs.map((c) => c.config);
}

/** Loads and validates the shipped environments. */
export function loadEnvironments(names: readonly string[] = ENVIRONMENT_NAMES): EnvironmentConfig[] {
  return validateEnvironments(readEnvironmentSources(names));
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
  environments: readonly EnvironmentConfig[],
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

function crossEnvironmentProblems(configs: readonly { file: string; config: EnvironmentConfig }[]): string[] {
  const problems: string[] = [];
  const firstOwner = new Map<string, string>();
  const claim = (key: string, file: string, path: string, value: string, what: string) => {
    const owner = firstOwner.get(key);
    if (owner === undefined) firstOwner.set(key, file);
    else problems.push(`${file}: ${path}: ${what} is already used by ${owner} (got ${describeValue(value)})`);
  };

  // Things environments may share only when they agree on where the thing lives.
  const firstSetting = new Map<string, { file: string; setting: string }>();
  const agree = (key: string, file: string, path: string, setting: string, why: string) => {
    const first = firstSetting.get(key);
    if (first === undefined) firstSetting.set(key, { file, setting });
    else if (first.setting !== setting) {
      problems.push(`${file}: ${path}: is shared with ${first.file}, which has ${first.setting}; ${why} (got ${setting})`);
    }
  };

  const zoneCreators = new Map<string, string>();
  for (const { file, config } of configs) {
    agree(
      `bucket:${config.state.bucket}`,
      file,
      "state.bucket",
      `account ${config.account.id}, region ${config.state.region}, lock table ${config.state.lockTable ?? "none"}`,
      "one state bucket has one bootstrap stack, so its account, region and lock table must match",
    );
    agree(
      `zone:${config.dns.hostedZoneName}`,
      file,
      "dns.hostedZoneName",
      `account ${config.account.id}`,
      "a hosted zone lives in one account; give each account its own delegated subdomain zone",
    );
    if (config.dns.createHostedZone) {
      // Route 53 allows two public zones of one name; only one of them can be delegated to.
      const creator = zoneCreators.get(config.dns.hostedZoneName);
      if (creator === undefined) zoneCreators.set(config.dns.hostedZoneName, file);
      else {
        problems.push(
          `${file}: dns.createHostedZone: ${creator} creates the hosted zone ${config.dns.hostedZoneName} already; set false here to share it (got true)`,
        );
      }
    }
    claim(`name:${config.name}`, file, "name", config.name, "environment name");
    config.dns.domainNames.forEach((domain, i) =>
      claim(`domain:${domain}`, file, `dns.domainNames[${i}]`, domain, "domain name"),
    );
    for (const kind of STACK_KINDS) {
      const key = `s3://${config.state.bucket}/${stateKey(config, kind)}`;
      claim(`state:${key}`, file, "state", key, "state key");
    }
  }
  return problems;
}

function formatIssue(file: string, data: unknown, issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    const parent = valueAt(data, issue.path) as Record<string, unknown>;
    return issue.keys.map(
      (key) =>
        `${file}: ${formatPath([...issue.path, key])}: is not a known field; remove it or fix its spelling (got ${describeValue(parent?.[key])})`,
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

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
