/**
 * The local edge's route table: the cache behaviours the distribution stack derives from the
 * app build description (stacks/distribution-stack.ts distributionBehaviours), as a pure
 * function from a request to the origin that would serve it on CloudFront:
 *
 *   the build's static patterns  → the assets bucket, key = the static key prefix + path (GET/HEAD)
 *   the build's function patterns → that function (GET, HEAD and OPTIONS)
 *   /api/*                        → the HTTP API (every method), which invokes the server,
 *                                   where the build has one (not for a streaming server)
 *   everything else               → the server's function URL (GET, HEAD and OPTIONS)
 *
 * Nothing else in the bucket is reachable: release ledgers, asset manifests and the
 * incremental cache are never routed to S3, exactly as on the distribution.
 */
import { behaviourFor, SERVER_FUNCTION_ID, type AppBuildDescription } from "../../lib/app-build/description";

/** The HTTP API behaviour's pattern, "/api/*", as a prefix. */
export const API_PATH_PREFIX = "/api/";
/** Methods the static behaviours allow; CloudFront answers 403 to any other. */
export const ASSET_METHODS: readonly string[] = ["GET", "HEAD"];
/** Methods the API behaviour allows. */
export const ALL_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
/** Methods the function behaviours allow; writes go to the API. */
export const PAGE_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS"];

/** What routing needs from a build: its behaviours, where static files live, whether it has the HTTP API. */
export interface RouteTable {
  readonly build: Pick<AppBuildDescription, "behaviours" | "staticFiles">;
  readonly hasApi: boolean;
}

/** The example app's table: `assets/*` from the bucket root, `/api/*` through the HTTP API. */
export const EXAMPLE_ROUTES: RouteTable = {
  build: { behaviours: [{ pathPattern: "assets/*", target: { kind: "static-files" } }], staticFiles: { dir: "", keyPrefix: "", cacheRules: [] } },
  hasApi: true,
};

/** The route table of a build: the HTTP API exists unless the server streams (see AppStack). */
export function routeTableFor(build: AppBuildDescription): RouteTable {
  const server = build.functions.find((fn) => fn.id === SERVER_FUNCTION_ID);
  return { build, hasApi: !(server?.streaming ?? false) };
}

export type EdgeRoute =
  /** Object `key` of the assets bucket; the query string is not forwarded (CachingOptimized). */
  | { readonly origin: "assets"; readonly key: string }
  /** The HTTP API; `path` and `query` as API Gateway sees them. */
  | { readonly origin: "api"; readonly path: string; readonly query: string }
  /** The server's function URL. */
  | { readonly origin: "ssr"; readonly path: string; readonly query: string }
  /** Another function's URL (an image optimizer). */
  | { readonly origin: "function"; readonly functionId: string; readonly path: string; readonly query: string }
  /** Answered by the edge itself. */
  | { readonly origin: "edge"; readonly status: 400 | 403; readonly reason: string };

/**
 * Where a request goes. `target` is the request line's target (`/assets/a.js?x=1`); dot
 * segments are resolved the way browsers and CloudFront resolve them before matching.
 */
export function routeRequest(method: string, target: string, table: RouteTable = EXAMPLE_ROUTES): EdgeRoute {
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
  const behaviour = table.build.behaviours.length > 0 ? behaviourFor(table.build as AppBuildDescription, path) : undefined;

  if (behaviour?.kind === "static-files") {
    if (!ASSET_METHODS.includes(upperMethod)) {
      return { origin: "edge", status: 403, reason: `${upperMethod} is not allowed on static files (GET and HEAD only)` };
    }
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(1));
    } catch {
      return { origin: "edge", status: 400, reason: `malformed percent-encoding in ${JSON.stringify(path)}` };
    }
    // S3 keys are literal, but an encoded "../" must never look like a way out of the static prefix.
    if (relative.split("/").some((segment) => segment === ".." || segment === ".")) {
      return { origin: "edge", status: 400, reason: `dot segment in static path ${JSON.stringify(relative)}` };
    }
    return { origin: "assets", key: `${table.build.staticFiles.keyPrefix}${relative}` };
  }
  if (behaviour?.kind === "function" && behaviour.functionId !== SERVER_FUNCTION_ID) {
    if (!PAGE_METHODS.includes(upperMethod)) return { origin: "edge", status: 403, reason: `${upperMethod} is not an allowed method on ${path}` };
    return { origin: "function", functionId: behaviour.functionId, path, query };
  }
  if (table.hasApi && path.startsWith(API_PATH_PREFIX)) {
    if (!ALL_METHODS.includes(upperMethod)) {
      return { origin: "edge", status: 403, reason: `${upperMethod} is not an allowed method` };
    }
    return { origin: "api", path, query };
  }
  if (!PAGE_METHODS.includes(upperMethod)) {
    return {
      origin: "edge",
      status: 403,
      reason: `${upperMethod} is not allowed on pages (GET, HEAD and OPTIONS only${table.hasApi ? `; send writes to ${API_PATH_PREFIX}*` : ""})`,
    };
  }
  return { origin: "ssr", path, query };
}
