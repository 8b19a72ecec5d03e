/**
 * Reading the build directory: dotfiles skipped, symlinks inside --dir followed, symlinks
 * leaving it refused (each named) unless followSymlinks, loops not re-entered, broken links
 * named.
 */
import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { scanDirectory, type ScanResult } from "../../../scripts/sync-assets/scan";
import { makeBuildDir } from "./helpers";
import { tempDir } from "../../support/temp-dir";

function paths(result: ScanResult): string[] {
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.files.map((file) => file.relativePath);
}

let outsideDir: string;
beforeAll(async () => {
  // Real path: that is what the scan names as a link's target.
  outsideDir = await realpath(tempDir("sync-outside-"));
  await writeFile(path.join(outsideDir, "secret.txt"), "not for the bucket\n");
  await mkdir(path.join(outsideDir, "folder"));
  await writeFile(path.join(outsideDir, "folder", "inner.txt"), "also not\n");
});

describe("reading --dir", () => {
  it("lists every regular file with /-separated relative paths, in key order", async () => {
    const dir = await makeBuildDir({ "b.txt": "b", "assets/a.js": "a", "assets/z/c.css": "c" });
    expect(paths(scanDirectory(dir))).toEqual(["assets/a.js", "assets/z/c.css", "b.txt"]);
  });

  it("skips dotfiles and dot-directories", async () => {
    const dir = await makeBuildDir({ "index.html": "x", ".env": "SECRET=1", ".git/config": "x" });
    expect(paths(scanDirectory(dir))).toEqual(["index.html"]);
  });

  it("records each file's size", async () => {
    const dir = await makeBuildDir({ "a.txt": "12345" });
    const result = scanDirectory(dir);
    expect(result.kind === "ok" && result.files[0]?.size).toBe(5);
  });

  it("says when the directory is missing", () => {
    expect(scanDirectory("/nonexistent/build").kind).toBe("missing");
  });

  it("says when the directory holds no files", async () => {
    expect(scanDirectory(tempDir("sync-empty-")).kind).toBe("empty");
  });
});

describe("symlinks", () => {
  it("follows a link to a file inside --dir, under the link's own path", async () => {
    const dir = await makeBuildDir({ "assets/app.v2.js": "x" });
    await symlink("assets/app.v2.js", path.join(dir, "app.js"));
    expect(paths(scanDirectory(dir))).toEqual(["app.js", "assets/app.v2.js"]);
  });

  it("follows a link to a directory inside --dir", async () => {
    const dir = await makeBuildDir({ "v2/page.html": "x" });
    await symlink("v2", path.join(dir, "latest"));
    expect(paths(scanDirectory(dir))).toEqual(["latest/page.html", "v2/page.html"]);
  });

  it("refuses links pointing outside --dir, naming each with its target", async () => {
    const dir = await makeBuildDir({ "index.html": "x" });
    await symlink(path.join(outsideDir, "secret.txt"), path.join(dir, "robots.txt"));
    await symlink(path.join(outsideDir, "folder"), path.join(dir, "docs"));
    expect(scanDirectory(dir)).toEqual({
      kind: "links-outside",
      links: [
        { path: "docs", target: path.join(outsideDir, "folder") },
        { path: "robots.txt", target: path.join(outsideDir, "secret.txt") },
      ],
    });
  });

  it("refuses a relative link that climbs out of --dir", async () => {
    const parent = tempDir("sync-parent-");
    await writeFile(path.join(parent, "credentials"), "x");
    const dir = path.join(parent, "build");
    await mkdir(dir);
    await writeFile(path.join(dir, "index.html"), "x");
    await symlink("../credentials", path.join(dir, "leak.txt"));
    expect(scanDirectory(dir).kind).toBe("links-outside");
  });

  it("follows links pointing outside --dir when asked to", async () => {
    const dir = await makeBuildDir({ "index.html": "x" });
    await symlink(path.join(outsideDir, "folder"), path.join(dir, "docs"));
    expect(paths(scanDirectory(dir, { followSymlinks: true }))).toEqual(["docs/inner.txt", "index.html"]);
  });

  it("does not enter a link to a directory above it again, and reports it", async () => {
    const dir = await makeBuildDir({ "a/page.html": "x" });
    await symlink("..", path.join(dir, "a", "up"));
    const result = scanDirectory(dir);
    expect({ files: paths(result), loops: result.kind === "ok" && result.loops.map((loop) => loop.path) }).toEqual({
      files: ["a/page.html"],
      loops: ["a/up"],
    });
  });

  it("accepts --dir given as a symlink to the build", async () => {
    const dir = await makeBuildDir({ "index.html": "x" });
    const alias = path.join(tempDir("sync-alias-"), "client");
    await symlink(dir, alias);
    expect(paths(scanDirectory(alias))).toEqual(["index.html"]);
  });

  it("names a link whose target does not exist", async () => {
    const dir = await makeBuildDir({ "index.html": "x" });
    await symlink("assets/gone.js", path.join(dir, "main.js"));
    expect(scanDirectory(dir)).toEqual({ kind: "broken-links", links: [{ path: "main.js", target: "assets/gone.js" }] });
  });
});
