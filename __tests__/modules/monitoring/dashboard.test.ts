import { Lazy, Testing, TerraformStack } from "cdktf";
import { MonitoringDashboard, type MonitoringDashboardProps } from "../../../modules/monitoring/dashboard";
import { onlyResource, synthesizeApp, type StackJson } from "../../support/synth";
import { environment } from "./helpers";
import { tempDir } from "../../support/temp-dir";
import { synthScope } from "../../support/synth-scope";

const prod = synthesizeApp([environment("prod")]).stacks["prod-distribution"];
const dashboard = onlyResource(prod, "aws_cloudwatch_dashboard");
const body = JSON.parse(dashboard.dashboard_body) as { widgets: StackJson[] };
const graphs = body.widgets.filter((w) => w.type === "metric").map((w) => w.properties as StackJson);
const graph = (title: string) => {
  const found = graphs.find((g) => (g.title as string).startsWith(title));
  if (!found) throw new Error(`no graph titled ${title}; have ${graphs.map((g) => g.title).join(" | ")}`);
  return found;
};
/** `[namespace, metric, dims..., {stat}]` entries of a graph as "metric stat". */
const plotted = (g: StackJson) =>
  (g.metrics as unknown[][]).filter((m) => typeof m[0] === "string").map((m) => `${m[1]} ${(m[m.length - 1] as StackJson).stat}`);
const expressions = (g: StackJson) =>
  (g.metrics as unknown[][]).filter((m) => typeof m[0] === "object").map((m) => (m[0] as StackJson).expression as string);

describe("environment dashboard", () => {
  it("is named after the environment", () => {
    expect(dashboard.dashboard_name).toBe("acme-web-prod");
  });

  it("has a body that is valid JSON after synth", () => {
    expect(() => JSON.parse(dashboard.dashboard_body)).not.toThrow();
  });

  it("plots the SSR function's duration percentiles", () => {
    expect(plotted(graph("SSR function: duration"))).toEqual(["Duration p50", "Duration p90", "Duration p99"]);
  });

  it("plots the SSR function's error rate with the same metric math as the alarm", () => {
    expect(expressions(graph("SSR function: invocations"))).toEqual(["100 * FILL(errors, 0) / invocations"]);
  });

  it("plots throttles and concurrent executions", () => {
    expect(plotted(graph("SSR function: throttles"))).toEqual(["Throttles Sum", "ConcurrentExecutions Maximum"]);
  });

  it("plots API latency p50, p95 and p99", () => {
    expect(plotted(graph("API: latency"))).toEqual(["Latency p50", "Latency p95", "Latency p99"]);
  });

  it("plots the API 5xx rate", () => {
    expect(expressions(graph("API: requests"))).toEqual(["100 * FILL(serverErrors, 0) / requests"]);
  });

  it("reads CloudFront error rates from us-east-1", () => {
    const cdn = graph("CloudFront: 5xx and 4xx");
    expect({ region: cdn.region, metrics: plotted(cdn) }).toEqual({
      region: "us-east-1",
      metrics: ["5xxErrorRate Average", "4xxErrorRate Average"],
    });
  });

  it("reads the other graphs from the environment's region", () => {
    const regions = new Set(graphs.filter((g) => !(g.title as string).startsWith("CloudFront")).map((g) => g.region));
    expect(regions).toEqual(new Set(["eu-west-1"]));
  });

  it("sums throttled requests over operations for every table", () => {
    expect(expressions(graph("DynamoDB: throttled requests"))).toEqual([
      expect.stringContaining('MetricName="ThrottledRequests" TableName="${data.terraform_remote_state.'),
      expect.stringContaining('MetricName="ThrottledRequests" TableName="${data.terraform_remote_state.'),
    ]);
  });

  it("names the app's function through remote state, as a Terraform interpolation", () => {
    const [, , , functionName] = (graph("SSR function: duration").metrics as unknown[][])[0];
    expect(functionName).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-prod-app\.outputs\.[^}]+\}$/);
  });

  it("draws the configured alarm thresholds", () => {
    expect(graph("API: latency").annotations.horizontal).toEqual([
      { label: "p95 alarm", value: 1000 },
      { label: "p99 alarm", value: 2000 },
    ]);
  });
});

describe("MonitoringDashboard", () => {
  const props: MonitoringDashboardProps = {
    dashboardName: "example",
    region: "eu-west-1",
    periodSeconds: 60,
    ssrFunction: { functionName: "fn", timeoutSeconds: 10 },
    httpApi: { apiId: "api123" },
    distributionId: "E123",
  };

  it("leaves out the DynamoDB graphs when there are no tables", () => {
    const json = JSON.parse(
      synthScope((scope) => {
        new MonitoringDashboard(scope, "Dashboard", props);
      }),
    ) as StackJson;
    const titles = JSON.parse(Object.values(json.resource.aws_cloudwatch_dashboard as StackJson)[0].dashboard_body).widgets.map(
      (w: StackJson) => w.properties.title as string,
    );
    expect(titles.filter((t: string) => t.startsWith("DynamoDB"))).toEqual([]);
  });

  it("refuses a number token in the body, which would serialize as garbage", () => {
    const stack = new TerraformStack(Testing.app({ outdir: tempDir("cdktf-test-") }), "test");
    const timeoutSeconds = Lazy.numberValue({ produce: () => 10 });
    expect(() => new MonitoringDashboard(stack, "Dashboard", { ...props, ssrFunction: { functionName: "fn", timeoutSeconds } })).toThrow(
      /number token/,
    );
  });
});
