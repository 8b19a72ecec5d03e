/**
 * Every physical name the stacks make, for the longest names the schema allows, is one AWS
 * accepts: the schema's length limits on `project`, `name` and table names are enough.
 */
import { validateEnvironments } from "../../environments";
import devConfig from "../../environments/dev";
import { NAME_RULES, nameRuleProblems, s3BucketNameProblems, dynamoTableNameProblems, type NameRule } from "../../environments/rules/aws-names";
import { ssrStackVariables } from "../../lib/naming";
import { resourcesOfType, synthesizeApp, type StackJson } from "../support/synth";

const NAME = "abcdefgh-ijk"; // 12 characters, the most `name` allows
const env = validateEnvironments([
  {
    file: `environments/${NAME}.ts`,
    data: {
      ...structuredClone(devConfig),
      name: NAME,
      project: "abcdefghij-klmnopqrs", // 20 characters, the most `project` allows
      tables: [{ name: `t${"x".repeat(39)}`, partitionKey: { name: "id", type: "S" }, ttlAttribute: "expiresAt" }],
    },
  },
])[0]!;
const app = synthesizeApp([env]);
const all = (type: string): StackJson[] => Object.values(app.stacks).flatMap((stack) => resourcesOfType(stack, type));

/** [resource type, attribute, rule] for every named resource the stacks create. */
const NAMED: [string, string, NameRule][] = [
  ["aws_lambda_function", "function_name", NAME_RULES.lambdaFunction],
  ["aws_iam_role", "name", NAME_RULES.iamRole],
  ["aws_cloudwatch_log_group", "name", NAME_RULES.logGroup],
  ["aws_apigatewayv2_api", "name", NAME_RULES.httpApi],
  ["aws_sns_topic", "name", NAME_RULES.snsTopic],
  ["aws_kms_alias", "name", NAME_RULES.kmsAlias],
  ["aws_cloudwatch_metric_alarm", "alarm_name", NAME_RULES.alarm],
  ["aws_cloudwatch_dashboard", "dashboard_name", NAME_RULES.dashboard],
  ["aws_chatbot_slack_channel_configuration", "configuration_name", NAME_RULES.chatbotConfiguration],
  ["aws_cloudfront_origin_access_control", "name", NAME_RULES.originAccessControl],
  ["aws_cloudfront_response_headers_policy", "name", NAME_RULES.responseHeadersPolicy],
];

describe("the longest names the schema allows", () => {
  it.each(NAMED)("give every %s a %s AWS accepts", (type, attribute, rule) => {
    const names = all(type).map((resource) => String(resource[attribute]));
    expect([names.length > 0, names.flatMap((name) => nameRuleProblems(rule, name))]).toEqual([true, []]);
  });

  it("give every S3 bucket a name S3 accepts", () => {
    const names = all("aws_s3_bucket").map((bucket) => String(bucket.bucket));
    expect([names.length > 0, names.flatMap(s3BucketNameProblems)]).toEqual([true, []]);
  });

  it("give every DynamoDB table a name DynamoDB accepts", () => {
    const names = all("aws_dynamodb_table").map((table) => String(table.name));
    expect([names.length > 0, names.flatMap(dynamoTableNameProblems)]).toEqual([true, []]);
  });
});

describe("the SSR function's variables", () => {
  it("are the configured ones and exactly those the schema counts against Lambda's 4 KB", () => {
    const variables = all("aws_lambda_function")[0]!.environment.variables as Record<string, string>;
    expect(Object.keys(variables).sort()).toEqual(Object.keys({ ...env.ssr.environment, ...ssrStackVariables(env) }).sort());
  });
});
