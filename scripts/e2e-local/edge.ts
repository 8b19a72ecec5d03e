/**
 * A local stand-in for the CloudFront distribution: one node:http server on loopback that
 * routes each request by the behaviours the stacks derive from the app build (routes.ts) to
 *   - the assets origin (s3-origin.ts: the assets bucket, through the SDK), or
 *   - one of the build's functions with a payload 2.0 event (lambda-event.ts): the version its
 *     alias `live` serves in moto at that moment, canary weights included (alias-router.ts),
 *     each version in its own process (streaming handlers stream through),
 * sets x-forwarded-host from Host on requests to functions (the distribution's CloudFront
 * Function), and adds the response headers policy's security headers to every response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { badGateway, fromResultV2, toEventV2, type HttpEventV2, type HttpResponse } from "./lambda-event";
import type { LocalResponse, StreamMetadata } from "./local-function";
import { routeRequest, type EdgeRoute, type RouteTable } from "./routes";
import type { AssetsOrigin } from "./s3-origin";
import { SECURITY_HEADERS } from "./security-headers";

export type SsrHandler = (event: HttpEventV2) => unknown;

/** Invokes one of the build's functions by id (alias-router.ts does it through the alias). */
export interface FunctionInvoker {
  invoke(functionId: string, event: HttpEventV2): Promise<LocalResponse>;
}

export interface LocalEdgeOptions {
  /** Serves `/assets/*` (see s3AssetsOrigin). */
  readonly assets: AssetsOrigin;
  /**
   * The functions: a bare handler that answers everything a function would (tests), or the
   * build's functions by id (the server is `server`) through their aliases.
   */
  readonly handler: SsrHandler | FunctionInvoker;
  /**
   * The behaviours, or where to read them per request: a deploy changes the distribution's
   * behaviours when the next build's differ (the rehearsal deploys a second build).
   * @default the example app's routes (`/assets/*` from the bucket root, `/api/*`)
   */
  readonly routes?: RouteTable | (() => RouteTable);
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
  const route = routeRequest(method, req.url ?? "/", typeof options.routes === "function" ? options.routes() : options.routes);
  const response = await fetchFromOrigin(route, req, options, log);
  log(`${method} ${req.url} → ${describe(route)} ${response.kind === "buffered" ? response.response.statusCode : "stream"}`);
  if (response.kind === "buffered") send(res, method, response.response);
  else await stream(res, method, response);
}

async function fetchFromOrigin(route: EdgeRoute, req: IncomingMessage, options: LocalEdgeOptions, log: (line: string) => void): Promise<LocalResponse> {
  const buffered = (response: HttpResponse): LocalResponse => ({ kind: "buffered", response });
  switch (route.origin) {
    case "edge":
      return buffered({
        statusCode: route.status,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: Buffer.from(`${route.reason}\n`),
      });
    case "assets":
      return buffered(await fetchAsset(options.assets, route.key, req));
    case "api":
    case "ssr":
      return invokeFunction(options.handler, "server", route.path, route.query, req, log);
    case "function":
      return invokeFunction(options.handler, route.functionId, route.path, route.query, req, log);
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

async function invokeFunction(
  functions: SsrHandler | FunctionInvoker,
  id: string,
  path: string,
  query: string,
  req: IncomingMessage,
  log: (line: string) => void,
): Promise<LocalResponse> {
  const body = await readBody(req);
  // The distribution's CloudFront Function: the viewer's Host, whatever the viewer sent.
  const headers = { ...req.headers, "x-forwarded-host": req.headers.host };
  const event = toEventV2({ method: req.method ?? "GET", path, query, headers, body, sourceIp: req.socket.remoteAddress ?? "127.0.0.1" });
  const fail = (error: unknown): LocalResponse => {
    log(`function ${id} threw on ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { kind: "buffered", response: badGateway(String(error)) };
  };
  try {
    if (typeof functions === "function") return { kind: "buffered", response: fromResultV2(await functions(event)) };
    return await functions.invoke(id, event);
  } catch (error) {
    return fail(error);
  }
}

/** Passes a streaming function's response on as it comes: headers first, then each chunk. */
async function stream(res: ServerResponse, method: string, response: Extract<LocalResponse, { kind: "streaming" }>): Promise<void> {
  try {
    await response.run({
      head: (metadata: StreamMetadata) => {
        const headers: Record<string, string | string[]> = { ...lowerCase(metadata.headers ?? {}), ...SECURITY_HEADERS };
        if (metadata.cookies && metadata.cookies.length > 0) headers["set-cookie"] = metadata.cookies;
        res.writeHead(metadata.statusCode ?? 200, headers);
      },
      chunk: (data) => {
        if (method !== "HEAD") res.write(data);
      },
    });
    res.end();
  } catch (error) {
    if (!res.headersSent) send(res, method, badGateway(String(error)));
    else res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
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
    case "function":
      return `function:${route.functionId}`;
    case "edge":
      return "edge";
  }
}
