/**
 * The policy's reach measured against checkov's AWS checks for the resource types this
 * workspace synthesizes: every check is either named in some rule's `controls.checkov`, or
 * waived here with the reason. The coverage table in docs/policy.md and a test keep the three (the
 * reference list, the rules, this file) in step, so coverage is counted rather than claimed.
 */
import type { Rule } from "./rule";

export interface Waiver {
  readonly checkov: string;
  /** Why this workspace does not enforce the check (docs/policy.md's coverage table repeats it). */
  readonly reason: string;
}

export const WAIVED_CHECKOV: readonly Waiver[] = [
  { checkov: "CKV_AWS_86", reason: "CloudFront access logs: standard logging writes to an ACL-enabled bucket (against S3-6); the CloudFront alarms and metrics watch the edge, and a team that needs request logs adds v2 logging to CloudWatch Logs" },
  { checkov: "CKV_AWS_68", reason: "WAF on CloudFront: a paid, app-specific rule set; the distribution forwards only GET/HEAD/OPTIONS to pages and the API is throttled (REL-4); add a web ACL when the app needs one" },
  { checkov: "CKV2_AWS_47", reason: "WAF Log4j rule set: no WAF (see CKV_AWS_68), and no Java anywhere in the stack" },
  { checkov: "CKV_AWS_310", reason: "origin failover: origin groups fail over GET/HEAD only and the app runs in one region; a second region is a different architecture" },
  { checkov: "CKV_AWS_374", reason: "geo restriction: a public site; restricting countries is a business decision, not a default" },
  { checkov: "CKV_AWS_305", reason: "default root object: wrong for SSR, where the server function renders / (REL-1 keeps that page uncached instead)" },
  { checkov: "CKV_AWS_117", reason: "Lambda in a VPC: the functions reach only AWS APIs and DynamoDB over TLS with IAM; a VPC adds NAT cost and cold-start time for no private resource" },
  { checkov: "CKV_AWS_116", reason: "Lambda DLQ: the functions are invoked synchronously (function URL, API Gateway), where a DLQ never receives anything; a queue-fed function gets its redrive policy on the SQS queue" },
  { checkov: "CKV_AWS_272", reason: "code signing: needs an AWS Signer profile and signing in CI; the code is built from the locked dependency tree in CI and its hash pinned in the plan" },
  { checkov: "CKV_AWS_173", reason: "CMK for Lambda environment variables: SEC-1 keeps secrets out of them, so Lambda's AWS-managed key suffices" },
  { checkov: "CKV_AWS_309", reason: "API route authorization: /api/* is the app's public API behind CloudFront; the app authenticates its callers itself" },
  { checkov: "CKV2_AWS_77", reason: "WAF on HTTP APIs: AWS WAF does not support API Gateway HTTP APIs" },
  { checkov: "CKV_AWS_119", reason: "DynamoDB CMK: DDB-1 requires KMS encryption with the AWS-managed key, which CloudTrail audits; a CMK adds key-policy upkeep and cost for no reader we need to exclude" },
  { checkov: "CKV_AWS_158", reason: "CMK for log groups: logs hold no secrets (SEC-1) and are encrypted by CloudWatch Logs; a CMK needs a key policy for the logs service per region" },
  { checkov: "CKV_AWS_338", reason: "a year of log retention: LOG-2 requires 90 days in protected environments (logRetentionDays); a year is a compliance choice, set it in the environment file" },
  { checkov: "CKV_AWS_145", reason: "SSE-KMS for S3: the assets are public through CloudFront and the state bucket is private; SSE-S3 (S3-2) avoids KMS request costs and a key policy for CloudFront's OAC" },
  { checkov: "CKV_AWS_18", reason: "S3 access logging: needs another bucket (with its own lifecycle) per bucket; CloudFront serves the assets, and CloudTrail data events audit the state bucket where wanted" },
  { checkov: "CKV_AWS_144", reason: "S3 replication: assets are rebuilt from the build and re-synced; the state bucket is versioned (S3-5)" },
  { checkov: "CKV2_AWS_62", reason: "S3 event notifications: nothing consumes bucket events in this design" },
  { checkov: "CKV_AWS_143", reason: "S3 object lock: prune must delete old assets and Terraform overwrites state; versioning (S3-5) keeps state history" },
  { checkov: "CKV2_AWS_38", reason: "DNSSEC: signing needs an asymmetric KMS key in us-east-1 and a DS record at the registrar, and a mistake takes the domain offline; a decision for the zone owner" },
  { checkov: "CKV2_AWS_39", reason: "Route 53 query logging: needs a log group in us-east-1 with a resource policy for Route 53; CloudFront metrics already show the traffic" },
];

export interface CheckovCoverage {
  /** checkov id → the rules that enforce it. */
  readonly covered: Readonly<Record<string, readonly string[]>>;
  /** checkov id → why it is waived. */
  readonly waived: Readonly<Record<string, string>>;
}

export function checkovCoverage(rules: readonly Rule[], waivers: readonly Waiver[] = WAIVED_CHECKOV): CheckovCoverage {
  const covered: Record<string, string[]> = {};
  for (const rule of rules) for (const id of rule.controls.checkov ?? []) (covered[id] ??= []).push(rule.id);
  return { covered, waived: Object.fromEntries(waivers.map((w) => [w.checkov, w.reason])) };
}
