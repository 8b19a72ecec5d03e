/**
 * Rules between environments: what two environments must not share, what they may share only
 * when they agree, the account-wide Lambda concurrency budget, and the deploy order.
 */
import { describeValue } from "../../lib/errors";
import { assetsBucketName, resourcePrefix, STACK_KINDS, stateKey, tableName } from "../../lib/naming";
import { UNRESERVED_CONCURRENCY_MINIMUM, type EnvironmentConfig } from "../schema";

export interface LoadedEnvironment {
  readonly file: string;
  readonly config: EnvironmentConfig;
}

/**
 * Problems between `environments`, one line each. `complete` says whether these are all the
 * environments (none failed validation on its own): rules about the whole pipeline, such as
 * waves without gaps, only run then, so one broken file does not cause false reports.
 */
export function crossEnvironmentProblems(environments: readonly LoadedEnvironment[], complete = true): string[] {
  return [
    ...sharedThingProblems(environments),
    ...namePrefixProblems(environments),
    ...stateBucketProblems(environments),
    ...concurrencyProblems(environments),
    ...githubEnvironmentProblems(environments),
    ...(complete ? deployOrderProblems(environments) : []),
  ];
}

/** Names, domains and state keys are one environment's; buckets and zones are shared only when the environments agree where they live. */
function sharedThingProblems(environments: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  const firstOwner = new Map<string, string>();
  const claim = (key: string, file: string, path: string, value: string, what: string) => {
    const owner = firstOwner.get(key);
    if (owner === undefined) firstOwner.set(key, file);
    else problems.push(`${file}: ${path}: ${what} is already used by ${owner} (got ${describeValue(value)})`);
  };
  const firstSetting = new Map<string, { file: string; setting: string }>();
  const agree = (key: string, file: string, path: string, setting: string, why: string) => {
    const first = firstSetting.get(key);
    if (first === undefined) firstSetting.set(key, { file, setting });
    else if (first.setting !== setting) {
      problems.push(`${file}: ${path}: is shared with ${first.file}, which has ${first.setting}; ${why} (got ${setting})`);
    }
  };

  const zoneCreators = new Map<string, string>();
  for (const { file, config } of environments) {
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
    // Lambda's concurrency quota is per account and Region (see concurrencyProblems).
    agree(
      `quota:${config.account.id}/${config.account.region}`,
      file,
      "account.lambdaConcurrencyLimit",
      `${config.account.lambdaConcurrencyLimit} for account ${config.account.id} in ${config.account.region}`,
      "environments in one account and Region share one Lambda concurrency quota",
    );
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

/**
 * In one account every resource name starts with `<project>-<env>-`. When one environment's
 * prefix starts another's (`acme-web-dev-` and `acme-web-dev-eu-`, or `acme` + `web-dev` and
 * `acme-web` + `dev`, which are equal), their functions, tables, topics and roles can collide,
 * and the release canary, which watches every alarm under its prefix, would also watch the
 * other environment's alarms.
 */
function namePrefixProblems(environments: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  for (const a of environments) {
    for (const b of environments) {
      if (a.config.account.id !== b.config.account.id) continue;
      const prefixA = `${resourcePrefix(a.config)}-`;
      const prefixB = `${resourcePrefix(b.config)}-`;
      // Report each pair once: on the longer prefix, or on the later file when they are equal (a
      // prefix that starts another and is not longer is equal to it; an environment never
      // reports itself, as it is not later than itself).
      const reportOnA = prefixA.length > prefixB.length || environments.indexOf(a) > environments.indexOf(b);
      if (prefixA.startsWith(prefixB) && reportOnA) {
        problems.push(
          `${a.file}: name: its resource names start with "${prefixB}", the prefix of every resource of ${b.file} in account ${a.config.account.id}, so names and alarm watches collide; rename one environment or project (got ${describeValue(a.config.name)})`,
        );
      }
    }
  }
  return problems;
}

/** A state bucket must not be an environment's assets bucket, nor its lock table one of the tables. */
function stateBucketProblems(environments: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  for (const { file, config } of environments) {
    for (const other of environments) {
      if (config.state.bucket === assetsBucketName(other.config)) {
        problems.push(
          `${file}: state.bucket: is the assets bucket of ${other.file}, which the distribution stack creates and sync-assets and prune write to (got ${describeValue(config.state.bucket)})`,
        );
      }
      const lockTable = config.state.lockTable;
      const sameRegion = other.config.account.id === config.account.id && other.config.account.region === config.state.region;
      const table = other.config.tables.find((t) => tableName(other.config, t.name) === lockTable);
      if (lockTable !== undefined && sameRegion && table) {
        problems.push(
          `${file}: state.lockTable: is the table "${table.name}" of ${other.file}, which the app stack creates (got ${describeValue(lockTable)})`,
        );
      }
    }
  }
  return problems;
}

/**
 * Reserved concurrency comes out of one pool per account and Region: together the
 * environments there must leave the 100 unreserved executions Lambda requires.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
function concurrencyProblems(environments: readonly LoadedEnvironment[]): string[] {
  const groups = new Map<string, LoadedEnvironment[]>();
  for (const env of environments) {
    const key = `${env.config.account.id}/${env.config.account.region}`;
    groups.set(key, [...(groups.get(key) ?? []), env]);
  }
  const problems: string[] = [];
  for (const group of groups.values()) {
    const reserving = group.filter((e) => e.config.ssr.reservedConcurrency !== null);
    const total = reserving.reduce((sum, e) => sum + (e.config.ssr.reservedConcurrency ?? 0), 0);
    const limit = Math.min(...group.map((e) => e.config.account.lambdaConcurrencyLimit));
    // An environment's own reservation is checked by the schema against its own quota; here
    // all of them together against the smallest quota given for the account and Region.
    if (total > limit - UNRESERVED_CONCURRENCY_MINIMUM) {
      const { account } = group[0]!.config;
      const parts = reserving.map((e) => `${e.config.name} ${e.config.ssr.reservedConcurrency}`).join(" + ");
      for (const { file, config } of reserving) {
        problems.push(
          `${file}: ssr.reservedConcurrency: the environments in account ${account.id}, ${account.region} reserve ${total} (${parts}), which leaves fewer than the ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved executions Lambda requires of the quota ${limit} (got ${config.ssr.reservedConcurrency})`,
        );
      }
    }
  }
  return problems;
}

/** The deploy role trusts a GitHub environment's OIDC subject, so each environment needs its own (GitHub compares names without case). */
function githubEnvironmentProblems(environments: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const { file, config } of environments) {
    const { deploy, rollback } = githubEnvironments(config);
    const own = new Set([deploy.toLowerCase(), rollback.toLowerCase()]);
    for (const [path, name] of [["deploy.githubEnvironment", deploy], ["deploy.rollbackGithubEnvironment", rollback]] as const) {
      const owner = owners.get(name.toLowerCase());
      // Each file registers its names after checking them, so the owner is always another file.
      if (owner !== undefined) {
        problems.push(`${file}: ${path}: is already the GitHub environment of ${owner}; each environment needs its own, which its role trusts (got ${describeValue(name)})`);
      }
    }
    for (const name of own) if (!owners.has(name)) owners.set(name, file);
  }
  return problems;
}

/** The GitHub environments an environment's deploy and rollback jobs run in. */
export function githubEnvironments(env: Pick<EnvironmentConfig, "name" | "deploy">): { deploy: string; rollback: string } {
  const deploy = env.deploy.githubEnvironment ?? env.name;
  return { deploy, rollback: env.deploy.rollbackGithubEnvironment ?? deploy };
}

/**
 * Waves are numbered 1, 2, … without gaps (an empty wave would deploy nothing and skip the
 * rest), and a protected environment deploys only after an E2E gate in an earlier wave.
 */
function deployOrderProblems(environments: readonly LoadedEnvironment[]): string[] {
  const problems: string[] = [];
  const waves = new Set(environments.map((e) => e.config.deploy.wave));
  for (const { file, config } of environments) {
    const missing = [...Array(config.deploy.wave - 1).keys()].map((i) => i + 1).filter((wave) => !waves.has(wave));
    if (missing.length > 0) {
      problems.push(
        `${file}: deploy.wave: no environment is in wave ${missing.join(", ")}; number the waves 1, 2, … without gaps (got ${config.deploy.wave})`,
      );
    }
    const gated = environments.some((other) => other.config.deploy.e2e && other.config.deploy.wave < config.deploy.wave);
    if (config.protected && !gated) {
      problems.push(
        `${file}: deploy.wave: a protected environment must deploy after an environment with deploy.e2e: true in an earlier wave, so it only gets builds that passed E2E (got ${config.deploy.wave})`,
      );
    }
  }
  return problems;
}
