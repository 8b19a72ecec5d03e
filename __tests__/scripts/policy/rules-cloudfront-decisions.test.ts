/**
 * The CloudFront rules' decisions (scripts/policy/rules/cloudfront.ts: CF-1 viewer HTTPS, CF-2
 * viewer TLS, CF-3 security headers, CF-4 origin access control, CF-5 origin HTTPS, CF-6 the
 * certificate's region, CF-7 enabled) and how an origin's kind is read, one at a time, on
 * hand-written Terraform JSON: each test runs one rule's check over a stack of a few resources,
 * without synthesizing anything. rules-cloudfront.test.ts runs the same rules over stacks
 * SsrDistribution synthesizes.
 */
import {
  cloudFrontCertificateRegion,
  cloudFrontEnabled,
  cloudFrontMinimumTls,
  cloudFrontOriginAccessControl,
  cloudFrontOriginHttps,
  cloudFrontSecurityHeaders,
  cloudFrontViewerHttps,
  MANAGED_SECURITY_HEADERS_POLICY,
  originKind,
  targetKind,
} from "../../../scripts/policy/rules/cloudfront";
import type { Block } from "../../../scripts/policy/model";
import { Workspace } from "../../../scripts/policy/workspace";
import { decide, decideOn, findingsOf, stackOf } from "./decide";

const DISTRIBUTION = "aws_cloudfront_distribution.D";
const CERTIFICATE = "arn:aws:acm:us-east-1:111111111111:certificate/abc";
const HTTPS = "redirect-to-https";

/** A distribution `D` that every rule passes, with these top-level arguments replaced. */
function distribution(replace: object = {}): object {
  return {
    enabled: true,
    default_cache_behavior: { target_origin_id: "ssr", viewer_protocol_policy: HTTPS, response_headers_policy_id: MANAGED_SECURITY_HEADERS_POLICY },
    viewer_certificate: { acm_certificate_arn: CERTIFICATE, minimum_protocol_version: "TLSv1.2_2021", ssl_support_method: "sni-only" },
    ...replace,
  };
}

/** A stack's resources: distribution `D` (with these arguments replaced) and the others given. */
const withDistribution = (replace: object, others: object = {}) => ({ aws_cloudfront_distribution: { D: distribution(replace) }, ...others });

/** A behaviour that passes CF-1 and CF-3, with these arguments replaced. */
const behaviour = (replace: object = {}) => ({ viewer_protocol_policy: HTTPS, response_headers_policy_id: MANAGED_SECURITY_HEADERS_POLICY, ...replace });

/** Security headers that pass CF-3: HSTS a year with includeSubDomains, nosniff, SAMEORIGIN, none overridable. */
const STRONG_HEADERS = {
  strict_transport_security: { access_control_max_age_sec: 31_536_000, include_subdomains: true, override: true, preload: true },
  content_type_options: { override: true },
  frame_options: { frame_option: "SAMEORIGIN", override: true },
};

/** A response headers policy `H` whose security_headers_config is STRONG_HEADERS with `replace` merged in. */
const headersPolicy = (replace: object) => ({ aws_cloudfront_response_headers_policy: { H: { name: "h", security_headers_config: { ...STRONG_HEADERS, ...replace } } } });
const POLICY = "aws_cloudfront_response_headers_policy.H";

/** An origin access control `O` of this type and signing behaviour. */
const accessControl = (type: string, signing = "always") => ({
  aws_cloudfront_origin_access_control: { O: { name: "o", origin_access_control_origin_type: type, signing_behavior: signing, signing_protocol: "sigv4" } },
});

const httpsOrigin = { http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] };

/** The kind originKind gives an origin of a stack of these resources. */
function kindOf(origin: Block, resource: object = {}): string {
  const stack = stackOf({ resource });
  return originKind(new Workspace([stack]), stack, origin);
}

describe("CloudFront rules on a stack without what they check", () => {
  it.each([
    { rule: cloudFrontViewerHttps, reason: "no CloudFront distributions in this stack" },
    { rule: cloudFrontMinimumTls, reason: "no CloudFront distributions in this stack" },
    { rule: cloudFrontSecurityHeaders, reason: "no CloudFront distributions or response headers policies in this stack" },
    { rule: cloudFrontOriginAccessControl, reason: "no S3 or Lambda URL origins in this stack" },
    { rule: cloudFrontOriginHttps, reason: "no custom origins in this stack" },
    { rule: cloudFrontCertificateRegion, reason: "no CloudFront distributions in this stack" },
    { rule: cloudFrontEnabled, reason: "no CloudFront distributions in this stack" },
  ])("$rule.id does not apply to a stack with only a bucket, and says why", ({ rule, reason }) => {
    expect(decideOn(rule, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({ kind: "not-applicable", reason });
  });
});

describe("CF-1 viewer HTTPS", () => {
  it("flags an ordered cache behaviour that allows HTTP to the viewer, by its path pattern", () => {
    const resources = withDistribution({ ordered_cache_behavior: [behaviour({ path_pattern: "/api/*", viewer_protocol_policy: "allow-all" })] });
    expect(findingsOf(decideOn(cloudFrontViewerHttps, resources))).toEqual([[DISTRIBUTION, 'behaviour "/api/*" has viewer_protocol_policy "allow-all", which serves plain HTTP']]);
  });

  it("checks only the ordered behaviours of a distribution that has no default one", () => {
    const resources = withDistribution({ default_cache_behavior: undefined, ordered_cache_behavior: [behaviour({ path_pattern: "/_next/*" })] });
    expect(decideOn(cloudFrontViewerHttps, resources)).toEqual({ kind: "checked", checked: 1, findings: [] });
  });
});

describe("CF-2 viewer TLS", () => {
  it("flags the default *.cloudfront.net certificate even with a TLS 1.2 policy set (CloudFront keeps TLSv1 for it)", () => {
    const resources = withDistribution({ viewer_certificate: { cloudfront_default_certificate: true, minimum_protocol_version: "TLSv1.2_2021" } });
    expect(findingsOf(decideOn(cloudFrontMinimumTls, resources))).toEqual([[DISTRIBUTION, "uses the default *.cloudfront.net certificate, which allows TLS 1.0"]]);
  });
});

describe("CF-3 which response headers policy a behaviour uses", () => {
  it("flags a behaviour without response_headers_policy_id", () => {
    const resources = withDistribution({ default_cache_behavior: { viewer_protocol_policy: HTTPS } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([
      [DISTRIBUTION, "default behaviour has no response headers policy, so no HSTS or nosniff header is added"],
    ]);
  });

  it("passes the AWS-managed SecurityHeadersPolicy given by its id", () => {
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, withDistribution({})))).toEqual([]);
  });

  it("cannot check a policy given by another literal id, and says so", () => {
    const resources = withDistribution({ default_cache_behavior: behaviour({ response_headers_policy_id: "5cc3b908-e619-4b99-88e5-2cf7f45965bd" }) });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([
      [
        DISTRIBUTION,
        'default behaviour uses response headers policy "5cc3b908-e619-4b99-88e5-2cf7f45965bd", which cannot be checked here (define it in the stack or use the managed SecurityHeadersPolicy)',
      ],
    ]);
  });

  it("flags a policy id that refers to a resource of another type", () => {
    const id = "${aws_cloudfront_cache_policy.C.id}";
    const resources = withDistribution({ default_cache_behavior: behaviour({ response_headers_policy_id: id }) }, { aws_cloudfront_cache_policy: { C: { name: "c" } } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([
      [DISTRIBUTION, `default behaviour refers to "${id}", which is not an aws_cloudfront_response_headers_policy in the scanned stacks`],
    ]);
  });

  it("reports a weak policy of another stack on the behaviour that uses it", () => {
    const input = "cross-stack-reference-input-dev-headers";
    const edge = stackOf({
      data: { terraform_remote_state: { [input]: { backend: "local", config: { path: "dev-headers.tfstate" } } } },
      resource: withDistribution({ default_cache_behavior: behaviour({ response_headers_policy_id: `\${data.terraform_remote_state.${input}.outputs.policy_id}` }) }),
    });
    const headers = stackOf(
      {
        output: { policy_id: { value: `\${${POLICY}.id}` } },
        resource: headersPolicy({ strict_transport_security: { ...STRONG_HEADERS.strict_transport_security, override: false } }),
      },
      "dev-headers",
    );
    expect(findingsOf(decide(cloudFrontSecurityHeaders, edge, [headers]))).toEqual([
      [DISTRIBUTION, `default behaviour: dev-headers ${POLICY} lets the origin override HSTS (override is not true)`],
    ]);
  });
});

describe("CF-3 what a response headers policy sets", () => {
  it("passes HSTS of exactly one year", () => {
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, headersPolicy({})))).toEqual([]);
  });

  it("reads an HSTS max-age written as a numeric string as Terraform does, and judges the number", () => {
    const hsts = (age: string) => headersPolicy({ strict_transport_security: { ...STRONG_HEADERS.strict_transport_security, access_control_max_age_sec: age } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, hsts("31536000")))).toEqual([]);
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, hsts("86400")))).toEqual([[POLICY, 'sets HSTS max-age "86400" (at least 31536000, one year)']]);
  });

  it("flags a policy without security_headers_config: no HSTS, nosniff or X-Frame-Options", () => {
    const resources = { aws_cloudfront_response_headers_policy: { H: { name: "h" } } };
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([
      [POLICY, "sets no Strict-Transport-Security (HSTS) header"],
      [POLICY, "sets no X-Content-Type-Options: nosniff header"],
      [POLICY, "sets no X-Frame-Options header"],
    ]);
  });

  it("flags HSTS without a max-age", () => {
    const resources = headersPolicy({ strict_transport_security: { include_subdomains: true, override: true } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([[POLICY, "sets HSTS max-age unset (at least 31536000, one year)"]]);
  });

  it("flags HSTS the origin may override", () => {
    const resources = headersPolicy({ strict_transport_security: { ...STRONG_HEADERS.strict_transport_security, override: false } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([[POLICY, "lets the origin override HSTS (override is not true)"]]);
  });

  it("flags X-Content-Type-Options the origin may override", () => {
    const resources = headersPolicy({ content_type_options: { override: false } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([[POLICY, "lets the origin override X-Content-Type-Options (override is not true)"]]);
  });

  it("passes X-Frame-Options DENY", () => {
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, headersPolicy({ frame_options: { frame_option: "DENY", override: true } })))).toEqual([]);
  });

  it("flags X-Frame-Options other than DENY or SAMEORIGIN", () => {
    const resources = headersPolicy({ frame_options: { frame_option: "ALLOW-FROM https://example.com", override: true } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([[POLICY, 'sets X-Frame-Options "ALLOW-FROM https://example.com" (expected DENY or SAMEORIGIN)']]);
  });

  it("flags X-Frame-Options the origin may override", () => {
    const resources = headersPolicy({ frame_options: { frame_option: "DENY", override: false } });
    expect(findingsOf(decideOn(cloudFrontSecurityHeaders, resources))).toEqual([[POLICY, "lets the origin override X-Frame-Options (override is not true)"]]);
  });
});

describe("CF-4 origin access control", () => {
  /** CF-4's findings for a stack of distribution `D` with this one origin, and these other resources. */
  const findingsFor = (origin: object, others: object = {}) => findingsOf(decideOn(cloudFrontOriginAccessControl, withDistribution({ origin: [origin] }, others)));
  const bucketOrigin = (replace: object) => ({ origin_id: "assets", domain_name: "acme-assets.s3.eu-west-1.amazonaws.com", origin_access_control_id: "E2OAC", ...replace });
  const functionOrigin = (replace: object) => ({ origin_id: "ssr", domain_name: "abc.lambda-url.eu-west-1.on.aws", custom_origin_config: httpsOrigin, ...replace });

  it("flags an origin on an S3 website endpoint, which must be public", () => {
    const origin = { origin_id: "site", domain_name: "acme-site.s3-website-eu-west-1.amazonaws.com", custom_origin_config: { ...httpsOrigin, origin_protocol_policy: "http-only" } };
    expect(findingsFor(origin)).toEqual([
      [DISTRIBUTION, `origin "site" points at an S3 website endpoint, which must be public; use the bucket's regional domain name with OAC`],
    ]);
  });

  it("passes an S3 origin with OAC and the empty origin_access_identity AWS asks for with OAC", () => {
    expect(findingsFor(bucketOrigin({ s3_origin_config: { origin_access_identity: "" } }))).toEqual([]);
  });

  it("flags an S3 origin whose origin_access_control_id is empty: the bucket would take unsigned requests", () => {
    expect(findingsFor(bucketOrigin({ origin_access_control_id: "" }))).toEqual([
      [DISTRIBUTION, 'origin "assets" has no origin_access_control_id, so the bucket would have to accept unsigned requests'],
    ]);
  });

  it("passes an origin access control given by a literal id", () => {
    expect(findingsFor(bucketOrigin({}))).toEqual([]);
  });

  it("flags an origin_access_control_id that refers to a resource of another type", () => {
    const id = "${aws_cloudfront_origin_access_identity.I.id}";
    expect(findingsFor(bucketOrigin({ origin_access_control_id: id }), { aws_cloudfront_origin_access_identity: { I: { comment: "legacy" } } })).toEqual([
      [DISTRIBUTION, `origin "assets" has origin_access_control_id "${id}", which is not an aws_cloudfront_origin_access_control`],
    ]);
  });

  it("flags an origin access control made for S3 on a function URL origin", () => {
    const origin = functionOrigin({ origin_access_control_id: "${aws_cloudfront_origin_access_control.O.id}" });
    expect(findingsFor(origin, accessControl("s3"))).toEqual([
      [DISTRIBUTION, 'origin "ssr" uses aws_cloudfront_origin_access_control.O of type "s3" (expected "lambda")'],
    ]);
  });

  it("flags an origin access control that never signs requests", () => {
    const origin = functionOrigin({ origin_access_control_id: "${aws_cloudfront_origin_access_control.O.id}" });
    expect(findingsFor(origin, accessControl("lambda", "never"))).toEqual([[DISTRIBUTION, 'origin "ssr" uses aws_cloudfront_origin_access_control.O, which never signs requests']]);
  });

  it("flags a function URL origin whose domain comes from aws_lambda_function_url, without OAC", () => {
    const origin = functionOrigin({ domain_name: '${split("/", aws_lambda_function_url.U.function_url)[2]}' });
    expect(findingsFor(origin, { aws_lambda_function_url: { U: { function_name: "ssr", authorization_type: "AWS_IAM" } } })).toEqual([
      [DISTRIBUTION, 'origin "ssr" has no origin_access_control_id, so the function URL would have to accept unsigned requests'],
    ]);
  });

  it("does not apply to a distribution whose only origin is an HTTP API", () => {
    const resources = withDistribution({ origin: [{ origin_id: "api", domain_name: "abc.execute-api.eu-west-1.amazonaws.com", custom_origin_config: httpsOrigin }] });
    expect(decideOn(cloudFrontOriginAccessControl, resources)).toEqual({ kind: "not-applicable", reason: "no S3 or Lambda URL origins in this stack" });
  });
});

describe("how an origin's kind is read", () => {
  it.each([["acme.s3.amazonaws.com"], ["acme.s3.eu-west-1.amazonaws.com"], ["acme.s3-eu-west-1.amazonaws.com"]])("takes %s for a bucket", (domain) => {
    expect(kindOf({ domain_name: domain })).toBe("s3");
  });

  it.each([["acme.s3-website-eu-west-1.amazonaws.com"], ["acme.s3-website.eu-west-1.amazonaws.com"]])("takes %s for a website endpoint", (domain) => {
    expect(kindOf({ domain_name: domain })).toBe("s3-website");
  });

  it.each([["acme.s3.amazonaws.com.example.org"], ["abc.lambda-url.eu-west-1.on.aws.example.org"], ["abc.execute-api.eu-west-1.amazonaws.com.example.org"]])(
    "does not take %s, which only contains an AWS endpoint, for one",
    (domain) => {
      expect(kindOf({ domain_name: domain, custom_origin_config: httpsOrigin })).toBe("other");
    },
  );

  it("takes abc.execute-api.eu-west-1.amazonaws.com for an HTTP API", () => {
    expect(kindOf({ domain_name: "abc.execute-api.eu-west-1.amazonaws.com", custom_origin_config: httpsOrigin })).toBe("http-api");
  });

  it("takes the regional domain name of an aws_s3_bucket for a bucket", () => {
    expect(kindOf({ domain_name: "${aws_s3_bucket.B.bucket_regional_domain_name}" }, { aws_s3_bucket: { B: { bucket: "b" } } })).toBe("s3");
  });

  it("takes an origin with s3_origin_config for a bucket whatever its domain name", () => {
    expect(kindOf({ domain_name: "assets.example.com", s3_origin_config: { origin_access_identity: "" } })).toBe("s3");
  });

  it("takes the website_endpoint of an aws_s3_bucket for a website endpoint", () => {
    expect(kindOf({ domain_name: "${aws_s3_bucket.B.website_endpoint}" }, { aws_s3_bucket: { B: { bucket: "b" } } })).toBe("s3-website");
  });

  it("takes the endpoint of an aws_s3_bucket_website_configuration for a website endpoint", () => {
    const resources = { aws_s3_bucket_website_configuration: { W: { bucket: "b", index_document: { suffix: "index.html" } } } };
    expect(kindOf({ domain_name: "${aws_s3_bucket_website_configuration.W.website_endpoint}" }, resources)).toBe("s3-website");
  });

  it("takes a domain from an aws_lambda_function_url for a function URL", () => {
    const resources = { aws_lambda_function_url: { U: { function_name: "ssr", authorization_type: "AWS_IAM" } } };
    expect(kindOf({ domain_name: '${split("/", aws_lambda_function_url.U.function_url)[2]}' }, resources)).toBe("lambda-url");
  });

  it("takes a domain from an aws_apigatewayv2_api for an HTTP API", () => {
    expect(kindOf({ domain_name: '${replace(aws_apigatewayv2_api.A.api_endpoint, "https://", "")}' }, { aws_apigatewayv2_api: { A: { name: "a", protocol_type: "HTTP" } } })).toBe("http-api");
  });

  it("takes a domain from an aws_api_gateway_rest_api for an HTTP API", () => {
    expect(kindOf({ domain_name: "${aws_api_gateway_rest_api.R.id}.execute-api.eu-west-1.amazonaws.com" }, { aws_api_gateway_rest_api: { R: { name: "r" } } })).toBe("http-api");
  });

  it("takes a load balancer's DNS name for another kind of origin", () => {
    expect(kindOf({ domain_name: "${aws_lb.L.dns_name}", custom_origin_config: httpsOrigin }, { aws_lb: { L: { name: "l" } } })).toBe("other");
  });

  it("gives a behaviour the kind of the origin its target_origin_id names, not of the first origin", () => {
    const origins = [
      { origin_id: "assets", domain_name: "acme.s3.amazonaws.com" },
      { origin_id: "api", domain_name: "abc.execute-api.eu-west-1.amazonaws.com", custom_origin_config: httpsOrigin },
    ];
    const stack = stackOf({ resource: withDistribution({ origin: origins }) });
    const [cdn] = stack.resourcesOfType("aws_cloudfront_distribution");
    expect(targetKind(new Workspace([stack]), stack, cdn, { target_origin_id: "api" })).toBe("http-api");
    expect(targetKind(new Workspace([stack]), stack, cdn, { target_origin_id: "assets" })).toBe("s3");
  });

  it("takes a behaviour whose target_origin_id names no origin for another kind", () => {
    const stack = stackOf({ resource: withDistribution({ origin: [{ origin_id: "assets", domain_name: "acme.s3.amazonaws.com" }] }) });
    const [cdn] = stack.resourcesOfType("aws_cloudfront_distribution");
    expect(targetKind(new Workspace([stack]), stack, cdn, { target_origin_id: "gone" })).toBe("other");
  });
});

describe("CF-5 HTTPS to custom origins", () => {
  it("lists every weak TLS version an origin allows", () => {
    const origin = { origin_id: "api", domain_name: "api.example.com", custom_origin_config: { ...httpsOrigin, origin_ssl_protocols: ["TLSv1", "TLSv1.1", "TLSv1.2"] } };
    expect(findingsOf(decideOn(cloudFrontOriginHttps, withDistribution({ origin: [origin] })))).toEqual([[DISTRIBUTION, 'origin "api": origin_ssl_protocols allows TLSv1, TLSv1.1']]);
  });
});

describe("CF-6 where the certificate comes from", () => {
  /** CF-6's findings for distribution `D` serving this certificate ARN, in a stack of these other resources and providers. */
  function findingsFor(arn: unknown, resources: object = {}, provider: object = { aws: [{ region: "us-east-1" }] }) {
    const viewer_certificate = { acm_certificate_arn: arn, minimum_protocol_version: "TLSv1.2_2021", ssl_support_method: "sni-only" };
    return findingsOf(decide(cloudFrontCertificateRegion, stackOf({ provider, resource: withDistribution({ viewer_certificate }, resources) })));
  }
  const NO_CERTIFICATE = "has no viewer_certificate.acm_certificate_arn (the default *.cloudfront.net or an IAM certificate)";

  it("flags a distribution without a viewer_certificate block", () => {
    expect(findingsOf(decideOn(cloudFrontCertificateRegion, withDistribution({ viewer_certificate: undefined })))).toEqual([[DISTRIBUTION, NO_CERTIFICATE]]);
  });

  it("takes an empty acm_certificate_arn for no certificate", () => {
    expect(findingsFor("")).toEqual([[DISTRIBUTION, NO_CERTIFICATE]]);
  });

  it("passes a literal ACM certificate ARN in us-east-1", () => {
    expect(findingsFor(CERTIFICATE)).toEqual([]);
  });

  it("flags a literal ARN of an IAM server certificate, which is not an ACM certificate", () => {
    const arn = "arn:aws:iam::111111111111:server-certificate/site";
    expect(findingsFor(arn)).toEqual([[DISTRIBUTION, `acm_certificate_arn "${arn}" is not an ACM certificate in us-east-1`]]);
  });

  it("passes an aws_acm_certificate created through a us-east-1 provider", () => {
    expect(findingsFor("${aws_acm_certificate.C.arn}", { aws_acm_certificate: { C: { domain_name: "dev.example.com" } } })).toEqual([]);
  });

  it("flags an ARN read from a resource that is not a certificate", () => {
    const resources = { aws_ssm_parameter: { P: { name: "/certificate-arn", type: "String", value: CERTIFICATE } } };
    expect(findingsFor("${aws_ssm_parameter.P.value}", resources)).toEqual([
      [DISTRIBUTION, "acm_certificate_arn comes from aws_ssm_parameter.P in dev-edge, which is not an ACM certificate"],
    ]);
  });

  it("cannot tell where an ARN taken from a variable comes from, and says so", () => {
    expect(findingsFor("${var.certificate_arn}")).toEqual([[DISTRIBUTION, 'cannot tell where acm_certificate_arn "${var.certificate_arn}" comes from']]);
  });

  it("cannot follow an ARN read from the state of a stack that is not scanned, and says so", () => {
    const stack = stackOf({
      provider: { aws: [{ region: "us-east-1" }] },
      data: { terraform_remote_state: { certificates: { backend: "local", config: { path: "certificates.tfstate" } } } },
      resource: withDistribution({ viewer_certificate: { acm_certificate_arn: "${data.terraform_remote_state.certificates.outputs.arn}", minimum_protocol_version: "TLSv1.2_2021" } }),
    });
    expect(findingsOf(decide(cloudFrontCertificateRegion, stack))).toEqual([
      [DISTRIBUTION, "cannot follow acm_certificate_arn: data.terraform_remote_state.certificates reads the state of a stack that is not in the scanned directories"],
    ]);
  });

  it("says the region is unknown when the certificate's stack configures no AWS provider", () => {
    expect(findingsFor("${aws_acm_certificate.C.arn}", { aws_acm_certificate: { C: { domain_name: "dev.example.com" } } }, {})).toEqual([
      [DISTRIBUTION, "the certificate aws_acm_certificate.C in dev-edge is created in an unknown region, not us-east-1"],
    ]);
  });
});
