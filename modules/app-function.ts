import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { lambdaLogGroupName } from "../lib/naming";

export interface AppFunctionProps {
  readonly functionName: string;
  readonly roleName: string;
  /** Zip file holding the built handler (built deterministically, so an unchanged build is no diff). */
  readonly codeZipFile: string;
  /** @default "index.handler" */
  readonly handler?: string;
  readonly runtime: string;
  readonly architecture: "arm64" | "x86_64";
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** `null` leaves the function on the account's unreserved pool. */
  readonly reservedConcurrency: number | null;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  /** The alias CloudFront, API Gateway and event sources invoke; release tooling moves it. */
  readonly aliasName: string;
  /**
   * A function URL on the alias (AWS_IAM: only CloudFront's signed requests), for HTTP origins.
   * `RESPONSE_STREAM` for handlers that stream (Lambda developer guide, "Response streaming").
   * @default no function URL
   */
  readonly functionUrl?: { readonly invokeMode: "BUFFERED" | "RESPONSE_STREAM" };
  /**
   * Name of the role's inline policy.
   * @default "ssr"
   */
  readonly policyName?: string;
  /**
   * Statements for the data the function reads and writes (tables, …). Logging
   * permissions for its own log group are always included.
   * @default []
   */
  readonly policyStatements?: readonly DataAwsIamPolicyDocumentStatement[];
}

/**
 * One of the app's Lambda functions: every deploy publishes a new immutable version, but the
 * alias stays where release/rollback put it (Terraform ignores its version and weights). An
 * HTTP origin's function URL sits on the alias and accepts only SigV4-signed requests
 * (CloudFront OAC).
 */
export class AppFunction extends Construct {
  readonly function: LambdaFunction;
  readonly alias: LambdaAlias;
  readonly functionUrl?: LambdaFunctionUrl;
  readonly logGroup: CloudwatchLogGroup;
  /** Host name of the function URL, for use as a CloudFront origin; absent without a URL. */
  readonly functionUrlHost?: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: lambdaLogGroupName(props.functionName),
      retentionInDays: props.logRetentionDays,
    });
    const role = this.createRole(props);
    this.function = this.createFunction(props, role);
    this.alias = this.createAlias(props);
    if (props.functionUrl) {
      this.functionUrl = new LambdaFunctionUrl(this, "Url", {
        functionName: this.function.functionName,
        qualifier: this.alias.name,
        authorizationType: "AWS_IAM",
        invokeMode: props.functionUrl.invokeMode,
      });
      // https://<id>.lambda-url.<region>.on.aws/ -> <id>.lambda-url.<region>.on.aws
      this.functionUrlHost = Fn.element(Fn.split("/", this.functionUrl.functionUrl), 2);
    }
  }

  private createRole(props: AppFunctionProps): IamRole {
    const assume = new DataAwsIamPolicyDocument(this, "AssumeRolePolicy", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "Role", { name: props.roleName, assumeRolePolicy: assume.json });
    const permissions = new DataAwsIamPolicyDocument(this, "RolePolicyDocument", {
      statement: [
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
        ...(props.policyStatements ?? []),
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { name: props.policyName ?? "ssr", role: role.id, policy: permissions.json });
    return role;
  }

  private createFunction(props: AppFunctionProps, role: IamRole): LambdaFunction {
    const code = new TerraformAsset(this, "Code", { path: props.codeZipFile, type: AssetType.FILE });
    return new LambdaFunction(this, "Function", {
      functionName: props.functionName,
      role: role.arn,
      filename: code.path,
      sourceCodeHash: code.assetHash,
      handler: props.handler ?? "index.handler",
      runtime: props.runtime,
      architectures: [props.architecture],
      memorySize: props.memoryMiB,
      timeout: props.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency ?? -1,
      // Every code or configuration change becomes a new immutable version to release.
      publish: true,
      // Stated rather than defaulted (policy LAM-6): forwards an incoming trace header, samples
      // nothing itself, costs nothing. "Active" would sample and bill X-Ray traces.
      tracingConfig: { mode: "PassThrough" },
      environment: { variables: { ...props.environment } },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      dependsOn: [this.logGroup],
    });
  }

  private createAlias(props: AppFunctionProps): LambdaAlias {
    return new LambdaAlias(this, "Alias", {
      name: props.aliasName,
      functionName: this.function.functionName,
      // The first deploy points the alias at version 1; afterwards only release/rollback move it.
      functionVersion: this.function.version,
      lifecycle: { ignoreChanges: ["function_version", "routing_config"] },
    });
  }
}
