/**
 * The local edge over real HTTP: routing, the SSR handler contract and the security headers
 * with stand-in origins, then the assets origin against the moto_server the jest global
 * setup started (through the real SDK).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startLocalEdge, type LocalEdge, type SsrHandler } from "../../../scripts/e2e-local/edge";
import type { HttpEventV2 } from "../../../scripts/e2e-local/lambda-event";
import { s3AssetsOrigin, type AssetRequest, type AssetsOrigin } from "../../../scripts/e2e-local/s3-origin";
import { SECURITY_HEADERS } from "../../../scripts/e2e-local/security-headers";

describe("local edge with stand-in origins", () => {
  const events: HttpEventV2[] = [];
  const assetRequests: AssetRequest[] = [];
  let edge: LocalEdge;

  const handler: SsrHandler = async (event) => {
    events.push(event);
    if (event.rawPath === "/boom") throw new Error("boom");
    return { statusCode: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: `<p>${event.rawPath}</p>` };
  };
  const assets: AssetsOrigin = async (request) => {
    assetRequests.push(request);
    return { statusCode: 200, headers: { "content-type": "text/css", "cache-control": "public, max-age=31536000, immutable" }, body: Buffer.from("a{}") };
  };

  beforeAll(async () => {
    edge = await startLocalEdge({ assets, handler });
  });
  afterAll(() => edge.stop());
  beforeEach(() => {
    events.length = 0;
    assetRequests.length = 0;
  });

  it("listens on loopback", () => {
    expect(edge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("renders pages with the SSR handler", async () => {
    const response = await fetch(`${edge.url}/about?x=1`);
    expect([response.status, await response.text(), events[0]?.rawQueryString]).toEqual([200, "<p>/about</p>", "x=1"]);
  });

  it("sends /api/* to the handler with a payload 2.0 event", async () => {
    await fetch(`${edge.url}/api/health`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(events[0]).toMatchObject({ version: "2.0", rawPath: "/api/health", body: "{}", requestContext: { http: { method: "POST" } } });
  });

  it("serves /assets/* from the assets origin with its headers", async () => {
    const response = await fetch(`${edge.url}/assets/styles.12345678.css`);
    expect([response.headers.get("cache-control"), assetRequests[0]?.key]).toEqual(["public, max-age=31536000, immutable", "assets/styles.12345678.css"]);
  });

  it("forwards conditional request headers to the assets origin", async () => {
    await fetch(`${edge.url}/assets/styles.12345678.css`, { headers: { "if-none-match": '"abc"' } });
    expect(assetRequests[0]?.headers["if-none-match"]).toBe('"abc"');
  });

  it("adds every security header to pages, assets and the edge's own errors", async () => {
    for (const path of ["/", "/assets/styles.12345678.css"]) {
      const response = await fetch(`${edge.url}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(`${path} ${name}: ${response.headers.get(name)}`).toBe(`${path} ${name}: ${value}`);
    }
    const refused = await fetch(`${edge.url}/assets/x.12345678.js`, { method: "DELETE" });
    expect([refused.status, refused.headers.get("x-frame-options")]).toEqual([403, "DENY"]);
  });

  it("answers 502 when the handler throws, as a function URL does", async () => {
    expect((await fetch(`${edge.url}/boom`)).status).toBe(502);
  });

  it("answers HEAD without a body", async () => {
    const response = await fetch(`${edge.url}/`, { method: "HEAD" });
    expect([response.status, await response.text()]).toEqual([200, ""]);
  });
});

describe("local edge with the assets bucket on moto", () => {
  const bucket = "e2e-local-edge-assets";
  let s3: S3Client;
  let edge: LocalEdge;

  beforeAll(async () => {
    s3 = new S3Client({ region: "us-east-1", endpoint: process.env.MOTO_ENDPOINT, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "assets/main.ABCDEFGH.js",
        Body: "console.log(1)",
        ContentType: "text/javascript; charset=utf-8",
        CacheControl: "public, max-age=31536000, immutable",
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "_releases/dev/r1.assets.json", Body: "{}", ContentType: "application/json" }));
    edge = await startLocalEdge({ assets: s3AssetsOrigin(s3, bucket), handler: () => ({ statusCode: 404, headers: { "content-type": "text/html" }, body: "<!doctype html><p>page</p>" }) });
  });
  afterAll(async () => {
    await edge.stop();
    s3.destroy();
  });

  it("passes the object's Content-Type and Cache-Control through", async () => {
    const response = await fetch(`${edge.url}/assets/main.ABCDEFGH.js`);
    expect([response.status, response.headers.get("content-type"), response.headers.get("cache-control"), await response.text()]).toEqual([
      200,
      "text/javascript; charset=utf-8",
      "public, max-age=31536000, immutable",
      "console.log(1)",
    ]);
  });

  it("answers a missing key with S3's 404 XML error, not HTML", async () => {
    const response = await fetch(`${edge.url}/assets/main.00000000.js`);
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([
      404,
      "application/xml",
      expect.stringContaining("<Code>NoSuchKey</Code>"),
    ]);
  });

  it("answers HEAD of a missing key with 404 and no body", async () => {
    const response = await fetch(`${edge.url}/assets/main.00000000.js`, { method: "HEAD" });
    expect([response.status, await response.text()]).toEqual([404, ""]);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const etag = (await fetch(`${edge.url}/assets/main.ABCDEFGH.js`)).headers.get("etag") ?? "";
    expect((await fetch(`${edge.url}/assets/main.ABCDEFGH.js`, { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("does not serve release manifests that sit in the same bucket", async () => {
    const response = await fetch(`${edge.url}/_releases/dev/r1.assets.json`);
    expect(await response.text()).toBe("<!doctype html><p>page</p>");
  });
});
