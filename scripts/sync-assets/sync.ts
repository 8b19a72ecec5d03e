/**
 * Orchestration. In order:
 *   1. walk --dir (scan.ts: symlinks that leave it are refused) and take the environment's
 *      sync lease (lock.ts), so no other sync writes while this one reads and writes;
 *   2. at once: hash the files (hash-cache.ts skips unchanged ones), list the bucket, read
 *      the newest manifest; HEAD only the unhashed keys that manifest does not vouch for;
 *   3. decide (plan.ts), upload hashed files, then unhashed ones;
 *   4. confirm with a second listing that every key holds the very object this sync wrote
 *      or verified (same ETag), renew the lease, and only then write the manifest.
 * Never deletes anything but its own lock object. Every outcome, expected failures
 * included, is a returned value.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import pLimit from "p-limit";
import { AssetManifestSchema, serializeAssetManifest, type AssetEntry } from "../../lib/asset-manifest";
import { errorMessage } from "../../lib/errors";
import { abortFanOut, type AbortFanOut } from "./abort";
import { hashCachePath, openHashCache, type HashCache } from "./hash-cache";
import { acquireLock, type HeldElsewhere, type Lease } from "./lock";
import {
  buildManifest,
  buildPlan,
  confirmAgainstListing,
  evidenceFromHead,
  evidenceFromRecord,
  keysInReleasesRoot,
  manifestEntries,
  needsHead,
  newestManifestKey,
  planAssets,
  type AssetClassifier,
  type Evidence,
  type ListedObject,
  type LocalFile,
  type PlannedUpload,
  type SyncPlan,
  type UploadedObject,
} from "./plan";
import type { AssetStore, StoreError, Uploaded } from "./s3-port";
import { scanDirectory, type ScannedFile, type SymlinkNote } from "./scan";

export interface SyncRequest {
  /** Environment name, recorded in the manifest. */
  readonly env: string;
  /** The build's client directory; keys are paths relative to it. */
  readonly dir: string;
  /** Normalised key prefix ("" or ending in "/"), see plan.normalizePrefix. */
  readonly prefix: string;
  readonly releaseId: string;
  /**
   * Where the manifest goes: lib/naming.assetManifestKey(env, releaseId). The newest
   * manifest beside it is read for the records that spare HEAD requests.
   */
  readonly manifestKey: string;
  /** The environment's sync lease: lib/naming.syncLockKey(env). */
  readonly lockKey: string;
  /** Uploads (and HEADs) in flight at once. */
  readonly concurrency: number;
  /** Which files are hashed and which Cache-Control each gets (plan.classifyByName). */
  readonly classify: AssetClassifier;
  /** Plan only: list and read, upload nothing, write no manifest, take no lease. */
  readonly dryRun: boolean;
  /** Follow symlinks whose target is outside `dir` instead of refusing them. @default false */
  readonly followSymlinks?: boolean;
  /** Folder for the hash cache (hash-cache.ts); one file per directory in it. @default no cache */
  readonly hashCacheFolder?: string;
  /** Lease length (lock.ts). @default lock.DEFAULT_LEASE_SECONDS */
  readonly leaseSeconds?: number;
  /** The CI run, recorded in the lease so a refused run can link to it. */
  readonly runUrl?: string;
  /** Stops scheduling uploads and aborts those in flight; the outcome is `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Attempts per file for errors the SDK gave up on but that may pass later. @default 3 */
  readonly fileAttempts?: number;
  /** Clock for the manifest's createdAt and the lease. @default () => new Date() */
  readonly now?: () => Date;
}

export interface SyncProgress {
  /** Files uploaded (or failed) so far, out of `total` to upload. */
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

export interface UploadedKey {
  readonly key: string;
  readonly reason: PlannedUpload["reason"];
  readonly size: number;
}

/** Where a run's time went, in seconds: for --json and the benchmark. */
export interface PhaseSeconds {
  /** Walking --dir and taking the lease. */
  readonly lock: number;
  /** Hashing files while listing the bucket and reading the previous manifest. */
  readonly prepare: number;
  /** HeadObject of unhashed keys the previous manifest does not vouch for. */
  readonly heads: number;
  readonly uploads: number;
  /** The listing that confirms every key holds this sync's bytes (skipped when nothing was uploaded). */
  readonly confirm: number;
  /** Renewing the lease and writing the manifest. */
  readonly manifest: number;
}

export interface SyncSummary {
  readonly files: number;
  readonly hashedFiles: number;
  /** Files uploaded (or, on a dry run, that would be). */
  readonly uploaded: number;
  readonly skipped: number;
  readonly bytesUploaded: number;
  /** Files read and hashed this run; the rest came from the hash cache. */
  readonly filesRead: number;
  /** HeadObject requests made. */
  readonly heads: number;
  /** The manifest whose records vouched for unchanged objects, if any. */
  readonly previousManifest: string | null;
  readonly seconds: number;
  readonly phaseSeconds: PhaseSeconds;
  readonly uploads: readonly UploadedKey[];
}

export interface FailedKey {
  readonly key: string;
  readonly error: StoreError;
}

export type DirectoryProblem = "missing" | "not-a-directory" | "empty";

export type SyncOutcome =
  | { readonly kind: "synced"; readonly summary: SyncSummary; readonly manifestKey: string }
  | { readonly kind: "planned"; readonly summary: SyncSummary; readonly manifestKey: string }
  | { readonly kind: "directory-problem"; readonly problem: DirectoryProblem; readonly dir: string }
  | { readonly kind: "symlink-problem"; readonly problem: "outside" | "broken"; readonly links: readonly SymlinkNote[] }
  | { readonly kind: "unreadable-file"; readonly path: string; readonly message: string }
  | { readonly kind: "reserved-keys"; readonly keys: readonly string[] }
  | { readonly kind: "locked"; readonly by: HeldElsewhere }
  | { readonly kind: "store-error"; readonly stage: "lock" | "list" | "head" | "confirm" | "manifest"; readonly error: StoreError }
  | {
      readonly kind: "upload-failed";
      readonly failed: readonly FailedKey[];
      /** Files not tried because a failure made the rest pointless (denied, no bucket) or hashed files failed. */
      readonly notAttempted: number;
      readonly summary: SyncSummary;
    }
  | { readonly kind: "incomplete"; readonly missing: readonly string[]; readonly summary: SyncSummary }
  /** Keys that hold other bytes than this sync wrote or verified: another writer was at work. */
  | { readonly kind: "changed-during-sync"; readonly keys: readonly string[]; readonly summary: SyncSummary }
  /** Another run took the lease over (this one looked dead to it); nothing may be trusted. */
  | { readonly kind: "lost-lock"; readonly key: string; readonly summary: SyncSummary }
  | {
      readonly kind: "interrupted";
      readonly summary: SyncSummary;
      /** Planned uploads that are not in the bucket. */
      readonly notUploaded: readonly string[];
      /** Multipart uploads stopped part way, and whether AbortMultipartUpload freed their parts. */
      readonly abortedMultipart: readonly { readonly key: string; readonly abort: "done" | "failed" }[];
    };

/** Errors after which no further request can succeed: stop scheduling instead of failing every file. */
const FATAL_KINDS = new Set<StoreError["kind"]>([
  "no-such-bucket",
  "access-denied",
  "invalid-access-key",
  "signature-mismatch",
  "no-credentials",
]);
/** Whole-file hashing reads files up to this size at once; larger ones are streamed. */
const READ_WHOLE_FILE_BYTES = 16 * 1024 * 1024;
/** Files read at once. */
const FILE_CONCURRENCY = 16;
const MANIFEST_CACHE_CONTROL = "no-cache";

type PhaseName = keyof PhaseSeconds;

/** Elapsed time of the run and of each phase. */
function stopwatch() {
  const started = performance.now();
  const toSeconds = (ms: number) => Math.round(ms / 10) / 100;
  const phases: Record<PhaseName, number> = { lock: 0, prepare: 0, heads: 0, uploads: 0, confirm: 0, manifest: 0 };
  let phaseStart = started;
  return {
    phases,
    end(phase: PhaseName) {
      const now = performance.now();
      phases[phase] = toSeconds(now - phaseStart);
      phaseStart = now;
    },
    elapsed: () => toSeconds(performance.now() - started),
  };
}

export async function syncAssets(store: AssetStore, request: SyncRequest): Promise<SyncOutcome> {
  const clock = stopwatch();
  const scan = scanDirectory(request.dir, { followSymlinks: request.followSymlinks ?? false });
  switch (scan.kind) {
    case "ok":
      break;
    case "links-outside":
      return { kind: "symlink-problem", problem: "outside", links: scan.links };
    case "broken-links":
      return { kind: "symlink-problem", problem: "broken", links: scan.links };
    case "unreadable":
      return { kind: "unreadable-file", path: scan.path, message: scan.message };
    default:
      return { kind: "directory-problem", problem: scan.kind, dir: request.dir };
  }
  const reserved = keysInReleasesRoot(scan.files.map((file) => ({ key: `${request.prefix}${file.relativePath}` })));
  if (reserved.length > 0) return { kind: "reserved-keys", keys: reserved };

  // Lease first: the listing this run plans from must not change under it.
  let lease: Lease | undefined;
  if (!request.dryRun) {
    const acquired = await acquireLock(store, request.lockKey, {
      holder: { releaseId: request.releaseId, ...(request.runUrl ? { runUrl: request.runUrl } : {}) },
      leaseSeconds: request.leaseSeconds,
      now: request.now,
    });
    if (acquired.kind === "held") return { kind: "locked", by: acquired.by };
    if (acquired.kind === "error") return { kind: "store-error", stage: "lock", error: acquired.error };
    lease = acquired.lease;
  }
  clock.end("lock");

  const signals = [request.signal, lease?.lost].filter((signal): signal is AbortSignal => signal !== undefined);
  const runSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  const fanOut = abortFanOut(runSignal);
  const cacheFile = request.hashCacheFolder === undefined ? undefined : hashCachePath(request.hashCacheFolder, scan.root);
  const cache = await openHashCache(cacheFile, scan.root);
  try {
    return await syncFiles(store, request, { files: scan.files, lease, runSignal, fanOut, cache, clock });
  } finally {
    fanOut.dispose();
    await cache.save();
    await lease?.release();
  }
}

interface RunContext {
  readonly files: readonly ScannedFile[];
  readonly lease: Lease | undefined;
  readonly runSignal: AbortSignal | undefined;
  readonly fanOut: AbortFanOut;
  readonly cache: HashCache;
  readonly clock: ReturnType<typeof stopwatch>;
}

async function syncFiles(store: AssetStore, request: SyncRequest, run: RunContext): Promise<SyncOutcome> {
  const { clock, lease } = run;
  // Listing is network-bound and hashing disk/CPU-bound: do both at once, and read the
  // previous manifest meanwhile. The HEADs an unhashed key needs (known from its name and
  // size alone) start as soon as its listing page and the manifest are in.
  const classes = new Map(run.files.map((file) => [`${request.prefix}${file.relativePath}`, { ...request.classify(file.relativePath), size: file.size }]));
  const previous = readPreviousManifest(store, manifestFolder(request.manifestKey));
  const heads = headReader(store, classes, previous, request.concurrency);
  const [hashed, listing] = await Promise.all([
    hashFiles(run.files, run.cache),
    store.list(request.prefix, { onPage: heads.onPage }),
  ]);
  clock.end("prepare");
  const evidence = await heads.done();
  clock.end("heads");
  if (!hashed.ok) return { kind: "unreadable-file", path: hashed.path, message: hashed.message };
  if (!listing.ok) return { kind: "store-error", stage: "list", error: listing.error };
  if (!evidence.ok) return { kind: "store-error", stage: "head", error: evidence.error };

  const assets = planAssets(hashed.files, request.prefix, request.classify);
  const plan = buildPlan(assets, listing.value, evidence.value);
  const previousManifest = (await previous).key ?? null;
  const summaryOf = (uploads: readonly PlannedUpload[]): SyncSummary => ({
    files: assets.length,
    hashedFiles: assets.filter((asset) => asset.hashed).length,
    uploaded: uploads.length,
    skipped: plan.skipped.length,
    bytesUploaded: uploads.reduce((sum, upload) => sum + upload.asset.size, 0),
    filesRead: hashed.read,
    heads: heads.count(),
    previousManifest,
    seconds: clock.elapsed(),
    phaseSeconds: { ...clock.phases },
    uploads: uploads.map(({ asset, reason }) => ({ key: asset.key, reason, size: asset.size })),
  });
  const allUploads = [...plan.hashedUploads, ...plan.unhashedUploads];
  if (request.dryRun) return { kind: "planned", summary: summaryOf(allUploads), manifestKey: request.manifestKey };

  const uploaded = await uploadInOrder(store, plan, request, run);
  clock.end("uploads");
  const done = uploaded.succeeded.map((entry) => entry.upload);
  if (lease?.lost.aborted) return { kind: "lost-lock", key: lease.key, summary: summaryOf(done) };
  if (uploaded.interrupted) {
    const inBucket = new Set(done.map((upload) => upload.asset.key));
    return {
      kind: "interrupted",
      summary: summaryOf(done),
      notUploaded: allUploads.map((upload) => upload.asset.key).filter((key) => !inBucket.has(key)),
      abortedMultipart: uploaded.abortedMultipart,
    };
  }
  if (uploaded.failed.length > 0) {
    return {
      kind: "upload-failed",
      failed: uploaded.failed,
      notAttempted: allUploads.length - uploaded.succeeded.length - uploaded.failed.length,
      summary: summaryOf(done),
    };
  }
  for (const { upload, result } of uploaded.succeeded) {
    // The bytes sent were not the bytes hashed earlier (a stale cache entry, or the build
    // rewrote the file meanwhile): the manifest records what was sent; the cache forgets it.
    if (result.sha256 !== upload.asset.sha256) run.cache.forget(upload.asset.relativePath);
  }
  const entries = manifestEntries(
    plan,
    new Map<string, UploadedObject>(uploaded.succeeded.map(({ upload, result }) => [upload.asset.key, result])),
  );

  // Trust the bucket, not our bookkeeping: a listing after the uploads proves every key
  // holds the object this sync wrote or verified. When nothing was uploaded, the first
  // listing already showed every key, and the lease kept other syncs out since.
  if (done.length > 0) {
    const confirm = await store.list(request.prefix);
    if (!confirm.ok) return { kind: "store-error", stage: "confirm", error: confirm.error };
    const problems = confirmAgainstListing(entries, confirm.value);
    if (problems.missing.length > 0) return { kind: "incomplete", missing: problems.missing, summary: summaryOf(done) };
    if (problems.changed.length > 0) return { kind: "changed-during-sync", keys: problems.changed, summary: summaryOf(done) };
  }
  clock.end("confirm");

  if (lease) {
    const held = await lease.confirm();
    if (!held.ok) return { kind: "lost-lock", key: lease.key, summary: summaryOf(done) };
  }
  const manifest = buildManifest({
    env: request.env,
    releaseId: request.releaseId,
    createdAt: (request.now ?? (() => new Date()))(),
    entries,
  });
  const written = await store.putText(request.manifestKey, serializeAssetManifest(manifest), {
    contentType: "application/json; charset=utf-8",
    cacheControl: MANIFEST_CACHE_CONTROL,
  });
  if (!written.ok) return { kind: "store-error", stage: "manifest", error: written.error };
  clock.end("manifest");
  return { kind: "synced", summary: summaryOf(done), manifestKey: request.manifestKey };
}

/** The folder manifests live in: the one this run's manifest goes to. */
function manifestFolder(manifestKey: string): string {
  return manifestKey.slice(0, manifestKey.lastIndexOf("/") + 1);
}

interface PreviousManifest {
  readonly key?: string;
  readonly records: ReadonlyMap<string, AssetEntry>;
}

/**
 * The newest manifest's records, keyed by object key. Only an optimisation: when there is
 * none, or it cannot be read or parsed, every unhashed key is HEADed as before.
 */
async function readPreviousManifest(store: AssetStore, folder: string): Promise<PreviousManifest> {
  const none: PreviousManifest = { records: new Map() };
  const listed = await store.list(folder, { delimiter: "/" });
  if (!listed.ok) return none;
  const key = newestManifestKey(listed.value);
  if (key === undefined) return none;
  const read = await store.getText(key);
  if (!read.ok || read.value === undefined) return none;
  try {
    const manifest = AssetManifestSchema.safeParse(JSON.parse(read.value.body));
    if (!manifest.success) return none;
    return { key, records: new Map(manifest.data.assets.map((entry) => [entry.key, entry])) };
  } catch {
    return none;
  }
}

type FileResult<T> =
  | { readonly ok: true; readonly files: T[] }
  | { readonly ok: false; readonly path: string; readonly message: string };

/** Runs `read` over every file; the first failure (EACCES, a file gone) is the result. */
async function readEach<I, T>(
  items: readonly I[],
  pathOf: (item: I) => string,
  read: (item: I) => Promise<T>,
): Promise<FileResult<T>> {
  let failure: { path: string; message: string } | undefined;
  const results = await mapConcurrently(items, FILE_CONCURRENCY, async (item) => {
    try {
      return await read(item);
    } catch (error) {
      failure ??= { path: pathOf(item), message: errorMessage(error) };
      return undefined;
    }
  });
  return failure ? { ok: false, ...failure } : { ok: true, files: results as T[] };
}

/** Every file's sha256: from the cache when its stamp is unchanged, else read from disk. */
async function hashFiles(files: readonly ScannedFile[], cache: HashCache): Promise<FileResult<LocalFile> & { read: number }> {
  let read = 0;
  const result = await readEach(
    files,
    (file) => file.absolutePath,
    async (file): Promise<LocalFile> => {
      const { relativePath, absolutePath, size } = file;
      const cached = cache.lookup(file);
      if (cached !== undefined) return { relativePath, absolutePath, size, sha256: cached };
      read += 1;
      const readStartedMs = Date.now();
      const hash = createHash("sha256");
      if (size <= READ_WHOLE_FILE_BYTES) {
        hash.update(await readFile(absolutePath));
      } else {
        for await (const chunk of createReadStream(absolutePath)) hash.update(chunk as Buffer);
      }
      const sha256 = hash.digest("hex");
      cache.record(file, sha256, readStartedMs);
      return { relativePath, absolutePath, size, sha256 };
    },
  );
  return { ...result, read };
}

/**
 * Collects the bucket's evidence for listed keys: the previous manifest's record where it
 * matches the listed ETag and size, else a HEAD for the unhashed keys listed with our size
 * (only their digest can tell whether they changed).
 */
function headReader(
  store: AssetStore,
  local: ReadonlyMap<string, { readonly hashed: boolean; readonly size: number }>,
  previous: Promise<PreviousManifest>,
  concurrency: number,
) {
  const limit = pLimit(concurrency);
  const evidence = new Map<string, Evidence>();
  const pending: Promise<unknown>[] = [];
  let fatal: StoreError | undefined;
  let heads = 0;

  const readHead = async (key: string) => {
    if (fatal) return;
    heads += 1;
    const result = await store.head(key);
    if (result.ok) {
      if (result.value) evidence.set(key, evidenceFromHead(result.value));
    } else if (FATAL_KINDS.has(result.error.kind)) {
      fatal = result.error;
    }
    // Any other failure leaves the key without evidence: it is uploaded ("unverified").
  };

  const readPage = async (page: ReadonlyMap<string, ListedObject>) => {
    const { records } = await previous;
    const reads: Promise<void>[] = [];
    for (const [key, listed] of page) {
      const asset = local.get(key);
      if (!asset) continue;
      const recorded = evidenceFromRecord(records.get(key), listed);
      if (recorded) evidence.set(key, recorded);
      else if (needsHead(asset, listed, recorded)) reads.push(limit(() => readHead(key)));
    }
    await Promise.all(reads);
  };

  return {
    onPage(page: ReadonlyMap<string, ListedObject>): void {
      pending.push(readPage(page));
    },
    count: () => heads,
    async done(): Promise<{ ok: true; value: ReadonlyMap<string, Evidence> } | { ok: false; error: StoreError }> {
      await Promise.all(pending);
      return fatal ? { ok: false, error: fatal } : { ok: true, value: evidence };
    },
  };
}

interface UploadRun {
  readonly succeeded: { readonly upload: PlannedUpload; readonly result: Uploaded }[];
  readonly failed: FailedKey[];
  readonly abortedMultipart: { readonly key: string; readonly abort: "done" | "failed" }[];
  readonly interrupted: boolean;
}

/**
 * Hashed files first, then unhashed ones, which may reference them (an HTML page, a
 * service worker): if any hashed file failed, no unhashed file goes up.
 */
async function uploadInOrder(store: AssetStore, plan: SyncPlan, request: SyncRequest, context: RunContext): Promise<UploadRun> {
  const total = plan.hashedUploads.length + plan.unhashedUploads.length;
  const run: UploadRun & { bytes: number; stop: boolean } = {
    succeeded: [],
    failed: [],
    abortedMultipart: [],
    interrupted: false,
    bytes: 0,
    stop: false,
  };
  const { runSignal, fanOut } = context;
  const attempts = request.fileAttempts ?? 3;
  const report = () => request.onProgress?.({ done: run.succeeded.length + run.failed.length, total, bytes: run.bytes });

  const uploadOne = async (upload: PlannedUpload) => {
    if (run.stop || runSignal?.aborted) return;
    const result = await fanOut.withSignal(async (signal) => {
      let outcome = await store.upload(upload.asset, signal);
      for (let attempt = 2; !outcome.ok && outcome.error.retryable && attempt <= attempts; attempt++) {
        await sleep(backoffMs(attempt), signal);
        if (signal.aborted) break;
        outcome = await store.upload(upload.asset, signal);
      }
      return outcome;
    });
    if (!result.ok && result.error.multipartAbort) {
      run.abortedMultipart.push({ key: upload.asset.key, abort: result.error.multipartAbort });
    }
    if (result.ok) {
      // Counted even when the run was interrupted meanwhile: the object is in the bucket.
      run.succeeded.push({ upload, result: result.value });
      run.bytes += upload.asset.size;
    } else if (!runSignal?.aborted) {
      run.failed.push({ key: upload.asset.key, error: result.error });
      if (FATAL_KINDS.has(result.error.kind)) run.stop = true;
    }
    report();
  };

  report();
  for (const phase of [plan.hashedUploads, plan.unhashedUploads]) {
    if (runSignal?.aborted) break;
    await mapConcurrently(phase, request.concurrency, uploadOne);
    if (run.failed.length > 0) break;
  }
  return { ...run, interrupted: runSignal?.aborted ?? false };
}

/** Full-jitter exponential backoff before a whole-file retry: 0–0.4 s, then 0–0.8 s, … */
function backoffMs(attempt: number): number {
  return Math.random() * 200 * 2 ** (attempt - 1);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Runs `worker` over `items` with at most `concurrency` at once; results keep input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
