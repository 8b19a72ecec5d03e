/**
 * The narrow port sync-assets needs over S3: list a prefix, read one object's stored
 * digest, upload a file, put the manifest. Every call returns a value (ok or a classified
 * error); the SDK's exceptions stop here.
 *
 * Retries: the SDK's standard strategy already retries throttling (503 SlowDown), 5xx,
 * timeouts and connection errors (ECONNRESET — which is also what "socket hang up" carries
 * — EPIPE, ECONNREFUSED, ETIMEDOUT), with backoff and a client-wide retry quota. What it
 * does not do is replay a whole file when a multipart upload loses a part for good, or
 * retry once the quota is spent under a long burst of faults; sync.ts retries a file whose
 * error is `retryable` for that.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { errorMessage } from "../../lib/errors";
import { clientSettings, usesCustomS3Endpoint } from "../shared/aws";
import type { ListedObject, ObjectHead } from "./plan";

export type StoreErrorKind =
  | "no-such-bucket"
  | "access-denied"
  | "invalid-access-key"
  | "signature-mismatch"
  | "no-credentials"
  | "aborted"
  | "other";

export interface StoreError {
  readonly kind: StoreErrorKind;
  /** The S3 error code or Node error code, e.g. `NoSuchBucket`, `ECONNRESET`. */
  readonly code: string;
  readonly message: string;
  readonly httpStatus?: number;
  /** A transient condition: trying the same call later may succeed. */
  readonly retryable: boolean;
}

export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StoreError };

export interface UploadRequest {
  readonly key: string;
  readonly absolutePath: string;
  readonly size: number;
  /** Hex sha256: stored as `x-amz-meta-sha256` and sent as the checksum S3 verifies. */
  readonly sha256: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

export interface AssetStore {
  readonly bucket: string;
  /**
   * Every object under `prefix` (one paginated ListObjectsV2). `onPage` sees each page as it
   * arrives, so the caller can start work on it while the next page is on its way.
   */
  list(
    prefix: string,
    onPage?: (objects: ReadonlyMap<string, ListedObject>) => void,
  ): Promise<StoreResult<Map<string, ListedObject>>>;
  /** The object's size, stored sha256 and headers; `undefined` when there is no such key. */
  head(key: string): Promise<StoreResult<ObjectHead | undefined>>;
  upload(request: UploadRequest, signal?: AbortSignal): Promise<StoreResult<void>>;
  putJson(key: string, body: string, cacheControl: string): Promise<StoreResult<void>>;
  close(): void;
}

export interface S3AssetStoreOptions {
  readonly bucket: string;
  /** Region of the bucket (the environment's account region). */
  readonly region: string;
  /** Uploads the caller runs at once; sizes the connection pool. */
  readonly concurrency: number;
  /** Files larger than this go through a multipart upload. @default 16 MiB */
  readonly multipartThresholdBytes?: number;
  /** Part size of multipart uploads (S3's minimum is 5 MiB). @default 8 MiB */
  readonly partSizeBytes?: number;
  /**
   * Endpoint to use instead of the SDK's (AWS_ENDPOINT_URL[_S3] or AWS), with path-style
   * addressing; for tests and benchmarks that put a proxy in front of a local server.
   * @default the SDK's resolution
   */
  readonly endpoint?: string;
}

const MiB = 1024 * 1024;
export const DEFAULT_MULTIPART_THRESHOLD_BYTES = 16 * MiB;
export const DEFAULT_PART_SIZE_BYTES = 8 * MiB;
/** Parts of one multipart upload in flight at once. */
const PARTS_IN_FLIGHT = 4;

const NO_SUCH_BUCKET = new Set(["NoSuchBucket"]);
const ACCESS_DENIED = new Set(["AccessDenied", "AllAccessDisabled", "Forbidden", "AccountProblem"]);
const NODE_NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

export function createS3AssetStore(options: S3AssetStoreOptions): AssetStore {
  const multipartThreshold = options.multipartThresholdBytes ?? DEFAULT_MULTIPART_THRESHOLD_BYTES;
  const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
  // One keep-alive socket per concurrent upload (plus the parts of a multipart upload):
  // opening a connection per object costs more than the PUT of a small file.
  const maxSockets = options.concurrency + PARTS_IN_FLIGHT;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const client = new S3Client({
    ...clientSettings(options.region),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.endpoint !== undefined || usesCustomS3Endpoint(),
    followRegionRedirects: true,
    // We send our own SHA-256 with every PutObject (S3 verifies it and we already have it),
    // so the SDK need not compute a CRC32 of each body as well.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { httpAgent, httpsAgent, connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
  const Bucket = options.bucket;

  return {
    bucket: Bucket,

    async list(prefix, onPage) {
      const objects = new Map<string, ListedObject>();
      let ContinuationToken: string | undefined;
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket, Prefix: prefix || undefined, ContinuationToken }),
          );
          const pageObjects = new Map<string, ListedObject>();
          for (const object of page.Contents ?? []) {
            if (object.Key !== undefined) pageObjects.set(object.Key, { size: object.Size ?? 0 });
          }
          for (const [key, object] of pageObjects) objects.set(key, object);
          onPage?.(pageObjects);
          ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (ContinuationToken);
        return { ok: true, value: objects };
      } catch (error) {
        return { ok: false, error: classifyError(error) };
      }
    },

    async head(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return {
          ok: true,
          value: {
            size: head.ContentLength ?? 0,
            sha256: head.Metadata?.sha256,
            contentType: head.ContentType,
            cacheControl: head.CacheControl,
          },
        };
      } catch (error) {
        const classified = classifyError(error);
        if (classified.httpStatus === 404 && classified.code !== "NoSuchBucket") return { ok: true, value: undefined };
        return { ok: false, error: classified };
      }
    },

    async upload(request, signal) {
      const params = {
        Bucket,
        Key: request.key,
        ContentType: request.contentType,
        CacheControl: request.cacheControl,
        Metadata: { sha256: request.sha256 },
      } satisfies PutObjectCommandInput;
      try {
        if (request.size <= multipartThreshold) {
          const body = await readFile(request.absolutePath);
          await client.send(
            new PutObjectCommand({
              ...params,
              Body: body,
              ContentLength: body.length,
              // S3 rejects the PUT (BadDigest) if the bytes it received do not hash to this.
              ChecksumSHA256: Buffer.from(request.sha256, "hex").toString("base64"),
            }),
            { abortSignal: signal },
          );
        } else {
          const abortController = new AbortController();
          const onAbort = () => abortController.abort();
          signal?.addEventListener("abort", onAbort, { once: true });
          try {
            await new Upload({
              client,
              // Per-part SHA-256 checksums, verified by S3 part by part.
              params: { ...params, Body: createReadStream(request.absolutePath), ChecksumAlgorithm: "SHA256" },
              partSize,
              queueSize: PARTS_IN_FLIGHT,
              leavePartsOnError: false,
              abortController,
            }).done();
          } finally {
            signal?.removeEventListener("abort", onAbort);
          }
        }
        return { ok: true, value: undefined };
      } catch (error) {
        return { ok: false, error: classifyError(error) };
      }
    },

    async putJson(key, body, cacheControl) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            ContentType: "application/json; charset=utf-8",
            CacheControl: cacheControl,
          }),
        );
        return { ok: true, value: undefined };
      } catch (error) {
        return { ok: false, error: classifyError(error) };
      }
    },

    close() {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Turns an SDK or Node error into a StoreError the orchestration can act on. */
export function classifyError(error: unknown): StoreError {
  const record = (error ?? {}) as {
    name?: string;
    code?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const name = record.Code ?? record.name ?? "Error";
  const nodeCode = typeof record.code === "string" ? record.code : undefined;
  const httpStatus = record.$metadata?.httpStatusCode;
  const message = errorMessage(error);
  const code = nodeCode && NODE_NETWORK_CODES.has(nodeCode) ? nodeCode : name;
  const base = { code, message, httpStatus };

  if (name === "AbortError") return { ...base, kind: "aborted", retryable: false };
  if (NO_SUCH_BUCKET.has(name)) return { ...base, kind: "no-such-bucket", retryable: false };
  if (name === "InvalidAccessKeyId") return { ...base, kind: "invalid-access-key", retryable: false };
  if (name === "SignatureDoesNotMatch") return { ...base, kind: "signature-mismatch", retryable: false };
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return { ...base, kind: "no-credentials", retryable: false };
  }
  if (ACCESS_DENIED.has(name) || httpStatus === 403) return { ...base, kind: "access-denied", retryable: false };
  const retryable =
    (nodeCode !== undefined && NODE_NETWORK_CODES.has(nodeCode)) ||
    /socket hang up/i.test(message) ||
    name === "TimeoutError" ||
    name === "RequestTimeout" ||
    name === "SlowDown" ||
    (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) ||
    record.$fault === "server";
  return { ...base, kind: "other", retryable };
}
