/**
 * What the policy engine reports (scripts/policy/engine.ts), decision by decision, on
 * hand-written stacks and rules whose outcome each test chooses: which environment a stack
 * belongs to, each rule status, duplicate findings, suppressions and their counts, the
 * summary and the verdict. engine.test.ts runs the real rules over synthesized stacks.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { environmentOfStack, runPolicy } from "../../../scripts/policy/engine";
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Finding, Rule, RuleContext, RuleOutcome } from "../../../scripts/policy/rule";
import { RULES } from "../../../scripts/policy/rules";
import { Workspace } from "../../../scripts/policy/workspace";
import { DEV, PROD } from "./support";

/** A stack of one bucket `aws_s3_bucket.B` (construct path `Data/Bucket`) in `dir`. */
function stack(id: string, dir = "cdktf.out"): SynthesizedStack {
  return new SynthesizedStack(id, `${dir}/stacks/${id}/cdk.tf.json`, dir, {
    resource: { aws_s3_bucket: { B: { bucket: "b", "//": { metadata: { path: `${id}/Data/Bucket` } } } } },
  });
}

function workspace(...ids: string[]): Workspace {
  return new Workspace(ids.map((id) => stack(id)));
}

/** A real rule (its id, title, severity, controls, fix) with a check the test chooses. */
function rule(check: (context: RuleContext) => RuleOutcome, id = "S3-6", severity: Rule["severity"] = "error"): Rule {
  const real = RULES.find((r) => r.id === id);
  if (!real) throw new Error(`no rule ${id}`);
  return { ...real, severity, check };
}

const finding = (resource: string, message = "wrong", fix?: string): Finding => ({ resource, message, ...(fix ? { fix } : {}) });
const finds = (...findings: Finding[]) => rule(() => ({ kind: "checked", checked: 2, findings }));

function devWith(...policySuppressions: EnvironmentConfig["policySuppressions"]): EnvironmentConfig {
  return { ...DEV, policySuppressions };
}

const REASON = "the bucket is written by ELB, which needs ACLs";

describe("the environment of a stack", () => {
  it("is the environment whose name and a dash start the stack id", () => {
    expect(environmentOfStack("prod-app", [DEV, PROD])?.name).toBe("prod");
  });

  it("is the longest such name when names share a prefix", () => {
    const devEu = { ...DEV, name: "dev-eu" };
    expect(environmentOfStack("dev-eu-app", [DEV, devEu, { ...DEV, name: "d" }])?.name).toBe("dev-eu");
  });

  it("is the longest name whichever order the environments come in", () => {
    expect(environmentOfStack("dev-eu-app", [{ ...DEV, name: "dev-eu" }, DEV])?.name).toBe("dev-eu");
  });

  it("needs the dash: a stack named devx-app is not dev's", () => {
    expect(environmentOfStack("devx-app", [DEV])).toBeUndefined();
  });

  it("is none for a stack of no environment, which the report shows as null", () => {
    expect(runPolicy(workspace("state-bootstrap"), [DEV], { rules: [finds()] }).stacks[0].environment).toBeNull();
  });
});

describe("rule statuses", () => {
  it("reports a rule that does not apply, with its reason and no counts", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [rule(() => ({ kind: "not-applicable", reason: "no buckets" }))] });
    expect(report.stacks[0].results).toEqual([{ rule: "S3-6", status: "not-applicable", reason: "no buckets", violations: 0, suppressed: 0 }]);
  });

  it("reports and counts a skipped rule", () => {
    const report = runPolicy(workspace("dev-app", "prod-app"), [DEV, PROD], { rules: [rule(() => ({ kind: "skipped", reason: "cannot judge" }))] });
    expect([report.stacks[0].results[0].status, report.summary.skipped]).toEqual(["skipped", 2]);
  });

  it("does not count a rule that did not apply as skipped", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [rule(() => ({ kind: "not-applicable", reason: "none" }))] }).summary.skipped).toBe(0);
  });

  it("passes a checked rule without findings, with how many resources it checked", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds()] }).stacks[0].results).toEqual([
      { rule: "S3-6", status: "passed", checked: 2, violations: 0, suppressed: 0 },
    ]);
  });

  it("fails a checked rule with findings, counting them", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B"), finding("aws_s3_bucket.C"))] });
    expect(report.stacks[0].results[0]).toEqual({ rule: "S3-6", status: "failed", checked: 2, violations: 2, suppressed: 0 });
  });

  it("gives each rule the stack, its environment, every environment and the day of the run", () => {
    const seen: unknown[] = [];
    const now = new Date("2026-01-02T00:00:00Z");
    const record = rule((c) => {
      seen.push([c.stack.id, c.env?.name, c.environments.map((e) => e.name), c.environmentOf(stack("prod-x"))?.name, c.now, c.workspace.stacks.length]);
      return { kind: "checked", checked: 0, findings: [] };
    });
    runPolicy(workspace("dev-app"), [DEV, PROD], { rules: [record], now });
    expect(seen).toEqual([["dev-app", "dev", ["dev", "prod"], "prod", now, 1]]);
  });

  it("judges against the current day by default", () => {
    let now: Date | undefined;
    runPolicy(workspace("dev-app"), [DEV], { rules: [rule((c) => ((now = c.now), { kind: "checked", checked: 0, findings: [] }))] });
    expect(Math.abs((now?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });
});

describe("violations", () => {
  it("carry the rule's id, severity, title, controls and the stack, environment, resource, path and message", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B", "bucket b allows ACLs"))] });
    const s36 = RULES.find((r) => r.id === "S3-6");
    expect(report.violations).toEqual([
      {
        rule: "S3-6",
        severity: "error",
        title: s36?.title,
        stack: "dev-app",
        environment: "dev",
        resource: "aws_s3_bucket.B",
        path: "Data/Bucket",
        message: "bucket b allows ACLs",
        fix: s36?.fix,
        controls: s36?.controls,
      },
    ]);
  });

  it("use the finding's own fix over the rule's", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B", "m", "do this"))] }).violations[0].fix).toBe("do this");
  });

  it("have no path when the resource is not in the stack (a provider, an output)", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("provider.aws"))] }).violations[0].path).toBeUndefined();
  });

  it("report a finding repeated for the same resource and message once", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B"), finding("aws_s3_bucket.B"))] });
    expect(report.violations.length).toBe(1);
  });

  it("keep two findings of one resource with different messages", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B", "one"), finding("aws_s3_bucket.B", "two"))] });
    expect(report.violations.map((v) => v.message)).toEqual(["one", "two"]);
  });

  it("keep the same message for two resources", () => {
    const report = runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("aws_s3_bucket.B"), finding("aws_s3_bucket.C"))] });
    expect(report.violations.map((v) => v.resource)).toEqual(["aws_s3_bucket.B", "aws_s3_bucket.C"]);
  });
});

describe("suppressions", () => {
  const suppression = { rule: "S3-6" as const, resource: "aws_s3_bucket.B", reason: REASON };

  it("apply to the stack of the kind they name", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, stack: "app" })], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.suppressed.length).toBe(1);
  });

  it("apply only to violations of the rule they name", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, rule: "S3-1" })], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.violations.map((v) => v.rule)).toEqual(["S3-6"]);
  });

  it("apply only to the resource they name", () => {
    const report = runPolicy(workspace("dev-app"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.C"))] });
    expect(report.suppressed).toEqual([]);
  });

  it("do not match a resource by path when the violation has none", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, resource: "provider.aws" })], { rules: [finds(finding("output.x"))] });
    expect(report.suppressed).toEqual([]);
  });

  it("belong to their environment only: dev's suppression leaves prod's violation", () => {
    const report = runPolicy(workspace("prod-app"), [devWith(suppression), PROD], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.violations.map((v) => v.stack)).toEqual(["prod-app"]);
  });

  it("do not apply in a stack of no environment", () => {
    const report = runPolicy(workspace("state-bootstrap"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.violations.length).toBe(1);
  });

  it("count each violation they hide", () => {
    const report = runPolicy(workspace("dev-app", "dev-data"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.suppressions.map((s) => s.matched)).toEqual([2]);
  });

  it("count the violations hidden in a stack's rule result, not as violations", () => {
    const report = runPolicy(workspace("dev-app"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.B"), finding("aws_s3_bucket.C"))] });
    expect(report.stacks[0].results[0]).toMatchObject({ status: "failed", violations: 1, suppressed: 1 });
  });

  it("leave a rule passed when they hide all its violations", () => {
    const report = runPolicy(workspace("dev-app"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.stacks[0].results[0].status).toBe("passed");
  });

  it("name the first suppression that matches, by index", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, resource: "aws_s3_bucket.X" }, suppression, suppression)], {
      rules: [finds(finding("aws_s3_bucket.B"))],
    });
    expect(report.suppressed.map((s) => s.suppressedBy)).toEqual(["environments/dev.ts: policySuppressions[1]"]);
  });

  it("are listed only for the environments that have stacks in the run", () => {
    const report = runPolicy(workspace("prod-app"), [devWith(suppression), { ...PROD, policySuppressions: [suppression] }], { rules: [finds()] });
    expect(report.suppressions.map((s) => s.environment)).toEqual(["prod"]);
  });

  it("are listed with the stack they are scoped to", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, stack: "app" })], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.suppressions[0].stack).toBe("app");
  });

  it("that match nothing are a warning naming their stack when scoped to one", () => {
    const report = runPolicy(workspace("dev-app"), [devWith({ ...suppression, stack: "distribution" })], { rules: [finds()] });
    expect(report.violations.map((v) => [v.rule, v.severity, v.stack, v.environment, v.message, v.controls])).toEqual([
      ["POL-1", "warning", null, "dev", "suppresses S3-6 on aws_s3_bucket.B in the distribution stack, but no such violation exists", {}],
    ]);
  });

  it("that match nothing say how to fix that", () => {
    const report = runPolicy(workspace("dev-app"), [devWith(suppression)], { rules: [finds()] });
    expect(report.violations[0]).toMatchObject({
      title: "Every policy suppression matches a violation",
      fix: "Remove the suppression, or correct its resource (use the Terraform address or construct path the report prints).",
    });
  });

  it("that matched do not warn", () => {
    const report = runPolicy(workspace("dev-app"), [devWith(suppression)], { rules: [finds(finding("aws_s3_bucket.B"))] });
    expect(report.violations).toEqual([]);
  });
});

describe("the summary and the verdict", () => {
  it("counts stacks, errors, warnings and suppressed violations", () => {
    const report = runPolicy(workspace("dev-app", "dev-data"), [devWith({ rule: "S3-6", resource: "aws_s3_bucket.C", reason: REASON })], {
      rules: [finds(finding("aws_s3_bucket.B"), finding("aws_s3_bucket.C")), rule(() => ({ kind: "checked", checked: 1, findings: [finding("aws_s3_bucket.B")] }), "S3-1", "warning")],
    });
    expect(report.summary).toEqual({ stacks: 2, errors: 2, warnings: 2, suppressed: 2, skipped: 0 });
  });

  it("passes a run whose violations are all warnings", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [rule(() => ({ kind: "checked", checked: 1, findings: [finding("x")] }), "S3-6", "warning")] }).ok).toBe(true);
  });

  it("fails a run with one error", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds(finding("x"))] }).ok).toBe(false);
  });

  it("passes a run whose only error is suppressed", () => {
    expect(runPolicy(workspace("dev-app"), [devWith({ rule: "S3-6", resource: "x", reason: REASON })], { rules: [finds(finding("x"))] }).ok).toBe(true);
  });

  it("lists each rule that ran with its id, severity, title, controls and fix", () => {
    const s36 = RULES.find((r) => r.id === "S3-6");
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds()] }).rules).toEqual([
      { id: "S3-6", severity: "error", title: s36?.title, controls: s36?.controls, fix: s36?.fix },
    ]);
  });

  it("names the synthesis directories of the stacks, each once", () => {
    const ws = new Workspace([stack("dev-app", "a"), stack("dev-data", "a"), stack("state-x", "b")]);
    expect(runPolicy(ws, [DEV], { rules: [finds()] }).dirs).toEqual(["a", "b"]);
  });

  it("names the directories it is given instead, when given", () => {
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds()], dirs: ["given"] }).dirs).toEqual(["given"]);
  });

  it("runs every rule when none are given", () => {
    expect(runPolicy(workspace("dev-app"), [DEV]).rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  });

  it("counts the checkov checks of the rules that ran", () => {
    const s36 = RULES.find((r) => r.id === "S3-6");
    expect(runPolicy(workspace("dev-app"), [DEV], { rules: [finds()] }).coverage.checkov.counts.covered).toBe(s36?.controls.checkov?.length);
  });
});
