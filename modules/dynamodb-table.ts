import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";

export interface TableKey {
  readonly name: string;
  readonly type: "S" | "N" | "B";
}

export interface EncryptedTableProps {
  readonly tableName: string;
  readonly partitionKey: TableKey;
  /** @default no sort key */
  readonly sortKey?: TableKey;
  /** @default "PAY_PER_REQUEST" */
  readonly billingMode?: "PAY_PER_REQUEST" | "PROVISIONED";
  /**
   * Read capacity units; required with PROVISIONED billing.
   * @default none (on-demand)
   */
  readonly readCapacity?: number;
  /**
   * Write capacity units; required with PROVISIONED billing.
   * @default none (on-demand)
   */
  readonly writeCapacity?: number;
  /** @default no TTL */
  readonly ttlAttribute?: string;
  /** @default false */
  readonly pointInTimeRecovery?: boolean;
  /** @default false */
  readonly deletionProtection?: boolean;
}

/** A DynamoDB table encrypted with the AWS-managed KMS key. */
export class EncryptedTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: EncryptedTableProps) {
    super(scope, id);
    const keys = [props.partitionKey, ...(props.sortKey ? [props.sortKey] : [])];
    this.table = new DynamodbTable(this, "Table", {
      name: props.tableName,
      hashKey: props.partitionKey.name,
      rangeKey: props.sortKey?.name,
      attribute: keys.map((key) => ({ name: key.name, type: key.type })),
      billingMode: props.billingMode ?? "PAY_PER_REQUEST",
      readCapacity: props.readCapacity,
      writeCapacity: props.writeCapacity,
      ttl: props.ttlAttribute ? { attributeName: props.ttlAttribute, enabled: true } : undefined,
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? false },
      deletionProtectionEnabled: props.deletionProtection ?? false,
      serverSideEncryption: { enabled: true },
    });
  }
}
