import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformStack } from "cdktf";
import { EncryptedAlarmTopic } from "../../../modules/monitoring/alarm-topic";
import { SlackAlarmChannel } from "../../../modules/monitoring/slack-alarm-channel";
import { PrivateBucket } from "../../../modules/private-bucket";
import { synthStack, violations } from "./support";

const ROLE = "aws_iam_role.Role";
const ROLE_POLICY = "aws_iam_role_policy.Policy";

/** A role trusted by the given statements (rendered by an aws_iam_policy_document). */
function roleTrusting(...statement: DataAwsIamPolicyDocumentStatement[]) {
  return (s: TerraformStack) => {
    const trust = new DataAwsIamPolicyDocument(s, "Trust", { statement });
    return new IamRole(s, "Role", { name: "deployer", assumeRolePolicy: trust.json });
  };
}

/** A Lambda-trusted role with one inline policy made of the given statements. */
function roleAllowing(...statement: DataAwsIamPolicyDocumentStatement[]) {
  return (s: TerraformStack) => {
    const role = roleTrusting({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] })(s);
    const policy = new DataAwsIamPolicyDocument(s, "Permissions", { statement });
    new IamRolePolicy(s, "Policy", { name: "app", role: role.id, policy: policy.json });
  };
}

const GITHUB = { type: "Federated", identifiers: ["arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"] };
const githubTrust = (...subjects: string[]) =>
  roleTrusting({
    actions: ["sts:AssumeRoleWithWebIdentity"],
    principals: [GITHUB],
    condition: [
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      ...(subjects.length ? [{ test: "StringLike", variable: "token.actions.githubusercontent.com:sub", values: subjects }] : []),
    ],
  });

describe("IAM-1 whole services and broad managed policies", () => {
  it("flags iam:* (CKV2_AWS_40)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Iam", actions: ["iam:*"], resources: ["arn:aws:iam::111111111111:role/x"] })), "IAM-1")).toEqual([
      [ROLE_POLICY, 'policy: statement "Iam" allows iam:*: every iam action, creating users, keys and policies included'],
    ]);
  });

  it.each([["AdministratorAccess"], ["IAMFullAccess"]])("flags the AWS-managed %s attached to a role", (name) => {
    const workspace = synthStack((s) => {
      const role = new IamRole(s, "Role", { name: "broad", assumeRolePolicy: "{}" });
      new IamRolePolicyAttachment(s, "Attach", { role: role.name, policyArn: `arn:aws:iam::aws:policy/${name}` });
    });
    expect(violations(workspace, "IAM-1")).toEqual([
      ["aws_iam_role_policy_attachment.Attach", `attaches the AWS-managed policy arn:aws:iam::aws:policy/${name}, which grants far more than the function needs`],
    ]);
  });
});

describe("IAM-2 trust policies", () => {
  it("passes a service principal", () => {
    expect(violations(synthStack(roleTrusting({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] })), "IAM-2")).toEqual([]);
  });

  it("flags a role any AWS principal may assume (CKV_AWS_60)", () => {
    const workspace = synthStack(roleTrusting({ sid: "Anyone", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] }));
    expect(violations(workspace, "IAM-2")).toEqual([[ROLE, 'assume_role_policy: statement "Anyone" admits any AWS principal (AWS "*")']]);
  });

  it("flags another account's root without a condition (CKV_AWS_61)", () => {
    const workspace = synthStack(roleTrusting({ sid: "Partner", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::444444444444:root"] }] }));
    expect(violations(workspace, "IAM-2")).toEqual([
      [ROLE, 'assume_role_policy: statement "Partner" admits every principal of account "arn:aws:iam::444444444444:root" that its IAM policies allow, with no condition'],
    ]);
  });

  it("passes an account principal narrowed by an external id", () => {
    const workspace = synthStack(
      roleTrusting({
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: ["444444444444"] }],
        condition: [{ test: "StringEquals", variable: "sts:ExternalId", values: ["partner-7"] }],
      }),
    );
    expect(violations(workspace, "IAM-2")).toEqual([]);
  });

  it("passes GitHub OIDC pinned to one repository's environment", () => {
    expect(violations(synthStack(githubTrust("repo:acme/web:environment:production")), "IAM-2")).toEqual([]);
  });

  it("flags GitHub OIDC without a sub condition (CKV_AWS_358)", () => {
    expect(violations(synthStack(githubTrust()), "IAM-2")).toEqual([
      [ROLE, "assume_role_policy: a statement trusts GitHub Actions OIDC without a token.actions.githubusercontent.com:sub condition, so any repository on GitHub could assume the role"],
    ]);
  });

  it.each([["repo:acme/*"], ["repo:*"], ["*"]])("flags the GitHub subject %s, which names no single repository (CKV_AWS_393)", (subject) => {
    expect(violations(synthStack(githubTrust(subject)), "IAM-2")).toEqual([
      [ROLE, `assume_role_policy: a statement lets GitHub subject ${JSON.stringify(subject)} assume the role; the sub claim must name one owner and repository without wildcards (repo:<owner>/<repo>:…)`],
    ]);
  });
});

describe("IAM-3 no unconstrained writes, permission changes, credentials or secret reads", () => {
  it("passes the Slack channel's read-only CloudWatch grants on *", () => {
    const workspace = synthStack(
      (s) => new SlackAlarmChannel(s, "Slack", { configurationName: "alarms", roleName: "chatbot", slackWorkspaceId: "T0EXAMPLE1", slackChannelId: "C0EXAMPLE1", topicArns: [] }),
    );
    expect(violations(workspace, "IAM-3")).toEqual([]);
  });

  it("passes writes that cannot name a resource (xray:PutTraceSegments on *)", () => {
    expect(violations(synthStack(roleAllowing({ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] })), "IAM-3")).toEqual([]);
  });

  it("passes writes on named resources", () => {
    expect(violations(synthStack(roleAllowing({ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:111111111111:revalidation.fifo"] })), "IAM-3")).toEqual([]);
  });

  it("flags permission changes on * (CKV_AWS_289, CKV_AWS_109)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Policies", actions: ["s3:PutBucketPolicy"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: statement "Policies" allows permission changes on "*": s3:PutBucketPolicy'],
    ]);
  });

  it("flags writes on * (CKV_AWS_290, CKV_AWS_111, CKV_AWS_355, CKV_AWS_356)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Queues", actions: ["sqs:SendMessage"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: statement "Queues" allows writes on "*": sqs:SendMessage'],
    ]);
  });

  it("flags secret reads on * (CKV_AWS_288, CKV_AWS_108)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Secrets", actions: ["secretsmanager:GetSecretValue"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: statement "Secrets" allows reads of data or secrets on "*": secretsmanager:GetSecretValue'],
    ]);
  });

  it("flags credential-returning calls on * (CKV_AWS_287, CKV_AWS_107)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Registry", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: statement "Registry" allows credential-returning calls on "*": ecr:GetAuthorizationToken'],
    ]);
  });

  it("flags a single-action privilege escalation on * (CKV_AWS_286, CKV_AWS_110)", () => {
    expect(violations(synthStack(roleAllowing({ sid: "Escalate", actions: ["iam:PutRolePolicy"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: statement "Escalate" allows privilege escalation on "*": iam:PutRolePolicy'],
    ]);
  });

  it("flags a privilege escalation path spread over statements (PassRole + CreateFunction + InvokeFunction)", () => {
    const workspace = synthStack(
      roleAllowing({ actions: ["iam:PassRole"], resources: ["*"] }, { actions: ["lambda:CreateFunction", "lambda:InvokeFunction"], resources: ["*"] }),
    );
    expect(violations(workspace, "IAM-3").map(([, message]) => message)).toContain(
      "policy: allows iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction on every resource, a privilege escalation path",
    );
  });

  it("expands a wildcard action before judging it (iam:Put* includes PutRolePolicy)", () => {
    const [[, message] = ["", ""]] = violations(synthStack(roleAllowing({ actions: ["iam:Put*"], resources: ["*"] })), "IAM-3");
    expect(message).toMatch(/allows privilege escalation on "\*": .*iam:PutRolePolicy/);
  });

  it("reads the role's inline policy from its aws_iam_policy_document, which checkov cannot render", () => {
    expect(violations(synthStack(roleAllowing({ actions: ["dynamodb:DeleteTable"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, 'policy: a statement allows writes on "*": dynamodb:DeleteTable'],
    ]);
  });

  it("flags an action the IAM data does not know rather than passing it", () => {
    expect(violations(synthStack(roleAllowing({ actions: ["s3:PutObjectEverywhere"], resources: ["*"] })), "IAM-3")).toEqual([
      [ROLE_POLICY, expect.stringMatching(/^policy: a statement allows s3:PutObjectEverywhere on "\*", an action the IAM data \(.+\) does not know/)],
    ]);
  });
});

describe("IAM-4 resource policies admit nobody unconditioned", () => {
  const ANYONE = [{ type: "*", identifiers: ["*"] }];

  it("passes the alarm topic key's policy (account root, and CloudWatch limited by source account and ARN)", () => {
    const workspace = synthStack(
      (s) => new EncryptedAlarmTopic(s, "AlarmTopic", { topicName: "acme-web-dev-alarms", keyAlias: "alias/acme-web-dev-alarms", accountId: "111111111111", alarmNamePrefix: "acme-web-dev-" }),
    );
    expect(violations(workspace, "IAM-4")).toEqual([]);
  });

  it("passes a key policy granting kms:GenerateDataKey* to a service limited by source account", () => {
    const workspace = synthStack((s) => {
      const policy = new DataAwsIamPolicyDocument(s, "KeyPolicy", {
        statement: [
          { actions: ["kms:Decrypt", "kms:GenerateDataKey*"], principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }], resources: ["*"], condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] }] },
        ],
      });
      new KmsKey(s, "Key", { enableKeyRotation: true, policy: policy.json });
    });
    expect([violations(workspace, "IAM-1"), violations(workspace, "IAM-4")]).toEqual([[], []]);
  });

  it("flags a bucket policy that lets anyone read (CKV_AWS_70)", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      data.addPolicyStatements({ sid: "Public", principals: ANYONE, actions: ["s3:GetObject"], resources: [`${data.bucket.arn}/*`] });
    });
    expect(violations(workspace, "IAM-4")).toEqual([["aws_s3_bucket_policy.Data_Policy_537CBD2F", 'policy: statement "Public" admits everyone (* "*") with no condition that narrows who']]);
  });

  it("passes anyone narrowed to one source ARN", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      data.addPolicyStatements({
        principals: ANYONE,
        actions: ["s3:PutObject"],
        resources: [`${data.bucket.arn}/*`],
        condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:logs:eu-west-1:111111111111:log-group:x"] }],
      });
    });
    expect(violations(workspace, "IAM-4")).toEqual([]);
  });

  it("flags a topic policy that admits another account unconditioned (CKV_AWS_169, CKV_AWS_385)", () => {
    const workspace = synthStack((s) => {
      const policy = new DataAwsIamPolicyDocument(s, "TopicPolicy", {
        statement: [{ sid: "Partner", actions: ["sns:Publish"], principals: [{ type: "AWS", identifiers: ["444444444444"] }], resources: ["*"] }],
      });
      new SnsTopic(s, "Topic", { name: "events", policy: policy.json });
    });
    expect(violations(workspace, "IAM-4")).toEqual([["aws_sns_topic.Topic", 'policy: statement "Partner" admits account principal "444444444444" of another account with no condition that narrows who']]);
  });

  it("passes a topic policy for the environment's own account", () => {
    const workspace = synthStack((s) => {
      const policy = new DataAwsIamPolicyDocument(s, "TopicPolicy", {
        statement: [{ actions: ["sns:Publish"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }], resources: ["*"] }],
      });
      new SnsTopic(s, "Topic", { name: "events", policy: policy.json });
    });
    expect(violations(workspace, "IAM-4")).toEqual([]);
  });

  it("flags a queue policy open to everyone, written as literal JSON (CKV_AWS_168)", () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*" }] });
    expect(violations(synthStack((s) => new SqsQueue(s, "Queue", { name: "jobs", policy, sqsManagedSseEnabled: true })), "IAM-4")).toEqual([
      ["aws_sqs_queue.Queue", 'policy: a statement admits everyone (* "*") with no condition that narrows who'],
    ]);
  });

  it("does not count a wildcard-only condition value as narrowing", () => {
    const workspace = synthStack((s) => {
      const data = new PrivateBucket(s, "Data", { bucketName: "data-bucket" });
      data.addPolicyStatements({
        sid: "Loose",
        principals: ANYONE,
        actions: ["s3:GetObject"],
        resources: [`${data.bucket.arn}/*`],
        condition: [{ test: "StringLike", variable: "aws:SourceAccount", values: ["*"] }],
      });
    });
    expect(violations(workspace, "IAM-4").map(([, message]) => message)).toEqual(['policy: statement "Loose" admits everyone (* "*") with no condition that narrows who']);
  });
});
