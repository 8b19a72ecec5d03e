import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { TerraformStack } from "cdktf";
import { EncryptedAlarmTopic } from "../../../modules/monitoring/alarm-topic";
import { synthStack, violations } from "./support";

const alarmTopic = (s: TerraformStack) =>
  new EncryptedAlarmTopic(s, "AlarmTopic", { topicName: "acme-web-dev-alarms", keyAlias: "alias/acme-web-dev-alarms", accountId: "111111111111", alarmNamePrefix: "acme-web-dev-" });

describe("KMS-1 key hygiene", () => {
  it("passes EncryptedAlarmTopic's key", () => {
    expect(violations(synthStack((s) => alarmTopic(s)), "KMS-1")).toEqual([]);
  });

  it("flags a key without rotation (CKV_AWS_7)", () => {
    expect(violations(synthStack((s) => alarmTopic(s).key.addOverride("enable_key_rotation", false)), "KMS-1")).toEqual([
      ["aws_kms_key.AlarmTopic_Key_0C813E5B", "enable_key_rotation is false, so the key material never rotates"],
    ]);
  });

  it("does not ask an asymmetric key to rotate (AWS cannot)", () => {
    expect(violations(synthStack((s) => new KmsKey(s, "Dnssec", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY", policy: "{}" })), "KMS-1")).toEqual([]);
  });

  it("flags a disabled key (CKV_AWS_227)", () => {
    expect(violations(synthStack((s) => alarmTopic(s).key.addOverride("is_enabled", false)), "KMS-1")).toEqual([
      ["aws_kms_key.AlarmTopic_Key_0C813E5B", "is_enabled is false: everything encrypted with the key is unreadable"],
    ]);
  });

  it("flags a key left on KMS's default policy (CKV2_AWS_64)", () => {
    expect(violations(synthStack((s) => new KmsKey(s, "Key", { enableKeyRotation: true })), "KMS-1")).toEqual([
      ["aws_kms_key.Key", "has no key policy (policy unset and no aws_kms_key_policy), so it gets KMS's default, which hands the key to every IAM policy of the account"],
    ]);
  });
});

describe("SNS-1 topics encrypted", () => {
  it("passes EncryptedAlarmTopic", () => {
    expect(violations(synthStack((s) => alarmTopic(s)), "SNS-1")).toEqual([]);
  });

  it("flags an unencrypted topic (CKV_AWS_26)", () => {
    expect(violations(synthStack((s) => new SnsTopic(s, "Topic", { name: "events" })), "SNS-1")).toEqual([
      ["aws_sns_topic.Topic", "topic events has no kms_master_key_id, so messages are stored unencrypted"],
    ]);
  });

  it("flags alarms notifying a topic on the AWS-managed key", () => {
    const workspace = synthStack((s) => {
      const topic = new SnsTopic(s, "Topic", { name: "alarms", kmsMasterKeyId: "alias/aws/sns" });
      new CloudwatchMetricAlarm(s, "Alarm", { alarmName: "acme-web-dev-x", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 1, alarmActions: [topic.arn] });
    });
    expect(violations(workspace, "SNS-1").map(([, message]) => message)).toEqual([
      "topic alarms receives alarm notifications but uses alias/aws/sns, whose policy does not let CloudWatch publish: the alarm fires and nobody is told",
    ]);
  });
});

describe("SQS-1 queues encrypted", () => {
  it("passes a queue with SSE-SQS", () => {
    expect(violations(synthStack((s) => new SqsQueue(s, "Queue", { name: "revalidation.fifo", fifoQueue: true, sqsManagedSseEnabled: true })), "SQS-1")).toEqual([]);
  });

  it("flags a queue that does not state its encryption (CKV_AWS_27)", () => {
    expect(violations(synthStack((s) => new SqsQueue(s, "Queue", { name: "jobs" })), "SQS-1")).toEqual([
      ["aws_sqs_queue.Queue", "queue jobs sets neither kms_master_key_id nor sqs_managed_sse_enabled = true (got unset)"],
    ]);
  });
});
