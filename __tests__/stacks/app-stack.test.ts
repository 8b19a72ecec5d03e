import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Testing } from "cdktf";
import { findEnvironment, loadEnvironments } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { AppStack } from "../../stacks/app-stack";
import { onlyResource, resourcesOfType, testAppStackOptions, type StackJson } from "../support/synth";
import { tempDir } from "../support/temp-dir";

Testing.setupJest();

const environments = loadEnvironments();
const options = testAppStackOptions();

function synthApp(env: EnvironmentConfig): { text: string; json: StackJson } {
  const stack = new AppStack(Testing.app({ outdir: tempDir("cdktf-test-"), stackTraces: false }), env, options);
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as StackJson };
}

const dev = synthApp(findEnvironment("dev", environments));
const prod = synthApp(findEnvironment("prod", environments));

describe("AppStack", () => {
  it("publishes a new Lambda version on every change", () => {
    expect(dev.text).toHaveResourceWithProperties(LambdaFunction, { function_name: "acme-web-dev-ssr", publish: true });
  });

  it("leaves the live alias's version and weights to release tooling", () => {
    expect(dev.text).toHaveResourceWithProperties(LambdaAlias, {
      name: "live",
      lifecycle: { ignore_changes: ["function_version", "routing_config"] },
    });
  });

  it("puts an IAM-authenticated function URL on the live alias", () => {
    expect(dev.text).toHaveResourceWithProperties(LambdaFunctionUrl, {
      authorization_type: "AWS_IAM",
      qualifier: "${aws_lambda_alias.Ssr_Alias_CBE11EF8.name}",
    });
  });

  it("routes /api/* of the HTTP API to the live alias", () => {
    expect(dev.text).toHaveResourceWithProperties(Apigatewayv2Route, { route_key: "ANY /api/{proxy+}" });
    expect(onlyResource(dev.json, "aws_apigatewayv2_integration").integration_uri).toBe(
      "${aws_lambda_alias.Ssr_Alias_CBE11EF8.arn}",
    );
  });

  it("lets only this API's /api routes invoke the alias", () => {
    expect(dev.text).toHaveResourceWithProperties(LambdaPermission, {
      principal: "apigateway.amazonaws.com",
      qualifier: "${aws_lambda_alias.Ssr_Alias_CBE11EF8.name}",
      source_arn: "${aws_apigatewayv2_api.HttpApi_DD77E489.execution_arn}/*/*/api/*",
    });
  });

  it("throttles the HTTP API at the configured rate", () => {
    expect(onlyResource(prod.json, "aws_apigatewayv2_stage").default_route_settings).toMatchObject({
      throttling_rate_limit: 500,
      throttling_burst_limit: 1000,
    });
  });

  it("creates one table per configured table, named by lib/naming", () => {
    expect(resourcesOfType(dev.json, "aws_dynamodb_table").map((t) => t.name).sort()).toEqual([
      "acme-web-dev-content",
      "acme-web-dev-sessions",
    ]);
  });

  it("carries deletion protection and point-in-time recovery from config", () => {
    expect(prod.text).toHaveResourceWithProperties(DynamodbTable, {
      name: "acme-web-prod-sessions",
      deletion_protection_enabled: true,
      point_in_time_recovery: { enabled: true },
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
  });

  it("grants the function data actions on its own tables only", () => {
    const document = dev.json.data.aws_iam_policy_document;
    const statements = Object.values(document).flatMap((d) => (d as StackJson).statement ?? []);
    const tableStatement = statements.find((s: StackJson) => s.sid === "ReadWriteTables");
    expect(tableStatement.resources).toEqual([
      "${aws_dynamodb_table.TableSessions_Table_866AB644.arn}",
      "${aws_dynamodb_table.TableContent_Table_42CDA2F4.arn}",
      "${aws_dynamodb_table.TableSessions_Table_866AB644.arn}/index/*",
      "${aws_dynamodb_table.TableContent_Table_42CDA2F4.arn}/index/*",
    ]);
  });

  it("never grants a wildcard action but the GenerateDataKey family SNS's key policy names", () => {
    // kms:GenerateDataKey* is how the SNS developer guide writes what a publishing service needs.
    const statements = Object.values(dev.json.data.aws_iam_policy_document).flatMap((d) => (d as StackJson).statement ?? []);
    const wildcards = statements.flatMap((s: StackJson) => s.actions ?? []).filter((a: string) => a.endsWith("*"));
    expect(wildcards.filter((a: string) => a !== "kms:GenerateDataKey*")).toEqual([]);
  });

  it("keeps logs for the configured number of days", () => {
    expect(prod.text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/acme-web-prod-ssr",
      retention_in_days: 90,
    });
  });

  it("reserves concurrency only where config asks for it", () => {
    expect([
      onlyResource(dev.json, "aws_lambda_function").reserved_concurrent_executions,
      onlyResource(prod.json, "aws_lambda_function").reserved_concurrent_executions,
    ]).toEqual([-1, 200]);
  });

  it("passes table names and non-secret variables to the function", () => {
    expect(onlyResource(dev.json, "aws_lambda_function").environment.variables).toEqual({
      APP_ENV: "dev",
      LOG_LEVEL: "debug",
      TABLE_CONTENT: "${aws_dynamodb_table.TableContent_Table_42CDA2F4.name}",
      TABLE_SESSIONS: "${aws_dynamodb_table.TableSessions_Table_866AB644.name}",
    });
  });

  it("stores its state under <project>/<env>/app.tfstate with S3 locking", () => {
    expect(prod.json.terraform.backend.s3).toEqual({
      bucket: "acme-web-tfstate-333333333333",
      key: "acme-web/prod/app.tfstate",
      region: "eu-west-1",
      encrypt: true,
      dynamodb_table: "acme-web-tfstate-lock",
      use_lockfile: true,
    });
  });

  it("deploys only into the environment's account", () => {
    expect(prod.json.provider.aws[0].allowed_account_ids).toEqual(["333333333333"]);
  });
});
