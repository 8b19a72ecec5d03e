import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";

export interface DnsValidatedCertificateProps {
  /** The certificate's primary name; the others become subject alternative names. */
  readonly domainNames: readonly string[];
  /** Route 53 hosted zone that receives the validation records. */
  readonly hostedZoneId: string;
  /**
   * TTL of the validation CNAMEs.
   * @default 60
   */
  readonly validationRecordTtlSeconds?: number;
}

/**
 * An ACM certificate validated through DNS records in Route 53. `certificateArn` resolves
 * only after validation completes, so consumers (CloudFront) never see a pending certificate.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const [primary, ...alternatives] = props.domainNames;
    if (!primary) throw new Error(`${this.node.path}: domainNames must not be empty`);

    const certificate = new AcmCertificate(this, "Certificate", {
      domainName: primary,
      subjectAlternativeNames: alternatives,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      // A replacement certificate must exist before CloudFront lets go of the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    // One record per domain name. The for_each is written in Terraform's own form: cdktf's
    // iterator wraps the set in tolist(), whose order (and so every key) is unknown until
    // apply once there is more than one name (hashicorp/terraform-cdk#3713), while the
    // domain names used as keys here are known at plan time.
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "ValidationRecord", {
      forEach: options,
      zoneId: props.hostedZoneId,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: props.validationRecordTtlSeconds ?? 60,
      // Names repeat for a wildcard and its apex; both want the same record.
      allowOverwrite: true,
    });
    records.addOverride(
      "for_each",
      `\${{ for option in ${certificate.terraformResourceType}.${certificate.friendlyUniqueId}.domain_validation_options : option.domain_name => option }}`,
    );

    const validation = new AcmCertificateValidation(this, "Validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn")),
    });
    this.certificateArn = validation.certificateArn;
  }
}
