/**
 * A stand-in for Slack's incoming-webhook endpoint: a real HTTP server on 127.0.0.1 that
 * answers with a scripted list of responses (the last one repeats) and records requests.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookServer {
  /** Base URL, e.g. http://127.0.0.1:12345 */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A path shaped like Slack's, with a token no output may ever contain. */
export const SECRET_TOKEN = "xS3cr3tW3bh00kT0k3nZ9q";
export const WEBHOOK_PATH = `/services/T0TESTWS/B0TESTBT/${SECRET_TOKEN}`;

export async function startWebhookServer(script: readonly ScriptedResponse[]): Promise<WebhookServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const response = script[Math.min(requests.length, script.length) - 1];
      res.writeHead(response.status, { "content-type": "text/plain", ...response.headers });
      res.end(response.body ?? (response.status === 200 ? "ok" : ""));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A loopback URL nothing listens on: a port that was just free. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
}
