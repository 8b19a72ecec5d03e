import { AssetManifestSchema, type AssetEntry } from "../../../lib/asset-manifest";
import {
  buildManifest,
  buildPlan,
  classifyByName,
  confirmAgainstListing,
  contentHashOf,
  contentTypeFor,
  decide,
  evidenceFromHead,
  evidenceFromRecord,
  IMMUTABLE_CACHE_CONTROL,
  isHashedName,
  keysInReleasesRoot,
  manifestEntries,
  needsHead,
  newestManifestKey,
  normalizePrefix,
  planAssets,
  REVALIDATE_CACHE_CONTROL,
  type Evidence,
  type ListedObject,
  type LocalFile,
  type PlannedAsset,
} from "../../../scripts/sync-assets/plan";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
// Built inside each test, not when the file loads, so that mutation testing's per-test
// coverage (docs/mutation-testing.md) can run only the tests that reach a mutant.
const byName = () => classifyByName();

function file(relativePath: string, size = 100, sha256 = SHA_A): LocalFile {
  return { relativePath, absolutePath: `/build/${relativePath}`, size, sha256 };
}

function asset(relativePath: string, size = 100, sha256 = SHA_A): PlannedAsset {
  const [planned] = planAssets([file(relativePath, size, sha256)], "", byName());
  return planned as PlannedAsset;
}

function listed(size: number, etag = "e1"): ListedObject {
  return { size, etag };
}

describe("hash detection", () => {
  it.each([
    ["main.6EFCQAEZ.js", "6EFCQAEZ"], // esbuild: base32, dot
    ["styles.I553WP56.css", "I553WP56"],
    ["index-BkPz3xQa.js", "BkPz3xQa"], // Vite/Rollup: base64url, dash
    ["index-B-xyz12a.js", "B-xyz12a"], // base64url hash containing a dash
    ["vendor.a1b2c3d4e5f60718.js", "a1b2c3d4e5f60718"], // webpack contenthash, hex
    ["chunk-4f3c2a1b.mjs", "4f3c2a1b"],
    ["logo.Ab_3xYz9.svg", "Ab_3xYz9"],
    ["3f2a1b9c8d7e6f50.png", "3f2a1b9c8d7e6f50"], // webpack asset modules: [hash][ext]
    ["main.6EFCQAEZ.js.map", "6EFCQAEZ"], // the map keeps its file's hash
    ["app.QWERTYUI.js", "QWERTYUI"], // esbuild hash with no digit
    ["main.12345678.js", "12345678"], // an all-digit hex hash after a dot
  ])("finds the hash in %s", (name, hash) => {
    expect(contentHashOf(name)).toBe(hash);
  });

  it.each([
    "favicon.ico",
    "robots.txt",
    "main.js",
    "my-component.js", // a word, not a hash
    "use-useEffect.js", // camelCase word
    "icon-ArrowLeft.svg",
    "report-20240101.pdf", // a date: digits only after a dash
    "20240101.jpg", // a date as the whole name
    "my-component-v2.js", // version suffix
    "jquery-3.7.1.min.js",
    "main.a1b2c3d.js", // 7 characters: too short
    "LICENSE",
    "manifest.webmanifest",
  ])("treats %s as unhashed", (name) => {
    expect(isHashedName(name)).toBe(false);
  });

  it("looks only at the file name, not the directories above it", () => {
    expect(isHashedName("a1b2c3d4e5/index.html")).toBe(false);
  });
});

describe("headers", () => {
  it.each([
    ["assets/main.6EFCQAEZ.js", "text/javascript; charset=utf-8"],
    ["assets/styles.I553WP56.css", "text/css; charset=utf-8"],
    ["index.html", "text/html; charset=utf-8"],
    ["data.json", "application/json; charset=utf-8"],
    ["logo.svg", "image/svg+xml"],
    ["favicon.ico", "image/vnd.microsoft.icon"],
    ["font.woff2", "font/woff2"],
    ["LICENSE", "application/octet-stream"],
  ])("gives %s the content type %s", (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });

  it("gives hashed files the immutable cache policy", () => {
    expect(asset("assets/main.6EFCQAEZ.js").cacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
  });

  it("gives unhashed files the revalidating cache policy", () => {
    expect(asset("robots.txt").cacheControl).toBe(REVALIDATE_CACHE_CONTROL);
  });

  it("uses configured cache policies", () => {
    const [planned] = planAssets([file("robots.txt")], "", classifyByName({ hashed: "h", unhashed: "public, max-age=60" }));
    expect(planned?.cacheControl).toBe("public, max-age=60");
  });

  it("lets a classifier mark paths immutable whatever their names", () => {
    const buildRules = (relativePath: string) =>
      relativePath.startsWith("_next/static/")
        ? { hashed: true, cacheControl: IMMUTABLE_CACHE_CONTROL }
        : { hashed: false, cacheControl: "public, max-age=60" };
    const planned = planAssets([file("_next/static/abc/_buildManifest.js"), file("BUILD_ID")], "", buildRules);
    expect(planned.map(({ key, hashed, cacheControl }) => ({ key, hashed, cacheControl }))).toEqual([
      { key: "BUILD_ID", hashed: false, cacheControl: "public, max-age=60" },
      { key: "_next/static/abc/_buildManifest.js", hashed: true, cacheControl: IMMUTABLE_CACHE_CONTROL },
    ]);
  });

  it("puts the prefix before every key", () => {
    expect(planAssets([file("assets/a.js")], "static/", byName())[0]?.key).toBe("static/assets/a.js");
  });
});

describe("normalizePrefix", () => {
  it.each([
    [undefined, ""],
    ["", ""],
    ["/", ""],
    ["static", "static/"],
    ["/static/v1/", "static/v1/"],
  ])("normalises %p to %p", (raw, prefix) => {
    expect(normalizePrefix(raw)).toEqual({ ok: true, prefix });
  });

  it("refuses '..' segments", () => {
    expect(normalizePrefix("a/../b").ok).toBe(false);
  });

  it("refuses the release tooling's _releases/ prefix", () => {
    expect(normalizePrefix("_releases/dev").ok).toBe(false);
  });
});

describe("what the bucket proves", () => {
  const record: AssetEntry = {
    key: "robots.txt",
    sha256: SHA_A,
    size: 100,
    contentType: "text/plain; charset=utf-8",
    cacheControl: REVALIDATE_CACHE_CONTROL,
    etag: "e1",
  };

  it("takes the previous manifest's record for the object listed with its ETag and size", () => {
    expect(evidenceFromRecord(record, listed(100, "e1"))).toMatchObject({ source: "manifest", sha256: SHA_A });
  });

  it("ignores a record whose ETag differs from the listing (the object was written since)", () => {
    expect(evidenceFromRecord(record, listed(100, "e2"))).toBeUndefined();
  });

  it("ignores a record without an ETag (a manifest written before ETags were kept)", () => {
    const { etag: _etag, ...old } = record;
    expect(evidenceFromRecord(old, listed(100, "e1"))).toBeUndefined();
  });

  it("ignores a record whose size differs from the listing", () => {
    expect(evidenceFromRecord(record, listed(99, "e1"))).toBeUndefined();
  });

  it("picks the newest manifest of a release folder listing", () => {
    const objects = new Map<string, ListedObject>([
      ["_releases/dev/r1.assets.json", { size: 1, etag: "a", lastModified: new Date(1000) }],
      ["_releases/dev/r2.assets.json", { size: 1, etag: "b", lastModified: new Date(3000) }],
      ["_releases/dev/sync-assets.lock", { size: 1, etag: "c", lastModified: new Date(5000) }],
    ]);
    expect(newestManifestKey(objects)).toBe("_releases/dev/r2.assets.json");
  });
});

describe("deciding what to upload", () => {
  // Plain values, not planAssets() at load time (per-test mutation coverage).
  const hashed: PlannedAsset = { ...file("assets/main.6EFCQAEZ.js", 100), key: "assets/main.6EFCQAEZ.js", hashed: true, contentType: "text/javascript; charset=utf-8", cacheControl: IMMUTABLE_CACHE_CONTROL };
  const unhashed: PlannedAsset = { ...file("robots.txt", 100, SHA_A), key: "robots.txt", hashed: false, contentType: "text/plain; charset=utf-8", cacheControl: REVALIDATE_CACHE_CONTROL };
  const same: Evidence = {
    source: "head",
    etag: "e1",
    sha256: SHA_A,
    contentType: unhashed.contentType,
    cacheControl: unhashed.cacheControl,
  };

  it("uploads an unhashed file whose stored Content-Type drifted, though its bytes and cache policy match", () => {
    expect(decide(unhashed, listed(100), { ...same, contentType: "application/octet-stream" })).toEqual({ action: "upload", reason: "headers-changed" });
  });

  it("does not read metadata for an unhashed key when the previous manifest's record is evidence", () => {
    expect(needsHead(unhashed, listed(100), same)).toBe(false);
  });

  it("uploads a key that is not listed", () => {
    expect(decide(hashed, undefined, undefined)).toEqual({ action: "upload", reason: "new" });
  });

  it("skips a hashed key that is listed with the same size", () => {
    expect(decide(hashed, listed(100), undefined)).toEqual({ action: "skip", reason: "hashed-exists" });
  });

  it("replaces a hashed key listed with another size (it is not this content)", () => {
    expect(decide(hashed, listed(99), undefined)).toEqual({ action: "upload", reason: "size-differs" });
  });

  it("replaces a hashed key the bucket's evidence shows holding other bytes", () => {
    expect(decide(hashed, listed(100), { ...same, source: "manifest", sha256: SHA_B })).toEqual({
      action: "upload",
      reason: "content-changed",
    });
  });

  it("does not read metadata for hashed keys", () => {
    expect(needsHead(hashed, listed(100), undefined)).toBe(false);
  });

  it("reads metadata for an unhashed key listed with the same size", () => {
    expect(needsHead(unhashed, listed(100), undefined)).toBe(true);
  });

  it("does not read metadata for an unhashed key the previous manifest vouches for", () => {
    expect(needsHead(unhashed, listed(100), { ...same, source: "manifest" })).toBe(false);
  });

  it("does not read metadata when the size already differs", () => {
    expect(needsHead(unhashed, listed(7), undefined)).toBe(false);
  });

  it("skips an unhashed key whose stored digest and headers match", () => {
    expect(decide(unhashed, listed(100), same)).toEqual({ action: "skip", reason: "unchanged" });
  });

  it("uploads an unhashed key whose stored digest differs", () => {
    expect(decide(unhashed, listed(100), { ...same, sha256: SHA_B })).toEqual({
      action: "upload",
      reason: "content-changed",
    });
  });

  it("uploads an unhashed key without a stored digest", () => {
    expect(decide(unhashed, listed(100), { ...same, sha256: undefined })).toEqual({
      action: "upload",
      reason: "no-digest",
    });
  });

  it("uploads an unhashed key whose cache policy changed", () => {
    expect(decide(unhashed, listed(100), { ...same, cacheControl: "no-store" })).toEqual({
      action: "upload",
      reason: "headers-changed",
    });
  });

  it("uploads an unhashed key whose metadata could not be read", () => {
    expect(decide(unhashed, listed(100), undefined)).toEqual({ action: "upload", reason: "unverified" });
  });
});

describe("buildPlan", () => {
  const planned = () =>
    planAssets([file("assets/a.6EFCQAEZ.js", 10), file("assets/b.I553WP56.js", 30), file("index.html", 5), file("robots.txt", 7)], "", byName());

  it("separates hashed from unhashed uploads", () => {
    const plan = buildPlan(planned(), new Map(), new Map());
    expect(plan.unhashedUploads.map((u) => u.asset.key).sort()).toEqual(["index.html", "robots.txt"]);
  });

  it("orders uploads largest first", () => {
    const plan = buildPlan(planned(), new Map(), new Map());
    expect(plan.hashedUploads.map((u) => u.asset.key)).toEqual(["assets/b.I553WP56.js", "assets/a.6EFCQAEZ.js"]);
  });

  it("plans nothing when every hashed key exists and unhashed digests match", () => {
    const assets = planned();
    const listing = new Map(assets.map((a) => [a.key, listed(a.size)]));
    const evidence = new Map(
      assets.map((a): [string, Evidence] => [
        a.key,
        { source: "head", etag: "e1", sha256: a.sha256, contentType: a.contentType, cacheControl: a.cacheControl },
      ]),
    );
    const plan = buildPlan(assets, listing, evidence);
    expect(plan.hashedUploads.length + plan.unhashedUploads.length).toBe(0);
  });
});

describe("confirmation and manifest", () => {
  const hashedKey = "assets/a.6EFCQAEZ.js";
  // The hashed file is already there; robots.txt is uploaded and comes back with ETag "new".
  const planned = () => buildPlan(planAssets([file(hashedKey, 10), file("robots.txt", 7)], "", byName()), new Map([[hashedKey, listed(10, "old")]]), new Map());
  const entries = () => manifestEntries(planned(), new Map([["robots.txt", { etag: "new", sha256: SHA_B }]]));

  it("records an uploaded key with the digest of the bytes sent and the ETag S3 gave them", () => {
    expect(entries().find((e) => e.key === "robots.txt")).toMatchObject({ sha256: SHA_B, etag: "new" });
  });

  it("records a skipped key with the ETag it was listed with", () => {
    expect(entries().find((e) => e.key === hashedKey)).toMatchObject({ sha256: SHA_A, etag: "old" });
  });

  it("confirms a listing that shows every key with the recorded ETag", () => {
    const listing = new Map([
      [hashedKey, listed(10, "old")],
      ["robots.txt", listed(7, "new")],
    ]);
    expect(confirmAgainstListing(entries(), listing)).toEqual({ missing: [], changed: [] });
  });

  it("reports keys missing from the listing", () => {
    expect(confirmAgainstListing(entries(), new Map([["robots.txt", listed(7, "new")]])).missing).toEqual([hashedKey]);
  });

  it("reports keys listed with another size as changed", () => {
    const listing = new Map([
      [hashedKey, listed(10, "old")],
      ["robots.txt", listed(8, "new")],
    ]);
    expect(confirmAgainstListing(entries(), listing).changed).toEqual(["robots.txt"]);
  });

  it("reports keys that another writer replaced (same size, another ETag)", () => {
    const listing = new Map([
      [hashedKey, listed(10, "old")],
      ["robots.txt", listed(7, "someone-else")],
    ]);
    expect(confirmAgainstListing(entries(), listing).changed).toEqual(["robots.txt"]);
  });

  it("finds files that would land in _releases/", () => {
    const planned = planAssets([file("_releases/dev/x.assets.json")], "", byName());
    expect(keysInReleasesRoot(planned)).toEqual(["_releases/dev/x.assets.json"]);
  });

  it("builds a manifest that the shared schema accepts", () => {
    const manifest = buildManifest({ env: "dev", releaseId: "r1", createdAt: new Date(0), entries: entries() });
    expect(AssetManifestSchema.safeParse(manifest).success).toBe(true);
  });

  it("records every key with its sha256, size, headers and ETag", () => {
    const manifest = buildManifest({ env: "dev", releaseId: "r1", createdAt: new Date(0), entries: entries() });
    expect(manifest.assets[1]).toEqual({
      key: "robots.txt",
      sha256: SHA_B,
      size: 7,
      contentType: "text/plain; charset=utf-8",
      cacheControl: REVALIDATE_CACHE_CONTROL,
      etag: "new",
    });
  });

  it("refuses to build a manifest the schema rejects", () => {
    const bad = [{ ...entries()[0]!, sha256: "not-hex" }];
    expect(() => buildManifest({ env: "dev", releaseId: "r1", createdAt: new Date(0), entries: bad })).toThrow();
  });
});

describe("never under _releases/", () => {
  it("lists exactly the keys that would land in _releases/, none of the others", () => {
    const planned = planAssets([file("assets/a.js"), file("_releases/dev/ledger/x.json"), file("releases.txt")], "", byName());
    expect(keysInReleasesRoot(planned)).toEqual(["_releases/dev/ledger/x.json"]);
  });

  it("says why a prefix inside _releases/ is refused", () => {
    expect(normalizePrefix("/_releases/")).toEqual({ ok: false, problem: "must not be inside _releases/, which holds release ledgers and manifests" });
  });
});

describe("normalizePrefix, further", () => {
  it("strips every leading and trailing slash", () => {
    expect(normalizePrefix("//static/v1//")).toEqual({ ok: true, prefix: "static/v1/" });
  });

  it("says what a bad segment is", () => {
    expect(normalizePrefix("a//b")).toEqual({ ok: false, problem: "must be slash-separated names without empty, '.' or '..' segments" });
  });

  it("refuses a '.' segment", () => {
    expect(normalizePrefix("a/./b").ok).toBe(false);
  });

  it("accepts a segment that merely contains dots", () => {
    expect(normalizePrefix("v1.2")).toEqual({ ok: true, prefix: "v1.2/" });
  });
});

describe("hash detection, further", () => {
  it("takes no hash from a date with dashes after a dot", () => {
    expect(contentHashOf("main.2024-01-01.js")).toBeUndefined();
  });

  it("takes no hash from a file without an extension", () => {
    expect(contentHashOf("6EFCQAEZ")).toBeUndefined();
  });
});

describe("content types, further", () => {
  it("falls back to application/octet-stream for an extension no mime type knows", () => {
    expect(contentTypeFor("data.zz-unknown")).toBe("application/octet-stream");
  });
});

describe("planned assets", () => {
  it("come out ordered by key", () => {
    expect(planAssets([file("b.js"), file("a.js")], "", byName()).map((a) => a.key)).toEqual(["a.js", "b.js"]);
  });
});

describe("evidence", () => {
  it("from a manifest record needs the object in the listing", () => {
    expect(evidenceFromRecord({ key: "robots.txt", sha256: SHA_A, size: 100, contentType: "text/plain", cacheControl: "x", etag: "e1" }, undefined)).toBeUndefined();
  });

  it("from HeadObject carries its ETag, digest and headers", () => {
    expect(evidenceFromHead({ size: 1, etag: "e9", sha256: SHA_B, contentType: "text/html", cacheControl: "no-cache" })).toEqual({
      source: "head",
      etag: "e9",
      sha256: SHA_B,
      contentType: "text/html",
      cacheControl: "no-cache",
    });
  });
});

describe("the plan and the manifest, further", () => {
  const planned = () => planAssets([file("index.html", 5), file("robots.txt", 70), file("a.txt", 20)], "", byName());

  it("orders unhashed uploads largest first", () => {
    expect(buildPlan(planned(), new Map(), new Map()).unhashedUploads.map((u) => u.asset.key)).toEqual(["robots.txt", "a.txt", "index.html"]);
  });

  it("refuses to list an upload S3 did not confirm", () => {
    const plan = buildPlan(planned(), new Map(), new Map());
    expect(() => manifestEntries(plan, new Map([["robots.txt", { etag: "e", sha256: SHA_A }]]))).toThrow("no upload result for a.txt: the manifest can only list confirmed keys");
  });

  it("lists manifest entries by key", () => {
    const plan = buildPlan(planned(), new Map(), new Map());
    const uploaded = new Map(["index.html", "robots.txt", "a.txt"].map((key) => [key, { etag: "e", sha256: SHA_A }]));
    expect(manifestEntries(plan, uploaded).map((e) => e.key)).toEqual(["a.txt", "index.html", "robots.txt"]);
  });

  it("confirms an entry without an ETag by its size alone", () => {
    expect(confirmAgainstListing([{ key: "a.txt", size: 20, etag: undefined }], new Map([["a.txt", listed(20, "any")]]))).toEqual({ missing: [], changed: [] });
  });
});

describe("the newest manifest, further", () => {
  it("breaks a tie of times by the later key", () => {
    const objects = new Map<string, ListedObject>([
      ["_releases/dev/r2.assets.json", { size: 1, etag: "b", lastModified: new Date(1000) }],
      ["_releases/dev/r3.assets.json", { size: 1, etag: "c", lastModified: new Date(1000) }],
      ["_releases/dev/r1.assets.json", { size: 1, etag: "a", lastModified: new Date(1000) }],
    ]);
    expect(newestManifestKey(objects)).toBe("_releases/dev/r3.assets.json");
  });

  it("counts a manifest without a time as the oldest", () => {
    const objects = new Map<string, ListedObject>([
      ["_releases/dev/r9.assets.json", { size: 1, etag: "b" }],
      ["_releases/dev/r1.assets.json", { size: 1, etag: "a", lastModified: new Date(1000) }],
    ]);
    expect(newestManifestKey(objects)).toBe("_releases/dev/r1.assets.json");
  });

  it("is none when the folder holds no manifest", () => {
    expect(newestManifestKey(new Map([["_releases/dev/sync-assets.lock", listed(1)]]))).toBeUndefined();
  });
});
