import type { Construct } from "constructs";
import { AlarmSet, type AlarmSetProps } from "./metric-alarm";

export interface HttpApiAlarmThresholds {
  /** 5xx responses as a percentage of requests. */
  readonly serverErrorRatePercent: number;
  readonly latencyP95Ms: number;
  readonly latencyP99Ms: number;
}

export interface HttpApiAlarmsProps extends AlarmSetProps {
  readonly apiId: string;
  /**
   * Stage whose metrics to watch (the `Stage` dimension).
   * @default "$default"
   */
  readonly stageName?: string;
  readonly thresholds: HttpApiAlarmThresholds;
}

const NAMESPACE = "AWS/ApiGateway";

/**
 * Alarms on one stage of an HTTP API (API Gateway v2, whose metrics are `5xx`, `4xx`,
 * `Count` and `Latency` with the dimensions `ApiId` and `Stage`): 5xx rate by metric math
 * and end-to-end latency p95 and p99.
 */
export class HttpApiAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: HttpApiAlarmsProps) {
    super(scope, id, props);
    const { thresholds } = props;
    const dimensions = { ApiId: props.apiId, Stage: props.stageName ?? "$default" };
    const metric = (metricName: string, statistic: string) => ({ namespace: NAMESPACE, metricName, dimensions, statistic });

    this.addAlarm("ServerErrorRate", {
      what: "5xx-rate",
      description: `More than ${thresholds.serverErrorRatePercent}% of API requests end in a 5xx. Check the SSR function's errors and the API access logs.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.serverErrorRatePercent,
      // No requests, no rate: a quiet API is healthy.
      treatMissingData: "notBreaching",
      source: {
        // FILL: a period with requests but no 5xx datapoint had no server errors.
        expression: "100 * FILL(errors, 0) / requests",
        label: "5xx rate (%)",
        metrics: { errors: metric("5xx", "Sum"), requests: metric("Count", "Sum") },
      },
    });
    this.addAlarm("LatencyP95", {
      what: "latency-p95",
      description: `API p95 latency is above ${thresholds.latencyP95Ms} ms.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.latencyP95Ms,
      // Latency exists only for requests; an idle API is not slow.
      treatMissingData: "notBreaching",
      source: metric("Latency", "p95"),
    });
    this.addAlarm("LatencyP99", {
      what: "latency-p99",
      description: `API p99 latency is above ${thresholds.latencyP99Ms} ms.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.latencyP99Ms,
      treatMissingData: "notBreaching",
      source: metric("Latency", "p99"),
    });
  }
}
