import { formatAttributePath, parseStackId, summarizeStack } from "../../../scripts/plan-review/summarize";
import { parsed, rc, reviewOf } from "./helpers";

function onlyChange(entry: Record<string, unknown>) {
  return summarizeStack("dev-app", parsed({ resource_changes: [entry] })).changes[0];
}

function countsOf(entries: Record<string, unknown>[]) {
  return summarizeStack("dev-app", parsed({ resource_changes: entries })).counts;
}

describe("stack ids", () => {
  it("splits <env>-<kind> into environment and stack", () => {
    expect(parseStackId("prod-app")).toEqual({ env: "prod", stack: "app" });
  });

  it("keeps hyphens in the environment name", () => {
    expect(parseStackId("eu-west-prod-distribution")).toEqual({ env: "eu-west-prod", stack: "distribution" });
  });

  it("splits at the last hyphen before a known kind", () => {
    expect(parseStackId("app-dns")).toEqual({ env: "app", stack: "dns" });
  });

  it("keeps an id without a known kind whole, with stack '-'", () => {
    expect(parseStackId("bootstrap-state")).toEqual({ env: "bootstrap-state", stack: "-" });
  });

  it("does not treat a bare kind as an environment-less id", () => {
    expect(parseStackId("-app")).toEqual({ env: "-app", stack: "-" });
  });
});

describe("classifying resource changes", () => {
  it("counts delete-then-create as a replace that destroys", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["delete", "create"]))).toMatchObject({
      kind: "replace",
      replaceOrder: "delete-then-create",
      destroys: true,
    });
  });

  it("counts create-then-delete as a replace that destroys", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["create", "delete"]))).toMatchObject({
      kind: "replace",
      replaceOrder: "create-then-delete",
      destroys: true,
    });
  });

  it("counts a forget as removed from state without destroying", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["forget"]))).toMatchObject({ kind: "forget", destroys: false });
  });

  it("counts create-then-forget as a replace that keeps the old object", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["create", "forget"]))).toMatchObject({
      kind: "replace",
      replaceOrder: "create-then-forget",
      destroys: false,
    });
  });

  it("marks an import from change.importing", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["no-op"], {}, { importing: { id: "bucket-name" } })).importing).toBe(true);
  });

  it("marks a move from a differing previous_address", () => {
    expect(onlyChange(rc("aws_s3_bucket.new", ["no-op"], { previous_address: "aws_s3_bucket.old" })).previousAddress).toBe(
      "aws_s3_bucket.old",
    );
  });

  it("does not mark a move when previous_address equals the address", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["update"], { previous_address: "aws_s3_bucket.b" })).previousAddress).toBeUndefined();
  });

  it("keeps the deposed key of a deposed object", () => {
    expect(onlyChange(rc("aws_s3_bucket.b", ["delete"], { deposed: "00000001" }))).toMatchObject({ kind: "delete", deposed: "00000001" });
  });

  it("renders replace_paths as attribute paths", () => {
    const change = onlyChange(
      rc("aws_s3_bucket.b", ["delete", "create"], {}, { replace_paths: [["bucket"], ["tags", "Name"], ["rule", 0, "id"], ["tags", "a b"]] }),
    );
    expect(change.replacePaths).toEqual(["bucket", "tags.Name", "rule[0].id", 'tags["a b"]']);
  });

  it("formats a path that starts with a non-identifier", () => {
    expect(formatAttributePath([0, "x"])).toBe("[0].x");
  });

  it("counts every action and the import and move modifiers", () => {
    expect(
      countsOf([
        rc("aws_s3_bucket.c", ["create"]),
        rc("aws_s3_bucket.u", ["update"]),
        rc("aws_s3_bucket.r1", ["delete", "create"]),
        rc("aws_s3_bucket.r2", ["create", "delete"]),
        rc("aws_s3_bucket.d", ["delete"]),
        rc("data.aws_iam_policy_document.p", ["read"]),
        rc("aws_s3_bucket.n", ["no-op"]),
        rc("aws_s3_bucket.f", ["forget"]),
        rc("aws_s3_bucket.i", ["no-op"], {}, { importing: { id: "i" } }),
        rc("aws_s3_bucket.m", ["update"], { previous_address: "aws_s3_bucket.old" }),
      ]),
    ).toEqual({ create: 1, update: 2, replace: 2, delete: 1, read: 1, noOp: 2, forget: 1, import: 1, move: 1, drift: 0 });
  });

  it("lists changes in address order whatever the plan's order", () => {
    const summary = summarizeStack(
      "dev-app",
      parsed({ resource_changes: [rc("aws_s3_bucket.b", ["create"]), rc("aws_iam_role.z", ["create"]), rc("aws_s3_bucket.a", ["create"])] }),
    );
    expect(summary.changes.map((c) => c.address)).toEqual(["aws_iam_role.z", "aws_s3_bucket.a", "aws_s3_bucket.b"]);
  });

  it("leaves plain no-ops out of the change list", () => {
    expect(summarizeStack("dev-app", parsed({ resource_changes: [rc("aws_s3_bucket.n", ["no-op"])] })).changes).toEqual([]);
  });

  it("notes a plan Terraform marked as errored", () => {
    expect(summarizeStack("dev-app", parsed({ errored: true })).notes).toEqual([
      "Terraform reported errors while planning (`errored`): this plan is incomplete.",
    ]);
  });

  it("marks an output as sensitive when part of it is", () => {
    const summary = summarizeStack(
      "dev-app",
      parsed({ output_changes: { o: { actions: ["update"], before_sensitive: { a: false }, after_sensitive: { a: [true] } } } }),
    );
    expect(summary.outputs).toEqual([{ name: "o", kind: "update", sensitive: true }]);
  });
});

describe("protected destruction and the exit gate", () => {
  const bucketDelete = { resource_changes: [rc("aws_s3_bucket.assets", ["delete"])] };

  it("fails with exit 2 when a protected type is deleted in a protected environment", () => {
    expect(reviewOf({ "prod-distribution": bucketDelete }).exitCode).toBe(2);
  });

  it("fails with exit 2 when a protected type is replaced in a protected environment", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_dynamodb_table.t", ["create", "delete"])] } }).exitCode).toBe(2);
  });

  it("passes with exit 0 when the environment is not protected", () => {
    expect(reviewOf({ "dev-distribution": bucketDelete }).exitCode).toBe(0);
  });

  it("still lists protected destruction in an unprotected environment, as not blocking", () => {
    expect(reviewOf({ "dev-distribution": bucketDelete }).protectedDestruction.map((p) => p.blocking)).toEqual([false]);
  });

  it("passes with exit 0 under --allow-destroy", () => {
    expect(reviewOf({ "prod-distribution": bucketDelete }, { allowDestroy: true }).exitCode).toBe(0);
  });

  it("passes when the deleted type is not protected", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_lambda_function.ssr", ["delete"])] } }).exitCode).toBe(0);
  });

  it("passes when a replace keeps the old object (destroy = false)", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["create", "forget"])] } }).exitCode).toBe(0);
  });

  it("passes when a protected type is only forgotten", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["forget"])] } }).exitCode).toBe(0);
  });

  it("fails when a deposed object of a protected type is deleted", () => {
    expect(reviewOf({ "prod-app": { resource_changes: [rc("aws_s3_bucket.b", ["delete"], { deposed: "abc" })] } }).exitCode).toBe(2);
  });

  it("uses the configured protected types instead of the defaults", () => {
    expect(
      reviewOf({ "prod-app": { resource_changes: [rc("aws_lambda_function.ssr", ["delete"])] } }, { protectTypes: ["aws_lambda_function"] }).exitCode,
    ).toBe(2);
  });

  it("uses the configured protected environments", () => {
    expect(reviewOf({ "staging-distribution": bucketDelete }, { protectEnvs: ["staging"] }).exitCode).toBe(2);
  });

  it("counts only blocking entries in blockingCount", () => {
    expect(reviewOf({ "dev-distribution": bucketDelete, "prod-distribution": bucketDelete }).blockingCount).toBe(1);
  });

  it("fails closed with exit 1 on a plan Terraform could not finish (errored), even with nothing destroyed", () => {
    expect(reviewOf({ "dev-app": { errored: true } }).exitCode).toBe(1);
  });

  it("fails closed on an errored plan under --allow-destroy too: it cannot say what it would destroy", () => {
    expect(reviewOf({ "prod-distribution": { ...bucketDelete, errored: true } }, { allowDestroy: true }).exitCode).toBe(1);
  });

  it("fails closed with exit 1 on a plan with deferred changes", () => {
    expect(reviewOf({ "dev-app": { deferred_changes: [{ reason: "provider_config_unknown", resource_change: rc("aws_s3_bucket.b", ["delete"]) }] } }).exitCode).toBe(1);
  });

  it("reviews a plan with an empty deferred_changes list as complete", () => {
    expect(reviewOf({ "prod-app": { deferred_changes: [], errored: false } }).exitCode).toBe(0);
  });

  it("names each plan it cannot review and why", () => {
    const review = reviewOf({ "dev-app": { errored: true }, "prod-app": {}, "staging-app": { deferred_changes: [{}, {}] } });
    expect(review.unreviewable.map((s) => [s.id, s.unreviewable])).toEqual([
      ["dev-app", expect.stringMatching(/^Terraform stopped with errors while planning \(`errored: true`\)/)],
      ["staging-app", expect.stringMatching(/^Terraform deferred 2 changes to a later plan round/)],
    ]);
  });

  it("lists blocking entries before warnings", () => {
    const review = reviewOf({ "dev-distribution": bucketDelete, "prod-distribution": bucketDelete });
    expect(review.protectedDestruction.map((p) => p.stackId)).toEqual(["prod-distribution", "dev-distribution"]);
  });
});

describe("report order", () => {
  it("orders stacks by environment order, then dns, app, distribution", () => {
    const review = reviewOf({
      "prod-app": {},
      "dev-distribution": {},
      "zeta-app": {},
      "dev-dns": {},
      "alpha-app": {},
      "staging-app": {},
      "dev-app": {},
    });
    expect(review.stacks.map((s) => s.id)).toEqual([
      "dev-dns",
      "dev-app",
      "dev-distribution",
      "staging-app",
      "prod-app",
      "alpha-app",
      "zeta-app",
    ]);
  });

  it("sums the counts of every stack into totals", () => {
    const review = reviewOf({
      "dev-app": { resource_changes: [rc("aws_s3_bucket.a", ["create"])] },
      "prod-app": { resource_changes: [rc("aws_s3_bucket.a", ["create"]), rc("aws_s3_bucket.b", ["update"])] },
    });
    expect([review.totals.create, review.totals.update]).toEqual([2, 1]);
  });
});
