/**
 * The security headers CloudFront's response headers policy adds to every response
 * (modules/ssr-distribution.ts, `SecurityHeaders`), as the header values a browser sees.
 * The local edge adds exactly these; __tests__/scripts/e2e-local/distribution-parity.test.ts
 * synthesizes the policy and fails when the two drift apart.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-xss-protection": "1; mode=block",
};

/** `security_headers_config` of an `aws_cloudfront_response_headers_policy`, as synthesized. */
export interface SynthesizedSecurityHeadersConfig {
  readonly strict_transport_security?: {
    readonly access_control_max_age_sec: number;
    readonly include_subdomains?: boolean;
    readonly preload?: boolean;
  };
  readonly content_type_options?: object;
  readonly frame_options?: { readonly frame_option: string };
  readonly referrer_policy?: { readonly referrer_policy: string };
  readonly xss_protection?: { readonly protection: boolean; readonly mode_block?: boolean; readonly report_uri?: string };
}

/** The headers CloudFront sends for a policy's security headers config (lower-case names). */
export function headersFromPolicy(config: SynthesizedSecurityHeadersConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  const hsts = config.strict_transport_security;
  if (hsts) {
    headers["strict-transport-security"] = [
      `max-age=${hsts.access_control_max_age_sec}`,
      ...(hsts.include_subdomains ? ["includeSubDomains"] : []),
      ...(hsts.preload ? ["preload"] : []),
    ].join("; ");
  }
  if (config.content_type_options) headers["x-content-type-options"] = "nosniff";
  if (config.frame_options) headers["x-frame-options"] = config.frame_options.frame_option;
  if (config.referrer_policy) headers["referrer-policy"] = config.referrer_policy.referrer_policy;
  const xss = config.xss_protection;
  if (xss) {
    headers["x-xss-protection"] = xss.protection
      ? ["1", ...(xss.mode_block ? ["mode=block"] : []), ...(xss.report_uri ? [`report=${xss.report_uri}`] : [])].join("; ")
      : "0";
  }
  return headers;
}
