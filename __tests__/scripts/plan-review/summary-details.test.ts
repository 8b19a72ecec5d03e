/**
 * The summary's details a reviewer reads, one decision per test: what a plan's notes say,
 * how excerpts without `type`, `mode` or `address` are named, which outputs are sensitive,
 * how stacks, changes and drift are ordered, and when a certificate deletion warns.
 */
import { classifyActions, stackIdComparator, summarizeStack } from "../../../scripts/plan-review/summarize";
import { parsed, rc, reviewOf } from "./helpers";

const stackOf = (body: Record<string, unknown>) => summarizeStack("dev-app", parsed(body));

/** A resource change without the keys an excerpt may leave out. */
function bare(address: string, actions: string[]): Record<string, unknown> {
  const { type: _type, mode: _mode, name: _name, ...rest } = rc(address, actions);
  return rest;
}

/** A drift entry with the before and after values its actions imply, as rc() gives resource changes. */
function driftEntry(entry: Record<string, unknown> & { change: { actions: string[] } }): Record<string, unknown> {
  const { change } = rc("x.y", entry.change.actions);
  return { ...entry, change };
}

const drift = (entry: Record<string, unknown> & { change: { actions: string[] } }) => stackOf({ resource_drift: [driftEntry(entry)] }).drift[0];

describe("a plan's notes", () => {
  it("say when Terraform reported errors", () => {
    expect(stackOf({ errored: true }).notes).toEqual(["Terraform reported errors while planning (`errored`): this plan is incomplete."]);
  });

  it("say when the plan is not complete", () => {
    expect(stackOf({ complete: false }).notes).toEqual(["The plan is not complete (`complete: false`): another plan/apply round is needed."]);
  });

  it("say when Terraform marked the plan not applyable", () => {
    expect(stackOf({ applyable: false }).notes).toEqual(["Terraform marked this plan as not applyable."]);
  });

  it("do not add not-applyable to an errored plan, which is never applyable", () => {
    expect(stackOf({ errored: true, applyable: false }).notes).toHaveLength(1);
  });

  it("are empty for a complete, applyable plan", () => {
    expect(stackOf({ complete: true, applyable: true, errored: false }).notes).toEqual([]);
  });
});

describe("a plan that cannot be reviewed", () => {
  it("counts one deferred change in the singular", () => {
    const deferred = [{ reason: "provider_config_unknown", resource_change: rc("aws_s3_bucket.b", ["create"]) }];
    expect(stackOf({ deferred_changes: deferred }).unreviewable).toBe(
      "Terraform deferred 1 change to a later plan round (`deferred_changes`), which this plan does not show",
    );
  });

  it("has no unreviewable key when nothing is wrong", () => {
    expect(Object.keys(stackOf({}))).not.toContain("unreviewable");
  });
});

describe("the versions a summary shows", () => {
  it("are the plan's format and Terraform versions", () => {
    const summary = stackOf({});
    expect([summary.formatVersion, summary.terraformVersion]).toEqual(["1.2", "1.10.5"]);
  });
});

describe("excerpts without type, mode or address", () => {
  it("take the type from the address, past module and index parts", () => {
    expect(stackOf({ resource_changes: [bare('module.web["a"].aws_s3_bucket.b[0]', ["create"])] }).changes[0]).toMatchObject({ type: "aws_s3_bucket", mode: "managed" });
  });

  it("take a data source's type and mode from its address", () => {
    expect(stackOf({ resource_changes: [bare("data.aws_iam_policy_document.p", ["read"])] }).changes[0]).toMatchObject({
      type: "aws_iam_policy_document",
      mode: "data",
    });
  });

  it("take a data source's mode from an address inside a module", () => {
    expect(stackOf({ resource_changes: [bare("module.m.data.aws_region.here", ["read"])] }).changes[0]).toMatchObject({ mode: "data" });
  });

  it("name a drift entry without an address by its parts, with a numeric index", () => {
    expect(drift({ type: "aws_s3_bucket", name: "b", index: 0, mode: "managed", change: { actions: ["update"] } })).toMatchObject({
      address: "aws_s3_bucket.b[0]",
      type: "aws_s3_bucket",
    });
  });

  it("name a drift entry by its parts with a string index, in a module, as a data source", () => {
    expect(drift({ type: "aws_region", name: "here", index: "eu", mode: "data", module_address: "module.m", change: { actions: ["read"] } })!.address).toBe(
      'module.m.data.aws_region.here["eu"]',
    );
  });

  it("name a drift entry by its parts without an index", () => {
    expect(drift({ type: "aws_s3_bucket", name: "b", index: null, change: { actions: ["update"] } })!.address).toBe("aws_s3_bucket.b");
  });

  it("say when a drift entry gives neither address nor parts (parse.ts refuses such a plan; summarize does not rely on it)", () => {
    const plan = { resource_drift: [{ type: "aws_s3_bucket", change: { actions: ["update"] } }] };
    expect(summarizeStack("dev-app", { file: "hand-built.json", plan }).drift[0]!.address).toBe("(address not given)");
  });

  it("take a drift entry's type from its address", () => {
    expect(drift({ address: "module.x.aws_kms_key.k", change: { actions: ["update"] } })!.type).toBe("aws_kms_key");
  });

  it("keep a drift entry's reason and deposed key, and leave them out when absent", () => {
    const withBoth = drift({ address: "aws_s3_bucket.b", deposed: "abcd1234", action_reason: "delete_because_no_resource_config", change: { actions: ["delete"] } });
    const without = drift({ address: "aws_s3_bucket.b", change: { actions: ["update"] } });
    expect([withBoth, without]).toEqual([
      { address: "aws_s3_bucket.b", type: "aws_s3_bucket", kind: "delete", reason: "delete_because_no_resource_config", deposed: "abcd1234" },
      { address: "aws_s3_bucket.b", type: "aws_s3_bucket", kind: "update" },
    ]);
  });
});

describe("changes and moves", () => {
  it("does not call a change moved when its previous address is its own", () => {
    const entry = rc("aws_s3_bucket.b", ["update"], { previous_address: "aws_s3_bucket.b" });
    expect(stackOf({ resource_changes: [entry] }).changes[0]!.previousAddress).toBeUndefined();
  });

  it("does not call a change imported when importing is null", () => {
    const entry = rc("aws_s3_bucket.b", ["update"], {}, { importing: null });
    expect(stackOf({ resource_changes: [entry] }).changes[0]!.importing).toBe(false);
  });

  it("orders drift by address, then by deposed key", () => {
    const entries = [
      { address: "aws_s3_bucket.b", deposed: "bbbb", change: { actions: ["delete"] } },
      { address: "aws_s3_bucket.a", change: { actions: ["update"] } },
      { address: "aws_s3_bucket.b", deposed: "aaaa", change: { actions: ["delete"] } },
      { address: "aws_s3_bucket.b", change: { actions: ["update"] } },
    ];
    expect(stackOf({ resource_drift: entries.map(driftEntry) }).drift.map((d) => `${d.address} ${d.deposed ?? ""}`.trim())).toEqual([
      "aws_s3_bucket.a",
      "aws_s3_bucket.b",
      "aws_s3_bucket.b aaaa",
      "aws_s3_bucket.b bbbb",
    ]);
  });

  it("orders outputs by name in code-unit order", () => {
    const outputs = { b: { actions: ["create"] }, B: { actions: ["create"] }, a: { actions: ["create"] } };
    expect(stackOf({ output_changes: outputs }).outputs.map((o) => o.name)).toEqual(["B", "a", "b"]);
  });
});

describe("sensitive outputs", () => {
  const sensitivity = (change: Record<string, unknown>) => stackOf({ output_changes: { o: { actions: ["update"], ...change } } }).outputs[0]!.sensitive;

  it("are those marked true before or after", () => {
    expect([sensitivity({ before_sensitive: true }), sensitivity({ after_sensitive: true })]).toEqual([true, true]);
  });

  it("include those with one sensitive leaf among others", () => {
    expect(sensitivity({ after_sensitive: { a: false, b: { c: true } } })).toBe(true);
  });

  it("exclude those whose every leaf is false", () => {
    expect(sensitivity({ before_sensitive: { a: false, b: [false] }, after_sensitive: false })).toBe(false);
  });
});

describe("classifying actions", () => {
  it("refuses a list parse.ts should have refused, naming it", () => {
    expect(() => classifyActions(["delete", "delete"])).toThrow('unclassified actions ["delete","delete"]');
  });
});

describe("the order of stacks", () => {
  const order = stackIdComparator(["dev", "staging", "prod"]);

  it("puts environments in pipeline order", () => {
    expect(["prod-app", "dev-app", "staging-app"].sort(order)).toEqual(["dev-app", "staging-app", "prod-app"]);
  });

  it("puts environments outside the order after it, by name", () => {
    expect(["qa-app", "prod-app", "eu-app"].sort(order)).toEqual(["prod-app", "eu-app", "qa-app"]);
  });

  it("puts a stack of an unknown kind after the known kinds, then by id", () => {
    expect(["dev-zeta", "dev-app", "dev-alpha"].sort(order)).toEqual(["dev-app", "dev-alpha", "dev-zeta"]);
  });

  it("orders an environment's stacks dns, app, distribution", () => {
    expect(["dev-distribution", "dev-app", "dev-dns"].sort(order)).toEqual(["dev-dns", "dev-app", "dev-distribution"]);
  });

  it("is the order of the review's stacks", () => {
    const review = reviewOf({ "prod-dns": {}, "qa-app": {}, "dev-distribution": {}, "dev-dns": {} });
    expect(review.stacks.map((s) => s.id)).toEqual(["dev-dns", "dev-distribution", "prod-dns", "qa-app"]);
  });
});

describe("protected destruction", () => {
  it("ignores a data source's removal", () => {
    const review = reviewOf({ "prod-app": { resource_changes: [rc("data.aws_s3_bucket.b", ["delete"])] } }, { protectTypes: ["aws_s3_bucket"] });
    expect(review.protectedDestruction).toEqual([]);
  });

  it("ignores an update of a protected type", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["update"])] } }).protectedDestruction).toEqual([]);
  });
});

describe("certificate warnings", () => {
  const replaced = rc("aws_acm_certificate.c", ["create", "delete"]);
  const warningOf = (changes: Record<string, unknown>[]) => reviewOf({ "prod-distribution": { resource_changes: changes } }).warnings.map((w) => w.message.split(":")[0]);

  it("say CloudFront moves first when the stack replaces the certificate create-before-destroy and updates CloudFront", () => {
    expect(warningOf([replaced, rc("aws_cloudfront_distribution.d", ["update"])])).toEqual(["replaced create-before-destroy while CloudFront in this stack is updated"]);
  });

  it("count a replaced distribution as CloudFront moving", () => {
    expect(warningOf([replaced, rc("aws_cloudfront_distribution.d", ["create", "delete"])])).toEqual(["replaced create-before-destroy while CloudFront in this stack is updated"]);
  });

  it("say check first when CloudFront in the stack is only created", () => {
    expect(warningOf([replaced, rc("aws_cloudfront_distribution.d", ["create"])])).toEqual(["deleted without a CloudFront update in the same stack"]);
  });

  it("say check first when another resource, not CloudFront, is updated", () => {
    expect(warningOf([replaced, rc("aws_s3_bucket.b", ["update"])])).toEqual(["deleted without a CloudFront update in the same stack"]);
  });

  it("say check first for a certificate deleted before its replacement exists, even with CloudFront updated", () => {
    expect(warningOf([rc("aws_acm_certificate.c", ["delete", "create"]), rc("aws_cloudfront_distribution.d", ["update"])])).toEqual([
      "deleted without a CloudFront update in the same stack",
    ]);
  });

  it("are not given for a certificate that is only updated", () => {
    expect(warningOf([rc("aws_acm_certificate.c", ["update"])])).toEqual([]);
  });
});
