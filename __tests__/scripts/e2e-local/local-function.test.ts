/**
 * The build's functions run in the local edge's process: buffered and streaming handlers
 * (Lambda's awslambda.streamifyResponse), a function for another CPU reported as unavailable,
 * and x-forwarded-host set from Host as the distribution's CloudFront Function does.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AppFunction } from "../../../lib/app-build/description";
import { startLocalEdge, type LocalEdge } from "../../../scripts/e2e-local/edge";
import { hostArchitecture, loadLocalFunction, type LocalFunction } from "../../../scripts/e2e-local/local-function";
import { routeTableFor } from "../../../scripts/e2e-local/routes";
import type { AssetsOrigin } from "../../../scripts/e2e-local/s3-origin";
import { tempDir } from "../../support/app-builds";

function bundle(source: string): string {
  const dir = tempDir("local-fn-");
  mkdirSync(dir, { recursive: true });
  // CommonJS: jest runs without ESM support; the edge imports .mjs, .js and .cjs alike.
  writeFileSync(path.join(dir, "index.cjs"), source);
  return dir;
}

const fn = (id: string, bundleDir: string, extra: Partial<AppFunction> = {}): AppFunction => ({
  id,
  bundleDir,
  handler: "index.handler",
  streaming: false,
  trigger: { kind: "http" },
  environment: {},
  grants: [],
  ...extra,
});

const SERVER = `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ host: event.headers["x-forwarded-host"], greeting: process.env.GREETING }),
});`;
const STREAMING = `exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { "Content-Type": "text/plain" } });
  stream.write("first ");
  await new Promise((resolve) => setTimeout(resolve, 20));
  stream.end("second");
});`;
const assets: AssetsOrigin = async () => ({ statusCode: 404, headers: {}, body: Buffer.alloc(0) });

describe("running the build's functions locally", () => {
  let edge: LocalEdge;
  let image: LocalFunction;

  beforeAll(async () => {
    const other = hostArchitecture() === "arm64" ? "x86_64" : "arm64";
    const functions = new Map<string, LocalFunction>([
      ["server", await loadLocalFunction(fn("server", bundle(SERVER)), { GREETING: "hello" })],
      ["stream", await loadLocalFunction(fn("stream", bundle(STREAMING), { streaming: true }), {})],
    ]);
    image = await loadLocalFunction(fn("image", bundle(SERVER), { architecture: other }), {});
    functions.set("image", image);
    const build = {
      kind: "test",
      root: "/",
      buildId: "1",
      functions: [...functions.keys()].map((id) => fn(id, "/")),
      staticFiles: { dir: "/", keyPrefix: "assets/", cacheRules: [] },
      behaviours: [
        { pathPattern: "stream/*", target: { kind: "function" as const, functionId: "stream" } },
        { pathPattern: "_next/image*", target: { kind: "function" as const, functionId: "image" } },
      ],
      tables: [],
      queues: [],
    };
    edge = await startLocalEdge({ assets, handler: functions, routes: routeTableFor(build) });
  });
  afterAll(() => edge.stop());

  it("gives the server its environment and the viewer's host as x-forwarded-host", async () => {
    // fetch always sends the URL's host as Host (a forbidden header to override).
    const response = await fetch(`${edge.url}/page`, { headers: { "x-forwarded-host": "evil.example" } });
    expect(await response.json()).toEqual({ host: new URL(edge.url).host, greeting: "hello" });
  });

  it("passes a streaming handler's status, headers and chunks on", async () => {
    const response = await fetch(`${edge.url}/stream/x`);
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([201, "text/plain", "first second"]);
  });

  it("reports a function built for another CPU as unavailable, naming both", () => {
    expect(image.available ? "" : image.reason).toMatch(/^function image carries native code for (arm64|x86_64) and this machine is \w+/);
  });

  it("answers 502 for a path whose function cannot run here", async () => {
    expect((await fetch(`${edge.url}/_next/image?url=%2Flogo.png&w=64`)).status).toBe(502);
  });
});
