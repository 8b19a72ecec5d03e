import { synthesizeApp, onlyResource, resourcesOfType, type StackJson } from "../../support/synth";
import { environment } from "./helpers";

const withSlack = synthesizeApp([environment("staging")]).stacks["staging-distribution"];
const { slack: _omitted, ...devWithoutSlack } = environment("dev");
const withoutSlack = synthesizeApp([devWithoutSlack]).stacks;

const configuration = onlyResource(withSlack, "aws_chatbot_slack_channel_configuration");
const role = onlyResource(withSlack, "aws_iam_role");
const documents = withSlack.data.aws_iam_policy_document as Record<string, StackJson>;
const documentOf = (reference: string) => documents[/aws_iam_policy_document\.([^.]+)\.json/.exec(reference)?.[1] ?? ""];

describe("AWS Chatbot Slack channel", () => {
  it("posts into the workspace and channel from config", () => {
    expect([configuration.slack_team_id, configuration.slack_channel_id]).toEqual(["T0EXAMPLE1", "C0STGALERTS"]);
  });

  it("relays both alarm topics: the app's (through remote state) and the us-east-1 one", () => {
    const edgeTopic = Object.keys(withSlack.resource.aws_sns_topic)[0];
    expect(configuration.sns_topic_arns).toEqual([
      expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-staging-app\.outputs\.[^}]*aws_sns_topic[^}]*\}$/),
      `\${aws_sns_topic.${edgeTopic}.arn}`,
    ]);
  });

  it("is named with lib/naming and created where the Chatbot API exists", () => {
    expect([configuration.configuration_name, configuration.region]).toEqual(["acme-web-staging-alarms", "us-east-2"]);
  });

  it("uses a role only AWS Chatbot can assume", () => {
    expect(documentOf(role.assume_role_policy).statement).toEqual([
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["chatbot.amazonaws.com"] }] },
    ]);
  });

  it("lets the role only read CloudWatch", () => {
    const policy = onlyResource(withSlack, "aws_iam_role_policy");
    const actions = documentOf(policy.policy).statement.flatMap((s: StackJson) => s.actions as string[]);
    expect(actions.filter((a: string) => !/^cloudwatch:(Describe|Get|List)/.test(a))).toEqual([]);
  });

  it("caps what channel members can do with a read-only guardrail", () => {
    expect(configuration.guardrail_policy_arns).toEqual([expect.stringMatching(/:iam::aws:policy\/CloudWatchReadOnlyAccess$/)]);
  });

  it("is left out, with its role, when the environment has no slack config", () => {
    const chatbot = Object.values(withoutSlack).flatMap((stack) => [
      ...resourcesOfType(stack, "aws_chatbot_slack_channel_configuration"),
      ...resourcesOfType(stack, "aws_iam_role").filter((r) => r.name === "acme-web-dev-chatbot"),
    ]);
    expect(chatbot).toEqual([]);
  });

  it("leaves the alarms in place without slack config", () => {
    expect(resourcesOfType(withoutSlack["dev-app"], "aws_cloudwatch_metric_alarm").length).toBeGreaterThan(0);
  });
});
