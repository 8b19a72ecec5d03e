/**
 * The E2E suite's Playwright config. Point it at any deployment with BASE_URL:
 *   BASE_URL=https://staging.example.com npm run e2e
 * `npm run e2e:local` serves the app locally the way the distribution would and sets it.
 */
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "./browser";

const baseURL = process.env.BASE_URL?.trim();
/**
 * Which specs run: `site` (default) is the example app's deployment gate (site.spec.ts);
 * `nextjs` and `nuxt` are the framework examples' (apps/<suite>.spec.ts).
 */
const SUITES: Readonly<Record<string, string>> = { site: "**/site.spec.ts", nextjs: "**/apps/nextjs.spec.ts", nuxt: "**/apps/nuxt.spec.ts" };
const suite = process.env.E2E_SUITE?.trim() || "site";
if (!(suite in SUITES)) throw new Error(`E2E_SUITE=${suite}: not a suite; use one of ${Object.keys(SUITES).join(", ")}`);
if (!baseURL) {
  throw new Error("BASE_URL is not set: run `BASE_URL=https://<site> npm run e2e`, or `npm run e2e:local` to test a local build.");
}

export default defineConfig({
  testDir: ".",
  testMatch: SUITES[suite],
  outputDir: ".results/artifacts",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // Against a real deployment a retry absorbs one network hiccup; locally nothing is flaky.
  retries: process.env.CI && !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(baseURL) ? 1 : 0,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  // results.json: npm run e2e:local prints its counts as the run's last line.
  reporter: [["list"], ["html", { outputFolder: ".results/report", open: "never" }], ["json", { outputFile: ".results/results.json" }]],
  use: {
    baseURL,
    headless: true,
    launchOptions: { executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS] },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
