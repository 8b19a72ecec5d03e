/**
 * What AWS accepts for the names and values an environment sets or makes, one function per
 * rule family, each citing its source. The schema applies them next to the fields they
 * constrain; each returns the problems it finds as short phrases (empty when none).
 */

/**
 * S3 general purpose bucket names.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function s3BucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`must be 3 to 63 characters long (is ${name.length})`);
  if (!/^[a-z0-9.-]*$/.test(name)) problems.push("may only contain lower-case letters, digits, dots and hyphens");
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push("must begin and end with a letter or digit");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push("must not be formatted as an IP address");
  else if (name.includes(".")) {
    // Allowed by S3, but a dotted name breaks virtual-hosted-style HTTPS (the wildcard
    // certificate *.s3.<region>.amazonaws.com covers one label), which the AWS SDK and
    // Terraform's S3 backend use by default; the rules page advises against dots.
    problems.push("must not contain dots (virtual-hosted-style HTTPS, the SDK's and Terraform's default, cannot reach it)");
  }
  for (const prefix of S3_RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) problems.push(`must not start with "${prefix}" (reserved by S3)`);
  }
  for (const suffix of S3_RESERVED_SUFFIXES) {
    if (name.endsWith(suffix)) problems.push(`must not end with "${suffix}" (reserved by S3)`);
  }
  return problems;
}

/** Prefixes S3 reserves (the rules page lists `sthree-configurator` too, which `sthree-` covers). */
const S3_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
/** Suffixes S3 reserves for access point, Object Lambda, Multi-Region, directory and table buckets. */
const S3_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/**
 * DynamoDB table names: 3 to 255 of `a-z A-Z 0-9 _ - .`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
export function dynamoTableNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 255) problems.push(`must be 3 to 255 characters long (is ${name.length})`);
  if (!/^[a-zA-Z0-9_.-]*$/.test(name)) problems.push("may only contain letters, digits, underscores, hyphens and dots");
  return problems;
}

/**
 * DynamoDB key and TTL attribute names: 1 to 255 bytes of UTF-8 (AttributeDefinition,
 * KeySchemaElement and TimeToLiveSpecification in the DynamoDB API reference).
 */
export function dynamoAttributeNameProblems(name: string): string[] {
  const bytes = Buffer.byteLength(name); // UTF-8, byteLength's default
  return bytes < 1 || bytes > 255 ? [`must be 1 to 255 bytes of UTF-8 (is ${bytes})`] : [];
}

/**
 * A Lambda environment variable name: a letter, then at least one letter, digit or
 * underscore (the `Environment.Variables` key pattern `[a-zA-Z]([a-zA-Z0-9_])+`).
 * https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html
 */
export const LAMBDA_VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/**
 * Lambda caps all of a function's environment variables, names and values together, at 4 KB.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

export function lambdaEnvironmentBytes(variables: Readonly<Record<string, string>>): number {
  return Object.entries(variables).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), // UTF-8, byteLength's default
    0,
  );
}

/**
 * Tags, as the AWS tagging guide states them for every service: keys 1 to 128 and values
 * 0 to 256 Unicode characters of letters, digits, spaces and `_ . : / = + - @`; `aws:` in any
 * case is reserved; at most 50 tags per resource.
 * https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html ("Tag naming limits and requirements")
 */
export const TAG_KEY_MAX_LENGTH = 128;
export const TAG_VALUE_MAX_LENGTH = 256;
export const TAGS_PER_RESOURCE_MAX = 50;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagKeyProblems(key: string): string[] {
  const problems: string[] = [];
  const length = [...key].length;
  if (length < 1 || length > TAG_KEY_MAX_LENGTH) problems.push(`must be 1 to ${TAG_KEY_MAX_LENGTH} characters long (is ${length})`);
  if (!TAG_TEXT.test(key)) problems.push("may only contain letters, digits, spaces and _ . : / = + - @");
  if (/^aws:/i.test(key)) problems.push('must not start with "aws:" (reserved by AWS in any case)');
  return problems;
}

export function tagValueProblems(value: string): string[] {
  const problems: string[] = [];
  const length = [...value].length;
  if (length > TAG_VALUE_MAX_LENGTH) problems.push(`must be at most ${TAG_VALUE_MAX_LENGTH} characters long (is ${length})`);
  if (!TAG_TEXT.test(value)) problems.push("may only contain letters, digits, spaces and _ . : / = + - @");
  if (/^aws:/i.test(value)) problems.push('must not start with "aws:" (reserved by AWS in any case)');
  return problems;
}

/**
 * A public DNS name as Route 53 and ACM take it: lower-case labels of letters, digits and
 * hyphens (not at either end), each at most 63 characters, at most 253 characters in all
 * (255 bytes on the wire), a TLD that is not all digits; a wildcard only as the whole first
 * label. Route 53 "DNS domain name format" and ACM's `DomainName` pattern:
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html
 * https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
 */
export function dnsNameProblems(name: string, options: { readonly wildcard?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (name.length > 253) problems.push(`must be at most 253 characters long (is ${name.length})`);
  const labels = name.split(".");
  if (labels.length < 2) problems.push("must have at least two labels, such as example.com");
  labels.forEach((label, i) => {
    if (i === 0 && label === "*") {
      if (!options.wildcard) problems.push("must not be a wildcard");
      return;
    }
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
      problems.push(
        `label ${JSON.stringify(label)} must be 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen`,
      );
    }
  });
  const tld = labels[labels.length - 1]!; // split always returns at least one label
  if (/^\d+$/.test(tld)) problems.push("must not end in an all-digit label");
  return problems;
}

/**
 * Names AWS gives each kind of resource, for the physical names lib/naming.ts computes:
 * the most characters and the characters each accepts.
 */
export interface NameRule {
  readonly what: string;
  readonly maxLength: number;
  readonly pattern: RegExp;
  readonly allowed: string;
  readonly source: string;
}

export const NAME_RULES = {
  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName)
  lambdaFunction: { what: "Lambda function name", maxLength: 64, pattern: /^[a-zA-Z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores", source: "Lambda CreateFunction" },
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
  iamRole: { what: "IAM role name", maxLength: 64, pattern: /^[\w+=,.@-]+$/, allowed: "letters, digits and + = , . @ _ -", source: "IAM CreateRole" },
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  logGroup: { what: "log group name", maxLength: 512, pattern: /^[\w./#-]+$/, allowed: "letters, digits and . - _ / #", source: "CloudWatch Logs CreateLogGroup" },
  // https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html (name: at most 128)
  httpApi: { what: "HTTP API name", maxLength: 128, pattern: /^.+$/, allowed: "any characters", source: "API Gateway v2 CreateApi" },
  // https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name)
  snsTopic: { what: "SNS topic name", maxLength: 256, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores", source: "SNS CreateTopic" },
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName)
  kmsAlias: { what: "KMS alias", maxLength: 256, pattern: /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/, allowed: "alias/ then letters, digits and / _ - (not alias/aws/)", source: "KMS CreateAlias" },
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName)
  alarm: { what: "alarm name", maxLength: 255, pattern: /^[^\p{Cc}]+$/u, allowed: "printable characters", source: "CloudWatch PutMetricAlarm" },
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html (DashboardName)
  dashboard: { what: "dashboard name", maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores", source: "CloudWatch PutDashboard" },
  // https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html (ConfigurationName)
  chatbotConfiguration: { what: "AWS Chatbot configuration name", maxLength: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores", source: "Chatbot CreateSlackChannelConfiguration" },
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginAccessControlConfig.html (Name: up to 64)
  originAccessControl: { what: "CloudFront origin access control name", maxLength: 64, pattern: /^.+$/, allowed: "any characters", source: "CloudFront OriginAccessControlConfig" },
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyConfig.html (Name: up to 128)
  responseHeadersPolicy: { what: "CloudFront response headers policy name", maxLength: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: "letters, digits, hyphens and underscores", source: "CloudFront ResponseHeadersPolicyConfig" },
} as const satisfies Record<string, NameRule>;

export function nameRuleProblems(rule: NameRule, name: string): string[] {
  const problems: string[] = [];
  if (name.length > rule.maxLength) {
    problems.push(`makes the ${rule.what} ${JSON.stringify(name)} ${name.length} characters long; ${rule.source} allows ${rule.maxLength}`);
  }
  if (!rule.pattern.test(name)) {
    problems.push(`makes the ${rule.what} ${JSON.stringify(name)}; ${rule.source} allows only ${rule.allowed}`);
  }
  return problems;
}

/**
 * A GitHub deployment environment name: at most 255 characters, compared without case
 * ("Managing environments for deployment"). We also keep it to letters, digits and `. _ -`:
 * it ends up in the OIDC subject (`repo:<owner>/<repo>:environment:<name>`) that IAM trust
 * policies match, where `:` or `*` would blur the match.
 * https://docs.github.com/en/actions/how-tos/deploy/configure-and-manage-deployments/manage-environments
 */
export const GITHUB_ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
