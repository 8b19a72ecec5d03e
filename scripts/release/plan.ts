/**
 * Pure decisions for release, rollback and prune: which version to serve, whether the move is
 * a no-op, pinned or refused, the canary's steps, and what prune may delete. No AWS here;
 * every function takes what was read and returns a tagged value.
 */
import type { AssetManifest } from "../../lib/asset-manifest";
import {
  findLiveRecordForVersion,
  findRelease,
  isLiveChange,
  ledgerHead,
  pinningRecord,
  releasedIds,
  type LedgerEntry,
  type LedgerIndex,
} from "./ledger";
import { errorMessage } from "../../lib/errors";
import type { AliasInfo, AliasState, PublishedVersion, ReleaseTarget, RoutingWeights, StoredObject } from "./ports";

/** A release (or a bare version) that `live` can serve. */
export interface ServingTarget {
  readonly version: string;
  /** null for a bare version no release in the ledger ran. */
  readonly releaseId: string | null;
}

export function hasWeights(weights: RoutingWeights): boolean {
  return Object.values(weights).some((w) => w > 0);
}

/** What `live` serves now, named by the ledger when it can be. */
export function describeServing(alias: Pick<AliasState, "version">, index: LedgerIndex): ServingTarget {
  return { version: alias.version, releaseId: findLiveRecordForVersion(index, alias.version)?.releaseId ?? null };
}

/** The newest published version, numerically (ListVersionsByFunction is not sorted that way). */
export function latestVersion(versions: readonly PublishedVersion[]): string | undefined {
  let latest: number | undefined;
  for (const { version } of versions) {
    if (/^\d+$/.test(version) && (latest === undefined || Number(version) > latest)) latest = Number(version);
  }
  return latest === undefined ? undefined : String(latest);
}

// ---------------------------------------------------------------------------------------
// release

export type ReleasePlan =
  | { readonly kind: "pinned"; readonly pin: LedgerEntry; readonly message: string }
  /** The alias already serves this release and the ledger says so. */
  | { readonly kind: "no-op"; readonly message: string }
  /** The alias already serves the version; only the ledger needs the record. */
  | { readonly kind: "record-only"; readonly message: string }
  /**
   * The alias serves a version the ledger's newest record does not: moved by hand, or a
   * rollback whose record was never written (so its pin is missing too). Stays put unless --unpin.
   */
  | { readonly kind: "drift"; readonly head: LedgerEntry; readonly message: string }
  | { readonly kind: "move"; readonly notes: readonly string[] };

export function planRelease(input: {
  readonly index: LedgerIndex;
  readonly alias: AliasState;
  readonly version: string;
  readonly releaseId: string;
  readonly unpin: boolean;
}): ReleasePlan {
  const { index, alias, version, releaseId } = input;
  const pin = pinningRecord(index);
  if (pin && !input.unpin) {
    return {
      kind: "pinned",
      pin,
      message:
        `the environment is pinned to ${describeEntry(pin)} by a rollback (ledger record ${pin.seq}); ` +
        "releases stay blocked until you pass --unpin (after fixing what the rollback was for)",
    };
  }
  const head = ledgerHead(index, alias.version);
  if (alias.version === version && !hasWeights(alias.weights)) {
    if (head && head.version === version && head.releaseId === releaseId && !pin) {
      return { kind: "no-op", message: `release ${releaseId} (version ${version}) is already live; nothing to do` };
    }
    return {
      kind: "record-only",
      message: `alias already serves version ${version}; recording release ${releaseId} in the ledger without moving it`,
    };
  }
  const notes: string[] = [];
  if (head && head.version !== alias.version) {
    const drift =
      `the alias serves version ${alias.version} but the ledger's newest record (${head.seq}) says ${describeEntry(head)}: ` +
      "it was moved outside these tools, or a rollback's record was not written (and with it the pin)";
    if (!input.unpin) {
      return {
        kind: "drift",
        head,
        message:
          `${drift}. Record what is live first (\`npm run rollback -- --env <env> --to ${alias.version}\` records it without moving anything), ` +
          "or pass --unpin to release anyway",
      };
    }
    notes.push(`${drift}; releasing anyway (--unpin)`);
  }
  if (hasWeights(alias.weights)) {
    notes.push(`the alias had routing weights ${formatWeights(alias.weights)} (an unfinished canary?); this release replaces them`);
  }
  if (Number(version) < Number(alias.version)) {
    notes.push(`version ${version} is older than the live version ${alias.version}; prefer \`rollback --to\` to go back`);
  }
  return { kind: "move", notes };
}

/**
 * Canary traffic shares for the new version, one per step, rising linearly from `percent`
 * towards 100 (which the final promotion reaches): 10 % in 3 steps gives 0.1, 0.4, 0.7.
 */
export function canaryWeights(percent: number, steps: number): number[] {
  if (!(percent > 0 && percent < 100)) throw new RangeError(`canary percent must be between 0 and 100, got ${percent}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`canary steps must be a whole number >= 1, got ${steps}`);
  return Array.from({ length: steps }, (_, i) => Math.round((percent + ((100 - percent) * i) / steps) * 10) / 1000);
}

// ---------------------------------------------------------------------------------------
// rollback

export type RollbackPlan =
  | { readonly kind: "refuse"; readonly reason: RollbackRefusal; readonly message: string }
  | { readonly kind: "no-op"; readonly target: ServingTarget; readonly message: string }
  | { readonly kind: "record-only"; readonly target: ServingTarget; readonly message: string }
  | { readonly kind: "move"; readonly target: ServingTarget; readonly clearsCanary: boolean };

export type RollbackRefusal = "unknown-release" | "nothing-earlier" | "ledger-drift" | "empty-ledger";

/**
 * Chooses what to roll back to. Default: the release before the one live now (repeated
 * rollbacks keep stepping back through releases), or, when a canary left routing weights
 * on the alias, the stable version (clearing the weights). `to` names any release id in the
 * ledger or a bare version number.
 */
export function planRollback(input: {
  readonly index: LedgerIndex;
  readonly alias: AliasState;
  readonly to?: string;
}): RollbackPlan {
  const { index, alias } = input;
  const resolved = input.to === undefined ? defaultRollbackTarget(index, alias) : resolveTo(index, input.to);
  if (resolved.kind === "refuse") return resolved;
  const target = resolved.target;

  if (alias.version === target.version && !hasWeights(alias.weights)) {
    const head = ledgerHead(index, alias.version);
    if (!head || (head.version === target.version && head.releaseId === target.releaseId)) {
      return { kind: "no-op", target, message: `${describeTarget(target)} is already live; nothing to do` };
    }
    return {
      kind: "record-only",
      target,
      message: `alias already serves ${describeTarget(target)} but the ledger's newest record is ${describeEntry(head)}; recording the rollback without moving the alias`,
    };
  }
  return { kind: "move", target, clearsCanary: hasWeights(alias.weights) };
}

type Resolved = { readonly kind: "target"; readonly target: ServingTarget } | Extract<RollbackPlan, { kind: "refuse" }>;

function resolveTo(index: LedgerIndex, to: string): Resolved {
  const release = findRelease(index, to);
  if (release) return { kind: "target", target: { version: release.version, releaseId: to } };
  if (/^\d+$/.test(to)) {
    const version = String(Number(to));
    const record = findLiveRecordForVersion(index, version);
    return { kind: "target", target: { version, releaseId: record?.releaseId ?? null } };
  }
  const known = releasedIds(index).slice(0, 10);
  return {
    kind: "refuse",
    reason: "unknown-release",
    message:
      `unknown release id ${JSON.stringify(to)}: the ledger has no release with that id; ` +
      (known.length > 0 ? `recent releases: ${known.join(", ")} (see \`npm run releases\`)` : "the ledger has no releases yet"),
  };
}

function defaultRollbackTarget(index: LedgerIndex, alias: AliasState): Resolved {
  if (hasWeights(alias.weights)) {
    // An unfinished canary: the stable version is the primary one; clear the weights.
    return { kind: "target", target: describeServing(alias, index) };
  }
  const head = ledgerHead(index, alias.version);
  if (!head) {
    return {
      kind: "refuse",
      reason: "empty-ledger",
      message: "the ledger has no releases to roll back to; pass --to <version> to point the alias at a version",
    };
  }
  if (head.version !== alias.version) {
    return {
      kind: "refuse",
      reason: "ledger-drift",
      message:
        `alias serves version ${alias.version} but the ledger's newest record (${head.seq}) says ${describeEntry(head)}: ` +
        "it was moved outside these tools or a record was not written; pass --to <release-id|version> to choose the target",
    };
  }
  // Step back from the release that made the live version live, skipping releases of the same version.
  const releases = index.entries.filter((e) => e.kind === "release");
  const anchor = releases.findIndex((e) => (head.releaseId !== null ? e.releaseId === head.releaseId : e.version === head.version));
  const previous = anchor === -1 ? undefined : releases.slice(anchor + 1).find((e) => e.version !== head.version);
  if (!previous) {
    return {
      kind: "refuse",
      reason: "nothing-earlier",
      message: `no release before ${describeEntry(head)} in the ledger; nothing to roll back to`,
    };
  }
  return { kind: "target", target: { version: previous.version, releaseId: previous.releaseId } };
}

// ---------------------------------------------------------------------------------------
// assets

/** Keys a manifest lists that are not in the bucket, in manifest order. */
export function missingAssets(manifest: Pick<AssetManifest, "assets">, present: ReadonlySet<string>): string[] {
  return manifest.assets.map((a) => a.key).filter((key) => !present.has(key));
}

// ---------------------------------------------------------------------------------------
// prune

export interface PruneInput {
  readonly index: LedgerIndex;
  /** Every alias of the function: a version any alias serves or routes to is kept. */
  readonly aliases: readonly AliasInfo[];
  readonly liveAlias: string;
  readonly versions: readonly PublishedVersion[];
  readonly assets: readonly StoredObject[];
  /** Asset manifests, by release id, of every release prune has to keep (see `releasesToKeep`). */
  readonly manifests: ReadonlyMap<string, AssetManifest | undefined>;
  /** Manifests younger than the age limit (releases synced but maybe not released yet). */
  readonly recentManifests: readonly AssetManifest[];
  readonly keep: number;
  readonly minAgeDays: number;
  readonly now: Date;
}

export type PrunePlan =
  | { readonly kind: "refuse"; readonly message: string }
  | {
      readonly kind: "plan";
      readonly keptReleases: readonly string[];
      readonly keptVersions: readonly string[];
      readonly deleteAssets: readonly StoredObject[];
      readonly deleteVersions: readonly PublishedVersion[];
    };

/** The last `keep` released ids plus the releases any alias serves now. */
export function releasesToKeep(index: LedgerIndex, aliases: readonly AliasInfo[], keep: number): string[] {
  const kept = releasedIds(index).slice(0, keep);
  for (const version of aliasVersions(aliases)) {
    const id = findLiveRecordForVersion(index, version)?.releaseId ?? findReleaseOfVersion(index, version);
    if (id && !kept.includes(id)) kept.push(id);
  }
  return kept;
}

export function planPrune(input: PruneInput): PrunePlan {
  const cutoff = input.now.getTime() - input.minAgeDays * 86_400_000;
  const young = (date: Date | undefined) => date === undefined || date.getTime() > cutoff;
  const keptReleases = releasesToKeep(input.index, input.aliases, input.keep);

  const live = input.aliases.find((a) => a.name === input.liveAlias);
  if (!live) return { kind: "refuse", message: `the function has no alias ${input.liveAlias}; refusing to prune without knowing what is live` };
  // Assets are tracked per release, so every version `live` serves must be a known release.
  const unnamed = aliasVersions([live]).filter(
    (v) => !keptReleases.some((id) => findRelease(input.index, id)?.version === v),
  );
  if (unnamed.length > 0) {
    return {
      kind: "refuse",
      message:
        `version ${unnamed.join(", ")} (served by alias ${live.name}) matches no release in the ledger, so its assets are unknown; ` +
        "refusing to prune. Release it through `npm run release` first",
    };
  }
  const unreadable = keptReleases.filter((id) => input.manifests.get(id) === undefined);
  if (unreadable.length > 0) {
    return {
      kind: "refuse",
      message: `the asset manifest of kept release ${unreadable.join(", ")} is missing or invalid, so the assets it needs are unknown; refusing to prune`,
    };
  }

  const keptKeys = new Set<string>();
  for (const manifest of [...input.manifests.values(), ...input.recentManifests]) {
    for (const asset of manifest?.assets ?? []) keptKeys.add(asset.key);
  }
  const deleteAssets = input.assets.filter((a) => !keptKeys.has(a.key) && !young(a.lastModified));

  const keptVersions = new Set<string>(aliasVersions(input.aliases));
  for (const id of keptReleases) {
    const version = findRelease(input.index, id)?.version;
    if (version) keptVersions.add(version);
  }
  // Versions newer than anything released may be about to be released (Terraform just
  // published them), and the newest is the one Terraform's state points at.
  const newestReleased = Math.max(0, ...input.index.entries.filter(isLiveChange).map((e) => Number(e.version)));
  const newestPublished = latestVersion(input.versions);
  const deleteVersions = input.versions.filter(
    (v) =>
      /^\d+$/.test(v.version) &&
      !keptVersions.has(v.version) &&
      Number(v.version) <= newestReleased &&
      v.version !== newestPublished &&
      !young(v.lastModified),
  );
  return {
    kind: "plan",
    keptReleases,
    keptVersions: [...keptVersions].sort((a, b) => Number(a) - Number(b)),
    deleteAssets,
    deleteVersions,
  };
}

function aliasVersions(aliases: readonly AliasInfo[]): string[] {
  const versions = new Set<string>();
  for (const alias of aliases) {
    versions.add(alias.version);
    for (const [version, weight] of Object.entries(alias.weights)) if (weight > 0) versions.add(version);
  }
  versions.delete("$LATEST");
  return [...versions];
}

function findReleaseOfVersion(index: LedgerIndex, version: string): string | undefined {
  return index.entries.find((e) => e.kind === "release" && e.version === version)?.releaseId ?? undefined;
}

// ---------------------------------------------------------------------------------------
// outcomes shared by release and rollback

export interface MovedUnrecorded {
  readonly outcome: "moved-unrecorded";
  readonly kind: "release" | "rollback";
  readonly before: ServingTarget;
  /** What the alias serves now. */
  readonly after: ServingTarget;
  /** Why the record was not written. */
  readonly error: string;
  readonly message: string;
}

/**
 * The alias moved but its record was not written (PutObject denied or throttled, the ledger
 * key taken too often). Not an exception: the caller must say loudly that the alias DID move,
 * because a lost rollback record is a lost pin and the next release would move forward.
 * Running the same command again records it without moving anything (the "record-only" path).
 */
export function unrecordedMove(
  target: Pick<ReleaseTarget, "alias" | "functionName">,
  kind: MovedUnrecorded["kind"],
  before: ServingTarget,
  after: ServingTarget,
  error: unknown,
): MovedUnrecorded {
  const why = errorMessage(error);
  return {
    outcome: "moved-unrecorded",
    kind,
    before,
    after,
    error: why,
    message:
      `alias ${target.alias} of ${target.functionName} DID move: ${describeTarget(before)} → ${describeTarget(after)}, ` +
      `but the ledger record of this ${kind} was not written (${why})` +
      (kind === "rollback" ? "; until it is, the environment is NOT pinned and the next release would move it forward" : ""),
  };
}

// ---------------------------------------------------------------------------------------
// wording

export function describeTarget(target: ServingTarget): string {
  return target.releaseId === null ? `version ${target.version}` : `release ${target.releaseId} (version ${target.version})`;
}

export function describeEntry(entry: Pick<LedgerEntry, "releaseId" | "version">): string {
  return describeTarget(entry);
}

export function formatWeights(weights: RoutingWeights): string {
  const parts = Object.entries(weights).map(([v, w]) => `${v}: ${Math.round(w * 1000) / 10}%`);
  return parts.length === 0 ? "none" : `{${parts.join(", ")}}`;
}
