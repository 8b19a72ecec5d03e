/**
 * OpenNext (`@opennextjs/aws` 4.x) builds: `.open-next/open-next.output.json` lists the
 * origins, the behaviours and the extra functions the build expects. This adapter deploys
 * what OpenNext's default configuration needs, as its docs and reference implementation
 * describe (opennext.js.org/aws/reference-implementation, /aws/config/overrides/*):
 *   - the server (`origins.default`), streaming when built with `aws-lambda-streaming`;
 *   - the image optimizer (`origins.imageOptimizer`, `_next/image*`), loading source images
 *     from the static files in S3 (`BUCKET_NAME`, `BUCKET_KEY_PREFIX`);
 *   - the S3 incremental cache: the uncached `copy` (`.open-next/cache` → `_cache`) seeds it,
 *     the server reads and writes it (`CACHE_BUCKET_NAME`, `CACHE_BUCKET_KEY_PREFIX`, `CACHE_BUCKET_REGION`);
 *   - the DynamoDB tag cache (`CACHE_DYNAMO_TABLE`; key `tag`/`path`, index `revalidate` on
 *     `path`/`revalidatedAt`) and its initial data, written by the `dynamodb-provider` bundle
 *     (`initializationFunction`) once per build;
 *   - the SQS FIFO revalidation queue (`REVALIDATION_QUEUE_URL`, `REVALIDATION_QUEUE_REGION`) and
 *     the revalidation function consuming it.
 * The warmer is not deployed (optional in OpenNext). Lenient with OpenNext's file (unknown
 * keys ignored); strict about what cannot be deployed here (edge functions, ECS origins,
 * split server functions, overrides other than the defaults), each a one-line error.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { UserError } from "../../errors";
import {
  SERVER_FUNCTION_ID,
  type AppBuildDescription,
  type AppFunction,
  type Behaviour,
  type BuildQueue,
  type BuildTable,
  type EnvironmentValue,
  type FunctionGrant,
} from "../description";

export const OPEN_NEXT_OUTPUT = ".open-next/open-next.output.json";

const FunctionSchema = z.object({ handler: z.string().min(1), bundle: z.string().min(1) });
const OriginSchema = z.object({ type: z.string() }).loose();
const FunctionOriginSchema = FunctionSchema.extend({
  type: z.literal("function"),
  streaming: z.boolean().optional(),
  queue: z.string().optional(),
  incrementalCache: z.string().optional(),
  tagCache: z.string().optional(),
  imageLoader: z.string().optional(),
});
const OutputSchema = z.object({
  edgeFunctions: z.record(z.string(), z.unknown()).default({}),
  origins: z
    .object({
      s3: z.object({
        type: z.literal("s3"),
        originPath: z.string(),
        copy: z.array(z.object({ from: z.string(), to: z.string(), cached: z.boolean() })),
      }),
      default: OriginSchema,
      imageOptimizer: OriginSchema,
    })
    .catchall(OriginSchema),
  behaviors: z.array(z.object({ pattern: z.string().min(1), origin: z.string().optional(), edgeFunction: z.string().optional() })),
  additionalProps: z
    .object({
      disableIncrementalCache: z.boolean().optional(),
      disableTagCache: z.boolean().optional(),
      initializationFunction: FunctionSchema.optional(),
      revalidationFunction: FunctionSchema.optional(),
    })
    .default({}),
});
type OpenNextOutput = z.output<typeof OutputSchema>;

/** Where OpenNext's static files land in the assets bucket: the served prefix (lib/naming ASSETS_PREFIX). */
const STATIC_KEY_PREFIX = "assets/";
export const FUNCTION_IDS = { image: "image", revalidation: "revalidation", tagCacheInit: "tag-cache-init" } as const;
const TAG_CACHE_TABLE = "tag-cache";
const REVALIDATION_QUEUE = "revalidation";

export function describeOpenNextBuild(root: string): AppBuildDescription {
  const file = path.join(root, OPEN_NEXT_OUTPUT);
  const output = readOutput(file);
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (Object.keys(output.edgeFunctions).length > 0) {
    fail(`edgeFunctions (${Object.keys(output.edgeFunctions).join(", ")}): external middleware and edge functions need Lambda@Edge, which this workspace does not deploy; keep middleware in the server function (OpenNext's default)`);
  }
  const extraOrigins = Object.keys(output.origins).filter((key) => !["s3", "default", "imageOptimizer"].includes(key));
  if (extraOrigins.length > 0) fail(`origins ${extraOrigins.join(", ")}: split server functions are not supported; remove \`functions\` from open-next.config.ts`);

  const server = functionOrigin(output.origins.default, "origins.default", fail);
  const image = functionOrigin(output.origins.imageOptimizer, "origins.imageOptimizer", fail);
  const cached = output.origins.s3.copy.filter((copy) => copy.cached);
  const uncached = output.origins.s3.copy.filter((copy) => !copy.cached);
  if (cached.length !== 1) fail(`origins.s3.copy: expected one cached copy (the static files), found ${cached.length}`);
  if (uncached.length > 1) fail(`origins.s3.copy: expected at most one uncached copy (the incremental cache), found ${uncached.length}`);
  const staticCopy = cached[0]!;
  const cacheCopy = uncached[0];

  const useIncrementalCache = !output.additionalProps.disableIncrementalCache && cacheCopy !== undefined;
  requireOverride(server.incrementalCache, "s3", "origins.default.incrementalCache", useIncrementalCache, fail);
  const useTagCache = !output.additionalProps.disableTagCache && output.additionalProps.initializationFunction !== undefined;
  requireOverride(server.tagCache, "dynamodb", "origins.default.tagCache", useTagCache, fail);
  const revalidation = output.additionalProps.revalidationFunction;
  const useQueue = revalidation !== undefined;
  requireOverride(server.queue, "sqs", "origins.default.queue", useQueue, fail);
  if (image.imageLoader !== undefined && image.imageLoader !== "s3") {
    fail(`origins.imageOptimizer.imageLoader is "${image.imageLoader}"; only OpenNext's default "s3" loader is supported`);
  }

  const region: EnvironmentValue = { ref: "region" };
  const serverEnvironment: Record<string, EnvironmentValue> = {};
  const serverGrants: FunctionGrant[] = [];
  if (useIncrementalCache) {
    Object.assign(serverEnvironment, {
      CACHE_BUCKET_NAME: { ref: "assets-bucket" },
      CACHE_BUCKET_KEY_PREFIX: { ref: "cache-key-prefix" },
      CACHE_BUCKET_REGION: region,
    });
    serverGrants.push({ to: "incremental-cache", access: "read-write" });
  }
  if (useTagCache) {
    Object.assign(serverEnvironment, { CACHE_DYNAMO_TABLE: { ref: "table-name", table: TAG_CACHE_TABLE }, CACHE_BUCKET_REGION: region });
    serverGrants.push({ to: "table", table: TAG_CACHE_TABLE, access: "read-write" });
  }
  if (useQueue) {
    Object.assign(serverEnvironment, { REVALIDATION_QUEUE_URL: { ref: "queue-url", queue: REVALIDATION_QUEUE }, REVALIDATION_QUEUE_REGION: region });
    serverGrants.push({ to: "queue", queue: REVALIDATION_QUEUE, access: "send" });
  }

  const bundle = (relative: string, where: string) => bundleDir(root, relative, where, fail);
  const functions: AppFunction[] = [
    {
      id: SERVER_FUNCTION_ID,
      bundleDir: bundle(server.bundle, "origins.default.bundle"),
      handler: server.handler,
      streaming: server.streaming === true,
      trigger: { kind: "http" },
      environment: serverEnvironment,
      grants: serverGrants,
    },
  ];
  const imageBundle = bundle(image.bundle, "origins.imageOptimizer.bundle");
  functions.push({
    id: FUNCTION_IDS.image,
    bundleDir: imageBundle,
    handler: image.handler,
    streaming: image.streaming === true,
    trigger: { kind: "http" },
    architecture: nativeArchitecture(imageBundle),
    // Image resizing is CPU-bound: Lambda's CPU share grows with memory.
    memoryMiB: 1536,
    timeoutSeconds: 25,
    environment: { BUCKET_NAME: { ref: "assets-bucket" }, BUCKET_KEY_PREFIX: { ref: "static-key-prefix" } },
    grants: [{ to: "static-files", access: "read" }],
  });
  if (useQueue) {
    functions.push({
      id: FUNCTION_IDS.revalidation,
      bundleDir: bundle(revalidation.bundle, "additionalProps.revalidationFunction.bundle"),
      handler: revalidation.handler,
      streaming: false,
      // Batch size 5 as in OpenNext's reference implementation; each record is one HEAD request.
      trigger: { kind: "queue", queue: REVALIDATION_QUEUE, batchSize: 5 },
      memoryMiB: 256,
      timeoutSeconds: 30,
      environment: {},
      grants: [{ to: "queue", queue: REVALIDATION_QUEUE, access: "consume" }],
    });
  }
  // The static files first: a missing folder is named as such, not as a missing BUILD_ID.
  const staticDir = bundle(staticCopy.from, "origins.s3.copy[cached].from");
  const buildId = readBuildId(root, staticDir, fail);
  if (useTagCache) {
    const init = output.additionalProps.initializationFunction!;
    functions.push({
      id: FUNCTION_IDS.tagCacheInit,
      bundleDir: bundle(init.bundle, "additionalProps.initializationFunction.bundle"),
      handler: init.handler,
      streaming: false,
      // What OpenNext's reference implementation sends through a CloudFormation custom
      // resource: a Create event. No `type` key: the default aws-lambda wrapper answers any
      // event with a `type` as a warmer ping. buildId makes each build seed once.
      trigger: { kind: "deployment", input: { RequestType: "Create", buildId } },
      memoryMiB: 256,
      timeoutSeconds: 300,
      environment: { CACHE_DYNAMO_TABLE: { ref: "table-name", table: TAG_CACHE_TABLE }, CACHE_BUCKET_REGION: region },
      grants: [{ to: "table", table: TAG_CACHE_TABLE, access: "read-write" }],
    });
  }

  const tables: BuildTable[] = useTagCache
    ? [
        {
          id: TAG_CACHE_TABLE,
          partitionKey: { name: "tag", type: "S" },
          sortKey: { name: "path", type: "S" },
          globalSecondaryIndexes: [{ name: "revalidate", partitionKey: { name: "path", type: "S" }, sortKey: { name: "revalidatedAt", type: "N" } }],
        },
      ]
    : [];
  const queues: BuildQueue[] = useQueue ? [{ id: REVALIDATION_QUEUE, fifo: true, receiveWaitTimeSeconds: 20 }] : [];

  return {
    kind: "opennext",
    root,
    buildId,
    functions,
    staticFiles: {
      dir: staticDir,
      keyPrefix: STATIC_KEY_PREFIX,
      // Next.js names everything under _next/static/ by content or build id; the rest
      // (BUILD_ID, public/ files) keeps its name across builds.
      cacheRules: [
        { pathPattern: "_next/static/*", immutable: true },
        { pathPattern: "*", immutable: false },
      ],
    },
    behaviours: behaviours(output, fail),
    ...(useIncrementalCache ? { incrementalCache: { dir: bundle(cacheCopy!.from, "origins.s3.copy[uncached].from"), keyPrefix: `${cacheCopy!.to.replace(/^\/+|\/+$/g, "")}/` } } : {}),
    tables,
    queues,
  };
}

function readOutput(file: string): OpenNextOutput {
  let raw: unknown;
  try {
    // Stryker disable next-line StringLiteral: equivalent, JSON.parse reads the Buffer that readFileSync returns without an encoding as the same UTF-8 text
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)}); rebuild with open-next build`);
  }
  const parsed = OutputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}; is this an @opennextjs/aws 4.x build?`);
  }
  return parsed.data;
}

function functionOrigin(origin: unknown, where: string, fail: (what: string) => never): z.output<typeof FunctionOriginSchema> {
  const parsed = FunctionOriginSchema.safeParse(origin);
  if (parsed.success) return parsed.data;
  const type = (origin as { type?: unknown }).type;
  if (type !== "function") return fail(`${where}: type ${JSON.stringify(type)} is not supported; only Lambda function origins (type "function") are`);
  const issue = parsed.error.issues[0]!;
  return fail(`${[where, ...issue.path].join(".")}: ${issue.message}; is this an @opennextjs/aws 4.x build?`);
}

function requireOverride(value: string | undefined, expected: string, where: string, used: boolean, fail: (what: string) => never): void {
  if (used && value !== undefined && value !== expected) {
    fail(`${where} is "${value}"; this workspace deploys OpenNext's default "${expected}" (or disable it with OpenNext's dangerous options)`);
  }
}

function bundleDir(root: string, relative: string, where: string, fail: (what: string) => never): string {
  const dir = path.resolve(root, relative);
  if (!existsSync(dir)) fail(`${where} names ${relative}, which does not exist under ${root}; rebuild with open-next build`);
  return dir;
}

function readBuildId(root: string, staticDir: string, fail: (what: string) => never): string {
  const file = path.join(staticDir, "BUILD_ID");
  if (!existsSync(file)) return fail(`${path.relative(root, file)} is missing; rebuild with open-next build`);
  return readFileSync(file, "utf8").trim();
}

/** OpenNext's behaviours in order, without the default `*` (the server is the default behaviour). */
function behaviours(output: OpenNextOutput, fail: (what: string) => never): Behaviour[] {
  return output.behaviors
    .filter((b) => b.pattern !== "*")
    .map((b): Behaviour => {
      if (b.edgeFunction) fail(`behaviors: "${b.pattern}" needs edge function ${b.edgeFunction}, which is not supported`);
      switch (b.origin) {
        case "s3":
          return { pathPattern: b.pattern, target: { kind: "static-files" } };
        case "imageOptimizer":
          return { pathPattern: b.pattern, target: { kind: "function", functionId: FUNCTION_IDS.image } };
        case "default":
        case undefined:
          return { pathPattern: b.pattern, target: { kind: "function", functionId: SERVER_FUNCTION_ID } };
        default:
          return fail(`behaviors: "${b.pattern}" goes to origin "${b.origin}", which is not supported`);
      }
    });
}

/** sharp ships one prebuilt binary per platform; OpenNext installs the linux-arm64 one by default. */
function nativeArchitecture(bundle: string): "arm64" | "x86_64" | undefined {
  const img = path.join(bundle, "node_modules", "@img");
  if (!existsSync(img)) return undefined;
  const names = readdirSync(img);
  if (names.includes("sharp-linux-arm64")) return "arm64";
  if (names.includes("sharp-linux-x64")) return "x86_64";
  return undefined;
}
