/**
 * `release`: promote a release, a set of published function versions (the server's and,
 * where the build has them, the image optimizer's, the revalidation function's, …), to
 * every function's alias `live`, at once or as a canary, after proving its assets are in
 * the bucket; then append one ledger record naming every version.
 */
import { checkAssets, appendRecord, listAssets, readLedger, readManifest } from "./store";
import { functionFields, type LedgerRecord, type LedgerRecordDraft } from "./ledger";
import {
  aliasSetOf,
  describeServing,
  describeTarget,
  latestVersion,
  planRelease,
  unrecordedMove,
  nameSet,
  type MovedUnrecorded,
  type ServingTarget,
} from "./plan";
import { failedMove, moveSet, refusedMove, setSplit, type AliasReport } from "./moves";
import type { ReleasePorts, ReleaseTarget, RoutingWeights } from "./ports";
import { runCanary, type CanaryOptions } from "./canary";
import { SERVER_ID, type VersionSet } from "./version-set";

export interface ReleaseRequest {
  readonly releaseId: string;
  /** The server's version to promote; its newest published one when absent. */
  readonly version?: string;
  /** Versions of other functions (or the server) by function id; each one absent is its newest published version. */
  readonly versions?: VersionSet;
  readonly gitSha: string | null;
  readonly unpin: boolean;
  readonly canary?: CanaryOptions;
  /**
   * Record only: what the aliases served before a move whose record was lost (the
   * `moved-unrecorded` outcome), so the record keeps the true before. Ignored when a move is needed.
   */
  readonly movedFrom?: VersionSet;
  readonly actor: string;
  readonly runUrl: string | null;
  /**
   * Aborted by SIGINT/SIGTERM: before anything moved, nothing will; during a canary, all
   * traffic returns to the previous versions; a plain move, once sent, completes and is recorded.
   */
  readonly signal?: AbortSignal;
  /** Progress lines for people (the CLI sends them to stderr). */
  readonly log?: (line: string) => void;
}

export type { CanaryOptions } from "./canary";

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
  | "alarms-firing"
  | "alarms-missing";

/** Where the aliases of a set are when moving them failed and they could not all be put back. */
export interface SetSplit {
  readonly outcome: "set-split";
  readonly before: ServingTarget;
  readonly attempted: ServingTarget;
  readonly error: string;
  readonly aliases: readonly AliasReport[];
  /** One AWS CLI command per alias out of place. */
  readonly fixCommands: readonly string[];
  readonly message: string;
}

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
  /** A signal arrived before anything moved: nothing did. */
  | { readonly outcome: "interrupted"; readonly before: ServingTarget; readonly message: string }
  /** The aliases moved to `after`, but the ledger record could not be written: see `unrecordedMove`. */
  | MovedUnrecorded
  | SetSplit
  /**
   * The canary stopped (an alarm, an interrupt, or an AWS error) and all traffic is back on
   * the previous versions. `record` is the canary-abort record, null when it could not be
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
   * The canary stopped and returning traffic to the previous versions failed too: aliases
   * may still route part of the traffic to the new versions. `fixCommands` restore them by
   * hand (`fixCommand`: all of them on one line each, for the single-function case).
   */
  | {
      readonly outcome: "traffic-split";
      readonly before: ServingTarget;
      readonly attempted: ServingTarget;
      readonly error: string;
      readonly restoreError: string;
      /** The server alias as last known: the weighted step that succeeded last. */
      readonly lastKnown: { readonly version: string; readonly weights: RoutingWeights } | undefined;
      readonly aliases: readonly AliasReport[];
      readonly fixCommand: string;
      readonly fixCommands: readonly string[];
      readonly message: string;
      readonly record: LedgerRecord | null;
    };

/** Builds the ledger record drafts of one release. */
export type DraftRecord = (kind: LedgerRecord["kind"], extra?: Partial<LedgerRecordDraft>) => LedgerRecordDraft;

export async function release(target: ReleaseTarget, ports: ReleasePorts, request: ReleaseRequest): Promise<ReleaseResult> {
  const { lambda, storage } = ports;
  const log = request.log ?? (() => {});
  const wanted: Record<string, string> = { ...request.versions, ...(request.version === undefined ? {} : { [SERVER_ID]: request.version }) };
  const unnamed = target.functions.filter((fn) => wanted[fn.id] === undefined);
  // Everything release needs to decide, read at once.
  const [index, aliasReads, published, manifestRead, listing] = await Promise.all([
    readLedger(storage, target.env),
    Promise.all(target.functions.map((fn) => lambda.getAlias(fn.functionName, fn.alias))),
    Promise.all(unnamed.map((fn) => lambda.listVersions(fn.functionName))),
    readManifest(storage, target.env, request.releaseId),
    listAssets(storage),
  ]);
  const read = aliasSetOf(target.functions, aliasReads);
  if (!read.ok) {
    return { outcome: "refused", reason: "alias-missing", message: `${read.message}. Deploy the app stack first, or check --function-name/--alias` };
  }
  const { aliases } = read;

  const versions: Record<string, string> = {};
  for (const [i, fn] of unnamed.entries()) {
    const list = published[i];
    if (list === undefined) return { outcome: "refused", reason: "function-missing", message: `function ${fn.functionName} does not exist` };
    const newest = latestVersion(list);
    if (newest === undefined) {
      return {
        outcome: "refused",
        reason: "no-versions",
        message: `function ${fn.functionName} has no published versions; Terraform publishes one on deploy (publish = true)`,
      };
    }
    versions[fn.id] = newest;
  }
  const named = target.functions.filter((fn) => wanted[fn.id] !== undefined);
  const exists = await Promise.all(named.map((fn) => lambda.versionExists(fn.functionName, wanted[fn.id])));
  for (const [i, fn] of named.entries()) {
    if (!exists[i]) {
      return {
        outcome: "refused",
        reason: "version-missing",
        message: `version ${wanted[fn.id]} of function ${fn.functionName} does not exist; list them with \`aws lambda list-versions-by-function\``,
      };
    }
    versions[fn.id] = wanted[fn.id];
  }

  const live = describeServing(aliases, index);
  const plan = planRelease({ index, aliases, versions, releaseId: request.releaseId, unpin: request.unpin });
  if (plan.kind === "pinned") return { outcome: "refused", reason: "pinned", message: plan.message };
  if (plan.kind === "drift") return { outcome: "refused", reason: "ledger-drift", message: plan.message };
  if (plan.kind === "no-op") return { outcome: "no-op", before: live, message: plan.message };
  // Recording a move whose record was lost: what was live before it, as the failed run said.
  const before = plan.kind === "record-only" && request.movedFrom ? nameSet({ ...live.versions, ...request.movedFrom }, index) : live;

  const assets = await checkAssets(storage, request.releaseId, manifestRead, listing);
  if (assets.kind === "manifest-missing") return { outcome: "refused", reason: "manifest-missing", message: assets.message };
  if (assets.kind === "assets-missing") {
    return { outcome: "refused", reason: "assets-missing", message: assets.message, missing: assets.missing };
  }

  const after: ServingTarget = { version: versions[SERVER_ID], versions, releaseId: request.releaseId };
  const draft: DraftRecord = (kind, extra = {}) => ({
    kind,
    env: target.env,
    releaseId: request.releaseId,
    ...functionFields(target.functions, versions, before.versions),
    previousReleaseId: before.releaseId,
    manifestKey: assets.manifestKey,
    gitSha: request.gitSha,
    time: ports.clock.now().toISOString(),
    actor: request.actor,
    runUrl: request.runUrl,
    ...(request.unpin ? { unpinned: true } : {}),
    ...extra,
  });

  if (plan.kind === "record-only") {
    log(plan.message);
    const { record } = await appendRecord(storage, target.env, index, draft("release"));
    return { outcome: "recorded", before, after, record, notes: [plan.message] };
  }
  for (const note of plan.notes) log(`note: ${note}`);
  if (request.signal?.aborted) return interrupted(before);

  const moving = target.functions.filter((fn) => plan.moving.includes(fn.id));
  if (request.canary) {
    return runCanary(target, ports, request, request.canary, { aliases, moving, before, after, draft });
  }

  const moved = await moveSet(
    lambda,
    moving.map((fn) => ({ fn, from: aliases[fn.id], to: { version: versions[fn.id], weights: {} } })),
    target.region,
  );
  if (moved.kind === "refused") return refusedMove(moved.fn, moved.refusal, moved.putBack);
  if (moved.kind === "failed") throw failedMove(moved.error, moved.putBack);
  if (moved.kind === "split") return setSplit(target, before, after, moved.problem, moved.aliases);
  try {
    const { record } = await appendRecord(storage, target.env, index, draft("release"));
    return { outcome: "released", before, after, record, notes: plan.notes };
  } catch (error) {
    return unrecordedMove(target.functions, "release", before, after, error);
  }
}

function interrupted(before: ServingTarget): Extract<ReleaseResult, { outcome: "interrupted" }> {
  return { outcome: "interrupted", before, message: `interrupted before anything moved: ${describeTarget(before)} still serves all traffic` };
}
