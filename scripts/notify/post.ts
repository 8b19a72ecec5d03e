/**
 * Posts a JSON payload to a Slack incoming webhook, patiently but within a time budget:
 * 429 and 5xx answers and network errors are retried with exponential backoff and jitter
 * (or exactly as long as a Retry-After header asks); anything else is final.
 *
 * The webhook URL is a credential (whoever holds it can post to the channel), so it never
 * appears in an outcome: every reason passes through `scrubSecret`, because errors from
 * fetch can quote the URL they failed on.
 */

export interface PostOptions {
  /**
   * Overall budget for every attempt and wait together.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /** @default 5 */
  readonly maxAttempts?: number;
  /**
   * First backoff delay; doubles per attempt, capped by maxDelayMs, with jitter.
   * @default 500
   */
  readonly baseDelayMs?: number;
  /** @default 8000 */
  readonly maxDelayMs?: number;
  /** Told about each retry before its wait (for progress lines on stderr). */
  readonly onRetry?: (retry: RetryNotice) => void;
  /** @default global fetch */
  readonly fetch?: typeof fetch;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
}

export interface RetryNotice {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  /** Already scrubbed. */
  readonly reason: string;
}

export type PostOutcome =
  | { readonly delivered: true; readonly attempts: number; readonly httpStatus: number }
  | {
      readonly delivered: false;
      readonly attempts: number;
      /** Already scrubbed of the webhook URL. */
      readonly reason: string;
      readonly httpStatus?: number;
    };

type AttemptResult =
  | { readonly kind: "delivered"; readonly httpStatus: number }
  | { readonly kind: "retry"; readonly reason: string; readonly httpStatus?: number; readonly retryAfterMs?: number }
  | { readonly kind: "final"; readonly reason: string; readonly httpStatus?: number };

const REDACTED = "<webhook URL>";

export async function postToWebhook(webhookUrl: string, payload: unknown, options: PostOptions = {}): Promise<PostOutcome> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;
  const scrub = (text: string) => scrubSecret(text, webhookUrl);
  const deadline = now() + timeoutMs;
  const body = JSON.stringify(payload);

  for (let attempt = 1; ; attempt++) {
    const result = await attemptPost(doFetch, webhookUrl, body, { remainingMs: deadline - now(), nowMs: now() }, scrub);
    if (result.kind === "delivered") return { delivered: true, attempts: attempt, httpStatus: result.httpStatus };
    const failed = { delivered: false as const, attempts: attempt, httpStatus: result.httpStatus };
    if (result.kind === "final") return { ...failed, reason: result.reason };
    if (attempt >= maxAttempts) {
      return { ...failed, reason: `${result.reason}; gave up after ${attempt} attempts` };
    }
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": half fixed, half random, so parallel jobs do not retry in lockstep.
    const delayMs = result.retryAfterMs ?? Math.round(backoff / 2 + (random() * backoff) / 2);
    const remainingMs = deadline - now();
    if (delayMs >= remainingMs) {
      return {
        ...failed,
        reason: `${result.reason}; the next try (in ${formatSeconds(delayMs)}) would exceed the ${formatSeconds(timeoutMs)} time budget`,
      };
    }
    options.onRetry?.({ attempt, maxAttempts, delayMs, reason: result.reason });
    await sleep(delayMs);
  }
}

async function attemptPost(
  doFetch: typeof fetch,
  url: string,
  body: string,
  { remainingMs, nowMs }: { readonly remainingMs: number; readonly nowMs: number },
  scrub: (text: string) => string,
): Promise<AttemptResult> {
  if (remainingMs <= 0) return { kind: "final", reason: "the time budget ran out" };
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
      signal: AbortSignal.timeout(remainingMs),
      redirect: "error",
    });
  } catch (error) {
    if (isErrorLike(error) && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return { kind: "final", reason: "no answer from Slack within the time budget" };
    }
    // Network trouble (refused, reset, DNS) is usually transient.
    return { kind: "retry", reason: scrub(`request failed: ${describeFetchError(error)}`) };
  }
  const text = await readBody(response);
  if (response.ok) return { kind: "delivered", httpStatus: response.status };
  const reason = scrub(`Slack answered HTTP ${response.status}${text ? ` (${text})` : ""}`);
  if (response.status === 429 || response.status >= 500) {
    return { kind: "retry", reason, httpStatus: response.status, retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), nowMs) };
  }
  // 400 invalid_payload, 403 invalid_token, 404 no_service, 410 channel_is_archived: retrying cannot help.
  return { kind: "final", reason, httpStatus: response.status };
}

async function readBody(response: Response): Promise<string> {
  try {
    const text = (await response.text()).trim().replace(/\s+/g, " ");
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    return "";
  }
}

function describeFetchError(error: unknown): string {
  if (!isErrorLike(error)) return String(error);
  // undici wraps the useful part ("connect ECONNREFUSED 127.0.0.1:9") in `cause`.
  const cause = isErrorLike(error.cause) ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** Duck-typed: errors from fetch may come from another realm, where instanceof fails. */
function isErrorLike(value: unknown): value is { name: string; message: string; cause?: unknown } {
  return typeof value === "object" && value !== null && typeof (value as Error).message === "string" && typeof (value as Error).name === "string";
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Removes the webhook URL, and the secret parts of its path, from text. Slack's URLs carry
 * the secret in the path (`/services/T…/B…/<token>`), so the path and each long segment go
 * too, in case an error quotes them separately or percent-encoded.
 */
export function scrubSecret(text: string, webhookUrl: string): string {
  const secrets = new Set<string>([webhookUrl, webhookUrl.replace(/\/+$/, "")]);
  try {
    const url = new URL(webhookUrl);
    secrets.add(url.href);
    if (url.pathname.length > 1) secrets.add(url.pathname);
    if (url.search) secrets.add(url.search);
    for (const segment of `${url.pathname}${url.search}`.split(/[/?&=]/)) {
      if (segment.length >= 8) secrets.add(segment);
    }
  } catch {
    // Not a URL: the whole string is all there is to hide.
  }
  const all = [...secrets].filter((s) => s.length > 0);
  for (const secret of [...all]) {
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) all.push(encoded);
  }
  all.sort((a, b) => b.length - a.length);
  return all.reduce((scrubbed, secret) => scrubbed.split(secret).join(REDACTED), text);
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
