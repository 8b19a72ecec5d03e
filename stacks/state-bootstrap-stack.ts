import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../environments/schema";
import { EncryptedTable } from "../modules/dynamodb-table";
import { PrivateBucket } from "../modules/private-bucket";

/** Environments whose Terraform state lives in one bucket (same account and region). */
export interface StateBucketGroup {
  readonly bucket: string;
  readonly region: string;
  readonly accountId: string;
  readonly lockTable?: string;
  readonly environments: readonly string[];
}

/** Groups environments by state bucket: one bootstrap stack per bucket. */
export function stateBucketGroups(environments: readonly EnvironmentConfig[]): StateBucketGroup[] {
  const groups = new Map<string, StateBucketGroup>();
  for (const env of environments) {
    const existing = groups.get(env.state.bucket);
    groups.set(env.state.bucket, {
      bucket: env.state.bucket,
      region: env.state.region,
      accountId: env.account.id,
      lockTable: existing?.lockTable ?? env.state.lockTable,
      environments: [...(existing?.environments ?? []), env.name],
    });
  }
  return [...groups.values()];
}

/**
 * The bucket (and optional lock table) that holds the environments' Terraform state. It
 * cannot keep its own state in itself, so it uses local state, kept next to bootstrap/
 * (commit it, or migrate it into the bucket once the bucket exists).
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, group: StateBucketGroup) {
    super(scope, id);
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AwsProvider(this, "Aws", {
      region: group.region,
      allowedAccountIds: [group.accountId],
      defaultTags: [{ tags: { ManagedBy: "cdktf", Project: "terraform-state", Environment: group.environments.join("+") } }],
    });
    // Versioned, so a bad apply or a corrupted state can be recovered from an older version.
    new PrivateBucket(this, "StateBucket", { bucketName: group.bucket, versioned: true, preventDestroy: true });
    if (group.lockTable) {
      new EncryptedTable(this, "LockTable", {
        tableName: group.lockTable,
        partitionKey: { name: "LockID", type: "S" },
        pointInTimeRecovery: true,
        deletionProtection: true,
      });
    }
  }
}
