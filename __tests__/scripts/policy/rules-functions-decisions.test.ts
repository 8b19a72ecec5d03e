/**
 * The function rules' decisions (scripts/policy/rules/lambda.ts LAM-1…6, logs.ts LOG-1, LOG-2,
 * API-1, tags.ts TAG-1), one at a time, on hand-written Terraform JSON: each test runs one
 * rule's check over a stack of a few resources, without synthesizing anything.
 * rules-app.test.ts and rules-platform.test.ts run the same rules over stacks the real
 * constructs synthesize.
 */
import type { EnvironmentConfig } from "../../../environments/schema";
import { SynthesizedStack } from "../../../scripts/policy/model";
import type { Rule, RuleOutcome } from "../../../scripts/policy/rule";
import {
  lambdaLiveAliasIgnoresRelease,
  lambdaPermissionScoped,
  lambdaReservedConcurrency,
  lambdaRuntimeSupported,
  lambdaTracingConfigured,
  lambdaUrlIamAuth,
} from "../../../scripts/policy/rules/lambda";
import { apiAccessLogging, logRetention, protectedLogRetention } from "../../../scripts/policy/rules/logs";
import { standardTagsPresent } from "../../../scripts/policy/rules/tags";
import { Workspace } from "../../../scripts/policy/workspace";

/** The fields of an environment these rules read. */
const PROD = { name: "prod", protected: true, project: "acme-web", tags: {} } as unknown as EnvironmentConfig;
const DEV = { name: "dev", protected: false, project: "acme-web", tags: {} } as unknown as EnvironmentConfig;

/** What a rule decides about a stack `test` of this Terraform JSON (`{ resource, provider }`), on this day. */
function outcomeOf(rule: Rule, json: object, env?: EnvironmentConfig, now = new Date("2025-06-01T00:00:00Z")): RuleOutcome {
  const stack = new SynthesizedStack("test", "cdk.tf.json", "cdktf.out", json);
  return rule.check({ stack, workspace: new Workspace([stack]), env, environments: env ? [env] : [], environmentOf: () => env, now });
}

/** What a rule decides about a stack of these resources. */
const outcome = (rule: Rule, resource: object, env?: EnvironmentConfig): RuleOutcome => outcomeOf(rule, { resource }, env);

/** The findings as `[resource, message]` pairs; a rule that did not check anything is a test error. */
function findingsOf(rule: Rule, json: object, env?: EnvironmentConfig, now?: Date): [string, string][] {
  const result = outcomeOf(rule, json, env, now);
  if (result.kind !== "checked") throw new Error(`${rule.id} did not check the stack: ${result.kind} (${result.reason})`);
  return result.findings.map((f) => [f.resource, f.message]);
}

const findings = (rule: Rule, resource: object, env?: EnvironmentConfig): [string, string][] => findingsOf(rule, { resource }, env);

/** A Lambda permission `aws_lambda_permission.P` with these arguments. */
const permission = (config: object) => ({ aws_lambda_permission: { P: { action: "lambda:InvokeFunction", function_name: "web", ...config } } });
const PERMISSION = "aws_lambda_permission.P";

/** The message LAM-2 gives for a source ARN of a service principal, or [] when it passes. */
const sourceArnFindings = (sourceArn: string) => findings(lambdaPermissionScoped, permission({ principal: "cloudfront.amazonaws.com", source_arn: sourceArn }));

/** A function `aws_lambda_function.F` with these arguments. */
const fn = (config: object) => ({ aws_lambda_function: { F: { function_name: "web", ...config } } });
const FN = "aws_lambda_function.F";

describe("LAM-1 function URLs", () => {
  it("does not apply to a stack without function URLs, and says so", () => {
    expect(outcome(lambdaUrlIamAuth, fn({}))).toEqual({ kind: "not-applicable", reason: "no Lambda function URLs in this stack" });
  });
});

describe("LAM-2 Lambda permissions", () => {
  it("does not apply to a stack without permissions, and says so", () => {
    expect(outcome(lambdaPermissionScoped, fn({}))).toEqual({ kind: "not-applicable", reason: "no Lambda permissions in this stack" });
  });

  it("flags a service principal without source_arn", () => {
    expect(findings(lambdaPermissionScoped, permission({ principal: "s3.amazonaws.com" }))).toEqual([
      [PERMISSION, 'service principal "s3.amazonaws.com" has no source_arn, so any s3.amazonaws.com resource in any account could invoke'],
    ]);
  });

  it("flags a service principal whose source_arn is empty", () => {
    expect(findings(lambdaPermissionScoped, permission({ principal: "s3.amazonaws.com", source_arn: "" }))).toEqual([
      [PERMISSION, 'service principal "s3.amazonaws.com" has no source_arn, so any s3.amazonaws.com resource in any account could invoke'],
    ]);
  });

  it("does not ask an account principal for a source_arn", () => {
    expect(findings(lambdaPermissionScoped, permission({ principal: "111111111111" }))).toEqual([]);
  });

  it("does not judge an empty source_arn of an account principal as an ARN", () => {
    expect(findings(lambdaPermissionScoped, permission({ principal: "111111111111", source_arn: "" }))).toEqual([]);
  });

  it("does not take a principal given as a reference for a service principal", () => {
    expect(findings(lambdaPermissionScoped, permission({ principal: "${aws_iam_role.Caller.arn}" }))).toEqual([]);
  });

  it("flags a source_arn with a wildcard in the service", () => {
    expect(sourceArnFindings("arn:aws:*:us-east-1:111111111111:distribution/E123")).toEqual([
      [PERMISSION, 'source_arn "arn:aws:*:us-east-1:111111111111:distribution/E123" has a wildcard in the service (*), so resources of other services could invoke'],
    ]);
  });

  it("flags a source_arn that names a resource type but no id", () => {
    expect(sourceArnFindings("arn:aws:cloudfront::111111111111:distribution/")).toEqual([
      [PERMISSION, 'source_arn "arn:aws:cloudfront::111111111111:distribution/" has a wildcard for the resource id (distribution/), so any such resource in the account could invoke'],
    ]);
  });

  it("flags a source_arn whose resource type is a wildcard, though an id follows", () => {
    expect(sourceArnFindings("arn:aws:cloudfront::111111111111:*/E123")).toEqual([
      [PERMISSION, 'source_arn "arn:aws:cloudfront::111111111111:*/E123" has a wildcard for the resource id (*/E123), so any such resource in the account could invoke'],
    ]);
  });

  it("passes a source_arn naming one distribution", () => {
    expect(sourceArnFindings("arn:aws:cloudfront::111111111111:distribution/E123")).toEqual([]);
  });
});

describe("LAM-3 reserved concurrency", () => {
  it("does not apply to an unprotected environment, and names it", () => {
    expect(outcome(lambdaReservedConcurrency, fn({}), DEV)).toEqual({ kind: "not-applicable", reason: "environment dev is not protected" });
  });

  it("does not apply to a stack of no environment, and says so", () => {
    expect(outcome(lambdaReservedConcurrency, fn({}))).toEqual({ kind: "not-applicable", reason: "stack belongs to no environment" });
  });

  it("does not apply to a protected stack without functions, and says so", () => {
    expect(outcome(lambdaReservedConcurrency, {}, PROD)).toEqual({ kind: "not-applicable", reason: "no Lambda functions in this stack" });
  });

  it("passes a reserved concurrency of 1", () => {
    expect(findings(lambdaReservedConcurrency, fn({ reserved_concurrent_executions: 1 }), PROD)).toEqual([]);
  });

  it('reads a reserved concurrency written as "1" as Terraform does: 1, which passes', () => {
    expect(findings(lambdaReservedConcurrency, fn({ reserved_concurrent_executions: "1" }), PROD)).toEqual([]);
  });

  it('flags a reserved concurrency written as "0", which throttles every request', () => {
    expect(findings(lambdaReservedConcurrency, fn({ reserved_concurrent_executions: "0" }), PROD)).toEqual([
      [FN, 'reserved_concurrent_executions is "0" in protected environment prod (0 throttles every request)'],
    ]);
  });

  it("flags a reserved concurrency of 0, which throttles every request", () => {
    expect(findings(lambdaReservedConcurrency, fn({ reserved_concurrent_executions: 0 }), PROD)).toEqual([
      [FN, "reserved_concurrent_executions is 0 in protected environment prod (0 throttles every request)"],
    ]);
  });

  it("flags a function without reserved concurrency, which a spike elsewhere can starve", () => {
    expect(findings(lambdaReservedConcurrency, fn({}), PROD)).toEqual([
      [FN, "reserved_concurrent_executions is unset in protected environment prod: a traffic spike elsewhere in the account can starve it"],
    ]);
  });

  it("flags a reserved concurrency that is not a number", () => {
    expect(findings(lambdaReservedConcurrency, fn({ reserved_concurrent_executions: [5] }), PROD)).toEqual([
      [FN, "reserved_concurrent_executions is [5] in protected environment prod: a traffic spike elsewhere in the account can starve it"],
    ]);
  });
});

describe("LAM-4 the live alias", () => {
  /** An alias `aws_lambda_alias.A` of this name and lifecycle. */
  const alias = (name: string, lifecycle?: object) => ({ aws_lambda_alias: { A: { name, function_name: "web", function_version: "1", ...(lifecycle ? { lifecycle } : {}) } } });

  it("does not apply to a stack whose only alias is not live, and says so", () => {
    expect(outcome(lambdaLiveAliasIgnoresRelease, alias("staging"))).toEqual({ kind: "not-applicable", reason: 'no "live" alias in this stack' });
  });

  it("flags a live alias without lifecycle, naming both attributes", () => {
    expect(findings(lambdaLiveAliasIgnoresRelease, alias("live"))).toEqual([
      ["aws_lambda_alias.A", "lifecycle.ignore_changes does not list function_version, routing_config (got unset), so terraform apply would move the alias back"],
    ]);
  });

  it('passes a live alias that ignores all changes (ignore_changes "all")', () => {
    expect(findings(lambdaLiveAliasIgnoresRelease, alias("live", { ignore_changes: "all" }))).toEqual([]);
  });

  it('passes a live alias whose ignore_changes list holds "all"', () => {
    expect(findings(lambdaLiveAliasIgnoresRelease, alias("live", { ignore_changes: ["all"] }))).toEqual([]);
  });
});

describe("LAM-5 runtimes", () => {
  it("does not judge a container-image function, which names no runtime", () => {
    expect(outcome(lambdaRuntimeSupported, fn({ package_type: "Image", image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/web:1" }))).toEqual({
      kind: "not-applicable",
      reason: "no zip-packaged Lambda functions in this stack",
    });
  });

  it("flags a runtime that is an expression, since its support cannot be checked", () => {
    expect(findings(lambdaRuntimeSupported, fn({ runtime: "${var.runtime}" }))).toEqual([[FN, 'runtime "${var.runtime}" is not a literal, so its support cannot be checked']]);
  });

  it("says how to add a runtime missing from lib/lambda-runtimes.ts", () => {
    const result = outcome(lambdaRuntimeSupported, fn({ runtime: "python3.9" }));
    expect(result.kind === "checked" && result.findings[0]?.fix).toBe(
      "Use a runtime from lib/lambda-runtimes.ts, or add python3.9 there with its dates from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html.",
    );
  });

  it("asks for a supported runtime when every runtime of the family is deprecated", () => {
    const result = outcomeOf(lambdaRuntimeSupported, { resource: fn({ runtime: "nodejs22.x" }) }, undefined, new Date("2030-01-01T00:00:00Z"));
    expect(result.kind === "checked" && result.findings[0]?.fix).toBe(
      "Set ssr.runtime to a supported runtime in the environment file (dates: lib/lambda-runtimes.ts, from https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).",
    );
  });
});

describe("LAM-6 tracing", () => {
  it("does not apply to a stack without functions, and says so", () => {
    expect(outcome(lambdaTracingConfigured, {})).toEqual({ kind: "not-applicable", reason: "no Lambda functions in this stack" });
  });
});

describe("LOG-1 log group retention", () => {
  /** A log group `aws_cloudwatch_log_group.G` with this retention. */
  const group = (retention: unknown) => ({ aws_cloudwatch_log_group: { G: { name: "/app/web", retention_in_days: retention } } });

  it("does not apply to a stack without log groups or functions, and says so", () => {
    expect(outcome(logRetention, {})).toEqual({ kind: "not-applicable", reason: "no log groups or Lambda functions in this stack" });
  });

  it("passes a retention of one day", () => {
    expect(findings(logRetention, group(1))).toEqual([]);
  });

  it("flags a log group whose retention is 0, which keeps logs forever", () => {
    expect(findings(logRetention, group(0))).toEqual([
      ["aws_cloudwatch_log_group.G", 'log group "/app/web" has retention_in_days 0, so its logs are kept (and billed) forever'],
    ]);
  });

  it('reads a retention written as "1" as Terraform does: one day, which passes', () => {
    expect(findings(logRetention, group("1"))).toEqual([]);
  });

  it('flags a retention written as "0"', () => {
    expect(findings(logRetention, group("0"))).toEqual([
      ["aws_cloudwatch_log_group.G", 'log group "/app/web" has retention_in_days "0", so its logs are kept (and billed) forever'],
    ]);
  });

  it("flags a retention that is not a number", () => {
    expect(findings(logRetention, group([30]))).toEqual([
      ["aws_cloudwatch_log_group.G", 'log group "/app/web" has retention_in_days [30], so its logs are kept (and billed) forever'],
    ]);
  });
});

describe("LOG-1 a function's log group", () => {
  /** Log groups `aws_cloudwatch_log_group.<key>` of these names, with a retention. */
  const groups = (names: Record<string, string | undefined>) => ({
    aws_cloudwatch_log_group: Object.fromEntries(Object.entries(names).map(([key, name]) => [key, { ...(name === undefined ? {} : { name }), retention_in_days: 7 }])),
  });
  const logging = (logGroup: string) => ({ logging_config: { log_format: "JSON", log_group: logGroup } });

  it("passes a function that logs to a managed group by reference, whatever the group's name", () => {
    expect(findings(logRetention, { ...fn(logging("${aws_cloudwatch_log_group.G.name}")), ...groups({ G: "/app/web" }) })).toEqual([]);
  });

  it("flags a function whose log_group references something that is not a log group", () => {
    const resource = { ...fn(logging("${aws_s3_bucket.B.bucket}")), ...groups({ G: "/app/web" }), aws_s3_bucket: { B: { bucket: "b" } } };
    expect(findings(logRetention, resource)).toEqual([
      [FN, 'logging_config.log_group "${aws_s3_bucket.B.bucket}" is not a log group managed by this stack, so nothing sets its retention'],
    ]);
  });

  it("passes a function whose log_group is the literal name of a managed group", () => {
    expect(findings(logRetention, { ...fn(logging("/app/web")), ...groups({ Other: "/app/other", G: "/app/web" }) })).toEqual([]);
  });

  it("passes a function whose log_group is the same expression as a managed group's name", () => {
    expect(findings(logRetention, { ...fn(logging("${var.log_group}")), ...groups({ G: "${var.log_group}" }) })).toEqual([]);
  });

  it("flags a function whose log_group names a group this stack does not manage", () => {
    expect(findings(logRetention, { ...fn(logging("/app/elsewhere")), ...groups({ G: "/app/web" }) })).toEqual([
      [FN, 'logging_config.log_group "/app/elsewhere" is not a log group managed by this stack, so nothing sets its retention'],
    ]);
  });

  it("passes a function whose default log group /aws/lambda/<name> the stack manages", () => {
    expect(findings(logRetention, { ...fn({}), ...groups({ G: "/aws/lambda/web" }) })).toEqual([]);
  });

  it("flags a function when the stack manages only another function's default log group", () => {
    expect(findings(logRetention, { ...fn({}), ...groups({ G: "/aws/lambda/other" }) })).toEqual([
      [FN, "no log group in this stack for /aws/lambda/web: Lambda would create one itself, without retention"],
    ]);
  });

  it("flags a function beside a log group without a name", () => {
    expect(findings(logRetention, { ...fn({}), ...groups({ G: undefined }) })).toEqual([
      [FN, "no log group in this stack for /aws/lambda/web: Lambda would create one itself, without retention"],
    ]);
  });

  it("passes a default log group named after the function's function_name by reference", () => {
    const resource = { ...fn({ function_name: "${var.name}" }), ...groups({ G: "/aws/lambda/${aws_lambda_function.F.function_name}" }) };
    expect(findings(logRetention, resource)).toEqual([]);
  });

  it("flags a function whose name is an expression when no group refers to it", () => {
    expect(findings(logRetention, { ...fn({ function_name: "${var.name}" }), ...groups({ G: "/aws/lambda/web" }) })).toEqual([
      [FN, "no log group in this stack for the function: Lambda would create one itself, without retention"],
    ]);
  });

  it('does not take a group named "/aws/lambda/undefined" for a function whose name is an expression', () => {
    expect(findings(logRetention, { ...fn({ function_name: "${var.name}" }), ...groups({ G: "/aws/lambda/undefined" }) })).toEqual([
      [FN, "no log group in this stack for the function: Lambda would create one itself, without retention"],
    ]);
  });

  it("flags a function whose name a group outside /aws/lambda/ refers to", () => {
    const resource = { ...fn({ function_name: "${var.name}" }), ...groups({ G: "/app/${aws_lambda_function.F.function_name}" }) };
    expect(findings(logRetention, resource)).toEqual([[FN, "no log group in this stack for the function: Lambda would create one itself, without retention"]]);
  });

  it("flags a function when the default-named group refers to another function", () => {
    const resource = {
      aws_lambda_function: { F: { function_name: "${var.name}" }, Other: { function_name: "${var.other}" } },
      ...groups({ G: "/aws/lambda/${aws_lambda_function.Other.function_name}" }),
    };
    expect(findings(logRetention, resource)).toEqual([[FN, "no log group in this stack for the function: Lambda would create one itself, without retention"]]);
  });

  it("flags a function when the default-named group refers to another of its attributes", () => {
    const resource = { ...fn({ function_name: "${var.name}" }), ...groups({ G: "/aws/lambda/${aws_lambda_function.F.arn}" }) };
    expect(findings(logRetention, resource)).toEqual([[FN, "no log group in this stack for the function: Lambda would create one itself, without retention"]]);
  });
});

describe("LOG-2 retention in protected environments", () => {
  const group = (retention: unknown) => ({ aws_cloudwatch_log_group: { G: { name: "/app/web", retention_in_days: retention } } });

  it("does not apply to an unprotected environment, and names it", () => {
    expect(outcome(protectedLogRetention, group(1), DEV)).toEqual({ kind: "not-applicable", reason: "environment dev is not protected" });
  });

  it("does not apply to a stack of no environment, and says so", () => {
    expect(outcome(protectedLogRetention, group(1))).toEqual({ kind: "not-applicable", reason: "stack belongs to no environment" });
  });

  it("does not apply to a protected stack without log groups, and says so", () => {
    expect(outcome(protectedLogRetention, fn({}), PROD)).toEqual({ kind: "not-applicable", reason: "no log groups in this stack" });
  });

  it('judges a retention written as a numeric string by its number: "90" passes, "30" does not', () => {
    expect(findings(protectedLogRetention, group("90"), PROD)).toEqual([]);
    expect(findings(protectedLogRetention, group("30"), PROD)).toEqual([
      ["aws_cloudwatch_log_group.G", 'log group "/app/web" keeps logs "30" days in protected environment prod (at least 90)'],
    ]);
  });

  it("flags a retention that is not a number, however large", () => {
    expect(findings(protectedLogRetention, group([365]), PROD)).toEqual([
      ["aws_cloudwatch_log_group.G", 'log group "/app/web" keeps logs [365] days in protected environment prod (at least 90)'],
    ]);
  });
});

describe("API-1 access logs", () => {
  it("does not apply to a stack without stages, and says so", () => {
    expect(outcome(apiAccessLogging, fn({}))).toEqual({ kind: "not-applicable", reason: "no API Gateway stages in this stack" });
  });

  it("flags a REST API stage without access logs", () => {
    expect(findings(apiAccessLogging, { aws_api_gateway_stage: { S: { stage_name: "prod", name: "prod" } } })).toEqual([
      ["aws_api_gateway_stage.S", 'stage "prod" has no access_log_settings.destination_arn'],
    ]);
  });

  it("flags a stage whose access log destination is empty", () => {
    expect(findings(apiAccessLogging, { aws_apigatewayv2_stage: { S: { name: "$default", access_log_settings: { destination_arn: "", format: "{}" } } } })).toEqual([
      ["aws_apigatewayv2_stage.S", 'stage "$default" has no access_log_settings.destination_arn'],
    ]);
  });
});

describe("TAG-1 standard tags", () => {
  const DEFAULT_TAGS = { Project: "acme-web", Environment: "dev", ManagedBy: "cdktf" };
  /** An aws provider with these default tags. */
  const awsProvider = (tags: object = DEFAULT_TAGS) => ({ aws: [{ region: "eu-west-1", default_tags: [{ tags }] }] });
  /** A bucket `aws_s3_bucket.B` with these tags. */
  const bucket = (tags?: object) => ({ aws_s3_bucket: { B: { bucket: "b", ...(tags ? { tags } : {}) } } });
  const tagFindings = (json: object, env?: EnvironmentConfig) => findingsOf(standardTagsPresent, json, env);

  it("does not apply to a stack of no AWS resources, and says so", () => {
    expect(outcomeOf(standardTagsPresent, { resource: { random_pet: { P: {} } }, provider: awsProvider() })).toEqual({
      kind: "not-applicable",
      reason: "no AWS resources in this stack",
    });
  });

  it("flags AWS resources with only another provider configured", () => {
    expect(tagFindings({ resource: bucket(), provider: { random: [{}] } })).toEqual([
      ["provider.aws", "the stack has AWS resources but configures no aws provider, so nothing adds the standard tags"],
    ]);
  });

  it("counts each aws provider and each AWS resource it checked", () => {
    const result = outcomeOf(standardTagsPresent, { resource: { ...bucket(), aws_sns_topic: { T: { name: "t" } } }, provider: awsProvider() });
    expect(result.kind === "checked" && result.checked).toBe(3);
  });

  it("flags a default tag that is only blanks", () => {
    expect(tagFindings({ resource: bucket(), provider: awsProvider({ ...DEFAULT_TAGS, Project: "  " }) })).toEqual([["provider.aws", 'default_tags has Project = "  "']]);
  });

  it("flags a default tag that is not a string, showing its value", () => {
    expect(tagFindings({ resource: bucket(), provider: awsProvider({ ...DEFAULT_TAGS, Project: 5 }) })).toEqual([["provider.aws", "default_tags has Project = 5"]]);
  });

  it("flags a missing default tag as missing", () => {
    expect(tagFindings({ resource: bucket(), provider: awsProvider({ Environment: "dev", ManagedBy: "cdktf" }) })).toEqual([["provider.aws", "default_tags has Project missing"]]);
  });

  it("names the environment whose value a default tag should have", () => {
    expect(tagFindings({ resource: bucket(), provider: awsProvider({ ...DEFAULT_TAGS, Environment: "prod" }) }, DEV)).toEqual([
      ["provider.aws", 'default_tags has Environment = "prod" (expected "dev" for environment dev)'],
    ]);
  });

  it("does not compare default tags with an environment's values in a stack of no environment", () => {
    expect(tagFindings({ resource: bucket(), provider: awsProvider({ ...DEFAULT_TAGS, Environment: "prod" }) })).toEqual([]);
  });

  it("passes a resource that sets other tags only", () => {
    expect(tagFindings({ resource: bucket({ Name: "assets" }), provider: awsProvider() })).toEqual([]);
  });

  it("passes a resource that repeats a default tag with its value", () => {
    expect(tagFindings({ resource: bucket({ Project: "acme-web" }), provider: awsProvider() })).toEqual([]);
  });

  it("passes a resource tag that is an expression, which it cannot judge", () => {
    expect(tagFindings({ resource: bucket({ Project: "${var.project}" }), provider: awsProvider() })).toEqual([]);
  });

  it("flags a resource tag that overrides a default with another value", () => {
    expect(tagFindings({ resource: bucket({ Project: "other" }), provider: awsProvider() })).toEqual([["aws_s3_bucket.B", 'tags.Project = "other" overrides the provider\'s default "acme-web"']]);
  });

  it("flags a resource tag that overrides a default with an empty value", () => {
    expect(tagFindings({ resource: bucket({ Project: "" }), provider: awsProvider() })).toEqual([["aws_s3_bucket.B", 'tags.Project = "" overrides the provider\'s default "acme-web"']]);
  });

  it("flags a resource tag that is a number different from the default", () => {
    expect(tagFindings({ resource: bucket({ Project: 5 }), provider: awsProvider() })).toEqual([["aws_s3_bucket.B", "tags.Project = 5 overrides the provider's default \"acme-web\""]]);
  });

  it("passes a resource tag set to null: the provider ignores it and the default applies", () => {
    expect(tagFindings({ resource: bucket({ Project: null }), provider: awsProvider() })).toEqual([]);
  });

  it("passes a resource tag that is a number Terraform turns into the default's text", () => {
    expect(tagFindings({ resource: bucket({ Project: 5 }), provider: awsProvider({ ...DEFAULT_TAGS, Project: "5" }) })).toEqual([]);
  });
});
