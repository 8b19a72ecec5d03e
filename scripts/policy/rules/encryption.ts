/** KMS keys (rotation, enabled, explicit policy), SNS topics and SQS queues encrypted at rest. */
import { literalString, referencesIn } from "../expressions";
import { asBool, asStrings, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, show, type Finding, type Rule } from "../rule";

/** The AWS-managed SNS key: its policy cannot be changed, so CloudWatch cannot publish through it. */
const AWS_MANAGED_SNS_KEY = "alias/aws/sns";

export const kmsKeyHygiene: Rule = {
  id: "KMS-1",
  severity: "error",
  title: "Every customer-managed KMS key is enabled, rotates yearly (symmetric keys outside custom key stores) and has an explicit key policy",
  controls: { checkov: ["CKV_AWS_7", "CKV_AWS_227", "CKV2_AWS_64"], securityHub: ["KMS.4"] },
  fix: "Set enable_key_rotation = true, leave is_enabled unset (true) and give the key a policy built from an aws_iam_policy_document (EncryptedAlarmTopic does all three).",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_kms_key"), "no KMS keys in this stack", (key): Finding[] => {
      const findings: Finding[] = [];
      const at = (message: string) => findings.push({ resource: key.address, message });
      // Automatic rotation exists only for symmetric encryption keys outside custom key stores
      // (AWS KMS API reference, EnableKeyRotation: "You cannot enable automatic rotation of
      // asymmetric KMS keys, HMAC KMS keys, KMS keys with imported key material, or KMS keys in
      // a custom key store"). Imported material is aws_kms_external_key, which this rule does not read.
      const symmetric = key.config.customer_master_key_spec === undefined || key.config.customer_master_key_spec === "SYMMETRIC_DEFAULT";
      const inCustomKeyStore = key.config.custom_key_store_id !== undefined && key.config.custom_key_store_id !== null && key.config.custom_key_store_id !== "";
      if (symmetric && !inCustomKeyStore && key.config.enable_key_rotation !== true) at(`enable_key_rotation is ${show(key.config.enable_key_rotation)}, so the key material never rotates`);
      if (asBool(key.config.is_enabled) === false) at("is_enabled is false: everything encrypted with the key is unreadable");
      if (key.config.policy === undefined && keyPolicies(stack, key).length === 0) {
        at("has no key policy (policy unset and no aws_kms_key_policy), so it gets KMS's default, which hands the key to every IAM policy of the account");
      }
      return findings;
    }),
};

export const snsTopicEncrypted: Rule = {
  id: "SNS-1",
  severity: "error",
  title: "Every SNS topic is encrypted with KMS, and a topic alarms notify uses a customer-managed key (alias/aws/sns drops CloudWatch's notifications)",
  controls: { checkov: ["CKV_AWS_26"], securityHub: ["SNS.1"] },
  fix: "Create the topic with EncryptedAlarmTopic (a customer-managed key whose policy lets cloudwatch.amazonaws.com use it), or set kms_master_key_id to such a key.",
  check: ({ stack, workspace }) => {
    const alarmed = new Set(
      workspace.stacks.flatMap((other) =>
        other
          .resourcesOfType("aws_cloudwatch_metric_alarm")
          .flatMap((alarm) => workspace.targets(other, asStrings(alarm.config.alarm_actions)))
          // Only this stack's targets: another stack may hold a topic of the same address. (No type
          // test: an address starts with its type, so only topics match the topics looked up below.)
          .filter((t) => t.stack === stack)
          .map((t) => t.resource.address),
      ),
    );
    return checkEach(stack.resourcesOfType("aws_sns_topic"), "no SNS topics in this stack", (topic) => {
      const key = topic.config.kms_master_key_id;
      if (key === undefined || key === "") return { resource: topic.address, message: `topic ${describe(topic)} has no kms_master_key_id, so messages are stored unencrypted` };
      if (alarmed.has(topic.address) && key === AWS_MANAGED_SNS_KEY) {
        return { resource: topic.address, message: `topic ${describe(topic)} receives alarm notifications but uses ${AWS_MANAGED_SNS_KEY}, whose policy does not let CloudWatch publish: the alarm fires and nobody is told` };
      }
      return undefined;
    });
  },
};

export const sqsQueueEncrypted: Rule = {
  id: "SQS-1",
  severity: "error",
  title: "Every SQS queue states its encryption at rest (sqs_managed_sse_enabled or a KMS key)",
  controls: { checkov: ["CKV_AWS_27"], securityHub: ["SQS.1"] },
  fix: "Set sqs_managed_sse_enabled = true (SSE-SQS) or kms_master_key_id on the queue.",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_sqs_queue"), "no SQS queues in this stack", (queue) => {
      const kms = queue.config.kms_master_key_id;
      if ((typeof kms === "string" && kms !== "") || queue.config.sqs_managed_sse_enabled === true) return undefined;
      return { resource: queue.address, message: `queue ${describe(queue)} sets neither kms_master_key_id nor sqs_managed_sse_enabled = true (got ${show(queue.config.sqs_managed_sse_enabled)})` };
    }),
};

export const ENCRYPTION_RULES: readonly Rule[] = [kmsKeyHygiene, snsTopicEncrypted, sqsQueueEncrypted];

function keyPolicies(stack: SynthesizedStack, key: TfResource): TfResource[] {
  return stack.resourcesOfType("aws_kms_key_policy").filter((p) => referencesIn(p.config.key_id).some((r) => r.address === key.address));
}

function describe(resource: TfResource): string {
  return literalString(resource.config.name) ?? resource.address;
}
