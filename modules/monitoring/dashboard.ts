import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { CLOUDFRONT_METRICS_REGION, type CloudFrontAlarmThresholds } from "./cloudfront-alarms";
import type { HttpApiAlarmThresholds } from "./http-api-alarms";
import type { LambdaAlarmThresholds } from "./lambda-function-alarms";

export interface MonitoringDashboardProps {
  readonly dashboardName: string;
  /** Region of the function, the API and the tables (CloudFront is always us-east-1). */
  readonly region: string;
  /** Period of every graph; use the alarms' period so graphs and alarms agree. */
  readonly periodSeconds: number;
  readonly ssrFunction: {
    readonly functionName: string;
    readonly timeoutSeconds: number;
    /** @default null (no concurrency limit line) */
    readonly reservedConcurrency?: number | null;
  };
  /**
   * The HTTP API for `/api/*`.
   * @default none (a streaming server has no HTTP API): no API graphs
   */
  readonly httpApi?: {
    readonly apiId: string;
    /** @default "$default" */
    readonly stageName?: string;
  };
  readonly distributionId: string;
  /** @default [] */
  readonly tableNames?: readonly string[];
  /**
   * Alarm thresholds, drawn as horizontal lines on the matching graphs.
   * @default no threshold lines
   */
  readonly thresholds?: {
    readonly lambda?: LambdaAlarmThresholds;
    readonly httpApi?: HttpApiAlarmThresholds;
    readonly cloudFront?: CloudFrontAlarmThresholds;
  };
  /**
   * Markdown shown above the graphs (what the dashboard covers, where the alarms are).
   * @default no text widget
   */
  readonly description?: string;
}

type MetricEntry = readonly unknown[];
interface Annotation {
  readonly label: string;
  readonly value: number;
  readonly yAxis?: "left" | "right";
}
interface GraphSpec {
  readonly title: string;
  readonly region: string;
  readonly metrics: readonly MetricEntry[];
  readonly annotations?: readonly Annotation[];
  readonly leftLabel?: string;
  readonly rightLabel?: string;
}

const WIDTH = 12;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard with the metrics the alarms watch: SSR function errors,
 * duration percentiles, throttles and concurrency; API 5xx rate and latency percentiles;
 * CloudFront error rates (from us-east-1); DynamoDB throttles and system errors per table.
 *
 * The body is built with JSON.stringify: resource attributes (function name, API id,
 * distribution id, table names) are string tokens that end up inside JSON strings as
 * Terraform interpolations, so the body is valid JSON before and after Terraform fills
 * them in. Numbers must be plain values (config, not resource attributes): a number token
 * would serialize as garbage, so it fails synth instead.
 */
export class MonitoringDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringDashboardProps) {
    super(scope, id);
    // Thresholds and timeouts are multiplied below; arithmetic on a number token yields an
    // ordinary-looking wrong number, so catch tokens in the props, not only in the body.
    assertNoNumberTokens(props, this.node.path, "props");
    const graphs = [
      ...this.functionGraphs(props),
      ...this.apiGraphs(props),
      ...this.cloudFrontGraphs(props),
      ...this.tableGraphs(props),
    ];
    const body = { widgets: layout(props, graphs) };
    assertNoNumberTokens(body, this.node.path);
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify(body),
    });
  }

  private functionGraphs(props: MonitoringDashboardProps): GraphSpec[] {
    const { functionName, timeoutSeconds } = props.ssrFunction;
    const reserved = props.ssrFunction.reservedConcurrency ?? null;
    const limits = props.thresholds?.lambda;
    const lambda = (metricName: string, options: Record<string, unknown>) => [
      "AWS/Lambda",
      metricName,
      "FunctionName",
      functionName,
      options,
    ];
    const timeoutMs = timeoutSeconds * 1000;
    return [
      {
        title: "SSR function: invocations, errors, error rate",
        region: props.region,
        metrics: [
          lambda("Invocations", { id: "invocations", stat: "Sum" }),
          lambda("Errors", { id: "errors", stat: "Sum" }),
          [{ id: "errorRate", expression: "100 * FILL(errors, 0) / invocations", label: "Error rate (%)", yAxis: "right" }],
        ],
        annotations: limits ? [{ label: "error-rate alarm", value: limits.errorRatePercent, yAxis: "right" }] : [],
        leftLabel: "Count",
        rightLabel: "%",
      },
      {
        title: "SSR function: duration p50 / p90 / p99",
        region: props.region,
        metrics: ["p50", "p90", "p99"].map((stat) => lambda("Duration", { stat, label: `Duration ${stat}` })),
        annotations: [
          { label: "timeout", value: timeoutMs },
          ...(limits
            ? [
                { label: "p90 alarm", value: timeoutMs * limits.durationP90TimeoutFraction },
                { label: "p99 alarm", value: timeoutMs * limits.durationP99TimeoutFraction },
              ]
            : []),
        ],
        leftLabel: "ms",
      },
      {
        title: "SSR function: throttles and concurrent executions",
        region: props.region,
        metrics: [
          lambda("Throttles", { stat: "Sum", label: "Throttles" }),
          lambda("ConcurrentExecutions", { stat: "Maximum", label: "Concurrent executions (max)", yAxis: "right" }),
        ],
        annotations: reserved === null ? [] : [{ label: "reserved concurrency", value: reserved, yAxis: "right" }],
        leftLabel: "Count",
        rightLabel: "Executions",
      },
    ];
  }

  private apiGraphs(props: MonitoringDashboardProps): GraphSpec[] {
    if (!props.httpApi) return [];
    const dimensions = ["ApiId", props.httpApi.apiId, "Stage", props.httpApi.stageName ?? "$default"];
    const api = (metricName: string, options: Record<string, unknown>) => ["AWS/ApiGateway", metricName, ...dimensions, options];
    const limits = props.thresholds?.httpApi;
    return [
      {
        title: "API: requests, 4xx, 5xx, 5xx rate",
        region: props.region,
        metrics: [
          api("Count", { id: "requests", stat: "Sum", label: "Requests" }),
          api("4xx", { stat: "Sum", label: "4xx" }),
          api("5xx", { id: "serverErrors", stat: "Sum", label: "5xx" }),
          [{ id: "serverErrorRate", expression: "100 * FILL(serverErrors, 0) / requests", label: "5xx rate (%)", yAxis: "right" }],
        ],
        annotations: limits ? [{ label: "5xx-rate alarm", value: limits.serverErrorRatePercent, yAxis: "right" }] : [],
        leftLabel: "Count",
        rightLabel: "%",
      },
      {
        title: "API: latency p50 / p95 / p99",
        region: props.region,
        metrics: ["p50", "p95", "p99"].map((stat) => api("Latency", { stat, label: `Latency ${stat}` })),
        annotations: limits
          ? [
              { label: "p95 alarm", value: limits.latencyP95Ms },
              { label: "p99 alarm", value: limits.latencyP99Ms },
            ]
          : [],
        leftLabel: "ms",
      },
    ];
  }

  private cloudFrontGraphs(props: MonitoringDashboardProps): GraphSpec[] {
    const cloudFront = (metricName: string, options: Record<string, unknown>) => [
      "AWS/CloudFront",
      metricName,
      "DistributionId",
      props.distributionId,
      "Region",
      "Global",
      options,
    ];
    const limits = props.thresholds?.cloudFront;
    return [
      {
        title: "CloudFront: 5xx and 4xx error rates",
        region: CLOUDFRONT_METRICS_REGION,
        metrics: [
          cloudFront("5xxErrorRate", { stat: "Average", label: "5xx error rate (%)" }),
          cloudFront("4xxErrorRate", { stat: "Average", label: "4xx error rate (%)" }),
        ],
        annotations: limits
          ? [
              { label: "5xx-rate alarm", value: limits.serverErrorRatePercent },
              { label: "4xx-rate alarm", value: limits.clientErrorRatePercent },
            ]
          : [],
        leftLabel: "%",
      },
      {
        title: "CloudFront: requests",
        region: CLOUDFRONT_METRICS_REGION,
        metrics: [cloudFront("Requests", { stat: "Sum", label: "Requests" })],
        leftLabel: "Count",
      },
    ];
  }

  private tableGraphs(props: MonitoringDashboardProps): GraphSpec[] {
    const tables = props.tableNames ?? [];
    if (tables.length === 0) return [];
    // ThrottledRequests and SystemErrors exist only per operation: sum a search over them.
    const sumOverOperations = (metricName: string, prefix: string) =>
      tables.map((table, i) => [
        {
          id: `${prefix}${i}`,
          expression: `SUM(SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName="${metricName}" TableName="${table}"', 'Sum', ${props.periodSeconds}))`,
          label: table,
        },
      ]);
    const byTable = (metricName: string) =>
      tables.map((table) => ["AWS/DynamoDB", metricName, "TableName", table, { stat: "Sum", label: `${table} ${metricName}` }]);
    return [
      {
        title: "DynamoDB: throttled requests (all operations)",
        region: props.region,
        metrics: sumOverOperations("ThrottledRequests", "throttled"),
        leftLabel: "Count",
      },
      {
        title: "DynamoDB: system errors (all operations)",
        region: props.region,
        metrics: sumOverOperations("SystemErrors", "systemErrors"),
        leftLabel: "Count",
      },
      {
        title: "DynamoDB: read and write throttle events",
        region: props.region,
        metrics: [...byTable("ReadThrottleEvents"), ...byTable("WriteThrottleEvents")],
        leftLabel: "Count",
      },
    ];
  }
}

/** Two graphs per row, under an optional text header. */
function layout(props: MonitoringDashboardProps, graphs: readonly GraphSpec[]): object[] {
  const widgets: object[] = [];
  let y = 0;
  if (props.description) {
    widgets.push({ type: "text", x: 0, y, width: 2 * WIDTH, height: 2, properties: { markdown: props.description } });
    y += 2;
  }
  graphs.forEach((graph, i) => {
    widgets.push({
      type: "metric",
      x: (i % 2) * WIDTH,
      y: y + Math.floor(i / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: graph.title,
        region: graph.region,
        view: "timeSeries",
        stacked: false,
        period: props.periodSeconds,
        metrics: graph.metrics,
        ...(graph.annotations && graph.annotations.length > 0 ? { annotations: { horizontal: graph.annotations } } : {}),
        yAxis: {
          left: { min: 0, ...(graph.leftLabel ? { label: graph.leftLabel, showUnits: false } : {}) },
          ...(graph.rightLabel ? { right: { min: 0, label: graph.rightLabel, showUnits: false } } : {}),
        },
      },
    });
  });
  return widgets;
}

function assertNoNumberTokens(value: unknown, where: string, path = "body"): void {
  if (typeof value === "number" && Token.isUnresolved(value)) {
    throw new Error(`${where}: ${path} is a number token; the dashboard only takes plain numbers`);
  }
  if (Array.isArray(value)) value.forEach((item, i) => assertNoNumberTokens(item, where, `${path}[${i}]`));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) assertNoNumberTokens(item, where, `${path}.${key}`);
  }
}
