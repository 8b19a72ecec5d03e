/**
 * Payload format 2.0, the event a Lambda function URL and an HTTP API (API Gateway v2) send
 * to the SSR function, and the response rules both apply to what it returns. Pure: the local
 * edge turns an HTTP request into an event and the function's result back into a response.
 */
import { randomUUID } from "node:crypto";

export interface HttpEventV2 {
  readonly version: "2.0";
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: {
    readonly accountId: string;
    readonly apiId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
    readonly requestId: string;
    readonly routeKey: string;
    readonly stage: string;
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

export interface IncomingRequest {
  readonly method: string;
  readonly path: string;
  /** Without the leading "?". */
  readonly query: string;
  /** Header name (any case) to value(s), as node:http delivers them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  /** Lower-case names; `set-cookie` may hold several values. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/** Content types whose bodies the services pass as text instead of base64. */
const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

export function toEventV2(request: IncomingRequest, now: Date = new Date()): HttpEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [rawName, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    const values = typeof value === "string" ? [value] : [...value];
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === "cookie") cookies = values.flatMap((v) => v.split(/;\s*/)).filter((c) => c !== "");
    else headers[name] = values.join(",");
  }
  const query = new URLSearchParams(request.query);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(",");
  const host = headers.host ?? "localhost";
  const hasBody = request.body.length > 0;
  const textBody = TEXT_CONTENT_TYPE.test(headers["content-type"] ?? "");

  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: request.path,
    rawQueryString: request.query,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(request.query !== "" ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: "local-edge",
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: request.method.toUpperCase(),
        path: request.path,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: textBody ? request.body.toString("utf8") : request.body.toString("base64") } : {}),
    isBase64Encoded: hasBody && !textBody,
  };
}

/**
 * The HTTP response for what the function returned, by the payload 2.0 rules: an object with
 * `statusCode` is a response; anything else is a JSON body with status 200.
 */
export function fromResultV2(result: unknown): HttpResponse {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    const body = typeof result === "string" ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body, "utf8") };
  }
  const r = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  const statusCode = Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return badGateway(`the function returned statusCode ${JSON.stringify(r.statusCode)}`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(r.cookies) && r.cookies.length > 0) headers["set-cookie"] = r.cookies.map(String);
  const text = typeof r.body === "string" ? r.body : r.body === undefined || r.body === null ? "" : JSON.stringify(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, body };
}

/** What a function URL answers when the function throws or returns nonsense. */
export function badGateway(_why: string): HttpResponse {
  return {
    statusCode: 502,
    headers: { "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ message: "Internal Server Error" })),
  };
}
