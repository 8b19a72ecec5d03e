/**
 * The local edge's route table: the cache behaviours of modules/ssr-distribution.ts as a
 * pure function from a request to the origin that would serve it on CloudFront.
 *
 *   /assets/*  → the assets bucket (GET and HEAD only; key = path without the leading "/")
 *   /api/*     → the HTTP API (every method), which invokes the SSR function
 *   everything else → the SSR function URL (GET, HEAD and OPTIONS: pages are read-only)
 *
 * Nothing else in the bucket is reachable: release ledgers and asset manifests under
 * `_releases/` are never routed to S3, exactly as on the distribution.
 */
import { ASSETS_PREFIX } from "../../lib/naming";

/** The distribution's `assetsPathPattern` default, "/assets/*", as a prefix. */
export const ASSETS_PATH_PREFIX = `/${ASSETS_PREFIX}`;
/** The distribution's `apiPathPattern` default, "/api/*", as a prefix. */
export const API_PATH_PREFIX = "/api/";
/** Methods the assets behaviour allows; CloudFront answers 403 to any other. */
export const ASSET_METHODS: readonly string[] = ["GET", "HEAD"];
/** Methods the API behaviour allows. */
export const ALL_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
/** Methods the default (pages) behaviour allows; writes go to the API. */
export const PAGE_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS"];

export type EdgeRoute =
  /** Object `key` of the assets bucket; the query string is not forwarded (CachingOptimized). */
  | { readonly origin: "assets"; readonly key: string }
  /** The HTTP API; `path` and `query` as API Gateway sees them. */
  | { readonly origin: "api"; readonly path: string; readonly query: string }
  /** The SSR function URL. */
  | { readonly origin: "ssr"; readonly path: string; readonly query: string }
  /** Answered by the edge itself. */
  | { readonly origin: "edge"; readonly status: 400 | 403; readonly reason: string };

/**
 * Where a request goes. `target` is the request line's target (`/assets/a.js?x=1`); dot
 * segments are resolved the way browsers and CloudFront resolve them before matching.
 */
export function routeRequest(method: string, target: string): EdgeRoute {
  const upperMethod = method.toUpperCase();
  let url: URL;
  try {
    if (!target.startsWith("/")) throw new Error("not origin-form");
    url = new URL(target, "http://edge.invalid");
  } catch {
    return { origin: "edge", status: 400, reason: `malformed request target ${JSON.stringify(target)}` };
  }
  const path = url.pathname;
  const query = url.search.replace(/^\?/, "");

  if (path.startsWith(ASSETS_PATH_PREFIX)) {
    if (!ASSET_METHODS.includes(upperMethod)) {
      return { origin: "edge", status: 403, reason: `${upperMethod} is not allowed on ${ASSETS_PATH_PREFIX}* (GET and HEAD only)` };
    }
    let key: string;
    try {
      key = decodeURIComponent(path.slice(1));
    } catch {
      return { origin: "edge", status: 400, reason: `malformed percent-encoding in ${JSON.stringify(path)}` };
    }
    // S3 keys are literal, but an encoded "../" must never look like a way out of assets/.
    if (key.split("/").some((segment) => segment === ".." || segment === ".")) {
      return { origin: "edge", status: 400, reason: `dot segment in asset key ${JSON.stringify(key)}` };
    }
    return { origin: "assets", key };
  }
  if (path.startsWith(API_PATH_PREFIX)) {
    if (!ALL_METHODS.includes(upperMethod)) {
      return { origin: "edge", status: 403, reason: `${upperMethod} is not an allowed method` };
    }
    return { origin: "api", path, query };
  }
  if (!PAGE_METHODS.includes(upperMethod)) {
    return { origin: "edge", status: 403, reason: `${upperMethod} is not allowed on pages (GET, HEAD and OPTIONS only; send writes to ${API_PATH_PREFIX}*)` };
  }
  return { origin: "ssr", path, query };
}
