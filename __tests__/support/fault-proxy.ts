/**
 * A small HTTP proxy in front of moto_server that injects faults the emulator cannot
 * produce by itself: 5xx/throttling answers, connection resets, stale RevisionId errors,
 * requests held back. Each request is handed to `decide`, which returns what to do with
 * it, or a promise of that: the request waits until it settles (a slow server, or a test
 * that acts while a request is in flight).
 *
 * Conditional writes (a PUT or DELETE with If-Match or If-None-Match) pass to moto one at a
 * time. S3 decides racing conditional writes to one key atomically: one wins, the others get
 * 412 or 409 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 * moto 5.2 checks the condition and then writes in two steps on a threaded server
 * (moto/s3/responses.py, put_object), so on a loaded machine two racing `If-None-Match: *`
 * creates can both succeed, which S3 never allows. Forwarding them one at a time gives the
 * tests S3's guarantee back.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, e.g. `/bucket/key?uploads`. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export type FaultDecision =
  | { readonly kind: "pass" }
  | { readonly kind: "respond"; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: "reset" };

export type Decider = (request: ProxiedRequest) => FaultDecision | Promise<FaultDecision>;

export interface FaultProxy {
  readonly endpoint: string;
  /** Every request seen, in order of arrival, with what was done to it (once decided). */
  readonly log: { request: ProxiedRequest; decision: FaultDecision["kind"] | "pending" }[];
  setDecider(decide: Decider): void;
  close(): Promise<void>;
}

export const PASS: FaultDecision = { kind: "pass" };

/** A write S3 applies only if its precondition holds: S3 decides these atomically. */
export function isConditionalWrite(request: Pick<ProxiedRequest, "method" | "headers">): boolean {
  return (
    (request.method === "PUT" || request.method === "DELETE") &&
    (request.headers["if-match"] !== undefined || request.headers["if-none-match"] !== undefined)
  );
}

export async function startFaultProxy(target: string, decide: Decider = () => PASS): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const log: FaultProxy["log"] = [];
  let decider: Decider = decide;
  // The tail of the queue of conditional writes: each is forwarded once the one before it
  // has been answered in full.
  let conditionalWrites: Promise<void> = Promise.resolve();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const request: ProxiedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const entry: FaultProxy["log"][number] = { request, decision: "pending" };
      log.push(entry);
      const decision = await decider(request);
      entry.decision = decision.kind;
      if (res.destroyed || req.socket.destroyed) return; // the client gave up while the request was held
      if (decision.kind === "reset") {
        req.socket.destroy();
        return;
      }
      if (decision.kind === "respond") {
        res.writeHead(decision.status, decision.headers ?? {});
        res.end(decision.body ?? "");
        return;
      }
      const forward = () =>
        new Promise<void>((answered) => {
          const upstream = http.request(
            {
              hostname: targetUrl.hostname,
              port: targetUrl.port,
              method: request.method,
              path: request.url,
              headers: { ...req.headers, host: targetUrl.host },
            },
            (upstreamRes) => {
              res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
              upstreamRes.pipe(res);
              upstreamRes.on("close", answered); // after its last byte, or when cut off
            },
          );
          upstream.on("error", () => {
            req.socket.destroy();
            answered();
          });
          upstream.end(request.body);
        });
      if (isConditionalWrite(request)) {
        conditionalWrites = conditionalWrites.then(forward);
      } else {
        void forward();
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    setDecider: (next) => {
      decider = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
