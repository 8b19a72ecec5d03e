/**
 * `prune`: delete assets and Lambda versions no kept release needs, for every function of
 * the release. Kept: the last `keep` releases (every function's version in them), whatever
 * any alias serves, anything younger than `minAgeDays`, and versions newer than the newest
 * release of that function (published by Terraform, maybe about to be released). Without
 * `yes` it only reports what it would delete. Manifests and ledger records are never
 * deleted: the ledger is append-only.
 */
import { UserError } from "../../lib/errors";
import { releasesPrefix } from "../../lib/naming";
import { ledgerFunctions, planPrune, releasesToKeep, type PruneFunction, type VersionToDelete } from "./plan";
import type { ReleasePorts, ReleaseTarget, StoredObject } from "./ports";
import type { AssetManifest } from "../../lib/asset-manifest";
import { listAllAssets, manifestKeyOf, parseManifest, readLedger } from "./store";

export interface PruneRequest {
  readonly keep: number;
  readonly minAgeDays: number;
  readonly yes: boolean;
  /** Called as each deletion finishes (the CLI drives a progress bar with it). */
  readonly onProgress?: (done: number, total: number) => void;
}

export type PruneResult =
  | { readonly outcome: "refused"; readonly message: string }
  | {
      readonly outcome: "dry-run" | "pruned" | "partial";
      readonly keptReleases: readonly string[];
      /** Kept versions by function id. */
      readonly keptVersions: Readonly<Record<string, readonly string[]>>;
      readonly assets: readonly StoredObject[];
      readonly versions: readonly VersionToDelete[];
      /** What AWS refused to delete (outcome "partial"). */
      readonly failures: readonly { readonly what: string; readonly message: string }[];
    };

const MANIFEST_SUFFIX = ".assets.json";
const VERSION_DELETE_CONCURRENCY = 4;

export async function prune(given: ReleaseTarget, ports: ReleasePorts, request: PruneRequest): Promise<PruneResult> {
  const { lambda, storage, clock } = ports;
  const manifestPrefix = releasesPrefix({ name: given.env });
  const [index, assets, manifestObjects] = await Promise.all([
    readLedger(storage, given.env),
    listAllAssets(storage),
    storage.list(manifestPrefix, { delimiter: "/" }),
  ]);
  const target = { ...given, functions: ledgerFunctions(given, index) };
  const perFunction = await Promise.all(
    target.functions.map((fn) => Promise.all([lambda.listAliases(fn.functionName), lambda.listVersions(fn.functionName)])),
  );
  const functions: PruneFunction[] = target.functions.map((fn, i) => {
    const [aliases, versions] = perFunction[i];
    if (versions === undefined) throw new UserError(`function ${fn.functionName} does not exist; check --env and --function-name`);
    return { id: fn.id, functionName: fn.functionName, liveAlias: fn.alias, aliases, versions };
  });

  const now = clock.now();
  const cutoff = now.getTime() - request.minAgeDays * 86_400_000;
  const kept = releasesToKeep(index, functions, request.keep);
  const recentKeys = manifestObjects
    .filter((o) => o.key.endsWith(MANIFEST_SUFFIX) && (o.lastModified === undefined || o.lastModified.getTime() > cutoff))
    .map((o) => o.key);
  const keys = [...new Set([...kept.map((id) => manifestKeyOf(target.env, id)), ...recentKeys])];
  const texts = await Promise.all(keys.map((key) => storage.getText(key)));
  const byKey = new Map(keys.map((key, i) => [key, parseManifest(key, texts[i])]));

  const manifests = new Map<string, AssetManifest | undefined>();
  for (const id of kept) {
    const read = byKey.get(manifestKeyOf(target.env, id));
    manifests.set(id, read?.kind === "found" ? read.manifest : undefined);
  }
  const recentManifests: AssetManifest[] = [];
  for (const key of recentKeys) {
    const read = byKey.get(key);
    if (read?.kind === "found") recentManifests.push(read.manifest);
    else {
      return {
        outcome: "refused",
        message: `the recent asset manifest s3://${storage.bucket}/${key} is ${read?.kind === "invalid" ? `invalid (${read.problem})` : "unreadable"}; refusing to prune assets it may reference`,
      };
    }
  }

  const plan = planPrune({ index, functions, assets, manifests, recentManifests, keep: request.keep, minAgeDays: request.minAgeDays, now });
  if (plan.kind === "refuse") return { outcome: "refused", message: plan.message };
  const summary = {
    keptReleases: plan.keptReleases,
    keptVersions: plan.keptVersions,
    assets: plan.deleteAssets,
    versions: plan.deleteVersions,
  };
  if (!request.yes) return { outcome: "dry-run", ...summary, failures: [] };

  const total = plan.deleteAssets.length + plan.deleteVersions.length;
  let done = 0;
  const failures: { what: string; message: string }[] = [];
  const assetFailures = await storage.deleteKeys(plan.deleteAssets.map((a) => a.key));
  failures.push(...assetFailures.map((f) => ({ what: `s3://${storage.bucket}/${f.key}`, message: f.message })));
  done += plan.deleteAssets.length;
  request.onProgress?.(done, total);

  const queue = [...plan.deleteVersions];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const result = await lambda.deleteVersion(next.functionName, next.version);
      if (result.kind === "failed") failures.push({ what: `${next.functionName}:${next.version}`, message: result.message });
      request.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: VERSION_DELETE_CONCURRENCY }, worker));
  return { outcome: failures.length > 0 ? "partial" : "pruned", ...summary, failures };
}
