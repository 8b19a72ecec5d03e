/**
 * The hash cache: a digest is reused only while the file's stamp (size, mtime, ctime,
 * inode, device) is unchanged, never for files hashed within the racy window, and an
 * unreadable cache file counts as empty.
 */
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { hashCachePath, openHashCache, RACY_WINDOW_MS } from "../../../scripts/sync-assets/hash-cache";
import { scanDirectory, type ScannedFile } from "../../../scripts/sync-assets/scan";
import { makeBuildDir, sha256 } from "./helpers";
import { tempDir } from "../../support/temp-dir";

function scanned(dir: string): ScannedFile {
  const result = scanDirectory(dir);
  if (result.kind !== "ok") throw new Error(`scan failed: ${result.kind}`);
  return result.files[0]!;
}

/** A moment well after the file's ctime, so its entry is not racy. */
function later(file: ScannedFile): number {
  return file.stamp.ctimeMs + RACY_WINDOW_MS + 1;
}

async function cacheFileFor(dir: string): Promise<string> {
  return hashCachePath(tempDir("sync-cache-"), dir);
}

describe("the hash cache", () => {
  it("returns the recorded digest for an unchanged file after a save and reopen", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const first = await openHashCache(file, dir);
    first.record(scanned(dir), sha256("v1"), later(scanned(dir)));
    await first.save();
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBe(sha256("v1"));
  });

  it("misses a file rewritten at the same size with its old mtime put back (ctime moved)", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const before = scanned(dir);
    const cache = await openHashCache(file, dir);
    cache.record(before, sha256("v1"), later(before));
    await cache.save();
    const { atime, mtime } = await stat(before.absolutePath);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(before.absolutePath, "v2");
    await utimes(before.absolutePath, atime, mtime);
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBeUndefined();
  });

  it("does not store a digest of a file changed within the racy window before it was read", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const cache = await openHashCache(file, dir);
    cache.record(scanned(dir), sha256("v1"), scanned(dir).stamp.ctimeMs);
    await cache.save();
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBeUndefined();
  });

  it("forgets an entry when told the bytes did not match it", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const cache = await openHashCache(file, dir);
    cache.record(scanned(dir), sha256("v1"), later(scanned(dir)));
    cache.forget("index.html");
    await cache.save();
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBeUndefined();
  });

  it("treats an unreadable cache file as empty", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    await writeFile(file, "{ not json");
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBeUndefined();
  });

  it("ignores a cache file written for another directory", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const other = await openHashCache(file, "/some/other/build");
    other.record(scanned(dir), sha256("v1"), later(scanned(dir)));
    await other.save();
    expect((await openHashCache(file, dir)).lookup(scanned(dir))).toBeUndefined();
  });

  it("keeps only the files seen in the last run", async () => {
    const dir = await makeBuildDir({ "index.html": "v1" });
    const file = await cacheFileFor(dir);
    const cache = await openHashCache(file, dir);
    cache.record(scanned(dir), sha256("v1"), later(scanned(dir)));
    cache.record({ ...scanned(dir), relativePath: "gone.html" }, sha256("x"), later(scanned(dir)));
    await cache.save();
    const reopened = await openHashCache(file, dir);
    reopened.lookup(scanned(dir));
    await reopened.save();
    expect(Object.keys(JSON.parse(await readFile(file, "utf8")).entries)).toEqual(["index.html"]);
  });
});
