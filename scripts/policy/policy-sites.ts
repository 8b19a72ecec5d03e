/**
 * Where IAM policies sit in a stack: identity policies (role, user, group and managed
 * policies, inline role policies), trust policies (a role's assume_role_policy) and resource
 * policies (bucket, topic, queue, key, …), each with the attribute that holds it.
 */
import type { PolicyStatement } from "./iam";
import { asBlocks, type SynthesizedStack, type TfResource } from "./model";

const IDENTITY_POLICIES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
/**
 * Resource policies and the attribute holding them. Their `Resource: "*"` means "this
 * resource" (a key policy's `*` is the key), so they are judged by their actions and
 * principals, never by their resources.
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

export interface PolicySite {
  readonly resource: TfResource;
  /** Where the policy sits, for messages (`policy`, `inline_policy[0].policy`). */
  readonly field: string;
  readonly value: unknown;
  readonly kind: "identity" | "trust" | "resource";
}

export function policySites(stack: SynthesizedStack): PolicySite[] {
  const sites: PolicySite[] = [];
  for (const type of IDENTITY_POLICIES) {
    for (const resource of stack.resourcesOfType(type)) sites.push({ resource, field: "policy", value: resource.config.policy, kind: "identity" });
  }
  for (const role of stack.resourcesOfType("aws_iam_role")) {
    asBlocks(role.config.inline_policy).forEach((inline, i) => {
      if (inline.policy !== undefined) sites.push({ resource: role, field: `inline_policy[${i}].policy`, value: inline.policy, kind: "identity" });
    });
    sites.push({ resource: role, field: "assume_role_policy", value: role.config.assume_role_policy, kind: "trust" });
  }
  for (const [type, field] of Object.entries(RESOURCE_POLICIES)) {
    for (const resource of stack.resourcesOfType(type)) {
      // Optional on most of these types: unset keeps the service's default policy.
      if (resource.config[field] !== undefined) sites.push({ resource, field, value: resource.config[field], kind: "resource" });
    }
  }
  return sites;
}

/** `statement "Sid"`, or `a statement` when it has no sid: how messages name a statement. */
export function statementLabel(s: PolicyStatement): string {
  return s.sid ? `statement "${s.sid}"` : "a statement";
}
