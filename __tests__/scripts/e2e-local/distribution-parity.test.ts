/**
 * The local edge claims to serve "the way the distribution would": these tests synthesize
 * the real SsrDistribution construct and fail when its behaviours or security headers and
 * the local edge's route table or header values drift apart.
 */
import { SsrDistribution } from "../../../modules/ssr-distribution";
import { describeAppBuild } from "../../../lib/app-build/load";
import { ALL_METHODS, API_PATH_PREFIX, ASSET_METHODS, EXAMPLE_ROUTES, PAGE_METHODS, routeRequest, routeTableFor } from "../../../scripts/e2e-local/routes";
import { tempDir, writeNitroBuild, writeOpenNextBuild } from "../../support/app-builds";
import { synthesizeApp } from "../../support/synth";
import { findEnvironment, loadEnvironments } from "../../../environments";
import {
  headersFromPolicy,
  SECURITY_HEADERS,
  type SynthesizedSecurityHeadersConfig,
} from "../../../scripts/e2e-local/security-headers";
import { synthScope } from "../../support/synth-scope";

interface Behaviour {
  readonly path_pattern?: string;
  readonly target_origin_id: string;
  readonly allowed_methods: string[];
  readonly response_headers_policy_id?: string;
}

const synthesized = JSON.parse(
  synthScope((scope) => {
    new SsrDistribution(scope, "Site", {
      namePrefix: "acme-web-test",
      aliases: ["test.example.com"],
      certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/test",
      priceClass: "PriceClass_100",
      assetsBucketDomainName: "assets.s3.eu-west-1.amazonaws.com",
      ssrOriginHost: "ssr.lambda-url.eu-west-1.on.aws",
      apiOriginHost: "api.execute-api.eu-west-1.amazonaws.com",
    });
  }),
) as { resource: Record<string, Record<string, Record<string, unknown>>> };

function onlyResource(type: string): Record<string, unknown> {
  const resources = Object.values(synthesized.resource[type] ?? {});
  expect(resources).toHaveLength(1);
  return resources[0] as Record<string, unknown>;
}

const policy = onlyResource("aws_cloudfront_response_headers_policy");
const distribution = onlyResource("aws_cloudfront_distribution");
const ordered = distribution.ordered_cache_behavior as Behaviour[];
const byOrigin = (origin: string) => ordered.find((b) => b.target_origin_id === origin);
/** The example app's one static pattern, as CloudFront spells it. */
const ASSETS_PATTERN = `/${EXAMPLE_ROUTES.build.behaviours[0]!.pathPattern}`;

describe("the local edge mirrors the synthesized distribution", () => {
  it("adds exactly the security headers of the response headers policy", () => {
    const config = policy.security_headers_config as SynthesizedSecurityHeadersConfig;
    expect(SECURITY_HEADERS).toEqual(headersFromPolicy(config));
  });

  it("adds them to every behaviour's responses, as the policy is on every behaviour", () => {
    const behaviours = [distribution.default_cache_behavior as Behaviour, ...ordered];
    for (const behaviour of behaviours) expect(behaviour.response_headers_policy_id).toMatch(/aws_cloudfront_response_headers_policy\./);
  });

  it("routes the assets behaviour's path pattern to the bucket, with its methods", () => {
    expect(byOrigin("assets")?.path_pattern).toBe(ASSETS_PATTERN);
    expect([...(byOrigin("assets")?.allowed_methods ?? [])].sort()).toEqual([...ASSET_METHODS].sort());
  });

  it("routes the API behaviour's path pattern to the API, with its methods", () => {
    expect(byOrigin("api")?.path_pattern).toBe(`${API_PATH_PREFIX}*`);
    expect([...(byOrigin("api")?.allowed_methods ?? [])].sort()).toEqual([...ALL_METHODS].sort());
  });

  it("sends everything else to the SSR function, with every method", () => {
    const fallback = distribution.default_cache_behavior as Behaviour;
    expect(fallback.target_origin_id).toBe("ssr");
    expect([...fallback.allowed_methods].sort()).toEqual([...PAGE_METHODS].sort());
  });

  it("has no other path behaviours the local edge would not know about", () => {
    expect(ordered.map((b) => b.path_pattern).sort()).toEqual([`${API_PATH_PREFIX}*`, ASSETS_PATTERN].sort());
  });
});

/**
 * For framework builds: every behaviour the distribution stack synthesizes from the build
 * sends a path it matches to the same origin on the local edge.
 */
describe.each([
  ["OpenNext", () => describeAppBuild(writeOpenNextBuild(tempDir()), "test")],
  ["streaming Nitro", () => describeAppBuild(writeNitroBuild(tempDir(), { streaming: true }), "test")],
])("the local edge routes a %s build like its synthesized distribution", (_name, build) => {
  const description = build();
  const dist = Object.values(
    synthesizeApp([findEnvironment("dev", loadEnvironments())], description).stacks["dev-distribution"]!.resource.aws_cloudfront_distribution,
  )[0] as { ordered_cache_behavior: Behaviour[] };
  const edgeOrigin = (path: string) => {
    const route = routeRequest("GET", path, routeTableFor(description));
    return route.origin === "function" ? `fn-${route.functionId}` : route.origin;
  };

  it.each(dist.ordered_cache_behavior.map((b) => [b.path_pattern!, b.target_origin_id]))("%s → %s", (pattern, origin) => {
    expect(edgeOrigin(pattern.replace(/\*/g, "x").replace(/\?/g, "x"))).toBe(origin);
  });

  it("sends a path no behaviour matches to the server", () => {
    expect(edgeOrigin("/some/page")).toBe("ssr");
  });
});

describe("headersFromPolicy", () => {
  it("renders HSTS with its flags in CloudFront's order", () => {
    expect(
      headersFromPolicy({ strict_transport_security: { access_control_max_age_sec: 300, include_subdomains: true, preload: false } }),
    ).toEqual({ "strict-transport-security": "max-age=300; includeSubDomains" });
  });

  it("renders disabled XSS protection as 0", () => {
    expect(headersFromPolicy({ xss_protection: { protection: false } })).toEqual({ "x-xss-protection": "0" });
  });
});
