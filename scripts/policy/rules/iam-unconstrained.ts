/**
 * IAM identity policies on Resource "*": what an action may do there, from AWS's Service
 * Authorization Reference (scripts/policy/iam-actions.ts), and the classic escalation paths.
 */
import { parseArn, startsWithWildcard } from "../arn";
import { readPolicy, type PolicyStatement } from "../iam";
import { expandAction, IAM_DATA_VERSION, isPermissionsManagement, isWriteOrTagging, type IamAction } from "../iam-actions";
import { policySites, statementLabel as label } from "../policy-sites";
import { checkEach, type Finding, type Rule } from "../rule";
import { isEveryAction } from "./iam";

/** Actions whose API responses carry credentials (AWS API references; the classes scanners call "credentials exposure"). */
const CREDENTIAL_ACTIONS = [
  "sts:AssumeRole",
  "sts:AssumeRoleWithSAML",
  "sts:AssumeRoleWithWebIdentity",
  "sts:GetFederationToken",
  "sts:GetSessionToken",
  "iam:CreateAccessKey",
  "iam:UpdateAccessKey",
  "iam:CreateLoginProfile",
  "iam:CreateServiceSpecificCredential",
  "iam:ResetServiceSpecificCredential",
  "ecr:GetAuthorizationToken",
  "ecr-public:GetAuthorizationToken",
  "codeartifact:GetAuthorizationToken",
  "sso:GetRoleCredentials",
  "ec2:GetPasswordData",
  "rds-db:connect",
  "redshift:GetClusterCredentials",
  "redshift:GetClusterCredentialsWithIAM",
  "redshift-serverless:GetCredentials",
  "cognito-identity:GetCredentialsForIdentity",
  "cognito-identity:GetOpenIdToken",
  "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
  "lightsail:GetInstanceAccessDetails",
  "lightsail:GetRelationalDatabaseMasterUserPassword",
].map((a) => a.toLowerCase());

/** Reads that hand out data or secrets (what scanners call "data exfiltration" when unconstrained). */
const EXFILTRATION_ACTIONS = ["s3:GetObject", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue"].map((a) => a.toLowerCase());

/**
 * Privilege escalation paths documented by Rhino Security Labs ("AWS IAM Privilege
 * Escalation – Methods and Mitigation"): each set of actions, allowed on every resource, lets
 * a principal give itself more than it has.
 */
const ESCALATION_PATHS: readonly (readonly string[])[] = [
  ["iam:CreatePolicyVersion"],
  ["iam:SetDefaultPolicyVersion"],
  ["iam:CreateAccessKey"],
  ["iam:CreateLoginProfile"],
  ["iam:UpdateLoginProfile"],
  ["iam:AttachUserPolicy"],
  ["iam:AttachGroupPolicy"],
  ["iam:AttachRolePolicy"],
  ["iam:PutUserPolicy"],
  ["iam:PutGroupPolicy"],
  ["iam:PutRolePolicy"],
  ["iam:AddUserToGroup"],
  ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
  ["iam:PassRole", "ec2:RunInstances"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
  ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
  ["iam:PassRole", "glue:CreateDevEndpoint"],
  ["iam:PassRole", "cloudformation:CreateStack"],
  ["iam:PassRole", "datapipeline:CreatePipeline"],
  ["glue:UpdateDevEndpoint"],
  ["lambda:UpdateFunctionCode"],
];

export const iamNoUnconstrainedWrites: Rule = {
  id: "IAM-3",
  severity: "error",
  title: 'Identity policies allow on Resource "*" (or NotResource) only actions that cannot name a resource and are neither writes, permission changes, credential-returning calls nor secret reads; no privilege-escalation path',
  controls: {
    checkov: ["CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290", "CKV_AWS_355", "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111", "CKV_AWS_356"],
  },
  fix: "Name the resources the action applies to (table, bucket prefix, log group, role ARNs); a function's role never needs to change IAM, return credentials or read every secret.",
  check: ({ stack }) => {
    const sites = policySites(stack).filter((site) => site.kind === "identity");
    return checkEach(sites, "no identity policies in this stack", (site): Finding[] => {
      const read = readPolicy(stack, site.value);
      if (!read.ok) return [{ resource: site.resource.address, message: `cannot check ${site.field}: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      const allows = read.statements.filter((s) => s.effect === "Allow" && isUnconstrained(s));
      const findings = allows.flatMap((s) => unconstrainedProblems(s).map((problem) => ({ resource: site.resource.address, message: `${site.field}: ${label(s)} ${problem}` })));
      const everywhere = new Set(allows.flatMap((s) => s.actions.flatMap((a) => (expandAction(a) ?? []).map((x) => x.name.toLowerCase()))));
      for (const path of ESCALATION_PATHS.filter((p) => p.length > 1 && p.every((a) => everywhere.has(a.toLowerCase())))) {
        findings.push({ resource: site.resource.address, message: `${site.field}: allows ${path.join(" + ")} on every resource, a privilege escalation path` });
      }
      return findings;
    });
  },
};

/** A statement on no particular resource: one of its resources is (see isAnyResource), or NotResource. */
function isUnconstrained(s: PolicyStatement): boolean {
  return s.notResources.length > 0 || s.resources.some(isAnyResource);
}

/**
 * `*`, a resource that starts with a wildcard, or an ARN whose resource part does
 * (`arn:aws:s3:::*`, `arn:aws:s3:::*-uploads`, `arn:aws:sqs:eu-west-1:111111111111:*`). An
 * ARN that names a resource type first counts as naming resources of that type, even with a
 * wildcard name (`arn:aws:iam::111111111111:role/*`, every role of the account): IAM-1 judges
 * such names for the data services only.
 */
function isAnyResource(resource: string): boolean {
  if (startsWithWildcard(resource)) return true;
  const arn = parseArn(resource);
  return arn !== undefined && startsWithWildcard(arn.resource);
}

function unconstrainedProblems(s: PolicyStatement): string[] {
  const problems: string[] = [];
  const where = s.notResources.length > 0 ? `everything except ${s.notResources.join(", ")} (NotResource)` : s.resources.filter(isAnyResource).map((r) => `"${r}"`).join(", ");
  for (const pattern of s.actions.filter((a) => !isEveryAction(a))) {
    const actions = expandAction(pattern);
    if (actions === undefined || actions.length === 0) {
      problems.push(`allows ${pattern} on ${where}, an action the IAM data (${IAM_DATA_VERSION}) does not know, so what it allows cannot be told`);
      continue;
    }
    const kinds = classify(actions);
    for (const [kind, names] of kinds) problems.push(`allows ${kind} on ${where}: ${names.join(", ")}`);
  }
  return problems;
}

/** The dangerous actions among those a pattern names, grouped by why they are dangerous. */
function classify(actions: readonly IamAction[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  const add = (kind: string, action: IamAction) => groups.set(kind, [...(groups.get(kind) ?? []), action.name]);
  for (const action of actions) {
    const lower = action.name.toLowerCase();
    if (ESCALATION_PATHS.some((p) => p.length === 1 && p[0].toLowerCase() === lower)) add("privilege escalation", action);
    else if (CREDENTIAL_ACTIONS.includes(lower)) add("credential-returning calls", action);
    else if (!action.restrictable) continue;
    else if (isPermissionsManagement(action)) add("permission changes", action);
    else if (EXFILTRATION_ACTIONS.includes(lower)) add("reads of data or secrets", action);
    else if (isWriteOrTagging(action)) add("writes", action);
  }
  return [...groups];
}

export const IAM_UNCONSTRAINED_RULES: readonly Rule[] = [iamNoUnconstrainedWrites];
