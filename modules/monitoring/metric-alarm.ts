/**
 * What every alarm construct in this folder shares: the "M of N" evaluation, the actions
 * (one topic notified on ALARM and on OK, so Slack shows both the page and the recovery)
 * and the naming hook that keeps every alarm under the environment's prefix.
 */
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmMetricQuery,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** How an alarm samples its metric and decides to fire. */
export interface AlarmEvaluation {
  /** Length of one datapoint: 60 or a multiple of 60 (or 10/20/30 for high-resolution metrics). */
  readonly periodSeconds: number;
  /** How many of the most recent periods the alarm looks at (N). */
  readonly evaluationPeriods: number;
  /** How many of those N must breach (M): rides out one bad minute without paging. */
  readonly datapointsToAlarm: number;
}

/** Props every alarm set takes. */
export interface AlarmSetProps {
  /**
   * Full alarm name for a short suffix such as `error-rate`. Pass a function built on
   * lib/naming's `alarmName` so the release canary finds every alarm by prefix.
   */
  readonly alarmName: (what: string) => string;
  /** SNS topics notified on ALARM and on OK; they must be in the alarms' region. */
  readonly topicArns: readonly string[];
  readonly evaluation: AlarmEvaluation;
  /**
   * Provider for the region the alarms live in (the metrics' region).
   * @default the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * Every metric here counts or times requests, so a period without datapoints means a
 * period without traffic, not a failure: `notBreaching` lets an idle environment (or one
 * that just rolled back and went quiet) return to OK instead of staying stuck in ALARM
 * (`ignore`) or paging on silence (`breaching`). Each alarm still states its own choice.
 */
export type TreatMissingData = "missing" | "notBreaching" | "breaching" | "ignore";

export interface MetricSource {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Maximum`, … or a percentile such as `p99` (sent as extended_statistic). */
  readonly statistic: string;
}

export interface MetricMathSource {
  /** CloudWatch metric math over the ids in `metrics`, e.g. `100 * errors / invocations`. */
  readonly expression: string;
  readonly label: string;
  /** Inputs by id; ids must start with a lower-case letter. */
  readonly metrics: Readonly<Record<string, MetricSource>>;
}

export interface AlarmSpec {
  /** Short suffix of the alarm name, e.g. `error-rate`. */
  readonly what: string;
  /** What firing means and where to look first; shown in Slack. */
  readonly description: string;
  readonly comparison: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold";
  readonly threshold: number;
  readonly treatMissingData: TreatMissingData;
  readonly source: MetricSource | MetricMathSource;
  /**
   * For percentile statistics: `ignore` keeps the state when too few requests arrived for
   * the percentile to mean anything, so three cold starts in a quiet hour do not page.
   * @default "ignore" for percentiles
   */
  readonly lowSampleCountPercentiles?: "evaluate" | "ignore";
}

/** CloudWatch's limit on metrics inside one metric-math alarm. */
export const MAX_METRICS_PER_MATH_ALARM = 10;
const PERCENTILE = /^p\d{1,2}(\.\d+)?$/;

/**
 * One CloudWatch alarm with the set's evaluation and actions. A plain metric becomes
 * `metric_name`/`statistic` (or `extended_statistic` for percentiles); metric math becomes
 * `metric_query` entries with only the expression returning data.
 */
function createMetricAlarm(scope: Construct, id: string, props: AlarmSetProps, spec: AlarmSpec): CloudwatchMetricAlarm {
  const { evaluation } = props;
  const actions = [...props.topicArns];
  const common = {
    provider: props.provider,
    alarmName: props.alarmName(spec.what),
    alarmDescription: spec.description,
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: evaluation.evaluationPeriods,
    datapointsToAlarm: evaluation.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    actionsEnabled: true,
    alarmActions: actions,
    okActions: actions,
  };
  if ("expression" in spec.source) {
    return new CloudwatchMetricAlarm(scope, id, {
      ...common,
      metricQuery: metricMathQueries(spec.source, evaluation.periodSeconds),
    });
  }
  const { statistic, ...metric } = spec.source;
  const percentile = PERCENTILE.test(statistic);
  return new CloudwatchMetricAlarm(scope, id, {
    ...common,
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: { ...metric.dimensions },
    period: evaluation.periodSeconds,
    statistic: percentile ? undefined : statistic,
    extendedStatistic: percentile ? statistic : undefined,
    evaluateLowSampleCountPercentiles: percentile ? (spec.lowSampleCountPercentiles ?? "ignore") : undefined,
  });
}

function metricMathQueries(source: MetricMathSource, periodSeconds: number): CloudwatchMetricAlarmMetricQuery[] {
  return [
    { id: "result", expression: source.expression, label: source.label, returnData: true },
    ...Object.entries(source.metrics).map(([id, metric]) => ({
      id,
      returnData: false,
      metric: {
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: { ...metric.dimensions },
        period: periodSeconds,
        stat: metric.statistic,
      },
    })),
  ];
}

/**
 * Fails synth (with the construct path) on an evaluation CloudWatch would reject at apply
 * time, and on an alarm set with nowhere to send its notifications.
 */
function validateAlarmSet(scope: Construct, props: AlarmSetProps): void {
  const { periodSeconds, evaluationPeriods, datapointsToAlarm } = props.evaluation;
  const where = scope.node.path;
  const problems: string[] = [];
  if (![10, 20, 30].includes(periodSeconds) && !(Number.isInteger(periodSeconds / 60) && periodSeconds > 0)) {
    problems.push(`evaluation.periodSeconds must be 10, 20, 30 or a multiple of 60 (got ${periodSeconds})`);
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    problems.push(`evaluation.evaluationPeriods must be a whole number of at least 1 (got ${evaluationPeriods})`);
  }
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    problems.push(
      `evaluation.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (${evaluationPeriods}) (got ${datapointsToAlarm})`,
    );
  }
  if (periodSeconds * evaluationPeriods > 86_400) {
    problems.push(`evaluation must span at most one day (got ${periodSeconds} s x ${evaluationPeriods})`);
  }
  if (props.topicArns.length === 0) {
    problems.push("topicArns must name at least one SNS topic: an alarm nobody hears is not monitoring");
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}`);
}

/** Base class of the alarm sets: validates the shared props and keeps the alarms it made. */
export abstract class AlarmSet extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  protected constructor(
    scope: Construct,
    id: string,
    private readonly setProps: AlarmSetProps,
  ) {
    super(scope, id);
    validateAlarmSet(this, setProps);
  }

  protected addAlarm(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    const alarm = createMetricAlarm(this, id, this.setProps, spec);
    this.alarms.push(alarm);
    return alarm;
  }
}
