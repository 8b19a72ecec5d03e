/**
 * The alarms each environment gets once the stacks are synthesized: which metrics, which
 * statistics, thresholds from config, actions on every alarm, names under the canary's prefix.
 */
import { EnvironmentSchema } from "../../../environments/schema";
import { alarmNamePrefix } from "../../../lib/naming";
import { synthesizeApp, type StackJson } from "../../support/synth";
import { alarmNamed, alarmsOf, environment, environments, expressionOf, queryMetric, withAlarms } from "./helpers";

const shippedApp = synthesizeApp(environments);
const shipped = shippedApp.stacks;
const prodChanged = withAlarms(environment("prod"), {
  apiLatencyP95Ms: 1234,
  lambdaErrorRatePercent: 2.5,
  lambdaDurationP99TimeoutFraction: 0.9,
  cloudFront4xxRatePercent: 7,
  dynamoThrottledRequests: 5,
  periodSeconds: 300,
  evaluationPeriods: 4,
  datapointsToAlarm: 2,
});
const changed = synthesizeApp([prodChanged]).stacks;

const topicArn = (stack: StackJson) => `\${aws_sns_topic.${Object.keys(stack.resource.aws_sns_topic)[0]}.arn}`;
const name = (envName: string, what: string) => `acme-web-${envName}-${what}`;

describe.each(environments.map((env) => env.name))("alarms of %s", (envName) => {
  const app = shipped[`${envName}-app`];
  const distribution = shipped[`${envName}-distribution`];
  const all = () => [...alarmsOf(app), ...alarmsOf(distribution)];

  it("names every alarm under the environment's alarm prefix", () => {
    const prefix = alarmNamePrefix(environment(envName));
    expect(all().filter((a) => !a.alarm_name.startsWith(prefix))).toEqual([]);
  });

  it("sends ALARM and OK of every app alarm to the app stack's topic", () => {
    const actions = alarmsOf(app).map((a) => [a.alarm_actions, a.ok_actions]);
    expect(new Set(actions.flat(2))).toEqual(new Set([topicArn(app)]));
  });

  it("sends ALARM and OK of every CloudFront alarm to the us-east-1 topic beside it", () => {
    const actions = alarmsOf(distribution).map((a) => [a.alarm_actions, a.ok_actions]);
    expect(new Set(actions.flat(2))).toEqual(new Set([topicArn(distribution)]));
  });

  it("decides deliberately how to treat missing data on every alarm", () => {
    expect(all().filter((a) => a.treat_missing_data === undefined)).toEqual([]);
  });

  it("takes the M-of-N evaluation of every alarm from config", () => {
    const { evaluationPeriods, datapointsToAlarm } = environment(envName).alarms;
    expect(new Set(all().map((a) => `${a.datapoints_to_alarm} of ${a.evaluation_periods}`))).toEqual(
      new Set([`${datapointsToAlarm} of ${evaluationPeriods}`]),
    );
  });

  it("alarms on every table's throttled requests and system errors", () => {
    const tableAlarms = alarmsOf(app)
      .map((a) => a.alarm_name as string)
      .filter((n) => n.includes("-table-"))
      .sort();
    expect(tableAlarms).toEqual(
      environment(envName)
        .tables.flatMap((t) => [name(envName, `table-${t.name}-system-errors`), name(envName, `table-${t.name}-throttled-requests`)])
        .sort(),
    );
  });
});

describe("SSR function alarms", () => {
  const prod = shipped["prod-app"];

  it("computes the error rate as errors / invocations in percent with metric math", () => {
    const alarm = alarmNamed(prod, name("prod", "ssr-error-rate"));
    expect({
      expression: expressionOf(alarm),
      errors: queryMetric(alarm, "errors").metric_name,
      invocations: queryMetric(alarm, "invocations").metric_name,
    }).toEqual({ expression: "100 * FILL(errors, 0) / invocations", errors: "Errors", invocations: "Invocations" });
  });

  it("watches the function by name, across versions and aliases", () => {
    expect(alarmNamed(prod, name("prod", "ssr-throttles")).dimensions).toEqual({
      FunctionName: "${aws_lambda_function.Ssr_Function_64DAD378.function_name}",
    });
  });

  it("alarms on duration p99 at the configured fraction of the timeout", () => {
    expect(alarmNamed(prod, name("prod", "ssr-duration-p99"))).toMatchObject({
      metric_name: "Duration",
      extended_statistic: "p99",
      threshold: 10_000 * 0.8,
    });
  });

  it("alarms on duration p90 at its own fraction of the timeout", () => {
    expect(alarmNamed(prod, name("prod", "ssr-duration-p90"))).toMatchObject({ extended_statistic: "p90", threshold: 10_000 * 0.5 });
  });

  it("ignores percentiles computed from too few requests", () => {
    expect(alarmNamed(prod, name("prod", "ssr-duration-p99")).evaluate_low_sample_count_percentiles).toBe("ignore");
  });

  it("alarms on concurrency at the configured percentage of reserved concurrency", () => {
    expect(alarmNamed(shipped["staging-app"], name("staging", "ssr-concurrency"))).toMatchObject({
      metric_name: "ConcurrentExecutions",
      statistic: "Maximum",
      threshold: 20 * 0.8,
    });
  });

  it("has no concurrency alarm when the function has no reserved concurrency", () => {
    expect(alarmsOf(shipped["dev-app"]).map((a) => a.alarm_name)).not.toContain(name("dev", "ssr-concurrency"));
  });

  it("takes the error-rate threshold from config", () => {
    expect(alarmNamed(shipped["prod-app"], name("prod", "ssr-error-rate")).threshold).toBe(0.5);
  });
});

describe("HTTP API alarms", () => {
  const prod = shipped["prod-app"];

  it("computes the 5xx rate as 5xx / Count in percent on the API's $default stage", () => {
    const alarm = alarmNamed(prod, name("prod", "api-5xx-rate"));
    expect({
      expression: expressionOf(alarm),
      errors: queryMetric(alarm, "errors"),
      requests: queryMetric(alarm, "requests").metric_name,
    }).toEqual({
      expression: "100 * FILL(errors, 0) / requests",
      errors: expect.objectContaining({
        namespace: "AWS/ApiGateway",
        metric_name: "5xx",
        stat: "Sum",
        dimensions: {
          ApiId: "${aws_apigatewayv2_api.HttpApi_DD77E489.id}",
          Stage: "${aws_apigatewayv2_stage.HttpApi_DefaultStage_34399C39.name}",
        },
      }),
      requests: "Count",
    });
  });

  it("alarms on latency p95 and p99 with the configured thresholds", () => {
    const latency = (what: string) => {
      const alarm = alarmNamed(prod, name("prod", what));
      return [alarm.metric_name, alarm.extended_statistic, alarm.threshold];
    };
    expect([latency("api-latency-p95"), latency("api-latency-p99")]).toEqual([
      ["Latency", "p95", 1000],
      ["Latency", "p99", 2000],
    ]);
  });
});

describe("CloudFront alarms", () => {
  const prod = shipped["prod-distribution"];

  it("live in us-east-1 through a second, aliased provider", () => {
    const provider = (prod.provider.aws as StackJson[]).find((p) => p.alias === "us_east_1");
    expect({ region: provider?.region, alarms: new Set(alarmsOf(prod).map((a) => a.provider)) }).toEqual({
      region: "us-east-1",
      alarms: new Set(["aws.us_east_1"]),
    });
  });

  it("notify a topic in us-east-1 too", () => {
    expect(Object.values(prod.resource.aws_sns_topic as StackJson).map((t) => t.provider)).toEqual(["aws.us_east_1"]);
  });

  it("watch 5xxErrorRate and 4xxErrorRate of the distribution (Region=Global) on average", () => {
    const metric = (what: string) => {
      const a = alarmNamed(prod, name("prod", what));
      return [a.namespace, a.metric_name, a.statistic, a.dimensions, a.threshold];
    };
    const dimensions = { DistributionId: "${aws_cloudfront_distribution.Cdn_Distribution_FF4F7041.id}", Region: "Global" };
    expect([metric("cdn-5xx-rate"), metric("cdn-4xx-rate")]).toEqual([
      ["AWS/CloudFront", "5xxErrorRate", "Average", dimensions, 1],
      ["AWS/CloudFront", "4xxErrorRate", "Average", dimensions, 10],
    ]);
  });
});

describe("DynamoDB alarms", () => {
  const prod = shipped["prod-app"];

  it("sum ThrottledRequests over the data-plane operations of the table", () => {
    const alarm = alarmNamed(prod, name("prod", "table-sessions-throttled-requests"));
    const metrics = (alarm.metric_query as StackJson[]).filter((q) => q.metric).map((q) => q.metric);
    expect({
      expression: expressionOf(alarm),
      names: new Set(metrics.map((m) => m.metric_name)),
      tables: new Set(metrics.map((m) => m.dimensions.TableName)),
      operations: metrics.map((m) => m.dimensions.Operation),
    }).toEqual({
      expression: "SUM([op0, op1, op2, op3, op4, op5, op6, op7, op8, op9])",
      names: new Set(["ThrottledRequests"]),
      tables: new Set(["${aws_dynamodb_table.TableSessions_Table_866AB644.name}"]),
      operations: expect.arrayContaining(["GetItem", "Query", "PutItem", "UpdateItem", "BatchWriteItem"]),
    });
  });

  it("sum SystemErrors the same way", () => {
    const alarm = alarmNamed(prod, name("prod", "table-content-system-errors"));
    expect(new Set((alarm.metric_query as StackJson[]).filter((q) => q.metric).map((q) => q.metric.metric_name))).toEqual(
      new Set(["SystemErrors"]),
    );
  });
});

describe("thresholds from a changed config", () => {
  const app = changed["prod-app"];

  it("uses the changed API latency p95 threshold", () => {
    expect(alarmNamed(app, name("prod", "api-latency-p95")).threshold).toBe(1234);
  });

  it("uses the changed Lambda error-rate threshold", () => {
    expect(alarmNamed(app, name("prod", "ssr-error-rate")).threshold).toBe(2.5);
  });

  it("uses the changed duration fraction", () => {
    expect(alarmNamed(app, name("prod", "ssr-duration-p99")).threshold).toBe(9000);
  });

  it("uses the changed CloudFront 4xx threshold", () => {
    expect(alarmNamed(changed["prod-distribution"], name("prod", "cdn-4xx-rate")).threshold).toBe(7);
  });

  it("uses the changed DynamoDB throttle threshold", () => {
    expect(alarmNamed(app, name("prod", "table-content-throttled-requests")).threshold).toBe(5);
  });

  it("uses the changed period for plain metrics and for every metric inside metric math", () => {
    const periods = alarmsOf(app).flatMap((a) =>
      a.metric_query ? (a.metric_query as StackJson[]).filter((q) => q.metric).map((q) => q.metric.period) : [a.period],
    );
    expect(new Set(periods)).toEqual(new Set([300]));
  });

  it("uses the changed evaluation periods and datapoints to alarm", () => {
    expect(new Set(alarmsOf(app).map((a) => `${a.datapoints_to_alarm} of ${a.evaluation_periods}`))).toEqual(new Set(["2 of 4"]));
  });
});

describe("alarm topics", () => {
  const app = shipped["prod-app"];
  const keyPolicy = Object.entries(app.data.aws_iam_policy_document as StackJson).find(([id]) => id.startsWith("AlarmTopic_"))?.[1];

  it("encrypt the topic with the environment's own KMS key, not alias/aws/sns", () => {
    const [keyId] = Object.keys(app.resource.aws_kms_key);
    expect(Object.values(app.resource.aws_sns_topic as StackJson)[0]).toMatchObject({
      name: "acme-web-prod-alarms",
      kms_master_key_id: `\${aws_kms_key.${keyId}.arn}`,
    });
  });

  it("let only this account's environment alarms use the key through CloudWatch", () => {
    expect(keyPolicy?.statement.find((s: StackJson) => s.sid === "CloudWatchAlarmsEncryptNotifications")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["333333333333"] },
        { test: "ArnLike", variable: "aws:SourceArn", values: [expect.stringMatching(/:cloudwatch:\*:333333333333:alarm:acme-web-prod-\*$/)] },
      ],
    });
  });

  it("rotate the key", () => {
    expect(Object.values(app.resource.aws_kms_key as StackJson)[0].enable_key_rotation).toBe(true);
  });
});

describe("stack dependencies", () => {
  it("stay dns/app -> distribution: nothing depends on the distribution stack", () => {
    const dependents = Object.values(shippedApp.manifest.stacks).filter((s) => s.dependencies.some((d) => d.endsWith("-distribution")));
    expect(dependents).toEqual([]);
  });
});

describe("alarm config validation", () => {
  it("rejects datapointsToAlarm greater than evaluationPeriods", () => {
    const input = { ...environment("dev"), alarms: { ...environment("dev").alarms, evaluationPeriods: 2, datapointsToAlarm: 3 } };
    const result = EnvironmentSchema.safeParse(input);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "alarms.datapointsToAlarm: must not exceed alarms.evaluationPeriods (2)",
    ]);
  });
});
