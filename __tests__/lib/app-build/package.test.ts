import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { packageFunction, zipDirectory } from "../../../lib/app-build/package";
import { releaseFunctionSet } from "../../../lib/app-build/release-set";
import { describeAppBuild } from "../../../lib/app-build/load";
import { tempDir, writeOpenNextBuild } from "../../support/app-builds";

function bundle(): string {
  const dir = tempDir("bundle-");
  mkdirSync(path.join(dir, ".next/server"), { recursive: true });
  writeFileSync(path.join(dir, "index.mjs"), "export const handler = 1;");
  writeFileSync(path.join(dir, ".next/server/page.js"), "module.exports = 2;");
  return dir;
}

describe("Lambda packages", () => {
  it("are byte-identical for the same files", () => {
    expect(Buffer.compare(Buffer.from(zipDirectory(bundle())), Buffer.from(zipDirectory(bundle())))).toBe(0);
  });

  it("include dot-folders such as .next/", () => {
    expect(Object.keys(unzipSync(zipDirectory(bundle()))).sort()).toEqual([".next/server/page.js", "index.mjs"]);
  });

  it("are cached by content: a second call reuses the file", () => {
    const cache = tempDir("zips-");
    const dir = bundle();
    const first = packageFunction(dir, cache);
    writeFileSync(first, "marker");
    expect(readFileSync(packageFunction(dir, cache), "utf8")).toBe("marker");
  });

  it("change when a file changes", () => {
    const cache = tempDir("zips-");
    const dir = bundle();
    const first = packageFunction(dir, cache);
    writeFileSync(path.join(dir, "index.mjs"), "export const handler = 3;");
    expect(packageFunction(dir, cache)).not.toBe(first);
  });
});

describe("the release set", () => {
  it("names every released function of an environment from lib/naming, the server as before", () => {
    const description = describeAppBuild(writeOpenNextBuild(tempDir()), "test");
    expect(releaseFunctionSet({ project: "acme-web", name: "dev", account: { id: "111111111111" } }, description)).toEqual([
      { id: "server", functionName: "acme-web-dev-ssr" },
      { id: "image", functionName: "acme-web-dev-image" },
      { id: "revalidation", functionName: "acme-web-dev-revalidation" },
    ]);
  });
});
