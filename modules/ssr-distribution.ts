import { CloudfrontDistribution, type CloudfrontDistributionOrderedCacheBehavior } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { Construct } from "constructs";

/**
 * AWS-managed CloudFront policies (stable ids, documented in the CloudFront developer guide
 * under "Use managed cache policies" / "Use managed origin request policies").
 */
export const MANAGED_POLICY = {
  /** Honours origin Cache-Control, compresses, caches up to a year: right for hashed assets. */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /** TTL 0: nothing is cached at the edge. Used for HTML and the API. */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Forwards headers, cookies and query strings but not Host, which Lambda URLs and API Gateway reject. */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const READ_METHODS = ["GET", "HEAD"];
/**
 * Pages are read-only: through origin access control, a Lambda function URL rejects a
 * POST/PUT body unless the viewer signs it (x-amz-content-sha256), so writes go to /api/*.
 */
const PAGE_METHODS = ["GET", "HEAD", "OPTIONS"];

export interface SsrDistributionProps {
  /** Prefix for account-unique names (OACs, response headers policy). */
  readonly namePrefix: string;
  /** Domain names the distribution answers on. */
  readonly aliases: readonly string[];
  /** ACM certificate in us-east-1 covering every alias. */
  readonly certificateArn: string;
  readonly priceClass: string;
  /** Regional domain name of the private assets bucket. */
  readonly assetsBucketDomainName: string;
  /** Host of the SSR Lambda function URL (on the live alias). */
  readonly ssrOriginHost: string;
  /** Host of the HTTP API default endpoint. */
  readonly apiOriginHost: string;
  /** @default "/assets/*" */
  readonly assetsPathPattern?: string;
  /** @default "/api/*" */
  readonly apiPathPattern?: string;
  /**
   * How long CloudFront waits for the SSR function; keep it above the function timeout.
   * @default 30
   */
  readonly ssrOriginReadTimeoutSeconds?: number;
}

/**
 * CloudFront in front of the SSR app: pages from the Lambda URL (GET/HEAD/OPTIONS, never cached at the edge),
 * `/assets/*` from S3 (immutable, long TTL), `/api/*` from API Gateway. HTTPS only with
 * TLS 1.2 (2021 policy), security headers on every response, and error responses cached
 * for 0 s so a missing asset that appears a moment later is served at once.
 */
export class SsrDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: SsrDistributionProps) {
    super(scope, id);
    const s3Access = new CloudfrontOriginAccessControl(this, "AssetsOriginAccess", {
      name: `${props.namePrefix}-assets`,
      description: "CloudFront signs requests to the private assets bucket",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const lambdaAccess = new CloudfrontOriginAccessControl(this, "SsrOriginAccess", {
      name: `${props.namePrefix}-ssr`,
      description: "CloudFront signs requests to the SSR function URL (AWS_IAM)",
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    this.responseHeadersPolicy = this.createResponseHeadersPolicy(props.namePrefix);
    this.distribution = this.createDistribution(props, s3Access, lambdaAccess);
  }

  private createResponseHeadersPolicy(namePrefix: string): CloudfrontResponseHeadersPolicy {
    return new CloudfrontResponseHeadersPolicy(this, "SecurityHeaders", {
      name: `${namePrefix}-security-headers`,
      comment: "HSTS, nosniff, frame denial, strict referrer",
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: 63072000,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
  }

  private createDistribution(
    props: SsrDistributionProps,
    s3Access: CloudfrontOriginAccessControl,
    lambdaAccess: CloudfrontOriginAccessControl,
  ): CloudfrontDistribution {
    const httpsOrigin = (readTimeoutSeconds = 30) => ({
      httpPort: 80,
      httpsPort: 443,
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
      originReadTimeout: readTimeoutSeconds,
    });
    const headers = this.responseHeadersPolicy.id;
    const assets: CloudfrontDistributionOrderedCacheBehavior = {
      pathPattern: props.assetsPathPattern ?? "/assets/*",
      targetOriginId: "assets",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: READ_METHODS,
      cachedMethods: READ_METHODS,
      cachePolicyId: MANAGED_POLICY.cachingOptimized,
      responseHeadersPolicyId: headers,
      compress: true,
    };
    const api: CloudfrontDistributionOrderedCacheBehavior = {
      pathPattern: props.apiPathPattern ?? "/api/*",
      targetOriginId: "api",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ALL_METHODS,
      cachedMethods: READ_METHODS,
      cachePolicyId: MANAGED_POLICY.cachingDisabled,
      originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
      responseHeadersPolicyId: headers,
      compress: true,
    };

    return new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      comment: `${props.namePrefix} SSR site`,
      aliases: [...props.aliases],
      priceClass: props.priceClass,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      origin: [
        { originId: "assets", domainName: props.assetsBucketDomainName, originAccessControlId: s3Access.id },
        {
          originId: "ssr",
          domainName: props.ssrOriginHost,
          originAccessControlId: lambdaAccess.id,
          customOriginConfig: httpsOrigin(props.ssrOriginReadTimeoutSeconds ?? 30),
        },
        { originId: "api", domainName: props.apiOriginHost, customOriginConfig: httpsOrigin() },
      ],
      // Pages: rendered per request and never cached at the edge, so a release or rollback
      // is visible on the next request without an invalidation.
      defaultCacheBehavior: {
        targetOriginId: "ssr",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: PAGE_METHODS,
        cachedMethods: READ_METHODS,
        cachePolicyId: MANAGED_POLICY.cachingDisabled,
        originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
        responseHeadersPolicyId: headers,
        compress: true,
      },
      orderedCacheBehavior: [assets, api],
      // No error page: the origin's status passes through, but is never cached, so an
      // asset requested a moment before sync-assets uploads it is not stuck as a 404.
      customErrorResponse: [
        { errorCode: 403, errorCachingMinTtl: 0 },
        { errorCode: 404, errorCachingMinTtl: 0 },
      ],
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: {
        acmCertificateArn: props.certificateArn,
        sslSupportMethod: "sni-only",
        minimumProtocolVersion: "TLSv1.2_2021",
      },
    });
  }
}
