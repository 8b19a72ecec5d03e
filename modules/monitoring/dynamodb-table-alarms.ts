import type { Construct } from "constructs";
import { AlarmSet, MAX_METRICS_PER_MATH_ALARM, type AlarmSetProps, type MetricSource } from "./metric-alarm";

export interface DynamodbTableAlarmThresholds {
  /** Throttled requests per period, summed over operations. */
  readonly throttledRequests: number;
  /** Requests answered with HTTP 500 per period, summed over operations. */
  readonly systemErrors: number;
}

/**
 * The data-plane operations an application issues. DynamoDB publishes ThrottledRequests
 * and SystemErrors only per `TableName` + `Operation` (there is no table-only series), so a
 * table-level alarm sums these. Ten is also CloudWatch's limit of metrics per math alarm.
 */
export const DATA_PLANE_OPERATIONS = [
  "GetItem",
  "BatchGetItem",
  "Query",
  "Scan",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
] as const;

export interface DynamodbTableAlarmsProps extends AlarmSetProps {
  readonly tableName: string;
  readonly thresholds: DynamodbTableAlarmThresholds;
  /**
   * Operations summed into the table-level figures (at most 10).
   * @default DATA_PLANE_OPERATIONS
   */
  readonly operations?: readonly string[];
}

const NAMESPACE = "AWS/DynamoDB";

/**
 * Table-level alarms on one DynamoDB table: throttled requests and system errors, each the
 * sum over the data-plane operations (metric math). Partial throttling inside a batch shows
 * in Read/WriteThrottleEvents rather than ThrottledRequests; the dashboard plots those.
 */
export class DynamodbTableAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: DynamodbTableAlarmsProps) {
    super(scope, id, props);
    const operations = props.operations ?? DATA_PLANE_OPERATIONS;
    if (operations.length === 0 || operations.length > MAX_METRICS_PER_MATH_ALARM) {
      throw new Error(
        `${this.node.path}: operations must list 1 to ${MAX_METRICS_PER_MATH_ALARM} operations (got ${operations.length})`,
      );
    }
    const { thresholds, tableName } = props;
    const perOperation = (metricName: string) => {
      const metrics: Record<string, MetricSource> = {};
      operations.forEach((operation, i) => {
        metrics[`op${i}`] = { namespace: NAMESPACE, metricName, dimensions: { TableName: tableName, Operation: operation }, statistic: "Sum" };
      });
      return { expression: `SUM([${Object.keys(metrics).join(", ")}])`, label: `${metricName} (all operations)`, metrics };
    };

    this.addAlarm("ThrottledRequests", {
      what: "throttled-requests",
      description: `Requests to DynamoDB table ${tableName} are throttled: a hot partition key or capacity limits.`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: thresholds.throttledRequests,
      // DynamoDB reports throttles only when they happen; silence is the healthy case.
      treatMissingData: "notBreaching",
      source: perOperation("ThrottledRequests"),
    });
    this.addAlarm("SystemErrors", {
      what: "system-errors",
      description: `DynamoDB answers requests to table ${tableName} with HTTP 500 (a service-side problem; check the AWS Health Dashboard).`,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: thresholds.systemErrors,
      // Reported only when errors occur; no datapoint means no errors.
      treatMissingData: "notBreaching",
      source: perOperation("SystemErrors"),
    });
  }
}
