/**
 * What every framework build must do through the edge, whatever the framework: pages render
 * on the server and hydrate, their static files load immutable, the API answers, short-cached
 * files stay short-cached, and the distribution's security headers are everywhere.
 * Used by the example framework apps' specs (nextjs.spec.ts, nuxt.spec.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import { browserFailureCounts } from "../../scripts/rehearse/old-tab";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Paths of functions the local edge could not run (e.g. an arm64-only image optimizer), from e2e:local. */
export function unavailablePaths(): RegExp | undefined {
  const pattern = process.env.E2E_UNAVAILABLE_PATHS?.trim();
  return pattern ? new RegExp(pattern) : undefined;
}

export function maxAgeSeconds(cacheControl: string): number {
  const match = /(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(cacheControl);
  return match ? Number(match[1]) : 0;
}

/** Loads a page and collects everything that went wrong, except requests to unavailable functions. */
export async function loadPage(page: Page, path: string): Promise<string[]> {
  const failures: string[] = [];
  const skip = unavailablePaths();
  const excused = (url: string) => new URL(url).pathname === "/favicon.ico" || (skip?.test(new URL(url).pathname) ?? false);
  page.on("response", (response) => {
    if (response.status() >= 400 && !excused(response.url())) failures.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    // net::ERR_ABORTED is the page cancelling its own request (Next.js drops a superseded
    // router prefetch, `?_rsc=`): no server answer causes it. The rehearsal's rule, one place.
    const errorText = request.failure()?.errorText;
    if (!excused(request.url()) && browserFailureCounts(errorText)) failures.push(`failed ${request.url()}: ${errorText}`);
  });
  page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
  const response = await page.goto(path, { waitUntil: "load" });
  expect(response?.status()).toBe(200);
  // Frameworks prefetch linked pages once idle; let those finish, so one cut off by the end of
  // the test is not taken for a failure and a failing one is seen.
  await page.waitForLoadState("networkidle");
  return failures;
}

export function commonAppTests(options: { readonly staticPrefix: string; readonly shortCachedFile: string }): void {
  test("the home page is server-rendered HTML that hydrates in the browser without errors", async ({ page }) => {
    const failures = await loadPage(page, "/");
    await expect(page.locator("[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
    expect(failures).toEqual([]);
  });

  test("the page's static files load from the bucket, immutable", async ({ request }) => {
    const html = await (await request.get("/")).text();
    const files = [...new Set([...html.matchAll(/\b(?:src|href)="([^"?#]+)"/g)].map((m) => m[1]!).filter((p) => p.startsWith(options.staticPrefix)))];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const response = await request.get(file);
      expect.soft(response.status(), file).toBe(200);
      expect.soft(response.headers()["cache-control"] ?? "", `${file} Cache-Control`).toMatch(/\bimmutable\b/);
      expect.soft(maxAgeSeconds(response.headers()["cache-control"] ?? ""), `${file} max-age`).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
    }
  });

  test(`${options.shortCachedFile} is served from the bucket and revalidated, not cached for a year`, async ({ request }) => {
    const response = await request.get(options.shortCachedFile);
    expect([response.status(), maxAgeSeconds(response.headers()["cache-control"] ?? "")]).toEqual([200, 0]);
  });

  test("/api/health answers JSON from the server", async ({ request }) => {
    const response = await request.get("/api/health");
    expect([response.status(), (await response.json()).status]).toEqual([200, "ok"]);
  });

  test("security headers are on pages and static files", async ({ request }) => {
    for (const path of ["/", options.shortCachedFile]) {
      const headers = (await request.get(path)).headers();
      expect.soft(headers["x-content-type-options"], path).toBe("nosniff");
      expect.soft(maxAgeSeconds(headers["strict-transport-security"] ?? ""), path).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
    }
  });
}
