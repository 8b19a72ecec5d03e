/**
 * npm 11 skips dependencies' install scripts (`npm ci` warns about each). Every package in the
 * lockfile that has one must work without it here; the README's requirements say so. A new
 * dependency with an install script fails the first test until it is checked and added below.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./support/temp-dir";

const ROOT = path.resolve(__dirname, "..");

/** Each package's use in this workspace, done without its install script having run. */
const CHECKS: Record<string, () => Promise<unknown>> = {
  esbuild: async () => (await import("esbuild")).transformSync("const a: number = 1", { loader: "ts" }).code,
  "@swc/core": async () => (await import("@swc/core")).transformSync("const a: number = 1", { jsc: { parser: { syntax: "typescript" } } }).code,
  "@parcel/watcher": async () => {
    const watcher = await import("@parcel/watcher");
    const dir = tempDir("watcher-");
    let subscription: { unsubscribe(): Promise<void> } | undefined;
    const seen = new Promise<string[]>((resolve) => {
      void watcher.subscribe(dir, (_error, events) => resolve(events.map((e) => `${e.type} ${path.basename(e.path)}`))).then((s) => {
        subscription = s;
        writeFileSync(path.join(dir, "created"), "");
      });
    });
    const events = await seen;
    await subscription?.unsubscribe();
    return events;
  },
  "@cdktf/node-pty-prebuilt-multiarch": async () => {
    const pty = (await import("@cdktf/node-pty-prebuilt-multiarch")) as unknown as {
      spawn(file: string, args: string[], options: object): { onData(cb: (d: string) => void): void; onExit(cb: (e: { exitCode: number }) => void): void };
    };
    const child = pty.spawn("/bin/echo", ["pty works"], {});
    let output = "";
    child.onData((data) => (output += data));
    return new Promise((resolve) => child.onExit(({ exitCode }) => resolve(`${exitCode} ${output.trim()}`)));
  },
};

const EXPECTED: Record<string, unknown> = {
  esbuild: "const a = 1;\n",
  "@swc/core": "var a = 1;\n",
  "@parcel/watcher": ["create created"],
  "@cdktf/node-pty-prebuilt-multiarch": "0 pty works",
};

describe("dependencies whose install scripts npm skips", () => {
  it("are exactly the ones checked here", async () => {
    const lock = (await import(path.join(ROOT, "package-lock.json"))) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([key]) => key.replace(/^.*node_modules\//, ""));
    expect(withScripts.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  it.each(Object.keys(CHECKS))("%s works without its install script", async (name) => {
    expect(await (CHECKS[name] as () => Promise<unknown>)()).toEqual(EXPECTED[name]);
  });
});
