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
  /**
   * Global secondary indexes, projecting all attributes (on-demand tables only: no capacities).
   * @default none
   */
  readonly globalSecondaryIndexes?: readonly { readonly name: string; readonly partitionKey: TableKey; readonly sortKey?: TableKey }[];
}

/** A DynamoDB table encrypted with the AWS-managed KMS key. */
export class EncryptedTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: EncryptedTableProps) {
    super(scope, id);
    const indexes = props.globalSecondaryIndexes ?? [];
    const keys = [props.partitionKey, props.sortKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])].filter(
      (key, i, all): key is TableKey => key !== undefined && all.findIndex((other) => other?.name === key.name) === i,
    );
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
      ...(indexes.length > 0
        ? {
            globalSecondaryIndex: indexes.map((index) => ({
              name: index.name,
              hashKey: index.partitionKey.name,
              rangeKey: index.sortKey?.name,
              projectionType: "ALL",
            })),
          }
        : {}),
    });
  }
}
