/**
 * A small HTTP proxy in front of moto_server that injects faults the emulator cannot
 * produce by itself: 5xx/throttling answers, connection resets, stale RevisionId errors,
 * requests held back. Each request is handed to `decide`, which returns what to do with
 * it, or a promise of that: the request waits until it settles (a slow server, or a test
 * that acts while a request is in flight).
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

export async function startFaultProxy(target: string, decide: Decider = () => PASS): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const log: FaultProxy["log"] = [];
  let decider: Decider = decide;

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
        },
      );
      upstream.on("error", () => req.socket.destroy());
      upstream.end(request.body);
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
