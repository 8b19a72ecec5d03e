/** The alarm constructs on their own: validation and the shape of what they synthesize. */
import { Testing, TerraformStack } from "cdktf";
import { DynamodbTableAlarms } from "../../../modules/monitoring/dynamodb-table-alarms";
import { LambdaFunctionAlarms, type LambdaFunctionAlarmsProps } from "../../../modules/monitoring/lambda-function-alarms";
import type { StackJson } from "../../support/synth";
import { tempDir } from "../../support/temp-dir";
import { synthScope } from "../../support/synth-scope";

const props: LambdaFunctionAlarmsProps = {
  alarmName: (what) => `app-test-ssr-${what}`,
  topicArns: ["arn:aws:sns:eu-west-1:111111111111:alarms"],
  evaluation: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
  functionName: "fn",
  timeoutSeconds: 10,
  thresholds: {
    errorRatePercent: 1,
    throttles: 1,
    durationP99TimeoutFraction: 0.8,
    durationP90TimeoutFraction: 0.5,
    concurrencyPercent: 80,
  },
};

const stack = () => new TerraformStack(Testing.app({ outdir: tempDir("cdktf-test-") }), "test");
const synthAlarms = (build: (scope: TerraformStack) => void): StackJson[] => {
  const json = JSON.parse(synthScope(build)) as StackJson;
  return Object.values(json.resource.aws_cloudwatch_metric_alarm as StackJson);
};

describe("alarm sets", () => {
  it("name every alarm through the naming function they are given", () => {
    const names = synthAlarms((scope) => new LambdaFunctionAlarms(scope, "Ssr", props)).map((a) => a.alarm_name);
    expect(new Set(names)).toEqual(
      new Set(["app-test-ssr-error-rate", "app-test-ssr-throttles", "app-test-ssr-duration-p99", "app-test-ssr-duration-p90"]),
    );
  });

  it("notify every given topic on ALARM and on OK", () => {
    const topics = ["arn:aws:sns:eu-west-1:111111111111:a", "arn:aws:sns:eu-west-1:111111111111:b"];
    const alarms = synthAlarms((scope) => new LambdaFunctionAlarms(scope, "Ssr", { ...props, topicArns: topics }));
    expect(alarms.filter((a) => a.alarm_actions.join() !== topics.join() || a.ok_actions.join() !== topics.join())).toEqual([]);
  });

  it("send a percentile as extended_statistic and no statistic", () => {
    const p99 = synthAlarms((scope) => new LambdaFunctionAlarms(scope, "Ssr", props)).find((a) => a.alarm_name.endsWith("p99"));
    expect([p99?.extended_statistic, p99?.statistic]).toEqual(["p99", undefined]);
  });

  it("give metric math alarms no top-level metric, only queries with one returning data", () => {
    const rate = synthAlarms((scope) => new LambdaFunctionAlarms(scope, "Ssr", props)).find((a) => a.alarm_name.endsWith("error-rate"));
    expect({
      metricName: rate?.metric_name,
      period: rate?.period,
      returning: (rate?.metric_query as StackJson[]).filter((q) => q.return_data).map((q) => q.id),
    }).toEqual({ metricName: undefined, period: undefined, returning: ["result"] });
  });

  it("reject datapointsToAlarm above evaluationPeriods, naming the construct", () => {
    expect(
      () => new LambdaFunctionAlarms(stack(), "Ssr", { ...props, evaluation: { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 3 } }),
    ).toThrow(/test\/Ssr: evaluation\.datapointsToAlarm must be a whole number from 1 to evaluationPeriods \(2\) \(got 3\)/);
  });

  it("reject a period CloudWatch does not accept", () => {
    expect(
      () => new LambdaFunctionAlarms(stack(), "Ssr", { ...props, evaluation: { periodSeconds: 90, evaluationPeriods: 5, datapointsToAlarm: 3 } }),
    ).toThrow(/periodSeconds must be 10, 20, 30 or a multiple of 60 \(got 90\)/);
  });

  it("reject alarms without a topic to notify", () => {
    expect(() => new LambdaFunctionAlarms(stack(), "Ssr", { ...props, topicArns: [] })).toThrow(/topicArns must name at least one SNS topic/);
  });

  it("reject more operations than one metric-math alarm may hold", () => {
    const operations = Array.from({ length: 11 }, (_, i) => `Op${i}`);
    expect(
      () =>
        new DynamodbTableAlarms(stack(), "Table", {
          ...props,
          tableName: "t",
          thresholds: { throttledRequests: 1, systemErrors: 1 },
          operations,
        }),
    ).toThrow(/operations must list 1 to 10 operations \(got 11\)/);
  });
});
