import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { detectBuild, expectBuild } from "../../../lib/app-build/detect";
import { describeAppBuild } from "../../../lib/app-build/load";
import { resolveAppDir } from "../../../lib/app-build/config";
import { UserError } from "../../../lib/errors";
import { tempDir, writeExampleBuild, writeNitroBuild, writeOpenNextBuild } from "../../support/app-builds";

const kindOf = (dir: string) => describeAppBuild(dir, "test").kind;

describe("detecting the kind of build from its layout", () => {
  it("recognises an OpenNext build by .open-next/open-next.output.json", () => {
    expect(kindOf(writeOpenNextBuild(tempDir()))).toBe("opennext");
  });

  it("accepts the .open-next folder itself", () => {
    expect(kindOf(path.join(writeOpenNextBuild(tempDir()), ".open-next"))).toBe("opennext");
  });

  it("recognises a Nitro build by .output/nitro.json", () => {
    expect(kindOf(writeNitroBuild(tempDir()))).toBe("nitro");
  });

  it("accepts the .output folder itself", () => {
    expect(kindOf(path.join(writeNitroBuild(tempDir()), ".output"))).toBe("nitro");
  });

  it("recognises the example app's layout", () => {
    expect(kindOf(writeExampleBuild(tempDir()))).toBe("example");
  });

  it("rejects an unrecognised folder in one line naming the folder and the layouts looked for", () => {
    const dir = tempDir();
    const thrown = (() => {
      try {
        describeAppBuild(dir, "APP_DIR=x");
      } catch (error) {
        return error as UserError;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(UserError);
    expect(thrown!.message).not.toContain("\n");
    expect(thrown!.message).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(from APP_DIR=x\\) is not a recognised app build: looked for \\.open-next/open-next\\.output\\.json \\(OpenNext\\), \\.output/nitro\\.json \\(Nitro aws-lambda preset\\), server/index\\.js \\+ client/`));
  });

  it("says so when the folder does not exist", () => {
    expect(() => describeAppBuild("/no/such/build", "app.config.ts dir")).toThrow(/app build folder \/no\/such\/build does not exist .*from app\.config\.ts dir/);
  });

  it("refuses a stated kind the folder does not hold", () => {
    expect(() => describeAppBuild(writeNitroBuild(tempDir()), "test", "opennext")).toThrow(/holds a nitro build, but the app config says kind "opennext"/);
  });
});

describe("where the build folder comes from", () => {
  const root = "/workspace";

  it("takes app.config.ts dir relative to the workspace root", () => {
    expect(resolveAppDir({}, { root, config: { dir: "web/out" } }).dir).toBe("/workspace/web/out");
  });

  it("lets APP_DIR override it, relative to the current directory", () => {
    expect(resolveAppDir({ APP_DIR: "build" }, { root, cwd: "/home/me", config: { dir: "web/out" } }).dir).toBe("/home/me/build");
  });

  it("names the file, the field and the value for an invalid config", () => {
    expect(() => resolveAppDir({}, { root, config: { dir: "", colour: "red" } })).toThrow(
      /\/workspace\/app\.config\.ts: dir: must name the app's build output folder \(got ""\)[\s\S]*\(root\): Unrecognized key: "colour"/,
    );
  });

  it("keeps app.config.ts's build command, and drops it under APP_DIR (a build made elsewhere)", () => {
    const config = { dir: "web", build: "cd web && npx open-next build" };
    expect([resolveAppDir({}, { root, config }).build, resolveAppDir({ APP_DIR: "x" }, { root, config }).build]).toEqual(["cd web && npx open-next build", undefined]);
  });

  it("refuses an empty build command", () => {
    expect(() => resolveAppDir({}, { root, config: { dir: "x", build: " " } })).toThrow(/build: must be a shell command, or leave build out \(got " "\)/);
  });

  it("refuses an unknown kind", () => {
    expect(() => resolveAppDir({}, { root, config: { dir: "x", kind: "remix" } })).toThrow(/kind: .*"remix"/);
  });

  it("reads the workspace's own app.config.ts", () => {
    expect(resolveAppDir({}).dir).toBe(path.resolve(__dirname, "../../../examples/ssr-app/dist"));
  });
});

describe("what the layouts require", () => {
  it("does not take a .open-next folder without open-next.output.json as an OpenNext build", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, ".open-next"));
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take a folder named .open-next without open-next.output.json as an OpenNext build", () => {
    const dir = path.join(tempDir(), ".open-next");
    mkdirSync(dir);
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take a .output folder without nitro.json as a Nitro build (another preset's output)", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, ".output"));
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take a folder named .output without nitro.json as a Nitro build", () => {
    const dir = path.join(tempDir(), ".output");
    mkdirSync(dir);
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take open-next.output.json in a folder not named .open-next as an OpenNext build", () => {
    const dir = path.join(tempDir(), "build");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "open-next.output.json"), "{}");
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take nitro.json in a folder not named .output as a Nitro build", () => {
    const dir = path.join(tempDir(), "build");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "nitro.json"), "{}");
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take a server/ folder without index.js, even with client/ beside it, as the example app", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "server"));
    mkdirSync(path.join(dir, "client"));
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("does not take server/index.js without client/ beside it as the example app", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "server"));
    writeFileSync(path.join(dir, "server", "index.js"), "");
    expect(() => detectBuild(dir, "test")).toThrow(/is not a recognised app build/);
  });

  it("reads an OpenNext build given as its .open-next folder from the project folder above it", () => {
    const dir = writeOpenNextBuild(tempDir());
    expect(detectBuild(path.join(dir, ".open-next"), "test")).toEqual({ kind: "opennext", root: dir });
  });

  it("reads a Nitro build given as its .output folder from the project folder above it", () => {
    const dir = writeNitroBuild(tempDir());
    expect(detectBuild(path.join(dir, ".output"), "test")).toEqual({ kind: "nitro", root: dir });
  });

  it("accepts a stated kind the folder holds", () => {
    const dir = writeNitroBuild(tempDir());
    expect(expectBuild(dir, "test", "nitro")).toEqual({ kind: "nitro", root: dir });
  });
});

describe("the build output folder a description names", () => {
  it("is .open-next for OpenNext", () => {
    const dir = writeOpenNextBuild(tempDir());
    expect(describeAppBuild(dir, "test").outputDir).toBe(path.join(dir, ".open-next"));
  });

  it("is .output for Nitro", () => {
    const dir = writeNitroBuild(tempDir());
    expect(describeAppBuild(dir, "test").outputDir).toBe(path.join(dir, ".output"));
  });
});
