import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface ZoneDelegation {
  /** Hosted zone id of the parent zone that receives the NS record. */
  readonly parentZoneId: string;
  /** Provider that can write to the parent zone (usually assuming a role in its account). */
  readonly provider: TerraformProvider;
}

export interface DelegatedHostedZoneProps {
  /** The zone's name, e.g. `dev.example.com`. */
  readonly zoneName: string;
  /** @default "Managed by cdktf" */
  readonly comment?: string;
  /**
   * Writes the zone's name servers into a parent zone as an NS record, so the public DNS
   * finds the zone (and ACM can validate certificates in it).
   * @default no delegation: whoever owns the parent (or the registrar) points at the zone
   */
  readonly delegation?: ZoneDelegation;
  /**
   * TTL of the NS record in the parent. Short enough that a re-created zone (new name
   * servers) is found again within the hour; resolvers cache the child's own NS set anyway.
   * @default 3600
   */
  readonly delegationTtlSeconds?: number;
}

/**
 * A public Route 53 hosted zone and, optionally, its NS delegation in a parent zone that may
 * live in another account. Both are in the same stack, applied before anything validates a
 * certificate in the zone.
 */
export class DelegatedHostedZone extends Construct {
  readonly zone: Route53Zone;
  readonly delegationRecord?: Route53Record;

  constructor(scope: Construct, id: string, props: DelegatedHostedZoneProps) {
    super(scope, id);
    this.zone = new Route53Zone(this, "Zone", {
      name: props.zoneName,
      comment: props.comment ?? "Managed by cdktf",
      // A zone that still holds records (validation CNAMEs, aliases) is not deleted silently.
      forceDestroy: false,
    });
    if (props.delegation) {
      this.delegationRecord = new Route53Record(this, "Delegation", {
        provider: props.delegation.provider,
        zoneId: props.delegation.parentZoneId,
        name: props.zoneName,
        type: "NS",
        ttl: props.delegationTtlSeconds ?? 3600,
        records: this.zone.nameServers,
      });
    }
  }
}
