import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { Testing } from "cdktf";
import { findEnvironment, loadEnvironments } from "../../environments";
import { CertificatesStack } from "../../stacks/certificates-stack";
import { onlyResource, type StackJson } from "../support/synth";

Testing.setupJest();

const prodEnv = findEnvironment("prod", loadEnvironments());
const text = Testing.synth(new CertificatesStack(Testing.app({ stackTraces: false }), prodEnv));
const json = JSON.parse(text) as StackJson;

describe("CertificatesStack", () => {
  it("issues the certificate in us-east-1, where CloudFront reads certificates", () => {
    expect(json.provider.aws.map((p: StackJson) => p.region)).toEqual(["us-east-1"]);
  });

  it("covers every domain name, the first as primary", () => {
    expect(text).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: "example.com",
      subject_alternative_names: ["www.example.com"],
      validation_method: "DNS",
    });
  });

  it("replaces the certificate before destroying the old one", () => {
    expect(onlyResource(json, "aws_acm_certificate").lifecycle).toEqual({ create_before_destroy: true });
  });

  it("writes one validation record per domain into the hosted zone", () => {
    expect(onlyResource(json, "aws_route53_record").zone_id).toBe("${data.aws_route53_zone.HostedZone.zone_id}");
  });

  it("keys validation records by domain name, which Terraform knows at plan time", () => {
    // Not tolist(...): a list made from the set has unknown order, so its keys would be
    // unknown until apply and the plan fails with more than one domain name.
    expect(onlyResource(json, "aws_route53_record").for_each).toBe(
      "${{ for option in aws_acm_certificate.SiteCertificate_C82F51C0.domain_validation_options : option.domain_name => option }}",
    );
  });

  it("waits for validation before exposing the certificate ARN", () => {
    expect(onlyResource(json, "aws_acm_certificate_validation").validation_record_fqdns).toEqual(
      expect.stringContaining("aws_route53_record.SiteCertificate_ValidationRecord_AD212B39"),
    );
  });

  it("looks up the public hosted zone by name", () => {
    expect(json.data.aws_route53_zone.HostedZone).toMatchObject({ name: "example.com", private_zone: false });
  });
});
