/**
 * The Next.js example (examples/nextjs-app, OpenNext default configuration) through the
 * local edge: `E2E_SUITE=nextjs`, set by `npm run e2e:local -- --app nextjs-app`.
 */
import { expect, test } from "@playwright/test";
import { commonAppTests, loadPage, unavailablePaths } from "./common";

commonAppTests({ staticPrefix: "/_next/static/", shortCachedFile: "/robots.txt" });

test("the ISR page is served from the prebuilt incremental cache in S3", async ({ request }) => {
  const response = await request.get("/isr");
  expect([response.status(), response.headers()["x-nextjs-cache"]]).toEqual([200, "HIT"]);
});

test("the streaming page renders its suspended part", async ({ page }) => {
  const failures = await loadPage(page, "/streaming");
  await expect(page.locator("[data-streamed]")).toHaveText("streamed after the shell");
  expect(failures).toEqual([]);
});

test("middleware runs in the server function", async ({ request }) => {
  expect((await request.get("/")).headers()["x-middleware"]).toBe("ran");
});

test("the image optimizer resizes a public image", async ({ request }) => {
  const skip = unavailablePaths();
  test.skip(skip?.test("/_next/image") ?? false, process.env.E2E_UNAVAILABLE_REASON ?? "the image function cannot run here");
  const response = await request.get("/_next/image?url=%2Flogo.png&w=64&q=75");
  expect([response.status(), response.headers()["content-type"]?.startsWith("image/")]).toEqual([200, true]);
});
