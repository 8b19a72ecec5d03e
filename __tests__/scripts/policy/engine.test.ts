import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { validateEnvironments } from "../../../environments";
import devData from "../../../environments/dev";
import type { EnvironmentConfig } from "../../../environments/schema";
import { POLICY_RULE_IDS } from "../../../lib/policy-rule-ids";
import { runPolicy } from "../../../scripts/policy/engine";
import { renderText } from "../../../scripts/policy/render-text";
import { RULES } from "../../../scripts/policy/rules";
import { StateBootstrapStack, stateBucketGroups } from "../../../stacks/state-bootstrap-stack";
import { createEnvironmentStacks } from "../../../stacks/environment-stacks";
import { ENVIRONMENTS, sharedWorkspace, synthStack } from "./support";
import { testAppStackOptions } from "../../support/synth";

function devWith(policySuppressions: unknown[]): EnvironmentConfig[] {
  return validateEnvironments([{ file: "environments/dev.ts", data: { ...devData, policySuppressions } }]);
}

const ACL_RULE = RULES.filter((r) => r.id === "S3-6");
const REASON = "Legacy log bucket written by ELB, which needs ACLs until migration";
/** dev-app with one bucket that violates S3-6 and S3-1 (among others). */
const bareBucket = synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "legacy-logs" }), "dev-app");

describe("the shipped configuration", () => {
  const workspace = sharedWorkspace("the shipped configuration", (app) => {
    for (const env of ENVIRONMENTS) createEnvironmentStacks(app, env, testAppStackOptions());
    for (const group of stateBucketGroups(ENVIRONMENTS)) new StateBootstrapStack(app, `state-${group.bucket}`, group);
  });

  it("synthesizes the nine environment stacks and the bootstrap stacks", () => {
    expect(runPolicy(workspace(), ENVIRONMENTS).stacks.map((s) => s.id)).toEqual(expect.arrayContaining(["dev-app", "staging-distribution", "prod-dns", "state-acme-web-tfstate-333333333333"]));
  });

  it("passes every rule with no violation", () => {
    expect(runPolicy(workspace(), ENVIRONMENTS).violations).toEqual([]);
  });
});

describe("suppressions", () => {
  const suppression = { rule: "S3-6", resource: "aws_s3_bucket.Bucket", reason: REASON };

  it("moves a matching violation to the suppressed list, with its reason", () => {
    const report = runPolicy(bareBucket, devWith([suppression]), { rules: ACL_RULE });
    expect(report.suppressed.map((v) => [v.rule, v.stack, v.resource, v.reason, v.suppressedBy])).toEqual([
      ["S3-6", "dev-app", "aws_s3_bucket.Bucket", REASON, "environments/dev.ts: policySuppressions[0]"],
    ]);
  });

  it("leaves no violation behind for the suppressed resource", () => {
    expect(runPolicy(bareBucket, devWith([suppression]), { rules: ACL_RULE }).violations).toEqual([]);
  });

  it("lists every suppression with how often it matched", () => {
    const report = runPolicy(bareBucket, devWith([suppression]), { rules: ACL_RULE });
    expect(report.suppressions).toEqual([
      { environment: "dev", source: "environments/dev.ts: policySuppressions[0]", rule: "S3-6", resource: "aws_s3_bucket.Bucket", reason: REASON, matched: 1 },
    ]);
  });

  it("matches a resource by its construct path too", () => {
    const report = runPolicy(bareBucket, devWith([{ ...suppression, resource: "Bucket" }]), { rules: ACL_RULE });
    expect(report.suppressed.length).toBe(1);
  });

  it("does not apply a suppression scoped to another stack of the environment", () => {
    const report = runPolicy(bareBucket, devWith([{ ...suppression, stack: "distribution" }]), { rules: ACL_RULE });
    expect(report.violations.map((v) => v.rule)).toEqual(["S3-6", "POL-1"]);
  });

  it("warns about a suppression that matches nothing", () => {
    const report = runPolicy(bareBucket, devWith([{ ...suppression, resource: "aws_s3_bucket.Gone" }]), { rules: ACL_RULE });
    expect(report.violations.filter((v) => v.rule === "POL-1").map((v) => [v.severity, v.resource, v.message])).toEqual([
      ["warning", "environments/dev.ts: policySuppressions[0]", "suppresses S3-6 on aws_s3_bucket.Gone, but no such violation exists"],
    ]);
  });

  it("makes a suppression without a reason a config error", () => {
    const { reason: _reason, ...withoutReason } = suppression;
    expect(() => devWith([withoutReason])).toThrow("environments/dev.ts: policySuppressions[0].reason: is required (expected string) (got nothing)");
  });

  it("does not call a suppression unused when its rule did not run", () => {
    const report = runPolicy(bareBucket, devWith([{ ...suppression, rule: "S3-1" }]), { rules: ACL_RULE });
    expect(report.violations.map((v) => v.rule)).toEqual(["S3-6"]);
  });

  it("makes a suppression naming a rule that does not exist a config error", () => {
    expect(() => devWith([{ ...suppression, rule: "S3-99" }])).toThrow(
      `environments/dev.ts: policySuppressions[0].rule: must be the id of a policy rule: one of ${POLICY_RULE_IDS.join(", ")} (docs/policy.md lists them) (got "S3-99")`,
    );
  });

  it("accepts a suppression of every rule the engine runs", () => {
    expect(devWith(RULES.map((r) => ({ ...suppression, rule: r.id })))[0].policySuppressions.map((s) => s.rule)).toEqual(RULES.map((r) => r.id));
  });

  it("validates rule ids against lib/policy-rule-ids.ts, which lists exactly the engine's rules", () => {
    expect([...POLICY_RULE_IDS]).toEqual(RULES.map((r) => r.id));
  });

  it("makes a blank reason a config error", () => {
    expect(() => devWith([{ ...suppression, reason: "   " }])).toThrow(
      "environments/dev.ts: policySuppressions[0].reason: must explain why the rule does not apply (at least 10 characters)",
    );
  });
});

describe("the verdict", () => {
  it("passes a run whose only violations are warnings", () => {
    const asWarning = ACL_RULE.map((rule) => ({ ...rule, severity: "warning" as const }));
    expect(runPolicy(bareBucket, ENVIRONMENTS, { rules: asWarning }).ok).toBe(true);
  });

  it("fails a run with an error-level violation", () => {
    expect(runPolicy(bareBucket, ENVIRONMENTS, { rules: RULES.filter((r) => r.id === "S3-1") }).ok).toBe(false);
  });
});

describe("the JSON report's checkov coverage", () => {
  it("names each rule's checkov ids", () => {
    expect(runPolicy(bareBucket, ENVIRONMENTS).rules.find((r) => r.id === "KMS-1")?.controls.checkov).toEqual(["CKV_AWS_7", "CKV_AWS_227", "CKV2_AWS_64"]);
  });

  it("counts the checkov checks the rules enforce and those waived", () => {
    expect(runPolicy(bareBucket, ENVIRONMENTS).coverage.checkov.counts).toEqual({ covered: 73, waived: 22 });
  });
});

describe("the human report", () => {
  const text = () => renderText(runPolicy(bareBucket, ENVIRONMENTS, { rules: RULES.filter((r) => r.id === "S3-1") }));

  it("shows each violation with severity, rule, stack, resource, problem and fix", () => {
    expect(text()).toContain(
      [
        "  ERROR    S3-1  dev-app  aws_s3_bucket.Bucket (Bucket)",
        "           bucket legacy-logs has no aws_s3_bucket_public_access_block",
        "           fix: Create the bucket with modules/private-bucket.ts",
      ].join("\n"),
    );
  });

  it("ends with the verdict and the counts", () => {
    expect(text().split("\n").pop()).toBe("FAILED: 1 error, 0 warnings, 0 suppressed, 0 skipped");
  });
});
