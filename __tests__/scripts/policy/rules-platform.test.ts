import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamAccessKey } from "@cdktf/provider-aws/lib/iam-access-key";
import { IamUser } from "@cdktf/provider-aws/lib/iam-user";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { S3Backend, TerraformOutput, TerraformVariable, type TerraformStack } from "cdktf";
import { standardTags } from "../../../lib/tags";
import { EncryptedTable } from "../../../modules/dynamodb-table";
import { SsrDistribution } from "../../../modules/ssr-distribution";
import { createEnvironmentStacks } from "../../../stacks/environment-stacks";
import { testAppStackOptions } from "../../support/synth";
import { awsStack, check, DEV, PROD, ssrFunction, status, synth, synthStack, violations } from "./support";

// Assembled at run time so secret scanners (and the repository's own check) do not flag the
// test source: AWS's documented example key id and a made-up webhook.
const FAKE_ACCESS_KEY_ID = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
const FAKE_SLACK_WEBHOOK = ["https://hooks.slack.com", "services", "T000", "B000", "XXXXXXXX"].join("/");

const ssr = (stack: TerraformStack, environment: Record<string, string> = {}) => ssrFunction(stack, { environment });

function table(stack: TerraformStack): EncryptedTable {
  return new EncryptedTable(stack, "Sessions", { tableName: "acme-web-dev-sessions", partitionKey: { name: "id", type: "S" } });
}

function alarm(stack: TerraformStack, id: string, dimensions: Record<string, string>, alarmActions = ["arn:aws:sns:eu-west-1:111111111111:alarms"]) {
  return new CloudwatchMetricAlarm(stack, id, {
    alarmName: `acme-web-dev-${id}`,
    namespace: "AWS/Test",
    metricName: "Errors",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 5,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    dimensions,
    alarmActions,
  });
}

describe("MON-1 alarms", () => {
  it("flags a function in an environment without any alarm (monitoring dropped is an error, not a skip)", () => {
    expect(violations(synthStack((s) => ssr(s)), "MON-1")).toEqual([
      ["aws_lambda_function.Ssr_Function_64DAD378", "function acme-web-dev-ssr is in no alarm's dimensions (environment dev has 0 alarms)"],
    ]);
  });

  it("fails, rather than skips, an environment stack without alarms", () => {
    expect(status(synthStack((s) => table(s)), "MON-1")).toBe("failed");
  });

  it("does not apply to a stack of no environment (the state bootstrap)", () => {
    expect(status(synthStack((s) => table(s), "state-test"), "MON-1", "state-test")).toBe("not-applicable");
  });

  it("does not apply to an environment stack without functions, APIs, tables, distributions or alarms", () => {
    expect(status(synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "plain" })), "MON-1")).toBe("not-applicable");
  });

  it("passes the shipped app and distribution stacks, whose monitoring covers everything", () => {
    const workspace = synth((app) => createEnvironmentStacks(app, DEV, testAppStackOptions()));
    expect(["dev-app", "dev-distribution"].map((id) => status(workspace, "MON-1", id))).toEqual(["passed", "passed"]);
  });

  it("flags a function whose only alarm notifies nobody", () => {
    const workspace = synthStack((s) => alarm(s, "SsrErrors", { FunctionName: ssr(s).function.functionName }, []));
    expect(violations(workspace, "MON-1")).toContainEqual([
      "aws_lambda_function.Ssr_Function_64DAD378",
      "function acme-web-dev-ssr is only in the dimensions of alarms that notify nobody",
    ]);
  });

  it("flags an alarm whose actions are switched off", () => {
    const workspace = synthStack((s) => {
      const fn = ssr(s).function.functionName;
      alarm(s, "SsrErrors", { FunctionName: fn });
      alarm(s, "SsrThrottles", { FunctionName: fn }).actionsEnabled = false;
    });
    expect(violations(workspace, "MON-1")).toEqual([
      ["aws_cloudwatch_metric_alarm.SsrThrottles", "alarm acme-web-dev-SsrThrottles has actions_enabled false, so it notifies nobody"],
    ]);
  });

  it("passes when every function and table is in some alarm's dimensions", () => {
    const workspace = synthStack((s) => {
      alarm(s, "SsrErrors", { FunctionName: ssr(s).function.functionName });
      alarm(s, "SessionsThrottles", { TableName: table(s).table.name });
    });
    expect(violations(workspace, "MON-1")).toEqual([]);
  });

  it("flags a table no alarm names once alarms exist", () => {
    const workspace = synthStack((s) => {
      alarm(s, "SsrErrors", { FunctionName: ssr(s).function.functionName });
      table(s);
    });
    expect(violations(workspace, "MON-1")).toEqual([
      ["aws_dynamodb_table.Sessions_Table_CB734F8B", "table acme-web-dev-sessions is in no alarm's dimensions (environment dev has 1 alarm)"],
    ]);
  });

  it("flags an alarm that notifies nobody", () => {
    const workspace = synthStack((s) => {
      const fn = ssr(s).function.functionName;
      alarm(s, "SsrThrottles", { FunctionName: fn });
      alarm(s, "SsrErrors", { FunctionName: fn }, []);
    });
    expect(violations(workspace, "MON-1")).toEqual([["aws_cloudwatch_metric_alarm.SsrErrors", "alarm acme-web-dev-SsrErrors has no alarm_actions, so it notifies nobody"]]);
  });

  it("counts an alarm in another stack of the environment, through remote state", () => {
    const workspace = synth((app) => {
      const cdn = new SsrDistribution(awsStack(app, "dev-edge"), "Cdn", {
        namePrefix: "acme-web-dev",
        aliases: ["dev.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/abc",
        priceClass: "PriceClass_100",
        assetsBucketDomainName: "acme-assets.s3.eu-west-1.amazonaws.com",
        ssrOriginHost: "abc.lambda-url.eu-west-1.on.aws",
        apiOriginHost: "abc.execute-api.eu-west-1.amazonaws.com",
      });
      alarm(awsStack(app, "dev-alarms", { region: "us-east-1" }), "Cdn5xx", { DistributionId: cdn.distribution.id, Region: "Global" });
    });
    expect(violations(workspace, "MON-1")).toEqual([]);
  });
});

describe("TAG-1 standard tags", () => {
  const bucket = (s: TerraformStack) => new S3Bucket(s, "Bucket", { bucket: "tagged" });

  it("passes a provider with the environment's standard tags", () => {
    expect(violations(synthStack(bucket), "TAG-1")).toEqual([]);
  });

  it("flags a provider without default_tags", () => {
    expect(violations(synthStack(bucket, "dev-test", { tags: null }), "TAG-1")).toEqual([
      ["provider.aws", "sets no default_tags, so resources carry none of Project, Environment, ManagedBy"],
    ]);
  });

  it("flags default_tags missing a standard key", () => {
    expect(violations(synthStack(bucket, "dev-test", { tags: { Environment: "dev", ManagedBy: "cdktf" } }), "TAG-1")).toEqual([
      ["provider.aws", "default_tags has Project missing"],
    ]);
  });

  it("flags default_tags naming another environment", () => {
    expect(violations(synthStack(bucket, "dev-test", { tags: standardTags(PROD) }), "TAG-1")).toEqual([
      ["provider.aws", 'default_tags has Environment = "prod" (expected "dev" for environment dev)'],
    ]);
  });

  it("flags a resource that blanks a standard tag", () => {
    const workspace = synthStack((s) => new S3Bucket(s, "Bucket", { bucket: "untagged", tags: { Environment: "" } }));
    expect(violations(workspace, "TAG-1")).toEqual([["aws_s3_bucket.Bucket", `tags.Environment = "" overrides the provider's default "${DEV.name}"`]]);
  });
});

describe("SEC-1 no secrets in Lambda environment or outputs", () => {
  const FUNCTION = "aws_lambda_function.Ssr_Function_64DAD378";

  it("passes plain settings and pointers to secrets", () => {
    const workspace = synthStack((s) => ssr(s, { LOG_LEVEL: "debug", DB_PASSWORD_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf" }));
    expect(violations(workspace, "SEC-1")).toEqual([]);
  });

  it("passes resource names, settings and pointers to secrets, whatever their source", () => {
    const workspace = synthStack((s) => {
      const password = new SsmParameter(s, "DbPassword", { name: "/acme-web/dev/db-password", type: "SecureString", value: "placeholder" });
      ssr(s, {
        TABLE_SESSIONS: table(s).table.name,
        LOG_LEVEL: "debug",
        APP_ENV: "dev",
        DB_PASSWORD_PARAMETER: password.name,
        DB_PASSWORD_ARN: password.arn,
        API_TOKEN_NAME: password.name,
      });
    });
    expect(violations(workspace, "SEC-1")).toEqual([]);
  });

  it("passes cdktf's cross-stack output for a table whose construct id says Tokens", () => {
    const workspace = synth((app) => {
      const tokens = new EncryptedTable(awsStack(app, "dev-data"), "ApiTokens", { tableName: "acme-web-dev-api-tokens", partitionKey: { name: "id", type: "S" } });
      ssr(awsStack(app, "dev-test"), { TABLE_API_TOKENS: tokens.table.name });
    });
    expect(violations(workspace, "SEC-1")).toEqual([]);
  });

  it("flags a secret-looking name whose value comes from a Terraform variable", () => {
    const workspace = synthStack((s) => {
      const secret = new TerraformVariable(s, "sessionSecret", { type: "string", sensitive: true });
      ssr(s, { SESSION_SECRET: secret.stringValue });
    });
    expect(violations(workspace, "SEC-1")).toEqual([
      [
        FUNCTION,
        'environment variable SESSION_SECRET has a secret-looking name (value "${var.sessionSecret}"), so the secret would sit in plain text in the function configuration, every plan and the state',
      ],
    ]);
  });

  it("flags a secret-looking name whose value is another resource's attribute", () => {
    const workspace = synthStack((s) => ssr(s, { PAYMENTS_API_KEY: new ApiGatewayApiKey(s, "Key", { name: "payments" }).value }));
    expect(violations(workspace, "SEC-1").map(([, message]) => message)).toEqual([
      expect.stringMatching(/^environment variable PAYMENTS_API_KEY has a secret-looking name \(value "\$\{aws_api_gateway_api_key\.Key\.value\}"\)/),
    ]);
  });

  it("tells how to pass a secret instead: an SSM parameter name such as DB_PASSWORD_PARAMETER", () => {
    const workspace = synthStack((s) => ssr(s, { DB_PASSWORD: new TerraformVariable(s, "dbPassword", { type: "string" }).stringValue }));
    expect(check(workspace, "SEC-1").violations.map((v) => v.fix)).toEqual([expect.stringContaining('DB_PASSWORD_PARAMETER = "/<project>/<env>/db-password"')]);
  });

  it("flags an output with a secret-looking name, whatever its value", () => {
    const workspace = synthStack((s) => new TerraformOutput(s, "slack_webhook", { value: new TerraformVariable(s, "slackWebhook", { type: "string" }).stringValue, sensitive: true }));
    expect(violations(workspace, "SEC-1")).toEqual([
      [
        "output.slack_webhook",
        'output slack_webhook has a secret-looking name (value "${var.slackWebhook}"), so the secret would sit in plain text in the outputs, every plan and the state',
      ],
    ]);
  });

  it("flags a hard-coded value under a secret-looking name", () => {
    expect(violations(synthStack((s) => ssr(s, { API_TOKEN: "abc123def456" })), "SEC-1")).toEqual([
      [FUNCTION, "environment variable API_TOKEN has a secret-looking name and a hard-coded value"],
    ]);
  });

  it("flags a Slack webhook URL under an innocent name", () => {
    expect(violations(synthStack((s) => ssr(s, { ALERTS: FAKE_SLACK_WEBHOOK })), "SEC-1")).toEqual([
      [FUNCTION, "environment variable ALERTS holds a Slack webhook URL"],
    ]);
  });

  it("flags an output holding an AWS access key id", () => {
    const workspace = synthStack((s) => new TerraformOutput(s, "deployer", { value: FAKE_ACCESS_KEY_ID }));
    expect(violations(workspace, "SEC-1")).toEqual([["output.deployer", "output deployer holds an AWS access key id"]]);
  });

  it("flags an output passing an IAM access key's secret", () => {
    const workspace = synthStack((s) => {
      const key = new IamAccessKey(s, "Key", { user: new IamUser(s, "Deployer", { name: "deployer" }).name });
      new TerraformOutput(s, "deployer", { value: key.secret, sensitive: true });
    });
    expect(violations(workspace, "SEC-1")).toEqual([["output.deployer", "output deployer passes the secret aws_iam_access_key.Key.secret in plain text"]]);
  });
});

describe("SEC-2 no credentials in providers or backends", () => {
  it("passes the shared test stack (credentials from the environment)", () => {
    expect(violations(synthStack(() => undefined), "SEC-2")).toEqual([]);
  });

  it("flags keys on the S3 backend (CKV_AWS_41)", () => {
    const workspace = synthStack((s) => {
      new S3Backend(s, { bucket: "state", key: "k", region: "eu-west-1" });
      s.addOverride("terraform.backend.s3.secret_key", "not-a-real-secret");
    });
    expect(violations(workspace, "SEC-2")).toEqual([["terraform.backend.s3", "sets secret_key, so the credential sits in the code, the synthesized JSON and every plan"]]);
  });

  it("flags keys on the AWS provider", () => {
    const workspace = synthStack((s) => s.addOverride("provider.aws.0.access_key", "not-a-real-key"));
    expect(violations(workspace, "SEC-2")).toEqual([["provider.aws", "sets access_key, so the credential sits in the code, the synthesized JSON and every plan"]]);
  });
});
