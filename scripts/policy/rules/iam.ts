/**
 * IAM actions: no `*` or whole-service actions in any policy we can read, no unbounded
 * resources for data actions (S3, DynamoDB) in identity policies, no broad managed policies.
 * Policies are read from `aws_iam_policy_document` data sources as well as JSON (checkov
 * cannot render the former). Trust, unconstrained-resource and resource-policy rules live
 * in iam-trust.ts, iam-unconstrained.ts and iam-resource-policies.ts.
 */
import { globMatches, hasWildcard, parseArn, startsWithWildcard } from "../arn";
import { readPolicy, type PolicyStatement } from "../iam";
import { asStrings } from "../model";
import { policySites, statementLabel as label } from "../policy-sites";
import { checkEach, type Finding, type Rule } from "../rule";

/** Services whose actions read or change data; they must name their resources. */
const DATA_SERVICES = ["s3", "dynamodb"];
const ATTACHMENTS: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: "policy_arn",
  aws_iam_user_policy_attachment: "policy_arn",
  aws_iam_group_policy_attachment: "policy_arn",
  aws_iam_policy_attachment: "policy_arn",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
};
/**
 * AWS-managed policies that grant `*` or a whole data service, in any partition: a literal one
 * (`aws`, `aws-cn`, `aws-us-gov`) or the `${data.aws_partition.X.partition}` reference our
 * modules build managed-policy ARNs with.
 */
const BROAD_MANAGED_POLICY = /^arn:(aws[\w-]*|\$\{[^}]+\}):iam::aws:policy\/(AdministratorAccess|PowerUserAccess|[\w-]*FullAccess)$/;

export const iamLeastPrivilege: Rule = {
  id: "IAM-1",
  severity: "error",
  title: 'No policy allows Action "*" or a whole service (s3:*, iam:*), data actions never apply to every bucket or table, and no role gets AdministratorAccess, PowerUserAccess or a *FullAccess policy (IAMFullAccess included)',
  controls: { checkov: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_1", "CKV_AWS_49", "CKV2_AWS_40", "CKV_AWS_274", "CKV2_AWS_56"], securityHub: ["IAM.1"] },
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
          .filter((arn) => BROAD_MANAGED_POLICY.test(arn))
          .map((arn) => ({ resource: item.resource.address, message: `attaches the AWS-managed policy ${arn}, which grants far more than the function needs` }));
      }
      const { site } = item;
      const read = readPolicy(stack, site.value);
      if (!read.ok) {
        return [{ resource: site.resource.address, message: `cannot check ${site.field}: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      }
      return read.statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => statementProblems(s, site.kind === "identity"))
        .map((problem) => ({ resource: site.resource.address, message: `${site.field}: ${problem}` }));
    });
  },
};

export const IAM_RULES: readonly Rule[] = [iamLeastPrivilege];


function statementProblems(s: PolicyStatement, identity: boolean): string[] {
  const problems: string[] = [];
  for (const action of s.actions.filter(isEveryAction)) problems.push(`${label(s)} allows Action ${JSON.stringify(action)}`);
  for (const action of s.actions.filter(isWholeService)) {
    const service = action.split(":")[0];
    const what = isWholeDataService(action) ? `, deleting and re-permissioning the ${action.startsWith("s3") ? "bucket" : "table"} included` : service === "iam" ? ", creating users, keys and policies included" : "";
    problems.push(`${label(s)} allows ${action}: every ${service} action${what}`);
  }
  if (s.notActions.length > 0) problems.push(`${label(s)} allows every action except ${s.notActions.join(", ")} (NotAction)`);
  if (!identity) return problems;

  const dataActions = s.actions.filter(isDataAction);
  if (dataActions.length === 0) return problems;
  const unbounded = s.resources.filter(isUnboundedResource);
  if (unbounded.length > 0) problems.push(`${label(s)} allows ${dataActions.join(", ")} on ${unbounded.map((r) => `"${r}"`).join(", ")}`);
  if (s.notResources.length > 0) problems.push(`${label(s)} allows ${dataActions.join(", ")} on everything except ${s.notResources.join(", ")} (NotResource)`);
  return problems;
}

/** `*`, `*:*`: every action of every service. */
export function isEveryAction(action: string): boolean {
  return /^\*+(:\*+)?$/.test(action);
}

/** `iam:*`, `s3:*` (or a service pattern with `*` for the action): every action of a service. */
function isWholeService(action: string): boolean {
  const [, name] = action.split(":");
  return !isEveryAction(action) && name !== undefined && /^\*+$/.test(name);
}

/** `s3:*`, `dynamodb:*` (or a service pattern that covers one): a whole data service. */
function isWholeDataService(action: string): boolean {
  const [service] = action.split(":");
  return isWholeService(action) && DATA_SERVICES.some((data) => globMatches(service, data));
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
