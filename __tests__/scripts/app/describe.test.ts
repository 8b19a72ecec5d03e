import path from "node:path";
import { describeAppBuild } from "../../../lib/app-build/load";
import { describeApp, renderApp } from "../../../scripts/app/describe";
import { tempDir, writeExampleBuild, writeNitroBuild, writeOpenNextBuild } from "../../support/app-builds";

describe("what npm run app says about a build", () => {
  const workspace = tempDir();
  const openNext = describeApp(describeAppBuild(writeOpenNextBuild(path.join(workspace, "web")), "test"), workspace);

  it("names the folder the build artifact must carry, relative to the workspace: .open-next, not the whole project", () => {
    expect([openNext.root, openNext.outputDir]).toEqual(["web", "web/.open-next"]);
  });

  it("gives an OpenNext build's incremental cache folder and its key prefix outside the served one", () => {
    expect(openNext.incrementalCache).toEqual({ dir: "web/.open-next/cache", keyPrefix: "_cache/" });
  });

  it("gives the static files' folder and key prefix sync-assets uses without --dir", () => {
    expect(openNext.staticFiles).toEqual({ dir: "web/.open-next/assets", keyPrefix: "assets/" });
  });

  it("lists the functions a release moves apart from the deploy-time ones", () => {
    expect([openNext.functions, openNext.releasedFunctions]).toEqual([
      ["server", "image", "revalidation", "tag-cache-init"],
      ["server", "image", "revalidation"],
    ]);
  });

  it("leaves the incremental cache out for a build without one", () => {
    const nitro = describeApp(describeAppBuild(writeNitroBuild(path.join(workspace, "nuxt")), "test"), workspace);
    expect([nitro.outputDir, "incrementalCache" in nitro]).toEqual(["nuxt/.output", false]);
  });

  it("says in words that the cache is synced before the static files, and when there is none", () => {
    const example = describeApp(describeAppBuild(writeExampleBuild(path.join(workspace, "dist")), "test"), workspace);
    expect([renderApp(openNext).split("\n")[3], renderApp(example).split("\n")[3]]).toEqual([
      "incremental cache: web/.open-next/cache -> assets bucket _cache/ (sync it before the static files)",
      "incremental cache: none",
    ]);
  });
});
