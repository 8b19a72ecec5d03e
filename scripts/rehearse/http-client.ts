/**
 * The HTTP client of the rehearsal: a few loops that, without pause, load the home page,
 * read every static file it references (scripts, stylesheets, preloads, icons, images served
 * from the bucket) and fetch each one, as a browser arriving at that moment would, and ask
 * the API where the build has one. Every request is recorded with the phase it was sent in,
 * its status and latency; a page that is not 200, a referenced file that is not 200, or no
 * response at all is a failure.
 */
import type { RequestRecord } from "./results";

/** `src` and `href` values in HTML that are paths on the same site (`/…`, not `//host/…`). */
export function pathReferences(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const value = decodeEntities(match[1] ?? match[2] ?? "").trim();
    if (value.startsWith("/") && !value.startsWith("//")) found.add(value.replace(/#.*$/, ""));
  }
  return [...found];
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|quot|#39|#x27|lt|gt);/g, (_, name: string) => ({ amp: "&", quot: '"', "#39": "'", "#x27": "'", lt: "<", gt: ">" })[name] ?? "");
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  /** The page to load. @default "/" */
  readonly pagePath?: string;
  /** Also requested every round (the build's API), when given. */
  readonly apiPath?: string;
  /** True for a path the distribution serves from the assets bucket. */
  readonly isStaticFile: (path: string) => boolean;
  /** True for a path that reaches a function that cannot run here (not counted). */
  readonly isExcused: (path: string) => boolean;
  /** The phase in progress now. */
  readonly phase: () => string;
  readonly record: (record: RequestRecord) => void;
  /** Loops running at once. @default 3 */
  readonly loops?: number;
  /** Give up on one request after this long (a failure). @default 15000 */
  readonly timeoutMs?: number;
}

export interface HttpClients {
  /** Stops after the requests in flight finish. */
  stop(): Promise<void>;
}

export function startHttpClients(options: HttpClientOptions): HttpClients {
  let stopped = false;
  const timeoutMs = options.timeoutMs ?? 15_000;

  const request = async (path: string, expectStatus: (status: number) => boolean): Promise<string | undefined> => {
    const phase = options.phase();
    const started = performance.now();
    try {
      const response = await fetch(`${options.baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
      const body = await response.text();
      const ok = expectStatus(response.status);
      options.record({ phase, client: "http", url: path, status: response.status, ms: performance.now() - started, ok });
      return ok ? body : undefined;
    } catch (error) {
      const message = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      options.record({ phase, client: "http", url: path, status: undefined, error: message, ms: performance.now() - started, ok: false });
      return undefined;
    }
  };

  const loop = async () => {
    while (!stopped) {
      const html = await request(options.pagePath ?? "/", (status) => status === 200);
      if (html !== undefined) {
        const files = pathReferences(html).filter((path) => options.isStaticFile(path) && !options.isExcused(path));
        await Promise.all(files.map((path) => request(path, (status) => status === 200)));
      }
      if (options.apiPath) await request(options.apiPath, (status) => status === 200);
      // Only after a failed page: an edge that answers nothing must not become a busy loop.
      if (html === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const loops = Array.from({ length: options.loops ?? 3 }, () => loop());
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
