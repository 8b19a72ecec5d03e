/**
 * `rollback`: point alias `live` back at an earlier release's immutable version. No
 * Terraform run, no cache invalidation: the old version's HTML references hashed assets
 * that are still in the bucket (checked before anything moves).
 *
 * Budget: six AWS calls in four round trips. Ledger listing, GetAlias and the assets
 * listing run together; then the target's manifest (fetched with them when --to names a
 * release); then UpdateAlias with the RevisionId just read; then the ledger record.
 */
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import type { LedgerRecord } from "./ledger";
import { describeServing, describeTarget, planRollback, unrecordedMove, type MovedUnrecorded, type RollbackRefusal, type ServingTarget } from "./plan";
import type { ReleasePorts, ReleaseTarget } from "./ports";
import { appendRecord, checkAssets, listAssets, readLedger, readManifest } from "./store";

export interface RollbackRequest {
  /** A release id from the ledger or a bare version; the release before the live one when absent. */
  readonly to?: string;
  readonly reason: string | null;
  readonly dryRun: boolean;
  /** Allows a bare version no release in the ledger ran, whose assets cannot be checked. */
  readonly skipAssetCheck: boolean;
  readonly actor: string;
  readonly runUrl: string | null;
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
  /** The alias moved back but the rollback record (and with it the pin) was not written. */
  | MovedUnrecorded
  | {
      readonly outcome: "refused";
      readonly reason:
        | RollbackRefusal
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

export async function rollback(target: ReleaseTarget, ports: ReleasePorts, request: RollbackRequest): Promise<RollbackResult> {
  const { lambda, storage } = ports;
  const speculativeManifest =
    request.to !== undefined && RELEASE_ID_PATTERN.test(request.to) ? readManifest(storage, target.env, request.to) : undefined;
  // Don't leave a rejected speculative read unhandled while the first batch runs.
  speculativeManifest?.catch(() => undefined);
  const [index, alias, listing] = await Promise.all([
    readLedger(storage, target.env),
    lambda.getAlias(target.functionName, target.alias),
    listAssets(storage),
  ]);
  if (alias.kind === "missing") {
    return {
      outcome: "refused",
      reason: "alias-missing",
      message: `cannot read alias ${target.alias} of function ${target.functionName}: ${alias.message}. Check --env, --function-name and --alias`,
    };
  }

  const before = describeServing(alias, index);
  const plan = planRollback({ index, alias, to: request.to });
  if (plan.kind === "refuse") return { outcome: "refused", reason: plan.reason, message: plan.message };
  if (plan.kind === "no-op") return { outcome: "no-op", before, message: plan.message };
  const after = plan.target;

  const warnings: string[] = [];
  let manifestKey: string | null = null;
  if (plan.kind === "move") {
    if (after.releaseId === null) {
      if (!request.skipAssetCheck) {
        return {
          outcome: "refused",
          reason: "unverifiable",
          message:
            `version ${after.version} matches no release in the ledger, so there is no asset manifest to check its assets against; ` +
            "pass --skip-asset-check to move the alias anyway",
        };
      }
      warnings.push(`assets of version ${after.version} were not checked (--skip-asset-check)`);
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

  if (request.dryRun) {
    if (plan.kind === "move" && !(await lambda.versionExists(target.functionName, after.version))) {
      return { outcome: "refused", reason: "version-missing", message: versionMissing(target, after.version) };
    }
    const what =
      plan.kind === "move"
        ? `would move alias ${target.alias} (version exists, ${manifestKey ? "assets present" : "assets not checked"})`
        : "would only record it (the alias is already there)";
    return { outcome: "dry-run", before, after, message: `${what}: ${describeTarget(before)} → ${describeTarget(after)}` };
  }

  let clearedCanary = false;
  if (plan.kind === "move") {
    // UpdateAlias refuses a version that does not exist, so it doubles as the existence check.
    const moved = await lambda.updateAlias({
      functionName: target.functionName,
      alias: target.alias,
      version: after.version,
      weights: {},
      revisionId: alias.revisionId,
    });
    if (moved.kind === "conflict") {
      return {
        outcome: "refused",
        reason: "conflict",
        message:
          `alias ${target.alias} of ${target.functionName} changed after it was read (RevisionId ${alias.revisionId} no longer matches: ${moved.message}); ` +
          "someone else is releasing or rolling back. Nothing was overwritten; check `npm run releases` and run the rollback again",
      };
    }
    if (moved.kind === "missing") {
      return { outcome: "refused", reason: "version-missing", message: `${versionMissing(target, after.version)} (${moved.message})` };
    }
    if (moved.kind === "unguarded") return { outcome: "refused", reason: "no-revision-id", message: moved.message };
    clearedCanary = plan.clearsCanary;
  } else {
    warnings.push(plan.message);
  }

  const draft = {
    kind: "rollback",
    env: target.env,
    releaseId: after.releaseId,
    version: after.version,
    previousVersion: before.version,
    previousReleaseId: before.releaseId,
    manifestKey,
    gitSha: null,
    time: ports.clock.now().toISOString(),
    actor: request.actor,
    runUrl: request.runUrl,
    functionName: target.functionName,
    alias: target.alias,
    reason: request.reason,
  } as const;
  let record: LedgerRecord;
  try {
    ({ record } = await appendRecord(storage, target.env, index, draft));
  } catch (error) {
    // Only a moved alias is worth the loud outcome; a record-only run changed nothing.
    if (plan.kind !== "move") throw error;
    return unrecordedMove(target, "rollback", before, after, error);
  }
  return { outcome: plan.kind === "move" ? "rolled-back" : "recorded", before, after, record, clearedCanary, warnings };
}

function versionMissing(target: ReleaseTarget, version: string): string {
  return `version ${version} of function ${target.functionName} no longer exists (pruned or deleted); choose another release with --to`;
}
