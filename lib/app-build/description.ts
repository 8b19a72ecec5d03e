/**
 * The app build description: what one build of the team's app needs from the deployment,
 * in terms that know no framework. One adapter per kind of build (adapters/) turns a build
 * folder into this; the stacks, sync-assets, the release tools and the local edge read it.
 *
 * Paths in a description are absolute. Path patterns are CloudFront path patterns without
 * the leading slash (`_next/static/*`): `*` matches any characters, `/` included, and `?`
 * exactly one (CloudFront developer guide, "Path pattern").
 */

/** Ids of functions, tables and queues: lower-case words joined by hyphens (part of physical names). */
export const DESCRIPTION_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The id of the function that renders pages; it always exists. */
export const SERVER_FUNCTION_ID = "server";

/** A value the deployment fills in for a function's environment variable. */
export type EnvironmentValue =
  | { readonly literal: string }
  /** The region the app stack deploys into. */
  | { readonly ref: "region" }
  /** The environment's assets bucket (static files and the incremental cache live there). */
  | { readonly ref: "assets-bucket" }
  /** `staticFiles.keyPrefix` without its trailing slash (`assets`). */
  | { readonly ref: "static-key-prefix" }
  /** `incrementalCache.keyPrefix` without its trailing slash (`_cache`). */
  | { readonly ref: "cache-key-prefix" }
  | { readonly ref: "table-name"; readonly table: string }
  | { readonly ref: "queue-url"; readonly queue: string };

/** What a function may touch besides its own logs; the stacks turn each into least-privilege IAM. */
export type FunctionGrant =
  /** GetObject under the static files' key prefix (an image optimizer reading source images). */
  | { readonly to: "static-files"; readonly access: "read" }
  /** Get/Put/DeleteObject under the incremental cache's key prefix. */
  | { readonly to: "incremental-cache"; readonly access: "read-write" }
  | { readonly to: "table"; readonly table: string; readonly access: "read-write" }
  | { readonly to: "queue"; readonly queue: string; readonly access: "send" | "consume" };

/**
 * How a function is reached:
 * - `http`: behind CloudFront through a function URL on its `live` alias;
 * - `queue`: consumes a queue of the description (the event source mapping targets the alias);
 * - `deployment`: invoked once per build by the deployment itself (seeding a table), never by traffic.
 */
export type FunctionTrigger =
  | { readonly kind: "http" }
  | { readonly kind: "queue"; readonly queue: string; readonly batchSize: number }
  | { readonly kind: "deployment"; readonly input: Readonly<Record<string, unknown>> };

export interface AppFunction {
  /** `server`, `image`, `revalidation`, …: stable, part of the function's physical name. */
  readonly id: string;
  /** Folder whose contents are the Lambda package (dot-folders such as `.next/` included). */
  readonly bundleDir: string;
  /** `<file without extension>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  /** True when the handler streams its response (function URL invoke mode RESPONSE_STREAM). */
  readonly streaming: boolean;
  readonly trigger: FunctionTrigger;
  /**
   * The architecture the bundle's native code was built for (e.g. sharp's prebuilt
   * `linux-arm64` binary in an image optimizer). Unset: pure JavaScript, runs on either.
   */
  readonly architecture?: "arm64" | "x86_64";
  /** @default the environment's `ssr.memoryMiB` for the server; see the adapter otherwise */
  readonly memoryMiB?: number;
  /** @default the environment's `ssr.timeoutSeconds` for the server; see the adapter otherwise */
  readonly timeoutSeconds?: number;
  readonly environment: Readonly<Record<string, EnvironmentValue>>;
  readonly grants: readonly FunctionGrant[];
}

/** Where a path pattern sends a request. */
export type BehaviourTarget = { readonly kind: "static-files" } | { readonly kind: "function"; readonly functionId: string };

export interface Behaviour {
  /** CloudFront path pattern without the leading slash, e.g. `_next/static/*`. */
  readonly pathPattern: string;
  readonly target: BehaviourTarget;
}

/** One cache rule for static files; the first rule whose pattern matches a path decides. */
export interface CacheRule {
  readonly pathPattern: string;
  /** True: content-hashed (or versioned) path, cached for a year. False: revalidated on every use. */
  readonly immutable: boolean;
}

export interface StaticFiles {
  /** Local folder; a file's URL path is its path relative to this folder. */
  readonly dir: string;
  /**
   * Key prefix in the assets bucket (`assets/`, or `` when the folder already holds `assets/`).
   * CloudFront's static origin uses it as its origin path, so URL `/x` reads key `<keyPrefix>x`.
   */
  readonly keyPrefix: string;
  /** Paths no rule matches fall back to sync-assets' content-hash detection by name. */
  readonly cacheRules: readonly CacheRule[];
}

/** Prebuilt cache entries the server reads and rewrites at run time (never served by CloudFront). */
export interface IncrementalCache {
  readonly dir: string;
  /** Key prefix in the assets bucket, outside the served prefix, e.g. `_cache/`. */
  readonly keyPrefix: string;
}

export interface TableKey {
  readonly name: string;
  readonly type: "S" | "N" | "B";
}

/** A DynamoDB table the build needs (a tag cache), created per environment. */
export interface BuildTable {
  readonly id: string;
  readonly partitionKey: TableKey;
  readonly sortKey?: TableKey;
  readonly globalSecondaryIndexes: readonly {
    readonly name: string;
    readonly partitionKey: TableKey;
    readonly sortKey?: TableKey;
  }[];
}

/** An SQS queue the build needs (a revalidation queue). */
export interface BuildQueue {
  readonly id: string;
  readonly fifo: boolean;
  /** Long polling wait. */
  readonly receiveWaitTimeSeconds: number;
}

export interface AppBuildDescription {
  /** Which adapter read the build; for messages only: nothing may branch on it. */
  readonly kind: string;
  /** The build folder the description was read from. */
  readonly root: string;
  /**
   * The folder under root that the build tool wrote (`.open-next`, `.output`, or root itself):
   * what a build artifact carries. Set by describeAppBuild; absent in hand-made descriptions.
   */
  readonly outputDir?: string;
  /** Identifies this build's content (the framework's build id, or a digest of the bundle). */
  readonly buildId: string;
  /** The server first, then the others in the order the adapter lists them. */
  readonly functions: readonly AppFunction[];
  readonly staticFiles: StaticFiles;
  /** Ordered: the first pattern that matches wins; everything else goes to the server. */
  readonly behaviours: readonly Behaviour[];
  readonly incrementalCache?: IncrementalCache;
  readonly tables: readonly BuildTable[];
  readonly queues: readonly BuildQueue[];
}

/** The function that renders pages (the default behaviour's target). */
export function serverFunction(description: AppBuildDescription): AppFunction {
  const server = description.functions.find((fn) => fn.id === SERVER_FUNCTION_ID);
  if (!server) throw new Error(`app build ${description.root}: no "${SERVER_FUNCTION_ID}" function (adapter bug)`);
  return server;
}

/** Functions traffic reaches through an alias: what a release moves (HTTP and queue consumers). */
export function releasedFunctions(description: AppBuildDescription): readonly AppFunction[] {
  return description.functions.filter((fn) => fn.trigger.kind !== "deployment");
}

/** True when `path` (no leading slash) matches a CloudFront path pattern (no leading slash). */
export function matchesPathPattern(pattern: string, path: string): boolean {
  return patternRegExp(pattern).test(path);
}

const compiled = new Map<string, RegExp>();
function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  // Stryker disable next-line ConditionalExpression: equivalent, compiling the pattern again gives the same RegExp (the map only saves time)
  if (!re) {
    const body = pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
      .join("");
    re = new RegExp(`^${body}$`, "s");
    compiled.set(pattern, re);
  }
  return re;
}

/** Whether a static file is immutable by the description's rules; undefined when no rule matches. */
export function immutableByRules(rules: readonly CacheRule[], relativePath: string): boolean | undefined {
  return rules.find((rule) => matchesPathPattern(rule.pathPattern, relativePath))?.immutable;
}

/** Where a request path (with or without the leading slash) goes: the first matching behaviour, else the server. */
export function behaviourFor(description: AppBuildDescription, path: string): BehaviourTarget {
  const relative = path.replace(/^\//, "");
  return (
    description.behaviours.find((b) => matchesPathPattern(b.pathPattern, relative))?.target ?? {
      kind: "function",
      functionId: SERVER_FUNCTION_ID,
    }
  );
}
