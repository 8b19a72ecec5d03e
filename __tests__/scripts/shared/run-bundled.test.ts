/**
 * scripts/shared/run-bundled.cjs: runs a TypeScript tool from an esbuild bundle kept next to
 * its entry, rebuilds it when a source changed, and falls back to tsx when a source other
 * than the entry uses __dirname (which a bundle would move).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const LAUNCHER = path.resolve(__dirname, "../../../scripts/shared/run-bundled.cjs");

/** A two-file tool in a fresh folder: its entry prints what lib.ts exports, then its arguments. */
async function tool(lib: string): Promise<{ dir: string; entry: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "run-bundled-"));
  await writeFile(path.join(dir, "lib.ts"), lib);
  await writeFile(
    path.join(dir, "entry.ts"),
    'import { value } from "./lib";\nif (require.main === module) console.log(JSON.stringify([value, ...process.argv.slice(2)]));\n',
  );
  return { dir, entry: path.join(dir, "entry.ts") };
}

function run(entry: string, ...args: string[]): unknown {
  const result = spawnSync(process.execPath, [LAUNCHER, entry, ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("running a tool through run-bundled", () => {
  it("runs it as the main module with its own arguments", async () => {
    const { entry } = await tool('export const value: string = "v1";\n');
    expect(run(entry, "--flag", "x")).toEqual(["v1", "--flag", "x"]);
  });

  it("keeps the bundle next to the entry", async () => {
    const { dir, entry } = await tool('export const value = "v1";\n');
    run(entry);
    expect(existsSync(path.join(dir, ".entry.bundle.cjs"))).toBe(true);
  });

  it("rebuilds the bundle when a source changed", async () => {
    const { dir, entry } = await tool('export const value = "v1";\n');
    run(entry);
    await writeFile(path.join(dir, "lib.ts"), 'export const value = "version two";\n');
    expect(run(entry)).toEqual(["version two"]);
  });

  it("runs the sources under tsx when a module other than the entry uses __dirname", async () => {
    const { dir, entry } = await tool("export const value = __dirname;\n");
    expect({ printed: run(entry), bundled: existsSync(path.join(dir, ".entry.bundle.cjs")) }).toEqual({
      printed: [dir],
      bundled: false,
    });
  });
});
