/** Lambda: function URL auth and CORS, resource policies, reserved concurrency, the `live` alias lifecycle, runtime, tracing. */
import { isDeprecated, lambdaRuntime, LAMBDA_RUNTIMES_SOURCE, replacementFor } from "../../../lib/lambda-runtimes";
import { LIVE_ALIAS } from "../../../lib/naming";
import { hasWildcard, parseArn, startsWithWildcard } from "../arn";
import { leadingReferences, literalString } from "../expressions";
import { asBlock, asNumber, asStrings, dig } from "../model";
import { checkEach, notApplicable, show, type Finding, type Rule } from "../rule";

/** The alias attributes release/rollback own; Terraform must not reset them. */
const RELEASE_OWNED_ALIAS_ATTRIBUTES = ["function_version", "routing_config"];

export const lambdaUrlIamAuth: Rule = {
  id: "LAM-1",
  severity: "error",
  title: "Every Lambda function URL requires AWS_IAM auth, and its CORS never allows any origin with any method",
  controls: { checkov: ["CKV_AWS_258", "CKV2_AWS_75"] },
  fix: 'Set authorization_type = "AWS_IAM" and let CloudFront sign requests with an origin access control (modules/app-function.ts does); name the allowed origins and methods in cors (or leave CORS to the app behind CloudFront).',
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_lambda_function_url"), "no Lambda function URLs in this stack", (url): Finding[] => {
      const findings: Finding[] = [];
      if (url.config.authorization_type !== "AWS_IAM") {
        findings.push({ resource: url.address, message: `authorization_type is ${show(url.config.authorization_type)}: anyone on the internet can invoke the function directly` });
      }
      const cors = asBlock(url.config.cors);
      if (cors && asStrings(cors.allow_origins).includes("*") && asStrings(cors.allow_methods).includes("*")) {
        findings.push({ resource: url.address, message: 'cors allows origin "*" with method "*": any web page can call every method of the function from a visitor\'s browser' });
      }
      return findings;
    }),
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
      const reserved = asNumber(fn.config.reserved_concurrent_executions);
      return reserved >= 1
        ? undefined
        : {
            resource: fn.address,
            message: `reserved_concurrent_executions is ${show(fn.config.reserved_concurrent_executions)} in protected environment ${env.name}${reserved === 0 ? " (0 throttles every request)" : ": a traffic spike elsewhere in the account can starve it"}`,
          };
    });
  },
};

export const lambdaLiveAliasIgnoresRelease: Rule = {
  id: "LAM-4",
  severity: "error",
  title: `The "${LIVE_ALIAS}" alias ignores function_version and routing_config (release/rollback own them)`,
  controls: {},
  fix: 'Keep lifecycle.ignore_changes = ["function_version", "routing_config"] on the alias (modules/app-function.ts sets it); otherwise every deploy silently undoes a release or rollback.',
  check: ({ stack }) => {
    const aliases = stack.resourcesOfType("aws_lambda_alias").filter((a) => a.config.name === LIVE_ALIAS);
    return checkEach(aliases, `no "${LIVE_ALIAS}" alias in this stack`, (alias) => {
      const ignored = asBlock(alias.config.lifecycle)?.ignore_changes;
      // `ignore_changes = all` is the string "all" in Terraform JSON; asStrings reads it as ["all"].
      if (asStrings(ignored).includes("all")) return undefined;
      const missing = RELEASE_OWNED_ALIAS_ATTRIBUTES.filter((attribute) => !asStrings(ignored).includes(attribute));
      return missing.length === 0
        ? undefined
        : { resource: alias.address, message: `lifecycle.ignore_changes does not list ${missing.join(", ")} (got ${show(ignored)}), so terraform apply would move the alias back` };
    });
  },
};

export const lambdaRuntimeSupported: Rule = {
  id: "LAM-5",
  severity: "error",
  title: "Every function runs on a runtime AWS has not deprecated (our dated table in lib/lambda-runtimes.ts)",
  controls: { checkov: ["CKV_AWS_363"] },
  fix: `Move the environment to a supported runtime (ssr.runtime in the environment file); the dates come from lib/lambda-runtimes.ts (source: ${LAMBDA_RUNTIMES_SOURCE}).`,
  check: ({ stack, now }) => {
    // Container images bring their own runtime; only zip functions name one.
    const zipFunctions = stack.resourcesOfType("aws_lambda_function").filter((fn) => fn.config.package_type !== "Image");
    return checkEach(zipFunctions, "no zip-packaged Lambda functions in this stack", (fn): Finding | undefined => {
      const id = literalString(fn.config.runtime);
      if (id === undefined) return { resource: fn.address, message: `runtime ${show(fn.config.runtime)} is not a literal, so its support cannot be checked` };
      const runtime = lambdaRuntime(id);
      if (!runtime) {
        return {
          resource: fn.address,
          message: `runtime ${show(id)} is not in lib/lambda-runtimes.ts, so nobody has checked when AWS deprecates it`,
          fix: `Use a runtime from lib/lambda-runtimes.ts, or add ${id} there with its dates from ${LAMBDA_RUNTIMES_SOURCE}.`,
        };
      }
      if (!isDeprecated(runtime, now)) return undefined;
      const replacement = replacementFor(runtime, now);
      return {
        resource: fn.address,
        message: `runtime ${id} was deprecated on ${runtime.deprecation} (new functions blocked from ${runtime.blockCreate}, updates from ${runtime.blockUpdate})`,
        fix: `Set ssr.runtime to ${replacement ? `"${replacement.id}"` : "a supported runtime"} in the environment file (dates: lib/lambda-runtimes.ts, from ${LAMBDA_RUNTIMES_SOURCE}).`,
      };
    });
  },
};

/** Tracing modes Lambda accepts; either one states the choice (PassThrough costs nothing). */
const TRACING_MODES = ["PassThrough", "Active"];

export const lambdaTracingConfigured: Rule = {
  id: "LAM-6",
  severity: "error",
  title: "Every function states its X-Ray tracing mode (PassThrough, free, or Active)",
  controls: { checkov: ["CKV_AWS_50"] },
  fix: 'Set tracing_config.mode = "PassThrough" (modules/app-function.ts does: it forwards a trace header without sampling costs) or "Active" to sample traces.',
  check: ({ stack }) =>
    checkEach(stack.resourcesOfType("aws_lambda_function"), "no Lambda functions in this stack", (fn) => {
      const mode = dig(fn.config, "tracing_config", "mode");
      return TRACING_MODES.includes(String(mode))
        ? undefined
        : { resource: fn.address, message: `tracing_config.mode is ${show(mode)} (expected ${TRACING_MODES.join(" or ")})` };
    }),
};

export const LAMBDA_RULES: readonly Rule[] = [
  lambdaUrlIamAuth,
  lambdaPermissionScoped,
  lambdaReservedConcurrency,
  lambdaLiveAliasIgnoresRelease,
  lambdaRuntimeSupported,
  lambdaTracingConfigured,
];
