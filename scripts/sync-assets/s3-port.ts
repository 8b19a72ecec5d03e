/**
 * The narrow port sync-assets needs over S3: list a prefix, read one object's digest and
 * headers, upload a file, read and write small text objects (the manifest, the lock) with
 * S3's conditional writes, delete the lock. Every call returns a value (ok or a classified
 * error); the SDK's exceptions stop here.
 *
 * Retries: the SDK's standard strategy already retries throttling (503 SlowDown), 5xx,
 * timeouts and connection errors (ECONNRESET — which is also what "socket hang up" carries
 * — EPIPE, ECONNREFUSED, ETIMEDOUT), with backoff and a client-wide retry quota. What it
 * does not do is replay a whole file when a multipart upload loses a part for good, or
 * retry once the quota is spent under a long burst of faults; sync.ts retries a file whose
 * error is `retryable` for that.
 *
 * Content checks (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html):
 * every PutObject and UploadPart carries the SHA-256 of its bytes (ChecksumAlgorithm SHA256),
 * computed here from the very bytes sent; S3 rejects a body that does not match and stores
 * the checksum, which HeadObject returns with ChecksumMode ENABLED (a full-object digest for
 * single-part objects, a digest of part digests for multipart ones). ETags are compared only
 * with ETags S3 itself returned for the same object, never with a local MD5: an ETag is an
 * MD5 only for single-part objects stored unencrypted or with SSE-S3
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html).
 */
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { errorMessage } from "../../lib/errors";
import { clientSettings, usesCustomS3Endpoint } from "../shared/aws";
import type { ListedObject, ObjectHead } from "./plan";

export type StoreErrorKind =
  | "no-such-bucket"
  | "access-denied"
  | "invalid-access-key"
  | "signature-mismatch"
  | "no-credentials"
  /** A conditional write's If-Match / If-None-Match did not hold (412), or lost a race (409). */
  | "precondition-failed"
  | "not-found"
  /** The file's bytes no longer hash to the digest the upload was planned with. */
  | "file-changed"
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
  /** A multipart upload was started for this call: whether AbortMultipartUpload then succeeded. */
  readonly multipartAbort?: "done" | "failed";
}

export type StoreResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StoreError };

export interface UploadRequest {
  readonly key: string;
  readonly absolutePath: string;
  readonly size: number;
  /** Hex sha256 the plan expects; stored as `x-amz-meta-sha256`. */
  readonly sha256: string;
  readonly contentType: string;
  readonly cacheControl: string;
}

export interface Uploaded {
  /** The ETag S3 gave the new object (quotes removed). */
  readonly etag: string;
  /** Hex sha256 of the bytes sent, which S3 verified. */
  readonly sha256: string;
  /** True when the file went up as a multipart upload. */
  readonly multipart: boolean;
}

export interface StoredText {
  readonly body: string;
  readonly etag: string;
  readonly lastModified: Date;
}

/** A conditional write: create only (`ifNoneMatch: "*"`) or replace only this version (`ifMatch`). */
export type WriteCondition = { readonly ifNoneMatch: "*" } | { readonly ifMatch: string };

export interface ListOptions {
  /** Group keys below the next `/` instead of listing them (only this level's objects). */
  readonly delimiter?: string;
  /** Sees each page as it arrives, so the caller can start work while the next loads. */
  readonly onPage?: (objects: ReadonlyMap<string, ListedObject>) => void;
}

export interface AssetStore {
  readonly bucket: string;
  /** Every object under `prefix` (one paginated ListObjectsV2). */
  list(prefix: string, options?: ListOptions): Promise<StoreResult<Map<string, ListedObject>>>;
  /** The object's size, ETag, digest and headers; `undefined` when there is no such key. */
  head(key: string): Promise<StoreResult<ObjectHead | undefined>>;
  /**
   * Uploads a file (multipart above the threshold). When `signal` aborts, requests in flight
   * are cancelled and a multipart upload is aborted (AbortMultipartUpload) before this returns.
   */
  upload(request: UploadRequest, signal?: AbortSignal): Promise<StoreResult<Uploaded>>;
  /** A small text object; `undefined` when there is no such key. */
  getText(key: string): Promise<StoreResult<StoredText | undefined>>;
  putText(
    key: string,
    body: string,
    headers: { readonly contentType: string; readonly cacheControl: string; readonly condition?: WriteCondition },
  ): Promise<StoreResult<{ readonly etag: string }>>;
  /** Deletes `key` if its ETag is still `ifMatch`. */
  deleteIfMatch(key: string, ifMatch: string): Promise<StoreResult<void>>;
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
const PRECONDITION_FAILED = new Set(["PreconditionFailed", "ConditionalRequestConflict"]);
const NOT_FOUND = new Set(["NoSuchKey", "NotFound"]);
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
    // We send our own SHA-256 with every body (S3 verifies it and we compute it anyway), so
    // the SDK need not compute a CRC32 of each body as well.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { httpAgent, httpsAgent, connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
  const Bucket = options.bucket;

  async function attempt<T>(call: () => Promise<T>): Promise<StoreResult<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, error: classifyError(error) };
    }
  }

  async function putSinglePart(request: UploadRequest, signal: AbortSignal | undefined): Promise<Uploaded> {
    const body = await readFile(request.absolutePath);
    const digest = createHash("sha256").update(body).digest();
    const sha256 = digest.toString("hex");
    const put = await client.send(
      new PutObjectCommand({
        Bucket,
        Key: request.key,
        Body: body,
        ContentLength: body.length,
        ContentType: request.contentType,
        CacheControl: request.cacheControl,
        Metadata: { sha256 },
        ChecksumAlgorithm: "SHA256",
        ChecksumSHA256: digest.toString("base64"),
      }),
      { abortSignal: signal },
    );
    return { etag: unquote(put.ETag), sha256, multipart: false };
  }

  /**
   * A multipart upload, written out rather than through @aws-sdk/lib-storage's Upload: its
   * abort() rejects done() at once while the parts in flight carry on, and sends the
   * AbortMultipartUpload later in the background, where nobody can wait for it, so a CLI
   * that exits on Ctrl-C leaves the parts stored (and billed) in the bucket.
   */
  async function putMultipart(request: UploadRequest, signal: AbortSignal | undefined): Promise<Uploaded> {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket,
        Key: request.key,
        ContentType: request.contentType,
        CacheControl: request.cacheControl,
        Metadata: { sha256: request.sha256 },
        ChecksumAlgorithm: "SHA256",
      }),
      { abortSignal: signal },
    );
    const UploadId = created.UploadId;
    try {
      const parts = await uploadParts(request, UploadId, signal);
      if (parts.sha256 !== request.sha256) {
        throw Object.assign(new Error(`${request.absolutePath} changed while it was being uploaded`), { name: "FileChanged" });
      }
      const completed = await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: request.key, UploadId, MultipartUpload: { Parts: parts.completed } }),
        { abortSignal: signal },
      );
      return { etag: unquote(completed.ETag), sha256: parts.sha256, multipart: true };
    } catch (error) {
      // Not under `signal`: this must go out precisely when the run was interrupted.
      const abort = await attempt(() => client.send(new AbortMultipartUploadCommand({ Bucket, Key: request.key, UploadId })));
      throw Object.assign(error as object, { multipartAbort: abort.ok ? "done" : "failed" });
    }
  }

  /**
   * Reads the file part by part, in order (so one pass also yields the whole file's sha256),
   * with up to PARTS_IN_FLIGHT parts uploading. On the first failure no new part starts, and
   * this waits for the parts in flight to settle, so that the AbortMultipartUpload that
   * follows frees every part (a part still uploading during the abort could survive it).
   */
  async function uploadParts(request: UploadRequest, UploadId: string | undefined, signal: AbortSignal | undefined) {
    const partCount = Math.max(1, Math.ceil(request.size / partSize));
    const whole = createHash("sha256");
    const completed: CompletedPart[] = new Array(partCount);
    const file = await open(request.absolutePath, "r");
    let readChain: Promise<unknown> = Promise.resolve();
    let next = 0;
    let failure: unknown;
    const readPart = (index: number) => {
      const read = readChain.then(async () => {
        const length = Math.min(partSize, request.size - index * partSize);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, index * partSize);
        const body = buffer.subarray(0, bytesRead);
        whole.update(body);
        return body;
      });
      readChain = read.catch(() => undefined);
      return read;
    };
    const lane = async () => {
      while (failure === undefined && next < partCount) {
        const index = next++;
        try {
          const body = await readPart(index);
          const checksum = createHash("sha256").update(body).digest("base64");
          const part = await client.send(
            new UploadPartCommand({
              Bucket,
              Key: request.key,
              UploadId,
              PartNumber: index + 1,
              Body: body,
              ContentLength: body.length,
              ChecksumAlgorithm: "SHA256",
              ChecksumSHA256: checksum,
            }),
            { abortSignal: signal },
          );
          completed[index] = { PartNumber: index + 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 ?? checksum };
        } catch (error) {
          failure ??= error;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, partCount) }, lane));
    } finally {
      await file.close();
    }
    if (failure !== undefined) throw failure;
    return { completed, sha256: whole.digest("hex") };
  }

  return {
    bucket: Bucket,

    list(prefix, listOptions = {}) {
      return attempt(async () => {
        const objects = new Map<string, ListedObject>();
        let ContinuationToken: string | undefined;
        do {
          const page = await client.send(
            new ListObjectsV2Command({ Bucket, Prefix: prefix || undefined, Delimiter: listOptions.delimiter, ContinuationToken }),
          );
          const pageObjects = new Map<string, ListedObject>();
          for (const object of page.Contents ?? []) {
            if (object.Key === undefined) continue;
            pageObjects.set(object.Key, {
              size: object.Size ?? 0,
              etag: unquote(object.ETag),
              lastModified: object.LastModified,
            });
          }
          for (const [key, object] of pageObjects) objects.set(key, object);
          listOptions.onPage?.(pageObjects);
          ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (ContinuationToken);
        return objects;
      });
    },

    async head(key) {
      const result = await attempt(async (): Promise<ObjectHead> => {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key, ChecksumMode: "ENABLED" }));
        return {
          size: head.ContentLength ?? 0,
          etag: unquote(head.ETag),
          sha256: fullObjectSha256(head.ChecksumSHA256, head.ChecksumType) ?? head.Metadata?.sha256,
          contentType: head.ContentType,
          cacheControl: head.CacheControl,
        };
      });
      if (!result.ok && result.error.kind === "not-found") return { ok: true, value: undefined };
      return result;
    },

    upload(request, signal) {
      return attempt(() =>
        request.size <= multipartThreshold ? putSinglePart(request, signal) : putMultipart(request, signal),
      );
    },

    async getText(key) {
      const result = await attempt(async (): Promise<StoredText> => {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return {
          body: (await object.Body?.transformToString("utf-8")) ?? "",
          etag: unquote(object.ETag),
          lastModified: object.LastModified ?? new Date(0),
        };
      });
      if (!result.ok && result.error.kind === "not-found") return { ok: true, value: undefined };
      return result;
    },

    putText(key, body, headers) {
      return attempt(async () => {
        const digest = createHash("sha256").update(body).digest("base64");
        const put = await client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            ContentType: headers.contentType,
            CacheControl: headers.cacheControl,
            ChecksumAlgorithm: "SHA256",
            ChecksumSHA256: digest,
            ...(headers.condition && "ifMatch" in headers.condition
              ? { IfMatch: quote(headers.condition.ifMatch) }
              : headers.condition
                ? { IfNoneMatch: headers.condition.ifNoneMatch }
                : {}),
          }),
        );
        return { etag: unquote(put.ETag) };
      });
    },

    deleteIfMatch(key, ifMatch) {
      return attempt(async () => {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key, IfMatch: quote(ifMatch) }));
      });
    },

    close() {
      client.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** ETags arrive quoted (`"6f59…"`); we keep and compare them without the quotes. */
export function unquote(etag: string | undefined): string {
  return (etag ?? "").replace(/^W\//, "").replace(/"/g, "");
}

function quote(etag: string): string {
  return `"${etag}"`;
}

/**
 * The object's SHA-256 as hex when S3 holds a full-object SHA-256 checksum for it. A
 * multipart object's checksum is a digest of its parts' digests (`…-3`, type COMPOSITE) and
 * says nothing comparable to a file's sha256.
 */
function fullObjectSha256(checksum: string | undefined, type: string | undefined): string | undefined {
  if (!checksum || checksum.includes("-") || type === "COMPOSITE") return undefined;
  const digest = Buffer.from(checksum, "base64");
  return digest.length === 32 ? digest.toString("hex") : undefined;
}

/** Turns an SDK or Node error into a StoreError the orchestration can act on. */
export function classifyError(error: unknown): StoreError {
  const record = (error ?? {}) as {
    name?: string;
    code?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    multipartAbort?: "done" | "failed";
  };
  const name = record.Code ?? record.name ?? "Error";
  const nodeCode = typeof record.code === "string" ? record.code : undefined;
  const httpStatus = record.$metadata?.httpStatusCode;
  const message = errorMessage(error);
  const code = nodeCode && NODE_NETWORK_CODES.has(nodeCode) ? nodeCode : name;
  const base = { code, message, httpStatus, ...(record.multipartAbort ? { multipartAbort: record.multipartAbort } : {}) };

  if (name === "AbortError") return { ...base, kind: "aborted", retryable: false };
  if (name === "FileChanged") return { ...base, kind: "file-changed", retryable: false };
  if (NO_SUCH_BUCKET.has(name)) return { ...base, kind: "no-such-bucket", retryable: false };
  if (PRECONDITION_FAILED.has(name) || httpStatus === 412) return { ...base, kind: "precondition-failed", retryable: false };
  if (NOT_FOUND.has(name)) return { ...base, kind: "not-found", retryable: false };
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
