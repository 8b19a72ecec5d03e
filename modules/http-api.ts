import { Apigatewayv2Api } from "@cdktf/provider-aws/lib/apigatewayv2-api";
import { Apigatewayv2Integration } from "@cdktf/provider-aws/lib/apigatewayv2-integration";
import { Apigatewayv2Route } from "@cdktf/provider-aws/lib/apigatewayv2-route";
import { Apigatewayv2Stage } from "@cdktf/provider-aws/lib/apigatewayv2-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { apiAccessLogGroupName } from "../lib/naming";

export interface LambdaHttpApiProps {
  readonly apiName: string;
  /** Qualified ARN of the Lambda alias that serves the routes. */
  readonly aliasArn: string;
  readonly functionName: string;
  readonly aliasName: string;
  /**
   * Path prefix the API serves; CloudFront forwards `<pathPrefix>/*` here unchanged.
   * @default "/api"
   */
  readonly pathPrefix?: string;
  readonly logRetentionDays: number;
  /** @default 50 */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
}

/** An HTTP API (API Gateway v2) that proxies `<pathPrefix>/*` to a Lambda alias. */
export class LambdaHttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  /** Host name of the default endpoint, for use as a CloudFront origin. */
  readonly endpointHost: string;

  constructor(scope: Construct, id: string, props: LambdaHttpApiProps) {
    super(scope, id);
    const prefix = props.pathPrefix ?? "/api";
    this.api = new Apigatewayv2Api(this, "Api", { name: props.apiName, protocolType: "HTTP" });
    const integration = new Apigatewayv2Integration(this, "Integration", {
      apiId: this.api.id,
      integrationType: "AWS_PROXY",
      integrationUri: props.aliasArn,
      payloadFormatVersion: "2.0",
    });
    new Apigatewayv2Route(this, "ProxyRoute", {
      apiId: this.api.id,
      routeKey: `ANY ${prefix}/{proxy+}`,
      target: `integrations/${integration.id}`,
    });
    this.stage = this.createStage(props);
    new LambdaPermission(this, "InvokePermission", {
      statementId: "AllowHttpApiInvoke",
      action: "lambda:InvokeFunction",
      functionName: props.functionName,
      qualifier: props.aliasName,
      principal: "apigateway.amazonaws.com",
      sourceArn: `${this.api.executionArn}/*/*${prefix}/*`,
    });
    // https://<id>.execute-api.<region>.amazonaws.com -> <id>.execute-api.<region>.amazonaws.com
    this.endpointHost = Fn.replace(this.api.apiEndpoint, "https://", "");
  }

  private createStage(props: LambdaHttpApiProps): Apigatewayv2Stage {
    const accessLogs = new CloudwatchLogGroup(this, "AccessLogs", {
      name: apiAccessLogGroupName(props.apiName),
      retentionInDays: props.logRetentionDays,
    });
    return new Apigatewayv2Stage(this, "DefaultStage", {
      apiId: this.api.id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
      },
      accessLogSettings: {
        destinationArn: accessLogs.arn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          method: "$context.httpMethod",
          path: "$context.path",
          status: "$context.status",
          latencyMs: "$context.responseLatency",
          integrationError: "$context.integrationErrorMessage",
        }),
      },
    });
  }
}
