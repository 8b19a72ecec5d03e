/**
 * The OpenNext adapter's decisions, one per test: which functions, variables, grants, tables
 * and queues each of OpenNext's optional features brings, what each function is given, and
 * the one-line refusal of each build it cannot deploy. adapters.test.ts covers the default
 * build as a whole; these pin down what changes when the build differs from it.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeOpenNextBuild, OPEN_NEXT_OUTPUT } from "../../../lib/app-build/adapters/opennext";
import type { AppBuildDescription, AppFunction } from "../../../lib/app-build/description";
import { openNextOutput, refusalOf, tempDir, writeOpenNextBuild } from "../../support/app-builds";

type Output = ReturnType<typeof openNextOutput> & {
  origins: Record<string, Record<string, unknown>> & { s3: { copy: Record<string, unknown>[] } };
  behaviors: Record<string, unknown>[];
  additionalProps: Record<string, unknown>;
};

/** The default OpenNext 4.2 output, changed by `change`, written to a build folder. */
function buildWith(change: (output: Output) => void = () => {}): string {
  const output = openNextOutput() as Output;
  change(output);
  return writeOpenNextBuild(tempDir(), output);
}

function describeWith(change?: (output: Output) => void): AppBuildDescription {
  return describeOpenNextBuild(buildWith(change));
}

function fn(description: AppBuildDescription, id: string): AppFunction | undefined {
  return description.functions.find((f) => f.id === id);
}

/** The adapter's error for a build, with the build's folder replaced by `<root>`. */
const refusal = (root: string): string => refusalOf(describeOpenNextBuild, root);

describe("the OpenNext adapter, feature by feature", () => {
  it("gives the server each cache and queue variable its exact source", () => {
    expect(fn(describeWith(), "server")!.environment).toEqual({
      CACHE_BUCKET_NAME: { ref: "assets-bucket" },
      CACHE_BUCKET_KEY_PREFIX: { ref: "cache-key-prefix" },
      CACHE_BUCKET_REGION: { ref: "region" },
      CACHE_DYNAMO_TABLE: { ref: "table-name", table: "tag-cache" },
      REVALIDATION_QUEUE_URL: { ref: "queue-url", queue: "revalidation" },
      REVALIDATION_QUEUE_REGION: { ref: "region" },
    });
  });

  it("grants the server the incremental cache, the tag cache table and sending to the queue", () => {
    expect(fn(describeWith(), "server")!.grants).toEqual([
      { to: "incremental-cache", access: "read-write" },
      { to: "table", table: "tag-cache", access: "read-write" },
      { to: "queue", queue: "revalidation", access: "send" },
    ]);
  });

  it("leaves out the incremental cache when OpenNext disables it, keeping the tag cache's region", () => {
    const description = describeWith((o) => (o.additionalProps.disableIncrementalCache = true));
    const server = fn(description, "server")!;
    expect({
      variables: Object.keys(server.environment).sort(),
      grants: server.grants.map((g) => g.to),
      incrementalCache: description.incrementalCache,
    }).toEqual({
      variables: ["CACHE_BUCKET_REGION", "CACHE_DYNAMO_TABLE", "REVALIDATION_QUEUE_REGION", "REVALIDATION_QUEUE_URL"],
      grants: ["table", "queue"],
      incrementalCache: undefined,
    });
  });

  it("leaves out the incremental cache when the build has no uncached copy to seed it", () => {
    const description = describeWith((o) => (o.origins.s3.copy = o.origins.s3.copy.filter((c) => c.cached)));
    expect([description.incrementalCache, fn(description, "server")!.environment.CACHE_BUCKET_NAME]).toEqual([undefined, undefined]);
  });

  it("leaves out the tag cache when OpenNext disables it: no table, no initializer, no table variable", () => {
    const description = describeWith((o) => (o.additionalProps.disableTagCache = true));
    const server = fn(description, "server")!;
    expect({
      functions: description.functions.map((f) => f.id),
      tables: description.tables,
      table: server.environment.CACHE_DYNAMO_TABLE,
      region: server.environment.CACHE_BUCKET_REGION,
      grants: server.grants.map((g) => g.to),
    }).toEqual({
      functions: ["server", "image", "revalidation"],
      tables: [],
      table: undefined,
      region: { ref: "region" },
      grants: ["incremental-cache", "queue"],
    });
  });

  it("leaves out the tag cache when the build has no initialization function", () => {
    const description = describeWith((o) => delete o.additionalProps.initializationFunction);
    expect([description.functions.map((f) => f.id), description.tables.length]).toEqual([["server", "image", "revalidation"], 0]);
  });

  it("leaves out the queue and the revalidation function when the build has no revalidation function", () => {
    const description = describeWith((o) => delete o.additionalProps.revalidationFunction);
    const server = fn(description, "server")!;
    expect({
      functions: description.functions.map((f) => f.id),
      queues: description.queues,
      queueVariables: Object.keys(server.environment).filter((name) => name.startsWith("REVALIDATION_")),
      grants: server.grants.map((g) => g.to),
    }).toEqual({ functions: ["server", "image", "tag-cache-init"], queues: [], queueVariables: [], grants: ["incremental-cache", "table"] });
  });

  it("with every optional feature off, deploys the server and the image optimizer alone", () => {
    const description = describeWith((o) => {
      o.additionalProps = {};
      o.origins.s3.copy = o.origins.s3.copy.filter((c) => c.cached);
    });
    const server = fn(description, "server")!;
    expect({ functions: description.functions.map((f) => f.id), environment: server.environment, grants: server.grants }).toEqual({
      functions: ["server", "image"],
      environment: {},
      grants: [],
    });
  });
});

describe("the OpenNext adapter's functions", () => {
  it("runs the server behind HTTP, buffered unless OpenNext built it streaming", () => {
    const server = fn(describeWith(), "server")!;
    expect({ ...server, bundleDir: path.basename(server.bundleDir), environment: undefined, grants: undefined }).toEqual({
      id: "server",
      bundleDir: "default",
      handler: "index.handler",
      streaming: false,
      trigger: { kind: "http" },
      environment: undefined,
      grants: undefined,
    });
  });

  it("sizes the image optimizer for CPU-bound resizing and lets it read the static files only", () => {
    const image = fn(describeWith(), "image")!;
    expect({ ...image, bundleDir: path.basename(image.bundleDir) }).toEqual({
      id: "image",
      bundleDir: "image-optimization-function",
      handler: "index.handler",
      streaming: false,
      trigger: { kind: "http" },
      architecture: "arm64",
      memoryMiB: 1536,
      timeoutSeconds: 25,
      environment: { BUCKET_NAME: { ref: "assets-bucket" }, BUCKET_KEY_PREFIX: { ref: "static-key-prefix" } },
      grants: [{ to: "static-files", access: "read" }],
    });
  });

  it("streams the image optimizer only when OpenNext built it streaming", () => {
    expect(fn(describeWith((o) => (o.origins.imageOptimizer!.streaming = true)), "image")!.streaming).toBe(true);
  });

  it("runs the revalidation function from the queue with no variables, consuming it", () => {
    const revalidation = fn(describeWith(), "revalidation")!;
    expect({ ...revalidation, bundleDir: path.basename(revalidation.bundleDir) }).toEqual({
      id: "revalidation",
      bundleDir: "revalidation-function",
      handler: "index.handler",
      streaming: false,
      trigger: { kind: "queue", queue: "revalidation", batchSize: 5 },
      memoryMiB: 256,
      timeoutSeconds: 30,
      environment: {},
      grants: [{ to: "queue", queue: "revalidation", access: "consume" }],
    });
  });

  it("gives the tag cache initializer the table, five minutes and the build's Create event", () => {
    const init = fn(describeWith(), "tag-cache-init")!;
    expect({ ...init, bundleDir: path.basename(init.bundleDir) }).toEqual({
      id: "tag-cache-init",
      bundleDir: "dynamodb-provider",
      handler: "index.handler",
      streaming: false,
      trigger: { kind: "deployment", input: { RequestType: "Create", buildId: "build-1" } },
      memoryMiB: 256,
      timeoutSeconds: 300,
      environment: { CACHE_DYNAMO_TABLE: { ref: "table-name", table: "tag-cache" }, CACHE_BUCKET_REGION: { ref: "region" } },
      grants: [{ to: "table", table: "tag-cache", access: "read-write" }],
    });
  });

  it("takes each function's handler from the build", () => {
    const description = describeWith((o) => {
      o.origins.default!.handler = "server.run";
      o.origins.imageOptimizer!.handler = "image.run";
      (o.additionalProps.revalidationFunction as Record<string, unknown>).handler = "revalidate.run";
      (o.additionalProps.initializationFunction as Record<string, unknown>).handler = "seed.run";
    });
    expect(description.functions.map((f) => f.handler)).toEqual(["server.run", "image.run", "revalidate.run", "seed.run"]);
  });

  it("pins the image optimizer to x86_64 when its bundle carries sharp's linux-x64 binary", () => {
    const root = buildWith();
    const img = path.join(root, ".open-next/image-optimization-function/node_modules/@img");
    rmSync(path.join(img, "sharp-linux-arm64"), { recursive: true });
    mkdirSync(path.join(img, "sharp-linux-x64"));
    expect(fn(describeOpenNextBuild(root), "image")!.architecture).toBe("x86_64");
  });

  it("pins the image optimizer to arm64 among sharp's other packages (libvips, the platform-neutral ones)", () => {
    const root = buildWith();
    const img = path.join(root, ".open-next/image-optimization-function/node_modules/@img");
    mkdirSync(path.join(img, "colour"));
    mkdirSync(path.join(img, "sharp-libvips-linux-arm64"));
    expect(fn(describeOpenNextBuild(root), "image")!.architecture).toBe("arm64");
  });

  it("leaves the architecture open when the image bundle has no sharp binary for Linux", () => {
    const root = buildWith();
    const img = path.join(root, ".open-next/image-optimization-function/node_modules/@img");
    rmSync(path.join(img, "sharp-linux-arm64"), { recursive: true });
    mkdirSync(path.join(img, "sharp-darwin-arm64"));
    expect(fn(describeOpenNextBuild(root), "image")!.architecture).toBeUndefined();
  });

  it("leaves the architecture open when the image bundle has no native packages at all", () => {
    const root = buildWith();
    rmSync(path.join(root, ".open-next/image-optimization-function/node_modules"), { recursive: true });
    expect(fn(describeOpenNextBuild(root), "image")!.architecture).toBeUndefined();
  });
});

describe("the OpenNext adapter's static files and cache", () => {
  it("serves the cached copy's folder under assets/", () => {
    const root = buildWith();
    const { staticFiles } = describeOpenNextBuild(root);
    expect([staticFiles.dir, staticFiles.keyPrefix]).toEqual([path.join(root, ".open-next/assets"), "assets/"]);
  });

  it("takes the build id from BUILD_ID without its line end", () => {
    const root = buildWith();
    writeFileSync(path.join(root, ".open-next/assets/BUILD_ID"), "  abc123\n");
    expect(describeOpenNextBuild(root).buildId).toBe("abc123");
  });

  it("keys the incremental cache by the uncached copy's destination, without its slashes", () => {
    const description = describeWith((o) => (o.origins.s3.copy[1]!.to = "/_cache/"));
    expect(description.incrementalCache!.keyPrefix).toBe("_cache/");
  });

  it("keeps the inner slashes of a nested cache destination, dropping every leading and trailing one", () => {
    const description = describeWith((o) => (o.origins.s3.copy[1]!.to = "//cache/v1//"));
    expect(description.incrementalCache!.keyPrefix).toBe("cache/v1/");
  });

  it("sends a behaviour without an origin to the server", () => {
    const description = describeWith((o) => o.behaviors.unshift({ pattern: "api-route/*" }));
    expect(description.behaviours[0]).toEqual({ pathPattern: "api-route/*", target: { kind: "function", functionId: "server" } });
  });
});

describe("the OpenNext adapter refuses, in one line", () => {
  it("external middleware, naming every edge function", () => {
    const root = buildWith((o) => (o.edgeFunctions = { middleware: {}, auth: {} }));
    expect(refusal(root)).toMatch(/: edgeFunctions \(middleware, auth\): external middleware and edge functions need Lambda@Edge/);
  });

  it("split server functions, naming every extra origin", () => {
    const root = buildWith((o) => {
      o.origins.api = { type: "function", handler: "index.handler", bundle: ".open-next/server-functions/default" };
      o.origins.admin = { type: "function", handler: "index.handler", bundle: ".open-next/server-functions/default" };
    });
    expect(refusal(root)).toMatch(/: origins api, admin: split server functions are not supported/);
  });

  it("split server functions", () => {
    const root = buildWith((o) => (o.origins.api = { type: "function", handler: "index.handler", bundle: ".open-next/server-functions/default" }));
    expect(refusal(root)).toBe(`<root>/${OPEN_NEXT_OUTPUT}: origins api: split server functions are not supported; remove \`functions\` from open-next.config.ts`);
  });

  it("a build without exactly one cached copy, saying how many it found", () => {
    const none = buildWith((o) => (o.origins.s3.copy = o.origins.s3.copy.filter((c) => !c.cached)));
    const two = buildWith((o) => o.origins.s3.copy.push({ from: ".open-next/assets", to: "_more", cached: true }));
    expect([refusal(none), refusal(two)].map((m) => m.split(": ").slice(1).join(": "))).toEqual([
      "origins.s3.copy: expected one cached copy (the static files), found 0",
      "origins.s3.copy: expected one cached copy (the static files), found 2",
    ]);
  });

  it("a build with two uncached copies", () => {
    const root = buildWith((o) => o.origins.s3.copy.push({ from: ".open-next/cache", to: "_cache2", cached: false }));
    expect(refusal(root)).toMatch(/: origins\.s3\.copy: expected at most one uncached copy \(the incremental cache\), found 2$/);
  });

  it("a tag cache or queue other than OpenNext's default", () => {
    const tag = buildWith((o) => (o.origins.default!.tagCache = "dynamodb-lite"));
    const queue = buildWith((o) => (o.origins.default!.queue = "sqs-lite"));
    expect([refusal(tag), refusal(queue)].map((m) => m.slice(m.indexOf("origins.default")))).toEqual([
      'origins.default.tagCache is "dynamodb-lite"; this workspace deploys OpenNext\'s default "dynamodb" (or disable it with OpenNext\'s dangerous options)',
      'origins.default.queue is "sqs-lite"; this workspace deploys OpenNext\'s default "sqs" (or disable it with OpenNext\'s dangerous options)',
    ]);
  });

  it("but not an override of a feature the build has turned off", () => {
    const description = describeWith((o) => {
      o.additionalProps.disableTagCache = true;
      o.origins.default!.tagCache = "dynamodb-lite";
    });
    expect(description.tables).toEqual([]);
  });

  it("an image loader other than S3", () => {
    const root = buildWith((o) => (o.origins.imageOptimizer!.imageLoader = "host"));
    expect(refusal(root)).toMatch(/: origins\.imageOptimizer\.imageLoader is "host"; only OpenNext's default "s3" loader is supported$/);
  });

  it("but not an image optimizer that names no loader", () => {
    expect(fn(describeWith((o) => delete o.origins.imageOptimizer!.imageLoader), "image")!.id).toBe("image");
  });

  it("a function origin without a bundle, naming the field", () => {
    const root = buildWith((o) => delete o.origins.imageOptimizer!.bundle);
    expect(refusal(root)).toMatch(/: origins\.imageOptimizer\.bundle: .+; is this an @opennextjs\/aws 4\.x build\?$/);
  });

  it.each([
    ["the server", "origins.default.bundle", ".open-next/server-functions/default"],
    ["the image optimizer", "origins.imageOptimizer.bundle", ".open-next/image-optimization-function"],
    ["the tag cache initializer", "additionalProps.initializationFunction.bundle", ".open-next/dynamodb-provider"],
    ["the static files", "origins.s3.copy[cached].from", ".open-next/assets"],
    ["the incremental cache", "origins.s3.copy[uncached].from", ".open-next/cache"],
  ])("a build whose folder for %s is missing, naming the field that names it", (_what, field, folder) => {
    const root = buildWith();
    rmSync(path.join(root, folder), { recursive: true });
    expect(refusal(root)).toContain(`: ${field} names ${folder}, which does not exist under <root>`);
  });

  it("an origin without a type, naming the field", () => {
    const root = buildWith((o) => delete o.origins.default!.type);
    expect(refusal(root)).toMatch(/: origins\.default\.type: .+; is this an @opennextjs\/aws 4\.x build\?$/);
  });

  it("a build without an image optimizer origin, naming it", () => {
    const root = buildWith((o) => delete o.origins.imageOptimizer);
    expect(refusal(root)).toMatch(/: origins\.imageOptimizer: .+; is this an @opennextjs\/aws 4\.x build\?$/);
  });

  it("a copy without its cached flag, naming the nested field", () => {
    const root = buildWith((o) => delete o.origins.s3.copy[1]!.cached);
    expect(refusal(root)).toMatch(/: origins\.s3\.copy\.1\.cached: .+; is this an @opennextjs\/aws 4\.x build\?$/);
  });

  it("but not a server origin that names none of the overrides (OpenNext's defaults)", () => {
    const description = describeWith((o) => {
      delete o.origins.default!.incrementalCache;
      delete o.origins.default!.tagCache;
      delete o.origins.default!.queue;
    });
    expect(description.functions.map((f) => f.id)).toEqual(["server", "image", "revalidation", "tag-cache-init"]);
  });

  it("a behaviour that needs an edge function", () => {
    const root = buildWith((o) => o.behaviors.unshift({ pattern: "admin/*", origin: "default", edgeFunction: "auth" }));
    expect(refusal(root)).toMatch(/: behaviors: "admin\/\*" needs edge function auth, which is not supported$/);
  });

  it("a behaviour to an origin it does not know", () => {
    const root = buildWith((o) => o.behaviors.unshift({ pattern: "video/*", origin: "media" }));
    expect(refusal(root)).toMatch(/: behaviors: "video\/\*" goes to origin "media", which is not supported$/);
  });

  it("a build without BUILD_ID, naming it", () => {
    const root = buildWith();
    rmSync(path.join(root, ".open-next/assets/BUILD_ID"));
    expect(refusal(root)).toBe(`<root>/${OPEN_NEXT_OUTPUT}: .open-next/assets/BUILD_ID is missing; rebuild with open-next build`);
  });

  it("a file that is not OpenNext's output, naming the first field that is wrong", () => {
    const root = buildWith((o) => delete (o as Record<string, unknown>).behaviors);
    expect(refusal(root)).toMatch(new RegExp(`^<root>/${OPEN_NEXT_OUTPUT.replace(/\./g, "\\.")}: behaviors: .+; is this an @opennextjs/aws 4\\.x build\\?$`));
  });

  it("a file whose top level is not an object, as (root)", () => {
    const root = buildWith();
    writeFileSync(path.join(root, OPEN_NEXT_OUTPUT), "[]");
    expect(refusal(root)).toMatch(/open-next\.output\.json: \(root\): .+; is this an @opennextjs\/aws 4\.x build\?$/);
  });

  it("a file that is not JSON, with the parser's reason", () => {
    const root = buildWith();
    writeFileSync(path.join(root, OPEN_NEXT_OUTPUT), "{");
    expect(refusal(root)).toMatch(/open-next\.output\.json: cannot read it as JSON \(.+\); rebuild with open-next build$/);
  });
});
