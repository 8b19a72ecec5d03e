/**
 * Lambda's managed runtimes this workspace may deploy, with AWS's published deprecation
 * schedule. Source: "Lambda runtimes", AWS Lambda Developer Guide
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, "Supported runtimes" and
 * "Deprecated runtimes" tables); dates further ahead are AWS's projections and move when AWS
 * moves them. Scanners lag this table (checkov's CKV_AWS_363 list did), so it is kept here, in
 * one place, for the environment schema and the policy gate (rule LAM-5) alike.
 *
 * After the deprecation date AWS no longer patches the runtime; after "block create" no new
 * function can use it; after "block update" no function using it can be updated, which for
 * this workspace means no deploy at all (every deploy publishes a new version).
 */
export interface LambdaRuntime {
  /** The runtime identifier (`runtime` argument of aws_lambda_function). */
  readonly id: string;
  /** ISO date: AWS stops patching the runtime. */
  readonly deprecation: string;
  /** ISO date: CreateFunction with this runtime is refused. */
  readonly blockCreate: string;
  /** ISO date: UpdateFunctionCode/Configuration with this runtime is refused. */
  readonly blockUpdate: string;
}

export const LAMBDA_RUNTIMES_SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

export const LAMBDA_RUNTIMES: readonly LambdaRuntime[] = [
  { id: "nodejs24.x", deprecation: "2028-04-30", blockCreate: "2028-06-01", blockUpdate: "2028-07-01" },
  { id: "nodejs22.x", deprecation: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01" },
  { id: "nodejs20.x", deprecation: "2026-04-30", blockCreate: "2026-08-31", blockUpdate: "2026-09-30" },
  { id: "nodejs18.x", deprecation: "2025-09-01", blockCreate: "2026-02-03", blockUpdate: "2026-03-09" },
  { id: "provided.al2023", deprecation: "2029-06-30", blockCreate: "2029-07-31", blockUpdate: "2029-08-31" },
  { id: "provided.al2", deprecation: "2026-06-30", blockCreate: "2026-07-31", blockUpdate: "2026-08-31" },
];

export function lambdaRuntime(id: string): LambdaRuntime | undefined {
  return LAMBDA_RUNTIMES.find((r) => r.id === id);
}

/** Whether AWS has deprecated the runtime on the given day (UTC). */
export function isDeprecated(runtime: LambdaRuntime, on: Date): boolean {
  return on.toISOString().slice(0, 10) >= runtime.deprecation;
}

/** The newest runtime of the same language family that is not deprecated on the given day. */
export function replacementFor(runtime: LambdaRuntime, on: Date): LambdaRuntime | undefined {
  const family = runtime.id.replace(/[\d.]+(x)?$/, "").replace(/\.al\d+$/, "");
  return LAMBDA_RUNTIMES.find((r) => r.id.startsWith(family) && !isDeprecated(r, on));
}
