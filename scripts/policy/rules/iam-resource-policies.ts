/** Resource policies (bucket, topic, queue, key, …): nobody unconditioned beyond the account. */
import { isAnyone, readPolicy, type PolicyStatement, type Principal } from "../iam";
import { policySites, statementLabel as label } from "../policy-sites";
import { checkEach, show, type Finding, type Rule, type RuleContext } from "../rule";

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
    const sites = policySites(stack).filter((site) => site.kind === "resource");
    return checkEach(sites, "no resource policies in this stack", (site): Finding[] => {
      const read = readPolicy(stack, site.value);
      if (!read.ok) return [{ resource: site.resource.address, message: `cannot check ${site.field}: ${read.reason}`, fix: "Build the policy with an aws_iam_policy_document data source." }];
      return read.statements
        .filter((s) => s.effect === "Allow" && !narrowed(s))
        .flatMap((s) => openPrincipals(context, s).map((who) => ({ resource: site.resource.address, message: `${site.field}: ${label(s)} admits ${who} with no condition that narrows who` })));
    });
  },
};

/**
 * Operators that hold only when the request carries the key with a matching value. A negated
 * operator (StringNotEquals, ArnNotLike, …) and an …IfExists one also hold when the key is
 * absent, and set operators (ForAllValues:, ForAnyValue:) are not meant for these single-valued
 * keys, so none of those narrow who. IAM User Guide, "IAM JSON policy elements: Condition
 * operators" and "Single-valued vs. multivalued condition keys".
 */
const MATCHING_OPERATORS = /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

/**
 * A matching condition on a narrowing key whose values are none of them a bare wildcard: the
 * values of one key are ORed (IAM User Guide, "Conditions with multiple context keys or
 * values"), so one `*` among them admits every request.
 */
function narrowed(s: PolicyStatement): boolean {
  return s.conditions.some(
    (c) => NARROWING_KEYS.includes(c.variable.toLowerCase()) && MATCHING_OPERATORS.test(c.test) && c.values.length > 0 && c.values.every((v) => !/^[*?]+$/.test(v)),
  );
}

function openPrincipals({ env }: RuleContext, s: PolicyStatement): string[] {
  if (s.notPrincipals.length > 0) return ["everyone not listed in NotPrincipal"];
  return s.principals.flatMap((p: Principal) => {
    if (isAnyone(p)) return [`everyone (${p.type} "*")`];
    // Any principal type: a service or canonical user id never names an account, and a
    // Federated principal named by ARN is another account's identity provider.
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

export const IAM_RESOURCE_POLICY_RULES: readonly Rule[] = [iamResourcePoliciesNotPublic];
