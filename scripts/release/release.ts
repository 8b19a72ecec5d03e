/**
 * `release`: promote a published Lambda version to alias `live`, at once or as a canary,
 * after proving its release's assets are in the bucket; then append a ledger record.
 */
import { checkAssets, appendRecord, listAssets, readLedger, readManifest } from "./store";
import type { LedgerIndex, LedgerRecord } from "./ledger";
import { canaryWeights, describeServing, describeTarget, formatWeights, latestVersion, planRelease, type ServingTarget } from "./plan";
import type { AliasState, ReleasePorts, ReleaseTarget } from "./ports";

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
  | "manifest-missing"
  | "assets-missing"
  | "conflict"
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
  | {
      readonly outcome: "canary-aborted";
      readonly before: ServingTarget;
      readonly attempted: ServingTarget;
      readonly alarms: readonly string[];
      readonly message: string;
      readonly record: LedgerRecord;
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
  const { record } = await appendRecord(storage, target.env, index, draft("release"));
  return { outcome: "released", before, after, record, notes: plan.notes };
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
 * alarms; any in ALARM (or an interrupt) sends all traffic back to the previous version.
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

  let revisionId = state.alias.revisionId;
  let stopped: { alarms: string[]; why: string } | undefined;
  for (const [i, weight] of canaryWeights(percent, steps).entries()) {
    const moved = await lambda.updateAlias({
      functionName: target.functionName,
      alias: target.alias,
      version: previous,
      weights: { [next]: weight },
      revisionId,
    });
    if (moved.kind !== "updated") return refusedMove(target, moved, i > 0);
    revisionId = moved.revisionId;
    log(`canary step ${i + 1}/${steps}: ${formatWeights(moved.weights)} of traffic on version ${next}; watching alarms ${target.alarmPrefix}* for ${stepSeconds} s`);
    const waited = await clock.sleep(stepSeconds * 1000, request.signal);
    if (!waited) {
      stopped = { alarms: [], why: "interrupted" };
      break;
    }
    const inAlarm = await alarms.alarmsInAlarm(target.alarmPrefix);
    if (inAlarm.length > 0) {
      stopped = { alarms: inAlarm, why: `alarm${inAlarm.length === 1 ? "" : "s"} in ALARM: ${inAlarm.join(", ")}` };
      break;
    }
  }

  if (stopped) {
    const back = await lambda.updateAlias({ functionName: target.functionName, alias: target.alias, version: previous, weights: {}, revisionId });
    if (back.kind !== "updated") return refusedMove(target, back, true);
    log(`canary stopped (${stopped.why}); all traffic back on version ${previous}`);
    const { record } = await appendRecord(
      storage,
      target.env,
      await readLedger(storage, target.env),
      state.draft("canary-abort", { reason: stopped.why, canary: { ...canary, alarms: stopped.alarms } }),
    );
    return {
      outcome: "canary-aborted",
      before: state.before,
      attempted: state.after,
      alarms: stopped.alarms,
      message: `canary of ${describeTarget(state.after)} stopped (${stopped.why}); ${describeTarget(state.before)} serves all traffic again`,
      record,
    };
  }

  const promoted = await lambda.updateAlias({ functionName: target.functionName, alias: target.alias, version: next, weights: {}, revisionId });
  if (promoted.kind !== "updated") return refusedMove(target, promoted, true);
  // Minutes have passed: re-read the ledger so the record lands after anything written meanwhile.
  const { record } = await appendRecord(storage, target.env, await readLedger(storage, target.env), state.draft("release", { canary }));
  return { outcome: "released", before: state.before, after: state.after, record, notes: [] };
}

function refusedMove(
  target: ReleaseTarget,
  result: { kind: "conflict" | "missing"; message: string },
  midCanary = false,
): Extract<ReleaseResult, { outcome: "refused" }> {
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
