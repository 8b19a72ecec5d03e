/**
 * The example app's Lambda handler, as built: it must run on every runtime the schema allows.
 * Node.js 24 on Lambda no longer calls callback-style handlers (event, context, callback);
 * an async handler that returns its response works on nodejs22.x and nodejs24.x alike.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

type Handler = (event: object) => unknown;
let handler: Handler;

beforeAll(() => {
  const build = spawnSync("node", ["examples/ssr-app/build.mjs", "--if-needed"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`example build failed: ${build.stderr}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle is CommonJS
  handler = (require(path.join(ROOT, "examples", "ssr-app", "dist", "server", "index.js")) as { handler: Handler }).handler;
});

describe("the example SSR handler", () => {
  it("takes no callback parameter", () => {
    expect(handler.length).toBeLessThan(3);
  });

  it("answers with a promise of the response", async () => {
    const answer = handler({ rawPath: "/" });
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).resolves.toMatchObject({ statusCode: 200 });
  });
});
