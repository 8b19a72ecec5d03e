/**
 * Every physical name in the workspace, computed from the environment config. Stacks and
 * scripts both import this module, so `--env staging` in a script finds exactly the bucket,
 * function and alarms the stacks created. Change a name here and both sides follow.
 */
import { pascalCase } from "./construct-id";
import type { EnvironmentConfig } from "../environments/schema";

/** The part of an environment that names depend on. */
export type NamingInput = Pick<EnvironmentConfig, "name" | "project"> & {
  readonly account: Pick<EnvironmentConfig["account"], "id">;
};

export const STACK_KINDS = ["dns", "app", "distribution"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** The alias CloudFront invokes; release/rollback own which version it points at. */
export const LIVE_ALIAS = "live";
/** Key prefix of static assets in the assets bucket; the only prefix CloudFront serves. */
export const ASSETS_PREFIX = "assets/";
/** Key prefix of release ledgers and asset manifests; never routed by CloudFront. */
export const RELEASES_ROOT = "_releases/";
/** CloudFront only accepts ACM certificates from this region, wherever the environment runs. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";
/**
 * CloudFront publishes its metrics only in us-east-1, so alarms on them (and the topic they
 * notify) live there; the release canary reads alarms there and in the environment's region.
 */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

/** `<project>-<env>`: the prefix of every resource name in an environment. */
export function resourcePrefix(env: NamingInput): string {
  return `${env.project}-${env.name}`;
}

export function stackId(env: Pick<NamingInput, "name">, kind: StackKind): string {
  return `${env.name}-${kind}`;
}

/** Remote state key of one stack: `<project>/<env>/<stack>.tfstate`. */
export function stateKey(env: NamingInput, kind: StackKind): string {
  return `${env.project}/${env.name}/${kind}.tfstate`;
}

/** Bucket names are global, so the account id keeps two accounts from colliding. */
export function assetsBucketName(env: NamingInput): string {
  return `${resourcePrefix(env)}-assets-${env.account.id}`;
}

/**
 * Physical name of one of the app's functions (ids from the app build description: `server`,
 * `image`, `revalidation`, …). The server keeps the name it has always had, `<prefix>-ssr`.
 */
export function functionName(env: NamingInput, id: string): string {
  return `${resourcePrefix(env)}-${id === "server" ? "ssr" : id}`;
}

/** The server function's name (`functionName(env, "server")`). */
export function ssrFunctionName(env: NamingInput): string {
  return functionName(env, "server");
}

/** IAM role of one of the app's functions; the server's keeps its name, `<prefix>-ssr`. */
export function functionRoleName(env: NamingInput, id: string): string {
  return `${resourcePrefix(env)}-${id === "server" ? "ssr" : id}`;
}

/** A table the app build needs (a tag cache), apart from the configured tables. */
export function buildTableName(env: NamingInput, id: string): string {
  return `${resourcePrefix(env)}-build-${id}`;
}

/** A queue the app build needs; FIFO queue names must end in `.fifo` (SQS developer guide). */
export function buildQueueName(env: NamingInput, id: string, fifo: boolean): string {
  return `${resourcePrefix(env)}-${id}${fifo ? ".fifo" : ""}`;
}

/** Where messages the queue's consumer keeps failing on end up. */
export function buildDeadLetterQueueName(env: NamingInput, id: string, fifo: boolean): string {
  return `${resourcePrefix(env)}-${id}-dlq${fifo ? ".fifo" : ""}`;
}

/** The CloudFront Function that passes the viewer's host to the server as x-forwarded-host. */
export function forwardedHostFunctionName(env: NamingInput): string {
  return `${resourcePrefix(env)}-forwarded-host`;
}

export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

export function apiAccessLogGroupName(apiName: string): string {
  return `/aws/apigateway/${apiName}`;
}

export function tableName(env: NamingInput, logicalName: string): string {
  return `${resourcePrefix(env)}-${logicalName}`;
}

/**
 * Construct id of a table (`cache-2` → `TableCache2`): the one id taken from config, because a
 * table's logical name is its identity. Two names that map to one id (`cache-2`, `cache2`)
 * are a config error, not a constructs crash.
 */
export function tableConstructId(logicalName: string): string {
  return `Table${pascalCase(logicalName)}`;
}

/** The SSR function's variable holding a table's physical name: `TABLE_<NAME>`. */
export function tableVariableName(logicalName: string): string {
  return `TABLE_${logicalName.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * The variables the app stack sets on the SSR function besides `ssr.environment`, with
 * their values: the environment's name and every table's physical name.
 */
export function ssrStackVariables(env: NamingInput & { readonly tables: readonly { readonly name: string }[] }): Record<string, string> {
  return {
    ...Object.fromEntries(env.tables.map((table) => [tableVariableName(table.name), tableName(env, table.name)])),
    APP_ENV: env.name,
  };
}

export function httpApiName(env: NamingInput): string {
  return `${resourcePrefix(env)}-api`;
}

export function ssrRoleName(env: NamingInput): string {
  return functionRoleName(env, "server");
}

/** Every alarm of an environment starts with this, so the release canary can list them. */
export function alarmNamePrefix(env: NamingInput): string {
  return `${resourcePrefix(env)}-`;
}

export function alarmName(env: NamingInput, what: string): string {
  return `${alarmNamePrefix(env)}${what}`;
}

export function alarmTopicName(env: NamingInput): string {
  return `${resourcePrefix(env)}-alarms`;
}

export function dashboardName(env: NamingInput): string {
  return resourcePrefix(env);
}

/**
 * Topic for alarms on CloudFront metrics, which exist only in us-east-1; an alarm can only
 * notify a topic in its own region. Distinct from alarmTopicName so the two cannot collide
 * when the environment itself lives in us-east-1.
 */
export function edgeAlarmTopicName(env: NamingInput): string {
  return `${resourcePrefix(env)}-edge-alarms`;
}

/** KMS alias of the customer-managed key that encrypts an alarm topic. */
export function alarmTopicKeyAlias(topicName: string): string {
  return `alias/${topicName}`;
}

/** AWS Chatbot Slack channel configuration that relays the environment's alarm topics. */
export function chatbotConfigurationName(env: NamingInput): string {
  return `${resourcePrefix(env)}-alarms`;
}

export function chatbotRoleName(env: NamingInput): string {
  return `${resourcePrefix(env)}-chatbot`;
}

/**
 * Session name the dns stack uses when it assumes the parent zone's delegation role: it shows
 * in the parent account's CloudTrail, so the environment that wrote the NS record is known.
 */
export function dnsDelegationSessionName(env: NamingInput): string {
  return `${resourcePrefix(env)}-dns-delegation`;
}

/** Prefix of one environment's release records and asset manifests. */
export function releasesPrefix(env: Pick<NamingInput, "name">): string {
  return `${RELEASES_ROOT}${env.name}/`;
}

/** Asset manifest written by sync-assets and verified by release/rollback. */
export function assetManifestKey(env: Pick<NamingInput, "name">, releaseId: string): string {
  return `${releasesPrefix(env)}${releaseId}.assets.json`;
}

/**
 * The lease sync-assets holds while it writes to one environment's bucket (see
 * scripts/sync-assets/lock.ts): two syncs at once would overwrite each other's unhashed files.
 */
export function syncLockKey(env: Pick<NamingInput, "name">): string {
  return `${releasesPrefix(env)}sync-assets.lock`;
}

/**
 * Prefix of one environment's release ledger: one immutable JSON object per record (see
 * scripts/release/ledger.ts), kept apart from the asset manifests beside it.
 */
export function releaseLedgerPrefix(env: Pick<NamingInput, "name">): string {
  return `${releasesPrefix(env)}ledger/`;
}
