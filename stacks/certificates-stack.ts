import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../lib/naming";
import { DnsValidatedCertificate } from "../modules/dns-validated-certificate";
import { EnvironmentStack } from "./environment-stack";

/** The environment's TLS certificate (in us-east-1, for CloudFront) and its DNS validation. */
export class CertificatesStack extends EnvironmentStack {
  readonly certificateArn: string;
  readonly hostedZoneId: string;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, "certificates", { env, providerRegion: CLOUDFRONT_CERTIFICATE_REGION });
    const zone = new DataAwsRoute53Zone(this, "HostedZone", { name: env.dns.hostedZoneName, privateZone: false });
    const certificate = new DnsValidatedCertificate(this, "SiteCertificate", {
      domainNames: env.dns.domainNames,
      hostedZoneId: zone.zoneId,
    });
    this.certificateArn = certificate.certificateArn;
    this.hostedZoneId = zone.zoneId;
  }
}
