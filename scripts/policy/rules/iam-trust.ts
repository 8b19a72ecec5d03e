/** IAM trust policies: who may assume a role (no one-and-all, no bare account, GitHub OIDC pinned). */
import { conditionsOn, isAnyone, readPolicy, type PolicyStatement } from "../iam";
import { statementLabel as label } from "../policy-sites";
import { checkEach, show, type Finding, type Rule } from "../rule";

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

export const IAM_TRUST_RULES: readonly Rule[] = [iamTrustNamesWhoAssumes];
