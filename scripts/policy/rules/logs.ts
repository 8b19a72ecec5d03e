/**
 * Logs: retention on every log group (long enough in protected environments), a managed log
 * group for every Lambda, API access logs.
 */
import { lambdaLogGroupName } from "../../../lib/naming";
import { literalString, referencesIn } from "../expressions";
import { asBlock, asNumber, type SynthesizedStack, type TfResource } from "../model";
import { checkEach, notApplicable, show, type Finding, type Rule } from "../rule";
import type { Workspace } from "../workspace";

export const logRetention: Rule = {
  id: "LOG-1",
  severity: "error",
  title: "Every log group has a retention, and every Lambda writes to a log group this stack manages",
  controls: { checkov: ["CKV_AWS_66"] },
  fix: "Set retention_in_days from the environment's logRetentionDays; create the function's log group before the function and point logging_config.log_group at it (modules/app-function.ts does).",
  check: ({ stack, workspace }) => {
    const groups = stack.resourcesOfType("aws_cloudwatch_log_group");
    const functions = stack.resourcesOfType("aws_lambda_function");
    const items: ({ group: TfResource } | { fn: TfResource })[] = [...groups.map((group) => ({ group })), ...functions.map((fn) => ({ fn }))];
    return checkEach(items, "no log groups or Lambda functions in this stack", (item): Finding | undefined => {
      if ("group" in item) {
        const days = asNumber(item.group.config.retention_in_days);
        return days > 0
          ? undefined
          : { resource: item.group.address, message: `log group ${show(item.group.config.name)} has retention_in_days ${show(item.group.config.retention_in_days)}, so its logs are kept (and billed) forever` };
      }
      return functionLogGroupProblem(workspace, stack, groups, item.fn);
    });
  },
};

/**
 * How long a protected environment keeps its logs at least: a quarter, long enough to
 * investigate an incident reported weeks later. checkov's CKV_AWS_338 asks for a year, which
 * docs/policy.md waives (cost; raise logRetentionDays where compliance asks for it).
 */
export const PROTECTED_LOG_RETENTION_MINIMUM_DAYS = 90;

export const protectedLogRetention: Rule = {
  id: "LOG-2",
  severity: "error",
  title: `Log groups of protected environments keep logs at least ${PROTECTED_LOG_RETENTION_MINIMUM_DAYS} days`,
  controls: {},
  fix: `Set logRetentionDays to at least ${PROTECTED_LOG_RETENTION_MINIMUM_DAYS} in the protected environment's file.`,
  check: ({ stack, env }) => {
    if (!env?.protected) return notApplicable(env ? `environment ${env.name} is not protected` : "stack belongs to no environment");
    return checkEach(stack.resourcesOfType("aws_cloudwatch_log_group"), "no log groups in this stack", (group) => {
      const days = asNumber(group.config.retention_in_days);
      return days >= PROTECTED_LOG_RETENTION_MINIMUM_DAYS
        ? undefined
        : { resource: group.address, message: `log group ${show(group.config.name)} keeps logs ${show(group.config.retention_in_days)} days in protected environment ${env.name} (at least ${PROTECTED_LOG_RETENTION_MINIMUM_DAYS})` };
    });
  },
};

export const apiAccessLogging: Rule = {
  id: "API-1",
  severity: "error",
  title: "Every API Gateway stage writes access logs",
  controls: { checkov: ["CKV_AWS_76"], securityHub: ["APIGateway.9"] },
  fix: "Set access_log_settings.destination_arn to a log group with retention (LambdaHttpApi does).",
  check: ({ stack }) =>
    checkEach(
      [...stack.resourcesOfType("aws_apigatewayv2_stage"), ...stack.resourcesOfType("aws_api_gateway_stage")],
      "no API Gateway stages in this stack",
      (stage) => {
        const destination = asBlock(stage.config.access_log_settings)?.destination_arn;
        return typeof destination === "string" && destination !== ""
          ? undefined
          : { resource: stage.address, message: `stage ${show(stage.config.name)} has no access_log_settings.destination_arn` };
      },
    ),
};

export const LOG_RULES: readonly Rule[] = [logRetention, protectedLogRetention, apiAccessLogging];

/**
 * A Lambda without a managed log group gets `/aws/lambda/<name>` created by the service on
 * first invocation, with no retention and outside Terraform.
 */
function functionLogGroupProblem(workspace: Workspace, stack: SynthesizedStack, groups: readonly TfResource[], fn: TfResource): Finding | undefined {
  const configured = asBlock(fn.config.logging_config)?.log_group;
  if (configured !== undefined) {
    if (workspace.targets(stack, configured).some((t) => t.resource.type === "aws_cloudwatch_log_group")) return undefined;
    // The same text as a managed group's name: a literal, or the same expression (`${var.x}`), which Terraform evaluates to the same name.
    if (groups.some((g) => g.config.name === configured)) return undefined;
    return { resource: fn.address, message: `logging_config.log_group ${show(configured)} is not a log group managed by this stack, so nothing sets its retention` };
  }
  const name = literalString(fn.config.function_name);
  const managed = groups.some(
    (g) =>
      (name !== undefined && g.config.name === lambdaLogGroupName(name)) ||
      (typeof g.config.name === "string" &&
        g.config.name.startsWith("/aws/lambda/") &&
        referencesIn(g.config.name).some((r) => r.address === fn.address && r.attribute === "function_name")),
  );
  return managed
    ? undefined
    : { resource: fn.address, message: `no log group in this stack for ${name ? lambdaLogGroupName(name) : "the function"}: Lambda would create one itself, without retention` };
}
