import type { Construct } from "constructs";
import { AlarmSet, type AlarmSetProps } from "./metric-alarm";

export interface LambdaAlarmThresholds {
  /** Errors as a percentage of invocations. */
  readonly errorRatePercent: number;
  /** Throttled invocations per period. */
  readonly throttles: number;
  /** Duration p99 alarms above this fraction of the timeout (0.8 = at 80 % of it). */
  readonly durationP99TimeoutFraction: number;
  /** Duration p90 alarms above this fraction of the timeout. */
  readonly durationP90TimeoutFraction: number;
  /** Concurrent executions alarm at this percentage of reserved concurrency. */
  readonly concurrencyPercent: number;
}

export interface LambdaFunctionAlarmsProps extends AlarmSetProps {
  readonly functionName: string;
  /** The function's timeout; the duration alarms are fractions of it. */
  readonly timeoutSeconds: number;
  /**
   * The function's reserved concurrency. The concurrency alarm exists only when it is set:
   * without it the ceiling is the account's shared unreserved pool, which other functions
   * drain too, so "near the limit" has no fixed number (throttles still alarm).
   * @default null
   */
  readonly reservedConcurrency?: number | null;
  readonly thresholds: LambdaAlarmThresholds;
}

const NAMESPACE = "AWS/Lambda";

/**
 * Alarms on one Lambda function, across all its versions and aliases (the `FunctionName`
 * dimension), so a canary weight on a new version is measured too: error rate (metric
 * math), throttles, duration p99 and p90 against the timeout, and concurrency against the
 * reserved limit.
 */
export class LambdaFunctionAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: LambdaFunctionAlarmsProps) {
    super(scope, id, props);
    const { thresholds } = props;
    const dimensions = { FunctionName: props.functionName };
    const metric = (metricName: string, statistic: string) => ({ namespace: NAMESPACE, metricName, dimensions, statistic });
    const timeoutMs = props.timeoutSeconds * 1000;

    this.addAlarm("ErrorRate", {
      what: "error-rate",
      description: `More than ${thresholds.errorRatePercent}% of ${props.functionName} invocations fail. Check the function's logs and the last release.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.errorRatePercent,
      // No invocations, no rate: quiet periods are healthy.
      treatMissingData: "notBreaching",
      source: {
        // FILL: a period with invocations but no Errors datapoint had no errors.
        expression: "100 * FILL(errors, 0) / invocations",
        label: "Error rate (%)",
        metrics: { errors: metric("Errors", "Sum"), invocations: metric("Invocations", "Sum") },
      },
    });
    this.addAlarm("Throttles", {
      what: "throttles",
      description: `${props.functionName} is being throttled: requests are rejected before the code runs. Check concurrency limits.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: thresholds.throttles,
      // Lambda reports Throttles only when invoked; no datapoint means nothing was rejected.
      treatMissingData: "notBreaching",
      source: metric("Throttles", "Sum"),
    });
    this.addAlarm("DurationP99", {
      what: "duration-p99",
      description: `${props.functionName} p99 duration is above ${thresholds.durationP99TimeoutFraction * 100}% of its ${props.timeoutSeconds} s timeout: the slowest requests are about to time out.`,
      comparison: "GreaterThanThreshold",
      threshold: timeoutMs * thresholds.durationP99TimeoutFraction,
      // Duration exists only for invocations; an idle function is not slow.
      treatMissingData: "notBreaching",
      source: metric("Duration", "p99"),
    });
    this.addAlarm("DurationP90", {
      what: "duration-p90",
      description: `${props.functionName} p90 duration is above ${thresholds.durationP90TimeoutFraction * 100}% of its ${props.timeoutSeconds} s timeout: most requests are slow, not just outliers.`,
      comparison: "GreaterThanThreshold",
      threshold: timeoutMs * thresholds.durationP90TimeoutFraction,
      treatMissingData: "notBreaching",
      source: metric("Duration", "p90"),
    });
    const reserved = props.reservedConcurrency ?? null;
    if (reserved !== null) {
      this.addAlarm("Concurrency", {
        what: "concurrency",
        description: `${props.functionName} runs at ${thresholds.concurrencyPercent}% or more of its reserved concurrency (${reserved}); beyond it requests are throttled.`,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: (reserved * thresholds.concurrencyPercent) / 100,
        // No executions reported means none running.
        treatMissingData: "notBreaching",
        source: metric("ConcurrentExecutions", "Maximum"),
      });
    }
  }
}
