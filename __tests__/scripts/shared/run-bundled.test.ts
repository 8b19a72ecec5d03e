/**
 * scripts/shared/run-bundled.cjs: runs a TypeScript tool from an esbuild bundle of its
 * sources, rebuilt when one changed, with each module's own __dirname, and from the sources
 * under tsx when it cannot bundle them.
 */
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { tempDir } from "../../support/temp-dir";

const LAUNCHER = path.resolve(__dirname, "../../../scripts/shared/run-bundled.cjs");

/** A tool in a fresh folder: its entry prints what lib/value.ts exports, then its arguments. */
async function tool(value: string, extra: Record<string, string> = {}): Promise<{ dir: string; entry: string }> {
  const dir = tempDir("run-bundled-");
  await writeFile(path.join(dir, "value.ts"), value);
  for (const [name, content] of Object.entries(extra)) await writeFile(path.join(dir, name), content);
  await writeFile(
    path.join(dir, "entry.ts"),
    'import { value } from "./value";\nif (require.main === module) console.log(JSON.stringify([value, ...process.argv.slice(2)]));\n',
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

  it("rebuilds the bundle when a source changed", async () => {
    const { dir, entry } = await tool('export const value = "v1";\n');
    run(entry);
    await writeFile(path.join(dir, "value.ts"), 'export const value = "version two";\n');
    expect(run(entry)).toEqual(["version two"]);
  });

  it("gives a bundled module its own __dirname", async () => {
    const { dir, entry } = await tool('export { value } from "./lib/where";\n');
    await mkdir(path.join(dir, "lib"));
    await writeFile(path.join(dir, "lib", "where.ts"), "export const value = __dirname;\n");
    expect(run(entry)).toEqual([path.join(dir, "lib")]);
  });

  it("hands a TypeScript file the tool requires while running to tsx", async () => {
    const { entry } = await tool(
      [
        'import path from "node:path";',
        "// A path known only at run time (like app.config.ts): not part of the bundle.",
        'const file = path.join(__dirname, ["runtime", "config.ts"].join("-"));',
        "// eslint-disable-next-line @typescript-eslint/no-require-imports",
        "export const value = (require(file) as { default: string }).default;",
        "",
      ].join("\n"),
      { "runtime-config.ts": 'const typed: string = "typed at run time";\nexport default typed;\n' },
    );
    expect(run(entry)).toEqual(["typed at run time"]);
  });

  it("runs the sources under tsx when they cannot be bundled", async () => {
    // esbuild has no loader for .data; Node reads an unknown extension as JavaScript.
    const { entry } = await tool(
      '// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const value: string = require("./value.data");\n',
      { "value.data": 'module.exports = "from the sources";\n' },
    );
    expect(run(entry)).toEqual(["from the sources"]);
  });
});
