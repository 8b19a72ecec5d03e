import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { TerraformStack } from "cdktf";
import { EncryptedTable, type EncryptedTableProps } from "../../../modules/dynamodb-table";
import { LambdaHttpApi } from "../../../modules/http-api";
import { SsrFunction, type SsrFunctionProps } from "../../../modules/ssr-function";
import { CODE_ZIP, status, synthStack, violations } from "./support";

function ssr(stack: TerraformStack, props: Partial<SsrFunctionProps> = {}): SsrFunction {
  return new SsrFunction(stack, "Ssr", {
    functionName: "acme-web-test-ssr",
    roleName: "acme-web-test-ssr",
    codeZipFile: CODE_ZIP,
    runtime: "nodejs20.x",
    architecture: "arm64",
    memoryMiB: 512,
    timeoutSeconds: 10,
    reservedConcurrency: 20,
    logRetentionDays: 7,
    aliasName: "live",
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

/** A bare function (no log group, no alias) for the rules about what SsrFunction adds. */
function bareFunction(stack: TerraformStack, reservedConcurrentExecutions?: number): LambdaFunction {
  const role = new IamRole(stack, "Role", { name: "bare", assumeRolePolicy: "{}" });
  return new LambdaFunction(stack, "Bare", {
    functionName: "acme-web-test-bare",
    role: role.arn,
    runtime: "nodejs20.x",
    handler: "index.handler",
    filename: "code.zip",
    reservedConcurrentExecutions,
  });
}

const FUNCTION = "aws_lambda_function.Bare";

describe("LAM-1 function URLs use AWS_IAM", () => {
  it("passes SsrFunction", () => {
    expect(violations(synthStack((s) => ssr(s)), "LAM-1")).toEqual([]);
  });

  it("flags a public function URL", () => {
    const workspace = synthStack((s) => new LambdaFunctionUrl(s, "Url", { functionName: bareFunction(s).functionName, authorizationType: "NONE" }));
    expect(violations(workspace, "LAM-1")).toEqual([
      ["aws_lambda_function_url.Url", 'authorization_type is "NONE": anyone on the internet can invoke the function directly'],
    ]);
  });
});

describe("LAM-2 Lambda permissions are scoped", () => {
  const permission = (principal: string, sourceArn?: string) => (s: TerraformStack) =>
    new LambdaPermission(s, "Invoke", { functionName: bareFunction(s).functionName, action: "lambda:InvokeFunction", principal, sourceArn });

  it("passes a service principal with a source ARN", () => {
    const workspace = synthStack(permission("apigateway.amazonaws.com", "arn:aws:execute-api:eu-west-1:111111111111:abc/*/*/api/*"));
    expect(violations(workspace, "LAM-2")).toEqual([]);
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
  it("passes SsrFunction", () => {
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

describe("IAM-1 least privilege", () => {
  it("passes SsrFunction's table grants", () => {
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
  it("passes SsrFunction and its log group", () => {
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

  it("warns about a stage without access logs", () => {
    const workspace = synthStack((s) => {
      const api = new Apigatewayv2Api(s, "Api", { name: "api", protocolType: "HTTP" });
      new Apigatewayv2Stage(s, "Stage", { apiId: api.id, name: "$default", autoDeploy: true });
    });
    expect(violations(workspace, "API-1")).toEqual([["aws_apigatewayv2_stage.Stage", 'stage "$default" has no access_log_settings.destination_arn']]);
  });
});
