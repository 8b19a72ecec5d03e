/**
 * The assets origin: GET/HEAD of one object in the assets bucket through the AWS SDK,
 * signed like CloudFront's origin access control signs its requests, turned into the HTTP
 * response S3 would give CloudFront: the object's own Content-Type, Cache-Control and
 * validators on success; S3's XML error document (never HTML) with its status on failure,
 * so a missing key is a 404 that no browser mistakes for a page.
 */
import { GetObjectCommand, HeadObjectCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import type { HttpResponse } from "./lambda-event";

export interface AssetRequest {
  readonly method: "GET" | "HEAD";
  readonly key: string;
  /** Conditional and range headers CloudFront forwards to S3 (lower-case names). */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export type AssetsOrigin = (request: AssetRequest) => Promise<HttpResponse>;

/** What the SDK reports of an object, as the header names S3 sends. */
interface ObjectMetadata {
  readonly ContentType?: string;
  readonly CacheControl?: string;
  readonly ContentLength?: number;
  readonly ContentEncoding?: string;
  readonly ContentDisposition?: string;
  readonly ContentLanguage?: string;
  readonly ContentRange?: string;
  readonly ETag?: string;
  readonly LastModified?: Date;
  readonly AcceptRanges?: string;
}

export function s3AssetsOrigin(client: S3Client, bucket: string): AssetsOrigin {
  return async ({ method, key, headers }) => {
    const conditions = {
      Bucket: bucket,
      Key: key,
      ...(headers["if-none-match"] ? { IfNoneMatch: headers["if-none-match"] } : {}),
      ...(headers["if-match"] ? { IfMatch: headers["if-match"] } : {}),
      ...(headers["if-modified-since"] ? { IfModifiedSince: new Date(headers["if-modified-since"]) } : {}),
      ...(headers["if-unmodified-since"] ? { IfUnmodifiedSince: new Date(headers["if-unmodified-since"]) } : {}),
    };
    try {
      if (method === "HEAD") {
        const head = await client.send(new HeadObjectCommand(conditions));
        return { statusCode: 200, headers: objectHeaders(head), body: Buffer.alloc(0) };
      }
      const range = headers.range;
      const object = await client.send(new GetObjectCommand({ ...conditions, ...(range ? { Range: range } : {}) }));
      const body = object.Body ? Buffer.from(await object.Body.transformToByteArray()) : Buffer.alloc(0);
      return { statusCode: object.ContentRange ? 206 : 200, headers: objectHeaders(object), body };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode !== undefined) {
        return s3Error(error.$metadata.httpStatusCode, error.name, error.message, key, method);
      }
      throw error;
    }
  };
}

function objectHeaders(object: ObjectMetadata): Record<string, string> {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") headers[name] = String(value);
  };
  set("content-type", object.ContentType ?? "binary/octet-stream");
  set("cache-control", object.CacheControl);
  set("content-length", object.ContentLength);
  set("content-encoding", object.ContentEncoding);
  set("content-disposition", object.ContentDisposition);
  set("content-language", object.ContentLanguage);
  set("content-range", object.ContentRange);
  set("etag", object.ETag);
  set("last-modified", object.LastModified?.toUTCString());
  set("accept-ranges", object.AcceptRanges);
  return headers;
}

/** S3's error response: an XML document (empty for HEAD and 304), never a page. */
function s3Error(statusCode: number, code: string, message: string, key: string, method: string): HttpResponse {
  if (statusCode === 304 || method === "HEAD") return { statusCode, headers: {}, body: Buffer.alloc(0) };
  const escape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message><Key>${escape(key)}</Key></Error>`;
  return { statusCode, headers: { "content-type": "application/xml" }, body: Buffer.from(xml, "utf8") };
}
