/**
 * IAM: no `*` or whole-service actions in any policy we can read, no unbounded resources for
 * data actions or for writes and permission changes in identity policies, no broad managed
 * policies, trust policies that name who may assume a role, and resource policies that admit
 * nobody unconditioned beyond the account. Policies are read from `aws_iam_policy_document`
 * data sources as well as JSON (checkov cannot render the former).
 */
import { globMatches, hasWildcard, parseArn, startsWithWildcard } from "../arn";
import { literalString } from "../expressions";
import { conditionsOn, isAnyone, readPolicy, type PolicyStatement, type Principal } from "../iam";
import { expandAction, IAM_DATA_VERSION, isPermissionsManagement, isWriteOrTagging, type IamAction } from "../iam-actions";
import { asBlocks, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, show, type Finding, type Rule, type RuleContext } from "../rule";

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

/** Federated principal of GitHub Actions' OIDC provider, and the claim that names the repository. */
const GITHUB_OIDC = "token.actions.githubusercontent.com";
/** `repo:<owner>/<repo>` with neither part a wildcard; what follows (`:ref:…`, `:environment:…`) may be. */
const PINNED_GITHUB_SUBJECT = /^repo:[^*?/:]+\/[^*?/:]+(:|$)/;
/** A bare account id, or an account's root: "anyone in that account whose IAM policy allows it". */
const ACCOUNT_PRINCIPAL = /^(\d{12}|arn:aws[\w-]*:iam::(\d{12}|\$\{[^}]+\}):root)$/;

export const iamTrustNamesWhoAssumes: Rule = {
  id: "IAM-2",
  severity: "error",
  title: "Trust policies never admit any AWS principal, admit a whole account only with a condition, and pin GitHub OIDC to a repository (sub claim)",
  controls: { checkov: ["CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_358", "CKV_AWS_393"] },
  fix: 'Name the service or role that assumes the role; for another account add a condition (sts:ExternalId, aws:PrincipalArn, aws:PrincipalOrgID); for GitHub Actions require token.actions.githubusercontent.com:sub = "repo:<owner>/<repo>:environment:<name>" and :aud = "sts.amazonaws.com".',
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_iam_role"), "no IAM roles in this stack", (role): Finding[] => {
      const read = readPolicy(stack, role.config.assume_role_policy);
      if (!read.ok) return [{ resource: role.address, message: `cannot check assume_role_policy: ${read.reason}`, fix: "Build the trust policy with an aws_iam_policy_document data source." }];
      return read.statements
        .filter((s) => s.effect === "Allow")
        .flatMap((s) => trustProblems(s).map((problem) => ({ resource: role.address, message: `assume_role_policy: ${label(s)} ${problem}` })));
    }),
};

function trustProblems(s: PolicyStatement): string[] {
  const problems: string[] = [];
  if (s.notPrincipals.length > 0) problems.push("uses NotPrincipal, so everyone not listed may assume the role");
  for (const principal of s.principals) {
    if (isAnyone(principal)) {
      problems.push(`admits any AWS principal (${principal.type} "*")${s.conditions.length ? ", which a condition cannot make safe" : ""}`);
      continue;
    }
    if (principal.type === "AWS" && s.conditions.length === 0) {
      for (const id of principal.identifiers.filter((i) => ACCOUNT_PRINCIPAL.test(i))) {
        problems.push(`admits every principal of account ${show(id)} that its IAM policies allow, with no condition`);
      }
    }
    if (principal.type === "Federated" && principal.identifiers.some((id) => id.includes(GITHUB_OIDC))) {
      problems.push(...githubSubjectProblems(s));
    }
  }
  return problems;
}

function githubSubjectProblems(s: PolicyStatement): string[] {
  const subjects = conditionsOn(s, `${GITHUB_OIDC}:sub`);
  if (subjects.length === 0) return ["trusts GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition, so any repository on GitHub could assume the role"];
  const loose = subjects.flatMap((c) => c.values).filter((value) => !PINNED_GITHUB_SUBJECT.test(value));
  return loose.map((value) => `lets GitHub subject ${show(value)} assume the role; the sub claim must name one owner and repository without wildcards (repo:<owner>/<repo>:…)`);
}

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
    const sites = policySites(stack).filter((site) => site.identity);
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

/** Resource "*", a resource that starts with a wildcard, or NotResource: no particular resource. */
function isUnconstrained(s: PolicyStatement): boolean {
  return s.notResources.length > 0 || s.resources.some((r) => startsWithWildcard(r) || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(r));
}

function unconstrainedProblems(s: PolicyStatement): string[] {
  const problems: string[] = [];
  const where = s.notResources.length > 0 ? `everything except ${s.notResources.join(", ")} (NotResource)` : `"*"`;
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

/** Condition keys that limit who (or what, on whose behalf) a resource policy admits. */
const NARROWING_KEYS = [
  "aws:SourceArn",
  "aws:SourceAccount",
  "aws:SourceOwner",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "aws:PrincipalArn",
  "aws:PrincipalAccount",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:PrincipalServiceName",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "aws:userid",
  "kms:CallerAccount",
].map((k) => k.toLowerCase());

export const iamResourcePoliciesNotPublic: Rule = {
  id: "IAM-4",
  severity: "error",
  title: "Resource policies (bucket, topic, queue, key, …) admit everyone (*) or another account only with a condition that narrows who (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, …)",
  controls: { checkov: ["CKV_AWS_70", "CKV_AWS_283", "CKV_AWS_33", "CKV_AWS_169", "CKV_AWS_385", "CKV_AWS_168"] },
  fix: "Name the service principal and add an aws:SourceArn / aws:SourceAccount condition (as the alarm keys and the assets bucket do), or name the other account's role with an aws:PrincipalArn or sts:ExternalId-style condition.",
  check: (context) => {
    const { stack } = context;
    const sites = policySites(stack).filter((site) => !site.identity && site.field !== "assume_role_policy");
    return checkEach(sites, "no resource policies in this stack", (site): Finding[] => {
      const read = readPolicy(stack, site.value);
      if (!read.ok) return [{ resource: site.resource.address, message: `cannot check ${site.field}: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      return read.statements
        .filter((s) => s.effect === "Allow" && !narrowed(s))
        .flatMap((s) => openPrincipals(context, s).map((who) => ({ resource: site.resource.address, message: `${site.field}: ${label(s)} admits ${who} with no condition that narrows who` })));
    });
  },
};

/** A condition on a narrowing key with at least one value that is not a bare wildcard. */
function narrowed(s: PolicyStatement): boolean {
  return s.conditions.some((c) => NARROWING_KEYS.includes(c.variable.toLowerCase()) && c.values.some((v) => !/^[*?]+$/.test(v)));
}

function openPrincipals({ env }: RuleContext, s: PolicyStatement): string[] {
  if (s.notPrincipals.length > 0) return ["everyone not listed in NotPrincipal"];
  return s.principals.flatMap((p: Principal) => {
    if (isAnyone(p)) return [`everyone (${p.type} "*")`];
    if (p.type !== "AWS") return [];
    return p.identifiers.filter((id) => isForeignAccount(id, env?.account.id)).map((id) => `account principal ${show(id)} of another account`);
  });
}

/**
 * An AWS principal in another account: its account id (12 digits, or the account part of an
 * IAM ARN) is a literal and not the environment's. References (a role this stack creates,
 * `${data.aws_caller_identity…}`) are the account itself.
 */
function isForeignAccount(id: string, ownAccount: string | undefined): boolean {
  const account = /^(\d{12})$/.exec(id)?.[1] ?? /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(id)?.[1];
  return account !== undefined && account !== ownAccount;
}

function label(s: PolicyStatement): string {
  return s.sid ? `statement "${s.sid}"` : "a statement";
}

export const IAM_RULES: readonly Rule[] = [iamLeastPrivilege, iamTrustNamesWhoAssumes, iamNoUnconstrainedWrites, iamResourcePoliciesNotPublic];

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
function isEveryAction(action: string): boolean {
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
