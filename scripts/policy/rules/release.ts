/**
 * The invariants the release design rests on, which no generic scanner knows: pages are never
 * cached at the edge (a release or rollback shows on the next request, without an
 * invalidation), `/api/*` is never cached, hashed assets are long-cached (their keys change
 * with their content), the HTTP API is throttled as configured, and every function the app
 * serves is reached through its `live` alias, which release/rollback move and Terraform does not.
 */
import { LIVE_ALIAS } from "../../../lib/naming";
import { literalString, referencesIn } from "../expressions";
import { asBlock, asBlocks, asNumber, type Block, type SynthesizedStack, type TfResource } from "../model";
import { checked, checkEach, notApplicable, show, type Finding, type Rule, type RuleContext } from "../rule";
import type { Workspace } from "../workspace";
import { distributions, targetKind } from "./cloudfront";

const ONE_YEAR_SECONDS = 31_536_000;

interface Ttls {
  readonly min: number;
  readonly default: number;
  readonly max: number;
  /** Where the TTLs come from, for messages. */
  readonly source: string;
}

/**
 * AWS-managed cache policies by id and name ("Use managed cache policies", CloudFront
 * Developer Guide). Only these are known; any other literal id cannot be judged. `lookupName`
 * is the name a data.aws_cloudfront_cache_policy finds it by: `Managed-` and the name, except
 * the two UseOriginCacheControlHeaders policies (the provider's data source documentation); a
 * policy found by the bare name ("CachingDisabled") is one of the account's own.
 */
const MANAGED_CACHE_POLICIES: readonly { id: string; name: string; lookupName: string; min: number; default: number; max: number }[] = [
  { id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", name: "CachingDisabled", lookupName: "Managed-CachingDisabled", min: 0, default: 0, max: 0 },
  { id: "658327ea-f89d-4fab-a63d-7e88639e58f6", name: "CachingOptimized", lookupName: "Managed-CachingOptimized", min: 1, default: 86_400, max: ONE_YEAR_SECONDS },
  {
    id: "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
    name: "CachingOptimizedForUncompressedObjects",
    lookupName: "Managed-CachingOptimizedForUncompressedObjects",
    min: 1,
    default: 86_400,
    max: ONE_YEAR_SECONDS,
  },
  { id: "83da9c7e-98b4-4e11-a168-04f0df8e2c65", name: "UseOriginCacheControlHeaders", lookupName: "UseOriginCacheControlHeaders", min: 0, default: 0, max: ONE_YEAR_SECONDS },
  {
    id: "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
    name: "UseOriginCacheControlHeaders-QueryStrings",
    lookupName: "UseOriginCacheControlHeaders-QueryStrings",
    min: 0,
    default: 0,
    max: ONE_YEAR_SECONDS,
  },
  { id: "2e54312d-136d-493c-8eb9-b001f22f67d2", name: "Amplify", lookupName: "Managed-Amplify", min: 2, default: 2, max: 600 },
];

/**
 * How long CloudFront may keep a behaviour's responses: from its cache policy (a managed id,
 * an aws_cloudfront_cache_policy, or the data source of a managed one), or from the legacy
 * TTL arguments when it has none (provider defaults 0 / 86400 / 31536000).
 */
function ttlsOf(workspace: Workspace, stack: SynthesizedStack, behaviour: Block): Ttls | string {
  const id = behaviour.cache_policy_id;
  if (id === undefined || id === "") return { ...ttlArguments(behaviour), source: "its legacy TTL settings" };
  const literal = literalString(id);
  if (literal !== undefined) {
    const managed = MANAGED_CACHE_POLICIES.find((p) => p.id === literal);
    return managed ? { ...managed, source: `the managed ${managed.name} policy` } : `cache_policy_id ${show(literal)} is not a managed policy this gate knows, so its TTLs cannot be checked`;
  }
  for (const { resource } of workspace.targets(stack, id)) {
    if (resource.type !== "aws_cloudfront_cache_policy") continue;
    if (resource.mode === "managed") return { ...ttlArguments(resource.config), source: resource.address };
    // data.aws_cloudfront_cache_policy looks a managed policy up by name ("Managed-CachingDisabled") or id.
    const managed = MANAGED_CACHE_POLICIES.find((p) => p.lookupName === resource.config.name || p.id === resource.config.id);
    if (managed) return { ...managed, source: `the managed ${managed.name} policy (${resource.address})` };
  }
  return `cannot tell which cache policy ${show(id)} is`;
}

/** min/default/max TTL arguments with the provider's defaults (0, 86400, 31536000). */
function ttlArguments(config: Block): Omit<Ttls, "source"> {
  const number = (value: unknown, fallback: number) => {
    const given = asNumber(value);
    return Number.isNaN(given) ? fallback : given;
  };
  return { min: number(config.min_ttl, 0), default: number(config.default_ttl, 86_400), max: number(config.max_ttl, ONE_YEAR_SECONDS) };
}

export const pagesNeverCached: Rule = {
  id: "REL-1",
  severity: "error",
  title: "The default (SSR) behaviour never caches at the edge (maximum TTL 0), so a release or rollback shows on the next request",
  controls: {},
  fix: "Use the managed CachingDisabled policy on the default behaviour (SsrDistribution does); cache hashed assets instead, which are safe to keep.",
  check: ({ stack, workspace }) =>
    checkEach(distributions(stack), "no CloudFront distributions in this stack", (distribution): Finding | undefined => {
      const behaviour = asBlock(distribution.config.default_cache_behavior);
      if (!behaviour) return { resource: distribution.address, message: "has no default_cache_behavior" };
      const ttls = ttlsOf(workspace, stack, behaviour);
      if (typeof ttls === "string") return { resource: distribution.address, message: `default behaviour: ${ttls}` };
      return ttls.max === 0
        ? undefined
        : { resource: distribution.address, message: `default behaviour may cache pages for up to ${ttls.max} s (${ttls.source}): after a release or rollback viewers would keep the old HTML` };
    }),
};

/** A behaviour for the API: its pattern is `/api/…`, or it targets an API Gateway origin. */
function isApiBehaviour(workspace: Workspace, stack: SynthesizedStack, distribution: TfResource, behaviour: Block): boolean {
  // CloudFront treats a pattern with and without its leading slash alike ("Path pattern",
  // CloudFront Developer Guide); path_pattern is required on ordered behaviours.
  return /^\/?api(\/|\*|$)/.test(String(behaviour.path_pattern)) || targetKind(workspace, stack, distribution, behaviour) === "http-api";
}

export const apiNeverCached: Rule = {
  id: "REL-2",
  severity: "error",
  title: "/api/* (and every behaviour to an API Gateway origin) is never cached at the edge",
  controls: {},
  fix: "Use the managed CachingDisabled policy on the API behaviour (SsrDistribution does); an API response cached for one viewer would be served to the next.",
  check: ({ stack, workspace }) => {
    const api = distributions(stack).flatMap((distribution) =>
      asBlocks(distribution.config.ordered_cache_behavior)
        .filter((behaviour) => isApiBehaviour(workspace, stack, distribution, behaviour))
        .map((behaviour) => ({ distribution, behaviour })),
    );
    return checkEach(api, "no API behaviours in this stack", ({ distribution, behaviour }): Finding | undefined => {
      const ttls = ttlsOf(workspace, stack, behaviour);
      const label = `behaviour ${show(behaviour.path_pattern)}`;
      if (typeof ttls === "string") return { resource: distribution.address, message: `${label}: ${ttls}` };
      return ttls.max === 0 ? undefined : { resource: distribution.address, message: `${label} may cache API responses for up to ${ttls.max} s (${ttls.source})` };
    });
  },
};

export const hashedAssetsLongCached: Rule = {
  id: "REL-3",
  severity: "error",
  title: "Behaviours serving a prefix of the assets bucket (hashed, immutable files) cache them: maximum TTL of a year, default above 0",
  controls: {},
  fix: "Use the managed CachingOptimized policy on asset prefixes (SsrDistribution does); sync-assets uploads hashed files with Cache-Control: public, max-age=31536000, immutable. Files whose names do not change (BUILD_ID, robots.txt) get exact-path behaviours, which this rule leaves alone.",
  check: ({ stack, workspace }) => {
    const assets = distributions(stack).flatMap((distribution) =>
      asBlocks(distribution.config.ordered_cache_behavior)
        .filter((b) => String(b.path_pattern).endsWith("/*") && targetKind(workspace, stack, distribution, b) === "s3")
        .map((behaviour) => ({ distribution, behaviour })),
    );
    return checkEach(assets, "no behaviours serve a prefix of an S3 origin in this stack", ({ distribution, behaviour }): Finding | undefined => {
      const ttls = ttlsOf(workspace, stack, behaviour);
      const label = `behaviour ${show(behaviour.path_pattern)}`;
      if (typeof ttls === "string") return { resource: distribution.address, message: `${label}: ${ttls}` };
      if (ttls.max >= ONE_YEAR_SECONDS && ttls.default > 0) return undefined;
      return { resource: distribution.address, message: `${label} caches hashed assets at most ${ttls.max} s (default ${ttls.default} s, ${ttls.source}); they never change, so every extra origin fetch is waste (at least ${ONE_YEAR_SECONDS} s)` };
    });
  },
};

export const apiThrottledFromConfig: Rule = {
  id: "REL-4",
  severity: "error",
  title: "Every HTTP API stage throttles its routes with the environment's api.throttlingRateLimit and api.throttlingBurstLimit",
  controls: {},
  fix: "Pass env.api.throttlingRateLimit and env.api.throttlingBurstLimit to LambdaHttpApi (AppStack does); per-route settings may only lower them.",
  check: ({ stack, env }) =>
    checkEach(stack.resourcesOfType("aws_apigatewayv2_stage"), "no API Gateway v2 stages in this stack", (stage): Finding[] => {
      const block = asBlock(stage.config.default_route_settings);
      const defaults = block ?? {};
      const expected = env && { name: env.name, throttling_rate_limit: env.api.throttlingRateLimit, throttling_burst_limit: env.api.throttlingBurstLimit };
      const findings: Finding[] = [];
      const at = (message: string) => findings.push({ resource: stage.address, message });
      for (const key of ["throttling_rate_limit", "throttling_burst_limit"] as const) {
        const seen = asNumber(defaults[key]);
        // Without default_route_settings the stage has no limits of its own; inside it, an
        // unset limit is sent as 0, and 0 lets no request through (429 on every request:
        // hashicorp/terraform-provider-aws#14742, and the provider's default of 0 in #43307).
        // `!(seen > 0)` so NaN, a limit that is not a number, fails too.
        if (block === undefined) at(`default_route_settings.${key} is unset, so the stage takes the account's limits (10,000 requests/s shared by every API)`);
        else if (!(seen > 0)) at(`default_route_settings.${key} is ${show(defaults[key])}, not a positive number: 0 (what an unset limit is sent as) lets no request through, API Gateway answers 429`);
        else if (expected && seen !== expected[key]) at(`default_route_settings.${key} is ${seen}, but environment ${expected.name} configures ${expected[key]}`);
      }
      for (const route of asBlocks(stage.config.route_settings)) {
        for (const key of ["throttling_rate_limit", "throttling_burst_limit"] as const) {
          const [raised, limit] = [asNumber(route[key]), asNumber(defaults[key])];
          if (raised > limit) at(`route ${show(route.route_key)} raises ${key} to ${raised} above the stage's ${limit}`);
        }
      }
      return findings;
    }),
};

interface EntryPoint {
  readonly resource: TfResource;
  /** What the entry point invokes: the function or alias reference. */
  readonly target: unknown;
  /** The alias qualifier, for entry points that name function and alias separately. */
  readonly qualifier?: unknown;
  readonly what: string;
}

/** Everything that sends traffic to a function: URLs, permissions, API integrations, event sources. */
function entryPoints(stack: SynthesizedStack): EntryPoint[] {
  return [
    ...stack.resourcesOfType("aws_lambda_function_url").map((r) => ({ resource: r, target: r.config.function_name, qualifier: r.config.qualifier ?? null, what: "function URL" })),
    ...stack.resourcesOfType("aws_lambda_permission").map((r) => ({ resource: r, target: r.config.function_name, qualifier: r.config.qualifier ?? null, what: `permission for ${show(r.config.principal)}` })),
    ...stack
      .resourcesOfType("aws_apigatewayv2_integration")
      .filter((r) => referencesIn(r.config.integration_uri).some((ref) => ref.type.startsWith("aws_lambda_")) || /:lambda:|lambda:path/.test(String(r.config.integration_uri)))
      .map((r) => ({ resource: r, target: r.config.integration_uri, what: "API integration" })),
    ...stack.resourcesOfType("aws_lambda_event_source_mapping").map((r) => ({ resource: r, target: r.config.function_name, what: "event source mapping" })),
  ];
}

export const servedThroughLiveAlias: Rule = {
  id: "REL-6",
  severity: "error",
  title: `Every function the app serves is published and reached only through its "${LIVE_ALIAS}" alias (function URL, permissions, API integrations, event sources), never $LATEST or the bare function`,
  controls: {},
  fix: `Point the entry point at the alias: qualifier = the alias name on URLs and permissions, the alias ARN in API integrations and event source mappings; create the function with publish = true and a "${LIVE_ALIAS}" alias (modules/app-function.ts does). Otherwise a deploy changes what is served without a release, and a rollback cannot undo it.`,
  check: (context: RuleContext) => {
    const { stack, workspace } = context;
    const points = entryPoints(stack);
    if (points.length === 0) return notApplicable("nothing in this stack invokes a Lambda function");
    const findings = points.flatMap((point) => entryPointProblems(workspace, stack, point).map((message) => ({ resource: point.resource.address, message })));
    return checked(points.length, findings);
  },
};

function entryPointProblems(workspace: Workspace, stack: SynthesizedStack, point: EntryPoint): string[] {
  const targets = workspace.targets(stack, point.target);
  const aliases = targets.filter((t) => t.resource.type === "aws_lambda_alias");
  const functions = targets.filter((t) => t.resource.type === "aws_lambda_function");
  if (point.qualifier === undefined) {
    // The target itself must be the alias (its ARN or invoke ARN).
    if (aliases.length === 0) {
      return functions.length > 0
        ? [`${point.what} invokes ${functions[0].resource.address}.${functions[0].attribute} itself, not its "${LIVE_ALIAS}" alias`]
        : [`${point.what} invokes ${show(point.target)}, which is not a Lambda alias in the scanned stacks`];
    }
    return aliases.flatMap((a) => aliasProblems(workspace, a.stack, a.resource, point.what));
  }
  const qualifier = point.qualifier;
  if (qualifier === null || qualifier === "") return [`${point.what} has no qualifier, so it serves the unqualified function ($LATEST), not the "${LIVE_ALIAS}" alias`];
  const literal = literalString(qualifier);
  if (literal !== undefined) {
    if (literal !== LIVE_ALIAS) return [`${point.what} has qualifier ${show(literal)}, not the "${LIVE_ALIAS}" alias`];
    return functions.flatMap((f) => publishProblems(f.resource, point.what));
  }
  const qualifierAliases = workspace.targets(stack, qualifier).filter((t) => t.resource.type === "aws_lambda_alias");
  if (qualifierAliases.length === 0) return [`${point.what} has qualifier ${show(qualifier)}, which is not a Lambda alias in the scanned stacks`];
  return qualifierAliases.flatMap((a) => aliasProblems(workspace, a.stack, a.resource, point.what));
}

function aliasProblems(workspace: Workspace, stack: SynthesizedStack, alias: TfResource, what: string): string[] {
  if (alias.config.name !== LIVE_ALIAS) return [`${what} goes through alias ${show(alias.config.name)}, not "${LIVE_ALIAS}", which release/rollback move`];
  const functions = workspace.targets(stack, alias.config.function_name).filter((t) => t.resource.type === "aws_lambda_function");
  return functions.flatMap((f) => publishProblems(f.resource, what));
}

function publishProblems(fn: TfResource, what: string): string[] {
  return fn.config.publish === true ? [] : [`${what} reaches ${fn.address}, which is not published (publish = ${show(fn.config.publish)}), so its alias can only serve $LATEST`];
}

export const RELEASE_RULES: readonly Rule[] = [pagesNeverCached, apiNeverCached, hashedAssetsLongCached, apiThrottledFromConfig, servedThroughLiveAlias];
