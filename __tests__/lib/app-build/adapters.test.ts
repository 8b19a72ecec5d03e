import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeAppBuild } from "../../../lib/app-build/load";
import { behaviourFor, releasedFunctions, serverFunction } from "../../../lib/app-build/description";
import { openNextOutput, tempDir, writeExampleBuild, writeNitroBuild, writeOpenNextBuild } from "../../support/app-builds";

const openNext = () => describeAppBuild(writeOpenNextBuild(tempDir()), "test");

describe("the OpenNext adapter (default configuration)", () => {
  it("deploys the server, the image optimizer, the revalidation function and the tag cache initializer", () => {
    expect(openNext().functions.map((fn) => fn.id)).toEqual(["server", "image", "revalidation", "tag-cache-init"]);
  });

  it("takes the server's bundle and handler from origins.default", () => {
    const server = serverFunction(openNext());
    expect([path.basename(server.bundleDir), server.handler]).toEqual(["default", "index.handler"]);
  });

  it("streams when OpenNext built the server with the streaming wrapper", () => {
    const dir = writeOpenNextBuild(tempDir(), openNextOutput({ streaming: true }));
    expect(serverFunction(describeAppBuild(dir, "test")).streaming).toBe(true);
  });

  it("gives the server the incremental cache, tag cache and queue variables OpenNext reads", () => {
    expect(Object.keys(serverFunction(openNext()).environment).sort()).toEqual([
      "CACHE_BUCKET_KEY_PREFIX",
      "CACHE_BUCKET_NAME",
      "CACHE_BUCKET_REGION",
      "CACHE_DYNAMO_TABLE",
      "REVALIDATION_QUEUE_REGION",
      "REVALIDATION_QUEUE_URL",
    ]);
  });

  it("points the image optimizer's S3 loader at the static files", () => {
    expect(openNext().functions.find((fn) => fn.id === "image")!.environment).toEqual({
      BUCKET_NAME: { ref: "assets-bucket" },
      BUCKET_KEY_PREFIX: { ref: "static-key-prefix" },
    });
  });

  it("pins the image optimizer to arm64 when its bundle carries sharp's linux-arm64 binary", () => {
    expect(openNext().functions.find((fn) => fn.id === "image")!.architecture).toBe("arm64");
  });

  it("feeds the revalidation function from a FIFO queue", () => {
    const description = openNext();
    expect([description.functions.find((fn) => fn.id === "revalidation")!.trigger, description.queues]).toEqual([
      { kind: "queue", queue: "revalidation", batchSize: 5 },
      [{ id: "revalidation", fifo: true, receiveWaitTimeSeconds: 20 }],
    ]);
  });

  it("creates the tag cache table with OpenNext's keys and revalidate index", () => {
    expect(openNext().tables).toEqual([
      {
        id: "tag-cache",
        partitionKey: { name: "tag", type: "S" },
        sortKey: { name: "path", type: "S" },
        globalSecondaryIndexes: [{ name: "revalidate", partitionKey: { name: "path", type: "S" }, sortKey: { name: "revalidatedAt", type: "N" } }],
      },
    ]);
  });

  it("seeds the tag cache once per build with a Create event that the wrapper does not take for a warmer ping", () => {
    expect(openNext().functions.find((fn) => fn.id === "tag-cache-init")!.trigger).toEqual({
      kind: "deployment",
      input: { RequestType: "Create", buildId: "build-1" },
    });
  });

  it("uploads .open-next/cache under _cache/, outside what CloudFront serves", () => {
    expect(path.basename(openNext().incrementalCache!.dir) + " " + openNext().incrementalCache!.keyPrefix).toBe("cache _cache/");
  });

  it("keeps OpenNext's behaviours in order without the default one", () => {
    expect(openNext().behaviours.map((b) => `${b.pathPattern}→${b.target.kind === "function" ? b.target.functionId : "s3"}`)).toEqual([
      "_next/image*→image",
      "_next/data/*→server",
      "BUILD_ID→s3",
      "_next/*→s3",
      "logo.png→s3",
    ]);
  });

  it("treats _next/static/ as immutable and every other static path as short-cached", () => {
    expect(openNext().staticFiles.cacheRules).toEqual([
      { pathPattern: "_next/static/*", immutable: true },
      { pathPattern: "*", immutable: false },
    ]);
  });

  it("takes the build id from the static BUILD_ID file", () => {
    expect(openNext().buildId).toBe("build-1");
  });

  it("refuses external middleware (Lambda@Edge) with a one-line reason", () => {
    const output = { ...openNextOutput(), edgeFunctions: { middleware: { bundle: ".open-next/middleware", handler: "handler.handler" } } };
    expect(() => describeAppBuild(writeOpenNextBuild(tempDir(), output), "test")).toThrow(/edgeFunctions \(middleware\): .*Lambda@Edge/);
  });

  it("refuses a container (ECS) server origin", () => {
    const output = openNextOutput();
    (output.origins as Record<string, unknown>).default = { type: "ecs", bundle: "x", dockerfile: "x/Dockerfile" };
    expect(() => describeAppBuild(writeOpenNextBuild(tempDir(), output), "test")).toThrow(/origins\.default: type "ecs" is not supported/);
  });

  it("refuses a non-default incremental cache override", () => {
    const output = openNextOutput();
    (output.origins as { default: Record<string, unknown> }).default.incrementalCache = "multi-tier-ddb-s3";
    expect(() => describeAppBuild(writeOpenNextBuild(tempDir(), output), "test")).toThrow(/incrementalCache is "multi-tier-ddb-s3"/);
  });

  it("says which bundle is missing", () => {
    const dir = writeOpenNextBuild(tempDir());
    rmSync(path.join(dir, ".open-next/revalidation-function"), { recursive: true });
    expect(() => describeAppBuild(dir, "test")).toThrow(/additionalProps\.revalidationFunction\.bundle names \.open-next\/revalidation-function, which does not exist/);
  });

  it("names the file when open-next.output.json is not JSON", () => {
    const dir = writeOpenNextBuild(tempDir());
    writeFileSync(path.join(dir, ".open-next/open-next.output.json"), "{");
    expect(() => describeAppBuild(dir, "test")).toThrow(/open-next\.output\.json: cannot read it as JSON/);
  });

  it("releases every function traffic reaches, not the deploy-time initializer", () => {
    expect(releasedFunctions(openNext()).map((fn) => fn.id)).toEqual(["server", "image", "revalidation"]);
  });
});

describe("the Nitro adapter (aws-lambda preset)", () => {
  const nitro = (options?: { streaming?: boolean; preset?: string }) => describeAppBuild(writeNitroBuild(tempDir(), options), "test");

  it("runs .output/server/index.mjs's handler", () => {
    const server = serverFunction(nitro());
    expect([path.relative(path.dirname(path.dirname(server.bundleDir)), server.bundleDir), server.handler]).toEqual([".output/server", "index.handler"]);
  });

  it("streams when nitro.json says awsLambda.streaming", () => {
    expect([serverFunction(nitro({ streaming: true })).streaming, serverFunction(nitro()).streaming]).toEqual([true, false]);
  });

  it("sends each top-level public entry to S3", () => {
    expect(nitro().behaviours.map((b) => b.pathPattern)).toEqual(["_nuxt/*", "favicon.ico", "robots.txt"]);
  });

  it("keeps Nuxt's app manifest short-cached and its build assets immutable", () => {
    expect(nitro().staticFiles.cacheRules).toEqual([
      { pathPattern: "_nuxt/builds/*", immutable: false },
      { pathPattern: "_nuxt/*", immutable: true },
    ]);
  });

  it("refuses another preset, saying which one to use", () => {
    expect(() => nitro({ preset: "node-server" })).toThrow(/preset is "node-server"; build with Nitro's aws-lambda preset/);
  });
});

describe("the example app adapter", () => {
  const example = () => describeAppBuild(writeExampleBuild(tempDir()), "test");

  it("deploys one buffered server from server/", () => {
    expect(example().functions.map((fn) => [fn.id, path.basename(fn.bundleDir), fn.handler, fn.streaming])).toEqual([["server", "server", "index.handler", false]]);
  });

  it("serves assets/* from the bucket root, where its files already sit", () => {
    const description = example();
    expect([description.staticFiles.keyPrefix, description.behaviours.map((b) => b.pathPattern)]).toEqual(["", ["assets/*"]]);
  });

  it("describes an HTTP server with no grants, tables or queues, its files by name, and a 16-character build id", () => {
    const root = writeExampleBuild(tempDir());
    const { outputDir: _outputDir, ...description } = describeAppBuild(root, "test");
    expect(description).toEqual({
      kind: "example",
      root,
      buildId: expect.stringMatching(/^[0-9a-f]{16}$/),
      functions: [{ id: "server", bundleDir: path.join(root, "server"), handler: "index.handler", streaming: false, trigger: { kind: "http" }, environment: {}, grants: [] }],
      staticFiles: { dir: path.join(root, "client"), keyPrefix: "", cacheRules: [] },
      behaviours: [{ pathPattern: "assets/*", target: { kind: "static-files" } }],
      tables: [],
      queues: [],
    });
  });
});

describe("routing by a description", () => {
  it("sends a path no pattern matches to the server", () => {
    expect(behaviourFor(openNext(), "/about")).toEqual({ kind: "function", functionId: "server" });
  });

  it("matches CloudFront's * across slashes", () => {
    expect(behaviourFor(openNext(), "/_next/static/chunks/a.js")).toEqual({ kind: "static-files" });
  });

  it("takes the first matching pattern", () => {
    expect(behaviourFor(openNext(), "/_next/image?url=%2Flogo.png&w=64&q=75".split("?")[0]!)).toEqual({ kind: "function", functionId: "image" });
  });
});
