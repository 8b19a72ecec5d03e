/**
 * Orchestration: read and hash the build directory while listing the bucket, decide what to
 * upload (plan.ts), upload hashed files, then unhashed ones, confirm with a second listing
 * that every file is present, and only then write the release's asset manifest.
 * Never deletes anything. Every outcome, expected failures included, is a returned value.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import { glob } from "tinyglobby";
import {
  buildManifest,
  buildPlan,
  isImmutablePath,
  keysInReleasesRoot,
  missingKeys,
  needsHead,
  planAssets,
  type CachePolicies,
  type ListedObject,
  type LocalFile,
  type ObjectHead,
  type PlannedUpload,
  type SyncPlan,
} from "./plan";
import { serializeAssetManifest } from "../../lib/asset-manifest";
import { errorMessage } from "../../lib/errors";
import type { AssetStore, StoreError } from "./s3-port";

export interface SyncRequest {
  /** Environment name, recorded in the manifest. */
  readonly env: string;
  /** The build's client directory; keys are paths relative to it. */
  readonly dir: string;
  /** Normalised key prefix ("" or ending in "/"), see plan.normalizePrefix. */
  readonly prefix: string;
  readonly releaseId: string;
  /** Where the manifest goes: lib/naming.assetManifestKey(env, releaseId). */
  readonly manifestKey: string;
  /** Uploads (and HEADs) in flight at once. */
  readonly concurrency: number;
  readonly policies: CachePolicies;
  /** Plan only: list and read, upload nothing, write no manifest. */
  readonly dryRun: boolean;
  /** Stops scheduling uploads and aborts those in flight; the outcome is `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SyncProgress) => void;
  /** Attempts per file for errors the SDK gave up on but that may pass later. @default 3 */
  readonly fileAttempts?: number;
  /** Clock for the manifest's createdAt. @default () => new Date() */
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
  /** Reading and hashing files while listing the bucket. */
  readonly prepare: number;
  /** HeadObject of unhashed keys listed with our size. */
  readonly heads: number;
  readonly uploads: number;
  /** The listing that confirms every key is present (skipped when nothing was uploaded). */
  readonly confirm: number;
  readonly manifest: number;
}

export interface SyncSummary {
  readonly files: number;
  readonly hashedFiles: number;
  /** Files uploaded (or, on a dry run, that would be). */
  readonly uploaded: number;
  readonly skipped: number;
  readonly bytesUploaded: number;
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
  | { readonly kind: "unreadable-file"; readonly path: string; readonly message: string }
  | { readonly kind: "reserved-keys"; readonly keys: readonly string[] }
  | { readonly kind: "store-error"; readonly stage: "list" | "head" | "confirm" | "manifest"; readonly error: StoreError }
  | {
      readonly kind: "upload-failed";
      readonly failed: readonly FailedKey[];
      /** Files not tried because a failure made the rest pointless (denied, no bucket) or hashed files failed. */
      readonly notAttempted: number;
      readonly summary: SyncSummary;
    }
  | { readonly kind: "incomplete"; readonly missing: readonly string[]; readonly summary: SyncSummary }
  | { readonly kind: "interrupted"; readonly summary: SyncSummary };

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
/** Files stat-ed or read at once. */
const FILE_CONCURRENCY = 16;

export async function syncAssets(store: AssetStore, request: SyncRequest): Promise<SyncOutcome> {
  const started = performance.now();
  const toSeconds = (ms: number) => Math.round(ms / 10) / 100;
  const elapsed = () => toSeconds(performance.now() - started);
  const phases = { prepare: 0, heads: 0, uploads: 0, confirm: 0, manifest: 0 };
  let phaseStart = started;
  const endPhase = (phase: keyof PhaseSeconds) => {
    const now = performance.now();
    phases[phase] = toSeconds(now - phaseStart);
    phaseStart = now;
  };

  const scan = await scanDirectory(request.dir);
  if (scan.kind !== "ok") return { kind: "directory-problem", problem: scan.kind, dir: request.dir };

  const sized = await statFiles(request.dir, scan.relativePaths);
  if (!sized.ok) return { kind: "unreadable-file", path: sized.path, message: sized.message };

  // Listing is network-bound and hashing disk/CPU-bound: do both at once. The HEADs an
  // unhashed key needs (known from its name and size alone) start as soon as its listing
  // page is in, while the next page loads and files are still being hashed.
  const localByKey = new Map(
    sized.files.map((file) => [
      `${request.prefix}${file.relativePath}`,
      { hashed: isImmutablePath(request.policies, file.relativePath), size: file.size },
    ]),
  );
  const heads = headReader(store, localByKey, request.concurrency);
  const [hashed, listing] = await Promise.all([hashFiles(sized.files), store.list(request.prefix, heads.onPage)]);
  endPhase("prepare");
  const headResult = await heads.done();
  endPhase("heads");
  if (!hashed.ok) return { kind: "unreadable-file", path: hashed.path, message: hashed.message };
  if (!listing.ok) return { kind: "store-error", stage: "list", error: listing.error };
  const assets = planAssets(hashed.files, request.prefix, request.policies);
  const reserved = keysInReleasesRoot(assets);
  if (reserved.length > 0) return { kind: "reserved-keys", keys: reserved };
  if (!headResult.ok) return { kind: "store-error", stage: "head", error: headResult.error };

  const plan = buildPlan(assets, listing.value, headResult.value);
  const summaryOf = (uploads: readonly PlannedUpload[]): SyncSummary => ({
    files: assets.length,
    hashedFiles: assets.filter((asset) => asset.hashed).length,
    uploaded: uploads.length,
    skipped: plan.skipped.length,
    bytesUploaded: uploads.reduce((sum, upload) => sum + upload.asset.size, 0),
    seconds: elapsed(),
    phaseSeconds: { ...phases },
    uploads: uploads.map(({ asset, reason }) => ({ key: asset.key, reason, size: asset.size })),
  });
  const allUploads = [...plan.hashedUploads, ...plan.unhashedUploads];
  if (request.dryRun) return { kind: "planned", summary: summaryOf(allUploads), manifestKey: request.manifestKey };

  const uploaded = await uploadInOrder(store, plan, request);
  endPhase("uploads");
  if (uploaded.interrupted) return { kind: "interrupted", summary: summaryOf(uploaded.succeeded) };
  if (uploaded.failed.length > 0) {
    return {
      kind: "upload-failed",
      failed: uploaded.failed,
      notAttempted: allUploads.length - uploaded.succeeded.length - uploaded.failed.length,
      summary: summaryOf(uploaded.succeeded),
    };
  }

  // Trust the bucket, not our bookkeeping: a listing after the uploads proves every key is
  // there. When nothing was uploaded, the first listing already showed every key.
  if (uploaded.succeeded.length > 0) {
    const confirm = await store.list(request.prefix);
    if (!confirm.ok) return { kind: "store-error", stage: "confirm", error: confirm.error };
    const missing = missingKeys(assets, confirm.value);
    if (missing.length > 0) return { kind: "incomplete", missing, summary: summaryOf(uploaded.succeeded) };
  }
  endPhase("confirm");

  const manifest = buildManifest({
    env: request.env,
    releaseId: request.releaseId,
    createdAt: (request.now ?? (() => new Date()))(),
    assets,
  });
  const written = await store.putJson(request.manifestKey, serializeAssetManifest(manifest), "no-cache");
  if (!written.ok) return { kind: "store-error", stage: "manifest", error: written.error };
  endPhase("manifest");
  return { kind: "synced", summary: summaryOf(uploaded.succeeded), manifestKey: request.manifestKey };
}

type ScanResult = { readonly kind: "ok"; readonly relativePaths: readonly string[] } | { readonly kind: DirectoryProblem };

/** Every regular file under `dir`, as sorted `/`-separated relative paths. Dotfiles are skipped. */
export async function scanDirectory(dir: string): Promise<ScanResult> {
  try {
    if (!(await stat(dir)).isDirectory()) return { kind: "not-a-directory" };
  } catch {
    return { kind: "missing" };
  }
  const relativePaths = await glob(["**/*"], { cwd: dir, onlyFiles: true, dot: false, followSymbolicLinks: true });
  if (relativePaths.length === 0) return { kind: "empty" };
  return { kind: "ok", relativePaths: relativePaths.map((p) => p.split(path.sep).join("/")).sort() };
}

type FileResult<T> =
  | { readonly ok: true; readonly files: T[] }
  | { readonly ok: false; readonly path: string; readonly message: string };

type SizedFile = Omit<LocalFile, "sha256">;

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

function statFiles(dir: string, relativePaths: readonly string[]): Promise<FileResult<SizedFile>> {
  return readEach(
    relativePaths,
    (relativePath) => path.join(dir, relativePath),
    async (relativePath) => {
      const absolutePath = path.join(dir, relativePath);
      return { relativePath, absolutePath, size: (await stat(absolutePath)).size };
    },
  );
}

function hashFiles(files: readonly SizedFile[]): Promise<FileResult<LocalFile>> {
  return readEach(
    files,
    (file) => file.absolutePath,
    async (file) => {
      const hash = createHash("sha256");
      if (file.size <= READ_WHOLE_FILE_BYTES) {
        hash.update(await readFile(file.absolutePath));
      } else {
        for await (const chunk of createReadStream(file.absolutePath)) hash.update(chunk as Buffer);
      }
      return { ...file, sha256: hash.digest("hex") };
    },
  );
}

/**
 * HEADs the unhashed keys that a listing page shows with our size: only their stored digest
 * can tell whether they changed.
 */
function headReader(
  store: AssetStore,
  localByKey: ReadonlyMap<string, { readonly hashed: boolean; readonly size: number }>,
  concurrency: number,
) {
  const limit = pLimit(concurrency);
  const heads = new Map<string, ObjectHead>();
  const pending: Promise<unknown>[] = [];
  let fatal: StoreError | undefined;

  const readHead = async (key: string) => {
    if (fatal) return;
    const result = await store.head(key);
    if (result.ok) {
      if (result.value) heads.set(key, result.value);
    } else if (FATAL_KINDS.has(result.error.kind)) {
      fatal = result.error;
    }
    // Any other failure leaves the key without a head: it is uploaded ("unverified").
  };

  return {
    onPage(page: ReadonlyMap<string, ListedObject>): void {
      for (const [key, listed] of page) {
        const local = localByKey.get(key);
        if (local && needsHead(local, listed)) pending.push(limit(() => readHead(key)));
      }
    },
    async done(): Promise<{ ok: true; value: ReadonlyMap<string, ObjectHead> } | { ok: false; error: StoreError }> {
      await Promise.all(pending);
      return fatal ? { ok: false, error: fatal } : { ok: true, value: heads };
    },
  };
}

interface UploadRun {
  readonly succeeded: PlannedUpload[];
  readonly failed: FailedKey[];
  readonly interrupted: boolean;
}

/**
 * Hashed files first, then unhashed ones, which may reference them (an HTML page, a
 * service worker): if any hashed file failed, no unhashed file goes up.
 */
async function uploadInOrder(store: AssetStore, plan: SyncPlan, request: SyncRequest): Promise<UploadRun> {
  const total = plan.hashedUploads.length + plan.unhashedUploads.length;
  const run: UploadRun & { bytes: number; stop: boolean } = {
    succeeded: [],
    failed: [],
    interrupted: false,
    bytes: 0,
    stop: false,
  };
  const attempts = request.fileAttempts ?? 3;
  const report = () => request.onProgress?.({ done: run.succeeded.length + run.failed.length, total, bytes: run.bytes });

  const uploadOne = async (upload: PlannedUpload) => {
    if (run.stop || request.signal?.aborted) return;
    let result = await store.upload(upload.asset, request.signal);
    for (let attempt = 2; !result.ok && result.error.retryable && attempt <= attempts; attempt++) {
      await sleep(backoffMs(attempt), request.signal);
      if (request.signal?.aborted) break;
      result = await store.upload(upload.asset, request.signal);
    }
    if (request.signal?.aborted) return;
    if (result.ok) {
      run.succeeded.push(upload);
      run.bytes += upload.asset.size;
    } else {
      run.failed.push({ key: upload.asset.key, error: result.error });
      if (FATAL_KINDS.has(result.error.kind)) run.stop = true;
    }
    report();
  };

  report();
  for (const phase of [plan.hashedUploads, plan.unhashedUploads]) {
    await mapConcurrently(phase, request.concurrency, uploadOne);
    if (request.signal?.aborted) return { ...run, interrupted: true };
    if (run.failed.length > 0) break;
  }
  return run;
}

/** Full-jitter exponential backoff before a whole-file retry: 0–0.4 s, then 0–0.8 s, … */
function backoffMs(attempt: number): number {
  return Math.random() * 200 * 2 ** (attempt - 1);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
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
