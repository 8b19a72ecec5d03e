import fs, { readFileSync, truncateSync, writeFileSync } from "node:fs";
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

  it("reads UTF-16 BE without a BOM", () => {
    expect(parsePlanBytes(utf16(SIMPLE, "be", false), "be.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  it("reads a plan's text that starts with a BOM", () => {
    expect(parsePlanText(`\uFEFF${SIMPLE}`, "bom.json").plan.resource_changes?.[0].address).toBe("aws_s3_bucket.assets");
  });

  // Each byte of a BOM counts: a file that has only some of them is not taken for that encoding.
  it.each([
    ["20 BB BF", [0x20, 0xbb, 0xbf], "utf8"],
    ["EF 20 BF", [0xef, 0x20, 0xbf], "utf8"],
    ["EF BB 20", [0xef, 0xbb, 0x20], "utf8"],
    ["FF 20", [0xff, 0x20], "le"],
    ["20 FE", [0x20, 0xfe], "le"],
    ["FE 20", [0xfe, 0x20], "be"],
    ["20 FF", [0x20, 0xff], "be"],
  ] as const)("refuses a file that starts with %s, only part of a byte order mark, as not text", (_, mark, body) => {
    const text = body === "utf8" ? Buffer.from(SIMPLE) : utf16(SIMPLE, body, false);
    expect(parseError(() => parsePlanBytes(Buffer.concat([Buffer.from(mark), text]), "mark.json")).message).toBe(
      "mark.json: is not valid UTF-8 or UTF-16 text; write it with `terraform show -json plan.tfplan > plan.json`",
    );
  });

  it("refuses UTF-16 text with an odd number of bytes, saying how many", () => {
    expect(parseError(() => parsePlanBytes(Buffer.concat([utf16("{}", "le", false), Buffer.from([0x20])]), "odd.json")).message).toBe(
      "odd.json: looks like UTF-16 but has an odd number of bytes (5)",
    );
  });

  it("reads the real UTF-16 LE fixture with CRLF line endings", () => {
    const plan = readPlanFile(fixture("bridgecrewio__checkov__plan_with_utf_16_encoding.json")).plan;
    expect(plan.resource_changes?.map((r) => r.address)).toEqual(["aws_iam_role_policy.fail_1", "aws_s3_bucket.s3-bucket", "null_resource.name"]);
  });

  it("keeps non-ASCII text in addresses intact", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc('aws_s3_bucket.b["café"]', ["create"])] }));
    expect(parseString(text).plan.resource_changes?.[0].address).toBe('aws_s3_bucket.b["café"]');
  });

  it("rejects bytes that are not UTF-8, naming the file and how to write the plan", () => {
    const bytes = Buffer.concat([Buffer.from('{"format_version":"1.0","terraform_version":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(parseError(() => parsePlanBytes(bytes, "latin.json")).message).toBe(
      "latin.json: is not valid UTF-8 or UTF-16 text; write it with `terraform show -json plan.tfplan > plan.json`",
    );
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

  it("rejects a format_version written as the number 1.2, not the string", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ format_version: 1.2 })), "num.json")).message).toBe(
      'num.json: format_version must look like "1.2" (got a number)',
    );
  });

  it("rejects a format_version with text before the version, quoting it", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ format_version: "v1.0" })), "v.json")).message).toBe(
      'v.json: format_version must look like "1.2" (got "v1.0")',
    );
  });

  it("reads a two-digit major version as such, and says which majors it reads", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ format_version: "10.0" })), "ten.json")).message).toBe(
      'ten.json: format_version "10.0" is not supported (major version 10); plan-review reads 0.x and 1.x. Use a Terraform release that writes those, or update plan-review.',
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

  it("rejects null as the whole file", () => {
    expect(parseError(() => parseString("null", "null.json")).message).toBe("null.json: expected a JSON object from `terraform show -json`, got null");
  });

  it("rejects a number as the whole file", () => {
    expect(parseError(() => parseString("42", "number.json")).message).toBe("number.json: expected a JSON object from `terraform show -json`, got a number");
  });

  it("rejects a resource change without actions, naming the file and the path", () => {
    const text = JSON.stringify(planJson({ resource_changes: [{ address: "aws_s3_bucket.b", change: {} }] }));
    expect(parseError(() => parseString(text, "shape.json")).message).toContain("shape.json: resource_changes[0].change.actions:");
  });

  it("rejects an unknown action combination, naming it and every known one", () => {
    const text = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.b", ["delete", "forget"])] }));
    expect(parseError(() => parseString(text, "actions.json")).message).toContain(
      'actions.json: resource_changes[0].change.actions: unknown action combination ["delete","forget"]; known: ["no-op"] ["create"] ["read"] ["update"] ["delete"] ["delete","create"] ["create","delete"] ["forget"] ["create","forget"]',
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

  it.each([
    ["lineage", { lineage: "9e1d" }],
    ["serial", { serial: 7 }],
  ])("refuses a state that has only %s of a raw state's markers", (_, marker) => {
    expect(parseError(() => parseString(JSON.stringify({ ...marker, resource_changes: [DELETE_BUCKET] }), "state.json")).message).toBe(
      "state.json: is a Terraform state, not a plan (it has lineage/serial and no planned_values); write the plan with `terraform plan -out=plan.tfplan && terraform show -json plan.tfplan > plan.json`",
    );
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

describe("fields of the wrong type", () => {
  // Each field is kept whole for the schema to check, so a value of any type gets the schema's message.
  it.each([
    ["address", "Invalid input: expected string, received object"],
    ["previous_address", "Invalid input: expected string, received object"],
    ["module_address", "Invalid input: expected string, received object"],
    ["mode", "Invalid input: expected string, received object"],
    ["type", "Invalid input: expected string, received object"],
    ["name", "Invalid input: expected string, received object"],
    ["index", "must be a number or a string (the instance key), or null"],
    ["deposed", "Invalid input: expected string, received object"],
    ["action_reason", "Invalid input: expected string, received object"],
  ])("refuses a resource change whose %s is an object, naming the path and the type allowed", (field, expected) => {
    const text = JSON.stringify(planJson({ resource_changes: [rc("aws_s3_bucket.b", ["delete"], { [field]: {} })] }));
    expect(parseError(() => parseString(text, "types.json")).message).toContain(`  types.json: resource_changes[0].${field}: ${expected}`);
  });

  it.each([
    ["terraform_version", "Invalid input: expected string, received object"],
    ["errored", "Invalid input: expected boolean, received object"],
    ["complete", "Invalid input: expected boolean, received object"],
    ["applyable", "Invalid input: expected boolean, received object"],
  ])("refuses a plan whose %s is an object, naming the field and the type allowed", (field, expected) => {
    const text = JSON.stringify(planJson({ [field]: {}, resource_changes: [rc("aws_s3_bucket.b", ["delete"])] }));
    expect(parseError(() => parseString(text, "types.json")).message).toContain(`  types.json: ${field}: ${expected}`);
  });

  it("refuses a format_version that is an object, saying what it must look like", () => {
    expect(parseError(() => parseString(JSON.stringify(planJson({ format_version: {} })), "types.json")).message).toBe(
      'types.json: format_version must look like "1.2" (got an object)',
    );
  });
});

describe("output changes", () => {
  it.each([
    [["no-op"], {}, {}],
    [["create"], null, {}],
    [["update"], {}, {}],
    [["delete"], {}, null],
  ])("accepts an output change with actions %j", (actions, before, after) => {
    const text = JSON.stringify(planJson({ output_changes: { url: { actions, before, after } } }));
    expect(parseString(text).plan.output_changes?.url.actions).toEqual(actions);
  });

  it("refuses an output action Terraform never writes for outputs, naming those it does", () => {
    const text = JSON.stringify(planJson({ output_changes: { url: { actions: ["read"], before: "", after: "" } } }));
    expect(parseError(() => parseString(text, "outputs.json")).message).toContain(
      '  outputs.json: output_changes.url.actions: unknown action combination ["read"]; known: ["no-op"] ["create"] ["update"] ["delete"]',
    );
  });
});

describe("how problems are listed", () => {
  /** A plan with `count` resource changes whose type disagrees with the address: one problem each. */
  function planWithProblems(count: number): string {
    const changes = Array.from({ length: count }, (_, i) => rc(`aws_s3_bucket.b${i}`, ["delete"], { type: "null_resource" }));
    return JSON.stringify(planJson({ resource_changes: changes }));
  }

  it("says '1 problem' and lists it, with nothing after it", () => {
    expect(parseError(() => parseString(planWithProblems(1), "one.json")).message).toBe(
      'one.json: does not look like `terraform show -json` plan output (1 problem):\n  one.json: resource_changes[0].type: is "null_resource", but the address "aws_s3_bucket.b0" says "aws_s3_bucket"',
    );
  });

  it("counts several problems in the plural", () => {
    expect(parseError(() => parseString(planWithProblems(2), "two.json")).message.split("\n")[0]).toBe(
      "two.json: does not look like `terraform show -json` plan output (2 problems):",
    );
  });

  it("lists ten problems in full, without a line for more", () => {
    expect(parseError(() => parseString(planWithProblems(10), "ten.json")).message.split("\n").at(-1)).toBe(
      '  ten.json: resource_changes[9].type: is "null_resource", but the address "aws_s3_bucket.b9" says "aws_s3_bucket"',
    );
  });

  it("shows the first ten problems and counts the rest", () => {
    expect(parseError(() => parseString(planWithProblems(12), "many.json")).message.split("\n").slice(-2)).toEqual([
      '  many.json: resource_changes[9].type: is "null_resource", but the address "aws_s3_bucket.b9" says "aws_s3_bucket"',
      "  … and 2 more",
    ]);
  });
});

describe("reading plan files from disk", () => {
  afterEach(() => jest.restoreAllMocks());

  /** A plan file holding `bytes` (SIMPLE's text unless given). */
  function planFile(bytes: Uint8Array = Buffer.from(SIMPLE), name = "plan.json"): string {
    const file = join(tempDir(), name);
    writeFileSync(file, bytes);
    return file;
  }

  it("streams a UTF-8 plan file rather than reading it whole into memory", () => {
    const file = planFile();
    const readWhole = jest.spyOn(fs, "readFileSync");
    readPlanFile(file);
    expect(readWhole).not.toHaveBeenCalled();
  });

  it("closes the plan file when it refuses it", () => {
    const file = planFile(Buffer.from("[]"));
    const open = jest.spyOn(fs, "openSync");
    const close = jest.spyOn(fs, "closeSync");
    parseError(() => readPlanFile(file));
    expect(close).toHaveBeenCalledWith(open.mock.results[0].value);
  });

  it("reports a read error partway through a file as unreadable, with the system's reason", () => {
    const file = planFile();
    const read = fs.readSync;
    const eio = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    jest
      .spyOn(fs, "readSync")
      .mockImplementationOnce(read) // the first bytes, which say the encoding
      .mockImplementationOnce(() => {
        throw eio;
      });
    expect(parseError(() => readPlanFile(file)).message).toBe(`${file}: cannot read plan file (EIO: i/o error, read)`);
  });

  it("reads a plan file of exactly the size limit (the limit is inclusive)", () => {
    const file = planFile();
    const fstat = fs.fstatSync;
    // The file's size as fstat reports it: writing 256 MiB would cost the test seconds and disk.
    jest.spyOn(fs, "fstatSync").mockImplementation((fd) => Object.assign(fstat(fd), { size: MAX_PLAN_BYTES }));
    expect(readPlanFile(file).plan.resource_changes).toHaveLength(1);
  });

  it("refuses a one-byte file holding a zero as odd-length UTF-16, as it does the same bytes in memory", () => {
    const file = planFile(Buffer.from([0]), "zero.json");
    expect(parseError(() => readPlanFile(file)).message).toBe(`${file}: looks like UTF-16 but has an odd number of bytes (1)`);
  });
});
