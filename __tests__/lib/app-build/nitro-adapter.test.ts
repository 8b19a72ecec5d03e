/**
 * The Nitro adapter's decisions, one per test: what a Nitro aws-lambda build deploys, which
 * public entries become behaviours, and the one-line refusal of each build it cannot deploy.
 */
import fs, { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeNitroBuild, NITRO_OUTPUT, topLevelBehaviours } from "../../../lib/app-build/adapters/nitro";
import { refusalOf, tempDir, writeNitroBuild } from "../../support/app-builds";

/** The adapter's error for a build, with the build's folder replaced by `<root>`. */
const refusal = (root: string): string => refusalOf(describeNitroBuild, root);

describe("the Nitro adapter", () => {
  it("describes one buffered HTTP server with no variables, grants, tables or queues, its static files under assets/", () => {
    const root = writeNitroBuild(tempDir());
    expect(describeNitroBuild(root)).toEqual({
      kind: "nitro",
      root,
      buildId: expect.stringMatching(/^[0-9a-f]{16}$/),
      functions: [
        {
          id: "server",
          bundleDir: path.join(root, ".output/server"),
          handler: "index.handler",
          streaming: false,
          trigger: { kind: "http" },
          environment: {},
          grants: [],
        },
      ],
      staticFiles: {
        dir: path.join(root, ".output/public"),
        keyPrefix: "assets/",
        cacheRules: [
          { pathPattern: "_nuxt/builds/*", immutable: false },
          { pathPattern: "_nuxt/*", immutable: true },
        ],
      },
      behaviours: [
        { pathPattern: "_nuxt/*", target: { kind: "static-files" } },
        { pathPattern: "favicon.ico", target: { kind: "static-files" } },
        { pathPattern: "robots.txt", target: { kind: "static-files" } },
      ],
      tables: [],
      queues: [],
    });
  });

  it("changes the build id when the server bundle changes, and only then", () => {
    const root = writeNitroBuild(tempDir());
    const first = describeNitroBuild(root).buildId;
    writeFileSync(path.join(root, ".output/public/robots.txt"), "User-agent: none\n");
    const afterPublic = describeNitroBuild(root).buildId;
    writeFileSync(path.join(root, ".output/server/index.mjs"), "export const handler = async () => ({ statusCode: 204 });\n");
    expect([afterPublic === first, describeNitroBuild(root).buildId === first]).toEqual([true, false]);
  });

  it("accepts the preset under either of Nitro's spellings, aws-lambda and aws_lambda", () => {
    expect(describeNitroBuild(writeNitroBuild(tempDir(), { preset: "aws_lambda" })).kind).toBe("nitro");
  });

  it("buffers when nitro.json has no awsLambda settings at all", () => {
    const root = writeNitroBuild(tempDir());
    writeFileSync(path.join(root, NITRO_OUTPUT), JSON.stringify({ preset: "aws-lambda" }));
    expect(describeNitroBuild(root).functions[0]!.streaming).toBe(false);
  });

  it("has no static behaviours when the build has no public folder", () => {
    const root = writeNitroBuild(tempDir());
    rmSync(path.join(root, ".output/public"), { recursive: true });
    expect(describeNitroBuild(root).behaviours).toEqual([]);
  });
});

describe("the Nitro adapter's behaviours, one per top-level public entry", () => {
  function publicFolder(entries: { files?: string[]; dirs?: string[] }): string {
    const dir = tempDir();
    for (const name of entries.dirs ?? []) mkdirSync(path.join(dir, name));
    for (const name of entries.files ?? []) writeFileSync(path.join(dir, name), "x");
    return dir;
  }

  it("match a folder's contents with /* and a file by its name", () => {
    expect(topLevelBehaviours(publicFolder({ files: ["logo.svg"], dirs: ["img"] })).map((b) => b.pathPattern)).toEqual(["img/*", "logo.svg"]);
  });

  it("come in name order, capitals before lower case as CloudFront compares them", () => {
    expect(topLevelBehaviours(publicFolder({ files: ["b.txt", "a.txt", "C.txt"] })).map((b) => b.pathPattern)).toEqual(["C.txt", "a.txt", "b.txt"]);
  });

  it.each([
    ["reversed", [2, 1, 0]],
    ["already sorted", [0, 1, 2]],
    ["shuffled", [1, 2, 0]],
  ])("come in name order whatever order the file system lists them in (%s)", (_, order) => {
    // Linux lists a folder sorted already; other systems (and Node's contract) do not.
    const dir = publicFolder({ files: ["b.txt", "a.txt", "C.txt"] });
    const listed = [...fs.readdirSync(dir, { withFileTypes: true })].sort((a, b) => (a.name < b.name ? -1 : 1));
    const readdir = jest.spyOn(fs, "readdirSync").mockReturnValueOnce(order.map((i) => listed[i]) as never);
    try {
      expect(topLevelBehaviours(dir).map((b) => b.pathPattern)).toEqual(["C.txt", "a.txt", "b.txt"]);
    } finally {
      readdir.mockRestore();
    }
  });

  it("leave out hidden entries such as .DS_Store", () => {
    expect(topLevelBehaviours(publicFolder({ files: [".DS_Store", "a.txt"], dirs: [".hidden"] })).map((b) => b.pathPattern)).toEqual(["a.txt"]);
  });
});

describe("the Nitro adapter refuses, in one line", () => {
  it("a build without its Lambda handler, naming the file", () => {
    const root = writeNitroBuild(tempDir());
    rmSync(path.join(root, ".output/server/index.mjs"));
    expect(refusal(root)).toBe("<root>/.output/server/index.mjs is missing: the aws-lambda preset writes its handler there; rebuild");
  });

  it("another preset, saying which one to use", () => {
    expect(refusal(writeNitroBuild(tempDir(), { preset: "node-server" }))).toBe(
      `<root>/${NITRO_OUTPUT}: preset is "node-server"; build with Nitro's aws-lambda preset (nitro.preset "aws-lambda" or NITRO_PRESET=aws-lambda)`,
    );
  });

  it("a nitro.json that is not JSON, with the parser's reason", () => {
    const root = writeNitroBuild(tempDir());
    writeFileSync(path.join(root, NITRO_OUTPUT), "{");
    expect(refusal(root)).toMatch(new RegExp(`^<root>/\\.output/nitro\\.json: cannot read it as JSON \\(.+\\); rebuild the app$`));
  });

  it("a nitro.json without a preset, naming the field", () => {
    const root = writeNitroBuild(tempDir());
    writeFileSync(path.join(root, NITRO_OUTPUT), JSON.stringify({ config: {} }));
    expect(refusal(root)).toMatch(/^<root>\/\.output\/nitro\.json: preset: .+; is this a Nitro build\?$/);
  });

  it("a nitro.json whose streaming setting is not true or false, naming the nested field", () => {
    const root = writeNitroBuild(tempDir());
    writeFileSync(path.join(root, NITRO_OUTPUT), JSON.stringify({ preset: "aws-lambda", config: { awsLambda: { streaming: "yes" } } }));
    expect(refusal(root)).toMatch(/^<root>\/\.output\/nitro\.json: config\.awsLambda\.streaming: .+; is this a Nitro build\?$/);
  });

  it("a nitro.json that is not an object, as (root)", () => {
    const root = writeNitroBuild(tempDir());
    writeFileSync(path.join(root, NITRO_OUTPUT), "42");
    expect(refusal(root)).toMatch(/^<root>\/\.output\/nitro\.json: \(root\): .+; is this a Nitro build\?$/);
  });
});
