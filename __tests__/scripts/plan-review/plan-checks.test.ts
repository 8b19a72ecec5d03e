import type { PlanJson } from "../../../scripts/plan-review/parse";
import { parseResourceAddress, planProblems } from "../../../scripts/plan-review/plan-checks";
import { rc } from "./helpers";

/** The problems of a plan with these resource changes, as `path: message` lines. */
function problemsOf(changes: readonly Record<string, unknown>[], more: Partial<PlanJson> = {}): string[] {
  return planProblems({ resource_changes: changes, ...more } as PlanJson).map((p) => `${p.path.join(".")}: ${p.message}`);
}

describe("parseResourceAddress", () => {
  it.each([
    ["aws_s3_bucket.assets", { module: "", mode: "managed", type: "aws_s3_bucket", name: "assets" }],
    ["data.aws_iam_policy_document.p", { module: "", mode: "data", type: "aws_iam_policy_document", name: "p" }],
    ['module.app["eu"].module.db[0].aws_dynamodb_table.t["a\\"b"]', { module: 'module.app["eu"].module.db[0]', mode: "managed", type: "aws_dynamodb_table", name: "t" }],
    ["aws_s3_bucket.b[12]", { module: "", mode: "managed", type: "aws_s3_bucket", name: "b" }],
  ])("reads %s", (address, parts) => {
    expect(parseResourceAddress(address)).toEqual(parts);
  });

  it.each(["aws_s3_bucket", "aws_s3_bucket.b.c", "module.app", "data.aws_x", "ephemeral.aws_x", "resource.aws_x", "aws_s3_bucket.b[x]", "aws s3.b", "", "aws_s3_bucket.b[0"])(
    "refuses %j",
    (address) => {
      expect(parseResourceAddress(address)).toBeUndefined();
    },
  );
});

describe("planProblems: before and after against the actions", () => {
  it("finds nothing wrong in changes whose values match their actions", () => {
    const actions = [["no-op"], ["create"], ["read"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"], ["forget"], ["create", "forget"]];
    expect(problemsOf(actions.map((a, i) => rc(`aws_s3_bucket.b${i}`, a)))).toEqual([]);
  });

  it("refuses a create that starts from an existing object", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["create"], {}, { before: {} })])).toEqual([
      'resource_changes.0.change.before: is an object, but ["create"] starts from nothing: it must be null',
    ]);
  });

  it("refuses a delete that leaves an object", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], {}, { after: {} })])).toEqual([
      'resource_changes.0.change.after: is an object, but ["delete"] leaves nothing: it must be null',
    ]);
  });

  it("refuses a create that leaves nothing", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["create"], {}, { after: null })])).toEqual([
      'resource_changes.0.change.after: is null, but ["create"] leaves an object: it must be an object (or left out with after_unknown: true)',
    ]);
  });

  it("refuses a read that leaves nothing", () => {
    expect(problemsOf([rc("data.aws_region.r", ["read"], {}, { after: null })])).toEqual([
      'resource_changes.0.change.after: is null, but ["read"] leaves an object: it must be an object (or left out with after_unknown: true)',
    ]);
  });

  it("refuses an update of nothing", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["update"], {}, { before: null })])).toEqual([
      'resource_changes.0.change.before: is null, but ["update"] changes an existing object: it must be an object',
    ]);
  });

  it("refuses a forget of nothing", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["forget"], {}, { before: null })])).toEqual([
      'resource_changes.0.change.before: is null, but ["forget"] changes an existing object: it must be an object',
    ]);
  });

  it("refuses a forget that leaves an object", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["forget"], {}, { after: {} })])).toEqual([
      'resource_changes.0.change.after: is an object, but ["forget"] leaves nothing: it must be null',
    ]);
  });

  it.each([[["delete", "create"]], [["create", "delete"]], [["create", "forget"]]])("refuses a replace %j that leaves nothing", (actions) => {
    expect(problemsOf([rc("aws_s3_bucket.b", actions, {}, { after: null })])).toEqual([
      `resource_changes.0.change.after: is null, but ${JSON.stringify(actions)} leaves an object: it must be an object (or left out with after_unknown: true)`,
    ]);
  });

  it("refuses a delete of nothing", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], {}, { before: null })])).toEqual([
      'resource_changes.0.change.before: is null, but ["delete"] changes an existing object: it must be an object',
    ]);
  });

  it("refuses an update that leaves nothing", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["update"], {}, { after: null })])).toEqual([
      'resource_changes.0.change.after: is null, but ["update"] leaves an object: it must be an object (or left out with after_unknown: true)',
    ]);
  });

  it("accepts an update whose new object is wholly unknown (after left out, after_unknown true)", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["update"], {}, { after: undefined, after_unknown: true })])).toEqual([]);
  });

  it("refuses a no-op whose object disappears", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["no-op"], {}, { after: null })])).toEqual([
      'resource_changes.0.change: ["no-op"] must leave the object as it is, but before is an object and after is null',
    ]);
  });

  it("accepts a no-op with no object on either side (a data source Terraform 1.1 lists)", () => {
    expect(problemsOf([rc("data.aws_region.r", ["no-op"], {}, { before: null, after: null })])).toEqual([]);
  });

  it("accepts a replace whose before is null, since the action alone counts as a destruction", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["create", "delete"], {}, { before: null })])).toEqual([]);
  });

  it("says nothing about before and after for an action list it does not know (the schema reports it)", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete", "forget"])])).toEqual([]);
  });

  it("refuses a before value that is not an object, naming its kind only", () => {
    expect(problemsOf([rc("aws_ssm_parameter.p", ["update"], {}, { before: "" })])).toEqual([
      "resource_changes.0.change.before: must be an object (the resource's attributes) or null, got a string",
    ]);
  });
});

describe("planProblems: addresses", () => {
  it("refuses a type that disagrees with the address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], { type: "null_resource" })])).toEqual([
      'resource_changes.0.type: is "null_resource", but the address "aws_s3_bucket.b" says "aws_s3_bucket"',
    ]);
  });

  it("refuses a mode that disagrees with the address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], { mode: "data" })])).toEqual([
      'resource_changes.0.mode: is "data", but the address "aws_s3_bucket.b" says "managed"',
    ]);
  });

  it("refuses a mode other than managed or data", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], { mode: "ephemeral" })])).toEqual(['resource_changes.0.mode: must be "managed" or "data" (got "ephemeral")']);
  });

  it("refuses a name that disagrees with the address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], { name: "c" })])).toEqual([
      'resource_changes.0.name: is "c", but the address "aws_s3_bucket.b" says "b"',
    ]);
  });

  it("refuses a module_address that disagrees with the address", () => {
    expect(problemsOf([rc("module.a.aws_s3_bucket.b", ["delete"], { module_address: "module.z" })])).toEqual([
      'resource_changes.0.module_address: is "module.z", but the address "module.a.aws_s3_bucket.b" says "module.a"',
    ]);
  });

  it("refuses an address that is not a resource instance address", () => {
    expect(problemsOf([{ address: "everything", change: { actions: ["delete"], before: {}, after: null } }])).toEqual([
      'resource_changes.0.address: "everything" is not a resource instance address ([module.<name>.]…[data.]<type>.<name>[<key>], e.g. module.app.aws_s3_bucket.assets[0])',
    ]);
  });

  it("refuses the same object listed twice", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"]), rc("aws_s3_bucket.b", ["no-op"])])).toEqual([
      "resource_changes.1: lists aws_s3_bucket.b again (first at resource_changes[0]); Terraform lists each object once",
    ]);
  });

  it("refuses the same deposed object listed twice, naming it with its deposed key", () => {
    const deposed = rc("aws_s3_bucket.b", ["delete"], { deposed: "00000001" });
    expect(problemsOf([deposed, deposed])).toEqual([
      "resource_changes.1: lists aws_s3_bucket.b (deposed 00000001) again (first at resource_changes[0]); Terraform lists each object once",
    ]);
  });

  it("accepts two deposed objects of one address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["delete"], { deposed: "00000001" }), rc("aws_s3_bucket.b", ["delete"], { deposed: "00000002" })])).toEqual([]);
  });

  it("refuses a previous_address that is not a resource instance address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["update"], { previous_address: "aws_s3_bucket" })])).toEqual([
      'resource_changes.0.previous_address: "aws_s3_bucket" is not a resource instance address',
    ]);
  });

  it("shortens an address longer than 120 characters (quoted) in a message", () => {
    expect(problemsOf([{ address: "x".repeat(200), change: { actions: ["delete"], before: {}, after: null } }])[0]).toMatch(
      new RegExp(`^resource_changes\\.0\\.address: "x{118}…" is not a resource instance address`),
    );
  });

  it("keeps an address of exactly 120 characters (quoted) whole in a message", () => {
    expect(problemsOf([{ address: "x".repeat(118), change: { actions: ["delete"], before: {}, after: null } }])[0]).toMatch(
      new RegExp(`^resource_changes\\.0\\.address: "x{118}" is not a resource instance address`),
    );
  });

  it("accepts the current and a deposed object of one address", () => {
    expect(problemsOf([rc("aws_s3_bucket.b", ["update"]), rc("aws_s3_bucket.b", ["delete"], { deposed: "00000001" })])).toEqual([]);
  });

  it("refuses a drift entry that can be named neither by address nor by type and name", () => {
    const drift = [{ mode: "managed", change: { actions: ["update"], before: {}, after: {} } }];
    expect(problemsOf([], { resource_drift: drift } as Partial<PlanJson>)).toEqual(["resource_drift.0: has no address, and no type and name to name it by"]);
  });

  it("refuses a drift entry without an address that has a type but no name", () => {
    const drift = [{ mode: "managed", type: "aws_iam_role", change: { actions: ["update"], before: {}, after: {} } }];
    expect(problemsOf([], { resource_drift: drift } as Partial<PlanJson>)).toEqual(["resource_drift.0: has no address, and no type and name to name it by"]);
  });

  it("checks a drift entry's before and after against its actions, naming the entry's path", () => {
    const drift = [rc("aws_iam_role.r", ["update"], {}, { after: null })];
    expect(problemsOf([], { resource_drift: drift } as Partial<PlanJson>)).toEqual([
      'resource_drift.0.change.after: is null, but ["update"] leaves an object: it must be an object (or left out with after_unknown: true)',
    ]);
  });
});

describe("planProblems: output changes", () => {
  it("refuses a created output that had a value before", () => {
    const outputs = { url: { actions: ["create"], before: "", after: "" } };
    expect(problemsOf([], { output_changes: outputs } as Partial<PlanJson>)).toEqual([
      'output_changes.url.before: is a string, but ["create"] starts from nothing: it must be null',
    ]);
  });

  it("accepts a deleted output whose value is gone", () => {
    const outputs = { url: { actions: ["delete"], before: "", after: null } };
    expect(problemsOf([], { output_changes: outputs } as Partial<PlanJson>)).toEqual([]);
  });

  it("accepts an updated output with a value before and after", () => {
    const outputs = { url: { actions: ["update"], before: "", after: "" } };
    expect(problemsOf([], { output_changes: outputs } as Partial<PlanJson>)).toEqual([]);
  });

  it("refuses a deleted output that still has a value", () => {
    const outputs = { url: { actions: ["delete"], before: "", after: 0 } };
    expect(problemsOf([], { output_changes: outputs } as Partial<PlanJson>)).toEqual([
      'output_changes.url.after: is a number, but ["delete"] leaves nothing: it must be null',
    ]);
  });
});
