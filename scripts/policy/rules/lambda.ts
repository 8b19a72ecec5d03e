/** Lambda: function URL auth, resource policies, reserved concurrency, the `live` alias lifecycle. */
import { LIVE_ALIAS } from "../../../lib/naming";
import { hasWildcard, parseArn, startsWithWildcard } from "../arn";
import { leadingReferences, literalString } from "../expressions";
import { asBlock, asStrings } from "../model";
import { checkEach, notApplicable, show, type Finding, type Rule } from "../rule";

/** The alias attributes release/rollback own; Terraform must not reset them. */
const RELEASE_OWNED_ALIAS_ATTRIBUTES = ["function_version", "routing_config"];

export const lambdaUrlIamAuth: Rule = {
  id: "LAM-1",
  severity: "error",
  title: "Every Lambda function URL requires AWS_IAM auth",
  controls: { checkov: ["CKV_AWS_258"] },
  fix: 'Set authorization_type = "AWS_IAM" and let CloudFront sign requests with an origin access control (SsrFunction does).',
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_lambda_function_url"), "no Lambda function URLs in this stack", (url) =>
      url.config.authorization_type === "AWS_IAM"
        ? undefined
        : { resource: url.address, message: `authorization_type is ${show(url.config.authorization_type)}: anyone on the internet can invoke the function directly` },
    ),
};

export const lambdaPermissionScoped: Rule = {
  id: "LAM-2",
  severity: "error",
  title: "No Lambda permission for principal *, and every permission for an AWS service is limited by a source_arn naming one resource (no wildcard account or resource id)",
  controls: { checkov: ["CKV_AWS_301", "CKV_AWS_364"], securityHub: ["Lambda.1"] },
  fix: "Name the exact principal (e.g. cloudfront.amazonaws.com) and set source_arn to the one distribution or API allowed to invoke: a reference to it (${aws_cloudfront_distribution.X.arn}, ${aws_apigatewayv2_api.X.execution_arn}/*/*/api/*) or its full ARN.",
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_lambda_permission"), "no Lambda permissions in this stack", (permission): Finding | undefined => {
      const principal = permission.config.principal;
      if (principal === "*") {
        return { resource: permission.address, message: `principal "*" lets anyone ${show(permission.config.action)} the function` };
      }
      const service = literalString(principal)?.endsWith(".amazonaws.com") ?? false;
      const sourceArn = permission.config.source_arn;
      if (service && (sourceArn === undefined || sourceArn === "")) {
        return { resource: permission.address, message: `service principal ${show(principal)} has no source_arn, so any ${principal} resource in any account could invoke` };
      }
      const problem = typeof sourceArn === "string" && sourceArn !== "" ? sourceArnProblem(sourceArn) : undefined;
      return problem === undefined ? undefined : { resource: permission.address, message: `source_arn ${show(sourceArn)} ${problem}` };
    }),
};

/** Services whose ARNs start the resource part with the resource's own id (no `<type>/`). */
const UNTYPED_ARN_SERVICES = ["execute-api", "s3", "sns", "sqs"];

/**
 * Why a source ARN admits more than one resource, if it does. A reference to a resource,
 * alone or followed by a path, names that resource; a literal ARN must name its account
 * and resource id without wildcards (the path after the id may have them: stage, method).
 */
function sourceArnProblem(sourceArn: string): string | undefined {
  if (leadingReferences(sourceArn).length > 0) return undefined;
  if (startsWithWildcard(sourceArn)) return "matches every resource of every account";
  const arn = parseArn(sourceArn);
  if (!arn) return "is neither an ARN nor a reference to the invoking resource";
  if (hasWildcard(arn.service)) return `has a wildcard in the service (${arn.service}), so resources of other services could invoke`;
  if (hasWildcard(arn.account)) return `has a wildcard in the account (${arn.account}), so resources in any account could invoke`;
  // `distribution/E123`, `rule/name`, `log-group:/aws/…`: the id follows the resource type.
  const id = UNTYPED_ARN_SERVICES.includes(arn.service) ? arn.resource : arn.resource.replace(/^[^/:]*[/:]/, "");
  if (id === "" || startsWithWildcard(arn.resource) || startsWithWildcard(id)) {
    return `has a wildcard for the resource id (${arn.resource}), so any such resource in the account could invoke`;
  }
  return undefined;
}

export const lambdaReservedConcurrency: Rule = {
  id: "LAM-3",
  severity: "error",
  title: "Lambdas of protected environments have reserved concurrency",
  controls: { checkov: ["CKV_AWS_115"] },
  fix: "Set ssr.reservedConcurrency in the environment file (the schema already requires it when protected: true).",
  check: ({ stack, env }) => {
    if (!env?.protected) return notApplicable(env ? `environment ${env.name} is not protected` : "stack belongs to no environment");
    return checkEach(stack.resourcesOfType("aws_lambda_function"), "no Lambda functions in this stack", (fn) => {
      const reserved = fn.config.reserved_concurrent_executions;
      return typeof reserved === "number" && reserved >= 1
        ? undefined
        : {
            resource: fn.address,
            message: `reserved_concurrent_executions is ${show(reserved)} in protected environment ${env.name}${reserved === 0 ? " (0 throttles every request)" : ": a traffic spike elsewhere in the account can starve it"}`,
          };
    });
  },
};

export const lambdaLiveAliasIgnoresRelease: Rule = {
  id: "LAM-4",
  severity: "error",
  title: `The "${LIVE_ALIAS}" alias ignores function_version and routing_config (release/rollback own them)`,
  controls: {},
  fix: 'Keep lifecycle.ignore_changes = ["function_version", "routing_config"] on the alias (SsrFunction sets it); otherwise every deploy silently undoes a release or rollback.',
  check: ({ stack }) => {
    const aliases = stack.resourcesOfType("aws_lambda_alias").filter((a) => a.config.name === LIVE_ALIAS);
    return checkEach(aliases, `no "${LIVE_ALIAS}" alias in this stack`, (alias) => {
      const ignored = asBlock(alias.config.lifecycle)?.ignore_changes;
      if (ignored === "all" || asStrings(ignored).includes("all")) return undefined;
      const missing = RELEASE_OWNED_ALIAS_ATTRIBUTES.filter((attribute) => !asStrings(ignored).includes(attribute));
      return missing.length === 0
        ? undefined
        : { resource: alias.address, message: `lifecycle.ignore_changes does not list ${missing.join(", ")} (got ${show(ignored)}), so terraform apply would move the alias back` };
    });
  },
};

export const LAMBDA_RULES: readonly Rule[] = [lambdaUrlIamAuth, lambdaPermissionScoped, lambdaReservedConcurrency, lambdaLiveAliasIgnoresRelease];
