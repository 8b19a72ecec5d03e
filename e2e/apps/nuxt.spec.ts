/**
 * The Nuxt example (examples/nuxt-app, Nitro aws-lambda preset, streaming) through the local
 * edge: `E2E_SUITE=nuxt`, set by `npm run e2e:local -- --app nuxt-app`.
 */
import { expect, test } from "@playwright/test";
import { commonAppTests, loadPage } from "./common";

commonAppTests({ staticPrefix: "/_nuxt/", shortCachedFile: "/_nuxt/builds/latest.json" });

test("client-side navigation reaches the about page", async ({ page }) => {
  const failures = await loadPage(page, "/");
  await expect(page.locator("[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("link", { name: "About" }).click();
  await expect(page.locator("h1")).toHaveText("About");
  expect(failures).toEqual([]);
});
