import type { TerraformStack } from "cdktf";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../../../lib/naming";
import { DnsValidatedCertificate } from "../../../modules/dns-validated-certificate";
import { createEnvironmentStacks } from "../../../stacks/environment-stacks";
import { testAppStackOptions } from "../../support/synth";
import { awsStack, DEV, ssrDistribution as cdn, synth, synthStack, violations } from "./support";

const DISTRIBUTION = "aws_cloudfront_distribution.Cdn_Distribution_FF4F7041";
const HEADERS_POLICY = "aws_cloudfront_response_headers_policy.Cdn_SecurityHeaders_C2E716FC";

const httpsOrigin = { http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] };

/** SsrDistribution plus one more origin (snake_case JSON; cdktf appends overridden list items). */
function withExtraOrigin(origin: Record<string, unknown>) {
  return (stack: TerraformStack) => cdn(stack).distribution.addOverride("origin", [origin]);
}

describe("CF-1 viewers use HTTPS", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-1")).toEqual([]);
  });

  it("flags a behaviour that allows plain HTTP", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride("default_cache_behavior.viewer_protocol_policy", "allow-all"));
    expect(violations(workspace, "CF-1")).toEqual([[DISTRIBUTION, 'default behaviour has viewer_protocol_policy "allow-all", which serves plain HTTP']]);
  });
});

describe("CF-2 minimum viewer TLS", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-2")).toEqual([]);
  });

  it("flags an older security policy", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride("viewer_certificate.minimum_protocol_version", "TLSv1.1_2016"));
    expect(violations(workspace, "CF-2")).toEqual([
      [DISTRIBUTION, 'viewer_certificate.minimum_protocol_version is "TLSv1.1_2016" (expected TLSv1.2_2021 or TLSv1.2_2025 or TLSv1.3_2025)'],
    ]);
  });
});

describe("CF-3 security response headers", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-3")).toEqual([]);
  });

  it("flags an HSTS max-age below a year", () => {
    const workspace = synthStack((s) =>
      cdn(s).responseHeadersPolicy.addOverride("security_headers_config.strict_transport_security.access_control_max_age_sec", 300),
    );
    expect(violations(workspace, "CF-3")).toEqual([[HEADERS_POLICY, "sets HSTS max-age 300 (at least 31536000, one year)"]]);
  });

  it("flags HSTS without includeSubDomains", () => {
    const workspace = synthStack((s) =>
      cdn(s).responseHeadersPolicy.addOverride("security_headers_config.strict_transport_security.include_subdomains", false),
    );
    expect(violations(workspace, "CF-3")).toEqual([[HEADERS_POLICY, "sets HSTS without includeSubDomains, so a subdomain can still be reached over plain HTTP"]]);
  });

  it("flags a policy without X-Frame-Options", () => {
    const workspace = synthStack((s) => cdn(s).responseHeadersPolicy.addOverride("security_headers_config.frame_options", null));
    expect(violations(workspace, "CF-3")).toEqual([[HEADERS_POLICY, "sets no X-Frame-Options header"]]);
  });

  it("flags a behaviour without a response headers policy", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride("default_cache_behavior.response_headers_policy_id", ""));
    expect(violations(workspace, "CF-3")).toEqual([[DISTRIBUTION, "default behaviour has no response headers policy, so no HSTS or nosniff header is added"]]);
  });
});

describe("CF-4 origin access control", () => {
  it("passes SsrDistribution (S3 and Lambda URL origins behind OAC)", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-4")).toEqual([]);
  });

  it("flags an S3 origin with a legacy origin access identity", () => {
    const workspace = synthStack(
      withExtraOrigin({
        origin_id: "legacy-assets",
        domain_name: "acme-assets.s3.eu-west-1.amazonaws.com",
        s3_origin_config: { origin_access_identity: "origin-access-identity/cloudfront/E2ABC" },
      }),
    );
    expect(violations(workspace, "CF-4")).toEqual([[DISTRIBUTION, 'origin "legacy-assets" uses a legacy origin access identity ("origin-access-identity/cloudfront/E2ABC")']]);
  });

  it("flags a Lambda function URL origin without OAC", () => {
    const workspace = synthStack(withExtraOrigin({ origin_id: "ssr-unsigned", domain_name: "def.lambda-url.eu-west-1.on.aws", custom_origin_config: httpsOrigin }));
    expect(violations(workspace, "CF-4")).toEqual([
      [DISTRIBUTION, 'origin "ssr-unsigned" has no origin_access_control_id, so the function URL would have to accept unsigned requests'],
    ]);
  });
});

describe("CF-5 HTTPS to custom origins", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-5")).toEqual([]);
  });

  it("flags plain HTTP and old TLS towards an origin", () => {
    const workspace = synthStack(
      withExtraOrigin({
        origin_id: "legacy-api",
        domain_name: "legacy.example.com",
        custom_origin_config: { ...httpsOrigin, origin_protocol_policy: "match-viewer", origin_ssl_protocols: ["TLSv1", "TLSv1.2"] },
      }),
    );
    expect(violations(workspace, "CF-5")).toEqual([
      [DISTRIBUTION, 'origin "legacy-api": origin_protocol_policy is "match-viewer"'],
      [DISTRIBUTION, 'origin "legacy-api": origin_ssl_protocols allows TLSv1'],
    ]);
  });
});

describe("CF-6 certificate from us-east-1", () => {
  /** A stack in `region` whose certificate the edge stack uses through remote state. */
  function certificateFrom(region: string) {
    return synth((app) => {
      const certificates = awsStack(app, "dev-certificates", { region });
      const certificate = new DnsValidatedCertificate(certificates, "SiteCertificate", { domainNames: ["dev.example.com"], hostedZoneId: "Z123" });
      cdn(awsStack(app, "dev-edge"), certificate.certificateArn);
    });
  }

  it("passes a certificate created by a us-east-1 stack", () => {
    expect(violations(certificateFrom("us-east-1"), "CF-6")).toEqual([]);
  });

  it("passes the certificate of the real DistributionStack (its us-east-1 provider uses lib/naming's CLOUDFRONT_CERTIFICATE_REGION)", () => {
    const workspace = synth((app) => createEnvironmentStacks(app, DEV, testAppStackOptions()));
    expect(violations(workspace, "CF-6")).toEqual([]);
  });

  it("flags a certificate from any region but CLOUDFRONT_CERTIFICATE_REGION", () => {
    const workspace = synthStack((s) => cdn(s, "arn:aws:acm:us-west-2:111111111111:certificate/abc"));
    expect(violations(workspace, "CF-6").map(([, message]) => message)).toEqual([
      `acm_certificate_arn "arn:aws:acm:us-west-2:111111111111:certificate/abc" is not an ACM certificate in ${CLOUDFRONT_CERTIFICATE_REGION}`,
    ]);
  });

  it("flags a certificate created in the app region, following the remote state", () => {
    expect(violations(certificateFrom("eu-west-1"), "CF-6")).toEqual([
      [
        DISTRIBUTION,
        "the certificate aws_acm_certificate_validation.SiteCertificate_Validation_0DF9809D in dev-certificates is created in eu-west-1, not us-east-1",
      ],
    ]);
  });

  it("flags a literal certificate ARN from another region", () => {
    const workspace = synthStack((s) => cdn(s, "arn:aws:acm:eu-west-1:111111111111:certificate/abc"));
    expect(violations(workspace, "CF-6")).toEqual([
      [DISTRIBUTION, 'acm_certificate_arn "arn:aws:acm:eu-west-1:111111111111:certificate/abc" is not an ACM certificate in us-east-1'],
    ]);
  });
});

describe("CF-6 a distribution without an ACM certificate", () => {
  it("flags the default *.cloudfront.net certificate", () => {
    const workspace = synthStack((s) => {
      const { distribution } = cdn(s);
      distribution.addOverride("viewer_certificate.acm_certificate_arn", null);
      distribution.addOverride("viewer_certificate.cloudfront_default_certificate", true);
    });
    expect(violations(workspace, "CF-6")).toEqual([
      [DISTRIBUTION, "has no viewer_certificate.acm_certificate_arn (the default *.cloudfront.net or an IAM certificate)"],
    ]);
  });
});

describe("CF-7 distributions enabled", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "CF-7")).toEqual([]);
  });

  it("flags a disabled distribution", () => {
    expect(violations(synthStack((s) => cdn(s).distribution.addOverride("enabled", false)), "CF-7")).toEqual([
      [DISTRIBUTION, "enabled is false: the site's domain serves nothing"],
    ]);
  });
});
