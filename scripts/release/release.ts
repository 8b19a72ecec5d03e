/**
 * `release`: promote a published Lambda version to alias `live`, at once or as a canary,
 * after proving its release's assets are in the bucket; then append a ledger record.
 */
import { checkAssets, appendRecord, listAssets, readLedger, readManifest } from "./store";
import type { LedgerIndex, LedgerRecord } from "./ledger";
import {
  canaryWeights,
  describeServing,
  describeTarget,
  formatWeights,
  hasWeights,
  latestVersion,
  planRelease,
  unrecordedMove,
  type MovedUnrecorded,
  type ServingTarget,
} from "./plan";
import { errorMessage } from "../../lib/errors";
import type { AliasState, ReleasePorts, ReleaseTarget, RoutingWeights, UpdateAliasResult } from "./ports";

export interface ReleaseRequest {
  readonly releaseId: string;
  /** The version to promote; the newest published one when absent. */
  readonly version?: string;
  readonly gitSha: string | null;
  readonly unpin: boolean;
  readonly canary?: CanaryOptions;
  readonly actor: string;
  readonly runUrl: string | null;
  /** Aborting it during a canary returns the alias to the previous version. */
  readonly signal?: AbortSignal;
  /** Progress lines for people (the CLI sends them to stderr). */
  readonly log?: (line: string) => void;
}

export interface CanaryOptions {
  readonly percent: number;
  readonly steps: number;
  /** Wait after each weighted step before reading the alarms. */
  readonly stepSeconds: number;
}

export type ReleaseRefusal =
  | "function-missing"
  | "alias-missing"
  | "no-versions"
  | "version-missing"
  | "pinned"
  | "ledger-drift"
  | "manifest-missing"
  | "assets-missing"
  | "conflict"
  | "no-revision-id"
  | "alarms-firing";

export type ReleaseResult =
  | {
      readonly outcome: "released" | "recorded";
      readonly before: ServingTarget;
      readonly after: ServingTarget;
      readonly record: LedgerRecord;
      readonly notes: readonly string[];
    }
  | { readonly outcome: "no-op"; readonly before: ServingTarget; readonly message: string }
  | { readonly outcome: "refused"; readonly reason: ReleaseRefusal; readonly message: string; readonly missing?: readonly string[] }
  /** The alias moved to `after`, but its ledger record could not be written: see `unrecordedMove`. */
  | MovedUnrecorded
  /**
   * The canary stopped (an alarm, an interrupt, or an AWS error) and all traffic is back on
   * the previous version. `record` is the canary-abort record, null when it could not be
   * written (`recordError` says why; nothing is lost: such records never change what is live).
   */
  | {
      readonly outcome: "canary-aborted";
      readonly cause: "alarm" | "interrupted" | "error";
      readonly before: ServingTarget;
      readonly attempted: ServingTarget;
      readonly alarms: readonly string[];
      /** cause "error": what failed. */
      readonly error?: string;
      readonly message: string;
      readonly record: LedgerRecord | null;
      readonly recordError?: string;
    }
  /**
   * The canary stopped and returning traffic to the previous version failed too: the alias
   * may still route part of the traffic to the new version. `fixCommand` restores it by hand.
   */
  | {
      readonly outcome: "traffic-split";
      readonly before: ServingTarget;
      readonly attempted: ServingTarget;
      readonly error: string;
      readonly restoreError: string;
      /** The alias as last known: the weighted step that succeeded last. */
      readonly lastKnown: { readonly version: string; readonly weights: RoutingWeights } | undefined;
      readonly fixCommand: string;
      readonly message: string;
      readonly record: LedgerRecord | null;
    };

export async function release(target: ReleaseTarget, ports: ReleasePorts, request: ReleaseRequest): Promise<ReleaseResult> {
  const { lambda, storage } = ports;
  const log = request.log ?? (() => {});
  // Everything release needs to decide, read at once.
  const [index, alias, versions, manifestRead, listing] = await Promise.all([
    readLedger(storage, target.env),
    lambda.getAlias(target.functionName, target.alias),
    request.version === undefined ? lambda.listVersions(target.functionName) : Promise.resolve(undefined),
    readManifest(storage, target.env, request.releaseId),
    listAssets(storage),
  ]);
  if (alias.kind === "missing") {
    return {
      outcome: "refused",
      reason: "alias-missing",
      message: `cannot read alias ${target.alias} of function ${target.functionName}: ${alias.message}. Deploy the app stack first, or check --function-name/--alias`,
    };
  }

  let version = request.version;
  if (version === undefined) {
    if (versions === undefined) {
      return { outcome: "refused", reason: "function-missing", message: `function ${target.functionName} does not exist` };
    }
    version = latestVersion(versions);
    if (version === undefined) {
      return {
        outcome: "refused",
        reason: "no-versions",
        message: `function ${target.functionName} has no published versions; Terraform publishes one on deploy (publish = true)`,
      };
    }
  } else if (!(await lambda.versionExists(target.functionName, version))) {
    return {
      outcome: "refused",
      reason: "version-missing",
      message: `version ${version} of function ${target.functionName} does not exist; list them with \`aws lambda list-versions-by-function\``,
    };
  }

  const before = describeServing(alias, index);
  const plan = planRelease({ index, alias, version, releaseId: request.releaseId, unpin: request.unpin });
  if (plan.kind === "pinned") return { outcome: "refused", reason: "pinned", message: plan.message };
  if (plan.kind === "drift") return { outcome: "refused", reason: "ledger-drift", message: plan.message };
  if (plan.kind === "no-op") return { outcome: "no-op", before, message: plan.message };

  const assets = await checkAssets(storage, request.releaseId, manifestRead, listing);
  if (assets.kind === "manifest-missing") return { outcome: "refused", reason: "manifest-missing", message: assets.message };
  if (assets.kind === "assets-missing") {
    return { outcome: "refused", reason: "assets-missing", message: assets.message, missing: assets.missing };
  }

  const after: ServingTarget = { version, releaseId: request.releaseId };
  const draft = (kind: LedgerRecord["kind"], extra: Partial<LedgerRecord> = {}) => ({
    kind,
    env: target.env,
    releaseId: request.releaseId,
    version,
    previousVersion: before.version,
    previousReleaseId: before.releaseId,
    manifestKey: assets.manifestKey,
    gitSha: request.gitSha,
    time: ports.clock.now().toISOString(),
    actor: request.actor,
    runUrl: request.runUrl,
    functionName: target.functionName,
    alias: target.alias,
    ...(request.unpin ? { unpinned: true } : {}),
    ...extra,
  });

  if (plan.kind === "record-only") {
    log(plan.message);
    const { record } = await appendRecord(storage, target.env, index, draft("release"));
    return { outcome: "recorded", before, after, record, notes: [plan.message] };
  }
  for (const note of plan.notes) log(`note: ${note}`);

  if (request.canary) {
    return runCanary(target, ports, request, request.canary, { index, alias, before, after, draft });
  }

  const moved = await lambda.updateAlias({
    functionName: target.functionName,
    alias: target.alias,
    version,
    weights: {},
    revisionId: alias.revisionId,
  });
  if (moved.kind !== "updated") return refusedMove(target, moved);
  try {
    const { record } = await appendRecord(storage, target.env, index, draft("release"));
    return { outcome: "released", before, after, record, notes: plan.notes };
  } catch (error) {
    return unrecordedMove(target, "release", before, after, error);
  }
}

interface CanaryState {
  readonly index: LedgerIndex;
  readonly alias: AliasState;
  readonly before: ServingTarget;
  readonly after: ServingTarget;
  readonly draft: (kind: LedgerRecord["kind"], extra?: Partial<LedgerRecord>) => Omit<LedgerRecord, "seq" | "formatVersion">;
}

/**
 * Shifts traffic in weighted steps. After each step's wait it reads the environment's
 * alarms; any in ALARM, an interrupt, or an AWS error once traffic may be split sends all
 * traffic back to the previous version before anything is reported.
 */
async function runCanary(
  target: ReleaseTarget,
  ports: ReleasePorts,
  request: ReleaseRequest,
  canaryOptions: CanaryOptions,
  state: CanaryState,
): Promise<ReleaseResult> {
  const { lambda, alarms, clock, storage } = ports;
  const log = request.log ?? (() => {});
  const { percent, steps, stepSeconds } = canaryOptions;
  const canary = { percent, steps, stepSeconds };
  const previous = state.before.version;
  const next = state.after.version;

  const firing = await alarms.alarmsInAlarm(target.alarmPrefix);
  if (firing.length > 0) {
    return {
      outcome: "refused",
      reason: "alarms-firing",
      message: `alarms already in ALARM before the canary started: ${firing.join(", ")}; a canary could not tell the new version's effect apart. Fix or silence them first`,
    };
  }

  // From the first UpdateAlias on, traffic may be split: every way out of this block either
  // promotes the new version or returns all traffic to the previous one (or says loudly it could not).
  let revisionId = state.alias.revisionId;
  let lastKnown: { version: string; weights: RoutingWeights } | undefined;
  let stopped: { cause: "alarm" | "interrupted" | "error"; alarms: string[]; why: string } | undefined;
  const move = async (version: string, weights: RoutingWeights, step: number): Promise<UpdateAliasResult & { kind: "updated" }> => {
    const moved = await lambda.updateAlias({ functionName: target.functionName, alias: target.alias, version, weights, revisionId });
    if (moved.kind !== "updated") throw new StepRefused(moved, step);
    revisionId = moved.revisionId;
    lastKnown = { version: moved.version, weights: moved.weights };
    return moved;
  };
  try {
    for (const [i, weight] of canaryWeights(percent, steps).entries()) {
      const moved = await move(previous, { [next]: weight }, i);
      log(`canary step ${i + 1}/${steps}: ${formatWeights(moved.weights)} of traffic on version ${next}; watching alarms ${target.alarmPrefix}* for ${stepSeconds} s`);
      const waited = await clock.sleep(stepSeconds * 1000, request.signal);
      if (!waited) {
        stopped = { cause: "interrupted", alarms: [], why: "interrupted" };
        break;
      }
      const inAlarm = await alarms.alarmsInAlarm(target.alarmPrefix);
      if (inAlarm.length > 0) {
        stopped = { cause: "alarm", alarms: inAlarm, why: `alarm${inAlarm.length === 1 ? "" : "s"} in ALARM: ${inAlarm.join(", ")}` };
        break;
      }
    }
    if (!stopped) await move(next, {}, steps);
  } catch (error) {
    // Someone else changed the alias (or, before the first step, nothing moved): theirs to keep.
    if (error instanceof StepRefused && (error.result.kind === "conflict" || error.step === 0)) {
      return refusedMove(target, error.result, error.step > 0);
    }
    stopped = { cause: "error", alarms: [], why: `error: ${errorMessage(error)}` };
    if (lastKnown === undefined) {
      // The first step threw: it may or may not have reached AWS. Restore only if it did.
      const now = await lambda.getAlias(target.functionName, target.alias).catch(() => undefined);
      if (now?.kind === "found" && now.version === previous && !hasWeights(now.weights)) throw error;
    }
  }

  if (!stopped) {
    // Minutes have passed: re-read the ledger so the record lands after anything written meanwhile.
    try {
      const { record } = await appendRecord(storage, target.env, await readLedger(storage, target.env), state.draft("release", { canary }));
      return { outcome: "released", before: state.before, after: state.after, record, notes: [] };
    } catch (error) {
      return unrecordedMove(target, "release", state.before, state.after, error);
    }
  }

  const restored = await restorePrevious(target, ports, { previous, next, revisionId: lastKnown ? revisionId : undefined });
  const abortDraft = state.draft("canary-abort", { reason: stopped.why, canary: { ...canary, alarms: stopped.alarms } });
  let record: LedgerRecord | null = null;
  let recordError: string | undefined;
  try {
    record = (await appendRecord(storage, target.env, await readLedger(storage, target.env), abortDraft)).record;
  } catch (error) {
    recordError = errorMessage(error);
  }

  if (restored.kind === "failed") {
    const fixCommand = restoreCommand(target, previous);
    return {
      outcome: "traffic-split",
      before: state.before,
      attempted: state.after,
      error: stopped.why,
      restoreError: restored.problem,
      lastKnown,
      fixCommand,
      record,
      message:
        `canary of ${describeTarget(state.after)} stopped (${stopped.why}) and returning traffic to ${describeTarget(state.before)} FAILED ` +
        `(${restored.problem}). TRAFFIC MAY STILL BE SPLIT: alias ${target.alias} of ${target.functionName} last routed ` +
        `${lastKnown ? formatWeights(lastKnown.weights) : "an unknown share"} of traffic to version ${next}. Restore it now with:\n  ${fixCommand}`,
    };
  }
  log(`canary stopped (${stopped.why}); all traffic back on version ${previous}`);
  return {
    outcome: "canary-aborted",
    cause: stopped.cause,
    before: state.before,
    attempted: state.after,
    alarms: stopped.alarms,
    ...(stopped.cause === "error" ? { error: stopped.why.replace(/^error: /, "") } : {}),
    message:
      `canary of ${describeTarget(state.after)} stopped (${stopped.why}); restored: ${describeTarget(state.before)} serves all traffic again` +
      (recordError ? `; the canary-abort record could not be written (${recordError})` : ""),
    record,
    ...(recordError ? { recordError } : {}),
  };
}

/** An UpdateAlias during the canary that AWS refused (conflict, missing, no RevisionId). */
class StepRefused extends Error {
  constructor(
    readonly result: Exclude<UpdateAliasResult, { kind: "updated" }>,
    readonly step: number,
  ) {
    super(result.message);
  }
}

type Restore = { readonly kind: "restored" } | { readonly kind: "failed"; readonly problem: string };

/**
 * Points the alias back at `previous` with no weights. First with the RevisionId of our own
 * last step; when that is stale or unknown (a step whose answer was lost), with the alias's
 * current RevisionId, but only while the alias still looks like this canary left it
 * (primary `previous`, weights on `next` at most): a change someone else made is not overwritten.
 */
async function restorePrevious(
  target: ReleaseTarget,
  ports: ReleasePorts,
  known: { readonly previous: string; readonly next: string; readonly revisionId: string | undefined },
): Promise<Restore> {
  const { lambda } = ports;
  const back = (revisionId: string | undefined) =>
    lambda.updateAlias({ functionName: target.functionName, alias: target.alias, version: known.previous, weights: {}, revisionId });
  let problem = "";
  if (known.revisionId !== undefined) {
    try {
      const result = await back(known.revisionId);
      if (result.kind === "updated") return { kind: "restored" };
      problem = result.message;
    } catch (error) {
      problem = errorMessage(error);
    }
  }
  try {
    const now = await lambda.getAlias(target.functionName, target.alias);
    if (now.kind === "missing") return { kind: "failed", problem: `${problem ? `${problem}; ` : ""}cannot read the alias: ${now.message}` };
    if (now.version === known.previous && !hasWeights(now.weights)) return { kind: "restored" };
    const ours = now.version === known.previous && Object.keys(now.weights).every((v) => v === known.next);
    if (!ours) {
      return {
        kind: "failed",
        problem: `the alias was changed by someone else meanwhile (it serves version ${now.version} with weights ${formatWeights(now.weights)}); not overwritten`,
      };
    }
    const result = await back(now.revisionId);
    return result.kind === "updated" ? { kind: "restored" } : { kind: "failed", problem: result.message };
  } catch (error) {
    return { kind: "failed", problem: `${problem ? `${problem}; then ` : ""}${errorMessage(error)}` };
  }
}

/** The AWS CLI command that returns all traffic to `version` by hand. */
export function restoreCommand(target: ReleaseTarget, version: string): string {
  return [
    "aws lambda update-alias",
    ...(target.region ? [`--region ${target.region}`] : []),
    `--function-name ${target.functionName} --name ${target.alias} --function-version ${version}`,
    "--routing-config 'AdditionalVersionWeights={}'",
  ].join(" ");
}

function refusedMove(
  target: ReleaseTarget,
  result: Exclude<UpdateAliasResult, { kind: "updated" }>,
  midCanary = false,
): Extract<ReleaseResult, { outcome: "refused" }> {
  if (result.kind === "unguarded") return { outcome: "refused", reason: "no-revision-id", message: result.message };
  if (result.kind === "conflict") {
    return {
      outcome: "refused",
      reason: "conflict",
      message:
        `alias ${target.alias} of ${target.functionName} was changed by someone else ${midCanary ? "during the canary" : "since it was read"} ` +
        `(RevisionId no longer matches: ${result.message}); nothing was overwritten. Check \`npm run releases\` and run the command again`,
    };
  }
  return { outcome: "refused", reason: "version-missing", message: `cannot move alias ${target.alias}: ${result.message}` };
}
