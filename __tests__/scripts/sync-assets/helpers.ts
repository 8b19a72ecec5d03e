/**
 * Shared by the sync-assets tests: build directories on disk, buckets on the moto_server
 * the global setup started, and readers that look at the bucket directly (not through the
 * code under test).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { assetManifestKey, syncLockKey } from "../../../lib/naming";
import { classifyByName } from "../../../scripts/sync-assets/plan";
import { createS3AssetStore, type AssetStore, type S3AssetStoreOptions } from "../../../scripts/sync-assets/s3-port";
import type { SyncRequest } from "../../../scripts/sync-assets/sync";
import type { FaultDecision, ProxiedRequest } from "../../support/fault-proxy";
import { tempDir } from "../../support/temp-dir";
export { seededRandom } from "../../../bench/support/seeded-random";

export const REGION = "eu-west-1";

export function motoEndpoint(): string {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error("MOTO_ENDPOINT is not set: run through jest (the global setup starts moto_server)");
  return endpoint;
}

/** A client straight to moto, for setting up and inspecting buckets. */
export function directClient(): S3Client {
  return new S3Client({ region: "us-east-1", endpoint: motoEndpoint(), forcePathStyle: true });
}

let bucketCounter = 0;
/** Creates a fresh bucket named after the test. */
export async function createBucket(client: S3Client, label: string): Promise<string> {
  bucketCounter += 1;
  const bucket = `sync-${label}-${process.pid}-${bucketCounter}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Writes `files` (relative path -> content) into a new temporary directory. */
export async function makeBuildDir(files: Record<string, string | Buffer>): Promise<string> {
  const dir = tempDir("sync-assets-");
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [relativePath, content] of Object.entries(files)) {
    const target = path.join(dir, relativePath);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** A small build: hashed JS/CSS/SVG under assets/, unhashed files at the root. */
export function sampleBuild(label = "1"): Record<string, string> {
  return {
    "assets/main.6EFCQAEZ.js": `console.log("main ${label}");\n`,
    "assets/styles.I553WP56.css": `body { color: #123; } /* ${label} */\n`,
    "assets/logo-Bk3x9aZq.svg": `<svg xmlns="http://www.w3.org/2000/svg"><!-- ${label} --></svg>\n`,
    "assets/chunk-4f3c2a1b.js": `export const chunk = "${label}";\n`,
    "index.html": `<!doctype html><title>app ${label}</title>\n`,
    "robots.txt": "User-agent: *\nAllow: /\n",
    "favicon.ico": "\u0000\u0000\u0001\u0000icon",
    "data/config.json": `{"label":"${label}"}\n`,
  };
}

/** `count` deterministic files, mostly hashed, each a few hundred bytes. */
export function manyFiles(count: number, label = "1"): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const body = `/* ${label} */ export const value${i} = ${JSON.stringify("x".repeat(100 + ((i * 37) % 400)))};\n`;
    if (i % 10 === 9) {
      files[`pages/page-${i}.html`] = body;
    } else {
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 10);
      files[`assets/chunk-${i}.${hash}.js`] = body;
    }
  }
  return files;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ""));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys.sort();
}

export async function getBody(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

export async function headObject(client: S3Client, bucket: string, key: string) {
  return client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

export function storeFor(bucket: string, options: Partial<S3AssetStoreOptions> = {}): AssetStore {
  return createS3AssetStore({ bucket, region: REGION, concurrency: 8, endpoint: motoEndpoint(), ...options });
}

export function syncRequest(dir: string, overrides: Partial<SyncRequest> = {}): SyncRequest {
  const releaseId = overrides.releaseId ?? "r1";
  return {
    env: "dev",
    dir,
    prefix: "",
    releaseId,
    manifestKey: assetManifestKey({ name: "dev" }, releaseId),
    lockKey: syncLockKey({ name: "dev" }),
    concurrency: 8,
    classify: classifyByName(),
    dryRun: false,
    ...overrides,
  };
}

/** An S3 error response as S3 sends it: status and an XML body with the code. */
export function s3Error(status: number, code: string, message = code): FaultDecision {
  return {
    kind: "respond",
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": "FAULTPROXY" },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<RequestId>FAULTPROXY</RequestId><HostId>fault-proxy</HostId></Error>`,
  };
}

/** The object key a proxied path-style request addresses, or undefined for bucket-level calls. */
export function requestKey(request: ProxiedRequest, bucket: string): string | undefined {
  const pathname = new URL(request.url, "http://proxy").pathname;
  const prefix = `/${bucket}/`;
  if (!pathname.startsWith(prefix) || pathname.length === prefix.length) return undefined;
  return decodeURIComponent(pathname.slice(prefix.length));
}

export function isObjectPut(request: ProxiedRequest): boolean {
  return request.method === "PUT" && !request.url.includes("uploadId=");
}

export function isListing(request: ProxiedRequest): boolean {
  return request.method === "GET" && request.url.includes("list-type=2");
}


const PROJECT_ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(PROJECT_ROOT, "scripts/sync-assets/cli.ts");
const LAUNCHER = path.join(PROJECT_ROOT, "scripts/shared/run-bundled.cjs");

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts the real command the way `npm run sync-assets` does (node scripts/shared/run-bundled.cjs:
 * one process, so a signal reaches the CLI itself), with `env` on top of the test's
 * environment (a variable set to undefined is removed).
 */
export function startCommand(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CommandResult> } {
  const child = spawn(process.execPath, [LAUNCHER, CLI, ...args], {
    cwd: PROJECT_ROOT,
    env: Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = new Promise<CommandResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
