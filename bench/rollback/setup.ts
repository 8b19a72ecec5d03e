/**
 * The benchmark's world in a local moto_server: the app (bucket, function, alias) and two
 * releases whose assets and manifests are written the way sync-assets writes them, plus
 * older assets so listing the bucket is not trivially small.
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { buildAssetManifest, serializeAssetManifest } from "../../lib/asset-manifest";
import { assetManifestKey } from "../../lib/naming";
import { createLocalApp, type LocalApp } from "../../scripts/demo/local-app";
import { zipSync } from "fflate";
import { clientSettings } from "../../scripts/shared/aws";

export const ENV = "dev";
export const REGION = "eu-west-1";
/** Assets of older releases still in the bucket: ten kept releases of the example app (2 files each). */
const OLD_ASSETS = 20;

export async function createBenchApp(): Promise<LocalApp> {
  const code = (label: string) =>
    Buffer.from(zipSync({ "index.js": Buffer.from(`exports.handler = async () => ${JSON.stringify(label)};\n`) }));
  const app = await createLocalApp({
    region: REGION,
    bucket: "bench-rollback-assets",
    functionName: "bench-rollback-ssr",
    roleName: "bench-rollback-ssr",
    zip: code("a"),
  });
  await app.publish(code("b"));
  const s3 = new S3Client({ ...clientSettings(REGION), forcePathStyle: true });
  for (let i = 0; i < OLD_ASSETS; i++) {
    await s3.send(new PutObjectCommand({ Bucket: app.bucket, Key: `assets/old-${i}.${hash(String(i)).slice(0, 8)}.js`, Body: `// ${i}` }));
  }
  for (const releaseId of ["a", "b"]) await syncRelease(s3, app.bucket, releaseId);
  return app;
}

async function syncRelease(s3: S3Client, bucket: string, releaseId: string): Promise<void> {
  const files = ["main.js", "styles.css"].map((name) => {
    const body = `/* ${releaseId} */ ${name}`;
    const [stem, ext] = name.split(".");
    return { key: `assets/${stem}.${hash(body).slice(0, 8).toUpperCase()}.${ext}`, body };
  });
  for (const f of files) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: f.key, Body: f.body }));
  const manifest = buildAssetManifest({
    env: ENV,
    releaseId,
    assets: files.map((f) => ({
      key: f.key,
      sha256: hash(f.body),
      size: f.body.length,
      contentType: f.key.endsWith(".css") ? "text/css" : "text/javascript",
      cacheControl: "public, max-age=31536000, immutable",
    })),
  });
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: assetManifestKey({ name: ENV }, releaseId), Body: serializeAssetManifest(manifest) }));
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
