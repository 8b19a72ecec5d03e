/** CloudFront: viewer HTTPS and TLS policy, security headers, origin access, origin TLS, certificate region. */
import { CLOUDFRONT_CERTIFICATE_REGION } from "../../../lib/naming";
import { literalString } from "../expressions";
import { asBlock, asBlocks, asNumber, asStrings, type Block, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, show, type Finding, type Rule } from "../rule";
import type { Workspace } from "../workspace";

/** Viewer security policies at least as strict as TLSv1.2_2021. */
const STRONG_VIEWER_POLICIES = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];
const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];
const WEAK_ORIGIN_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1"];
/** AWS-managed "SecurityHeadersPolicy": HSTS one year, nosniff, SAMEORIGIN frames, strict referrer. */
export const MANAGED_SECURITY_HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03";
const ONE_YEAR_SECONDS = 31_536_000;

export const cloudFrontViewerHttps: Rule = {
  id: "CF-1",
  severity: "error",
  title: "Every CloudFront cache behaviour redirects to or requires HTTPS",
  controls: { checkov: ["CKV_AWS_34"], securityHub: ["CloudFront.3"] },
  fix: 'Set viewer_protocol_policy to "redirect-to-https" (or "https-only") on the default and every ordered cache behaviour.',
  check: ({ stack }) =>
    checkEach(distributions(stack), "no CloudFront distributions in this stack", (distribution) =>
      behaviours(distribution).flatMap(({ label, config }): Finding[] =>
        HTTPS_VIEWER_POLICIES.includes(String(config.viewer_protocol_policy))
          ? []
          : [{ resource: distribution.address, message: `${label} has viewer_protocol_policy ${show(config.viewer_protocol_policy)}, which serves plain HTTP` }],
      ),
    ),
};

export const cloudFrontMinimumTls: Rule = {
  id: "CF-2",
  severity: "error",
  title: "CloudFront viewers need TLS 1.2 or newer (minimum_protocol_version TLSv1.2_2021) with our own certificate",
  controls: { checkov: ["CKV_AWS_174"] },
  fix: 'Set viewer_certificate.minimum_protocol_version = "TLSv1.2_2021" with an ACM certificate and ssl_support_method "sni-only" (SsrDistribution does).',
  check: ({ stack }) =>
    checkEach(distributions(stack), "no CloudFront distributions in this stack", (distribution) => {
      const certificate = asBlock(distribution.config.viewer_certificate) ?? {};
      if (certificate.cloudfront_default_certificate === true) {
        return { resource: distribution.address, message: "uses the default *.cloudfront.net certificate, which allows TLS 1.0" };
      }
      const version = certificate.minimum_protocol_version;
      return STRONG_VIEWER_POLICIES.includes(String(version))
        ? undefined
        : { resource: distribution.address, message: `viewer_certificate.minimum_protocol_version is ${show(version)} (expected ${STRONG_VIEWER_POLICIES.join(" or ")})` };
    }),
};

export const cloudFrontSecurityHeaders: Rule = {
  id: "CF-3",
  severity: "error",
  title: "Every cache behaviour attaches a response headers policy that sets HSTS (≥ 1 year, includeSubDomains), X-Content-Type-Options and X-Frame-Options",
  controls: { checkov: ["CKV_AWS_259", "CKV2_AWS_32"] },
  fix: "Attach SsrDistribution's security headers policy (or the managed SecurityHeadersPolicy) to every behaviour; the policy needs strict_transport_security (max age ≥ 31536000, include_subdomains, override), content_type_options and frame_options (DENY or SAMEORIGIN, override).",
  check: ({ stack, workspace }) => {
    const policies = stack.resourcesOfType("aws_cloudfront_response_headers_policy");
    const items: (TfResource | { readonly distribution: TfResource })[] = [
      ...policies,
      ...distributions(stack).map((distribution) => ({ distribution })),
    ];
    return checkEach(items, "no CloudFront distributions or response headers policies in this stack", (item) => {
      if (!("distribution" in item)) {
        return headerProblems(item).map((problem) => ({ resource: item.address, message: problem }));
      }
      const { distribution } = item;
      return behaviours(distribution).flatMap(({ label, config }): Finding[] => {
        const id = config.response_headers_policy_id;
        if (id === undefined || id === "") {
          return [{ resource: distribution.address, message: `${label} has no response headers policy, so no HSTS or nosniff header is added` }];
        }
        if (literalString(id) !== undefined) {
          return id === MANAGED_SECURITY_HEADERS_POLICY
            ? []
            : [{ resource: distribution.address, message: `${label} uses response headers policy ${show(id)}, which cannot be checked here (define it in the stack or use the managed SecurityHeadersPolicy)` }];
        }
        const targets = workspace.targets(stack, id).filter((t) => t.resource.type === "aws_cloudfront_response_headers_policy");
        if (targets.length === 0) {
          return [{ resource: distribution.address, message: `${label} refers to ${show(id)}, which is not an aws_cloudfront_response_headers_policy in the scanned stacks` }];
        }
        // Policies in this stack are reported on their own address above.
        return targets
          .filter((t) => t.stack !== stack)
          .flatMap((t) => headerProblems(t.resource).map((problem) => ({ resource: distribution.address, message: `${label}: ${t.stack.id} ${t.resource.address} ${problem}` })));
      });
    });
  },
};

export const cloudFrontOriginAccessControl: Rule = {
  id: "CF-4",
  severity: "error",
  title: "S3 and Lambda function URL origins use origin access control (no legacy OAI, no public website endpoint)",
  controls: { checkov: ["CKV2_AWS_46"], securityHub: ["CloudFront.13"] },
  fix: 'Give the origin an origin_access_control_id of an aws_cloudfront_origin_access_control of the matching type ("s3" or "lambda", signing_behavior "always"); use the bucket\'s regional domain name, never its website endpoint or an OAI.',
  check: ({ stack, workspace }) => {
    const origins = distributions(stack).flatMap((distribution) =>
      asBlocks(distribution.config.origin).map((origin) => ({ distribution, origin, kind: originKind(workspace, stack, origin) })),
    );
    const guarded = origins.filter((o) => o.kind === "s3" || o.kind === "s3-website" || o.kind === "lambda-url");
    return checkEach(guarded, "no S3 or Lambda URL origins in this stack", ({ distribution, origin, kind }): Finding[] => {
      const label = `origin ${show(origin.origin_id)}`;
      const at = (message: string): Finding => ({ resource: distribution.address, message: `${label} ${message}` });
      const oai = asBlock(origin.s3_origin_config)?.origin_access_identity;
      if (typeof oai === "string" && oai !== "") return [at(`uses a legacy origin access identity (${show(oai)})`)];
      if (kind === "s3-website") return [at("points at an S3 website endpoint, which must be public; use the bucket's regional domain name with OAC")];
      const expectedType = kind === "lambda-url" ? "lambda" : "s3";
      const oac = origin.origin_access_control_id;
      if (oac === undefined || oac === "") {
        return [at(`has no origin_access_control_id, so the ${kind === "lambda-url" ? "function URL" : "bucket"} would have to accept unsigned requests`)];
      }
      if (literalString(oac) !== undefined) return [];
      const controls = workspace.targets(stack, oac).filter((t) => t.resource.type === "aws_cloudfront_origin_access_control");
      if (controls.length === 0) return [at(`has origin_access_control_id ${show(oac)}, which is not an aws_cloudfront_origin_access_control`)];
      return controls.flatMap(({ resource }) => {
        const problems: Finding[] = [];
        const type = resource.config.origin_access_control_origin_type;
        if (type !== expectedType) problems.push(at(`uses ${resource.address} of type ${show(type)} (expected "${expectedType}")`));
        if (resource.config.signing_behavior === "never") problems.push(at(`uses ${resource.address}, which never signs requests`));
        return problems;
      });
    });
  },
};

export const cloudFrontOriginHttps: Rule = {
  id: "CF-5",
  severity: "error",
  title: "Custom origins are reached over HTTPS only, with TLS 1.2",
  controls: { checkov: ["CKV2_AWS_72", "CKV2_AWS_54"], securityHub: ["CloudFront.9", "CloudFront.10"] },
  fix: 'Set custom_origin_config.origin_protocol_policy = "https-only" and origin_ssl_protocols = ["TLSv1.2"].',
  check: ({ stack }) => {
    const custom = distributions(stack).flatMap((distribution) =>
      asBlocks(distribution.config.origin).flatMap((origin) => {
        const config = asBlock(origin.custom_origin_config);
        return config ? [{ distribution, origin, config }] : [];
      }),
    );
    return checkEach(custom, "no custom origins in this stack", ({ distribution, origin, config }) => {
      const problems: string[] = [];
      if (config.origin_protocol_policy !== "https-only") problems.push(`origin_protocol_policy is ${show(config.origin_protocol_policy)}`);
      const weak = asStrings(config.origin_ssl_protocols).filter((p) => WEAK_ORIGIN_PROTOCOLS.includes(p));
      if (weak.length > 0) problems.push(`origin_ssl_protocols allows ${weak.join(", ")}`);
      return problems.map((problem) => ({ resource: distribution.address, message: `origin ${show(origin.origin_id)}: ${problem}` }));
    });
  },
};

export const cloudFrontCertificateRegion: Rule = {
  id: "CF-6",
  severity: "error",
  title: `Every distribution serves an ACM certificate from ${CLOUDFRONT_CERTIFICATE_REGION}`,
  controls: { checkov: ["CKV2_AWS_42"] },
  fix: `Create the certificate through an AWS provider in ${CLOUDFRONT_CERTIFICATE_REGION} (the distribution stack's us_east_1 provider), not in the app region.`,
  check: ({ stack, workspace }) =>
    checkEach(distributions(stack), "no CloudFront distributions in this stack", (distribution) => {
      const arn = asBlock(distribution.config.viewer_certificate)?.acm_certificate_arn;
      const at = (message: string): Finding => ({ resource: distribution.address, message });
      if (arn === undefined || arn === null || arn === "") return [at("has no viewer_certificate.acm_certificate_arn (the default *.cloudfront.net or an IAM certificate)")];
      const literal = literalString(arn);
      if (literal !== undefined) {
        // CloudFront serves ACM certificates from us-east-1 only ("Requirements for using SSL/TLS
        // certificates with CloudFront", CloudFront Developer Guide), a region of the aws partition
        // alone: no other partition's ARN can name one.
        const servable = literal.startsWith(`arn:aws:acm:${CLOUDFRONT_CERTIFICATE_REGION}:`);
        return servable ? [] : [at(`acm_certificate_arn ${show(literal)} is not an ACM certificate in ${CLOUDFRONT_CERTIFICATE_REGION}`)];
      }
      const resolutions = workspace.resolve(stack, arn);
      if (resolutions.length === 0) return [at(`cannot tell where acm_certificate_arn ${show(arn)} comes from`)];
      return resolutions.flatMap((r): Finding[] => {
        if (r.kind === "unresolved") return [at(`cannot follow acm_certificate_arn: ${r.reason}`)];
        if (!r.resource || !["aws_acm_certificate", "aws_acm_certificate_validation"].includes(r.resource.type)) {
          return [at(`acm_certificate_arn comes from ${r.reference.address} in ${r.stack.id}, which is not an ACM certificate`)];
        }
        const region = r.stack.providerOf(r.resource)?.region;
        if (region === CLOUDFRONT_CERTIFICATE_REGION) return [];
        return [at(`the certificate ${r.resource.address} in ${r.stack.id} is created in ${region ?? "an unknown region"}, not ${CLOUDFRONT_CERTIFICATE_REGION}`)];
      });
    }),
};

export const cloudFrontEnabled: Rule = {
  id: "CF-7",
  severity: "error",
  title: "Every distribution is enabled",
  controls: { checkov: ["CKV_AWS_216"] },
  fix: "Set enabled = true (SsrDistribution does); remove a distribution that should not serve instead of disabling it.",
  check: ({ stack }) =>
    checkEach(distributions(stack), "no CloudFront distributions in this stack", (distribution) =>
      distribution.config.enabled === true ? undefined : { resource: distribution.address, message: `enabled is ${show(distribution.config.enabled)}: the site's domain serves nothing` },
    ),
};

export const CLOUDFRONT_RULES: readonly Rule[] = [
  cloudFrontViewerHttps,
  cloudFrontMinimumTls,
  cloudFrontSecurityHeaders,
  cloudFrontOriginAccessControl,
  cloudFrontOriginHttps,
  cloudFrontCertificateRegion,
  cloudFrontEnabled,
];

export function distributions(stack: SynthesizedStack): TfResource[] {
  return stack.resourcesOfType("aws_cloudfront_distribution");
}

export function behaviours(distribution: TfResource): { label: string; config: Block }[] {
  const list: { label: string; config: Block }[] = [];
  const defaultBehaviour = asBlock(distribution.config.default_cache_behavior);
  if (defaultBehaviour) list.push({ label: "default behaviour", config: defaultBehaviour });
  for (const behaviour of asBlocks(distribution.config.ordered_cache_behavior)) {
    list.push({ label: `behaviour ${show(behaviour.path_pattern)}`, config: behaviour });
  }
  return list;
}

function headerProblems(policy: TfResource): string[] {
  const headers = asBlock(policy.config.security_headers_config);
  const problems: string[] = [];
  const hsts = asBlock(headers?.strict_transport_security);
  if (!hsts) {
    problems.push("sets no Strict-Transport-Security (HSTS) header");
  } else {
    const age = asNumber(hsts.access_control_max_age_sec);
    // Negated, so NaN (a max-age that is not a number) fails too.
    if (!(age >= ONE_YEAR_SECONDS)) problems.push(`sets HSTS max-age ${show(hsts.access_control_max_age_sec)} (at least ${ONE_YEAR_SECONDS}, one year)`);
    if (hsts.include_subdomains !== true) problems.push("sets HSTS without includeSubDomains, so a subdomain can still be reached over plain HTTP");
    if (hsts.override !== true) problems.push("lets the origin override HSTS (override is not true)");
  }
  const nosniff = asBlock(headers?.content_type_options);
  if (!nosniff) problems.push("sets no X-Content-Type-Options: nosniff header");
  else if (nosniff.override !== true) problems.push("lets the origin override X-Content-Type-Options (override is not true)");
  const frames = asBlock(headers?.frame_options);
  if (!frames) problems.push("sets no X-Frame-Options header");
  else {
    if (!["DENY", "SAMEORIGIN"].includes(String(frames.frame_option))) problems.push(`sets X-Frame-Options ${show(frames.frame_option)} (expected DENY or SAMEORIGIN)`);
    if (frames.override !== true) problems.push("lets the origin override X-Frame-Options (override is not true)");
  }
  return problems;
}

export type OriginKind = "s3" | "s3-website" | "lambda-url" | "http-api" | "other";

/** What an origin points at, from the resource its domain name comes from or the name itself. */
export function originKind(workspace: Workspace, stack: SynthesizedStack, origin: Block): OriginKind {
  for (const { resource, attribute } of workspace.targets(stack, origin.domain_name)) {
    if (resource.type === "aws_s3_bucket_website_configuration") return "s3-website";
    if (resource.type === "aws_s3_bucket") return /website/.test(attribute) ? "s3-website" : "s3";
    if (resource.type === "aws_lambda_function_url") return "lambda-url";
    if (resource.type === "aws_apigatewayv2_api" || resource.type === "aws_api_gateway_rest_api") return "http-api";
  }
  const domain = literalString(origin.domain_name);
  if (domain !== undefined) {
    if (/\.s3-website[.-]/.test(domain)) return "s3-website";
    if (/\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(domain)) return "s3";
    if (/\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(domain)) return "lambda-url";
    if (/\.execute-api\.[a-z0-9-]+\.amazonaws\.com$/.test(domain)) return "http-api";
  }
  return asBlock(origin.s3_origin_config) ? "s3" : "other";
}

/** The kind of the origin a behaviour targets (by target_origin_id). */
export function targetKind(workspace: Workspace, stack: SynthesizedStack, distribution: TfResource, behaviour: Block): OriginKind {
  const origin = asBlocks(distribution.config.origin).find((o) => o.origin_id === behaviour.target_origin_id);
  return origin ? originKind(workspace, stack, origin) : "other";
}
