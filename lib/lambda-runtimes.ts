/**
 * Lambda's managed Node.js runtimes (the workspace deploys Node only), with AWS's published
 * deprecation schedule. Source: "Lambda runtimes", AWS Lambda Developer Guide
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, "Supported runtimes" and
 * "Deprecated runtimes" tables); dates further ahead are AWS's projections and move when AWS
 * moves them. Scanners lag this table (checkov's CKV_AWS_363 list did), so it is kept here, in
 * one place, for the environment schema and the policy gate (rule LAM-5) alike.
 *
 * The Node.js rows match the table in "Building Lambda functions with Node.js"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), checked December 2026.
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
  const family = runtime.id.replace(/[\d.]+x$/, "");
  return LAMBDA_RUNTIMES.find((r) => r.id.startsWith(family) && !isDeprecated(r, on));
}

/** The Node.js runtimes an environment may name (`ssr.runtime`), newest first. */
export const NODEJS_RUNTIME_IDS = LAMBDA_RUNTIMES.filter((r) => r.id.startsWith("nodejs")).map((r) => r.id) as [string, ...string[]];

/** What an environment runs when its file names no runtime. */
export const DEFAULT_LAMBDA_RUNTIME = "nodejs22.x";

/** A runtime this close to its block-update date is a warning (synth, doctor). */
export const LAMBDA_RUNTIME_WARNING_DAYS = 90;

/** Where a runtime stands on a given day, with the sentence to show when it is not fine. */
export type LambdaRuntimeStatus =
  | { readonly kind: "supported"; readonly runtime: string }
  | { readonly kind: "ending"; readonly runtime: string; readonly daysLeft: number; readonly message: string }
  | { readonly kind: "blocked"; readonly runtime: string; readonly message: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const startOf = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

/**
 * Whether a deploy can still update functions on `id` on the day `today`: blocked on and
 * after the block-update date (every deploy publishes a new version, so none can succeed),
 * ending within LAMBDA_RUNTIME_WARNING_DAYS of it, supported before. The message names the
 * dates and the smallest upgrade that is not ending itself.
 */
export function lambdaRuntimeStatus(id: string, today: Date): LambdaRuntimeStatus {
  const runtime = lambdaRuntime(id);
  if (!runtime) throw new Error(`${id} is not in LAMBDA_RUNTIMES (lib/lambda-runtimes.ts); the environment schema should have refused it`);
  const daysLeft = Math.ceil((startOf(runtime.blockUpdate) - today.getTime()) / DAY_MS);
  const replacement = safeUpgrade(runtime, today);
  const use = replacement
    ? `use ${replacement.id} (Lambda accepts it until ${replacement.blockUpdate})`
    : "use a newer runtime and add it to LAMBDA_RUNTIMES in lib/lambda-runtimes.ts";
  if (daysLeft <= 0) {
    return {
      kind: "blocked",
      runtime: id,
      message: `${id} can no longer be deployed: Lambda refuses function updates on it since ${runtime.blockUpdate} (and new functions since ${runtime.blockCreate}); ${use}; dates from ${LAMBDA_RUNTIMES_SOURCE}`,
    };
  }
  if (daysLeft <= LAMBDA_RUNTIME_WARNING_DAYS) {
    const create =
      today.getTime() >= startOf(runtime.blockCreate)
        ? `it already refuses new functions on it (since ${runtime.blockCreate}), so a new environment cannot be deployed`
        : `new functions from ${runtime.blockCreate}`;
    return {
      kind: "ending",
      runtime: id,
      daysLeft,
      message: `${id}: Lambda refuses function updates on it from ${runtime.blockUpdate} (in ${daysLeft} day${daysLeft === 1 ? "" : "s"}; ${create}); ${use} before then; dates from ${LAMBDA_RUNTIMES_SOURCE}`,
    };
  }
  return { kind: "supported", runtime: id };
}

/** The oldest runtime of the same family still clear of the warning window on `today`. */
function safeUpgrade(runtime: LambdaRuntime, today: Date): LambdaRuntime | undefined {
  const family = runtime.id.replace(/[\d.]+x?$/, "");
  const horizon = today.getTime() + LAMBDA_RUNTIME_WARNING_DAYS * DAY_MS;
  return [...LAMBDA_RUNTIMES].reverse().find((r) => r.id.startsWith(family) && startOf(r.blockUpdate) > horizon);
}
