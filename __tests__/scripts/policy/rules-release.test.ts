import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformStack } from "cdktf";
import { alarmName } from "../../../lib/naming";
import { LambdaHttpApi, type LambdaHttpApiProps } from "../../../modules/http-api";
import { LambdaFunctionAlarms } from "../../../modules/monitoring/lambda-function-alarms";
import { MANAGED_POLICY } from "../../../modules/ssr-distribution";
import type { AppFunction } from "../../../modules/app-function";
import { DEV, ssrDistribution as cdn, ssrFunction, status, synthStack, violations } from "./support";

const ssr = (stack: TerraformStack, id = "Ssr", functionName = "acme-web-dev-ssr") => ssrFunction(stack, { functionName }, id);

const DISTRIBUTION = "aws_cloudfront_distribution.Cdn_Distribution_FF4F7041";

function httpApi(stack: TerraformStack, fn: AppFunction, props: Partial<LambdaHttpApiProps> = {}): LambdaHttpApi {
  return new LambdaHttpApi(stack, "HttpApi", { apiName: "api", aliasArn: fn.alias.arn, functionName: fn.function.functionName, aliasName: "live", logRetentionDays: 7, ...props });
}

/** Index of each ordered behaviour SsrDistribution creates. */
const ASSETS_BEHAVIOUR = 0;
const API_BEHAVIOUR = 1;

describe("REL-1 pages never cached at the edge", () => {
  it("passes SsrDistribution (CachingDisabled)", () => {
    expect(violations(synthStack((s) => cdn(s)), "REL-1")).toEqual([]);
  });

  it("flags a default behaviour on CachingOptimized", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride("default_cache_behavior.cache_policy_id", MANAGED_POLICY.cachingOptimized));
    expect(violations(workspace, "REL-1")).toEqual([
      [DISTRIBUTION, "default behaviour may cache pages for up to 31536000 s (the managed CachingOptimized policy): after a release or rollback viewers would keep the old HTML"],
    ]);
  });

  it("flags a custom cache policy that honours the origin's Cache-Control for a minute", () => {
    const workspace = synthStack((s) => {
      const policy = new CloudfrontCachePolicy(s, "Pages", {
        name: "pages",
        minTtl: 0,
        defaultTtl: 0,
        maxTtl: 60,
        parametersInCacheKeyAndForwardedToOrigin: {
          cookiesConfig: { cookieBehavior: "none" },
          headersConfig: { headerBehavior: "none" },
          queryStringsConfig: { queryStringBehavior: "none" },
        },
      });
      cdn(s).distribution.addOverride("default_cache_behavior.cache_policy_id", policy.id);
    });
    expect(violations(workspace, "REL-1")).toEqual([
      [DISTRIBUTION, "default behaviour may cache pages for up to 60 s (aws_cloudfront_cache_policy.Pages): after a release or rollback viewers would keep the old HTML"],
    ]);
  });

  it("flags a cache policy id it cannot judge instead of passing it", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride("default_cache_behavior.cache_policy_id", "11111111-2222-3333-4444-555555555555"));
    expect(violations(workspace, "REL-1")).toEqual([
      [DISTRIBUTION, 'default behaviour: cache_policy_id "11111111-2222-3333-4444-555555555555" is not a managed policy this gate knows, so its TTLs cannot be checked'],
    ]);
  });
});

describe("REL-2 /api/* never cached", () => {
  it("passes SsrDistribution", () => {
    expect(violations(synthStack((s) => cdn(s)), "REL-2")).toEqual([]);
  });

  it("flags an API behaviour that caches", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride(`ordered_cache_behavior.${API_BEHAVIOUR}.cache_policy_id`, MANAGED_POLICY.cachingOptimized));
    expect(violations(workspace, "REL-2")).toEqual([[DISTRIBUTION, 'behaviour "/api/*" may cache API responses for up to 31536000 s (the managed CachingOptimized policy)']]);
  });

  it("finds the API behaviour by its API Gateway origin when the path is not /api/*", () => {
    const workspace = synthStack((s) => {
      const { distribution } = cdn(s);
      distribution.addOverride(`ordered_cache_behavior.${API_BEHAVIOUR}.path_pattern`, "/graphql");
      distribution.addOverride(`ordered_cache_behavior.${API_BEHAVIOUR}.cache_policy_id`, MANAGED_POLICY.cachingOptimized);
    });
    expect(violations(workspace, "REL-2").map(([, message]) => message)).toEqual([expect.stringMatching(/^behaviour "\/graphql" may cache API responses/)]);
  });
});

describe("REL-3 hashed assets long-cached", () => {
  it("passes SsrDistribution (CachingOptimized on /assets/*)", () => {
    expect(violations(synthStack((s) => cdn(s)), "REL-3")).toEqual([]);
  });

  it("flags an asset prefix that is not cached", () => {
    const workspace = synthStack((s) => cdn(s).distribution.addOverride(`ordered_cache_behavior.${ASSETS_BEHAVIOUR}.cache_policy_id`, MANAGED_POLICY.cachingDisabled));
    expect(violations(workspace, "REL-3")).toEqual([
      [
        DISTRIBUTION,
        'behaviour "/assets/*" caches hashed assets at most 0 s (default 0 s, the managed CachingDisabled policy); they never change, so every extra origin fetch is waste (at least 31536000 s)',
      ],
    ]);
  });

  it("leaves an exact-path S3 behaviour (a file whose name does not change) alone", () => {
    const workspace = synthStack((s) => {
      const { distribution } = cdn(s);
      distribution.addOverride(`ordered_cache_behavior.${ASSETS_BEHAVIOUR}.path_pattern`, "/BUILD_ID");
      distribution.addOverride(`ordered_cache_behavior.${ASSETS_BEHAVIOUR}.cache_policy_id`, MANAGED_POLICY.cachingDisabled);
    });
    expect(status(workspace, "REL-3")).toBe("not-applicable");
  });
});

describe("REL-4 API throttling from config", () => {
  it("passes a stage with the environment's limits", () => {
    const workspace = synthStack((s) => httpApi(s, ssr(s), { throttlingRateLimit: DEV.api.throttlingRateLimit, throttlingBurstLimit: DEV.api.throttlingBurstLimit }));
    expect(violations(workspace, "REL-4")).toEqual([]);
  });

  it("flags a stage whose limits differ from the environment's", () => {
    const workspace = synthStack((s) => httpApi(s, ssr(s), { throttlingRateLimit: DEV.api.throttlingRateLimit + 1, throttlingBurstLimit: DEV.api.throttlingBurstLimit }));
    expect(violations(workspace, "REL-4")).toEqual([
      [
        "aws_apigatewayv2_stage.HttpApi_DefaultStage_34399C39",
        `default_route_settings.throttling_rate_limit is ${DEV.api.throttlingRateLimit + 1}, but environment dev configures ${DEV.api.throttlingRateLimit}`,
      ],
    ]);
  });

  it("flags a stage without throttling", () => {
    const workspace = synthStack((s) => httpApi(s, ssr(s)).stage.addOverride("default_route_settings", null));
    expect(violations(workspace, "REL-4").map(([, message]) => message)).toEqual([
      "default_route_settings.throttling_rate_limit is unset, so the stage takes the account's limits (10,000 requests/s shared by every API)",
      "default_route_settings.throttling_burst_limit is unset, so the stage takes the account's limits (10,000 requests/s shared by every API)",
    ]);
  });
});

describe("REL-5 canary alarms for every released function", () => {
  const FUNCTION = "aws_lambda_function.Ssr_Function_64DAD378";
  const alarms = (s: TerraformStack, fn: AppFunction, name = (what: string) => alarmName(DEV, `ssr-${what}`)) =>
    new LambdaFunctionAlarms(s, "SsrAlarms", {
      alarmName: name,
      topicArns: ["arn:aws:sns:eu-west-1:111111111111:acme-web-dev-alarms"],
      evaluation: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
      functionName: fn.function.functionName,
      timeoutSeconds: 10,
      thresholds: { errorRatePercent: 1, throttles: 1, durationP99TimeoutFraction: 0.8, durationP90TimeoutFraction: 0.5, concurrencyPercent: 80 },
    });

  it("passes LambdaFunctionAlarms named with the environment's prefix", () => {
    expect(violations(synthStack((s) => alarms(s, ssr(s))), "REL-5")).toEqual([]);
  });

  it("flags error alarms whose names the canary does not list", () => {
    expect(violations(synthStack((s) => alarms(s, ssr(s), (what) => `web-${what}`)), "REL-5")).toEqual([
      [FUNCTION, 'function acme-web-dev-ssr is released through "live" but no alarm on its Errors is named acme-web-dev-… in eu-west-1 or us-east-1 with actions enabled, so a canary would not notice it failing'],
    ]);
  });

  it("flags a released function whose only alarm watches something other than Errors", () => {
    const workspace = synthStack((s) => {
      const fn = ssr(s);
      new CloudwatchMetricAlarm(s, "Throttles", {
        alarmName: alarmName(DEV, "ssr-throttles"),
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        dimensions: { FunctionName: fn.function.functionName },
        alarmActions: ["arn:aws:sns:eu-west-1:111111111111:acme-web-dev-alarms"],
      });
    });
    expect(violations(workspace, "REL-5").map(([resource]) => resource)).toEqual([FUNCTION]);
  });

  it("does not apply to a stack without live aliases", () => {
    expect(status(synthStack((s) => cdn(s)), "REL-5")).toBe("not-applicable");
  });
});

describe("REL-6 served only through the live alias", () => {
  it("passes AppFunction with its URL and HTTP API", () => {
    expect(violations(synthStack((s) => httpApi(s, ssr(s))), "REL-6")).toEqual([]);
  });

  it("flags a function URL on the unqualified function", () => {
    const workspace = synthStack((s) => new LambdaFunctionUrl(s, "Direct", { functionName: ssr(s).function.functionName, authorizationType: "AWS_IAM" }));
    expect(violations(workspace, "REL-6")).toEqual([
      ["aws_lambda_function_url.Direct", 'function URL has no qualifier, so it serves the unqualified function ($LATEST), not the "live" alias'],
    ]);
  });

  it("flags an API integration with the function instead of its alias", () => {
    const workspace = synthStack((s) => {
      const api = new Apigatewayv2Api(s, "Api", { name: "direct", protocolType: "HTTP" });
      new Apigatewayv2Integration(s, "Direct", { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: ssr(s).function.invokeArn, payloadFormatVersion: "2.0" });
    });
    expect(violations(workspace, "REL-6")).toEqual([[
      "aws_apigatewayv2_integration.Direct",
      'API integration invokes aws_lambda_function.Ssr_Function_64DAD378.invoke_arn itself, not its "live" alias',
    ]]);
  });

  it("flags an event source mapping on the bare function", () => {
    const workspace = synthStack((s) => {
      const queue = new SqsQueue(s, "Queue", { name: "revalidation.fifo", fifoQueue: true, sqsManagedSseEnabled: true });
      new LambdaEventSourceMapping(s, "Revalidation", { eventSourceArn: queue.arn, functionName: ssr(s, "Revalidate", "acme-web-dev-revalidate").function.arn });
    });
    expect(violations(workspace, "REL-6")).toEqual([[
      "aws_lambda_event_source_mapping.Revalidation",
      'event source mapping invokes aws_lambda_function.Revalidate_Function_660B60CF.arn itself, not its "live" alias',
    ]]);
  });

  it("passes an event source mapping on the live alias", () => {
    const workspace = synthStack((s) => {
      const queue = new SqsQueue(s, "Queue", { name: "revalidation.fifo", fifoQueue: true, sqsManagedSseEnabled: true });
      new LambdaEventSourceMapping(s, "Revalidation", { eventSourceArn: queue.arn, functionName: ssr(s, "Revalidate", "acme-web-dev-revalidate").alias.arn });
    });
    expect(violations(workspace, "REL-6")).toEqual([]);
  });

  it("flags a live alias of a function that is not published", () => {
    const workspace = synthStack((s) => ssr(s).function.addOverride("publish", false));
    expect(violations(workspace, "REL-6")).toEqual([
      ["aws_lambda_function_url.Ssr_Url_D09A8986", "function URL reaches aws_lambda_function.Ssr_Function_64DAD378, which is not published (publish = false), so its alias can only serve $LATEST"],
    ]);
  });
});
