/** ACM certificates (transparency logging, replacement order, wildcards) and Route 53 alias records. */
import { asBlock, asStrings, type TfResource } from "../model";
import { checkEach, show, type Finding, type Rule } from "../rule";

export const certificateLifecycle: Rule = {
  id: "ACM-1",
  severity: "error",
  title: "Every ACM certificate keeps certificate-transparency logging on and is replaced create-before-destroy",
  controls: { checkov: ["CKV_AWS_234", "CKV_AWS_233"] },
  fix: 'Leave options.certificate_transparency_logging_preference unset (ENABLED) and set lifecycle.create_before_destroy = true (DnsValidatedCertificate does): browsers reject certificates missing from CT logs, and CloudFront cannot let go of a certificate that is deleted first.',
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_acm_certificate"), "no ACM certificates in this stack", (certificate): Finding[] => {
      const findings: Finding[] = [];
      const preference = asBlock(certificate.config.options)?.certificate_transparency_logging_preference;
      if (preference === "DISABLED") findings.push({ resource: certificate.address, message: "options.certificate_transparency_logging_preference is DISABLED: browsers such as Chrome and Safari refuse the certificate" });
      if (asBlock(certificate.config.lifecycle)?.create_before_destroy !== true) {
        findings.push({ resource: certificate.address, message: "lifecycle.create_before_destroy is not true, so a replacement deletes the certificate CloudFront serves before the new one exists" });
      }
      return findings;
    }),
};

export const certificateNoWildcard: Rule = {
  id: "ACM-2",
  severity: "warning",
  title: "Certificates name each domain instead of a wildcard",
  controls: { checkov: ["CKV2_AWS_71"] },
  fix: "List the environment's domain names in dns.domainNames instead of *.<zone>; a wildcard certificate also covers names nobody meant to serve, and a leaked key serves them all.",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_acm_certificate"), "no ACM certificates in this stack", (certificate) => {
      const names = [...asStrings(certificate.config.domain_name), ...asStrings(certificate.config.subject_alternative_names)];
      const wildcards = names.filter((name) => name.startsWith("*."));
      return wildcards.length === 0 ? undefined : { resource: certificate.address, message: `covers the wildcard name${wildcards.length === 1 ? "" : "s"} ${wildcards.join(", ")}` };
    }),
};

/** Record types that send visitors to an address, which must belong to a resource we manage. */
const ADDRESS_RECORD_TYPES = ["A", "AAAA"];

export const dnsAliasToResource: Rule = {
  id: "DNS-1",
  severity: "error",
  title: "Every A/AAAA record is an alias of a resource in the scanned stacks (no hard-coded addresses or names that can dangle)",
  controls: { checkov: ["CKV2_AWS_23"] },
  fix: "Point the record with an alias block at the resource's attributes (alias.name = the distribution's domain_name, alias.zone_id = its hosted_zone_id), as DistributionStack does; a literal IP or host name keeps answering after its resource is gone.",
  check: ({ stack, workspace }) => {
    const records = stack.resourcesOfType("aws_route53_record").filter((r) => ADDRESS_RECORD_TYPES.includes(String(r.config.type)));
    return checkEach(records, "no A or AAAA records in this stack", (record: TfResource): Finding | undefined => {
      const alias = asBlock(record.config.alias);
      if (!alias) return { resource: record.address, message: `${record.config.type} record ${show(record.config.name)} lists addresses (${show(record.config.records)}) instead of aliasing a resource` };
      const targets = workspace.targets(stack, alias.name).filter((t) => t.resource.mode === "managed");
      return targets.length > 0 ? undefined : { resource: record.address, message: `alias.name ${show(alias.name)} is not an attribute of a resource in the scanned stacks, so nothing stops it from dangling` };
    });
  },
};

export const CERTIFICATE_RULES: readonly Rule[] = [certificateLifecycle, certificateNoWildcard, dnsAliasToResource];
