/**
 * The pure half of sync-assets: which files are content-hashed, which headers each object
 * gets, what must be uploaded given a listing of the bucket and what the bucket proves about
 * each listed object, whether a second listing confirms the sync's own bytes, and the release
 * manifest. No I/O here, so every rule is unit-tested without a server.
 */
import path from "node:path";
import mime from "mime-types";
import { buildAssetManifest, type AssetEntry, type AssetManifest } from "../../lib/asset-manifest";
import { RELEASES_ROOT } from "../../lib/naming";

/** Hashed names never change content, so browsers and CloudFront may keep them for a year. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** Unhashed names (favicon.ico, robots.txt) change in place: caches must revalidate. */
export const REVALIDATE_CACHE_CONTROL = "public, max-age=0, must-revalidate";

export interface CachePolicies {
  /** Cache-Control of content-hashed files. @default IMMUTABLE_CACHE_CONTROL */
  readonly hashed: string;
  /** Cache-Control of every other file. @default REVALIDATE_CACHE_CONTROL */
  readonly unhashed: string;
  /**
   * The app build's cache rules (lib/app-build): true for a path it says is immutable,
   * false for one that must stay short-cached, undefined to decide by the file's name.
   * @default decide every path by its name (isHashedName)
   */
  readonly immutable?: (relativePath: string) => boolean | undefined;
}

/** Whether a file is treated as content-hashed: the build's rules first, then its name. */
export function isImmutablePath(policies: Pick<CachePolicies, "immutable">, relativePath: string): boolean {
  return policies.immutable?.(relativePath) ?? isHashedName(relativePath);
}

export const DEFAULT_CACHE_POLICIES: CachePolicies = {
  hashed: IMMUTABLE_CACHE_CONTROL,
  unhashed: REVALIDATE_CACHE_CONTROL,
};

/** How one file is stored. */
export interface AssetClass {
  /**
   * The key's bytes never change (a content hash in the name, or a folder the build
   * declares immutable): an existing key is never rewritten, and it goes up before the
   * files that may reference it.
   */
  readonly hashed: boolean;
  readonly cacheControl: string;
}

/** Classifies a file by its path relative to --dir (a build description can supply its own rules). */
export type AssetClassifier = (relativePath: string) => AssetClass;

/**
 * Classifies by the build's rules where `policies.immutable` has them, else by the file
 * name: hashed when it carries a content hash (contentHashOf).
 */
export function classifyByName(policies: CachePolicies = DEFAULT_CACHE_POLICIES): AssetClassifier {
  return (relativePath) => {
    const hashed = isImmutablePath(policies, relativePath);
    return { hashed, cacheControl: hashed ? policies.hashed : policies.unhashed };
  };
}

/** Extensions appended to a hashed file's name that keep its hash: `main.<hash>.js.map`. */
const TRAILING_EXTENSIONS = new Set([".map", ".gz", ".br", ".zst"]);
const MIN_HASH_LENGTH = 8;
/** Vite/Rollup base64url hashes are 8 characters and may themselves contain `-`. */
const DASHED_HASH_LENGTH = 8;
const HASH_ALPHABET = /^[A-Za-z0-9_-]+$/;
/** `useEffect`, `ArrowLeft`: a camelCase word, not a hash. */
/** A name that is nothing but a hex hash (webpack's `[hash][ext]`). */
const BARE_HEX_HASH = /^(?:[0-9a-f]{8,}|[0-9A-F]{8,})$/;
const CAMEL_CASE_WORD = /^[A-Za-z][a-z]{2,}([A-Z][a-z]{2,})+$/;

/**
 * True when `token` looks like a bundler's content hash: at least 8 hex or base64url
 * characters that are not a plain word. Words are lower-case-only (`component`) or
 * camelCase (`useEffect`). Digits only are a date or version after a dash
 * (`report-20240101`) but a hash after a dot (`main.12345678.js`: 2 % of 8-character hex
 * hashes are all digits). Erring towards "not hashed" is the safe side: such a file only
 * gets the revalidating cache policy.
 */
export function isHashToken(token: string, digitsOnlyIsHash = false): boolean {
  if (token.length < MIN_HASH_LENGTH || !HASH_ALPHABET.test(token)) return false;
  const letters = token.replace(/[^A-Za-z]/g, "");
  const hasDigit = /[0-9]/.test(token);
  if (letters.length === 0) return digitsOnlyIsHash && /^[0-9]+$/.test(token);
  if (hasDigit) return true;
  if (letters === letters.toLowerCase()) return false;
  return !CAMEL_CASE_WORD.test(token);
}

/**
 * The content hash in a file name, if it has one: `name.<hash>.ext`, `name-<hash>.ext` or
 * `<hash>.ext` (webpack's asset modules), also behind `.map`/`.gz`/`.br`/`.zst`.
 */
export function contentHashOf(fileName: string): string | undefined {
  let name = path.posix.basename(fileName);
  for (let ext = path.posix.extname(name); TRAILING_EXTENSIONS.has(ext.toLowerCase()); ext = path.posix.extname(name)) {
    name = name.slice(0, -ext.length);
  }
  const ext = path.posix.extname(name);
  if (ext === "" || ext === name) return undefined;
  const stem = name.slice(0, -ext.length);

  const lastDot = stem.lastIndexOf(".");
  const afterDot = lastDot > 0 ? stem.slice(lastDot + 1) : undefined;
  if (afterDot !== undefined && isHashToken(afterDot, true)) return afterDot;

  const candidates: string[] = [];
  const lastDash = stem.lastIndexOf("-");
  if (lastDash > 0) {
    candidates.push(stem.slice(lastDash + 1));
    const previousDash = stem.lastIndexOf("-", lastDash - 1);
    const dashed = stem.slice(previousDash + 1);
    if (previousDash > 0 && dashed.length === DASHED_HASH_LENGTH) candidates.push(dashed);
  }
  if (BARE_HEX_HASH.test(stem)) candidates.push(stem);
  return candidates.find((candidate) => isHashToken(candidate));
}

export function isHashedName(fileName: string): boolean {
  return contentHashOf(fileName) !== undefined;
}

const contentTypeByExtension = new Map<string, string>();

/** Content-Type from the extension, with `charset=utf-8` for text types. */
export function contentTypeFor(fileName: string): string {
  const extension = path.posix.extname(fileName) || "bin";
  let type = contentTypeByExtension.get(extension);
  if (type === undefined) {
    // A build has a handful of extensions and thousands of files: look each up once.
    type = mime.contentType(extension) || "application/octet-stream";
    contentTypeByExtension.set(extension, type);
  }
  return type;
}

/**
 * `--prefix` as a key prefix: no leading slash, one trailing slash, no `.`/`..` segments,
 * never inside `_releases/` (owned by the release tooling). Returns an error message when
 * the prefix cannot be used.
 */
export function normalizePrefix(raw: string | undefined): { ok: true; prefix: string } | { ok: false; problem: string } {
  if (raw === undefined) return { ok: true, prefix: "" };
  const trimmed = raw.replace(/^\/+/, "").replace(/\/+$/, "");
  if (trimmed === "") return { ok: true, prefix: "" };
  if (trimmed.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    return { ok: false, problem: "must be slash-separated names without empty, '.' or '..' segments" };
  }
  const prefix = `${trimmed}/`;
  if (prefix.startsWith(RELEASES_ROOT)) {
    return { ok: false, problem: `must not be inside ${RELEASES_ROOT}, which holds release ledgers and manifests` };
  }
  return { ok: true, prefix };
}

/** A file found under --dir, hashed locally. */
export interface LocalFile {
  /** Path relative to --dir with `/` separators, e.g. `assets/main.6EFCQAEZ.js`. */
  readonly relativePath: string;
  readonly absolutePath: string;
  readonly size: number;
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string;
}

/** A local file with the key and headers it gets in the bucket. */
export interface PlannedAsset extends LocalFile {
  readonly key: string;
  readonly hashed: boolean;
  readonly contentType: string;
  readonly cacheControl: string;
}

export function planAssets(files: readonly LocalFile[], prefix: string, classify: AssetClassifier): PlannedAsset[] {
  return files
    .map((file) => {
      const { hashed, cacheControl } = classify(file.relativePath);
      return { ...file, key: `${prefix}${file.relativePath}`, hashed, contentType: contentTypeFor(file.relativePath), cacheControl };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What a listing says about a key. */
export interface ListedObject {
  readonly size: number;
  /** The object's ETag without quotes: it changes whenever the object is written again with other bytes. */
  readonly etag: string;
  readonly lastModified?: Date;
}

/** What HeadObject says about a key. */
export interface ObjectHead {
  readonly size: number;
  readonly etag: string;
  /**
   * Hex sha256 of the object: S3's own full-object SHA-256 checksum where it has one, else
   * the `x-amz-meta-sha256` sync-assets stored; absent on objects written by other tools.
   */
  readonly sha256?: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
}

/**
 * What the bucket proves about a listed object's bytes and headers: the previous manifest's
 * record for the same ETag and size (that sync confirmed these bytes under that ETag, and an
 * object rewritten since would have another), or a HeadObject.
 */
export interface Evidence {
  readonly source: "manifest" | "head";
  readonly etag: string;
  readonly sha256?: string;
  readonly contentType?: string;
  readonly cacheControl?: string;
}

/**
 * The previous manifest's record of `key` as evidence, when the listing shows the very
 * object it recorded (same ETag, same size). Records without an ETag (manifests written
 * before it was kept) prove nothing.
 */
export function evidenceFromRecord(record: AssetEntry | undefined, listed: ListedObject | undefined): Evidence | undefined {
  if (record?.etag === undefined || listed === undefined) return undefined;
  if (record.etag !== listed.etag || record.size !== listed.size) return undefined;
  return {
    source: "manifest",
    etag: record.etag,
    sha256: record.sha256,
    contentType: record.contentType,
    cacheControl: record.cacheControl,
  };
}

export function evidenceFromHead(head: ObjectHead): Evidence {
  return { source: "head", etag: head.etag, sha256: head.sha256, contentType: head.contentType, cacheControl: head.cacheControl };
}

/**
 * Whether deciding about `asset` needs a HeadObject: only an unhashed file whose key exists
 * with the same size (a different size already proves the content changed) and that the
 * previous manifest does not vouch for.
 */
export function needsHead(
  asset: Pick<PlannedAsset, "hashed" | "size">,
  listed: ListedObject | undefined,
  recorded: Evidence | undefined,
): boolean {
  return !asset.hashed && listed !== undefined && listed.size === asset.size && recorded === undefined;
}

/** Why a file is uploaded; `unverified`: listed, but its stored digest could not be read. */
export type UploadReason = "new" | "size-differs" | "content-changed" | "headers-changed" | "no-digest" | "unverified";
export type SkipReason = "hashed-exists" | "unchanged";
export type Decision =
  | { readonly action: "upload"; readonly reason: UploadReason }
  | { readonly action: "skip"; readonly reason: SkipReason };

/**
 * A hashed key that exists is skipped: its name is its content. (If its size differs, or
 * the bucket's evidence shows other bytes, the object is not this content and the manifest
 * would lie, so it is replaced.) An unhashed key is uploaded when the evidence shows another
 * digest or other headers, or there is no evidence.
 */
export function decide(asset: PlannedAsset, listed: ListedObject | undefined, evidence: Evidence | undefined): Decision {
  if (listed === undefined) return { action: "upload", reason: "new" };
  if (listed.size !== asset.size) return { action: "upload", reason: "size-differs" };
  if (asset.hashed) {
    if (evidence?.sha256 !== undefined && evidence.sha256 !== asset.sha256) return { action: "upload", reason: "content-changed" };
    return { action: "skip", reason: "hashed-exists" };
  }
  if (evidence === undefined) return { action: "upload", reason: "unverified" };
  if (evidence.sha256 === undefined) return { action: "upload", reason: "no-digest" };
  if (evidence.sha256 !== asset.sha256) return { action: "upload", reason: "content-changed" };
  if (evidence.contentType !== asset.contentType || evidence.cacheControl !== asset.cacheControl) {
    return { action: "upload", reason: "headers-changed" };
  }
  return { action: "skip", reason: "unchanged" };
}

export interface PlannedUpload {
  readonly asset: PlannedAsset;
  readonly reason: UploadReason;
}

export interface SkippedAsset {
  readonly asset: PlannedAsset;
  readonly reason: SkipReason;
  readonly listed: ListedObject;
  readonly evidence?: Evidence;
}

export interface SyncPlan {
  /** Uploaded first: nothing references an unhashed file by a hashed one's name. */
  readonly hashedUploads: readonly PlannedUpload[];
  /** Uploaded after every hashed file is in place (they may reference hashed files). */
  readonly unhashedUploads: readonly PlannedUpload[];
  readonly skipped: readonly SkippedAsset[];
}

export function buildPlan(
  assets: readonly PlannedAsset[],
  listing: ReadonlyMap<string, ListedObject>,
  evidence: ReadonlyMap<string, Evidence>,
): SyncPlan {
  const hashedUploads: PlannedUpload[] = [];
  const unhashedUploads: PlannedUpload[] = [];
  const skipped: SkippedAsset[] = [];
  for (const asset of assets) {
    const listed = listing.get(asset.key);
    const known = evidence.get(asset.key);
    const decision = decide(asset, listed, known);
    if (decision.action === "skip") skipped.push({ asset, reason: decision.reason, listed: listed!, evidence: known });
    else (asset.hashed ? hashedUploads : unhashedUploads).push({ asset, reason: decision.reason });
  }
  // Largest first, so one big file does not start last and hold up the end of the run.
  const bySizeDescending = (a: PlannedUpload, b: PlannedUpload) => b.asset.size - a.asset.size;
  return {
    hashedUploads: hashedUploads.sort(bySizeDescending),
    unhashedUploads: unhashedUploads.sort(bySizeDescending),
    skipped,
  };
}

/** Local paths whose keys would land in `_releases/`, which sync-assets must never write. */
export function keysInReleasesRoot(assets: readonly Pick<PlannedAsset, "key">[]): string[] {
  return assets.filter((asset) => asset.key.startsWith(RELEASES_ROOT)).map((asset) => asset.key);
}

/** What an upload reported: the new object's ETag and the sha256 of the bytes S3 received. */
export interface UploadedObject {
  readonly etag: string;
  readonly sha256: string;
}

/**
 * The manifest entry of every asset, each naming bytes the bucket is known to hold: an
 * uploaded key records the digest of the bytes sent (S3 verified it) and the ETag S3 gave
 * them; a skipped key records the bucket's evidence (its digest, headers and ETag) where
 * there is any, and otherwise (a hashed key no manifest recorded) the local digest, vouched
 * for by the hash in its name, with the listed ETag.
 */
export function manifestEntries(plan: SyncPlan, uploaded: ReadonlyMap<string, UploadedObject>): AssetEntry[] {
  const entries: AssetEntry[] = [];
  for (const { asset } of [...plan.hashedUploads, ...plan.unhashedUploads]) {
    const result = uploaded.get(asset.key);
    if (!result) throw new Error(`no upload result for ${asset.key}: the manifest can only list confirmed keys`);
    entries.push({ ...entryBase(asset), sha256: result.sha256, etag: result.etag });
  }
  for (const { asset, listed, evidence } of plan.skipped) {
    entries.push({
      ...entryBase(asset),
      sha256: evidence?.sha256 ?? asset.sha256,
      contentType: evidence?.contentType ?? asset.contentType,
      cacheControl: evidence?.cacheControl ?? asset.cacheControl,
      etag: listed.etag,
    });
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function entryBase(asset: PlannedAsset) {
  return { key: asset.key, size: asset.size, contentType: asset.contentType, cacheControl: asset.cacheControl };
}

export interface ConfirmProblems {
  /** Keys the listing does not show. */
  readonly missing: readonly string[];
  /**
   * Keys listed with another size or ETag than the object this sync wrote or verified:
   * someone else wrote them meanwhile.
   */
  readonly changed: readonly string[];
}

/** Compares a listing taken after the uploads with the entries the manifest would record. */
export function confirmAgainstListing(
  entries: readonly Pick<AssetEntry, "key" | "size" | "etag">[],
  listing: ReadonlyMap<string, ListedObject>,
): ConfirmProblems {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const entry of entries) {
    const listed = listing.get(entry.key);
    if (listed === undefined) missing.push(entry.key);
    else if (listed.size !== entry.size || (entry.etag !== undefined && listed.etag !== entry.etag)) changed.push(entry.key);
  }
  return { missing, changed };
}

/** The release's asset manifest, validated against the shared schema (lib/asset-manifest.ts). */
export function buildManifest(input: {
  readonly env: string;
  readonly releaseId: string;
  readonly createdAt: Date;
  readonly entries: readonly AssetEntry[];
}): AssetManifest {
  return buildAssetManifest({ env: input.env, releaseId: input.releaseId, createdAt: input.createdAt, assets: input.entries });
}

/**
 * The newest asset manifest among `objects` (a listing of `_releases/<env>/`), whose records
 * let this sync trust unchanged objects without reading them.
 */
export function newestManifestKey(objects: ReadonlyMap<string, ListedObject>): string | undefined {
  let newest: { key: string; time: number } | undefined;
  for (const [key, object] of objects) {
    if (!key.endsWith(MANIFEST_SUFFIX)) continue;
    const time = object.lastModified?.getTime() ?? 0;
    if (!newest || time > newest.time || (time === newest.time && key > newest.key)) newest = { key, time };
  }
  return newest?.key;
}

const MANIFEST_SUFFIX = ".assets.json";
