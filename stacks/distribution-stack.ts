import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { ASSETS_PREFIX, assetsBucketName, resourcePrefix } from "../lib/naming";
import { PrivateBucket } from "../modules/private-bucket";
import { SsrDistribution } from "../modules/ssr-distribution";
import type { AppStack } from "./app-stack";
import { EnvironmentStack } from "./environment-stack";
import type { CertificatesStack } from "./certificates-stack";

export interface DistributionStackInputs {
  readonly certificates: CertificatesStack;
  readonly app: AppStack;
}

/**
 * The edge: the private assets bucket, CloudFront and the DNS records. It consumes the
 * certificate and the app's origins (through remote state) and holds the permissions that
 * let CloudFront invoke the function, so neither other stack depends on this one.
 */
export class DistributionStack extends EnvironmentStack {
  readonly assets: PrivateBucket;
  readonly cdn: SsrDistribution;

  constructor(scope: Construct, env: EnvironmentConfig, inputs: DistributionStackInputs) {
    super(scope, "distribution", { env });
    this.assets = new PrivateBucket(this, "Assets", { bucketName: assetsBucketName(env) });
    this.cdn = new SsrDistribution(this, "Cdn", {
      namePrefix: resourcePrefix(env),
      aliases: env.dns.domainNames,
      certificateArn: inputs.certificates.certificateArn,
      priceClass: env.cdn.priceClass,
      assetsBucketDomainName: this.assets.bucket.bucketRegionalDomainName,
      ssrOriginHost: inputs.app.ssr.functionUrlHost,
      apiOriginHost: inputs.app.api.endpointHost,
      assetsPathPattern: `/${ASSETS_PREFIX}*`,
      ssrOriginReadTimeoutSeconds: Math.min(60, env.ssr.timeoutSeconds + 5),
    });
    this.grantCloudFrontAssetReads();
    this.grantCloudFrontInvoke(inputs.app);
    this.createAliasRecords(inputs.certificates.hostedZoneId);
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
   * lambda:InvokeFunctionUrl and (since October 2025) lambda:InvokeFunction.
   */
  private grantCloudFrontInvoke(app: AppStack): void {
    const common = {
      functionName: app.ssr.function.functionName,
      qualifier: app.ssr.alias.name,
      principal: "cloudfront.amazonaws.com",
      sourceArn: this.cdn.distribution.arn,
    };
    new LambdaPermission(this, "CloudFrontInvokeFunctionUrl", {
      ...common,
      statementId: "AllowCloudFrontInvokeFunctionUrl",
      action: "lambda:InvokeFunctionUrl",
      functionUrlAuthType: "AWS_IAM",
    });
    new LambdaPermission(this, "CloudFrontInvokeFunction", {
      ...common,
      statementId: "AllowCloudFrontInvokeFunction",
      action: "lambda:InvokeFunction",
    });
  }

  private createAliasRecords(hostedZoneId: string): void {
    const target = {
      name: this.cdn.distribution.domainName,
      zoneId: this.cdn.distribution.hostedZoneId,
      evaluateTargetHealth: false,
    };
    this.env.dns.domainNames.forEach((domain, i) => {
      // Ids by position: the first name is the primary and a reorder is a visible change.
      for (const type of ["A", "AAAA"] as const) {
        new Route53Record(this, `AliasRecord${type}${i}`, { zoneId: hostedZoneId, name: domain, type, alias: target });
      }
    });
  }
}
