/**
 * The release and monitoring rules' decisions (scripts/policy/rules/release.ts: REL-1 pages,
 * REL-2 API, REL-3 hashed assets, REL-4 throttling, REL-6 live alias; monitoring.ts: MON-1
 * alarms, REL-5 canary alarms), one at a time, on hand-written Terraform JSON: each test runs
 * one rule's check over a stack of a few resources, without synthesizing anything.
 * rules-release.test.ts and rules-platform.test.ts run the same rules over stacks the real
 * constructs synthesize.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Rule, RuleOutcome } from "../../../scripts/policy/rule";
import { canaryAlarmsPerFunction, monitoringAlarms } from "../../../scripts/policy/rules/monitoring";
import { apiNeverCached, apiThrottledFromConfig, hashedAssetsLongCached, pagesNeverCached, servedThroughLiveAlias } from "../../../scripts/policy/rules/release";
import { Workspace } from "../../../scripts/policy/workspace";

/** The fields these rules read of an environment. */
const environment = (name: string) =>
  ({ name, project: "acme-web", account: { id: "111111111111", region: "eu-west-1" }, api: { throttlingRateLimit: 50, throttlingBurstLimit: 100 } }) as unknown as EnvironmentConfig;

/**
 * What a rule decides about stack `dev-app` of this Terraform JSON (`{ resource, data, provider }`),
 * beside the other stacks given (`prod-…` stacks belong to prod, `dev-…` ones to dev).
 * `dev: false` makes `dev-app` a stack of no environment.
 */
function outcomeOf(rule: Rule, json: object, { others = {}, dev = true }: { others?: Record<string, object>; dev?: boolean } = {}): RuleOutcome {
  const stack = new SynthesizedStack("dev-app", "cdk.tf.json", "cdktf.out", json);
  const stacks = [stack, ...Object.entries(others).map(([id, other]) => new SynthesizedStack(id, "cdk.tf.json", "cdktf.out", other))];
  const environments = { dev: environment("dev"), prod: environment("prod") };
  const environmentOf = (s: SynthesizedStack) => (s === stack && !dev ? undefined : environments[s.id.split("-")[0] as "dev" | "prod"]);
  return rule.check({ stack, workspace: new Workspace(stacks), env: environmentOf(stack), environments: Object.values(environments), environmentOf, now: new Date("2025-06-01T00:00:00Z") });
}

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
function findings(rule: Rule, json: object, options?: { others?: Record<string, object>; dev?: boolean }): [string, string][] {
  const result = outcomeOf(rule, json, options);
  if (result.kind !== "checked") throw new Error(`${rule.id} did not check the stack: ${result.kind} (${result.reason})`);
  return result.findings.map((f) => [f.resource, f.message]);
}

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const YEAR = 31_536_000;

/** A distribution `D` with an S3 origin `S3`, this default behaviour and these ordered behaviours. */
function distribution(defaultBehaviour: object | undefined, ...ordered: object[]) {
  return {
    aws_cloudfront_distribution: {
      D: {
        origin: [{ origin_id: "S3", domain_name: "acme-web-dev-assets.s3.eu-west-1.amazonaws.com" }],
        ...(defaultBehaviour ? { default_cache_behavior: { target_origin_id: "S3", ...defaultBehaviour } } : {}),
        ordered_cache_behavior: ordered.map((b) => ({ target_origin_id: "S3", ...b })),
      },
    },
  };
}
const D = "aws_cloudfront_distribution.D";

describe("REL-1 how long the default behaviour may cache pages", () => {
  it("does not apply to a stack without distributions, and says so", () => {
    expect(outcomeOf(pagesNeverCached, { resource: { aws_s3_bucket: { B: { bucket: "b" } } } })).toEqual({ kind: "not-applicable", reason: "no CloudFront distributions in this stack" });
  });

  it("flags a distribution without a default behaviour", () => {
    expect(findings(pagesNeverCached, { resource: distribution(undefined) })).toEqual([[D, "has no default_cache_behavior"]]);
  });

  it("passes a behaviour without a cache policy whose legacy max_ttl is 0", () => {
    expect(findings(pagesNeverCached, { resource: distribution({ min_ttl: 0, default_ttl: 0, max_ttl: 0 }) })).toEqual([]);
  });

  it("reads a legacy max_ttl written as the string \"0\" as 0, not as the provider's default year", () => {
    expect(findings(pagesNeverCached, { resource: distribution({ min_ttl: "0", default_ttl: "0", max_ttl: "0" }) })).toEqual([]);
  });

  it("reads an empty cache_policy_id as no cache policy (legacy max_ttl 0 passes)", () => {
    expect(findings(pagesNeverCached, { resource: distribution({ cache_policy_id: "", default_ttl: 0, max_ttl: 0 }) })).toEqual([]);
  });

  it("takes the provider's default maximum (a year) for an unset legacy max_ttl", () => {
    expect(findings(pagesNeverCached, { resource: distribution({ default_ttl: 0 }) })).toEqual([
      [D, `default behaviour may cache pages for up to ${YEAR} s (its legacy TTL settings): after a release or rollback viewers would keep the old HTML`],
    ]);
  });

  it("does not take another kind of policy for a cache policy", () => {
    const resource = { ...distribution({ cache_policy_id: "${aws_cloudfront_origin_request_policy.O.id}" }), aws_cloudfront_origin_request_policy: { O: { name: "o" } } };
    expect(findings(pagesNeverCached, { resource })).toEqual([[D, 'default behaviour: cannot tell which cache policy "${aws_cloudfront_origin_request_policy.O.id}" is']]);
  });

  it("passes the managed CachingDisabled policy looked up by its name", () => {
    const json = { resource: distribution({ cache_policy_id: "${data.aws_cloudfront_cache_policy.C.id}" }), data: { aws_cloudfront_cache_policy: { C: { name: "Managed-CachingDisabled" } } } };
    expect(findings(pagesNeverCached, json)).toEqual([]);
  });

  it("reads the managed policy a data source looks up by id (CachingOptimized caches for a year)", () => {
    const json = { resource: distribution({ cache_policy_id: "${data.aws_cloudfront_cache_policy.C.id}" }), data: { aws_cloudfront_cache_policy: { C: { id: CACHING_OPTIMIZED } } } };
    expect(findings(pagesNeverCached, json)).toEqual([
      [D, `default behaviour may cache pages for up to ${YEAR} s (the managed CachingOptimized policy (data.aws_cloudfront_cache_policy.C)): after a release or rollback viewers would keep the old HTML`],
    ]);
  });

  it("does not take a policy looked up as CachingDisabled, without Managed-, for the managed one", () => {
    const json = { resource: distribution({ cache_policy_id: "${data.aws_cloudfront_cache_policy.C.id}" }), data: { aws_cloudfront_cache_policy: { C: { name: "CachingDisabled" } } } };
    expect(findings(pagesNeverCached, json)).toEqual([[D, 'default behaviour: cannot tell which cache policy "${data.aws_cloudfront_cache_policy.C.id}" is']]);
  });

  it("knows UseOriginCacheControlHeaders by its name without Managed- (it may cache for a year)", () => {
    const json = { resource: distribution({ cache_policy_id: "${data.aws_cloudfront_cache_policy.C.id}" }), data: { aws_cloudfront_cache_policy: { C: { name: "UseOriginCacheControlHeaders" } } } };
    expect(findings(pagesNeverCached, json)).toEqual([
      [D, `default behaviour may cache pages for up to ${YEAR} s (the managed UseOriginCacheControlHeaders policy (data.aws_cloudfront_cache_policy.C)): after a release or rollback viewers would keep the old HTML`],
    ]);
  });
});

describe("REL-2 which behaviours are the API's", () => {
  const disabled = { cache_policy_id: CACHING_DISABLED };

  it("does not take a pattern with api further down (/v1/api/*) for the API, and says there is none", () => {
    expect(outcomeOf(apiNeverCached, { resource: distribution(disabled, { path_pattern: "/v1/api/*", cache_policy_id: CACHING_OPTIMIZED }) })).toEqual({
      kind: "not-applicable",
      reason: "no API behaviours in this stack",
    });
  });

  it("takes api/* without its leading slash for the API", () => {
    expect(findings(apiNeverCached, { resource: distribution(disabled, { path_pattern: "api/*", cache_policy_id: CACHING_OPTIMIZED }) })).toEqual([
      [D, `behaviour "api/*" may cache API responses for up to ${YEAR} s (the managed CachingOptimized policy)`],
    ]);
  });

  it("takes the exact path /api for the API", () => {
    expect(findings(apiNeverCached, { resource: distribution(disabled, { path_pattern: "/api", cache_policy_id: CACHING_OPTIMIZED }) })).toEqual([
      [D, `behaviour "/api" may cache API responses for up to ${YEAR} s (the managed CachingOptimized policy)`],
    ]);
  });

  it("flags an API behaviour whose cache policy id it does not know", () => {
    expect(findings(apiNeverCached, { resource: distribution(disabled, { path_pattern: "/api/*", cache_policy_id: "abc" }) })).toEqual([
      [D, 'behaviour "/api/*": cache_policy_id "abc" is not a managed policy this gate knows, so its TTLs cannot be checked'],
    ]);
  });
});

describe("REL-3 how long asset prefixes are cached", () => {
  const disabled = { cache_policy_id: CACHING_DISABLED };
  const message = (max: number, def: number) =>
    `behaviour "/assets/*" caches hashed assets at most ${max} s (default ${def} s, its legacy TTL settings); they never change, so every extra origin fetch is waste (at least ${YEAR} s)`;

  it("does not apply when no behaviour serves a prefix of an S3 origin, and says so", () => {
    expect(outcomeOf(hashedAssetsLongCached, { resource: distribution(disabled, { path_pattern: "/robots.txt" }) })).toEqual({
      kind: "not-applicable",
      reason: "no behaviours serve a prefix of an S3 origin in this stack",
    });
  });

  it("flags an asset prefix whose cache policy id it does not know", () => {
    expect(findings(hashedAssetsLongCached, { resource: distribution(disabled, { path_pattern: "/assets/*", cache_policy_id: "abc" }) })).toEqual([
      [D, 'behaviour "/assets/*": cache_policy_id "abc" is not a managed policy this gate knows, so its TTLs cannot be checked'],
    ]);
  });

  it("flags an asset prefix kept a year at most but by default not at all (default_ttl 0)", () => {
    expect(findings(hashedAssetsLongCached, { resource: distribution(disabled, { path_pattern: "/assets/*", default_ttl: 0, max_ttl: YEAR }) })).toEqual([[D, message(YEAR, 0)]]);
  });

  it("flags an asset prefix kept an hour", () => {
    expect(findings(hashedAssetsLongCached, { resource: distribution(disabled, { path_pattern: "/assets/*", default_ttl: 3600, max_ttl: 3600 }) })).toEqual([[D, message(3600, 3600)]]);
  });

  it("passes an asset prefix on the legacy defaults (a day by default, a year at most)", () => {
    expect(findings(hashedAssetsLongCached, { resource: distribution(disabled, { path_pattern: "/assets/*" }) })).toEqual([]);
  });
});

describe("REL-4 the stage's throttling", () => {
  const STAGE = "aws_apigatewayv2_stage.S";
  const stage = (config: object) => ({ resource: { aws_apigatewayv2_stage: { S: { name: "$default", ...config } } } });
  const limits = { throttling_rate_limit: 50, throttling_burst_limit: 100 };

  it("does not apply to a stack without stages, and says so", () => {
    expect(outcomeOf(apiThrottledFromConfig, { resource: { aws_s3_bucket: { B: { bucket: "b" } } } })).toEqual({ kind: "not-applicable", reason: "no API Gateway v2 stages in this stack" });
  });

  it("flags a stage without default_route_settings, which takes the account's limits", () => {
    expect(findings(apiThrottledFromConfig, stage({}))).toEqual([
      [STAGE, "default_route_settings.throttling_rate_limit is unset, so the stage takes the account's limits (10,000 requests/s shared by every API)"],
      [STAGE, "default_route_settings.throttling_burst_limit is unset, so the stage takes the account's limits (10,000 requests/s shared by every API)"],
    ]);
  });

  it("flags a burst limit other than the environment's", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: 50, throttling_burst_limit: 200 } }))).toEqual([
      [STAGE, "default_route_settings.throttling_burst_limit is 200, but environment dev configures 100"],
    ]);
  });

  it("flags limits of 0, which refuse every request", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: 0, throttling_burst_limit: 100 } }))).toEqual([
      [STAGE, "default_route_settings.throttling_rate_limit is 0, not a positive number: 0 (what an unset limit is sent as) lets no request through, API Gateway answers 429"],
    ]);
  });

  it("flags a limit left unset inside default_route_settings (sent as 0)", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: 50 } }))).toEqual([
      [STAGE, "default_route_settings.throttling_burst_limit is unset, not a positive number: 0 (what an unset limit is sent as) lets no request through, API Gateway answers 429"],
    ]);
  });

  it("passes any positive limits on a stack of no environment", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: 7, throttling_burst_limit: 9 } }), { dev: false })).toEqual([]);
  });

  it("flags a route that raises the stage's rate limit", () => {
    const json = stage({ default_route_settings: limits, route_settings: [{ route_key: "GET /x", throttling_rate_limit: 500 }] });
    expect(findings(apiThrottledFromConfig, json)).toEqual([[STAGE, 'route "GET /x" raises throttling_rate_limit to 500 above the stage\'s 50']]);
  });

  it("reads limits written as numeric strings as Terraform does: as numbers", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: "50", throttling_burst_limit: "100" } }))).toEqual([]);
  });

  it("flags a limit written as a string that is not a number", () => {
    expect(findings(apiThrottledFromConfig, stage({ default_route_settings: { throttling_rate_limit: "fifty", throttling_burst_limit: 100 } }))).toEqual([
      [STAGE, 'default_route_settings.throttling_rate_limit is "fifty", not a positive number: 0 (what an unset limit is sent as) lets no request through, API Gateway answers 429'],
    ]);
  });

  it("flags a route that raises the stage's burst limit with a numeric string, against a stage limit written the same way", () => {
    const json = stage({ default_route_settings: { throttling_rate_limit: 50, throttling_burst_limit: "100" }, route_settings: [{ route_key: "GET /x", throttling_burst_limit: "500" }] });
    expect(findings(apiThrottledFromConfig, json)).toEqual([[STAGE, 'route "GET /x" raises throttling_burst_limit to 500 above the stage\'s 100']]);
  });

  it("passes a route whose limits equal the stage's", () => {
    const json = stage({ default_route_settings: limits, route_settings: [{ route_key: "GET /x", ...limits }] });
    expect(findings(apiThrottledFromConfig, json)).toEqual([]);
  });
});

describe("REL-6 what reaches a function", () => {
  const FN = { aws_lambda_function: { F: { function_name: "acme-web-dev-ssr", publish: true } } };
  const liveAlias = { aws_lambda_alias: { A: { name: "live", function_name: "${aws_lambda_function.F.function_name}" } } };
  const url = (qualifier: unknown, more: object = {}) => ({ resource: { ...FN, ...more, aws_lambda_function_url: { U: { function_name: "${aws_lambda_function.F.function_name}", qualifier } } } });
  const URL = "aws_lambda_function_url.U";

  it("does not apply to a stack whose only integration is an HTTP URL, and says so", () => {
    const json = { resource: { aws_apigatewayv2_integration: { I: { integration_type: "HTTP_PROXY", integration_uri: "https://example.com" } } } };
    expect(outcomeOf(servedThroughLiveAlias, json)).toEqual({ kind: "not-applicable", reason: "nothing in this stack invokes a Lambda function" });
  });

  it("does not take an integration with a load balancer for one with a function", () => {
    const json = { resource: { aws_lb_listener: { L: {} }, aws_apigatewayv2_integration: { I: { integration_type: "HTTP_PROXY", integration_uri: "${aws_lb_listener.L.arn}" } } } };
    expect(outcomeOf(servedThroughLiveAlias, json).kind).toBe("not-applicable");
  });

  it("flags a permission without a qualifier, naming its principal", () => {
    const json = { resource: { ...FN, aws_lambda_permission: { P: { function_name: "${aws_lambda_function.F.function_name}", principal: "cloudfront.amazonaws.com" } } } };
    expect(findings(servedThroughLiveAlias, json)).toEqual([
      ["aws_lambda_permission.P", 'permission for "cloudfront.amazonaws.com" has no qualifier, so it serves the unqualified function ($LATEST), not the "live" alias'],
    ]);
  });

  it("flags an event source mapping on something that is neither alias nor function", () => {
    const json = { resource: { aws_ssm_parameter: { P: { name: "fn" } }, aws_lambda_event_source_mapping: { E: { function_name: "${aws_ssm_parameter.P.value}" } } } };
    expect(findings(servedThroughLiveAlias, json)).toEqual([
      ["aws_lambda_event_source_mapping.E", 'event source mapping invokes "${aws_ssm_parameter.P.value}", which is not a Lambda alias in the scanned stacks'],
    ]);
  });

  it('flags a function URL whose qualifier is ""', () => {
    expect(findings(servedThroughLiveAlias, url(""))).toEqual([[URL, 'function URL has no qualifier, so it serves the unqualified function ($LATEST), not the "live" alias']]);
  });

  it("flags a function URL on another alias name", () => {
    expect(findings(servedThroughLiveAlias, url("canary"))).toEqual([[URL, 'function URL has qualifier "canary", not the "live" alias']]);
  });

  it("passes a function URL on the literal live alias of a published function", () => {
    expect(findings(servedThroughLiveAlias, url("live"))).toEqual([]);
  });

  it("flags a function URL whose qualifier is a function's version, not an alias", () => {
    expect(findings(servedThroughLiveAlias, url("${aws_lambda_function.F.version}"))).toEqual([
      [URL, 'function URL has qualifier "${aws_lambda_function.F.version}", which is not a Lambda alias in the scanned stacks'],
    ]);
  });

  it("flags a function URL through an alias that is not live", () => {
    const canary = { aws_lambda_alias: { A: { name: "canary", function_name: "${aws_lambda_function.F.function_name}" } } };
    expect(findings(servedThroughLiveAlias, url("${aws_lambda_alias.A.name}", canary))).toEqual([[URL, 'function URL goes through alias "canary", not "live", which release/rollback move']]);
  });

  it("passes a function URL through the live alias of a published function", () => {
    expect(findings(servedThroughLiveAlias, url("${aws_lambda_alias.A.name}", liveAlias))).toEqual([]);
  });

  it("asks publish only of functions: a live alias of a name read elsewhere passes", () => {
    const alias = { aws_ssm_parameter: { P: { name: "fn" } }, aws_lambda_alias: { A: { name: "live", function_name: "${aws_ssm_parameter.P.value}" } } };
    expect(findings(servedThroughLiveAlias, url("${aws_lambda_alias.A.name}", alias))).toEqual([]);
  });
});

const TOPIC = "arn:aws:sns:eu-west-1:111111111111:acme-web-dev-alarms";
const PROVIDER = { aws: [{ region: "eu-west-1" }] };
const FUNCTION = { F: { function_name: "acme-web-dev-ssr", publish: true } };
const F = "aws_lambda_function.F";

/** An alarm on AWS/Lambda Errors with these dimensions, notifying the topic. */
const errorsAlarm = (dimensions: object, more: object = {}) => ({
  alarm_name: "acme-web-dev-ssr-errors",
  namespace: "AWS/Lambda",
  metric_name: "Errors",
  dimensions,
  alarm_actions: [TOPIC],
  ...more,
});

describe("MON-1 which resources are in a notifying alarm's dimensions", () => {
  const stack = (alarms: object, more: object = {}) => ({ provider: PROVIDER, resource: { aws_lambda_function: FUNCTION, aws_cloudwatch_metric_alarm: alarms, ...more } });

  it("does not apply to a stack of no environment, and says so", () => {
    expect(outcomeOf(monitoringAlarms, stack({}), { dev: false })).toEqual({ kind: "not-applicable", reason: "stack belongs to no environment" });
  });

  it("does not apply to a stack without functions, APIs, tables, distributions or alarms, and says so", () => {
    expect(outcomeOf(monitoringAlarms, { resource: { aws_s3_bucket: { B: { bucket: "b" } } } })).toEqual({
      kind: "not-applicable",
      reason: "no functions, APIs, tables, distributions or alarms in this stack",
    });
  });

  it("checks a stack whose only resource is an alarm", () => {
    expect(outcomeOf(monitoringAlarms, { resource: { aws_cloudwatch_metric_alarm: { E: errorsAlarm({ FunctionName: "elsewhere" }) } } })).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("counts the function and the alarm naming it literally, and passes them", () => {
    expect(outcomeOf(monitoringAlarms, stack({ E: errorsAlarm({ FunctionName: "acme-web-dev-ssr" }) }))).toEqual({ kind: "checked", checked: 2, findings: [] });
  });

  it("takes the Resource dimension <function>:<alias> as naming the function", () => {
    expect(findings(monitoringAlarms, stack({ E: errorsAlarm({ Resource: "acme-web-dev-ssr:live" }) }))).toEqual([]);
  });

  it("does not take a dimension built with an expression for a literal name", () => {
    expect(findings(monitoringAlarms, stack({ E: errorsAlarm({ Resource: "acme-web-dev-ssr:${var.alias}" }) }))).toEqual([
      [F, "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 1 alarm)"],
    ]);
  });

  it("follows an alarm on a function's alias to the function", () => {
    const alias = { aws_lambda_alias: { A: { name: "live", function_name: "${aws_lambda_function.F.function_name}" } } };
    expect(findings(monitoringAlarms, stack({ E: errorsAlarm({ FunctionName: "${aws_lambda_alias.A.function_name}" }) }, alias))).toEqual([]);
  });

  it("says how to create alarms when the environment has none", () => {
    const result = outcomeOf(monitoringAlarms, { resource: { aws_lambda_function: FUNCTION } });
    expect(result).toEqual({
      kind: "checked",
      checked: 1,
      findings: [
        {
          resource: F,
          message: "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 0 alarms)",
          fix: "Environment dev has no alarms at all: create them with the monitoring constructs (modules/monitoring) as AppStack and DistributionStack do, named acme-web-dev-…, so the release canary watches them.",
        },
      ],
    });
  });

  it("gives no finding-specific fix when the environment has alarms, none on this function", () => {
    const result = outcomeOf(monitoringAlarms, { resource: { aws_lambda_function: FUNCTION } }, { others: { "dev-distribution": { resource: { aws_cloudwatch_metric_alarm: { E: errorsAlarm({ FunctionName: "other" }) } } } } });
    expect(result).toEqual({ kind: "checked", checked: 1, findings: [{ resource: F, message: "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 1 alarm)" }] });
  });

  it("does not count another environment's alarm on the same function name", () => {
    const prod = { resource: { aws_cloudwatch_metric_alarm: { E: errorsAlarm({ FunctionName: "acme-web-dev-ssr" }) } } };
    expect(findings(monitoringAlarms, { resource: { aws_lambda_function: FUNCTION } }, { others: { "prod-app": prod } })).toEqual([
      [F, "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 0 alarms)"],
    ]);
  });

  it("passes over a stack of no environment in the workspace, and does not count its alarms", () => {
    const shared = { resource: { aws_cloudwatch_metric_alarm: { E: errorsAlarm({ FunctionName: "acme-web-dev-ssr" }) } } };
    expect(findings(monitoringAlarms, { resource: { aws_lambda_function: FUNCTION } }, { others: { "shared-bootstrap": shared } })).toEqual([
      [F, "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 0 alarms)"],
    ]);
  });

  it('takes actions_enabled "false", which Terraform reads as false, for actions switched off', () => {
    expect(findings(monitoringAlarms, stack({ E: errorsAlarm({ FunctionName: "acme-web-dev-ssr" }, { actions_enabled: "false" }) }))).toEqual([
      [F, "function acme-web-dev-ssr is only in the dimensions of alarms that notify nobody"],
      ["aws_cloudwatch_metric_alarm.E", "alarm acme-web-dev-ssr-errors has actions_enabled false, so it notifies nobody"],
    ]);
  });

  it("takes an alarm whose only action is empty for one with no actions", () => {
    expect(findings(monitoringAlarms, stack({ E: errorsAlarm({ FunctionName: "acme-web-dev-ssr" }, { alarm_actions: [""] }) }))).toEqual([
      [F, "function acme-web-dev-ssr is only in the dimensions of alarms that notify nobody"],
      ["aws_cloudwatch_metric_alarm.E", "alarm acme-web-dev-ssr-errors has no alarm_actions, so it notifies nobody"],
    ]);
  });
});

describe("REL-5 which alarms the canary watches", () => {
  const live = { A: { name: "live", function_name: "${aws_lambda_function.F.function_name}" } };
  const stack = (alarm: object, more: object = {}) => ({
    provider: PROVIDER,
    resource: { aws_lambda_function: FUNCTION, aws_lambda_alias: live, aws_cloudwatch_metric_alarm: { E: alarm }, ...more },
  });
  const unwatched = [
    [F, 'function acme-web-dev-ssr is released through "live" but no alarm on its Errors is named acme-web-dev-… in eu-west-1 or us-east-1 with actions enabled, so a canary would not notice it failing'],
  ];

  it("does not apply to a stack of no environment, and says so", () => {
    expect(outcomeOf(canaryAlarmsPerFunction, stack(errorsAlarm({ FunctionName: "acme-web-dev-ssr" })), { dev: false })).toEqual({
      kind: "not-applicable",
      reason: "stack belongs to no environment (the canary releases environments)",
    });
  });

  it("does not apply to a stack whose aliases are not live, and says so", () => {
    const json = { resource: { aws_lambda_function: FUNCTION, aws_lambda_alias: { A: { name: "canary", function_name: "${aws_lambda_function.F.function_name}" } } } };
    expect(outcomeOf(canaryAlarmsPerFunction, json)).toEqual({ kind: "not-applicable", reason: 'no "live" aliases in this stack' });
  });

  it("passes an Errors alarm named with the prefix, in the environment's region, with actions", () => {
    expect(findings(canaryAlarmsPerFunction, stack(errorsAlarm({ FunctionName: "acme-web-dev-ssr" })))).toEqual([]);
  });

  it("does not count an alarm whose stack configures no provider region", () => {
    const json = { resource: stack(errorsAlarm({ FunctionName: "acme-web-dev-ssr" })).resource };
    expect(findings(canaryAlarmsPerFunction, json)).toEqual(unwatched);
  });

  it("does not count an alarm whose name is an expression", () => {
    expect(findings(canaryAlarmsPerFunction, stack(errorsAlarm({ FunctionName: "acme-web-dev-ssr" }, { alarm_name: "${var.name}" })))).toEqual(unwatched);
  });

  it("does not count an alarm on Errors of another namespace", () => {
    expect(findings(canaryAlarmsPerFunction, stack(errorsAlarm({ FunctionName: "acme-web-dev-ssr" }, { namespace: "Custom/App" })))).toEqual(unwatched);
  });

  it("asks alarms only of functions: a live alias of a name read elsewhere passes", () => {
    const json = {
      provider: PROVIDER,
      resource: { aws_ssm_parameter: { P: { name: "fn" } }, aws_lambda_alias: { A: { name: "live", function_name: "${aws_ssm_parameter.P.value}" } } },
    };
    expect(findings(canaryAlarmsPerFunction, json)).toEqual([]);
  });
});
