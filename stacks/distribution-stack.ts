import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import {
  alarmName,
  alarmNamePrefix,
  alarmTopicKeyAlias,
  ASSETS_PREFIX,
  assetsBucketName,
  CLOUDFRONT_CERTIFICATE_REGION,
  chatbotConfigurationName,
  chatbotRoleName,
  dashboardName,
  edgeAlarmTopicName,
  forwardedHostFunctionName,
  resourcePrefix,
} from "../lib/naming";
import { standardTags } from "../lib/tags";
import { EncryptedAlarmTopic } from "../modules/monitoring/alarm-topic";
import { DnsValidatedCertificate } from "../modules/dns-validated-certificate";
import { CLOUDFRONT_METRICS_REGION, CloudFrontAlarms } from "../modules/monitoring/cloudfront-alarms";
import { MonitoringDashboard } from "../modules/monitoring/dashboard";
import { SlackAlarmChannel } from "../modules/monitoring/slack-alarm-channel";
import { PrivateBucket } from "../modules/private-bucket";
import { SsrDistribution, type DistributionBehaviour } from "../modules/ssr-distribution";
import { SERVER_FUNCTION_ID, type AppBuildDescription } from "../lib/app-build/description";
import type { AppStack } from "./app-stack";
import { pascalCase } from "../lib/construct-id";
import { EnvironmentStack } from "./environment-stack";
import type { DnsStack } from "./dns-stack";

export interface DistributionStackInputs {
  readonly dns: DnsStack;
  readonly app: AppStack;
}

/**
 * The edge: the private assets bucket, CloudFront with its certificate, and the DNS records.
 * It consumes the hosted zone and the app's origins (through remote state) and holds the
 * permissions that let CloudFront invoke the function, so neither other stack depends on
 * this one. The certificate lives here, in CloudFront's state, so that a change of domain
 * names is one apply: new certificate, CloudFront moved to it, old certificate deleted
 * (docs/stacks-and-state.md, "Certificates").
 */
export class DistributionStack extends EnvironmentStack {
  readonly assets: PrivateBucket;
  readonly certificate: DnsValidatedCertificate;
  readonly cdn: SsrDistribution;
  /** Topic for the CloudFront alarms, in us-east-1 beside them. */
  readonly edgeAlarmTopic: EncryptedAlarmTopic;
  readonly cdnAlarms: CloudFrontAlarms;
  readonly dashboard: MonitoringDashboard;
  /** Absent when the environment has no `slack` config. */
  readonly slackChannel?: SlackAlarmChannel;

  constructor(scope: Construct, env: EnvironmentConfig, inputs: DistributionStackInputs) {
    super(scope, "distribution", { env });
    const usEast1 = this.createUsEast1Provider();
    this.assets = new PrivateBucket(this, "Assets", { bucketName: assetsBucketName(env) });
    this.certificate = new DnsValidatedCertificate(this, "SiteCertificate", {
      provider: usEast1,
      domainNames: env.dns.domainNames,
      hostedZoneId: inputs.dns.hostedZoneId,
    });
    const { appBuild } = inputs.app;
    const keyPrefix = appBuild.staticFiles.keyPrefix.replace(/\/$/, "");
    this.cdn = new SsrDistribution(this, "Cdn", {
      namePrefix: resourcePrefix(env),
      aliases: env.dns.domainNames,
      certificateArn: this.certificate.certificateArn,
      priceClass: env.cdn.priceClass,
      assetsBucketDomainName: this.assets.bucket.bucketRegionalDomainName,
      assetsOriginPath: keyPrefix ? `/${keyPrefix}` : "",
      ssrOriginHost: inputs.app.ssr.functionUrlHost!,
      functionOrigins: inputs.app.httpFunctions.filter((f) => f.id !== SERVER_FUNCTION_ID).map((f) => ({ id: f.id, host: f.originHost })),
      behaviours: distributionBehaviours(appBuild),
      apiOriginHost: inputs.app.api?.endpointHost,
      forwardedHostFunctionName: forwardedHostFunctionName(env),
      ssrOriginReadTimeoutSeconds: Math.min(60, env.ssr.timeoutSeconds + 5),
    });
    this.certificate.addConsumer(this.cdn.distribution);
    this.grantCloudFrontAssetReads();
    this.grantCloudFrontInvoke(inputs.app);
    this.createAliasRecords(inputs.dns.hostedZoneId);
    this.edgeAlarmTopic = this.createEdgeAlarmTopic(usEast1);
    this.cdnAlarms = this.createMonitoring(usEast1);
    this.dashboard = this.createDashboard(inputs.app);
    this.slackChannel = this.createSlackChannel(inputs.app);
  }

  /**
   * CloudFront's own region: it takes certificates only from ACM in us-east-1, and its
   * metrics (so the alarms on them and their topic) exist only there.
   */
  private createUsEast1Provider(): AwsProvider {
    return new AwsProvider(this, "AwsUsEast1", {
      alias: "us_east_1",
      region: CLOUDFRONT_CERTIFICATE_REGION,
      allowedAccountIds: [this.env.account.id],
      defaultTags: [{ tags: standardTags(this.env, "distribution") }],
    });
  }

  private createEdgeAlarmTopic(provider: AwsProvider): EncryptedAlarmTopic {
    const topicName = edgeAlarmTopicName(this.env);
    return new EncryptedAlarmTopic(this, "EdgeAlarmTopic", {
      provider,
      topicName,
      keyAlias: alarmTopicKeyAlias(topicName),
      accountId: this.env.account.id,
      alarmNamePrefix: alarmNamePrefix(this.env),
    });
  }

  private createMonitoring(provider: AwsProvider): CloudFrontAlarms {
    const { alarms } = this.env;
    return new CloudFrontAlarms(this, "CdnAlarms", {
      provider,
      alarmName: (what) => alarmName(this.env, `cdn-${what}`),
      topicArns: [this.edgeAlarmTopic.topic.arn],
      evaluation: alarms,
      distributionId: this.cdn.distribution.id,
      thresholds: {
        serverErrorRatePercent: alarms.cloudFront5xxRatePercent,
        clientErrorRatePercent: alarms.cloudFront4xxRatePercent,
      },
    });
  }

  /**
   * The environment's dashboard lives here because only this stack sees both the app
   * (through remote state) and the distribution; the app stack cannot depend on this one.
   */
  private createDashboard(app: AppStack): MonitoringDashboard {
    const { alarms, ssr } = this.env;
    return new MonitoringDashboard(this, "Dashboard", {
      dashboardName: dashboardName(this.env),
      region: this.env.account.region,
      periodSeconds: alarms.periodSeconds,
      ssrFunction: {
        functionName: app.ssr.function.functionName,
        timeoutSeconds: ssr.timeoutSeconds,
        reservedConcurrency: ssr.reservedConcurrency,
      },
      httpApi: app.api ? { apiId: app.api.api.id, stageName: app.api.stage.name } : undefined,
      distributionId: this.cdn.distribution.id,
      tableNames: app.tables.map((t) => t.table.name),
      thresholds: {
        lambda: {
          errorRatePercent: alarms.lambdaErrorRatePercent,
          throttles: alarms.lambdaThrottles,
          durationP99TimeoutFraction: alarms.lambdaDurationP99TimeoutFraction,
          durationP90TimeoutFraction: alarms.lambdaDurationP90TimeoutFraction,
          concurrencyPercent: alarms.lambdaConcurrencyPercent,
        },
        httpApi: {
          serverErrorRatePercent: alarms.api5xxRatePercent,
          latencyP95Ms: alarms.apiLatencyP95Ms,
          latencyP99Ms: alarms.apiLatencyP99Ms,
        },
        cloudFront: {
          serverErrorRatePercent: alarms.cloudFront5xxRatePercent,
          clientErrorRatePercent: alarms.cloudFront4xxRatePercent,
        },
      },
      description: `# ${dashboardName(this.env)}\nAlarm names start with \`${alarmNamePrefix(this.env)}\`; CloudFront alarms are in ${CLOUDFRONT_METRICS_REGION}, the others in ${this.env.account.region}.`,
    });
  }

  /** One Slack channel for both alarm topics; no `slack` config, no Chatbot resources. */
  private createSlackChannel(app: AppStack): SlackAlarmChannel | undefined {
    const { slack } = this.env;
    if (!slack) return undefined;
    return new SlackAlarmChannel(this, "SlackAlarms", {
      configurationName: chatbotConfigurationName(this.env),
      roleName: chatbotRoleName(this.env),
      slackWorkspaceId: slack.workspaceId,
      slackChannelId: slack.channelId,
      region: slack.chatbotRegion,
      topicArns: [app.alarmTopic.topic.arn, this.edgeAlarmTopic.topic.arn],
    });
  }

  /** CloudFront (this distribution only) may read `assets/*`; release records stay private. */
  private grantCloudFrontAssetReads(): void {
    const fromThisDistribution = [
      { test: "StringEquals", variable: "AWS:SourceArn", values: [this.cdn.distribution.arn] },
    ];
    const cloudFront = [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }];
    this.assets.addPolicyStatements(
      {
        sid: "CloudFrontReadsAssets",
        principals: cloudFront,
        actions: ["s3:GetObject"],
        resources: [`${this.assets.bucket.arn}/${ASSETS_PREFIX}*`],
        condition: fromThisDistribution,
      },
      {
        // Lets S3 answer 404 (not 403) for a missing asset; CloudFront never lists.
        sid: "CloudFrontSeesMissingAssets",
        principals: cloudFront,
        actions: ["s3:ListBucket"],
        resources: [this.assets.bucket.arn],
        condition: fromThisDistribution,
      },
    );
  }

  /**
   * Function URLs with AWS_IAM auth need both permissions for CloudFront's OAC:
   * lambda:InvokeFunctionUrl and (since October 2025) lambda:InvokeFunction. One pair per
   * function behind CloudFront; the server's keep their construct ids. lambda:InvokeFunction
   * is limited to calls through the function URL (`lambda:InvokedViaFunctionUrl`), so the
   * distribution cannot invoke a function any other way. Statement ids come from a prefix and
   * each permission is replaced create-before-destroy: a new distribution ARN (or any other
   * change, since permissions cannot be updated in place) adds the new statement before the
   * old one goes, so CloudFront is never without one.
   */
  private grantCloudFrontInvoke(app: AppStack): void {
    for (const { id, fn } of app.httpFunctions) {
      const common = {
        functionName: fn.function.functionName,
        qualifier: fn.alias.name,
        principal: "cloudfront.amazonaws.com",
        sourceArn: this.cdn.distribution.arn,
        lifecycle: { createBeforeDestroy: true },
      };
      const infix = id === SERVER_FUNCTION_ID ? "" : pascalCase(id);
      new LambdaPermission(this, `CloudFrontInvoke${infix}FunctionUrl`, {
        ...common,
        statementIdPrefix: `CloudFrontInvoke${infix}FunctionUrl-`,
        action: "lambda:InvokeFunctionUrl",
        functionUrlAuthType: "AWS_IAM",
      });
      const invoke = new LambdaPermission(this, `CloudFrontInvoke${infix}Function`, {
        ...common,
        statementIdPrefix: `CloudFrontInvoke${infix}FunctionViaUrl-`,
        action: "lambda:InvokeFunction",
      });
      // Provider 6.29 added the argument; the bindings are generated from 6.25, so it is set
      // as an override and EnvironmentStack requires provider 6.29 (AWS_PROVIDER_VERSION).
      invoke.addOverride("invoked_via_function_url", true);
    }
  }

  private createAliasRecords(hostedZoneId: string): void {
    const target = {
      name: this.cdn.distribution.domainName,
      zoneId: this.cdn.distribution.hostedZoneId,
      evaluateTargetHealth: false,
    };
    // Keyed by domain name (for_each), so adding, removing or reordering names touches only
    // the records of the names that changed.
    const domains = TerraformIterator.fromList(this.env.dns.domainNames);
    for (const type of ["A", "AAAA"] as const) {
      new Route53Record(this, `AliasRecord${type}`, { forEach: domains, zoneId: hostedZoneId, name: domains.value, type, alias: target });
    }
  }
}

/** The build's behaviours with CloudFront's leading slash; each names its origin. */
export function distributionBehaviours(appBuild: AppBuildDescription): DistributionBehaviour[] {
  return appBuild.behaviours.map(({ pathPattern, target }) => ({
    pathPattern: `/${pathPattern}`,
    target: target.kind === "static-files" ? "static" : target.functionId === SERVER_FUNCTION_ID ? "server" : { functionOrigin: target.functionId },
  }));
}
