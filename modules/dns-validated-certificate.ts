import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { dependable, TerraformIterator, Token, type TerraformProvider, type TerraformResource } from "cdktf";
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
  /**
   * Provider of the certificate's region (us-east-1 for CloudFront); the validation records
   * go through it too (Route 53 is global).
   * @default the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * An ACM certificate validated through DNS records in Route 53. `certificateArn` resolves
 * only after validation completes, so consumers (CloudFront) never see a pending certificate.
 *
 * A change of domain names replaces the certificate (create-before-destroy). Keep the
 * certificate in the same Terraform state as what uses it and register each user with
 * `addConsumer`: Terraform then creates the new certificate, updates the users, and only
 * then destroys the old one, all in one apply (docs/stacks-and-state.md, "Certificates").
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificateArn: string;
  readonly certificate: AcmCertificate;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const [primary, ...alternatives] = props.domainNames;
    if (!primary) throw new Error(`${this.node.path}: domainNames must not be empty`);

    const certificate = new AcmCertificate(this, "Certificate", {
      provider: props.provider,
      domainName: primary,
      subjectAlternativeNames: alternatives,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      // The replacement must exist before the users move to it; the old one is destroyed
      // after every resource that depends on it (addConsumer) has been updated.
      lifecycle: { createBeforeDestroy: true },
    });

    // One record per domain name. The for_each is written in Terraform's own form: cdktf's
    // iterator wraps the set in tolist(), whose order (and so every key) is unknown until
    // apply once there is more than one name (hashicorp/terraform-cdk#3713), while the
    // domain names used as keys here are known at plan time.
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "ValidationRecord", {
      provider: props.provider,
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
      provider: props.provider,
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty("fqdn")),
    });
    this.certificate = certificate;
    this.certificateArn = validation.certificateArn;
  }

  /**
   * Makes `resource` depend on the certificate itself, not only on its validation. With
   * create_before_destroy, Terraform destroys a replaced certificate only after the resources
   * that depend on it directly have been updated (terraform/docs/destroying.md, "Create Before
   * Destroy"); a dependency through the validation alone would not order that delete.
   */
  addConsumer(resource: TerraformResource): void {
    resource.dependsOn = [...(resource.dependsOn ?? []), dependable(this.certificate)];
  }
}
