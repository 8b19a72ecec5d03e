/**
 * A local stand-in for the CloudFront distribution: one node:http server on loopback that
 * routes each request by the distribution's behaviours (routes.ts) to
 *   - the assets origin (s3-origin.ts: the assets bucket, through the SDK), or
 *   - the SSR handler, invoked in-process with a payload 2.0 event (lambda-event.ts),
 * and adds the response headers policy's security headers to every response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { badGateway, fromResultV2, toEventV2, type HttpEventV2, type HttpResponse } from "./lambda-event";
import { routeRequest, type EdgeRoute } from "./routes";
import type { AssetsOrigin } from "./s3-origin";
import { SECURITY_HEADERS } from "./security-headers";

export type SsrHandler = (event: HttpEventV2) => unknown;

export interface LocalEdgeOptions {
  /** Serves `/assets/*` (see s3AssetsOrigin). */
  readonly assets: AssetsOrigin;
  /** The SSR function's handler (dist/server/index.js `handler`). */
  readonly handler: SsrHandler;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** One line per request and per origin error. @default no logging */
  readonly log?: (line: string) => void;
}

export interface LocalEdge {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  stop(): Promise<void>;
}

/** Request headers CloudFront sends on to S3 (conditional requests and ranges). */
const ASSET_REQUEST_HEADERS = ["range", "if-none-match", "if-modified-since", "if-match", "if-unmodified-since"] as const;

export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const log = options.log ?? (() => {});
  const server = createServer((req, res) => {
    handle(req, res, options, log).catch((error: unknown) => {
      log(`edge error on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) send(res, req.method ?? "GET", badGateway(String(error)));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalEdgeOptions, log: (line: string) => void): Promise<void> {
  const method = req.method ?? "GET";
  const route = routeRequest(method, req.url ?? "/");
  const response = await fetchFromOrigin(route, req, options, log);
  log(`${method} ${req.url} → ${describe(route)} ${response.statusCode}`);
  send(res, method, response);
}

function fetchFromOrigin(route: EdgeRoute, req: IncomingMessage, options: LocalEdgeOptions, log: (line: string) => void): Promise<HttpResponse> {
  switch (route.origin) {
    case "edge":
      return Promise.resolve({
        statusCode: route.status,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: Buffer.from(`${route.reason}\n`),
      });
    case "assets":
      return fetchAsset(options.assets, route.key, req);
    case "api":
    case "ssr":
      return invokeHandler(options.handler, route.path, route.query, req, log);
  }
}

function fetchAsset(assets: AssetsOrigin, key: string, req: IncomingMessage): Promise<HttpResponse> {
  const headers: Record<string, string | undefined> = {};
  for (const name of ASSET_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return assets({ method: req.method === "HEAD" ? "HEAD" : "GET", key, headers });
}

async function invokeHandler(
  handler: SsrHandler,
  path: string,
  query: string,
  req: IncomingMessage,
  log: (line: string) => void,
): Promise<HttpResponse> {
  const body = await readBody(req);
  const event = toEventV2({
    method: req.method ?? "GET",
    path,
    query,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
  });
  try {
    return fromResultV2(await handler(event));
  } catch (error) {
    log(`SSR handler threw on ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return badGateway(String(error));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Writes a response with the security headers on top (the policy's `override: true`). */
function send(res: ServerResponse, method: string, response: HttpResponse): void {
  const headers: Record<string, string | string[]> = { ...response.headers, ...SECURITY_HEADERS };
  if (!("content-length" in headers) || method !== "HEAD") headers["content-length"] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(method === "HEAD" ? undefined : response.body);
}

function describe(route: EdgeRoute): string {
  switch (route.origin) {
    case "assets":
      return `s3:${route.key}`;
    case "api":
      return "api";
    case "ssr":
      return "ssr";
    case "edge":
      return "edge";
  }
}
