/**
 * The release asset manifest: written by sync-assets as the last step of a successful sync
 * (`_releases/<env>/<release-id>.assets.json`, see lib/naming.ts) and read by release,
 * rollback and prune to prove a release's assets are present before its HTML goes live.
 */
import { z } from "zod";

export const ASSET_MANIFEST_FORMAT_VERSION = 1;

export const AssetEntrySchema = z.object({
  /** Object key in the assets bucket, e.g. `assets/main.6EFCQAEZ.js`. */
  key: z.string().min(1),
  /** Hex sha256 of the object's bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  contentType: z.string().min(1),
  cacheControl: z.string().min(1),
  /**
   * The object's ETag (without quotes) when the sync confirmed it held these bytes. A later
   * sync that lists the key with the same ETag and size knows the object is unchanged since,
   * without reading it. Absent in manifests written before it was recorded; readers must
   * not need it. Opaque: an MD5 only for single-part, unencrypted or SSE-S3 objects.
   */
  etag: z.string().min(1).optional(),
});

export const AssetManifestSchema = z.object({
  formatVersion: z.literal(ASSET_MANIFEST_FORMAT_VERSION),
  env: z.string().min(1),
  releaseId: z.string().min(1),
  /** ISO-8601 time the manifest was written. */
  createdAt: z.string().min(1),
  assets: z.array(AssetEntrySchema),
});

export type AssetEntry = z.infer<typeof AssetEntrySchema>;
export type AssetManifest = z.infer<typeof AssetManifestSchema>;

/**
 * Release ids become S3 keys and ledger entries: keep them to characters that need no
 * escaping anywhere (a git sha, a semver, a CI run number all fit).
 */
export const RELEASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A manifest for `assets`, validated against the schema (a bad entry throws, naming the
 * field). sync-assets builds its manifests with it, and so do fixtures and benchmarks.
 */
export function buildAssetManifest(input: {
  readonly env: string;
  readonly releaseId: string;
  /** @default new Date() */
  readonly createdAt?: Date;
  readonly assets: readonly AssetEntry[];
}): AssetManifest {
  return AssetManifestSchema.parse({
    formatVersion: ASSET_MANIFEST_FORMAT_VERSION,
    env: input.env,
    releaseId: input.releaseId,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    assets: input.assets.map(({ key, sha256, size, contentType, cacheControl, etag }) => ({
      key,
      sha256,
      size,
      contentType,
      cacheControl,
      ...(etag === undefined ? {} : { etag }),
    })),
  });
}

/** The manifest's object body, byte for byte what sync-assets writes (indented JSON and a newline). */
export function serializeAssetManifest(manifest: AssetManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
