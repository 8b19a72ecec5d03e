/** Every policy rule, in the order lib/policy-rule-ids.ts lists them (the report's order). */
import { POLICY_RULE_IDS } from "../../../lib/policy-rule-ids";
import type { Rule } from "../rule";
import { CERTIFICATE_RULES } from "./certificates";
import { CLOUDFRONT_RULES } from "./cloudfront";
import { DYNAMODB_RULES } from "./dynamodb";
import { ENCRYPTION_RULES } from "./encryption";
import { IAM_RULES } from "./iam";
import { IAM_RESOURCE_POLICY_RULES } from "./iam-resource-policies";
import { IAM_TRUST_RULES } from "./iam-trust";
import { IAM_UNCONSTRAINED_RULES } from "./iam-unconstrained";
import { LAMBDA_RULES } from "./lambda";
import { LOG_RULES } from "./logs";
import { MONITORING_RULES } from "./monitoring";
import { RELEASE_RULES } from "./release";
import { S3_RULES } from "./s3";
import { SECRET_RULES } from "./secrets";
import { TAG_RULES } from "./tags";

const order = (rule: Rule) => POLICY_RULE_IDS.indexOf(rule.id);

export const RULES: readonly Rule[] = [
  ...S3_RULES,
  ...CLOUDFRONT_RULES,
  ...LAMBDA_RULES,
  ...IAM_RULES,
  ...IAM_TRUST_RULES,
  ...IAM_UNCONSTRAINED_RULES,
  ...IAM_RESOURCE_POLICY_RULES,
  ...ENCRYPTION_RULES,
  ...DYNAMODB_RULES,
  ...LOG_RULES,
  ...MONITORING_RULES,
  ...CERTIFICATE_RULES,
  ...RELEASE_RULES,
  ...TAG_RULES,
  ...SECRET_RULES,
].sort((a, b) => order(a) - order(b));
