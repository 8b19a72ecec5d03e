/**
 * IAM: no `*` (or whole data-service) actions in any policy we can read, no unbounded
 * resources for data actions (S3, DynamoDB) in identity policies, no broad managed policies.
 */
import { globMatches, hasWildcard, parseArn, startsWithWildcard } from "../arn";
import { literalString } from "../expressions";
import { readPolicy, type PolicyStatement } from "../iam";
import { asBlocks, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, type Finding, type Rule } from "../rule";

/** Services whose actions read or change data; they must name their resources. */
const DATA_SERVICES = ["s3", "dynamodb"];
const IDENTITY_POLICIES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
/**
 * Resource policies and the attribute holding them. Their `Resource: "*"` means "this
 * resource" (a key policy's `*` is the key), so they only get the action checks.
 */
const RESOURCE_POLICIES: Readonly<Record<string, string>> = {
  aws_s3_bucket_policy: "policy",
  aws_s3_bucket: "policy",
  aws_sns_topic: "policy",
  aws_sns_topic_policy: "policy",
  aws_kms_key: "policy",
  aws_kms_key_policy: "policy",
  aws_sqs_queue: "policy",
  aws_sqs_queue_policy: "policy",
  aws_secretsmanager_secret: "policy",
  aws_secretsmanager_secret_policy: "policy",
  aws_dynamodb_resource_policy: "policy",
  aws_ecr_repository_policy: "policy",
  aws_cloudwatch_log_resource_policy: "policy_document",
};
const ATTACHMENTS: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
};
/** AWS-managed policies that grant `*` or a whole data service. */
const BROAD_MANAGED_POLICY = /^arn:aws[\w-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|[\w-]*FullAccess)$/;

interface PolicySite {
  readonly resource: TfResource;
  /** Where the policy sits, for messages (`policy`, `inline_policy[0].policy`). */
  readonly field: string;
  readonly value: unknown;
  /** Resource and trust policies only get the action checks. */
  readonly identity: boolean;
}

export const iamLeastPrivilege: Rule = {
  id: "IAM-1",
  severity: "error",
  title: 'No policy allows Action "*" or a whole data service (s3:*, dynamodb:*), and data actions never apply to every bucket or table',
  controls: { checkov: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_355"], securityHub: ["IAM.1"] },
  fix: "List the actions the code calls and the ARNs it touches (tables, their indexes, bucket prefixes), as AppStack does for its tables.",
  check: ({ stack }) => {
    const sites = policySites(stack);
    const attachments = Object.entries(ATTACHMENTS).flatMap(([type, field]) =>
      stack.resourcesOfType(type).map((resource) => ({ resource, arns: asStrings(resource.config[field]) })),
    );
    const roles = stack.resourcesOfType("aws_iam_role").map((resource) => ({ resource, arns: asStrings(resource.config.managed_policy_arns) }));
    const items = [...sites.map((site) => ({ site })), ...[...attachments, ...roles].filter((a) => a.arns.length > 0)];
    return checkEach(items, "no IAM, trust or resource policies in this stack", (item): Finding[] => {
      if (!("site" in item)) {
        return item.arns
          .filter((arn) => BROAD_MANAGED_POLICY.test(literalString(arn) ?? ""))
          .map((arn) => ({ resource: item.resource.address, message: `attaches the AWS-managed policy ${arn}, which grants far more than the function needs` }));
      }
      const { site } = item;
      const read = readPolicy(stack, site.value);
      if (!read.ok) {
        return [{ resource: site.resource.address, message: `cannot check ${site.field}: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      }
      return read.statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => statementProblems(s, site.identity))
        .map((problem) => ({ resource: site.resource.address, message: `${site.field}: ${problem}` }));
    });
  },
};

export const IAM_RULES: readonly Rule[] = [iamLeastPrivilege];

function policySites(stack: SynthesizedStack): PolicySite[] {
  const sites: PolicySite[] = [];
  for (const type of IDENTITY_POLICIES) {
    for (const resource of stack.resourcesOfType(type)) sites.push({ resource, field: "policy", value: resource.config.policy, identity: true });
  }
  for (const role of stack.resourcesOfType("aws_iam_role")) {
    asBlocks(role.config.inline_policy).forEach((inline, i) => {
      if (inline.policy !== undefined) sites.push({ resource: role, field: `inline_policy[${i}].policy`, value: inline.policy, identity: true });
    });
    sites.push({ resource: role, field: "assume_role_policy", value: role.config.assume_role_policy, identity: false });
  }
  for (const [type, field] of Object.entries(RESOURCE_POLICIES)) {
    for (const resource of stack.resourcesOfType(type)) {
      // Optional on most of these types: unset keeps the service's default policy.
      if (resource.config[field] !== undefined) sites.push({ resource, field, value: resource.config[field], identity: false });
    }
  }
  return sites;
}

function statementProblems(s: PolicyStatement, identity: boolean): string[] {
  const label = s.sid ? `statement "${s.sid}"` : "a statement";
  const problems: string[] = [];
  for (const action of s.actions.filter(isEveryAction)) problems.push(`${label} allows Action ${JSON.stringify(action)}`);
  for (const action of s.actions.filter(isWholeDataService)) {
    problems.push(`${label} allows ${action}: every ${action.split(":")[0]} action, deleting and re-permissioning the ${action.startsWith("s3") ? "bucket" : "table"} included`);
  }
  if (s.notActions.length > 0) problems.push(`${label} allows every action except ${s.notActions.join(", ")} (NotAction)`);
  if (!identity) return problems;

  const dataActions = s.actions.filter(isDataAction);
  if (dataActions.length === 0) return problems;
  const unbounded = s.resources.filter(isUnboundedResource);
  if (unbounded.length > 0) problems.push(`${label} allows ${dataActions.join(", ")} on ${unbounded.map((r) => `"${r}"`).join(", ")}`);
  if (s.notResources.length > 0) problems.push(`${label} allows ${dataActions.join(", ")} on everything except ${s.notResources.join(", ")} (NotResource)`);
  return problems;
}

/** `*`, `*:*`: every action of every service. */
function isEveryAction(action: string): boolean {
  return /^\*+(:\*+)?$/.test(action);
}

/** `s3:*`, `dynamodb:*` (or a service pattern that covers one): a whole data service. */
function isWholeDataService(action: string): boolean {
  const [service, name] = action.split(":");
  return !isEveryAction(action) && name !== undefined && /^\*+$/.test(name) && DATA_SERVICES.some((data) => globMatches(service, data));
}

function isDataAction(action: string): boolean {
  const service = action.split(":")[0];
  return DATA_SERVICES.some((data) => globMatches(service, data));
}

/**
 * A resource that names no particular bucket or table: `*`, or an S3/DynamoDB ARN whose
 * bucket or table name is, or starts with, a wildcard (`arn:aws:s3:::*-bucket/*`,
 * `arn:aws:dynamodb:*:*:table/*`). References (`${aws_dynamodb_table.X.arn}/index/*`) and
 * names with a literal start (`arn:aws:s3:::acme-*`) are bounded.
 */
function isUnboundedResource(resource: string): boolean {
  if (startsWithWildcard(resource)) return true;
  const arn = parseArn(resource);
  if (!arn || !DATA_SERVICES.some((data) => globMatches(arn.service, data))) return false;
  if (startsWithWildcard(arn.resource)) return true;
  // A bucket ARN (`arn:aws:s3:::<bucket>/<key>`, no account) starts with the name, checked
  // above; the others are `<type>/<name>/…` (table/…, table/…/index/…, accesspoint/…).
  if (globMatches(arn.service, "s3") && arn.account === "") return false;
  const [type, name = ""] = arn.resource.split("/");
  return hasWildcard(type) || startsWithWildcard(name);
}
