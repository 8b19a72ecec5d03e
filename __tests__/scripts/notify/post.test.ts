/**
 * postToWebhook over real HTTP against a local server. Waits are recorded through an
 * injected sleep (and a fake clock where the time budget matters) instead of being slept.
 */
import { parseRetryAfter, postToWebhook, scrubSecret, type PostOptions } from "../../../scripts/notify/post";
import { SECRET_TOKEN, startWebhookServer, unreachableUrl, WEBHOOK_PATH, type ScriptedResponse, type WebhookServer } from "./webhook-server";

const payload = { text: "hello", blocks: [] };
let server: WebhookServer | undefined;

async function serve(script: readonly ScriptedResponse[]): Promise<{ url: string; server: WebhookServer }> {
  server = await startWebhookServer(script);
  return { url: `${server.origin}${WEBHOOK_PATH}`, server };
}

/** Records the waits instead of sleeping, and moves a fake clock by them. */
function recordedWaits(): { waits: number[]; options: Pick<PostOptions, "sleep" | "now" | "random"> } {
  const waits: number[] = [];
  let clock = 0;
  return {
    waits,
    options: {
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      random: () => 1,
    },
  };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("postToWebhook", () => {
  it("posts the payload as JSON", async () => {
    const { url, server } = await serve([{ status: 200 }]);
    await postToWebhook(url, payload);
    expect({ type: server.requests[0].headers["content-type"], body: JSON.parse(server.requests[0].body) }).toEqual({
      type: "application/json; charset=utf-8",
      body: payload,
    });
  });

  it("reports delivery with the number of attempts", async () => {
    const { url } = await serve([{ status: 200 }]);
    expect(await postToWebhook(url, payload)).toEqual({ delivered: true, attempts: 1, httpStatus: 200 });
  });

  it("retries after a 429, waiting as long as Retry-After says", async () => {
    const { url } = await serve([{ status: 429, headers: { "retry-after": "2" }, body: "rate_limited" }, { status: 200 }]);
    const { waits, options } = recordedWaits();
    const outcome = await postToWebhook(url, payload, options);
    expect({ delivered: outcome.delivered, waits }).toEqual({ delivered: true, waits: [2000] });
  });

  it("retries 5xx answers with exponential backoff", async () => {
    const { url } = await serve([{ status: 503 }, { status: 500 }, { status: 502 }, { status: 200 }]);
    const { waits, options } = recordedWaits();
    await postToWebhook(url, payload, { ...options, baseDelayMs: 100 });
    expect(waits).toEqual([100, 200, 400]);
  });

  it("jitters the backoff between half and all of the exponential delay", async () => {
    const { url } = await serve([{ status: 503 }, { status: 200 }]);
    const { waits, options } = recordedWaits();
    await postToWebhook(url, payload, { ...options, baseDelayMs: 1000, random: () => 0 });
    expect(waits).toEqual([500]);
  });

  it("gives up after the maximum number of attempts", async () => {
    const { url, server } = await serve([{ status: 500, body: "internal" }]);
    const { options } = recordedWaits();
    const outcome = await postToWebhook(url, payload, { ...options, maxAttempts: 3 });
    expect({ outcome, requests: server.requests.length }).toEqual({
      outcome: { delivered: false, attempts: 3, httpStatus: 500, reason: "Slack answered HTTP 500 (internal); gave up after 3 attempts" },
      requests: 3,
    });
  });

  it("gives up when the next wait would overrun the time budget", async () => {
    const { url } = await serve([{ status: 503 }]);
    const { options } = recordedWaits();
    const outcome = await postToWebhook(url, payload, { ...options, timeoutMs: 3000, baseDelayMs: 1000, maxAttempts: 50 });
    expect(outcome).toMatchObject({ delivered: false, attempts: 2, reason: expect.stringMatching(/would exceed the 3 s time budget$/) });
  });

  it("gives up at once when Retry-After asks for longer than the budget", async () => {
    const { url, server } = await serve([{ status: 429, headers: { "retry-after": "120" } }]);
    const { options } = recordedWaits();
    await postToWebhook(url, payload, { ...options, timeoutMs: 30_000 });
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry an answer retrying cannot fix (404 no_service)", async () => {
    const { url, server } = await serve([{ status: 404, body: "no_service" }]);
    const outcome = await postToWebhook(url, payload, recordedWaits().options);
    expect({ outcome, requests: server.requests.length }).toEqual({
      outcome: { delivered: false, attempts: 1, httpStatus: 404, reason: "Slack answered HTTP 404 (no_service)" },
      requests: 1,
    });
  });

  it("retries when the connection is refused", async () => {
    const outcome = await postToWebhook(await unreachableUrl(), payload, { ...recordedWaits().options, maxAttempts: 2 });
    expect(outcome).toMatchObject({ delivered: false, attempts: 2, reason: expect.stringContaining("ECONNREFUSED") });
  });

  it("keeps the webhook URL out of the reason when the request fails", async () => {
    const url = await unreachableUrl();
    const outcome = await postToWebhook(url, payload, { ...recordedWaits().options, maxAttempts: 1 });
    expect(JSON.stringify(outcome)).not.toContain(SECRET_TOKEN);
  });

  it("keeps the webhook URL out of the reason when fetch quotes it", async () => {
    const url = `https://hooks.example.test${WEBHOOK_PATH}`;
    const quoting: typeof fetch = async () => {
      throw new TypeError(`Failed to fetch ${url}`);
    };
    const outcome = await postToWebhook(url, payload, { ...recordedWaits().options, maxAttempts: 1, fetch: quoting });
    expect(JSON.stringify(outcome)).not.toContain(SECRET_TOKEN);
  });
});

describe("scrubSecret", () => {
  const url = `https://hooks.slack.com${WEBHOOK_PATH}`;

  it("replaces the whole URL", () => {
    expect(scrubSecret(`posting to ${url} failed`, url)).toBe("posting to <webhook URL> failed");
  });

  it("removes the token when quoted on its own", () => {
    expect(scrubSecret(`bad token ${SECRET_TOKEN}`, url)).not.toContain(SECRET_TOKEN);
  });

  it("removes the percent-encoded URL", () => {
    expect(scrubSecret(`url=${encodeURIComponent(url)}`, url)).not.toContain(SECRET_TOKEN);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
  });

  it("reads an HTTP date relative to now", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
  });

  it("ignores a value it cannot read", () => {
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
