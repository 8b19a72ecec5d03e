import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { dnsDelegationSessionName } from "../lib/naming";
import { standardTags } from "../lib/tags";
import { DelegatedHostedZone } from "../modules/delegated-hosted-zone";
import { EnvironmentStack } from "./environment-stack";

/**
 * The environment's public hosted zone: created here and delegated from its parent zone
 * (`dns.createHostedZone`, `dns.delegation`), or an existing zone looked up by name. It is
 * its own stack, applied before the distribution stack validates its certificate in the
 * zone, and it outlives the distribution (destroying CloudFront leaves the zone alone).
 */
export class DnsStack extends EnvironmentStack {
  readonly hostedZoneId: string;
  /** Absent for a looked-up zone. */
  readonly zone?: DelegatedHostedZone;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, "dns", { env });
    const { dns } = env;
    if (dns.createHostedZone) {
      this.zone = new DelegatedHostedZone(this, "HostedZone", {
        zoneName: dns.hostedZoneName,
        comment: `${env.project} ${env.name}: managed by cdktf (${this.node.id})`,
        delegation: dns.delegation && {
          parentZoneId: dns.delegation.parentZoneId,
          provider: this.createParentZoneProvider(dns.delegation.roleArn),
        },
      });
      this.hostedZoneId = this.zone.zone.zoneId;
    } else {
      this.hostedZoneId = new DataAwsRoute53Zone(this, "HostedZone", { name: dns.hostedZoneName, privateZone: false }).zoneId;
    }
  }

  /**
   * Writes into the parent zone as the delegation role in the parent's account (set up once
   * by hand: docs/stacks-and-state.md, "DNS delegation"). Pinned to that account like the default provider.
   */
  private createParentZoneProvider(roleArn: string): AwsProvider {
    const parentAccountId = roleArn.split(":")[4];
    return new AwsProvider(this, "AwsParentZone", {
      alias: "parent_zone",
      region: this.env.account.region,
      allowedAccountIds: [parentAccountId],
      assumeRole: [{ roleArn, sessionName: dnsDelegationSessionName(this.env) }],
      defaultTags: [{ tags: standardTags(this.env, "dns") }],
    });
  }
}
