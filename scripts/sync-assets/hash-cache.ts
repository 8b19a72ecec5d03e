/**
 * A local cache of file digests, so that a re-sync hashes only the files that changed since
 * the last run on this machine (git's index does the same for `git status`).
 *
 * Where: one JSON file per build directory, named after the directory's real path, in the
 * folder the caller picks (the CLI: node_modules/.cache/sync-assets/). Delete the folder to
 * start over; a fresh CI runner simply has none.
 *
 * Invalidation, per file: an entry is used only while the file's size, mtime, ctime, inode
 * and device are exactly what they were when it was hashed. Every write to a file sets its
 * ctime to the current time, and no system call sets ctime to a chosen value (touch -d and
 * utimes change mtime only), so an edited file never matches its old entry. The one gap is
 * a file written again within the file system's timestamp granularity of being hashed
 * ("racily clean", in git's words): entries for files whose ctime is less than
 * RACY_WINDOW_MS before they were read are therefore not stored. A cache file that cannot be
 * read, or is of another version, counts as empty.
 *
 * What a stale entry could do, and what it cannot: the manifest never takes a digest from
 * this cache (sync.ts records the digest of the bytes an upload sent, which S3 verifies, or
 * the bucket's own evidence for a key it did not upload), so a wrong entry cannot make a
 * manifest disagree with the bucket. At worst it would make a changed file look unchanged.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FileStamp, ScannedFile } from "./scan";

const CACHE_VERSION = 1;
/** Larger than any file system's timestamp granularity (FAT: 2 s for mtime). */
export const RACY_WINDOW_MS = 3_000;

/** [size, mtimeMs, ctimeMs, ino, dev, sha256]: compact, as the file holds one per build file. */
type Entry = [number, number, number, number, number, string];

interface CacheFile {
  readonly version: number;
  readonly dir: string;
  readonly entries: Record<string, Entry>;
}

export interface HashCache {
  /** The digest recorded for this file, if its stamp is unchanged. */
  lookup(file: ScannedFile): string | undefined;
  /** Records a digest computed from bytes read at `readStartedMs` (Date.now()). */
  record(file: ScannedFile, sha256: string, readStartedMs: number): void;
  /** Forgets a file (its bytes turned out not to match the recorded digest). */
  forget(relativePath: string): void;
  /** Writes the entries of the files looked up or recorded in this run; no-op without a path. */
  save(): Promise<void>;
}

/** The cache file for `realDir` inside `folder`. */
export function hashCachePath(folder: string, realDir: string): string {
  return path.join(folder, `${createHash("sha256").update(realDir).digest("hex").slice(0, 16)}.json`);
}

/** Opens the cache at `file`; `undefined` gives a cache that remembers nothing. */
export async function openHashCache(file: string | undefined, realDir: string): Promise<HashCache> {
  const previous = file ? await readEntries(file, realDir) : {};
  const current: Record<string, Entry> = {};
  let changed = false;
  return {
    lookup(scanned) {
      const entry = previous[scanned.relativePath];
      if (!entry || !sameStamp(entry, scanned.stamp)) return undefined;
      current[scanned.relativePath] = entry;
      return entry[5];
    },
    record(scanned, sha256, readStartedMs) {
      changed = true;
      if (scanned.stamp.ctimeMs > readStartedMs - RACY_WINDOW_MS) return;
      const { size, mtimeMs, ctimeMs, ino, dev } = scanned.stamp;
      current[scanned.relativePath] = [size, mtimeMs, ctimeMs, ino, dev, sha256];
    },
    forget(relativePath) {
      changed = true;
      delete current[relativePath];
    },
    async save() {
      const dropped = Object.keys(previous).some((relativePath) => !(relativePath in current));
      if (!file || (!changed && !dropped)) return;
      const body: CacheFile = { version: CACHE_VERSION, dir: realDir, entries: current };
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(temporary, JSON.stringify(body));
        await rename(temporary, file);
      } catch {
        // The cache only saves time: a read-only node_modules must not fail a sync.
      }
    },
  };
}

async function readEntries(file: string, realDir: string): Promise<Record<string, Entry>> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<CacheFile>;
    if (parsed.version !== CACHE_VERSION || parsed.dir !== realDir || typeof parsed.entries !== "object") return {};
    return Object.fromEntries(Object.entries(parsed.entries ?? {}).filter(([, entry]) => isEntry(entry)));
  } catch {
    return {};
  }
}

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    value.length === 6 &&
    value.slice(0, 5).every((n) => typeof n === "number") &&
    typeof value[5] === "string" &&
    /^[0-9a-f]{64}$/.test(value[5])
  );
}

function sameStamp(entry: Entry, stamp: FileStamp): boolean {
  return (
    entry[0] === stamp.size &&
    entry[1] === stamp.mtimeMs &&
    entry[2] === stamp.ctimeMs &&
    entry[3] === stamp.ino &&
    entry[4] === stamp.dev
  );
}
