import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatePlan } from "../../../bench/plan-review/generate";
import { MAX_PLAN_BYTES, parsePlanBytes, parsePlanText, readPlanFile } from "../../../scripts/plan-review/parse";
import { fixture, planJson, rc, tempDir } from "./helpers";
import { thrownUserError as parseError } from "../../support/user-error";

const SIMPLE = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.assets", ["create"])] }));

function parseString(text: string, file = "plan.json") {
  return parsePlanBytes(Buffer.from(text, "utf8"), file);
}

function utf16(text: string, order: "le" | "be", bom: boolean): Buffer {
  const le = Buffer.from(text, "utf16le");
  const body = order === "le" ? le : Buffer.from(le).swap16();
  const mark = order === "le" ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

describe("plan encodings", () => {
  it("reads UTF-8 without a BOM", () => {
    expect(parseString(SIMPLE).plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads UTF-8 with a BOM", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SIMPLE)]);
    expect(parsePlanBytes(bytes, "bom.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads UTF-16 LE with a BOM", () => {
    expect(parsePlanBytes(utf16(SIMPLE, "le", true), "le.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads UTF-16 BE with a BOM", () => {
    expect(parsePlanBytes(utf16(SIMPLE, "be", true), "be.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads UTF-16 LE without a BOM", () => {
    expect(parsePlanBytes(utf16(SIMPLE, "le", false), "le.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads the real UTF-16 LE fixture with CRLF line endings", () => {
    const plan = readPlanFile(fixture("bridgecrewio__checkov__plan_with_utf_16_encoding.json")).plan;
    expect(plan.resource_changes?.map((r) => r.address)).toEqual(["aws_iam_role_policy.fail_1", "aws_s3_bucket.s3-bucket", "null_resource.name"]);
  });

  it("keeps non-ASCII text in addresses intact", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc('aws_s3_bucket.b["café"]', ["create"])] }));
    expect(parseString(text).plan.resource_changes?.[0].address).toBe('aws_s3_bucket.b["café"]');
  });

  it("rejects bytes that are not UTF-8, naming the file", () => {
    const bytes = Buffer.concat([Buffer.from('{"format_version":"1.0","terraform_version":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(parseError(() => parsePlanBytes(bytes, "latin.json")).message).toMatch(/^latin\.json: is not valid UTF-8/);
  });
});

describe("plan format versions", () => {
  it.each(["0.1", "0.2", "1.0", "1.2"])("accepts format_version %s", (version) => {
    expect(parseString(JSON.stringify(planJson({ format_version: version }))).plan.format_version).toBe(version);
  });

  it("accepts an excerpt that has only resource_changes, without format_version", () => {
    const text = JSON.stringify({ resource_changes: [rc("aws_s3_bucket.b", ["delete"])] });
    expect(parseString(text).plan.resource_changes?.map((r) => r.address)).toEqual(["aws_s3_bucket.b"]);
  });

  it("rejects an unknown major format_version naming the file and the version", () => {
    expect(parseError(() => parseString(JSON.stringify({ format_version: "2.0" }), "future.json")).message).toMatch(
      /^future\.json: format_version "2\.0" is not supported \(major version 2\)/,
    );
  });

  it("rejects a format_version that is not a version string", () => {
    expect(parseError(() => parseString(JSON.stringify({ format_version: 1 }), "num.json")).message).toMatch(
      /^num\.json: format_version must look like "1\.2" \(got a number\)/,
    );
  });
});

describe("lenient plan shapes", () => {
  it("accepts null sections", () => {
    expect(parseString(JSON.stringify(planJson({ resource_changes: null, output_changes: null }))).plan.resource_changes).toBeNull();
  });

  it("ignores unknown keys at every level", () => {
    const text = JSON.stringify(
      planJson({
        "comment-for-reader": "x",
        resource_changes: [{ ...rc("aws_s3_bucket.b", ["create"]), future_key: 1, change: { actions: ["create"], before: null, after: {}, future: true } }],
      }),
    );
    expect(parseString(text).plan.resource_changes?.[0]).toEqual({
      address: "aws_s3_bucket.b",
      mode: "managed",
      type: "aws_s3_bucket",
      name: "b",
      change: { actions: ["create"], before: null, after: {} },
    });
  });

  it("accepts drift entries without an address", () => {
    const text = JSON.stringify(
      planJson({ format_version: "0.1", resource_drift: [{ mode: "managed", type: "aws_iam_role", name: "r", change: { actions: ["update"], before: {}, after: {} } }] }),
    );
    expect(parseString(text).plan.resource_drift).toHaveLength(1);
  });

  it("never keeps attribute values in the parsed plan", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc("aws_ssm_parameter.p", ["create"], {}, { after: { value: "hunter2" } })] }));
    expect(JSON.stringify(parseString(text).plan)).not.toContain("hunter2");
  });
});

describe("bad plan input", () => {
  it("names the file and the position of invalid JSON", () => {
    expect(parseError(() => parseString('{"format_version": "1.0",\n  "resource_changes": [}', "broken.json")).message).toMatch(
      /^broken\.json: is not valid JSON \(.*line 2, column \d+\)$/,
    );
  });

  it("reports a truncated file as ending unexpectedly", () => {
    expect(parseError(() => parseString(SIMPLE.slice(0, -1), "cut.json")).message).toBe("cut.json: is not valid JSON (it ends unexpectedly)");
  });

  it("says what is wrong and where for a syntax error", () => {
    expect(parseError(() => parseString('{\n"format_version": "1.0" "x": 1}', "comma.json")).message).toBe(
      "comma.json: is not valid JSON (expected ',' or '}' after a value in an object at line 2, column 25)",
    );
  });

  it("does not quote the file's content in a JSON error", () => {
    expect(parseError(() => parseString('{"password": "hunter2" "x": 1}', "secret.json")).message).not.toContain("hunter2");
  });

  it("rejects a JSON value that is not an object", () => {
    expect(parseError(() => parseString("[1, 2]", "array.json")).message).toMatch(/^array\.json: expected a JSON object .* got an array$/);
  });

  it("rejects a resource change without actions, naming the file and the path", () => {
    const text = JSON.stringify(planJson({ resource_changes: [{ address: "aws_s3_bucket.b", change: {} }] }));
    expect(parseError(() => parseString(text, "shape.json")).message).toContain("shape.json: resource_changes[0].change.actions:");
  });

  it("rejects an unknown action combination, naming it", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.b", ["delete", "forget"])] }));
    expect(parseError(() => parseString(text, "actions.json")).message).toMatch(
      /actions\.json: resource_changes\[0\]\.change\.actions: unknown action combination \["delete","forget"\]/,
    );
  });

  it("names a missing file", () => {
    expect(parseError(() => readPlanFile("/nonexistent/plan.json")).message).toBe("/nonexistent/plan.json: cannot read plan file (no such file)");
  });

  it("names a directory given as a plan file", () => {
    const dir = tempDir();
    expect(parseError(() => readPlanFile(dir)).message).toBe(`${dir}: cannot read plan file (is a directory)`);
  });

  it("streams a plan file several windows long to the same result as a full parse", () => {
    const text = JSON.stringify(generatePlan({ resourceChanges: 1_000, seed: 3 }), null, 1);
    const file = join(tempDir(), "large.json");
    writeFileSync(file, text);
    expect(readPlanFile(file)).toEqual(parsePlanText(text, file));
  });

  it("reads a UTF-8 file with a BOM from disk", () => {
    const file = join(tempDir(), "bom.json");
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SIMPLE)]));
    expect(readPlanFile(file).plan.resource_changes).toHaveLength(1);
  });

  it("locates a syntax error far into a large file", () => {
    const lines = JSON.stringify(generatePlan({ resourceChanges: 1_000, seed: 3 }), null, 1).split("\n");
    lines[lines.length - 3] += " oops";
    const file = join(tempDir(), "broken-large.json");
    writeFileSync(file, lines.join("\n"));
    expect(parseError(() => readPlanFile(file)).message).toMatch(new RegExp(`is not valid JSON \\(.* at line ${lines.length - 2}, column \\d+\\)$`));
  });

  it("reads a plan file from disk", () => {
    const file = join(tempDir(), "plan.json");
    writeFileSync(file, readFileSync(fixture("hashicorp__terraform__show-json-basic-delete.json")));
    expect(readPlanFile(file).plan.resource_changes).toHaveLength(2);
  });
});

describe("refusing what is not a plan", () => {
  const DELETE_BUCKET = rc("aws_s3_bucket.data", ["delete"], {}, { before: { bucket: "hunter2-bucket" } });

  it.each([
    ["an empty object", "{}"],
    ["unrelated JSON", '{"hello": "world"}'],
    ["a package.json", JSON.stringify({ name: "app", version: "1.0.0", scripts: { test: "jest" }, dependencies: { zod: "4.0.0" } })],
  ])("refuses %s, saying it is not plan output", (_, text) => {
    expect(parseError(() => parseString(text, "input.json")).message).toMatch(
      /^input\.json: is not `terraform show -json` plan output: it has no planned_values \(every plan has them\) and no resource_changes entries; write the plan with/,
    );
  });

  it("refuses the JSON of a state (terraform show -json on a state file)", () => {
    const state = { format_version: "1.0", terraform_version: "1.11.0", values: { root_module: { resources: [] } } };
    expect(parseError(() => parseString(JSON.stringify(state), "state.json")).message).toMatch(/^state\.json: is a Terraform state, not a plan \(it has values and no planned_values\)/);
  });

  it("refuses a raw terraform.tfstate", () => {
    const state = { version: 4, terraform_version: "1.11.0", serial: 7, lineage: "9e1d", outputs: {}, resources: [] };
    expect(parseError(() => parseString(JSON.stringify(state), "terraform.tfstate")).message).toMatch(/^terraform\.tfstate: is a Terraform state, not a plan/);
  });

  it("refuses planned_values without format_version", () => {
    const text = JSON.stringify({ planned_values: {}, resource_changes: [DELETE_BUCKET] });
    expect(parseError(() => parseString(text, "edited.json")).message).toMatch(/^edited\.json: has planned_values but no format_version/);
  });

  it("refuses an excerpt whose resource_changes are empty", () => {
    expect(parseError(() => parseString(JSON.stringify({ resource_changes: [] }), "empty.json")).message).toMatch(/^empty\.json: is not `terraform show -json` plan output/);
  });

  it("refuses a resource_changes that is not a list", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ resource_changes: { a: 1 } })), "rc.json")).message).toContain("rc.json: resource_changes:");
  });

  it("refuses a planned_values that is not an object", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ planned_values: [] })), "pv.json")).message).toContain("pv.json: planned_values:");
  });

  it.each(["tru", "NaN", '{"a":1,,}', "Infinity", "'x'", "01", "[1,]"])("refuses %s as a before value, naming the line", (token) => {
    const text = JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace('{"bucket":"hunter2-bucket"}', token);
    expect(parseError(() => parseString(text, "values.json")).message).toMatch(/^values\.json: is not valid JSON \(.* at line 1, column \d+\)$/);
  });

  it("refuses invalid JSON inside planned_values, which the review never reads", () => {
    const text = JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace('"root_module":{}', '"root_module":{"resources":[{"values":{"a":tru}}]}');
    expect(parseError(() => parseString(text, "pv.json")).message).toMatch(/^pv\.json: is not valid JSON/);
  });

  it("refuses a second actions key that would hide a deletion from a reader that keeps the last", () => {
    const text = JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace('"actions":["delete"]', '"actions":["delete"],"actions":["no-op"]');
    expect(parseError(() => parseString(text, "dup.json")).message).toMatch(/^dup\.json: key "actions" appears twice in one object \(at line 1, column \d+\); Terraform never writes a key twice/);
  });

  it("refuses a second resource_changes written with escapes", () => {
    const text = JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace(/}$/, ',"resource\\u005fchanges":[]}');
    expect(parseError(() => parseString(text, "dup.json")).message).toMatch(/^dup\.json: key "resource_changes" appears twice/);
  });

  it("refuses a change whose values contradict its actions", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.data", ["no-op"], {}, { after: null })] }));
    expect(parseError(() => parseString(text, "noop.json")).message).toContain("noop.json: resource_changes[0].change: [\"no-op\"] must leave the object as it is");
  });

  it("refuses nesting deeper than the limit with a message, not a RangeError", () => {
    const text = JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace('"hunter2-bucket"', "[".repeat(100_000) + "]".repeat(100_000));
    expect(parseError(() => parseString(text, "deep.json")).message).toMatch(
      /^deep\.json: objects and arrays are nested more than 512 levels deep \(at line 1, column \d+\); plan-review reads at most 512 levels/,
    );
  });

  it("refuses a file larger than the limit before reading it", () => {
    const file = join(tempDir(), "huge.json");
    writeFileSync(file, "");
    truncateSync(file, MAX_PLAN_BYTES + 1); // sparse: no disk space used
    expect(parseError(() => readPlanFile(file)).message).toBe(
      `${file}: is 256.0 MiB; plan-review reads plans of up to 256.0 MiB (a 20,000-resource plan is about 55 MB). Split the stack, or review this plan another way.`,
    );
  });

  it("refuses UTF-16 text with an unpaired surrogate", () => {
    const text = Buffer.from(JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace("hunter2", "\ud800"), "utf16le");
    expect(parseError(() => parsePlanBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), text]), "u16.json")).message).toMatch(/^u16\.json: is not valid UTF-8 or UTF-16 text/);
  });

  it("never quotes a value in any of these errors", () => {
    const texts = [
      JSON.stringify(planJson({ resource_changes: [DELETE_BUCKET] })).replace('"bucket"', '"bucket" "x"'),
      JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.data", ["create"], {}, { before: { bucket: "hunter2-bucket" } })] })),
      JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.data", ["update"], {}, { before: "hunter2-bucket" })] })),
    ];
    const messages = texts.map((text) => parseError(() => parseString(text, "secret.json")).message);
    expect(messages.filter((m) => m.includes("hunter2"))).toEqual([]);
  });
});
