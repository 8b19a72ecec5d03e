/** DynamoDB: encryption with KMS, and deletion protection plus point-in-time recovery where protected. */
import { literalString } from "../expressions";
import { dig, type TfResource } from "../model";
import { checkEach, notApplicable, show, type Rule, type RuleContext, type RuleOutcome } from "../rule";

export const dynamoEncrypted: Rule = {
  id: "DDB-1",
  severity: "error",
  title: "Every DynamoDB table enables server-side encryption with KMS",
  controls: {},
  fix: "Create tables with modules/dynamodb-table.ts (EncryptedTable), which sets server_side_encryption.enabled = true.",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_dynamodb_table"), "no DynamoDB tables in this stack", (table) =>
      dig(table.config, "server_side_encryption", "enabled") === true
        ? undefined
        : { resource: table.address, message: `table ${describe(table)} has server_side_encryption.enabled ${show(dig(table.config, "server_side_encryption", "enabled"))}` },
    ),
};

export const dynamoDeletionProtection: Rule = {
  id: "DDB-2",
  severity: "error",
  title: "Tables of protected environments have deletion protection",
  controls: { securityHub: ["DynamoDB.6"] },
  fix: "Set deletionProtection: true on the table in the environment file.",
  check: (context) =>
    protectedTables(context, (table, envName) =>
      table.config.deletion_protection_enabled === true
        ? undefined
        : `table ${describe(table)} has deletion_protection_enabled ${show(table.config.deletion_protection_enabled)} in protected environment ${envName}`,
    ),
};

export const dynamoPointInTimeRecovery: Rule = {
  id: "DDB-3",
  severity: "error",
  title: "Tables of protected environments have point-in-time recovery",
  controls: { checkov: ["CKV_AWS_28"], securityHub: ["DynamoDB.2"] },
  fix: "Set pointInTimeRecovery: true on the table in the environment file.",
  check: (context) =>
    protectedTables(context, (table, envName) =>
      dig(table.config, "point_in_time_recovery", "enabled") === true
        ? undefined
        : `table ${describe(table)} has point_in_time_recovery.enabled ${show(dig(table.config, "point_in_time_recovery", "enabled"))} in protected environment ${envName}`,
    ),
};

export const DYNAMODB_RULES: readonly Rule[] = [dynamoEncrypted, dynamoDeletionProtection, dynamoPointInTimeRecovery];

function protectedTables(
  { stack, env }: RuleContext,
  problem: (table: TfResource, envName: string) => string | undefined,
): RuleOutcome {
  if (!env?.protected) return notApplicable(env ? `environment ${env.name} is not protected` : "stack belongs to no environment");
  return checkEach(stack.resourcesOfType("aws_dynamodb_table"), "no DynamoDB tables in this stack", (table) => {
    const message = problem(table, env.name);
    return message === undefined ? undefined : { resource: table.address, message };
  });
}

function describe(table: TfResource): string {
  return literalString(table.config.name) ?? table.address;
}
