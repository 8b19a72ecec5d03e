import { findEnvironment, loadEnvironments } from "../../environments";
import { MANAGED_POLICY } from "../../modules/ssr-distribution";
import { onlyResource, resourcesOfType, synthesizeApp, type StackJson } from "../support/synth";

// Cross-stack references become remote state only in a whole-app synth.
const json = synthesizeApp([findEnvironment("prod", loadEnvironments())]).stacks["prod-distribution"];

const distribution = onlyResource(json, "aws_cloudfront_distribution");
const behaviour = (pattern: string) =>
  distribution.ordered_cache_behavior.find((b: StackJson) => b.path_pattern === pattern);
const bucketPolicyStatements = Object.values(json.data.aws_iam_policy_document).flatMap(
  (document) => (document as StackJson).statement as StackJson[],
);
const statement = (sid: string) => bucketPolicyStatements.find((s) => s.sid === sid);
const distributionArn = "${aws_cloudfront_distribution.Cdn_Distribution_FF4F7041.arn}";

describe("DistributionStack: assets bucket", () => {
  it("names the bucket with lib/naming", () => {
    expect(onlyResource(json, "aws_s3_bucket").bucket).toBe("acme-web-prod-assets-333333333333");
  });

  it("blocks every kind of public access", () => {
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("lets only this distribution read objects, and only under assets/", () => {
    expect(statement("CloudFrontReadsAssets")).toMatchObject({
      actions: ["s3:GetObject"],
      resources: ["${aws_s3_bucket.Assets_Bucket_B348DC00.arn}/assets/*"],
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      condition: [
        { test: "StringEquals", variable: "AWS:SourceArn", values: [distributionArn] },
      ],
    });
  });

  it("lets this distribution list the bucket, so a missing asset is a 404 rather than a 403", () => {
    expect(statement("CloudFrontSeesMissingAssets")).toMatchObject({
      actions: ["s3:ListBucket"],
      resources: ["${aws_s3_bucket.Assets_Bucket_B348DC00.arn}"],
      condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [distributionArn] }],
    });
  });

  it("denies requests that do not use TLS", () => {
    expect(statement("DenyInsecureTransport")?.condition).toEqual([{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }]);
  });
});

describe("DistributionStack: CloudFront", () => {
  it("serves /assets/* from S3 with the caching-optimized policy", () => {
    expect(behaviour("/assets/*")).toMatchObject({ target_origin_id: "assets", cache_policy_id: MANAGED_POLICY.cachingOptimized });
  });

  it("sends /api/* to the HTTP API without caching", () => {
    expect(behaviour("/api/*")).toMatchObject({ target_origin_id: "api", cache_policy_id: MANAGED_POLICY.cachingDisabled });
  });

  it("renders pages from the Lambda URL and never caches HTML at the edge", () => {
    expect(distribution.default_cache_behavior).toMatchObject({
      target_origin_id: "ssr",
      cache_policy_id: MANAGED_POLICY.cachingDisabled,
    });
  });

  it("accepts only reads for pages, since the URL behind OAC cannot take unsigned bodies", () => {
    expect(distribution.default_cache_behavior.allowed_methods).toEqual(["GET", "HEAD", "OPTIONS"]);
  });

  it("reaches S3 and the Lambda URL through origin access control", () => {
    const origins = Object.fromEntries(distribution.origin.map((o: StackJson) => [o.origin_id, o]));
    const oac = resourcesOfType(json, "aws_cloudfront_origin_access_control").map((o) => o.origin_access_control_origin_type);
    expect([oac, origins.assets.origin_access_control_id, origins.ssr.origin_access_control_id]).toEqual([
      ["s3", "lambda"],
      expect.stringMatching(/^\$\{aws_cloudfront_origin_access_control\.Cdn_AssetsOriginAccess_\w+\.id\}$/),
      expect.stringMatching(/^\$\{aws_cloudfront_origin_access_control\.Cdn_SsrOriginAccess_\w+\.id\}$/),
    ]);
  });

  it("talks to custom origins over HTTPS only", () => {
    const custom = distribution.origin.filter((o: StackJson) => o.custom_origin_config);
    expect(custom.map((o: StackJson) => o.custom_origin_config.origin_protocol_policy)).toEqual(["https-only", "https-only"]);
  });

  it("takes origin hosts from the app stack's remote state", () => {
    const ssr = distribution.origin.find((o: StackJson) => o.origin_id === "ssr");
    expect(ssr.domain_name).toContain("data.terraform_remote_state.cross-stack-reference-input-prod-app.outputs");
  });

  it("requires TLS 1.2 (2021 policy) with the validated certificate", () => {
    expect(distribution.viewer_certificate).toEqual({
      acm_certificate_arn: "${aws_acm_certificate_validation.SiteCertificate_Validation_0DF9809D.certificate_arn}",
      minimum_protocol_version: "TLSv1.2_2021",
      ssl_support_method: "sni-only",
    });
  });

  it("answers on the environment's domain names", () => {
    expect(distribution.aliases).toEqual(["example.com", "www.example.com"]);
  });

  it("never caches a 403 or 404, so a late-arriving asset is served at once", () => {
    expect(distribution.custom_error_response).toEqual([
      { error_code: 403, error_caching_min_ttl: 0 },
      { error_code: 404, error_caching_min_ttl: 0 },
    ]);
  });

  it("adds HSTS, nosniff and frame denial to every response", () => {
    const headers = onlyResource(json, "aws_cloudfront_response_headers_policy").security_headers_config;
    expect(headers).toMatchObject({
      strict_transport_security: { access_control_max_age_sec: 63072000, include_subdomains: true },
      content_type_options: { override: true },
      frame_options: { frame_option: "DENY" },
    });
  });
});

describe("DistributionStack: wiring", () => {
  it("lets only this distribution invoke the live alias, through the URL and directly", () => {
    const permissions = resourcesOfType(json, "aws_lambda_permission");
    const rows = permissions.map((p) => [p.action, p.principal, p.source_arn, p.qualifier]);
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ["lambda:InvokeFunction", "cloudfront.amazonaws.com", distributionArn, expect.stringContaining("remote_state")],
      ["lambda:InvokeFunctionUrl", "cloudfront.amazonaws.com", distributionArn, expect.stringContaining("remote_state")],
    ]);
  });

  it("limits CloudFront's lambda:InvokeFunction to calls through the function URL", () => {
    const invoke = resourcesOfType(json, "aws_lambda_permission").find((p) => p.action === "lambda:InvokeFunction");
    expect(invoke?.invoked_via_function_url).toBe(true);
  });

  it("requires the provider version that knows invoked_via_function_url (6.29)", () => {
    expect(json.terraform.required_providers.aws.version).toBe("6.29.0");
  });

  it("replaces each Lambda permission create-before-destroy under a generated statement id", () => {
    const permissions = resourcesOfType(json, "aws_lambda_permission");
    expect(permissions.filter((p) => p.statement_id !== undefined || p.statement_id_prefix === undefined || p.lifecycle?.create_before_destroy !== true)).toEqual([]);
  });

  it("points an A and an AAAA alias record per domain, keyed by domain name, at the distribution", () => {
    const records = resourcesOfType(json, "aws_route53_record")
      .filter((r) => r.alias)
      .map((r) => [r.type, r.for_each, r.name, r.alias.name]);
    const perDomain = ['${toset(["example.com", "www.example.com"])}', "${each.value}", "${aws_cloudfront_distribution.Cdn_Distribution_FF4F7041.domain_name}"];
    expect(records).toEqual([["A", ...perDomain], ["AAAA", ...perDomain]]);
  });

  it("reads the hosted zone and the app through remote state in the same bucket", () => {
    const remote = json.data.terraform_remote_state;
    expect(Object.values(remote).map((r) => (r as StackJson).config.key).sort()).toEqual([
      "acme-web/prod/app.tfstate",
      "acme-web/prod/dns.tfstate",
    ]);
  });
});

describe("DistributionStack: certificate", () => {
  const certificate = onlyResource(json, "aws_acm_certificate");
  const usEast1 = (json.provider.aws as StackJson[]).find((p) => p.alias === "us_east_1");

  it("issues the certificate through a provider in us-east-1, where CloudFront reads certificates", () => {
    expect([certificate.provider, usEast1?.region]).toEqual(["aws.us_east_1", "us-east-1"]);
  });

  it("covers every domain name, the first as primary, validated through DNS", () => {
    expect(certificate).toMatchObject({ domain_name: "example.com", subject_alternative_names: ["www.example.com"], validation_method: "DNS" });
  });

  it("replaces the certificate before destroying the old one", () => {
    expect(certificate.lifecycle).toEqual({ create_before_destroy: true });
  });

  it("writes the validation records into the hosted zone from the dns stack", () => {
    const validation = resourcesOfType(json, "aws_route53_record").find((r) => !r.alias);
    expect(validation?.zone_id).toContain("cross-stack-reference-input-prod-dns");
  });

  it("keys validation records by domain name, which Terraform knows at plan time", () => {
    // Not tolist(...): a list made from the set has unknown order, so its keys would be
    // unknown until apply and the plan fails with more than one domain name.
    const validation = resourcesOfType(json, "aws_route53_record").find((r) => !r.alias);
    expect(validation?.for_each).toBe(
      "${{ for option in aws_acm_certificate.SiteCertificate_C82F51C0.domain_validation_options : option.domain_name => option }}",
    );
  });

  it("waits for validation before exposing the certificate ARN", () => {
    expect(onlyResource(json, "aws_acm_certificate_validation").validation_record_fqdns).toEqual(
      expect.stringContaining("aws_route53_record.SiteCertificate_ValidationRecord_AD212B39"),
    );
  });

  it("makes CloudFront depend on the certificate itself, so a replaced one is destroyed after CloudFront moved", () => {
    expect(distribution.depends_on).toContain("aws_acm_certificate.SiteCertificate_C82F51C0");
  });
});
