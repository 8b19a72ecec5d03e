/**
 * The browser of the rehearsal: headless Chromium (the E2E suite's binary and flags,
 * e2e/browser.ts) with one tab opened on build A before B is released. Once B is live, the
 * tab asks for a chunk its page imports on demand (the `[data-lazy-trigger]` button the
 * example apps carry): a user who kept the tab open must still get A's chunk, which only
 * works while A's hashed files stay in the bucket. Every request the tab makes is recorded
 * like the HTTP client's.
 *
 * The convention a page follows to take part: a `[data-lazy-trigger]` element whose click
 * imports a chunk, and a `[data-lazy-loaded]` element whose attribute is set (non-empty) once
 * the chunk ran. Pages with `[data-hydrated]` are waited for until it says "true".
 */
import { chromium, type Browser, type Page, type Request } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "../../e2e/browser";
import type { RequestRecord } from "./results";

export const LAZY_TRIGGER = "[data-lazy-trigger]";
const LAZY_LOADED = '[data-lazy-loaded]:not([data-lazy-loaded=""])';
const TIMEOUT_MS = 20_000;

export interface OldTabOptions {
  readonly url: string;
  readonly phase: () => string;
  readonly record: (record: RequestRecord) => void;
  /** True for a path that reaches a function that cannot run here (not counted). */
  readonly isExcused: (path: string) => boolean;
}

export type ChunkOutcome =
  /** `fetched`: the scripts the tab requested after the click (none when the page had preloaded the chunk). */
  | { readonly loaded: true; readonly text: string; readonly fetched: readonly string[] }
  | { readonly loaded: false; readonly reason: string };

export interface OldTab {
  /** Clicks the trigger and waits for the chunk to run. */
  loadLazyChunk(): Promise<ChunkOutcome>;
  close(): Promise<void>;
}

export async function openOldTab(options: OldTabOptions): Promise<OldTab> {
  const browser: Browser = await chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
    });
    watchRequests(page, options);
    await page.goto(options.url, { waitUntil: "load", timeout: TIMEOUT_MS });
    await page.waitForLoadState("networkidle", { timeout: TIMEOUT_MS });
    if ((await page.locator("[data-hydrated]").count()) > 0) {
      await page.locator('[data-hydrated="true"]').first().waitFor({ timeout: TIMEOUT_MS });
    }
    return {
      async loadLazyChunk() {
        if ((await page.locator(LAZY_TRIGGER).count()) === 0) {
          return { loaded: false, reason: `the page at ${options.url} has no ${LAZY_TRIGGER} element to load a chunk on demand (see docs/rehearsal.md)` };
        }
        const before = scripts.length;
        await page.locator(LAZY_TRIGGER).first().click();
        try {
          const loaded = page.locator(LAZY_LOADED).first();
          await loaded.waitFor({ timeout: TIMEOUT_MS });
          return { loaded: true, text: (await loaded.textContent()) ?? "", fetched: scripts.slice(before) };
        } catch {
          return { loaded: false, reason: `no ${LAZY_LOADED} within ${TIMEOUT_MS / 1000} s of the click` };
        }
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Whether a request the browser reports as failed counts against zero downtime. Chromium says
 * `net::ERR_ABORTED` when the page itself cancelled the request: Next.js aborts a pending
 * router prefetch (`?_rsc=`) when a newer one or a navigation supersedes it, which happens
 * more often on a slow machine. No server answer causes it: a refused, reset or cut-off
 * response is `ERR_CONNECTION_REFUSED`, `ERR_CONNECTION_RESET`, `ERR_EMPTY_RESPONSE` or
 * `ERR_INCOMPLETE_CHUNKED_ENCODING`, and a 4xx/5xx is a finished request with its status.
 */
export function browserFailureCounts(errorText: string | undefined): boolean {
  return errorText !== "net::ERR_ABORTED";
}

/** Records each request of the tab when it finishes or fails, in the phase it was sent in. */
function watchRequests(page: Page, options: OldTabOptions): void {
  const sentIn = new Map<Request, { phase: string; started: number }>();
  const pathOf = (request: Request) => {
    const url = new URL(request.url());
    return `${url.pathname}${url.search}`;
  };
  const counted = (request: Request) => request.url().startsWith(options.url) && !options.isExcused(new URL(request.url()).pathname);
  page.on("request", (request) => sentIn.set(request, { phase: options.phase(), started: performance.now() }));
  page.on("requestfinished", (request) => {
    const sent = sentIn.get(request);
    sentIn.delete(request);
    if (!sent || !counted(request)) return;
    void request.response().then((response) => {
      const status = response?.status();
      options.record({ phase: sent.phase, client: "browser", url: pathOf(request), status, ms: performance.now() - sent.started, ok: status !== undefined && status < 400 });
    });
  });
  page.on("requestfailed", (request) => {
    const sent = sentIn.get(request);
    sentIn.delete(request);
    if (!sent || !counted(request)) return;
    const error = request.failure()?.errorText ?? "failed";
    if (!browserFailureCounts(error)) return;
    options.record({ phase: sent.phase, client: "browser", url: pathOf(request), status: undefined, error, ms: performance.now() - sent.started, ok: false });
  });
}
