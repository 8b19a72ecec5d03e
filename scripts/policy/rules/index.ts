/** Every policy rule, in the order the report lists them. */
import type { Rule } from "../rule";
import { CLOUDFRONT_RULES } from "./cloudfront";
import { DYNAMODB_RULES } from "./dynamodb";
import { IAM_RULES } from "./iam";
import { LAMBDA_RULES } from "./lambda";
import { LOG_RULES } from "./logs";
import { MONITORING_RULES } from "./monitoring";
import { S3_RULES } from "./s3";
import { SECRET_RULES } from "./secrets";
import { TAG_RULES } from "./tags";

export const RULES: readonly Rule[] = [
  ...S3_RULES,
  ...CLOUDFRONT_RULES,
  ...LAMBDA_RULES,
  ...IAM_RULES,
  ...DYNAMODB_RULES,
  ...LOG_RULES,
  ...MONITORING_RULES,
  ...TAG_RULES,
  ...SECRET_RULES,
];
