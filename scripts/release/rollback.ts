/**
 * `rollback`: point every function's alias `live` back at an earlier release's immutable
 * versions (the whole set: server, image optimizer, revalidation, …). No Terraform run, no
 * cache invalidation: the old versions' HTML references hashed assets that are still in the
 * bucket (checked before anything moves).
 *
 * Budget for a single-function release: six AWS calls in four round trips. Ledger listing,
 * GetAlias and the assets listing run together; then the target's manifest (fetched with them
 * when --to names a release); then UpdateAlias with the RevisionId just read; then the ledger
 * record. Each further function adds one GetAlias to the first round trip and one UpdateAlias
 * to the third, not a round trip.
 */
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import { functionFields, type LedgerRecord, type LedgerRecordDraft } from "./ledger";
import { failedMove, moveSet, setSplit } from "./moves";
import { aliasSetOf, describeAliases, describeServing, ledgerFunctions, describeTarget, nameSet, planRollback, unrecordedMove, type MovedUnrecorded, type RollbackRefusal, type ServingTarget } from "./plan";
import type { ReleasePorts, ReleaseTarget } from "./ports";
import type { SetSplit } from "./release";
import { checkReason } from "./reason";
import { appendRecord, checkAssets, listAssets, readLedger, readManifest } from "./store";
import type { VersionSet } from "./version-set";

export interface RollbackRequest {
  /**
   * A release id from the ledger, a bare server version, or versions by function
   * (`server=12,image=7`); the release before the live one when absent.
   */
  readonly to?: string;
  readonly reason: string | null;
  readonly dryRun: boolean;
  /** Allows versions no release in the ledger ran, whose assets cannot be checked. */
  readonly skipAssetCheck: boolean;
  /**
   * Record only: what the aliases served before a rollback whose record was lost (the
   * `moved-unrecorded` outcome), so the record keeps the true before.
   */
  readonly movedFrom?: VersionSet;
  readonly actor: string;
  readonly runUrl: string | null;
  /** Aborted by SIGINT/SIGTERM: before anything moved, nothing will; a move once sent completes and is recorded. */
  readonly signal?: AbortSignal;
}

export type RollbackResult =
  | {
      readonly outcome: "rolled-back" | "recorded";
      readonly before: ServingTarget;
      readonly after: ServingTarget;
      readonly record: LedgerRecord;
      readonly clearedCanary: boolean;
      readonly warnings: readonly string[];
    }
  | { readonly outcome: "dry-run"; readonly before: ServingTarget; readonly after: ServingTarget; readonly message: string }
  | { readonly outcome: "no-op"; readonly before: ServingTarget; readonly message: string }
  /** A signal arrived before anything moved: nothing did. */
  | { readonly outcome: "interrupted"; readonly before: ServingTarget; readonly message: string }
  /** The aliases moved back but the rollback record (and with it the pin) was not written. */
  | MovedUnrecorded
  /** Some aliases moved, one could not, and putting the others back failed: which is where, and the commands. */
  | SetSplit
  | {
      readonly outcome: "refused";
      readonly reason:
        | RollbackRefusal
        | "invalid-reason"
        | "alias-missing"
        | "manifest-missing"
        | "assets-missing"
        | "version-missing"
        | "unverifiable"
        | "conflict"
        | "no-revision-id";
      readonly message: string;
      readonly missing?: readonly string[];
    };

export async function rollback(given: ReleaseTarget, ports: ReleasePorts, request: RollbackRequest): Promise<RollbackResult> {
  const { lambda, storage } = ports;
  if (request.reason !== null) {
    const reason = checkReason(request.reason);
    if (!reason.ok) return { outcome: "refused", reason: "invalid-reason", message: `--reason: ${reason.problem}` };
  }
  const speculativeManifest =
    request.to !== undefined && RELEASE_ID_PATTERN.test(request.to) ? readManifest(storage, given.env, request.to) : undefined;
  // Don't leave a rejected speculative read unhandled while the first batch runs.
  speculativeManifest?.catch(() => undefined);
  const first = given.functionsOf ? given.functions.slice(0, 1) : given.functions;
  const [index, firstReads, listing] = await Promise.all([
    readLedger(storage, given.env),
    Promise.all(first.map((fn) => lambda.getAlias(fn.functionName, fn.alias))),
    listAssets(storage),
  ]);
  // A set taken from the ledger: the server's alias was read with it, the others now.
  const functions = ledgerFunctions(given, index);
  const rest = functions.filter((fn) => !first.some((f) => f.id === fn.id));
  const aliasReads = [...firstReads, ...(await Promise.all(rest.map((fn) => lambda.getAlias(fn.functionName, fn.alias))))];
  const target: ReleaseTarget = { ...given, functions: [...first, ...rest] };
  const read = aliasSetOf(target.functions, aliasReads);
  if (!read.ok) return { outcome: "refused", reason: "alias-missing", message: `${read.message}. Check --env, --function-name and --alias` };
  const { aliases } = read;

  const live = describeServing(aliases, index);
  const plan = planRollback({ index, aliases, to: request.to });
  if (plan.kind === "refuse") return { outcome: "refused", reason: plan.reason, message: plan.message };
  if (plan.kind === "no-op") return { outcome: "no-op", before: live, message: plan.message };
  const after = plan.target;
  // Recording a rollback whose record was lost: what was live before it, as the failed run said.
  const before = plan.kind === "record-only" && request.movedFrom ? nameSet({ ...live.versions, ...request.movedFrom }, index) : live;

  const warnings: string[] = [...plan.notes];
  let manifestKey: string | null = null;
  if (plan.kind === "move") {
    if (after.releaseId === null) {
      if (!request.skipAssetCheck) {
        return {
          outcome: "refused",
          reason: "unverifiable",
          message:
            `${describeTarget(after)} matches no release in the ledger, so there is no asset manifest to check its assets against; ` +
            "pass --skip-asset-check to move the aliases anyway",
        };
      }
      warnings.push(`assets of ${describeTarget(after)} were not checked (--skip-asset-check)`);
    } else {
      const manifestRead =
        speculativeManifest && after.releaseId === request.to ? await speculativeManifest : await readManifest(storage, target.env, after.releaseId);
      const assets = await checkAssets(storage, after.releaseId, manifestRead, listing);
      if (assets.kind === "manifest-missing") return { outcome: "refused", reason: "manifest-missing", message: assets.message };
      if (assets.kind === "assets-missing") {
        return { outcome: "refused", reason: "assets-missing", message: assets.message, missing: assets.missing };
      }
      manifestKey = assets.manifestKey;
    }
  }
  const moving = plan.kind === "move" ? target.functions.filter((fn) => plan.moving.includes(fn.id)) : [];

  if (request.dryRun) {
    const exists = await Promise.all(moving.map((fn) => lambda.versionExists(fn.functionName, after.versions[fn.id])));
    const gone = moving.find((_, i) => !exists[i]);
    if (gone) return { outcome: "refused", reason: "version-missing", message: versionMissing(gone.functionName, after.versions[gone.id]) };
    const what =
      plan.kind === "move"
        ? `would move ${describeAliases(moving)} (versions exist, ${manifestKey ? "assets present" : "assets not checked"})`
        : "would only record it (the aliases are already there)";
    return { outcome: "dry-run", before, after, message: `${what}: ${describeTarget(before)} → ${describeTarget(after)}` };
  }
  if (request.signal?.aborted) {
    return { outcome: "interrupted", before, message: `interrupted before anything moved: ${describeTarget(before)} still serves all traffic` };
  }

  let clearedCanary = false;
  if (plan.kind === "move") {
    // UpdateAlias refuses a version that does not exist, so it doubles as the existence check.
    const moved = await moveSet(
      lambda,
      moving.map((fn) => ({ fn, from: aliases[fn.id], to: { version: after.versions[fn.id], weights: {} } })),
      target.region,
    );
    if (moved.kind === "failed") throw failedMove(moved.error, moved.putBack);
    if (moved.kind === "split") return setSplit(target, before, after, moved.problem, moved.aliases);
    if (moved.kind === "refused") {
      const back = moved.putBack.length > 0 ? `; the aliases that had moved (${moved.putBack.join(", ")}) were put back` : "";
      const { fn, refusal } = moved;
      if (refusal.kind === "conflict") {
        return {
          outcome: "refused",
          reason: "conflict",
          message:
            `alias ${fn.alias} of ${fn.functionName} changed after it was read (RevisionId ${aliases[fn.id].revisionId} no longer matches: ${refusal.message}); ` +
            `someone else is releasing or rolling back. Nothing was overwritten${back}; check \`npm run releases\` and run the rollback again`,
        };
      }
      if (refusal.kind === "missing") {
        return { outcome: "refused", reason: "version-missing", message: `${versionMissing(fn.functionName, after.versions[fn.id])} (${refusal.message})${back}` };
      }
      return { outcome: "refused", reason: "no-revision-id", message: `${refusal.message}${back}` };
    }
    clearedCanary = plan.clearsCanary;
  } else {
    warnings.push(plan.message);
  }

  const draft: LedgerRecordDraft = {
    kind: "rollback",
    env: target.env,
    releaseId: after.releaseId,
    ...functionFields(target.functions, after.versions, before.versions),
    previousReleaseId: before.releaseId,
    manifestKey,
    gitSha: null,
    time: ports.clock.now().toISOString(),
    actor: request.actor,
    runUrl: request.runUrl,
    reason: request.reason,
  };
  let record: LedgerRecord;
  try {
    ({ record } = await appendRecord(storage, target.env, index, draft));
  } catch (error) {
    // Only moved aliases are worth the loud outcome; a record-only run changed nothing.
    if (plan.kind !== "move") throw error;
    return unrecordedMove(target.functions, "rollback", before, after, error);
  }
  return { outcome: plan.kind === "move" ? "rolled-back" : "recorded", before, after, record, clearedCanary, warnings };
}

function versionMissing(functionName: string, version: string): string {
  return `version ${version} of function ${functionName} no longer exists (pruned or deleted); choose another release with --to`;
}
