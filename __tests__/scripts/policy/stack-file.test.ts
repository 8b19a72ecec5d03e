import fs from "node:fs";
import path from "node:path";
import { checkStack, manifestStacks, MAX_STACK_BYTES, readJsonFile, stackProblems } from "../../../scripts/policy/stack-file";
import { loadWorkspace } from "../../../scripts/policy/workspace";
import { thrownUserError as thrown } from "../../support/user-error";
import { tempDir } from "../../support/temp-dir";

function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(tempDir("stack-file-"), name);
  fs.writeFileSync(file, content);
  return file;
}

/** A synthesis directory whose one stack (dev-app) has this content. */
function synthDir(stack: string): string {
  const dir = tempDir("stack-dir-");
  fs.mkdirSync(path.join(dir, "stacks", "dev-app"), { recursive: true });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ stacks: { "dev-app": { synthesizedStackPath: "stacks/dev-app/cdk.tf.json" } } }));
  fs.writeFileSync(path.join(dir, "stacks", "dev-app", "cdk.tf.json"), stack);
  return dir;
}

const BUCKET = { resource: { aws_s3_bucket: { Data: { bucket: "data", lifecycle: { ignore_changes: ["tags"] }, "//": { metadata: {} } } } } };

describe("stackProblems", () => {
  it("finds nothing wrong in the forms cdktf writes", () => {
    const stack = {
      "//": { metadata: { version: "0.21.0" } },
      terraform: { backend: { s3: { bucket: "state", key: "dev/app" } }, required_providers: { aws: { version: "6.25.0" } } },
      provider: { aws: [{ region: "eu-west-1" }, { alias: "use1", region: "us-east-1" }] },
      data: { aws_caller_identity: { Me: {} } },
      output: { url: { value: "${aws_s3_bucket.Data.arn}", sensitive: false } },
      locals: { a: 1 },
      moved: [{ from: "aws_s3_bucket.A", to: "aws_s3_bucket.Data" }],
      ...BUCKET,
    };
    expect(stackProblems(stack)).toEqual([]);
  });

  it.each([
    ["null", null, "(root): expected an object of Terraform blocks, got null"],
    ["an array", [1, 2], "(root): expected an object of Terraform blocks, got an array"],
    ["a string resource section", { resource: "oops" }, "resource: must be an object of types, got a string"],
    [
      "an array resource section",
      { resource: [1, 2] },
      "resource: must be an object of types, got an array (HCL's array form is valid Terraform, but policy reads only the object form cdktf writes)",
    ],
    ["a resource type that is not an object of names", { resource: { aws_s3_bucket: 3 } }, "resource.aws_s3_bucket: must be an object of names, got a number"],
    ["a resource body that is not an object", { data: { aws_region: { R: [] } } }, "data.aws_region.R: must be a block body (an object), got an array"],
    ["an unknown top-level key", { resources: {} }, 'resources: is not a Terraform block type; allowed at the top level: terraform, provider, variable, locals, output, module, resource, data, ephemeral, moved, import, check, removed (and "//" for comments)'],
    ["a provider meta-argument that is not a string", { resource: { aws_s3_bucket: { B: { provider: ["aws"] } } } }, "resource.aws_s3_bucket.B.provider: must be a string, got an array"],
    ["depends_on that is not a list of strings", { resource: { aws_s3_bucket: { B: { depends_on: "aws_x.y" } } } }, 'resource.aws_s3_bucket.B.depends_on: must be an array of strings (references such as "aws_s3_bucket.x"), got a string'],
    ["ignore_changes that is neither all nor a list", { resource: { aws_s3_bucket: { B: { lifecycle: { ignore_changes: "tags" } } } } }, 'resource.aws_s3_bucket.B.lifecycle.ignore_changes: must be "all" or an array of attribute names, got a string'],
    ["a provider configuration that is not an object", { provider: { aws: [{}, "x"] } }, "provider.aws[1]: must be a provider configuration (an object), got a string"],
    ["an output without a value", { output: { url: { description: "x" } } }, "output.url: has no value (every output needs one)"],
    ["an output whose sensitive is not a boolean", { output: { url: { value: 1, sensitive: "yes" } } }, "output.url.sensitive: must be a boolean, got a string"],
    ["a module without a source", { module: { app: {} } }, "module.app.source: must be the module's source, a string (got nothing)"],
    ["two backends", { terraform: { backend: { s3: {}, local: {} } } }, "terraform.backend: must name exactly one backend, got 2"],
    ["a terraform block given as a list", { terraform: [{}] }, "terraform: must be an object, got an array"],
    ["locals that are a string", { locals: "x" }, "locals: must be an object or an array of objects, got a string"],
  ])("refuses %s", (_, stack, problem) => {
    expect(stackProblems(stack)).toEqual([problem]);
  });

  it("lists every problem of a stack, not only the first", () => {
    expect(stackProblems({ resource: "oops", data: 1, hello: {} })).toHaveLength(3);
  });
});

describe("checkStack", () => {
  it("names the file, each problem's path, the syntax page and the fix", () => {
    expect(thrown(() => checkStack("cdktf.out/stacks/dev-app/cdk.tf.json", { resource: "oops" })).message).toBe(
      "cdktf.out/stacks/dev-app/cdk.tf.json: is not Terraform JSON configuration that policy can read (1 problem):\n" +
        "  cdktf.out/stacks/dev-app/cdk.tf.json: resource: must be an object of types, got a string\n" +
        "A stack file is `cdktf synth` output in Terraform's JSON syntax (https://developer.hashicorp.com/terraform/language/syntax/json); " +
        "re-run `npm run synth` (or `npm run bootstrap:synth`), or pass --dir <the synthesis directory>.",
    );
  });

  it("never prints a value of the stack", () => {
    expect(thrown(() => checkStack("s.json", { resource: { aws_s3_bucket: { B: { provider: { token: "hunter2" } } } } })).message).not.toContain("hunter2");
  });
});

describe("readJsonFile", () => {
  it("reads a JSON file", () => {
    expect(readJsonFile(tempFile("ok.json", JSON.stringify(BUCKET)))).toEqual(BUCKET);
  });

  it("refuses invalid JSON with its line and column, quoting nothing", () => {
    const file = tempFile("bad.json", '{\n  "resource": {"password": "hunter2" "x": 1}\n}');
    const message = thrown(() => readJsonFile(file)).message;
    expect([message.startsWith(`${file}: is not valid JSON (expected ',' or '}' after a value in an object at line 2, column 38)`), message.includes("hunter2")]).toEqual([true, false]);
  });

  it("refuses 100,000 levels of nesting with a message, not a RangeError", () => {
    const file = tempFile("deep.json", `{"resource": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(thrown(() => readJsonFile(file)).message).toMatch(
      /: objects and arrays are nested more than 512 levels deep \(at line 1, column \d+\) \(cdktf's stacks use about ten levels\); re-run/,
    );
  });

  it("refuses a key given twice anywhere, which Terraform would read differently from JSON.parse", () => {
    const file = tempFile("dup.json", '{"resource": {"aws_s3_bucket": {"A": {}}}, "resource": {}}');
    expect(thrown(() => readJsonFile(file)).message).toMatch(/: key "resource" appears twice in one object \(at line 1, column 44\)/);
  });

  it("refuses a file larger than the limit before reading it", () => {
    const file = tempFile("huge.json", "");
    fs.truncateSync(file, MAX_STACK_BYTES + 1);
    expect(thrown(() => readJsonFile(file)).message).toMatch(/: is 64\.0 MiB; policy reads files of up to 64 MiB/);
  });
});

describe("manifestStacks", () => {
  it("lists each stack with its file inside the synthesis directory", () => {
    expect(manifestStacks({ stacks: { "dev-app": { synthesizedStackPath: "stacks/dev-app/cdk.tf.json" } } }, "out/manifest.json")).toEqual([
      { id: "dev-app", file: path.join("out", "stacks/dev-app/cdk.tf.json") },
    ]);
  });

  it("refuses a manifest that lists no stack, since nothing would be checked", () => {
    expect(thrown(() => manifestStacks({ stacks: {} }, "m.json")).message).toMatch(/^m\.json: lists no stacks, so there is nothing to check/);
  });

  it("refuses a manifest without stacks", () => {
    expect(thrown(() => manifestStacks(null, "m.json")).message).toMatch(/^m\.json: expected cdktf's manifest, an object whose "stacks" is an object, got null/);
  });

  it("refuses a stack entry without its file", () => {
    expect(thrown(() => manifestStacks({ stacks: { "dev-app": {} } }, "m.json")).message).toMatch(/^m\.json: stacks\.dev-app\.synthesizedStackPath must be the stack file's path \(got nothing\)/);
  });
});

describe("loadWorkspace on stack files policy cannot read", () => {
  it.each([
    ["null", "null"],
    ['{"resource": "oops"}', '{"resource": "oops"}'],
    ['{"resource": [1, 2]}', '{"resource": [1, 2]}'],
    ["a truncated stack", JSON.stringify(BUCKET).slice(0, -2)],
  ])("refuses %s, naming the stack file", (_, content) => {
    const dir = synthDir(content);
    expect(thrown(() => loadWorkspace([dir])).message).toMatch(new RegExp(`^${path.join(dir, "stacks", "dev-app", "cdk.tf.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  });
});
