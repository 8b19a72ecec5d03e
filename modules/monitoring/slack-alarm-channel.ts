import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

export interface SlackAlarmChannelProps {
  readonly configurationName: string;
  readonly roleName: string;
  /** Slack workspace (team) id, authorised once in the AWS Chatbot console. */
  readonly slackWorkspaceId: string;
  readonly slackChannelId: string;
  /** Alarm topics relayed to the channel; they may be in any region. */
  readonly topicArns: readonly string[];
  /**
   * Region whose Chatbot API holds the configuration (us-east-2, us-west-2, eu-west-1 or
   * ap-southeast-1).
   * @default the provider's region
   */
  readonly region?: string;
  /**
   * Managed policies capping what anyone in the channel can do through Chatbot, whatever
   * the role allows.
   * @default ["arn:<partition>:iam::aws:policy/CloudWatchReadOnlyAccess"]
   */
  readonly guardrailPolicyArns?: readonly string[];
  /**
   * @default "ERROR"
   */
  readonly loggingLevel?: "ERROR" | "INFO" | "NONE";
}

/**
 * AWS Chatbot posting alarm notifications into one Slack channel. Its role is the
 * "notifications only" kind: read CloudWatch to render the alarm and its graph, nothing
 * else, and the guardrail keeps channel members from running anything beyond reads.
 * The Slack workspace must have been authorised in the AWS Chatbot console beforehand
 * (a one-time OAuth step Terraform cannot do).
 */
export class SlackAlarmChannel extends Construct {
  readonly configuration: ChatbotSlackChannelConfiguration;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: SlackAlarmChannelProps) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "Partition").partition;
    this.role = this.createRole(props);
    this.configuration = new ChatbotSlackChannelConfiguration(this, "Configuration", {
      region: props.region,
      configurationName: props.configurationName,
      iamRoleArn: this.role.arn,
      slackTeamId: props.slackWorkspaceId,
      slackChannelId: props.slackChannelId,
      snsTopicArns: [...props.topicArns],
      guardrailPolicyArns: [
        ...(props.guardrailPolicyArns ?? [`arn:${partition}:iam::aws:policy/CloudWatchReadOnlyAccess`]),
      ],
      // Notifications only: nobody runs commands through this channel.
      userAuthorizationRequired: false,
      loggingLevel: props.loggingLevel ?? "ERROR",
    });
  }

  private createRole(props: SlackAlarmChannelProps): IamRole {
    const trust = new DataAwsIamPolicyDocument(this, "AssumeRolePolicy", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "Role", { name: props.roleName, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "RolePolicyDocument", {
      statement: [
        {
          // AWS Chatbot's "Notification permissions" template (cloudwatch:Describe*, Get*,
          // List*) spelled out: describe the alarm and draw its graph, read-only.
          sid: "ReadAlarmsForNotifications",
          actions: [
            "cloudwatch:DescribeAlarms",
            "cloudwatch:DescribeAlarmsForMetric",
            "cloudwatch:DescribeAlarmHistory",
            "cloudwatch:GetMetricData",
            "cloudwatch:GetMetricStatistics",
            "cloudwatch:GetMetricWidgetImage",
            "cloudwatch:ListMetrics",
          ],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { name: "notifications", role: role.id, policy: permissions.json });
    return role;
  }
}
