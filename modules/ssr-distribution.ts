import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { CloudfrontDistribution, type CloudfrontDistributionOrderedCacheBehavior } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
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

/** A Lambda function URL origin other than the server (an image optimizer). */
export interface FunctionOrigin {
  /** Stable id (part of the origin id, `fn-<id>`). */
  readonly id: string;
  readonly host: string;
}

/** One ordered cache behaviour, in the order CloudFront tries them. */
export interface DistributionBehaviour {
  /** CloudFront path pattern, e.g. `/_next/static/*`. */
  readonly pathPattern: string;
  /** `static`: the assets bucket; `server`: the server function; else a FunctionOrigin id. */
  readonly target: "static" | "server" | { readonly functionOrigin: string };
}

/**
 * Passes the viewer's Host to the origin as x-forwarded-host, overwriting whatever the viewer
 * sent: Lambda function URLs and API Gateway need their own Host, so the server learns the
 * site's name from this header (OpenNext builds absolute URLs from it). CloudFront Functions
 * JavaScript runtime 2.0: headers are `{ value }` objects.
 */
export const FORWARDED_HOST_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  request.headers["x-forwarded-host"] = { value: request.headers.host.value };
  return request;
}
`;

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
  /**
   * Key prefix of the static files in the bucket as an origin path (`/assets`), so URL `/x`
   * reads key `assets/x`.
   * @default "" (URL path = key)
   */
  readonly assetsOriginPath?: string;
  /** Host of the SSR Lambda function URL (on the live alias). */
  readonly ssrOriginHost: string;
  /**
   * Other function URL origins (on their live aliases).
   * @default none
   */
  readonly functionOrigins?: readonly FunctionOrigin[];
  /**
   * The app build's behaviours, in order; everything else goes to the server.
   * @default [{ pathPattern: "/assets/*", target: "static" }]
   */
  readonly behaviours?: readonly DistributionBehaviour[];
  /**
   * Host of the HTTP API default endpoint; without it `/api/*` goes to the server like any page.
   * @default no API
   */
  readonly apiOriginHost?: string;
  /** @default "/api/*" */
  readonly apiPathPattern?: string;
  /**
   * Name of the CloudFront Function that sets x-forwarded-host (account-unique, ≤ 64 characters).
   * @default `${namePrefix}-forwarded-host`
   */
  readonly forwardedHostFunctionName?: string;
  /**
   * How long CloudFront waits for the SSR function; keep it above the function timeout.
   * @default 30
   */
  readonly ssrOriginReadTimeoutSeconds?: number;
}

/**
 * CloudFront in front of the SSR app: pages from the Lambda URL (GET/HEAD/OPTIONS, never cached at the edge),
 * the build's static paths from S3 (as their Cache-Control says), other functions (an image
 * optimizer) from their URLs, `/api/*` from API Gateway. HTTPS only with
 * TLS 1.2 (2021 policy), security headers on every response, and error responses cached
 * for 0 s so a missing asset that appears a moment later is served at once.
 */
export class SsrDistribution extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;
  readonly forwardedHostFunction: CloudfrontFunction;

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
    this.forwardedHostFunction = new CloudfrontFunction(this, "ForwardedHostFunction", {
      name: props.forwardedHostFunctionName ?? `${props.namePrefix}-forwarded-host`,
      runtime: "cloudfront-js-2.0",
      comment: "Passes the viewer's Host to the origin as x-forwarded-host",
      code: FORWARDED_HOST_FUNCTION_CODE,
      publish: true,
    });
    const functionCache = (props.functionOrigins ?? []).length > 0 ? this.createFunctionCachePolicy(props.namePrefix) : undefined;
    this.distribution = this.createDistribution(props, s3Access, lambdaAccess, functionCache);
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

  /**
   * Responses of functions other than the server (resized images) are cached as their
   * Cache-Control says, keyed by every query string (`url`, `w`, `q`) and Accept (the
   * format the browser takes). Without a Cache-Control header nothing is cached.
   */
  private createFunctionCachePolicy(namePrefix: string): CloudfrontCachePolicy {
    return new CloudfrontCachePolicy(this, "FunctionCachePolicy", {
      name: `${namePrefix}-function-responses`,
      comment: "Cache function responses (images) as their Cache-Control says, by query and Accept",
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: 31536000,
      parametersInCacheKeyAndForwardedToOrigin: {
        queryStringsConfig: { queryStringBehavior: "all" },
        headersConfig: { headerBehavior: "whitelist", headers: { items: ["accept"] } },
        cookiesConfig: { cookieBehavior: "none" },
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      },
    });
  }

  private createDistribution(
    props: SsrDistributionProps,
    s3Access: CloudfrontOriginAccessControl,
    lambdaAccess: CloudfrontOriginAccessControl,
    functionCache: CloudfrontCachePolicy | undefined,
  ): CloudfrontDistribution {
    const httpsOrigin = (readTimeoutSeconds = 30) => ({
      httpPort: 80,
      httpsPort: 443,
      originProtocolPolicy: "https-only",
      originSslProtocols: ["TLSv1.2"],
      originReadTimeout: readTimeoutSeconds,
    });
    const headers = this.responseHeadersPolicy.id;
    const forwardedHost = [{ eventType: "viewer-request", functionArn: this.forwardedHostFunction.arn }];
    const behaviours = props.behaviours ?? [{ pathPattern: "/assets/*", target: "static" }];
    const buildBehaviours = behaviours.map((behaviour): CloudfrontDistributionOrderedCacheBehavior => {
      if (behaviour.target === "static") {
        return {
          pathPattern: behaviour.pathPattern,
          targetOriginId: "assets",
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: READ_METHODS,
          cachedMethods: READ_METHODS,
          cachePolicyId: MANAGED_POLICY.cachingOptimized,
          responseHeadersPolicyId: headers,
          compress: true,
        };
      }
      const isServer = behaviour.target === "server";
      return {
        pathPattern: behaviour.pathPattern,
        targetOriginId: isServer ? "ssr" : `fn-${(behaviour.target as { functionOrigin: string }).functionOrigin}`,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: PAGE_METHODS,
        cachedMethods: READ_METHODS,
        cachePolicyId: isServer || !functionCache ? MANAGED_POLICY.cachingDisabled : functionCache.id,
        originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
        responseHeadersPolicyId: headers,
        compress: true,
        functionAssociation: forwardedHost,
      };
    });
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
      functionAssociation: forwardedHost,
    };
    const originPath = props.assetsOriginPath ?? "";

    return new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      comment: `${props.namePrefix} SSR site`,
      aliases: [...props.aliases],
      priceClass: props.priceClass,
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      origin: [
        {
          originId: "assets",
          domainName: props.assetsBucketDomainName,
          originAccessControlId: s3Access.id,
          ...(originPath ? { originPath } : {}),
        },
        {
          originId: "ssr",
          domainName: props.ssrOriginHost,
          originAccessControlId: lambdaAccess.id,
          customOriginConfig: httpsOrigin(props.ssrOriginReadTimeoutSeconds ?? 30),
        },
        ...(props.functionOrigins ?? []).map((origin) => ({
          originId: `fn-${origin.id}`,
          domainName: origin.host,
          originAccessControlId: lambdaAccess.id,
          customOriginConfig: httpsOrigin(props.ssrOriginReadTimeoutSeconds ?? 30),
        })),
        ...(props.apiOriginHost ? [{ originId: "api", domainName: props.apiOriginHost, customOriginConfig: httpsOrigin() }] : []),
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
        functionAssociation: forwardedHost,
      },
      orderedCacheBehavior: [...buildBehaviours, ...(props.apiOriginHost ? [api] : [])],
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
