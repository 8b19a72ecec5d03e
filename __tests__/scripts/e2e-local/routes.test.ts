import { routeRequest } from "../../../scripts/e2e-local/routes";

describe("routeRequest", () => {
  it("sends a hashed asset to the bucket under its key", () => {
    expect(routeRequest("GET", "/assets/main.6EFCQAEZ.js")).toEqual({ origin: "assets", key: "assets/main.6EFCQAEZ.js" });
  });

  it("drops the query string of an asset request, as CachingOptimized does", () => {
    expect(routeRequest("GET", "/assets/main.6EFCQAEZ.js?v=2")).toEqual({ origin: "assets", key: "assets/main.6EFCQAEZ.js" });
  });

  it("decodes percent-encoding into the object key", () => {
    expect(routeRequest("GET", "/assets/a%20b.12345678.css")).toEqual({ origin: "assets", key: "assets/a b.12345678.css" });
  });

  it("serves HEAD on assets", () => {
    expect(routeRequest("HEAD", "/assets/x.12345678.js")).toMatchObject({ origin: "assets" });
  });

  it("refuses writes to assets with 403, as the behaviour allows only GET and HEAD", () => {
    expect(routeRequest("PUT", "/assets/x.12345678.js")).toMatchObject({ origin: "edge", status: 403 });
  });

  it("refuses an encoded dot segment in an asset key", () => {
    expect(routeRequest("GET", "/assets/..%2F_releases%2Fdev%2Fx.assets.json")).toMatchObject({ origin: "edge", status: 400 });
  });

  it("resolves dot segments before matching, so ../ cannot reach into assets from elsewhere", () => {
    expect(routeRequest("GET", "/assets/../_releases/dev/ledger/1.json")).toEqual({
      origin: "ssr",
      path: "/_releases/dev/ledger/1.json",
      query: "",
    });
  });

  it("never serves release records from the bucket", () => {
    expect(routeRequest("GET", "/_releases/dev/r1.assets.json")).toMatchObject({ origin: "ssr" });
  });

  it("sends /api/* to the API with its query", () => {
    expect(routeRequest("POST", "/api/items?limit=5")).toEqual({ origin: "api", path: "/api/items", query: "limit=5" });
  });

  it("sends /api without a trailing slash to the SSR function, as the pattern /api/* does not match it", () => {
    expect(routeRequest("GET", "/api")).toMatchObject({ origin: "ssr", path: "/api" });
  });

  it("sends /assets without a trailing slash to the SSR function", () => {
    expect(routeRequest("GET", "/assets")).toMatchObject({ origin: "ssr" });
  });

  it("sends pages to the SSR function", () => {
    expect(routeRequest("GET", "/")).toEqual({ origin: "ssr", path: "/", query: "" });
  });

  it("refuses writes to pages, which the function URL behind OAC cannot take unsigned", () => {
    expect(routeRequest("POST", "/contact")).toMatchObject({ origin: "edge", status: 403 });
  });

  it("matches path patterns case-sensitively, like CloudFront", () => {
    expect(routeRequest("GET", "/ASSETS/main.6EFCQAEZ.js")).toMatchObject({ origin: "ssr" });
  });

  it("answers 400 to a target that is not a path", () => {
    expect(routeRequest("GET", "http://elsewhere.example/")).toMatchObject({ origin: "edge", status: 400 });
  });

  it("answers 403 to a method no behaviour allows", () => {
    expect(routeRequest("TRACE", "/")).toMatchObject({ origin: "edge", status: 403 });
  });
});
