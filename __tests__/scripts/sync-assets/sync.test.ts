/**
 * syncAssets end to end through the real SDK against moto_server (started by the jest
 * global setup); a pass-through fault proxy records the order of requests where it matters.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AssetManifestSchema } from "../../../lib/asset-manifest";
import { assetManifestKey, syncLockKey } from "../../../lib/naming";
import {
  classifyByName,
  contentTypeFor,
  IMMUTABLE_CACHE_CONTROL,
  isHashedName,
  REVALIDATE_CACHE_CONTROL,
} from "../../../scripts/sync-assets/plan";
import { syncAssets, type SyncOutcome } from "../../../scripts/sync-assets/sync";
import { PASS, startFaultProxy, type FaultProxy, type ProxiedRequest } from "../../support/fault-proxy";
import {
  createBucket,
  directClient,
  getBody,
  headObject,
  isListing,
  isObjectPut,
  listKeys,
  makeBuildDir,
  motoEndpoint,
  requestKey,
  s3Error,
  sampleBuild,
  sha256,
  storeFor,
  syncRequest,
  writeFiles,
} from "./helpers";
import { tempDir } from "../../support/temp-dir";

let s3: S3Client;
beforeAll(() => {
  s3 = directClient();
});
afterAll(() => s3.destroy());

async function syncOnce(
  bucket: string,
  dir: string,
  options: { endpoint?: string; release?: string; cacheFolder?: string } = {},
) {
  const store = storeFor(bucket, options.endpoint ? { endpoint: options.endpoint } : {});
  try {
    return await syncAssets(
      store,
      syncRequest(dir, { releaseId: options.release ?? "r1", hashCacheFolder: options.cacheFolder }),
    );
  } finally {
    store.close();
  }
}

function uploadedKeys(outcome: SyncOutcome): string[] {
  if (!("summary" in outcome)) throw new Error(`unexpected outcome ${outcome.kind}`);
  return outcome.summary.uploads.map((u) => u.key).sort();
}

describe("a first sync", () => {
  const files = sampleBuild();
  let bucket: string;
  let outcome: SyncOutcome;
  beforeAll(async () => {
    bucket = await createBucket(s3, "first");
    outcome = await syncOnce(bucket, await makeBuildDir(files));
  });

  it("succeeds", () => {
    expect(outcome.kind).toBe("synced");
  });

  it("stores every file with its content type, cache policy and sha256 metadata", async () => {
    const stored = await Promise.all(
      Object.keys(files).map(async (key) => {
        const head = await headObject(s3, bucket, key);
        return { key, contentType: head.ContentType, cacheControl: head.CacheControl, sha256: head.Metadata?.sha256 };
      }),
    );
    const expected = Object.entries(files).map(([key, content]) => ({
      key,
      contentType: contentTypeFor(key),
      cacheControl: isHashedName(key) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL,
      sha256: sha256(content),
    }));
    expect(stored).toEqual(expected);
  });

  it("stores the bytes unchanged", async () => {
    const digests = await Promise.all(Object.keys(files).map(async (key) => sha256(await getBody(s3, bucket, key))));
    expect(digests).toEqual(Object.values(files).map((content) => sha256(content)));
  });

  it("writes a manifest, valid for the shared schema, listing every key with its sha256", async () => {
    const manifest = AssetManifestSchema.parse(
      JSON.parse((await getBody(s3, bucket, assetManifestKey({ name: "dev" }, "r1"))).toString("utf8")),
    );
    const expected = Object.entries(files)
      .map(([key, content]) => ({ key, sha256: sha256(content) }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(manifest.assets.map(({ key, sha256: digest }) => ({ key, sha256: digest }))).toEqual(expected);
  });
});

describe("a rerun", () => {
  it("uploads nothing when nothing changed", async () => {
    const bucket = await createBucket(s3, "rerun");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    expect(uploadedKeys(await syncOnce(bucket, dir, { release: "r2" }))).toEqual([]);
  });

  it("uploads exactly the one unhashed file whose content changed, even at the same size", async () => {
    const bucket = await createBucket(s3, "changed");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    await writeFile(path.join(dir, "robots.txt"), "User-agent: *\nAllow: /x\n".slice(0, 23));
    expect(uploadedKeys(await syncOnce(bucket, dir, { release: "r2" }))).toEqual(["robots.txt"]);
  });

  it("uploads only the new hashed files of a new build", async () => {
    const bucket = await createBucket(s3, "newbuild");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    await writeFiles(dir, { "assets/main.7FGHRBFA.js": 'console.log("main 2");\n' });
    expect(uploadedKeys(await syncOnce(bucket, dir, { release: "r2" }))).toEqual(["assets/main.7FGHRBFA.js"]);
  });

  it("keeps objects whose files are gone from the build (never deletes)", async () => {
    const bucket = await createBucket(s3, "keeps");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    await rm(path.join(dir, "assets/main.6EFCQAEZ.js"));
    await syncOnce(bucket, dir, { release: "r2" });
    expect(await listKeys(s3, bucket, "assets/")).toContain("assets/main.6EFCQAEZ.js");
  });

  it("re-uploads an unhashed file when its cache policy changes", async () => {
    const bucket = await createBucket(s3, "policy");
    const dir = await makeBuildDir({ "robots.txt": "User-agent: *\n" });
    await syncOnce(bucket, dir);
    const store = storeFor(bucket);
    const outcome = await syncAssets(
      store,
      syncRequest(dir, { classify: classifyByName({ hashed: IMMUTABLE_CACHE_CONTROL, unhashed: "public, max-age=60" }) }),
    );
    store.close();
    expect(outcome.kind === "synced" && outcome.summary.uploads).toEqual([
      { key: "robots.txt", reason: "headers-changed", size: 14 },
    ]);
  });
});

describe("a dry run", () => {
  let bucket: string;
  let outcome: SyncOutcome;
  beforeAll(async () => {
    bucket = await createBucket(s3, "dryrun");
    const store = storeFor(bucket);
    outcome = await syncAssets(store, syncRequest(await makeBuildDir(sampleBuild()), { dryRun: true }));
    store.close();
  });

  it("plans every file of a new build", () => {
    expect(uploadedKeys(outcome)).toEqual(Object.keys(sampleBuild()).sort());
  });

  it("writes nothing", async () => {
    expect(await listKeys(s3, bucket)).toEqual([]);
  });
});

describe("request order", () => {
  let proxy: FaultProxy;
  let bucket: string;
  beforeAll(async () => {
    proxy = await startFaultProxy(motoEndpoint());
    bucket = await createBucket(s3, "order");
    await syncOnce(bucket, await makeBuildDir(sampleBuild()), { endpoint: proxy.endpoint });
  });
  afterAll(() => proxy.close());

  const putKeys = () => proxy.log.filter((e) => isObjectPut(e.request)).map((e) => requestKey(e.request, bucket) ?? "");

  it("uploads every hashed file before any unhashed file", () => {
    const keys = putKeys().filter((key) => !key.startsWith("_releases/"));
    const lastHashed = Math.max(...keys.map((key, i) => (isHashedName(key) ? i : -1)));
    const firstUnhashed = keys.findIndex((key) => !isHashedName(key));
    expect(lastHashed).toBeLessThan(firstUnhashed);
  });

  it("renews its lease and writes the manifest only after a listing that follows every upload, then releases the lease", () => {
    const lockKey = syncLockKey({ name: "dev" });
    const kinds = proxy.log.map(({ request }) => {
      const key = requestKey(request, bucket) ?? "";
      if (isListing(request)) return "list";
      if (key === lockKey) return request.method === "DELETE" ? "release lease" : "lease";
      if (isObjectPut(request)) return key.startsWith("_releases/") ? "manifest" : "asset";
      return "other";
    });
    const tail = kinds.slice(kinds.lastIndexOf("asset") + 1);
    expect(tail).toEqual(["list", "lease", "manifest", "release lease"]);
  });
});

describe("a sync that fails part way", () => {
  const files = sampleBuild();
  const failingKey = "assets/styles.I553WP56.css";
  let proxy: FaultProxy;
  let bucket: string;
  let dir: string;
  let failed: SyncOutcome;
  beforeAll(async () => {
    // A non-retryable error for one hashed file: the run fails, the rest stays consistent.
    proxy = await startFaultProxy(motoEndpoint(), (request) =>
      isObjectPut(request) && requestKey(request, bucket) === failingKey
        ? s3Error(400, "InvalidArgument", "injected failure")
        : PASS,
    );
    bucket = await createBucket(s3, "partial");
    dir = await makeBuildDir(files);
    failed = await syncOnce(bucket, dir, { endpoint: proxy.endpoint });
  });
  afterAll(() => proxy.close());

  it("names the key that failed", () => {
    expect(failed.kind === "upload-failed" && failed.failed.map((f) => f.key)).toEqual([failingKey]);
  });

  it("writes no manifest", async () => {
    expect(await listKeys(s3, bucket, "_releases/")).toEqual([]);
  });

  it("uploads no unhashed file after a hashed file failed", async () => {
    const stored = await listKeys(s3, bucket);
    expect(stored.filter((key) => !isHashedName(key))).toEqual([]);
  });

  it("uploads exactly what is missing on a rerun, and completes", async () => {
    const before = new Set(await listKeys(s3, bucket));
    const rerun = await syncOnce(bucket, dir);
    const missingBefore = Object.keys(files).filter((key) => !before.has(key)).sort();
    expect({ kind: rerun.kind, uploaded: uploadedKeys(rerun) }).toEqual({ kind: "synced", uploaded: missingBefore });
  });
});

describe("a file above the multipart threshold", () => {
  const big = randomBytes(11 * 1024 * 1024 + 123);
  let proxy: FaultProxy;
  let bucket: string;
  beforeAll(async () => {
    proxy = await startFaultProxy(motoEndpoint());
    bucket = await createBucket(s3, "multipart");
    const dir = await makeBuildDir({ "assets/video.a1b2c3d4.mp4": big, "robots.txt": "x\n" });
    const store = storeFor(bucket, {
      endpoint: proxy.endpoint,
      multipartThresholdBytes: 5 * 1024 * 1024,
      partSizeBytes: 5 * 1024 * 1024,
    });
    await syncAssets(store, syncRequest(dir));
    store.close();
  });
  afterAll(() => proxy.close());

  it("goes up in parts", () => {
    expect(proxy.log.filter((e) => e.request.url.includes("partNumber=")).length).toBe(3);
  });

  it("arrives byte-identical", async () => {
    expect(sha256(await getBody(s3, bucket, "assets/video.a1b2c3d4.mp4"))).toBe(sha256(big));
  });

  it("carries its sha256 as metadata", async () => {
    expect((await headObject(s3, bucket, "assets/video.a1b2c3d4.mp4")).Metadata?.sha256).toBe(sha256(big));
  });
});

describe("an interrupted sync (Ctrl-C)", () => {
  const files = sampleBuild();
  let proxy: FaultProxy;
  let bucket: string;
  let dir: string;
  let outcome: SyncOutcome;
  beforeAll(async () => {
    const interrupt = new AbortController();
    let puts = 0;
    proxy = await startFaultProxy(motoEndpoint(), (request) => {
      if (isObjectPut(request) && (puts += 1) === 3) interrupt.abort();
      return PASS;
    });
    bucket = await createBucket(s3, "interrupt");
    dir = await makeBuildDir(files);
    const store = storeFor(bucket, { endpoint: proxy.endpoint, concurrency: 1 });
    outcome = await syncAssets(store, syncRequest(dir, { concurrency: 1, signal: interrupt.signal }));
    store.close();
  });
  afterAll(() => proxy.close());

  it("stops and says so", () => {
    expect(outcome.kind).toBe("interrupted");
  });

  it("writes no manifest", async () => {
    expect(await listKeys(s3, bucket, "_releases/")).toEqual([]);
  });

  it("leaves files for a rerun to upload", async () => {
    expect((await listKeys(s3, bucket)).length).toBeLessThan(Object.keys(files).length);
  });
});

describe("a re-sync after a sync that recorded ETags", () => {
  const files = { ...sampleBuild(), "about.html": "<p>about</p>\n", "manifest.webmanifest": "{}\n" };
  let proxy: FaultProxy;
  let bucket: string;
  let outcome: SyncOutcome;
  beforeAll(async () => {
    bucket = await createBucket(s3, "evidence");
    const dir = await makeBuildDir(files);
    await syncOnce(bucket, dir);
    proxy = await startFaultProxy(motoEndpoint());
    outcome = await syncOnce(bucket, dir, { endpoint: proxy.endpoint, release: "r2" });
  });
  afterAll(() => proxy.close());

  it("uploads nothing", () => {
    expect(uploadedKeys(outcome)).toEqual([]);
  });

  it("reads no object's metadata: the previous manifest vouches for every listed ETag", () => {
    expect(proxy.log.filter((e) => e.request.method === "HEAD").map((e) => requestKey(e.request, bucket))).toEqual([]);
  });

  it("names the manifest it trusted", () => {
    expect(outcome.kind === "synced" && outcome.summary.previousManifest).toBe(assetManifestKey({ name: "dev" }, "r1"));
  });

  it("writes a manifest whose every entry matches the object in the bucket", async () => {
    const manifest = AssetManifestSchema.parse(
      JSON.parse((await getBody(s3, bucket, assetManifestKey({ name: "dev" }, "r2"))).toString("utf8")),
    );
    const stored = await Promise.all(
      manifest.assets.map(async (entry) => ({ key: entry.key, sha256: sha256(await getBody(s3, bucket, entry.key)) })),
    );
    expect(stored).toEqual(manifest.assets.map(({ key, sha256: digest }) => ({ key, sha256: digest })));
  });
});

describe("an unhashed object rewritten by another tool since the last sync", () => {
  it("is read again (HEAD) rather than trusted from the manifest, and replaced", async () => {
    const bucket = await createBucket(s3, "rewritten");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "robots.txt", Body: "User-agent: *\nDisallow: /\n" }));
    const outcome = await syncOnce(bucket, dir, { release: "r2" });
    expect(outcome.kind === "synced" && outcome.summary.uploads).toEqual([
      { key: "robots.txt", reason: "size-differs", size: Buffer.byteLength(sampleBuild()["robots.txt"]!) },
    ]);
  });

  it("at the same size, without our digest, is replaced too", async () => {
    const bucket = await createBucket(s3, "rewritten-same-size");
    const dir = await makeBuildDir(sampleBuild());
    await syncOnce(bucket, dir);
    const original = sampleBuild()["robots.txt"]!;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "robots.txt", Body: original.toUpperCase() }));
    const outcome = await syncOnce(bucket, dir, { release: "r2" });
    expect(outcome.kind === "synced" && outcome.summary.uploads.map((u) => `${u.key}: ${u.reason}`)).toEqual([
      "robots.txt: no-digest",
    ]);
  });
});

describe("a writer that is not sync-assets changes a key during the sync", () => {
  const files = sampleBuild("mine");
  let proxy: FaultProxy;
  let bucket: string;
  let outcome: SyncOutcome;
  beforeAll(async () => {
    bucket = await createBucket(s3, "intruder");
    let intruded = false;
    // Unhashed files go up largest first, one at a time: index.html, then robots.txt. Before
    // robots.txt goes through, another tool writes its own index.html.
    proxy = await startFaultProxy(motoEndpoint(), async (request) => {
      if (!intruded && isObjectPut(request) && requestKey(request, bucket) === "robots.txt") {
        intruded = true;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "index.html", Body: "<!doctype html><title>theirs</title>\n" }));
      }
      return PASS;
    });
    const store = storeFor(bucket, { endpoint: proxy.endpoint, concurrency: 1 });
    outcome = await syncAssets(store, syncRequest(await makeBuildDir(files), { concurrency: 1 }));
    store.close();
  });
  afterAll(() => proxy.close());

  it("fails, naming the key that no longer holds its bytes", () => {
    expect(outcome.kind === "changed-during-sync" && outcome.keys).toEqual(["index.html"]);
  });

  it("writes no manifest", async () => {
    expect((await listKeys(s3, bucket, "_releases/")).filter((key) => key.endsWith(".assets.json"))).toEqual([]);
  });

  it("releases its lease", async () => {
    expect(await listKeys(s3, bucket, "_releases/")).toEqual([]);
  });
});

describe("a hash cache that lies", () => {
  it("cannot make the manifest disagree with the bucket", async () => {
    const bucket = await createBucket(s3, "lying-cache");
    const dir = await makeBuildDir(sampleBuild());
    const cacheFolder = tempDir("sync-cache-");
    await syncOnce(bucket, dir, { cacheFolder });
    // Every cached digest replaced by a wrong one, keeping each entry's stamp.
    const [cacheFile] = (await readdir(cacheFolder)).map((name) => path.join(cacheFolder, name));
    const cache = JSON.parse(await readFile(cacheFile!, "utf8"));
    for (const entry of Object.values(cache.entries) as unknown[][]) entry[5] = "0".repeat(64);
    await writeFile(cacheFile!, JSON.stringify(cache));
    await syncOnce(bucket, dir, { cacheFolder, release: "r2" });
    const manifest = AssetManifestSchema.parse(
      JSON.parse((await getBody(s3, bucket, assetManifestKey({ name: "dev" }, "r2"))).toString("utf8")),
    );
    const stored = await Promise.all(manifest.assets.map(async (entry) => sha256(await getBody(s3, bucket, entry.key))));
    expect(stored).toEqual(manifest.assets.map((entry) => entry.sha256));
  });
});

describe("the sync lease", () => {
  const lockKey = syncLockKey({ name: "dev" });

  it("is renewed while a long upload runs", async () => {
    const bucket = await createBucket(s3, "lease-renewed");
    const isRenewal = (request: ProxiedRequest) =>
      isObjectPut(request) && requestKey(request, bucket) === lockKey && request.headers["if-match"] !== undefined;
    // The only upload is held until two renewals have gone by (one-second lease: every
    // quarter second), or ten seconds at most.
    let sawTwoRenewals: () => void = () => undefined;
    const twoRenewals = new Promise<void>((resolve) => (sawTwoRenewals = resolve));
    const proxy = await startFaultProxy(motoEndpoint(), async (request) => {
      if (isRenewal(request) && proxy.log.filter((e) => isRenewal(e.request)).length >= 2) sawTwoRenewals();
      if (isObjectPut(request) && requestKey(request, bucket) === "robots.txt") {
        await Promise.race([twoRenewals, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      }
      return PASS;
    });
    const store = storeFor(bucket, { endpoint: proxy.endpoint });
    await syncAssets(store, syncRequest(await makeBuildDir({ "robots.txt": "x\n" }), { leaseSeconds: 1 }));
    store.close();
    await proxy.close();
    const uploadIndex = proxy.log.findIndex((e) => requestKey(e.request, bucket) === "robots.txt");
    expect(proxy.log.slice(uploadIndex).filter((e) => isRenewal(e.request)).length).toBeGreaterThanOrEqual(2);
  });

  describe("taken over by another run while this one uploads", () => {
    let bucket: string;
    let outcome: SyncOutcome;
    beforeAll(async () => {
      bucket = await createBucket(s3, "lease-lost");
      let takenOver = false;
      const proxy = await startFaultProxy(motoEndpoint(), async (request) => {
        if (!takenOver && isObjectPut(request) && requestKey(request, bucket) === "index.html") {
          takenOver = true;
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockKey, Body: JSON.stringify({ tool: "sync-assets", releaseId: "other" }) }));
        }
        return PASS;
      });
      const store = storeFor(bucket, { endpoint: proxy.endpoint });
      outcome = await syncAssets(store, syncRequest(await makeBuildDir(sampleBuild())));
      store.close();
      await proxy.close();
    });

    it("stops with the lease named", () => {
      expect(outcome.kind === "lost-lock" && outcome.key).toBe(lockKey);
    });

    it("writes no manifest", async () => {
      expect((await listKeys(s3, bucket, "_releases/")).filter((key) => key.endsWith(".assets.json"))).toEqual([]);
    });

    it("leaves the other run's lease in place", async () => {
      expect(JSON.parse((await getBody(s3, bucket, lockKey)).toString()).releaseId).toBe("other");
    });
  });
});
