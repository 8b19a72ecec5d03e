/** IAM: no `*` actions, no unbounded resources for data actions (S3, DynamoDB), no broad managed policies. */
import { literalString } from "../expressions";
import { readPolicy, type PolicyStatement } from "../iam";
import { asBlocks, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, type Finding, type Rule } from "../rule";

/** Services whose actions read or change data; they must name their resources. */
const DATA_SERVICES = ["s3", "dynamodb"];
const IDENTITY_POLICIES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
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
  /** Resource policies (bucket policies) only get the `Action: *` check. */
  readonly identity: boolean;
}

export const iamLeastPrivilege: Rule = {
  id: "IAM-1",
  severity: "error",
  title: 'No IAM policy allows Action "*", and data actions (s3:*, dynamodb:*) never apply to Resource "*"',
  controls: { checkov: ["CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_355"], securityHub: ["IAM.1"] },
  fix: "List the actions the code calls and the ARNs it touches (tables, their indexes, bucket prefixes), as AppStack does for its tables.",
  check: ({ stack }) => {
    const sites = policySites(stack);
    const attachments = Object.entries(ATTACHMENTS).flatMap(([type, field]) =>
      stack.resourcesOfType(type).map((resource) => ({ resource, arns: asStrings(resource.config[field]) })),
    );
    const roles = stack.resourcesOfType("aws_iam_role").map((resource) => ({ resource, arns: asStrings(resource.config.managed_policy_arns) }));
    const items = [...sites.map((site) => ({ site })), ...[...attachments, ...roles].filter((a) => a.arns.length > 0)];
    return checkEach(items, "no IAM or bucket policies in this stack", (item): Finding[] => {
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
  }
  for (const resource of stack.resourcesOfType("aws_s3_bucket_policy")) {
    sites.push({ resource, field: "policy", value: resource.config.policy, identity: false });
  }
  return sites;
}

function statementProblems(s: PolicyStatement, identity: boolean): string[] {
  const label = s.sid ? `statement "${s.sid}"` : "a statement";
  const problems: string[] = [];
  if (s.actions.some((a) => a === "*" || a === "*:*")) problems.push(`${label} allows Action "*"`);
  if (s.notActions.length > 0) problems.push(`${label} allows every action except ${s.notActions.join(", ")} (NotAction)`);
  if (!identity) return problems;

  const dataActions = s.actions.filter(isDataAction);
  if (dataActions.length === 0) return problems;
  const unbounded = s.resources.filter(isUnboundedResource);
  if (unbounded.length > 0) problems.push(`${label} allows ${dataActions.join(", ")} on ${unbounded.map((r) => `"${r}"`).join(", ")}`);
  if (s.notResources.length > 0) problems.push(`${label} allows ${dataActions.join(", ")} on everything except ${s.notResources.join(", ")} (NotResource)`);
  return problems;
}

function isDataAction(action: string): boolean {
  return action === "*" || DATA_SERVICES.includes(action.toLowerCase().split(":")[0]);
}

function isUnboundedResource(resource: string): boolean {
  return (
    resource === "*" ||
    /^arn:aws[\w-]*:s3:::\*$/.test(resource) ||
    /^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:(\*|table\/\*)$/.test(resource)
  );
}
