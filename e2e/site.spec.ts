/**
 * The deployment gate: what must hold on any environment before the next one gets the
 * release. Parameterised by BASE_URL (see playwright.config.ts); read-only, so it is safe
 * against production as a post-release check.
 */
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";

/** `/assets/<name>.<content hash>.<ext>`, as the build and sync-assets name them. */
const HASHED_ASSET_PATH = /^\/assets\/(?:[\w-]+\/)*[\w-]+\.[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/** Every `src`/`href` that points under /assets/. */
const ASSET_REFERENCE = /\b(?:src|href)\s*=\s*["'](\/assets\/[^"'?#]+)/g;
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

const CONTENT_TYPES: Readonly<Record<string, RegExp>> = {
  js: /^(text|application)\/javascript\b/i,
  mjs: /^(text|application)\/javascript\b/i,
  css: /^text\/css\b/i,
  svg: /^image\/svg\+xml\b/i,
  png: /^image\/png\b/i,
  woff2: /^font\/woff2\b/i,
  map: /^application\/json\b/i,
};

async function homePage(request: APIRequestContext): Promise<{ response: APIResponse; html: string; assets: string[] }> {
  const response = await request.get("/");
  const html = await response.text();
  const assets = [...new Set([...html.matchAll(ASSET_REFERENCE)].map((m) => m[1] as string))];
  return { response, html, assets };
}

function maxAgeSeconds(cacheControl: string): number {
  const match = /(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(cacheControl);
  return match ? Number(match[1]) : 0;
}

test("the home page is server-rendered HTML that references hashed assets", async ({ request }) => {
  const { response, html, assets } = await homePage(request);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/html\b/i);
  expect(html).toMatch(/<!doctype html>/i);
  expect(assets.some((a) => a.endsWith(".js"))).toBe(true);
  expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
  for (const asset of assets) expect(asset).toMatch(HASHED_ASSET_PATH);
});

test("the home page is never cached, so a release or rollback shows on the next request", async ({ request }) => {
  const { response } = await homePage(request);
  expect(response.headers()["cache-control"] ?? "").toMatch(/no-store|no-cache|max-age=0\b|private/i);
});

test("every referenced asset is served with an immutable Cache-Control and its content type", async ({ request }) => {
  const { assets } = await homePage(request);
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets) {
    const response = await request.get(asset);
    const headers = response.headers();
    const extension = asset.slice(asset.lastIndexOf(".") + 1);
    expect.soft(response.status(), asset).toBe(200);
    expect.soft(headers["cache-control"] ?? "", `${asset} Cache-Control`).toMatch(/\bimmutable\b/i);
    expect.soft(maxAgeSeconds(headers["cache-control"] ?? ""), `${asset} max-age`).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
    expect.soft(headers["content-type"] ?? "", `${asset} Content-Type`).toMatch(CONTENT_TYPES[extension] ?? /./);
    expect.soft((await response.body()).length, `${asset} body`).toBeGreaterThan(0);
  }
});

test("the page loads in the browser: styles apply, the client script runs, nothing fails", async ({ page }) => {
  const failures: string[] = [];
  page.on("response", (response) => {
    // Browsers ask for /favicon.ico on their own; the page does not reference one.
    if (response.status() >= 400 && new URL(response.url()).pathname !== "/favicon.ico") {
      failures.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on("requestfailed", (request) => failures.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A failed load is already reported (or excused) by its response above.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      failures.push(`console error: ${message.text()}`);
    }
  });

  const response = await page.goto("/", { waitUntil: "load" });
  expect(response?.status()).toBe(200);
  // The client bundle sets this as its first statement: proof the hashed script loaded and ran.
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("[data-build]")).toHaveText(/^client /);
  const styled = await page.evaluate(() =>
    Array.from(document.styleSheets).some((sheet) => (sheet.href ?? "").includes("/assets/") && sheet.cssRules.length > 0),
  );
  expect(styled).toBe(true);
  expect(failures).toEqual([]);
});

test("a chunk the page imports on demand loads when asked, from its own hashed file", async ({ page }) => {
  const chunks: string[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") chunks.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto("/", { waitUntil: "load" });
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  const before = chunks.length;
  await page.locator("[data-lazy-trigger]").click();
  await expect(page.locator("[data-lazy-loaded]")).toHaveText(/^details from build /);
  expect(chunks.slice(before)).toEqual([expect.stringMatching(/^200 \/assets\/details\.[A-Za-z0-9_-]{8,}\.js$/)]);
});

test("/api/health answers 200 with JSON", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^application\/json\b/i);
  expect(await response.json()).toMatchObject({ status: "ok" });
});

test("security headers are on pages, assets, the API and error responses", async ({ request }) => {
  const { assets } = await homePage(request);
  const paths = ["/", "/api/health", "/no-such-page", ...assets.slice(0, 1), "/assets/missing.ABCDEFGH.js"];
  for (const path of paths) {
    const headers = (await request.get(path)).headers();
    expect.soft(maxAgeSeconds(headers["strict-transport-security"] ?? ""), `${path} Strict-Transport-Security`).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
    expect.soft(headers["x-content-type-options"], `${path} X-Content-Type-Options`).toBe("nosniff");
    expect.soft(headers["x-frame-options"] ?? "", `${path} X-Frame-Options`).toMatch(/^(DENY|SAMEORIGIN)$/i);
    expect.soft(headers["referrer-policy"] ?? "", `${path} Referrer-Policy`).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
  }
});

test("a missing hashed asset is a 404, not an HTML page", async ({ request }) => {
  const { assets } = await homePage(request);
  const script = assets.find((a) => a.endsWith(".js")) ?? "/assets/main.00000000.js";
  // Same name and extension, a hash no build produced.
  const missing = script.replace(/\.[A-Za-z0-9_-]{8,}\.js$/, ".0MISSING0.js");
  expect(missing).not.toBe(script);
  const response = await request.get(missing);
  expect(response.status()).toBe(404);
  expect(response.headers()["content-type"] ?? "").not.toMatch(/text\/html/i);
  expect(await response.text()).not.toMatch(/<!doctype html|<html[\s>]/i);
});
