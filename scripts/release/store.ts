/**
 * Reading and appending the ledger and reading asset manifests, over the storage port.
 * Shared by release, rollback, list and prune.
 */
import { AssetManifestSchema, type AssetManifest } from "../../lib/asset-manifest";
import { errorMessage, UserError } from "../../lib/errors";
import { ASSETS_PREFIX, assetManifestKey, releaseLedgerPrefix } from "../../lib/naming";
import {
  indexFromKeys,
  LedgerRecordSchema,
  nextSequence,
  recordFromDraft,
  serializeRecord,
  recordKey,
  type LedgerIndex,
  type LedgerRecord,
  type LedgerRecordDraft,
} from "./ledger";
import { missingAssets } from "./plan";
import type { StoragePort, StoredObject } from "./ports";

export function ledgerPrefixOf(env: string): string {
  return releaseLedgerPrefix({ name: env });
}

export function manifestKeyOf(env: string, releaseId: string): string {
  return assetManifestKey({ name: env }, releaseId);
}

export async function readLedger(storage: StoragePort, env: string): Promise<LedgerIndex> {
  const prefix = ledgerPrefixOf(env);
  const objects = await storage.list(prefix);
  return indexFromKeys(
    prefix,
    objects.map((o) => o.key),
  );
}

export type ManifestRead =
  | { readonly kind: "found"; readonly key: string; readonly manifest: AssetManifest }
  | { readonly kind: "missing"; readonly key: string }
  | { readonly kind: "invalid"; readonly key: string; readonly problem: string };

export async function readManifest(storage: StoragePort, env: string, releaseId: string): Promise<ManifestRead> {
  const key = manifestKeyOf(env, releaseId);
  const text = await storage.getText(key);
  return parseManifest(key, text);
}

export function parseManifest(key: string, text: string | undefined): ManifestRead {
  if (text === undefined) return { kind: "missing", key };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { kind: "invalid", key, problem: `not JSON: ${errorMessage(error)}` };
  }
  const parsed = AssetManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "invalid", key, problem: `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
  }
  return { kind: "found", key, manifest: parsed.data };
}

/**
 * The first page (up to 1000 keys) of the assets prefix: one call, read in parallel with the
 * ledger and the alias before anyone knows which manifest will be checked. `checkAssets`
 * lists further only where the manifest's keys lie beyond it.
 */
export interface AssetListing {
  /** In S3's order (UTF-8 bytes). */
  readonly objects: readonly StoredObject[];
  /** Every key under the prefix is in `objects`; otherwise keys after the last one are unlisted. */
  readonly complete: boolean;
}

export async function listAssets(storage: StoragePort): Promise<AssetListing> {
  const page = await storage.listPage(ASSETS_PREFIX);
  return { objects: page.objects, complete: !page.truncated };
}

/** Every object under the assets prefix: one call per 1000 (prune needs them all). */
export function listAllAssets(storage: StoragePort): Promise<StoredObject[]> {
  return storage.list(ASSETS_PREFIX);
}

export type AssetCheck =
  | { readonly kind: "present"; readonly manifestKey: string; readonly assetCount: number }
  | { readonly kind: "manifest-missing"; readonly manifestKey: string; readonly message: string }
  | { readonly kind: "assets-missing"; readonly manifestKey: string; readonly missing: readonly string[]; readonly message: string };

/**
 * Proves a release's assets are in the bucket: its manifest exists and every key in it is
 * listed. `listing` is the first page of the assets prefix, read in parallel with other
 * calls; when the bucket holds more, only the stretches holding the manifest's keys are
 * listed further. Keys a manifest keeps outside that prefix are looked up one by one.
 */
export async function checkAssets(
  storage: StoragePort,
  releaseId: string,
  manifestRead: ManifestRead,
  listing: AssetListing,
): Promise<AssetCheck> {
  if (manifestRead.kind !== "found") {
    const why = manifestRead.kind === "missing" ? "does not exist" : `is invalid (${manifestRead.problem})`;
    return {
      kind: "manifest-missing",
      manifestKey: manifestRead.key,
      message:
        `the asset manifest of release ${releaseId}, s3://${storage.bucket}/${manifestRead.key}, ${why}; ` +
        `run \`npm run sync-assets -- --env <env> --release ${releaseId}\` for this build first`,
    };
  }
  const manifestKey = manifestRead.key;
  const present = new Set(listing.objects.map((o) => o.key));
  if (!listing.complete) {
    const inPrefix = manifestRead.manifest.assets.map((a) => a.key).filter((key) => key.startsWith(ASSETS_PREFIX));
    await listWhereNeeded(storage, inPrefix, listing.objects[listing.objects.length - 1]?.key ?? "", present);
  }
  const outside = manifestRead.manifest.assets.map((a) => a.key).filter((key) => !key.startsWith(ASSETS_PREFIX));
  for (const key of outside) {
    if ((await storage.list(key)).some((o) => o.key === key)) present.add(key);
  }
  const missing = missingAssets(manifestRead.manifest, present);
  if (missing.length > 0) {
    const shown = missing.slice(0, 20).join(", ") + (missing.length > 20 ? `, … (${missing.length - 20} more)` : "");
    return {
      kind: "assets-missing",
      manifestKey,
      missing,
      message:
        `${missing.length} of ${manifestRead.manifest.assets.length} assets of release ${releaseId} are missing from s3://${storage.bucket}: ${shown}. ` +
        `Its HTML would reference files that 404; re-run sync-assets for release ${releaseId} to restore them`,
    };
  }
  return { kind: "present", manifestKey, assetCount: manifestRead.manifest.assets.length };
}

/**
 * Lists further pages of the assets prefix, but only around `keys` the first page did not
 * reach: each page starts just before the next key still unaccounted for, skipping stretches
 * of the bucket no key of the manifest falls in. At most one call per such key, and no more
 * than listing the rest of the prefix. Adds what it finds to `present`.
 */
async function listWhereNeeded(storage: StoragePort, keys: readonly string[], listedThrough: string, present: Set<string>): Promise<void> {
  const wanted = keys.filter((key) => !present.has(key)).sort(compareKeys);
  let cursor = listedThrough;
  for (;;) {
    const next = wanted.find((key) => compareKeys(key, cursor) > 0 && !present.has(key));
    if (next === undefined) return;
    const startAfter = [cursor, justBefore(next)].sort(compareKeys)[1];
    const page = await storage.listPage(ASSETS_PREFIX, { startAfter });
    for (const o of page.objects) present.add(o.key);
    if (!page.truncated) return;
    cursor = page.objects[page.objects.length - 1].key;
  }
}

/** S3 lists keys in the order of their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** A key that sorts just before `key` (its strict prefix), for StartAfter to include `key`. */
function justBefore(key: string): string {
  return Array.from(key).slice(0, -1).join("");
}

const APPEND_ATTEMPTS = 5;

/**
 * Appends a record with the next sequence number, never overwriting (If-None-Match: *).
 * When the key is taken, another writer got there first: re-read the ledger and take the
 * next number, so both records survive.
 */
export async function appendRecord(
  storage: StoragePort,
  env: string,
  index: LedgerIndex,
  draft: LedgerRecordDraft,
): Promise<{ record: LedgerRecord; key: string }> {
  const prefix = ledgerPrefixOf(env);
  let current = index;
  for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
    const record = recordFromDraft(draft, nextSequence(current));
    const key = recordKey(prefix, record);
    if ((await storage.putIfAbsent(key, serializeRecord(record))) === "created") return { record, key };
    current = await readLedger(storage, env);
  }
  throw new UserError(
    `could not append to the ledger s3://${storage.bucket}/${prefix} after ${APPEND_ATTEMPTS} attempts: other writers kept taking the next ` +
      "record. Deploys to one environment should be serialised (see docs/pipeline.md, Concurrency)",
  );
}

export type RecordRead =
  | { readonly kind: "found"; readonly record: LedgerRecord }
  | { readonly kind: "invalid"; readonly key: string; readonly problem: string };

export async function readRecord(storage: StoragePort, key: string): Promise<RecordRead> {
  const text = await storage.getText(key);
  if (text === undefined) return { kind: "invalid", key, problem: "disappeared while listing" };
  try {
    const parsed = LedgerRecordSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { kind: "found", record: parsed.data };
    const issue = parsed.error.issues[0];
    return { kind: "invalid", key, problem: `${issue?.path.join(".") || "(root)"}: ${issue?.message}` };
  } catch (error) {
    return { kind: "invalid", key, problem: `not JSON: ${errorMessage(error)}` };
  }
}
