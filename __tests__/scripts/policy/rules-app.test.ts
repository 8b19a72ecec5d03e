import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { TerraformStack } from "cdktf";
import { EncryptedTable, type EncryptedTableProps } from "../../../modules/dynamodb-table";
import { LambdaHttpApi } from "../../../modules/http-api";
import { EncryptedAlarmTopic } from "../../../modules/monitoring/alarm-topic";
import { PrivateBucket } from "../../../modules/private-bucket";
import { AppFunction, type AppFunctionProps } from "../../../modules/app-function";
import { runPolicy } from "../../../scripts/policy/engine";
import { RULES } from "../../../scripts/policy/rules";
import { CODE_ZIP, ENVIRONMENTS, status, synthStack, violations } from "./support";

function ssr(stack: TerraformStack, props: Partial<AppFunctionProps> = {}): AppFunction {
  return new AppFunction(stack, "Ssr", {
    functionName: "acme-web-test-ssr",
    roleName: "acme-web-test-ssr",
    codeZipFile: CODE_ZIP,
    runtime: "nodejs22.x",
    architecture: "arm64",
    memoryMiB: 512,
    timeoutSeconds: 10,
    reservedConcurrency: 20,
    logRetentionDays: 7,
    aliasName: "live",
    functionUrl: { invokeMode: "BUFFERED" },
    ...props,
  });
}

function table(stack: TerraformStack, props: Partial<EncryptedTableProps> = {}): EncryptedTable {
  return new EncryptedTable(stack, "Sessions", {
    tableName: "acme-web-test-sessions",
    partitionKey: { name: "id", type: "S" },
    pointInTimeRecovery: true,
    deletionProtection: true,
    ...props,
  });
}

/** A bare function (no log group, no alias) for the rules about what AppFunction adds. */
function bareFunction(stack: TerraformStack, reservedConcurrentExecutions?: number): LambdaFunction {
  const role = new IamRole(stack, "Role", { name: "bare", assumeRolePolicy: "{}" });
  return new LambdaFunction(stack, "Bare", {
    functionName: "acme-web-test-bare",
    role: role.arn,
    runtime: "nodejs22.x",
    handler: "index.handler",
    filename: "code.zip",
    reservedConcurrentExecutions,
  });
}

const FUNCTION = "aws_lambda_function.Bare";

describe("LAM-1 function URLs use AWS_IAM", () => {
  it("passes AppFunction", () => {
    expect(violations(synthStack((s) => ssr(s)), "LAM-1")).toEqual([]);
  });

  it("flags a public function URL", () => {
    const workspace = synthStack((s) => new LambdaFunctionUrl(s, "Url", { functionName: bareFunction(s).functionName, authorizationType: "NONE" }));
    expect(violations(workspace, "LAM-1")).toEqual([
      ["aws_lambda_function_url.Url", 'authorization_type is "NONE": anyone on the internet can invoke the function directly'],
    ]);
  });
});

describe("LAM-1 function URL CORS", () => {
  it("flags CORS that allows any origin with any method", () => {
    const workspace = synthStack(
      (s) => new LambdaFunctionUrl(s, "Url", { functionName: bareFunction(s).functionName, authorizationType: "AWS_IAM", cors: { allowOrigins: ["*"], allowMethods: ["*"] } }),
    );
    expect(violations(workspace, "LAM-1")).toEqual([
      ["aws_lambda_function_url.Url", 'cors allows origin "*" with method "*": any web page can call every method of the function from a visitor\'s browser'],
    ]);
  });

  it("passes CORS limited to named origins", () => {
    const workspace = synthStack(
      (s) =>
        new LambdaFunctionUrl(s, "Url", { functionName: bareFunction(s).functionName, authorizationType: "AWS_IAM", cors: { allowOrigins: ["https://example.com"], allowMethods: ["*"] } }),
    );
    expect(violations(workspace, "LAM-1")).toEqual([]);
  });
});

describe("LAM-2 Lambda permissions are scoped", () => {
  const permission = (principal: string, sourceArn?: string) => (s: TerraformStack) =>
    new LambdaPermission(s, "Invoke", { functionName: bareFunction(s).functionName, action: "lambda:InvokeFunction", principal, sourceArn });

  it("passes a service principal with a source ARN", () => {
    const workspace = synthStack(permission("apigateway.amazonaws.com", "arn:aws:execute-api:eu-west-1:111111111111:abc/*/*/api/*"));
    expect(violations(workspace, "LAM-2")).toEqual([]);
  });

  it("passes a source ARN that references the API, followed by a path, as LambdaHttpApi writes it", () => {
    const workspace = synthStack((s) => {
      const fn = ssr(s);
      new LambdaHttpApi(s, "HttpApi", { apiName: "api", aliasArn: fn.alias.arn, functionName: fn.function.functionName, aliasName: "live", logRetentionDays: 7 });
    });
    expect(violations(workspace, "LAM-2")).toEqual([]);
  });

  it("passes a source ARN that is exactly the distribution's ARN", () => {
    const workspace = synthStack((s) => {
      const distribution = new CloudfrontDistribution(s, "Cdn", {
        enabled: true,
        origin: [{ domainName: "abc.lambda-url.eu-west-1.on.aws", originId: "ssr" }],
        defaultCacheBehavior: { allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], targetOriginId: "ssr", viewerProtocolPolicy: "redirect-to-https" },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
      });
      permission("cloudfront.amazonaws.com", distribution.arn)(s);
    });
    expect(violations(workspace, "LAM-2")).toEqual([]);
  });

  it.each([
    ["arn:aws:cloudfront::111111111111:distribution/E2QWRUHAPOMQZL"],
    ["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/x:*"],
    ["arn:aws:s3:::acme-web-dev-uploads"],
  ])("passes the concrete source ARN %s", (sourceArn) => {
    expect(violations(synthStack(permission("events.amazonaws.com", sourceArn)), "LAM-2")).toEqual([]);
  });

  it.each([
    ["*", "matches every resource of every account"],
    ["arn:aws:execute-api:*:*:*", "has a wildcard in the account (*), so resources in any account could invoke"],
    ["arn:aws:execute-api:eu-west-1:111111111111:*/*/*/api/*", "has a wildcard for the resource id (*/*/*/api/*), so any such resource in the account could invoke"],
    ["arn:aws:cloudfront::111111111111:distribution/*", "has a wildcard for the resource id (distribution/*), so any such resource in the account could invoke"],
    ["arn:aws:events:eu-west-1:1111*:rule/nightly", "has a wildcard in the account (1111*), so resources in any account could invoke"],
    ["lambda-invokers", "is neither an ARN nor a reference to the invoking resource"],
  ])("flags the source ARN %s", (sourceArn, problem) => {
    expect(violations(synthStack(permission("apigateway.amazonaws.com", sourceArn)), "LAM-2")).toEqual([
      ["aws_lambda_permission.Invoke", `source_arn ${JSON.stringify(sourceArn)} ${problem}`],
    ]);
  });

  it('flags principal "*"', () => {
    expect(violations(synthStack(permission("*")), "LAM-2")).toEqual([
      ["aws_lambda_permission.Invoke", 'principal "*" lets anyone "lambda:InvokeFunction" the function'],
    ]);
  });

  it("flags a service principal without a source ARN", () => {
    expect(violations(synthStack(permission("s3.amazonaws.com")), "LAM-2")).toEqual([
      ["aws_lambda_permission.Invoke", 'service principal "s3.amazonaws.com" has no source_arn, so any s3.amazonaws.com resource in any account could invoke'],
    ]);
  });
});

describe("LAM-3 reserved concurrency in protected environments", () => {
  it("passes a prod function with reserved concurrency", () => {
    expect(violations(synthStack((s) => bareFunction(s, 50), "prod-test"), "LAM-3")).toEqual([]);
  });

  it("flags a prod function on the unreserved pool", () => {
    expect(violations(synthStack((s) => bareFunction(s), "prod-test"), "LAM-3")).toEqual([
      [FUNCTION, "reserved_concurrent_executions is unset in protected environment prod: a traffic spike elsewhere in the account can starve it"],
    ]);
  });

  it("does not apply to an unprotected environment", () => {
    expect(status(synthStack((s) => bareFunction(s)), "LAM-3")).toBe("not-applicable");
  });
});

describe("LAM-4 the live alias leaves releases alone", () => {
  it("passes AppFunction", () => {
    expect(violations(synthStack((s) => ssr(s)), "LAM-4")).toEqual([]);
  });

  it("flags a live alias whose routing_config Terraform would reset", () => {
    const workspace = synthStack((s) => {
      const fn = bareFunction(s);
      new LambdaAlias(s, "Live", { name: "live", functionName: fn.functionName, functionVersion: fn.version, lifecycle: { ignoreChanges: ["function_version"] } });
    });
    expect(violations(workspace, "LAM-4")).toEqual([
      ["aws_lambda_alias.Live", 'lifecycle.ignore_changes does not list routing_config (got ["function_version"]), so terraform apply would move the alias back'],
    ]);
  });
});

describe("LAM-5 supported runtime", () => {
  const LAM5 = RULES.filter((r) => r.id === "LAM-5");
  /** LAM-5's report for an AppFunction on `runtime`, judged on `day`. */
  const judge = (runtime: string, day: string) => runPolicy(synthStack((s) => ssr(s, { runtime })), ENVIRONMENTS, { rules: LAM5, now: new Date(day) });
  const messages = (runtime: string, day: string) => judge(runtime, day).violations.map((v) => v.message);

  it("passes nodejs22.x before its deprecation date", () => {
    expect(messages("nodejs22.x", "2026-12-06")).toEqual([]);
  });

  it("flags nodejs20.x after its deprecation date, with the dates AWS blocks it", () => {
    expect(messages("nodejs20.x", "2026-12-06")).toEqual(["runtime nodejs20.x was deprecated on 2026-04-30 (new functions blocked from 2026-08-31, updates from 2026-09-30)"]);
  });

  it("flags nodejs22.x once its deprecation date has come", () => {
    expect(messages("nodejs22.x", "2027-04-30")).toEqual(["runtime nodejs22.x was deprecated on 2027-04-30 (new functions blocked from 2027-06-01, updates from 2027-07-01)"]);
  });

  it("names the newest supported runtime of the family as the fix", () => {
    expect(judge("nodejs20.x", "2026-12-06").violations[0]?.fix).toMatch(/^Set ssr\.runtime to "nodejs24\.x"/);
  });

  it("flags a runtime the dated table does not know", () => {
    expect(messages("python3.9", "2026-12-06")).toEqual(['runtime "python3.9" is not in lib/lambda-runtimes.ts, so nobody has checked when AWS deprecates it']);
  });
});

describe("LAM-6 tracing mode stated", () => {
  it("passes AppFunction (PassThrough)", () => {
    expect(violations(synthStack((s) => ssr(s)), "LAM-6")).toEqual([]);
  });

  it("flags a function that leaves the tracing mode unset", () => {
    expect(violations(synthStack((s) => bareFunction(s)), "LAM-6")).toEqual([[FUNCTION, 'tracing_config.mode is unset (expected PassThrough or Active)']]);
  });
});

describe("IAM-1 least privilege", () => {
  it("passes AppFunction's table grants", () => {
    const workspace = synthStack((s) => {
      const sessions = table(s);
      ssr(s, { policyStatements: [{ actions: ["dynamodb:GetItem"], resources: [sessions.table.arn] }] });
    });
    expect(violations(workspace, "IAM-1")).toEqual([]);
  });

  it('flags Action "*"', () => {
    const workspace = synthStack((s) => ssr(s, { policyStatements: [{ sid: "Everything", actions: ["*"], resources: ["arn:aws:s3:::x"] }] }));
    expect(violations(workspace, "IAM-1")).toEqual([
      ["aws_iam_role_policy.Ssr_RolePolicy_79B23195", 'policy: statement "Everything" allows Action "*"'],
    ]);
  });

  it('flags data actions on Resource "*"', () => {
    const workspace = synthStack((s) => ssr(s, { policyStatements: [{ sid: "AnyTable", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: ["*"] }] }));
    expect(violations(workspace, "IAM-1")).toEqual([
      ["aws_iam_role_policy.Ssr_RolePolicy_79B23195", 'policy: statement "AnyTable" allows dynamodb:GetItem, dynamodb:PutItem on "*"'],
    ]);
  });

  const ROLE_POLICY = "aws_iam_role_policy.Ssr_RolePolicy_79B23195";
  const grant = (actions: string[], resources: string[]) => (s: TerraformStack) => ssr(s, { policyStatements: [{ sid: "Grant", actions, resources }] });

  it.each([
    ["s3:GetObject", "arn:aws:s3:::*/*"],
    ["s3:GetObject", "arn:aws:s3:::*-bucket/*"],
    ["s3:ListBucket", "arn:aws:s3:::*"],
    ["dynamodb:Query", "arn:aws:dynamodb:*:*:table/*"],
    ["dynamodb:Query", "arn:aws:dynamodb:*:*:table/*/index/*"],
    ["dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:111111111111:*"],
    ["dynamodb:GetItem", "arn:${data.aws_partition.P.partition}:dynamodb:eu-west-1:111111111111:table/*"],
  ])("flags %s on %s, which names no particular bucket or table", (action, resource) => {
    expect(violations(synthStack(grant([action], [resource])), "IAM-1")).toEqual([[ROLE_POLICY, `policy: statement "Grant" allows ${action} on "${resource}"`]]);
  });

  it.each([
    ["s3:GetObject", "arn:aws:s3:::acme-web-dev-assets-111111111111/assets/*"],
    ["s3:GetObject", "arn:aws:s3:::acme-*/assets/*"],
    ["dynamodb:Query", "arn:aws:dynamodb:eu-west-1:111111111111:table/acme-web-dev-sessions/index/*"],
    ["dynamodb:Query", "arn:aws:dynamodb:*:*:table/acme-web-dev-sessions"],
  ])("passes %s on the named resource %s", (action, resource) => {
    expect(violations(synthStack(grant([action], [resource])), "IAM-1")).toEqual([]);
  });

  it("passes grants on a bucket prefix and on table indexes given by reference, as the stacks write them", () => {
    const workspace = synthStack((s) => {
      const assets = new PrivateBucket(s, "Assets", { bucketName: "acme-web-dev-assets-111111111111" });
      const sessions = table(s);
      ssr(s, {
        policyStatements: [
          { actions: ["s3:GetObject"], resources: [`${assets.bucket.arn}/assets/*`] },
          { actions: ["dynamodb:Query"], resources: [sessions.table.arn, `${sessions.table.arn}/index/*`] },
        ],
      });
    });
    expect(violations(workspace, "IAM-1")).toEqual([]);
  });

  it("flags a whole data service (dynamodb:*) even on one table", () => {
    const workspace = synthStack((s) => ssr(s, { policyStatements: [{ sid: "Tables", actions: ["dynamodb:*"], resources: [table(s).table.arn] }] }));
    expect(violations(workspace, "IAM-1")).toEqual([
      [ROLE_POLICY, 'policy: statement "Tables" allows dynamodb:*: every dynamodb action, deleting and re-permissioning the table included'],
    ]);
  });

  it('flags Action "*" in a trust policy', () => {
    const workspace = synthStack((s) => {
      const trust = new DataAwsIamPolicyDocument(s, "Trust", {
        statement: [{ sid: "AnyAction", actions: ["*"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
      });
      new IamRole(s, "Role", { name: "loose-trust", assumeRolePolicy: trust.json });
    });
    expect(violations(workspace, "IAM-1")).toEqual([["aws_iam_role.Role", 'assume_role_policy: statement "AnyAction" allows Action "*"']]);
  });

  it('flags Action "*" in an SNS topic policy', () => {
    const workspace = synthStack((s) => {
      const policy = new DataAwsIamPolicyDocument(s, "TopicPolicy", {
        statement: [{ sid: "Account", actions: ["*"], principals: [{ type: "AWS", identifiers: ["111111111111"] }], resources: ["*"] }],
      });
      new SnsTopic(s, "Topic", { name: "alarms", policy: policy.json });
    });
    expect(violations(workspace, "IAM-1")).toEqual([["aws_sns_topic.Topic", 'policy: statement "Account" allows Action "*"']]);
  });

  it('flags Action "*" in a KMS key policy', () => {
    const workspace = synthStack((s) => {
      const policy = new DataAwsIamPolicyDocument(s, "KeyPolicy", {
        statement: [{ sid: "Everything", actions: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }], resources: ["*"] }],
      });
      new KmsKey(s, "Key", { policy: policy.json });
    });
    expect(violations(workspace, "IAM-1")).toEqual([["aws_kms_key.Key", 'policy: statement "Everything" allows Action "*"']]);
  });

  it("passes the alarm topic's key policy, which lists its KMS actions on the key (Resource *)", () => {
    const workspace = synthStack(
      (s) => new EncryptedAlarmTopic(s, "AlarmTopic", { topicName: "acme-web-dev-alarms", keyAlias: "alias/acme-web-dev-alarms", accountId: "111111111111", alarmNamePrefix: "acme-web-dev-" }),
    );
    expect(violations(workspace, "IAM-1")).toEqual([]);
  });

  it("passes a bucket policy whose only s3:* is the TLS-only Deny", () => {
    expect(violations(synthStack((s) => new PrivateBucket(s, "Data", { bucketName: "data-bucket" })), "IAM-1")).toEqual([]);
  });

  it("flags a bucket policy that allows s3:*", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      data.addPolicyStatements({ sid: "Account", principals: [{ type: "AWS", identifiers: ["111111111111"] }], actions: ["s3:*"], resources: [`${data.bucket.arn}/*`] });
    });
    expect(violations(workspace, "IAM-1")).toEqual([
      ["aws_s3_bucket_policy.Data_Policy_537CBD2F", 'policy: statement "Account" allows s3:*: every s3 action, deleting and re-permissioning the bucket included'],
    ]);
  });

  it("flags an attached AWS-managed full-access policy", () => {
    const workspace = synthStack((s) => {
      const role = new IamRole(s, "Role", { name: "broad", assumeRolePolicy: "{}" });
      new IamRolePolicyAttachment(s, "Admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" });
    });
    expect(violations(workspace, "IAM-1")).toEqual([
      ["aws_iam_role_policy_attachment.Admin", "attaches the AWS-managed policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess, which grants far more than the function needs"],
    ]);
  });
});

describe("DDB-1 tables encrypted", () => {
  it("passes EncryptedTable", () => {
    expect(violations(synthStack((s) => table(s)), "DDB-1")).toEqual([]);
  });

  it("flags a table without server-side encryption", () => {
    const workspace = synthStack((s) => new DynamodbTable(s, "Plain", { name: "plain", hashKey: "id", attribute: [{ name: "id", type: "S" }] }));
    expect(violations(workspace, "DDB-1")).toEqual([["aws_dynamodb_table.Plain", "table plain has server_side_encryption.enabled unset"]]);
  });
});

describe("DDB-2 deletion protection in protected environments", () => {
  it("passes a protected prod table", () => {
    expect(violations(synthStack((s) => table(s), "prod-test"), "DDB-2")).toEqual([]);
  });

  it("flags a prod table without deletion protection", () => {
    expect(violations(synthStack((s) => table(s, { deletionProtection: false }), "prod-test"), "DDB-2")).toEqual([
      ["aws_dynamodb_table.Sessions_Table_CB734F8B", "table acme-web-test-sessions has deletion_protection_enabled false in protected environment prod"],
    ]);
  });

  it("does not apply to an unprotected environment", () => {
    expect(status(synthStack((s) => table(s, { deletionProtection: false })), "DDB-2")).toBe("not-applicable");
  });
});

describe("DDB-3 point-in-time recovery in protected environments", () => {
  it("passes a protected prod table", () => {
    expect(violations(synthStack((s) => table(s), "prod-test"), "DDB-3")).toEqual([]);
  });

  it("flags a prod table without point-in-time recovery", () => {
    expect(violations(synthStack((s) => table(s, { pointInTimeRecovery: false }), "prod-test"), "DDB-3")).toEqual([
      ["aws_dynamodb_table.Sessions_Table_CB734F8B", "table acme-web-test-sessions has point_in_time_recovery.enabled false in protected environment prod"],
    ]);
  });
});

describe("LOG-1 log retention", () => {
  it("passes AppFunction and its log group", () => {
    expect(violations(synthStack((s) => ssr(s)), "LOG-1")).toEqual([]);
  });

  it("flags a log group kept forever", () => {
    const workspace = synthStack((s) => new CloudwatchLogGroup(s, "Forever", { name: "/aws/lambda/forever" }));
    expect(violations(workspace, "LOG-1")).toEqual([
      ["aws_cloudwatch_log_group.Forever", 'log group "/aws/lambda/forever" has retention_in_days unset, so its logs are kept (and billed) forever'],
    ]);
  });

  it("flags a function whose log group Lambda would create itself", () => {
    expect(violations(synthStack((s) => bareFunction(s)), "LOG-1")).toEqual([
      [FUNCTION, "no log group in this stack for /aws/lambda/acme-web-test-bare: Lambda would create one itself, without retention"],
    ]);
  });
});

describe("API-1 API access logs", () => {
  it("passes LambdaHttpApi", () => {
    const workspace = synthStack((s) => {
      const fn = ssr(s);
      new LambdaHttpApi(s, "HttpApi", { apiName: "api", aliasArn: fn.alias.arn, functionName: fn.function.functionName, aliasName: "live", logRetentionDays: 7 });
    });
    expect(violations(workspace, "API-1")).toEqual([]);
  });

  it("flags a stage without access logs", () => {
    const workspace = synthStack((s) => {
      const api = new Apigatewayv2Api(s, "Api", { name: "api", protocolType: "HTTP" });
      new Apigatewayv2Stage(s, "Stage", { apiId: api.id, name: "$default", autoDeploy: true });
    });
    expect(violations(workspace, "API-1")).toEqual([["aws_apigatewayv2_stage.Stage", 'stage "$default" has no access_log_settings.destination_arn']]);
  });
});

describe("LOG-2 protected environments keep logs long enough", () => {
  it("passes 90 days in prod", () => {
    expect(violations(synthStack((s) => new CloudwatchLogGroup(s, "Logs", { name: "/x", retentionInDays: 90 }), "prod-test"), "LOG-2")).toEqual([]);
  });

  it("flags 30 days in prod", () => {
    expect(violations(synthStack((s) => new CloudwatchLogGroup(s, "Logs", { name: "/x", retentionInDays: 30 }), "prod-test"), "LOG-2")).toEqual([
      ["aws_cloudwatch_log_group.Logs", 'log group "/x" keeps logs 30 days in protected environment prod (at least 90)'],
    ]);
  });

  it("does not apply to an unprotected environment", () => {
    expect(status(synthStack((s) => new CloudwatchLogGroup(s, "Logs", { name: "/x", retentionInDays: 1 })), "LOG-2")).toBe("not-applicable");
  });
});
