/**
 * The certificate and DNS rules' decisions (scripts/policy/rules/certificates.ts: ACM-1
 * transparency and replacement order, ACM-2 wildcards, DNS-1 address records), one at a time,
 * on hand-written Terraform JSON, without synthesizing anything. rules-certificates.test.ts runs
 * the same rules over stacks the real constructs synthesize.
 */
import { certificateLifecycle, certificateNoWildcard, dnsAliasToResource } from "../../../scripts/policy/rules/certificates";
import { decide, decideOn, findingsOf, stackOf } from "./decide";

describe("certificate and DNS rules on a stack without what they check", () => {
  it.each([
    { rule: certificateLifecycle, reason: "no ACM certificates in this stack" },
    { rule: certificateNoWildcard, reason: "no ACM certificates in this stack" },
    { rule: dnsAliasToResource, reason: "no A or AAAA records in this stack" },
  ])("$rule.id does not apply to a stack with only a bucket, and says why", ({ rule, reason }) => {
    expect(decideOn(rule, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({ kind: "not-applicable", reason });
  });
});

describe("ACM-2 no wildcard certificates", () => {
  it("names every wildcard of a certificate, from its domain name and its alternative names", () => {
    const certificate = { domain_name: "*.example.com", subject_alternative_names: ["www.example.org", "*.example.org"], validation_method: "DNS" };
    expect(findingsOf(decideOn(certificateNoWildcard, { aws_acm_certificate: { C: certificate } }))).toEqual([
      ["aws_acm_certificate.C", "covers the wildcard names *.example.com, *.example.org"],
    ]);
  });
});

describe("DNS-1 address records alias a resource", () => {
  it("flags an alias of a data source: the distribution it reads is not managed here and can go away", () => {
    const name = "${data.aws_cloudfront_distribution.Old.domain_name}";
    const stack = stackOf({
      data: { aws_cloudfront_distribution: { Old: { id: "E2OLD" } } },
      resource: { aws_route53_record: { Apex: { zone_id: "Z1", name: "dev.example.com", type: "A", alias: { name, zone_id: "Z2FDTNDATAQYW2", evaluate_target_health: false } } } },
    });
    expect(findingsOf(decide(dnsAliasToResource, stack))).toEqual([
      ["aws_route53_record.Apex", `alias.name "${name}" is not an attribute of a resource in the scanned stacks, so nothing stops it from dangling`],
    ]);
  });
});
