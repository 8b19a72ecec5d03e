import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/**
 * What the account's principals may do with the key, through their IAM policies: what
 * Terraform needs to manage key and alias, and the data actions an operator needs to
 * publish a test notification.
 */
const KEY_ADMINISTRATION_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:ListKeyPolicies",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ListKeyRotations",
  "kms:RotateKeyOnDemand",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:GenerateDataKey*",
];

export interface EncryptedAlarmTopicProps {
  readonly topicName: string;
  /** Alias of the topic's key, e.g. `alias/<topic name>`. */
  readonly keyAlias: string;
  /** The account whose alarms publish here (key administration and the confused-deputy guard). */
  readonly accountId: string;
  /**
   * Only alarms whose names start with this may use the key: the same prefix lib/naming
   * gives every alarm of the environment.
   */
  readonly alarmNamePrefix: string;
  /**
   * Days a deleted key waits before it is destroyed (7 to 30).
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;
  /**
   * Provider for the topic's region: the region of the alarms that notify it.
   * @default the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The SNS topic alarms notify, encrypted with a customer-managed KMS key. Not
 * `alias/aws/sns`: an AWS-managed key's policy cannot be changed, and CloudWatch needs
 * kms:GenerateDataKey* and kms:Decrypt on the key to publish; with the managed key the
 * alarm fires and the notification is silently dropped. The topic keeps SNS's default
 * access policy (publish and subscribe for this account only), which already admits
 * CloudWatch alarms of this account and AWS Chatbot's subscription.
 */
export class EncryptedAlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptedAlarmTopicProps) {
    super(scope, id);
    this.key = this.createKey(props);
    new KmsAlias(this, "KeyAlias", { provider: props.provider, name: props.keyAlias, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, "Topic", {
      provider: props.provider,
      name: props.topicName,
      kmsMasterKeyId: this.key.arn,
    });
  }

  private createKey(props: EncryptedAlarmTopicProps): KmsKey {
    const partition = new DataAwsPartition(this, "Partition", { provider: props.provider }).partition;
    const policy = new DataAwsIamPolicyDocument(this, "KeyPolicy", {
      provider: props.provider,
      statement: [
        {
          // Lets the account's IAM policies manage (and publish with) the key; without it
          // nobody could manage the key again. Listed rather than kms:*, and PutKeyPolicy
          // stays in the list, so a missing action is a policy change, never a lockout.
          sid: "AccountAdministersKey",
          principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${props.accountId}:root`] }],
          actions: KEY_ADMINISTRATION_ACTIONS,
          resources: ["*"],
        },
        {
          sid: "CloudWatchAlarmsEncryptNotifications",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          // What an AWS service publishing to an SSE topic needs, as the SNS developer guide's
          // key policy writes it (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html,
          // AWS services as event sources): GenerateDataKey* covers every GenerateDataKey variant.
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          // Confused-deputy guard: only this account's alarms, and only the environment's.
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:${partition}:cloudwatch:*:${props.accountId}:alarm:${props.alarmNamePrefix}*`],
            },
          ],
        },
      ],
    });
    return new KmsKey(this, "Key", {
      provider: props.provider,
      description: `Encrypts the ${props.topicName} alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowDays ?? 30,
      policy: policy.json,
    });
  }
}
