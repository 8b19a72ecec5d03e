/**
 * A change of domain names is one normal `cdktf deploy '<env>-*'`: the stacks before and
 * after adding a name to prod, compared the way Terraform will plan them.
 *
 * ACM cannot change a certificate's names, so the certificate is replaced. With
 * create_before_destroy and CloudFront depending on the certificate in the same state,
 * Terraform creates the new certificate, updates CloudFront, then destroys the old one
 * ("Create Before Destroy" in terraform/docs/destroying.md). The old layout, a certificates
 * stack applied before the distribution stack, destroyed the old certificate while CloudFront
 * still used it, and the apply failed after 20 minutes of ResourceInUseException.
 */
import { findEnvironment, loadEnvironments } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { resourcesOfType, synthesizeApp, type StackJson } from "../support/synth";

const prod = findEnvironment("prod", loadEnvironments());
const withShop: EnvironmentConfig = { ...prod, dns: { ...prod.dns, domainNames: [...prod.dns.domainNames, "shop.example.com"] } };

const before = synthesizeApp([prod]).stacks;
const after = synthesizeApp([withShop]).stacks;

/** Every aws_acm_certificate as `<stack>/<address>`. */
function certificateAddresses(stacks: Record<string, StackJson>): string[] {
  return Object.entries(stacks).flatMap(([id, stack]) =>
    Object.keys(stack.resource?.aws_acm_certificate ?? {}).map((name) => `${id}/aws_acm_certificate.${name}`),
  );
}

const certificate = (stacks: Record<string, StackJson>) => resourcesOfType(stacks["prod-distribution"], "aws_acm_certificate")[0];
const distribution = (stacks: Record<string, StackJson>) => resourcesOfType(stacks["prod-distribution"], "aws_cloudfront_distribution")[0];

describe("adding a domain name to prod", () => {
  it("changes the certificate's names, which replaces it", () => {
    expect([certificate(before).subject_alternative_names, certificate(after).subject_alternative_names]).toEqual([
      ["www.example.com"],
      ["www.example.com", "shop.example.com"],
    ]);
  });

  it("keeps the certificate at the same address, so the plan replaces it rather than deleting one and creating another", () => {
    expect(certificateAddresses(after)).toEqual(certificateAddresses(before));
  });

  it("keeps the only certificate in the stack that holds CloudFront, so one apply moves both", () => {
    expect(certificateAddresses(after)).toEqual([expect.stringMatching(/^prod-distribution\/aws_acm_certificate\./)]);
  });

  it("creates the new certificate before destroying the old one", () => {
    expect(certificate(after).lifecycle).toEqual({ create_before_destroy: true });
  });

  it("has CloudFront depend on the certificate, so the old one is destroyed only after CloudFront uses the new one", () => {
    const address = certificateAddresses(after)[0].split("/")[1];
    expect(distribution(after).depends_on).toContain(address);
  });

  it("has CloudFront take the certificate from its validation, so it never serves a pending certificate", () => {
    expect(distribution(after).viewer_certificate.acm_certificate_arn).toMatch(/^\$\{aws_acm_certificate_validation\.[^.]+\.certificate_arn\}$/);
  });

  it("adds the name to CloudFront in the same stack", () => {
    expect(distribution(after).aliases).toEqual(["example.com", "www.example.com", "shop.example.com"]);
  });

  it("leaves the dns and app stacks unchanged", () => {
    expect([after["prod-dns"], after["prod-app"]].map((s) => JSON.stringify(s))).toEqual(
      [before["prod-dns"], before["prod-app"]].map((s) => JSON.stringify(s)),
    );
  });
});
