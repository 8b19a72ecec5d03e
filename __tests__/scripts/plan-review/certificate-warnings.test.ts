/**
 * A plan that deletes an ACM certificate is a warning, never a block: a change of domain
 * names replaces the certificate in the distribution stack, where CloudFront moves first.
 */
import { renderJson } from "../../../scripts/plan-review/render-json";
import { renderMarkdown } from "../../../scripts/plan-review/render-markdown";
import { renderText } from "../../../scripts/plan-review/render-text";
import { DEFAULT_PROTECTED_TYPES } from "../../../scripts/plan-review/summarize";
import { rc, reviewOf } from "./helpers";

const CERTIFICATE = "aws_acm_certificate.SiteCertificate_C82F51C0";
/** What a domain change in prod plans in prod-distribution. */
const domainChange = {
  resource_changes: [
    rc(CERTIFICATE, ["create", "delete"], { action_reason: "replace_because_cannot_update" }),
    rc("aws_cloudfront_distribution.Cdn_Distribution_FF4F7041", ["update"]),
  ],
};
const certificateOnly = { resource_changes: [rc(CERTIFICATE, ["delete"])] };

describe("certificate deletions in plan review", () => {
  it("are not a protected type by default", () => {
    expect(DEFAULT_PROTECTED_TYPES).not.toContain("aws_acm_certificate");
  });

  it("do not block a domain change in a protected environment", () => {
    expect(reviewOf({ "prod-distribution": domainChange }).exitCode).toBe(0);
  });

  it("are listed as a warning naming stack and address", () => {
    expect(reviewOf({ "prod-distribution": domainChange }).warnings.map((w) => [w.stackId, w.change.address])).toEqual([
      ["prod-distribution", CERTIFICATE],
    ]);
  });

  it("say that CloudFront moves first when the same stack updates it and the replace is create-before-destroy", () => {
    expect(reviewOf({ "prod-distribution": domainChange }).warnings[0].message).toMatch(
      /^replaced create-before-destroy while CloudFront in this stack is updated: Terraform moves CloudFront to the new certificate, then deletes this one\./,
    );
  });

  it("ask for a check when no CloudFront update in the same stack goes with the delete", () => {
    expect(reviewOf({ "prod-dns": certificateOnly }).warnings[0].message).toMatch(
      /^deleted without a CloudFront update in the same stack: .*ResourceInUseException.* Check first that nothing uses it\.$/,
    );
  });

  it("also warn where the environment is not protected", () => {
    expect(reviewOf({ "dev-distribution": certificateOnly }).warnings).toHaveLength(1);
  });

  it("leave a created certificate alone", () => {
    expect(reviewOf({ "dev-distribution": { resource_changes: [rc(CERTIFICATE, ["create"])] } }).warnings).toEqual([]);
  });

  it("appear in the markdown under their own heading, with the replace order", () => {
    const markdown = renderMarkdown(reviewOf({ "prod-distribution": domainChange }), { maxChars: Infinity }).markdown;
    expect(markdown).toContain(`### Certificate deletions (1)\n\nWarnings only: they do not change the exit code.\n\n| env | stack | address | action | warning |\n|---|---|---|---|---|\n| prod | distribution | \`${CERTIFICATE}\` | replace (create, then delete) | replaced create-before-destroy`);
  });

  it("are not repeated among the other replacements", () => {
    const markdown = renderMarkdown(reviewOf({ "prod-distribution": domainChange }), { maxChars: Infinity }).markdown;
    expect(markdown).not.toContain("### Other replacements");
  });

  it("appear in the text report", () => {
    expect(renderText(reviewOf({ "prod-distribution": domainChange }))).toContain("CERTIFICATE DELETIONS (1)");
  });

  it("appear in the JSON report with their message", () => {
    const report = JSON.parse(renderJson(reviewOf({ "prod-distribution": domainChange })));
    expect(report.warnings).toEqual([
      {
        stack: "prod-distribution",
        env: "prod",
        address: CERTIFICATE,
        type: "aws_acm_certificate",
        action: "replace",
        replaceOrder: "create-then-delete",
        message: expect.stringContaining("Terraform moves CloudFront to the new certificate"),
      },
    ]);
  });
});
