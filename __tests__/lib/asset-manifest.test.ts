/**
 * The asset manifest format shared by sync-assets (writer) and release/rollback/prune
 * (readers): an entry's `etag` is optional, so manifests written before it existed still read.
 */
import { AssetManifestSchema, buildAssetManifest, serializeAssetManifest } from "../../lib/asset-manifest";

const entry = {
  key: "assets/main.6EFCQAEZ.js",
  sha256: "a".repeat(64),
  size: 12,
  contentType: "text/javascript; charset=utf-8",
  cacheControl: "public, max-age=31536000, immutable",
};

describe("the asset manifest", () => {
  it("reads a manifest written before entries carried an etag", () => {
    const old = { formatVersion: 1, env: "dev", releaseId: "r1", createdAt: "2026-01-01T00:00:00.000Z", assets: [entry] };
    expect(AssetManifestSchema.parse(old).assets).toEqual([entry]);
  });

  it("keeps an entry's etag through writing and reading", () => {
    const manifest = buildAssetManifest({ env: "dev", releaseId: "r1", assets: [{ ...entry, etag: "6f5902ac237024bdd0c176cb93063dc4" }] });
    const read = AssetManifestSchema.parse(JSON.parse(serializeAssetManifest(manifest)));
    expect(read.assets[0]?.etag).toBe("6f5902ac237024bdd0c176cb93063dc4");
  });

  it("writes no etag field for an entry without one", () => {
    const manifest = buildAssetManifest({ env: "dev", releaseId: "r1", assets: [entry] });
    expect(Object.keys(manifest.assets[0]!)).not.toContain("etag");
  });
});
