/**
 * One Lambda version in its own process (lambda-runtime.mjs via version-runtime.ts):
 * buffered and streaming handlers (Lambda's awslambda.streamifyResponse), the version's
 * environment and nothing else, and a crashed process replaced on the next invocation.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { toEventV2 } from "../../../scripts/e2e-local/lambda-event";
import type { LocalResponse } from "../../../scripts/e2e-local/local-function";
import { versionRuntime, type VersionRuntime } from "../../../scripts/e2e-local/version-runtime";
import { tempDir } from "../../support/app-builds";

function runtimeFor(source: string, environment: Record<string, string> = {}, fileName = "index.mjs"): VersionRuntime {
  const dir = tempDir("version-runtime-");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, fileName), source);
  return versionRuntime({ taskRoot: dir, handlerFile: path.join(dir, fileName), exportName: "handler", environment, log: () => {} });
}

const event = (p = "/") => toEventV2({ method: "GET", path: p, query: "", headers: { host: "edge.test" }, body: Buffer.alloc(0), sourceIp: "127.0.0.1" });

async function text(response: LocalResponse): Promise<{ status: number; body: string; contentType?: string }> {
  if (response.kind === "buffered") return { status: response.response.statusCode, body: response.response.body.toString("utf8") };
  let status = 0;
  let contentType: string | undefined;
  const chunks: Buffer[] = [];
  await response.run({
    head: (metadata) => {
      status = metadata.statusCode ?? 200;
      contentType = metadata.headers?.["Content-Type"];
    },
    chunk: (data) => chunks.push(data),
  });
  return { status, body: Buffer.concat(chunks).toString("utf8"), ...(contentType ? { contentType } : {}) };
}

describe("a version's execution environment", () => {
  const runtimes: VersionRuntime[] = [];
  const start = (...args: Parameters<typeof runtimeFor>) => {
    const runtime = runtimeFor(...args);
    runtimes.push(runtime);
    return runtime;
  };
  afterAll(() => Promise.all(runtimes.map((r) => r.stop())));

  it("answers with a buffered handler's result by the payload 2.0 rules", async () => {
    const runtime = start(`export const handler = async (event) => ({ statusCode: 201, body: "at " + event.rawPath });`);
    expect(await text(await runtime.invoke(event("/page")))).toEqual({ status: 201, body: "at /page" });
  });

  it("passes a streaming handler's status, headers and chunks on", async () => {
    const runtime = start(`export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
      const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 202, headers: { "Content-Type": "text/plain" } });
      stream.write("first ");
      await new Promise((resolve) => setTimeout(resolve, 20));
      stream.end("second");
    });`);
    expect(await text(await runtime.invoke(event()))).toEqual({ status: 202, body: "first second", contentType: "text/plain" });
  });

  it("gives the handler the version's environment and none of this process's", async () => {
    process.env.REHEARSAL_TEST_SECRET = "leaked";
    const runtime = start(`export const handler = async () => ({ statusCode: 200, body: JSON.stringify([process.env.GREETING, process.env.REHEARSAL_TEST_SECRET ?? null]) });`, { GREETING: "hello" });
    expect(JSON.parse((await text(await runtime.invoke(event()))).body)).toEqual(["hello", null]);
    delete process.env.REHEARSAL_TEST_SECRET;
  });

  it("loads a CommonJS handler file too", async () => {
    const runtime = start(`exports.handler = async () => ({ statusCode: 200, body: "cjs" });`, {}, "index.cjs");
    expect((await text(await runtime.invoke(event()))).body).toBe("cjs");
  });

  it("fails the invocation when the handler throws", async () => {
    const runtime = start(`export const handler = async () => { throw new Error("boom"); };`);
    await expect(runtime.invoke(event())).rejects.toThrow(/boom/);
  });

  it("replaces a process that died, on the next invocation", async () => {
    const runtime = start(`export const handler = async (event) => { if (event.rawPath === "/exit") process.exit(3); return { statusCode: 200, body: String(process.pid) }; };`);
    await expect(runtime.invoke(event("/exit"))).rejects.toThrow(/exited/);
    expect((await text(await runtime.invoke(event("/")))).status).toBe(200);
  });

  it("says why a handler that cannot load never started", async () => {
    const runtime = start(`export const notTheHandler = 1;`);
    await expect(runtime.invoke(event())).rejects.toThrow(/exports no handler function/);
  });
});
