/**
 * policy reads a stack only when it is Terraform JSON configuration in the forms it
 * understands: generated stacks in cdktf's forms are read, and every way of breaking one —
 * cutting it short, invalid JSON, a duplicated key, deep nesting, a section, label level,
 * body or meta-argument of the wrong kind, an unknown block type — is refused with a
 * UserError (exit 1), never read (and so never passed).
 */
import fc from "fast-check";
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../../../lib/errors";
import { checkStack, readJsonFile } from "../../../scripts/policy/stack-file";
import { tempDir } from "../../support/temp-dir";

const FILE = path.join(tempDir("stack-property-"), "cdk.tf.json");

/** What policy does with a stack file before any rule runs: read it, then check its shape. */
function gate(content: string): "read" | UserError {
  fs.writeFileSync(FILE, content);
  try {
    checkStack(FILE, readJsonFile(FILE));
    return "read";
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
}

const name = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,8}$/);
const body = fc.dictionary(fc.constantFrom("bucket", "tags", "count", "name", "policy", "//"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const labelled = (labels: 1 | 2) =>
  labels === 1
    ? fc.dictionary(name, body, { minKeys: 1, maxKeys: 3 })
    : fc.dictionary(fc.constantFrom("aws_s3_bucket", "aws_iam_role", "aws_lambda_function"), fc.dictionary(name, body, { minKeys: 1, maxKeys: 2 }), { maxKeys: 2 });

/** A stack in the forms cdktf writes. */
const stack = fc.record({
  "//": fc.constant({ metadata: { backend: "s3", stackName: "dev-app", version: "0.21.0" } }),
  terraform: fc.constant({ backend: { s3: { bucket: "state", key: "dev/app.tfstate" } }, required_providers: { aws: { source: "aws", version: "6.25.0" } } }),
  provider: fc.array(fc.record({ region: fc.constantFrom("eu-west-1", "us-east-1"), alias: fc.constantFrom("use1", "euw1") }, { requiredKeys: ["region"] }), { minLength: 1, maxLength: 2 }).map((aws) => ({ aws })),
  resource: labelled(2),
  data: labelled(2),
  output: fc.dictionary(name, fc.record({ value: fc.jsonValue({ maxDepth: 1 }), sensitive: fc.boolean() }, { requiredKeys: ["value"] }), { maxKeys: 2 }),
  locals: fc.dictionary(name, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
});

type Stack = Record<string, unknown>;
const NOT_AN_OBJECT = [null, "oops", 42, true, [1, 2], [{}]];

/** Ways to break a stack; `n` picks among the variants. */
const MUTATIONS: Record<string, (s: Stack, n: number) => string> = {
  "cut short": (s, n) => {
    const text = JSON.stringify(s, null, n % 3);
    return text.slice(0, n % text.trimEnd().length);
  },
  "a root that is not an object": (_, n) => JSON.stringify(NOT_AN_OBJECT[n % NOT_AN_OBJECT.length]),
  "a section of the wrong kind": (s, n) => {
    const section = ["resource", "data", "provider", "output", "terraform", "locals"][n % 6];
    const wrong = NOT_AN_OBJECT.filter((v) => !(section === "locals" && Array.isArray(v) && v.every((e) => typeof e === "object")));
    return JSON.stringify({ ...s, [section]: wrong[n % wrong.length] });
  },
  "a label level or body of the wrong kind": (s, n) => {
    const wrong = NOT_AN_OBJECT[n % NOT_AN_OBJECT.length];
    return JSON.stringify({ ...s, resource: n % 2 ? { aws_s3_bucket: wrong } : { aws_s3_bucket: { Bucket: wrong } } });
  },
  "a meta-argument of the wrong kind": (s, n) => {
    const bad = [{ provider: 1 }, { depends_on: "aws_x.y" }, { depends_on: [1] }, { lifecycle: [] }, { lifecycle: { ignore_changes: "tags" } }][n % 5];
    return JSON.stringify({ ...s, resource: { aws_s3_bucket: { Bucket: { bucket: "b", ...bad } } } });
  },
  "an unknown block type": (s, n) => JSON.stringify({ ...s, [["resources", "Resource", "outputs", "provisioner"][n % 4]]: {} }),
  "a key given twice": (s) => JSON.stringify(s).replace(/}$/, ',"resource":{}}'),
  "an invalid token in a value": (s, n) =>
    JSON.stringify({ ...s, resource: { aws_s3_bucket: { Bucket: { bucket: "@@" } } } }).replace('"@@"', ["tru", "NaN", '{"a":1,,}', "[1,]", "01"][n % 5]),
  "nesting deeper than the limit": (s, n) =>
    JSON.stringify({ ...s, resource: { aws_s3_bucket: { Bucket: { tags: "@@" } } } }).replace('"@@"', "[".repeat(600 + n % 100_000) + "]".repeat(600 + n % 100_000)),
};

describe("policy reads only stacks it fully understands", () => {
  it("reads every generated stack in cdktf's forms", () => {
    fc.assert(
      fc.property(stack, (s) => {
        expect(gate(JSON.stringify(s))).toBe("read");
      }),
      { numRuns: 100 },
    );
  });

  it.each(Object.keys(MUTATIONS))("refuses a stack with %s, naming the file", (mutation) => {
    fc.assert(
      fc.property(stack, fc.nat(), (s, n) => {
        const outcome = gate(MUTATIONS[mutation](s, n));
        expect(outcome instanceof UserError && outcome.message.startsWith(`${FILE}: `)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
