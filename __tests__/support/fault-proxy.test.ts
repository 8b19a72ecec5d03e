/**
 * The fault proxy forwards conditional writes one at a time (S3 decides them atomically,
 * moto does not: see fault-proxy.ts). A stand-in upstream answers each request after a
 * pause and records how many requests of each kind it was answering at once.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { isConditionalWrite, startFaultProxy, type FaultProxy } from "./fault-proxy";

const PAUSE_MS = 40;

let upstream: http.Server;
let proxy: FaultProxy;
let inFlight = { conditional: 0, other: 0 };
let mostAtOnce = { conditional: 0, other: 0 };

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const kind = isConditionalWrite({ method: req.method ?? "GET", headers: req.headers }) ? "conditional" : "other";
    inFlight[kind] += 1;
    mostAtOnce[kind] = Math.max(mostAtOnce[kind], inFlight[kind]);
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        inFlight[kind] -= 1;
        res.end(`${req.method} ${req.url}`);
      }, PAUSE_MS),
    );
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});
beforeEach(() => {
  inFlight = { conditional: 0, other: 0 };
  mostAtOnce = { conditional: 0, other: 0 };
});

async function send(method: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${proxy.endpoint}${path}`, { method, headers, body: method === "PUT" ? "x" : undefined });
  return response.text();
}

describe("isConditionalWrite", () => {
  it.each([
    ["PUT", { "if-none-match": "*" }, true],
    ["PUT", { "if-match": '"abc"' }, true],
    ["DELETE", { "if-match": '"abc"' }, true],
    ["PUT", {}, false],
    ["DELETE", {}, false],
    ["GET", { "if-none-match": '"abc"' }, false],
    ["HEAD", { "if-match": '"abc"' }, false],
  ])("%s with %j: %s", (method, headers, expected) => {
    expect(isConditionalWrite({ method, headers })).toBe(expected);
  });
});

describe("forwarding", () => {
  it("forwards conditional writes one at a time, each answered in full", async () => {
    const answers = await Promise.all([
      send("PUT", "/b/lock", { "if-none-match": "*" }),
      send("PUT", "/b/lock", { "if-none-match": "*" }),
      send("PUT", "/b/lock", { "if-match": '"e1"' }),
      send("DELETE", "/b/lock", { "if-match": '"e2"' }),
    ]);
    expect(answers).toEqual(["PUT /b/lock", "PUT /b/lock", "PUT /b/lock", "DELETE /b/lock"]);
    expect(mostAtOnce.conditional).toBe(1);
  });

  it("lets other requests overlap, with each other and with a conditional write", async () => {
    await Promise.all([
      send("PUT", "/b/lock", { "if-none-match": "*" }),
      send("PUT", "/b/one"),
      send("PUT", "/b/two"),
      send("GET", "/b/three"),
    ]);
    expect(mostAtOnce).toEqual({ conditional: 1, other: 3 });
  });
});
