/**
 * The ids of the policy rules (`npm run policy`), in report order. The environment schema
 * validates `policySuppressions[].rule` against this list without importing the policy
 * engine, and every rule in scripts/policy/rules declares one of these ids; a test keeps
 * the list and the engine's rules equal.
 */
export const POLICY_RULE_IDS = [
  "S3-1",
  "S3-2",
  "S3-3",
  "S3-4",
  "S3-5",
  "S3-6",
  "CF-1",
  "CF-2",
  "CF-3",
  "CF-4",
  "CF-5",
  "CF-6",
  "LAM-1",
  "LAM-2",
  "LAM-3",
  "LAM-4",
  "IAM-1",
  "DDB-1",
  "DDB-2",
  "DDB-3",
  "LOG-1",
  "API-1",
  "MON-1",
  "TAG-1",
  "SEC-1",
] as const;

export type PolicyRuleId = (typeof POLICY_RULE_IDS)[number];
