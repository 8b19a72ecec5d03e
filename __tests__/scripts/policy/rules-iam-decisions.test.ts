/**
 * The IAM rules' decisions (scripts/policy/rules/iam*.ts: IAM-1 actions, IAM-2 trust, IAM-3
 * unconstrained resources, IAM-4 resource policies), one at a time, on hand-written Terraform
 * JSON with literal JSON policies: each test runs one rule's check over a stack of a few
 * resources, without synthesizing anything. rules-iam.test.ts runs the same rules over stacks
 * the real constructs synthesize.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { IAM_DATA_VERSION } from "../../../scripts/policy/iam-actions";
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Rule, RuleOutcome } from "../../../scripts/policy/rule";
import { iamLeastPrivilege } from "../../../scripts/policy/rules/iam";
import { iamResourcePoliciesNotPublic } from "../../../scripts/policy/rules/iam-resource-policies";
import { iamTrustNamesWhoAssumes } from "../../../scripts/policy/rules/iam-trust";
import { iamNoUnconstrainedWrites } from "../../../scripts/policy/rules/iam-unconstrained";
import { Workspace } from "../../../scripts/policy/workspace";

const OWN_ACCOUNT = "111111111111";
const OTHER_ACCOUNT = "444444444444";

/**
 * What a rule decides about a stack `dev-test` of this Terraform JSON (`{ resource, data }`).
 * The environment is only its account id, the one field these rules read; `account: null` is a
 * stack of no environment.
 */
function outcomeOf(rule: Rule, json: object, account: string | null = OWN_ACCOUNT): RuleOutcome {
  const stack = new SynthesizedStack("dev-test", "cdk.tf.json", "cdktf.out", json);
  const env = account === null ? undefined : ({ account: { id: account } } as EnvironmentConfig);
  return rule.check({ stack, workspace: new Workspace([stack]), env, environments: env ? [env] : [], environmentOf: () => env, now: new Date("2025-06-01T00:00:00Z") });
}

/** What a rule decides about a stack of these resources. */
const outcome = (rule: Rule, resource: object, account?: string | null): RuleOutcome => outcomeOf(rule, { resource }, account);

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
function findingsOf(rule: Rule, json: object, account?: string | null): [string, string][] {
  const result = outcomeOf(rule, json, account);
  if (result.kind !== "checked") throw new Error(`${rule.id} did not check the stack: ${result.kind} (${result.reason})`);
  return result.findings.map((f) => [f.resource, f.message]);
}

const findings = (rule: Rule, resource: object, account?: string | null): [string, string][] => findingsOf(rule, { resource }, account);

/** A literal JSON policy of these statements (Effect defaults to Allow). */
function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) });
}

/** A managed policy `aws_iam_policy.P` of these statements: an identity policy. */
const identityPolicy = (...statements: object[]) => ({ aws_iam_policy: { P: { policy: policy(...statements) } } });
const IDENTITY = "aws_iam_policy.P";

/** A trust policy that passes IAM-2: the Lambda service assumes the role. */
const LAMBDA_TRUST = policy({ Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } });

/** A role `aws_iam_role.R` trusted by these statements. */
const roleTrusting = (...statements: object[]) => ({ aws_iam_role: { R: { assume_role_policy: policy(...statements) } } });
const ROLE = "aws_iam_role.R";

/** A topic `aws_sns_topic.T` whose resource policy is these statements. */
const topicAdmitting = (...statements: object[]) => ({ aws_sns_topic: { T: { name: "events", policy: policy(...statements) } } });
const TOPIC = "aws_sns_topic.T";

/** A bucket of its own: a bounded resource for data actions. */
const ASSETS = "arn:aws:s3:::acme-web-dev-assets/*";

const GITHUB_OIDC_PROVIDER = `arn:aws:iam::${OWN_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

describe("IAM-1 which policies it reads", () => {
  it("does not apply to a stack without IAM, trust or resource policies, and says so", () => {
    expect(outcome(iamLeastPrivilege, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({ kind: "not-applicable", reason: "no IAM, trust or resource policies in this stack" });
  });

  it("counts a role without managed policies once, for its trust policy", () => {
    expect(outcome(iamLeastPrivilege, { aws_iam_role: { R: { assume_role_policy: LAMBDA_TRUST } } })).toEqual({ kind: "checked", checked: 1, findings: [] });
  });

  it("flags AdministratorAccess listed in a role's managed_policy_arns", () => {
    const role = { aws_iam_role: { R: { assume_role_policy: LAMBDA_TRUST, managed_policy_arns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } };
    expect(findings(iamLeastPrivilege, role)).toEqual([[ROLE, "attaches the AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess, which grants far more than the function needs"]]);
  });

  it("passes a narrow AWS-managed policy (AWSLambdaBasicExecutionRole)", () => {
    const attachment = { aws_iam_role_policy_attachment: { A: { role: "app", policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" } } };
    expect(findings(iamLeastPrivilege, attachment)).toEqual([]);
  });

  it("flags a broad managed policy whose ARN takes its partition from aws_partition", () => {
    const arn = "arn:${data.aws_partition.Partition.partition}:iam::aws:policy/PowerUserAccess";
    const attachment = { aws_iam_role_policy_attachment: { A: { role: "app", policy_arn: arn } } };
    expect(findings(iamLeastPrivilege, attachment)).toEqual([["aws_iam_role_policy_attachment.A", `attaches the AWS-managed policy ${arn}, which grants far more than the function needs`]]);
  });

  it("cannot check a policy that is an expression, and says how to fix it", () => {
    const result = outcome(iamLeastPrivilege, { aws_iam_policy: { P: { policy: "${var.policy}" } } });
    expect(result).toEqual({
      kind: "checked",
      checked: 1,
      findings: [{ resource: IDENTITY, message: "cannot check policy: the policy is an expression (${var.policy}), not an aws_iam_policy_document", fix: "Build the policy with an aws_iam_policy_document data source." }],
    });
  });
});

describe("IAM-1 actions", () => {
  it.each([["**"], ["*:**"]])("takes %s for Action *", (action) => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "All", Action: action, Resource: ASSETS }))).toEqual([[IDENTITY, `policy: statement "All" allows Action ${JSON.stringify(action)}`]]);
  });

  it('reports Action "*:*" once, not also as a whole service', () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "All", Action: "*:*", Resource: ASSETS }))).toEqual([[IDENTITY, 'policy: statement "All" allows Action "*:*"']]);
  });

  it("does not take a pattern over services (*:Get*) for Action *", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Action: "*:Get*", Resource: ASSETS }))).toEqual([]);
  });

  it("takes s3:** for the whole s3 service", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "S3", Action: "s3:**", Resource: ASSETS }))).toEqual([
      [IDENTITY, 'policy: statement "S3" allows s3:**: every s3 action, deleting and re-permissioning the bucket included'],
    ]);
  });

  it("does not take s3:*Object for the whole s3 service", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Action: "s3:*Object", Resource: ASSETS }))).toEqual([]);
  });

  it("flags a whole service that holds no data and is not IAM (ec2:*) without a note on either", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "Ec2", Action: "ec2:*", Resource: "*" }))).toEqual([[IDENTITY, 'policy: statement "Ec2" allows ec2:*: every ec2 action']]);
  });

  it("flags NotAction in an Allow statement: every other action is allowed", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "AllBut", NotAction: ["iam:*", "sts:*"], Resource: ASSETS }))).toEqual([
      [IDENTITY, 'policy: statement "AllBut" allows every action except iam:*, sts:* (NotAction)'],
    ]);
  });
});

describe("IAM-1 data actions on unbounded resources", () => {
  it("lists every unbounded resource of a statement", () => {
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "Read", Action: "s3:GetObject", Resource: ["*", "arn:aws:s3:::*-uploads/*"] }))).toEqual([
      [IDENTITY, 'policy: statement "Read" allows s3:GetObject on "*", "arn:aws:s3:::*-uploads/*"'],
    ]);
  });

  it("flags data actions on everything except some resources (NotResource)", () => {
    const [secrets, keys] = ["secrets", "keys"].map((name) => `arn:aws:dynamodb:eu-west-1:${OWN_ACCOUNT}:table/${name}`);
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "Most", Action: ["dynamodb:GetItem", "dynamodb:Query"], NotResource: [secrets, keys] }))).toEqual([
      [IDENTITY, `policy: statement "Most" allows dynamodb:GetItem, dynamodb:Query on everything except ${secrets}, ${keys} (NotResource)`],
    ]);
  });

  it("flags s3 actions on every access point of an account", () => {
    const accessPoints = `arn:aws:s3:eu-west-1:${OWN_ACCOUNT}:accesspoint/*`;
    expect(findings(iamLeastPrivilege, identityPolicy({ Sid: "Read", Action: "s3:GetObject", Resource: accessPoints }))).toEqual([
      [IDENTITY, `policy: statement "Read" allows s3:GetObject on "${accessPoints}"`],
    ]);
  });
});

describe("IAM-2 who may assume a role", () => {
  it("does not apply to a stack without roles, and says so", () => {
    expect(outcome(iamTrustNamesWhoAssumes, identityPolicy({ Action: "s3:GetObject", Resource: ASSETS }))).toEqual({ kind: "not-applicable", reason: "no IAM roles in this stack" });
  });

  it("cannot check a trust policy that is not JSON, and says how to fix it", () => {
    const result = outcome(iamTrustNamesWhoAssumes, { aws_iam_role: { R: { assume_role_policy: "lambda" } } });
    expect(result).toEqual({
      kind: "checked",
      checked: 1,
      findings: [
        {
          resource: ROLE,
          message: "cannot check assume_role_policy: the policy is neither JSON nor an aws_iam_policy_document (lambda)",
          fix: "Build the trust policy with an aws_iam_policy_document data source.",
        },
      ],
    });
  });

  it("does not judge a Deny statement, which admits nobody", () => {
    expect(findings(iamTrustNamesWhoAssumes, roleTrusting({ Effect: "Deny", Action: "sts:AssumeRole", Principal: "*" }))).toEqual([]);
  });

  it("flags NotPrincipal: everyone not listed may assume the role", () => {
    const trust = roleTrusting({ Sid: "AllBut", Action: "sts:AssumeRole", NotPrincipal: { AWS: `arn:aws:iam::${OWN_ACCOUNT}:role/intruder` } });
    expect(findings(iamTrustNamesWhoAssumes, trust)).toEqual([[ROLE, 'assume_role_policy: statement "AllBut" uses NotPrincipal, so everyone not listed may assume the role']]);
  });

  it("says a condition cannot make a role any AWS principal may assume safe", () => {
    const trust = roleTrusting({ Sid: "Anyone", Action: "sts:AssumeRole", Principal: { AWS: "*" }, Condition: { StringEquals: { "sts:ExternalId": "partner-7" } } });
    expect(findings(iamTrustNamesWhoAssumes, trust)).toEqual([[ROLE, 'assume_role_policy: statement "Anyone" admits any AWS principal (AWS "*"), which a condition cannot make safe']]);
  });

  it("passes another account's root when a condition narrows it", () => {
    const trust = roleTrusting({ Action: "sts:AssumeRole", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Condition: { StringEquals: { "sts:ExternalId": "partner-7" } } });
    expect(findings(iamTrustNamesWhoAssumes, trust)).toEqual([]);
  });

  it("passes a named role of another account without a condition", () => {
    expect(findings(iamTrustNamesWhoAssumes, roleTrusting({ Action: "sts:AssumeRole", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/deployer` } }))).toEqual([]);
  });

  it("does not ask a federated principal other than GitHub (Cognito) for a GitHub sub claim", () => {
    const trust = roleTrusting({
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: "cognito-identity.amazonaws.com" },
      Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": "eu-west-1:0f3e1c2a-1111-2222-3333-444444444444" } },
    });
    expect(findings(iamTrustNamesWhoAssumes, trust)).toEqual([]);
  });

  it("asks for a sub claim when GitHub's provider is one of several federated principals", () => {
    const trust = roleTrusting({ Sid: "Ci", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: ["cognito-identity.amazonaws.com", GITHUB_OIDC_PROVIDER] } });
    expect(findings(iamTrustNamesWhoAssumes, trust)).toEqual([
      [ROLE, 'assume_role_policy: statement "Ci" trusts GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition, so any repository on GitHub could assume the role'],
    ]);
  });
});

describe("IAM-3 which statements it judges", () => {
  it("does not apply to a stack without identity policies (a role's trust policy is none), and says so", () => {
    expect(outcome(iamNoUnconstrainedWrites, { aws_iam_role: { R: { assume_role_policy: LAMBDA_TRUST } } })).toEqual({ kind: "not-applicable", reason: "no identity policies in this stack" });
  });

  it("cannot check an empty policy, and says how to fix it", () => {
    expect(outcome(iamNoUnconstrainedWrites, { aws_iam_policy: { P: { policy: "" } } })).toEqual({
      kind: "checked",
      checked: 1,
      findings: [{ resource: IDENTITY, message: "cannot check policy: the policy is empty", fix: "Build the policy with an aws_iam_policy_document data source." }],
    });
  });

  it("does not judge a Deny of writes on *", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Effect: "Deny", Action: "sqs:SendMessage", Resource: "*" }))).toEqual([]);
  });

  it("leaves Action * to IAM-1, with no finding of its own", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Action: "*", Resource: "*" }))).toEqual([]);
  });

  it("passes writes on a queue named by reference", () => {
    const json = {
      data: { aws_iam_policy_document: { Doc: { statement: [{ actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.Jobs.arn}"] }] } } },
      resource: { aws_iam_policy: { P: { policy: "${data.aws_iam_policy_document.Doc.json}" } } },
    };
    expect(findingsOf(iamNoUnconstrainedWrites, json)).toEqual([]);
  });
});

describe("IAM-3 where a statement applies", () => {
  it("flags writes on everything except some resources (NotResource)", () => {
    const [internal, audit] = ["internal", "audit"].map((name) => `arn:aws:sqs:eu-west-1:${OWN_ACCOUNT}:${name}`);
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Most", Action: "sqs:SendMessage", NotResource: [internal, audit] }))).toEqual([
      [IDENTITY, `policy: statement "Most" allows writes on everything except ${internal}, ${audit} (NotResource): sqs:SendMessage`],
    ]);
  });

  it("flags writes on * even when the statement also names a resource, and names only *", () => {
    const jobs = `arn:aws:sqs:eu-west-1:${OWN_ACCOUNT}:jobs`;
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Send", Action: "sqs:SendMessage", Resource: [jobs, "*"] }))).toEqual([
      [IDENTITY, 'policy: statement "Send" allows writes on "*": sqs:SendMessage'],
    ]);
  });

  it("flags writes on every bucket (an ARN whose bucket name starts with a wildcard) and names each such resource", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Put", Action: "s3:PutObject", Resource: ["arn:aws:s3:::*-uploads/*", "arn:aws:s3:::*/logs/*"] }))).toEqual([
      [IDENTITY, 'policy: statement "Put" allows writes on "arn:aws:s3:::*-uploads/*", "arn:aws:s3:::*/logs/*": s3:PutObject'],
    ]);
  });

  it("flags writes on every queue of an account (…:*)", () => {
    const everyQueue = `arn:aws:sqs:eu-west-1:${OWN_ACCOUNT}:*`;
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Send", Action: "sqs:SendMessage", Resource: everyQueue }))).toEqual([
      [IDENTITY, `policy: statement "Send" allows writes on "${everyQueue}": sqs:SendMessage`],
    ]);
  });
});

describe("IAM-3 what a statement allows on *", () => {
  it("flags an action of a service the IAM data does not know", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Acme", Action: "acme:PutThing", Resource: "*" }))).toEqual([
      [IDENTITY, `policy: statement "Acme" allows acme:PutThing on "*", an action the IAM data (${IAM_DATA_VERSION}) does not know, so what it allows cannot be told`],
    ]);
  });

  it("lists the writes a pattern expands to, comma separated", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Messages", Action: "sqs:*Message", Resource: "*" }))).toEqual([
      [IDENTITY, 'policy: statement "Messages" allows writes on "*": sqs:DeleteMessage, sqs:SendMessage'],
    ]);
  });

  it("classes iam:PassRole on * as a write: it escalates only together with an action that runs code", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Pass", Action: "iam:PassRole", Resource: "*" }))).toEqual([[IDENTITY, 'policy: statement "Pass" allows writes on "*": iam:PassRole']]);
  });

  it("reports no escalation path when only part of one is allowed on * (ec2:RunInstances without iam:PassRole)", () => {
    expect(findings(iamNoUnconstrainedWrites, identityPolicy({ Sid: "Run", Action: "ec2:RunInstances", Resource: "*" }))).toEqual([
      [IDENTITY, 'policy: statement "Run" allows writes on "*": ec2:RunInstances'],
    ]);
  });
});

describe("IAM-4 which policies it reads", () => {
  it("does not apply to a stack without resource policies, and says so", () => {
    expect(outcome(iamResourcePoliciesNotPublic, { aws_s3_bucket: { B: { bucket: "b" } } })).toEqual({ kind: "not-applicable", reason: "no resource policies in this stack" });
  });

  it("leaves trust policies to IAM-2: a role anyone may assume is no resource policy", () => {
    expect(outcome(iamResourcePoliciesNotPublic, roleTrusting({ Action: "sts:AssumeRole", Principal: "*" })).kind).toBe("not-applicable");
  });

  it("cannot check a policy that is an expression, and says how to fix it", () => {
    expect(outcome(iamResourcePoliciesNotPublic, { aws_sns_topic: { T: { name: "events", policy: "${var.topic_policy}" } } })).toEqual({
      kind: "checked",
      checked: 1,
      findings: [{ resource: TOPIC, message: "cannot check policy: the policy is an expression (${var.topic_policy}), not an aws_iam_policy_document", fix: "Build the policy with an aws_iam_policy_document data source." }],
    });
  });
});

describe("IAM-4 whom a resource policy admits", () => {
  it("flags NotPrincipal: everyone not listed is admitted", () => {
    const topic = topicAdmitting({ Sid: "AllBut", Action: "sns:Publish", NotPrincipal: { AWS: `arn:aws:iam::${OWN_ACCOUNT}:role/intruder` }, Resource: "*" });
    expect(findings(iamResourcePoliciesNotPublic, topic)).toEqual([[TOPIC, 'policy: statement "AllBut" admits everyone not listed in NotPrincipal with no condition that narrows who']]);
  });

  it("passes a service principal without a condition: only everyone and other accounts need one", () => {
    expect(findings(iamResourcePoliciesNotPublic, topicAdmitting({ Action: "sns:Publish", Principal: { Service: "events.amazonaws.com" }, Resource: "*" }))).toEqual([]);
  });

  it("flags another account's identity provider admitted as a federated principal", () => {
    const provider = `arn:aws:iam::${OTHER_ACCOUNT}:saml-provider/corp`;
    expect(findings(iamResourcePoliciesNotPublic, topicAdmitting({ Sid: "Corp", Action: "sns:Publish", Principal: { Federated: provider }, Resource: "*" }))).toEqual([
      [TOPIC, `policy: statement "Corp" admits account principal "${provider}" of another account with no condition that narrows who`],
    ]);
  });

  it("flags another account's role named by ARN", () => {
    const role = `arn:aws:iam::${OTHER_ACCOUNT}:role/publisher`;
    expect(findings(iamResourcePoliciesNotPublic, topicAdmitting({ Sid: "Partner", Action: "sns:Publish", Principal: { AWS: role }, Resource: "*" }))).toEqual([
      [TOPIC, `policy: statement "Partner" admits account principal "${role}" of another account with no condition that narrows who`],
    ]);
  });

  it("flags another account's role in another partition (aws-cn)", () => {
    const role = `arn:aws-cn:iam::${OTHER_ACCOUNT}:role/publisher`;
    expect(findings(iamResourcePoliciesNotPublic, topicAdmitting({ Sid: "Partner", Action: "sns:Publish", Principal: { AWS: role }, Resource: "*" }))).toEqual([
      [TOPIC, `policy: statement "Partner" admits account principal "${role}" of another account with no condition that narrows who`],
    ]);
  });

  it("takes every literal account for another's in a stack of no environment", () => {
    expect(findings(iamResourcePoliciesNotPublic, topicAdmitting({ Sid: "Own", Action: "sns:Publish", Principal: { AWS: OWN_ACCOUNT }, Resource: "*" }), null)).toEqual([
      [TOPIC, `policy: statement "Own" admits account principal "${OWN_ACCOUNT}" of another account with no condition that narrows who`],
    ]);
  });
});

describe("IAM-4 conditions that narrow who", () => {
  /** Messages of IAM-4 on a topic open to everyone under this condition block. */
  const openTopicUnder = (condition: object) => findings(iamResourcePoliciesNotPublic, topicAdmitting({ Sid: "Open", Action: "sns:Publish", Principal: "*", Resource: "*", Condition: condition })).map(([, m]) => m);
  const OPEN = 'policy: statement "Open" admits everyone (* "*") with no condition that narrows who';
  const ALARMS = `arn:aws:cloudwatch:eu-west-1:${OWN_ACCOUNT}:alarm:*`;

  it("counts an ARN pattern that ends in a wildcard (…:alarm:*) as narrowing", () => {
    expect(openTopicUnder({ ArnLike: { "aws:SourceArn": ALARMS } })).toEqual([]);
  });

  it("counts a value with a literal part after a leading wildcard as narrowing", () => {
    expect(openTopicUnder({ StringLike: { "aws:userid": "*:deploy-bot" } })).toEqual([]);
  });

  it("does not count a condition as narrowing when one of its values is a bare wildcard (values are ORed)", () => {
    expect(openTopicUnder({ ArnLike: { "aws:SourceArn": [ALARMS, "*"] } })).toEqual([OPEN]);
  });

  it("does not count ** as narrowing", () => {
    expect(openTopicUnder({ StringLike: { "aws:SourceAccount": "**" } })).toEqual([OPEN]);
  });

  it("does not count a condition on a key that says nothing about who (aws:RequestedRegion) as narrowing", () => {
    expect(openTopicUnder({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } })).toEqual([OPEN]);
  });

  it("does not count a condition without values as narrowing", () => {
    expect(openTopicUnder({ StringEquals: { "aws:SourceAccount": [] } })).toEqual([OPEN]);
  });

  it("does not count a negated operator as narrowing (StringNotEquals admits every other account)", () => {
    expect(openTopicUnder({ StringNotEquals: { "aws:SourceAccount": OWN_ACCOUNT } })).toEqual([OPEN]);
  });

  it("does not count an …IfExists operator as narrowing (it holds when the request has no such key)", () => {
    expect(openTopicUnder({ ArnLikeIfExists: { "aws:SourceArn": ALARMS } })).toEqual([OPEN]);
  });

  it("counts StringEqualsIgnoreCase on the source account as narrowing", () => {
    expect(openTopicUnder({ StringEqualsIgnoreCase: { "aws:SourceAccount": OWN_ACCOUNT } })).toEqual([]);
  });
});
