import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DnsValidatedCertificate } from "../../../modules/dns-validated-certificate";
import { ssrDistribution, status, synthStack, violations } from "./support";

describe("ACM-1 certificate transparency and replacement order", () => {
  it("passes DnsValidatedCertificate", () => {
    expect(violations(synthStack((s) => new DnsValidatedCertificate(s, "Cert", { domainNames: ["dev.example.com"], hostedZoneId: "Z1" })), "ACM-1")).toEqual([]);
  });

  it("flags transparency logging turned off and destroy-before-create (CKV_AWS_234, CKV_AWS_233)", () => {
    const workspace = synthStack(
      (s) => new AcmCertificate(s, "Cert", { domainName: "dev.example.com", validationMethod: "DNS", options: { certificateTransparencyLoggingPreference: "DISABLED" } }),
    );
    expect(violations(workspace, "ACM-1").map(([, message]) => message)).toEqual([
      "options.certificate_transparency_logging_preference is DISABLED: browsers such as Chrome and Safari refuse the certificate",
      "lifecycle.create_before_destroy is not true, so a replacement deletes the certificate CloudFront serves before the new one exists",
    ]);
  });
});


describe("ACM-2 no wildcard certificates", () => {
  it("passes named domains", () => {
    expect(violations(synthStack((s) => new DnsValidatedCertificate(s, "Cert", { domainNames: ["example.com", "www.example.com"], hostedZoneId: "Z1" })), "ACM-2")).toEqual([]);
  });

  it("warns about a wildcard name (CKV2_AWS_71)", () => {
    const workspace = synthStack((s) => new DnsValidatedCertificate(s, "Cert", { domainNames: ["example.com", "*.example.com"], hostedZoneId: "Z1" }));
    expect(violations(workspace, "ACM-2")).toEqual([["aws_acm_certificate.Cert_Certificate_CA250F49", "covers the wildcard name *.example.com"]]);
  });
});


describe("DNS-1 address records alias a resource", () => {
  it("passes an alias of the distribution", () => {
    const workspace = synthStack((s) => {
      const { distribution } = ssrDistribution(s);
      new Route53Record(s, "Apex", { zoneId: "Z1", name: "dev.example.com", type: "A", alias: { name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false } });
    });
    expect(violations(workspace, "DNS-1")).toEqual([]);
  });

  it("flags a hard-coded address (CKV2_AWS_23)", () => {
    expect(violations(synthStack((s) => new Route53Record(s, "Apex", { zoneId: "Z1", name: "dev.example.com", type: "A", ttl: 60, records: ["192.0.2.10"] })), "DNS-1")).toEqual([
      ["aws_route53_record.Apex", 'A record "dev.example.com" lists addresses (["192.0.2.10"]) instead of aliasing a resource'],
    ]);
  });

  it("flags an alias to a literal host name", () => {
    const workspace = synthStack(
      (s) => new Route53Record(s, "Apex", { zoneId: "Z1", name: "dev.example.com", type: "AAAA", alias: { name: "d111111abcdef8.cloudfront.net", zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false } }),
    );
    expect(violations(workspace, "DNS-1")).toEqual([
      ["aws_route53_record.Apex", 'alias.name "d111111abcdef8.cloudfront.net" is not an attribute of a resource in the scanned stacks, so nothing stops it from dangling'],
    ]);
  });

  it("does not judge NS delegation records (only A and AAAA send visitors to an address)", () => {
    const workspace = synthStack(
      (s) => new Route53Record(s, "Delegation", { zoneId: "Z1", name: "dev.example.com", type: "NS", ttl: 172800, records: ["ns-1.awsdns-01.org"] }),
    );
    expect(status(workspace, "DNS-1")).toBe("not-applicable");
  });
});
