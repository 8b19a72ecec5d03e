/**
 * Pure decisions for release, rollback and prune: which versions to serve, whether the move
 * is a no-op, pinned or refused, the canary's steps, and what prune may delete. A release is
 * a set of function versions (version-set.ts); every decision is made for the whole set. No
 * AWS here; every function takes what was read and returns a tagged value.
 */
import type { AssetManifest } from "../../lib/asset-manifest";
import {
  findLiveRecordFor,
  findRelease,
  isLiveChange,
  ledgerHead,
  pinningRecord,
  releasedIds,
  type LedgerEntry,
  type LedgerIndex,
} from "./ledger";
import { errorMessage } from "../../lib/errors";
import type { AliasInfo, AliasState, GetAliasResult, PublishedVersion, ReleaseFunction, ReleaseTarget, RoutingWeights, StoredObject } from "./ports";
import { agrees, describeSet, formatSet, isSetText, parseSet, sameSet, SERVER_ID, setIds, type VersionSet } from "./version-set";

/** A release (or bare versions) that the aliases can serve. */
export interface ServingTarget {
  /** The server's version. */
  readonly version: string;
  /** Every function's version (`{ server }` alone for a single-function release). */
  readonly versions: VersionSet;
  /** null for versions no release in the ledger ran. */
  readonly releaseId: string | null;
}

/** What each function's alias serves, by function id. */
export type AliasSet = Readonly<Record<string, AliasState>>;

export function hasWeights(weights: RoutingWeights): boolean {
  return Object.values(weights).some((w) => w > 0);
}

/** The aliases read for each function, by id; or, when one is missing, which and why. */
export function aliasSetOf(
  functions: readonly ReleaseFunction[],
  reads: readonly GetAliasResult[],
): { readonly ok: true; readonly aliases: AliasSet } | { readonly ok: false; readonly message: string } {
  const aliases: Record<string, AliasState> = {};
  for (const [i, fn] of functions.entries()) {
    const read = reads[i];
    if (read.kind === "missing") return { ok: false, message: `cannot read alias ${fn.alias} of function ${fn.functionName}: ${read.message}` };
    aliases[fn.id] = read;
  }
  return { ok: true, aliases };
}

/**
 * The functions of the release live now, for commands that take the set from the ledger
 * (`functionsOf`): the ids the newest release or rollback names (the server alone before the
 * first one), the server first.
 */
export function ledgerFunctions(target: ReleaseTarget, index: LedgerIndex): readonly ReleaseFunction[] {
  if (!target.functionsOf) return target.functions;
  const head = ledgerHead(index);
  return target.functionsOf(setIds(head?.versions ?? { [SERVER_ID]: "" }));
}

/** The primary version of every alias of the set. */
export function servedSet(aliases: AliasSet): VersionSet {
  return Object.fromEntries(Object.entries(aliases).map(([id, alias]) => [id, alias.version]));
}

/** Function ids whose alias routes part of its traffic to another version (an unfinished canary). */
export function weightedIds(aliases: AliasSet): string[] {
  return Object.keys(aliases).filter((id) => hasWeights(aliases[id].weights));
}

/** What the aliases serve now, named by the ledger when it can be. */
export function describeServing(aliases: AliasSet, index: LedgerIndex): ServingTarget {
  return nameSet(servedSet(aliases), index);
}

/** A set of versions, with the release the ledger says made it live (null when none did). */
export function nameSet(versions: VersionSet, index: LedgerIndex): ServingTarget {
  return { version: versions[SERVER_ID], versions, releaseId: findLiveRecordFor(index, versions)?.releaseId ?? null };
}

/** The newest published version, numerically (ListVersionsByFunction is not sorted that way). */
export function latestVersion(versions: readonly PublishedVersion[]): string | undefined {
  let latest: number | undefined;
  for (const { version } of versions) {
    if (/^\d+$/.test(version) && (latest === undefined || Number(version) > latest)) latest = Number(version);
  }
  return latest === undefined ? undefined : String(latest);
}

/** The ledger's newest record agrees with what the aliases serve (for every function it names). */
function ledgerMatches(head: LedgerEntry, served: VersionSet): boolean {
  return head.version === served[SERVER_ID] && agrees(head.versions, served);
}

function driftMessage(head: LedgerEntry, served: VersionSet): string {
  return (
    `the aliases serve ${describeSet(served)} but the ledger's newest record (${head.seq}) says ${describeEntry(head)}: ` +
    "they were moved outside these tools, or a rollback's record was not written (and with it the pin)"
  );
}

// ---------------------------------------------------------------------------------------
// release

export type ReleasePlan =
  | { readonly kind: "pinned"; readonly pin: LedgerEntry; readonly message: string }
  /** Every alias already serves this release and the ledger says so. */
  | { readonly kind: "no-op"; readonly message: string }
  /** Every alias already serves its version; only the ledger needs the record. */
  | { readonly kind: "record-only"; readonly message: string }
  /**
   * The aliases serve versions the ledger's newest record does not: moved by hand, or a
   * rollback whose record was never written (so its pin is missing too). Stays put unless --unpin.
   */
  | { readonly kind: "drift"; readonly head: LedgerEntry; readonly message: string }
  /** `moving`: the ids of the functions whose alias changes. */
  | { readonly kind: "move"; readonly moving: readonly string[]; readonly notes: readonly string[] };

export function planRelease(input: {
  readonly index: LedgerIndex;
  readonly aliases: AliasSet;
  /** The version of every function of the release. */
  readonly versions: VersionSet;
  readonly releaseId: string;
  readonly unpin: boolean;
}): ReleasePlan {
  const { index, aliases, versions, releaseId } = input;
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
  const served = servedSet(aliases);
  const head = ledgerHead(index, served[SERVER_ID]);
  const moving = Object.keys(aliases).filter((id) => aliases[id].version !== versions[id] || hasWeights(aliases[id].weights));
  if (moving.length === 0) {
    if (head && head.releaseId === releaseId && sameSet(head.versions, versions) && !pin) {
      return { kind: "no-op", message: `release ${releaseId} (${describeSet(versions)}) is already live; nothing to do` };
    }
    return {
      kind: "record-only",
      message: `the aliases already serve ${describeSet(versions)}; recording release ${releaseId} in the ledger without moving them`,
    };
  }
  const notes: string[] = [];
  if (head && !ledgerMatches(head, served)) {
    const drift = driftMessage(head, served);
    if (!input.unpin) {
      return {
        kind: "drift",
        head,
        message:
          `${drift}. Record what is live first (\`npm run rollback -- --env <env> --to ${formatSet(served)}\` records it without moving anything), ` +
          "or pass --unpin to release anyway",
      };
    }
    notes.push(`${drift}; releasing anyway (--unpin)`);
  }
  for (const id of weightedIds(aliases)) {
    notes.push(`the ${id} alias had routing weights ${formatWeights(aliases[id].weights)} (an unfinished canary?); this release replaces them`);
  }
  if (Number(versions[SERVER_ID]) < Number(served[SERVER_ID])) {
    notes.push(`version ${versions[SERVER_ID]} is older than the live version ${served[SERVER_ID]}; prefer \`rollback --to\` to go back`);
  }
  return { kind: "move", moving, notes };
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

/**
 * Functions of the set no alarm watches: a canary shifting their traffic would not see them
 * fail. An alarm watches a function when its metric (or a metric its expression reads) has
 * the function's `FunctionName` dimension.
 */
export function unwatchedFunctions(
  functions: readonly ReleaseFunction[],
  alarms: readonly { readonly functionNames: readonly string[] }[],
): ReleaseFunction[] {
  const watched = new Set(alarms.flatMap((a) => a.functionNames));
  return functions.filter((fn) => !watched.has(fn.functionName));
}

// ---------------------------------------------------------------------------------------
// rollback

export type RollbackPlan =
  | { readonly kind: "refuse"; readonly reason: RollbackRefusal; readonly message: string }
  | { readonly kind: "no-op"; readonly target: ServingTarget; readonly message: string }
  | { readonly kind: "record-only"; readonly target: ServingTarget; readonly notes: readonly string[]; readonly message: string }
  | {
      readonly kind: "move";
      /** Every function's version once the rollback is done (functions the target does not name stay). */
      readonly target: ServingTarget;
      /** The ids of the functions whose alias changes. */
      readonly moving: readonly string[];
      readonly clearsCanary: boolean;
      readonly notes: readonly string[];
    };

export type RollbackRefusal = "unknown-release" | "bad-target" | "nothing-earlier" | "ledger-drift" | "empty-ledger";

/**
 * Chooses what to roll back to. Default: the release before the one live now (repeated
 * rollbacks keep stepping back through releases), or, when a canary left routing weights
 * on an alias, the stable versions (clearing the weights). `to` names any release id in the
 * ledger, a bare server version, or versions by function (`server=12,image=7`). Every
 * function the target names goes back; a function it does not name (one added since)
 * stays where it is, with its weights cleared.
 */
export function planRollback(input: { readonly index: LedgerIndex; readonly aliases: AliasSet; readonly to?: string }): RollbackPlan {
  const { index, aliases } = input;
  const resolved = input.to === undefined ? defaultRollbackTarget(index, aliases) : resolveTo(index, input.to, Object.keys(aliases));
  if (resolved.kind === "refuse") return resolved;

  const notes: string[] = [];
  const versions: Record<string, string> = {};
  for (const id of Object.keys(aliases)) {
    const wanted = resolved.target.versions[id];
    if (wanted === undefined) {
      notes.push(`${describeTarget(resolved.target)} names no ${id} function (it predates it): the ${id} alias stays on version ${aliases[id].version}`);
    }
    versions[id] = wanted ?? aliases[id].version;
  }
  for (const id of Object.keys(resolved.target.versions).filter((id) => aliases[id] === undefined)) {
    notes.push(`${describeTarget(resolved.target)} also ran a ${id} function, which this environment's release no longer has: left alone`);
  }
  const target: ServingTarget = { version: versions[SERVER_ID], versions, releaseId: resolved.target.releaseId };
  const moving = Object.keys(aliases).filter((id) => aliases[id].version !== versions[id] || hasWeights(aliases[id].weights));

  if (moving.length === 0) {
    const head = ledgerHead(index, aliases[SERVER_ID].version);
    if (!head || (head.releaseId === target.releaseId && ledgerMatches(head, versions))) {
      return { kind: "no-op", target, message: `${describeTarget(target)} is already live; nothing to do` };
    }
    return {
      kind: "record-only",
      target,
      notes,
      message: `the aliases already serve ${describeTarget(target)} but the ledger's newest record is ${describeEntry(head)}; recording the rollback without moving them`,
    };
  }
  return { kind: "move", target, moving, clearsCanary: weightedIds(aliases).length > 0, notes };
}

type Resolved = { readonly kind: "target"; readonly target: ServingTarget } | Extract<RollbackPlan, { kind: "refuse" }>;

function resolveTo(index: LedgerIndex, to: string, ids: readonly string[]): Resolved {
  const release = findRelease(index, to);
  if (release) return { kind: "target", target: { version: release.version, versions: release.versions, releaseId: to } };
  if (isSetText(to)) {
    const parsed = parseSet(to, ids);
    if (!parsed.ok) return { kind: "refuse", reason: "bad-target", message: `--to ${JSON.stringify(to)}: ${parsed.problem}` };
    const named = parsed.set[SERVER_ID] === undefined ? undefined : findLiveRecordFor(index, parsed.set);
    // A bare server version stands for the whole set of the release that ran it, when the ledger knows one.
    const versions = /^\d+$/.test(to) && named ? named.versions : parsed.set;
    return { kind: "target", target: { version: versions[SERVER_ID] ?? "", versions, releaseId: named?.releaseId ?? null } };
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

function defaultRollbackTarget(index: LedgerIndex, aliases: AliasSet): Resolved {
  if (weightedIds(aliases).length > 0) {
    // An unfinished canary: the stable versions are the primary ones; clear the weights.
    return { kind: "target", target: describeServing(aliases, index) };
  }
  const served = servedSet(aliases);
  const head = ledgerHead(index, served[SERVER_ID]);
  if (!head) {
    return {
      kind: "refuse",
      reason: "empty-ledger",
      message: "the ledger has no releases to roll back to; pass --to <version> to point the alias at a version",
    };
  }
  if (!ledgerMatches(head, served)) {
    return {
      kind: "refuse",
      reason: "ledger-drift",
      message: `${driftMessage(head, served)}; pass --to <release-id|version> to choose the target`,
    };
  }
  // Step back from the release that made the live set live, skipping releases of the same set.
  const releases = index.entries.filter((e) => e.kind === "release");
  const anchor = releases.findIndex((e) => (head.releaseId !== null ? e.releaseId === head.releaseId : sameSet(e.versions, head.versions)));
  const previous = anchor === -1 ? undefined : releases.slice(anchor + 1).find((e) => !agrees(e.versions, head.versions));
  if (!previous) {
    return {
      kind: "refuse",
      reason: "nothing-earlier",
      message: `no release before ${describeEntry(head)} in the ledger; nothing to roll back to`,
    };
  }
  return { kind: "target", target: { version: previous.version, versions: previous.versions, releaseId: previous.releaseId } };
}

// ---------------------------------------------------------------------------------------
// assets

/** Keys a manifest lists that are not in the bucket, in manifest order. */
export function missingAssets(manifest: Pick<AssetManifest, "assets">, present: ReadonlySet<string>): string[] {
  return manifest.assets.map((a) => a.key).filter((key) => !present.has(key));
}

// ---------------------------------------------------------------------------------------
// prune

/** One function of the release as prune reads it. */
export interface PruneFunction {
  readonly id: string;
  readonly functionName: string;
  /** The alias release moves (`live`). */
  readonly liveAlias: string;
  /** Every alias of the function: a version any alias serves or routes to is kept. */
  readonly aliases: readonly AliasInfo[];
  readonly versions: readonly PublishedVersion[];
}

export interface PruneInput {
  readonly index: LedgerIndex;
  /** The functions of the release, the server first. */
  readonly functions: readonly PruneFunction[];
  readonly assets: readonly StoredObject[];
  /** Asset manifests, by release id, of every release prune has to keep (see `releasesToKeep`). */
  readonly manifests: ReadonlyMap<string, AssetManifest | undefined>;
  /** Manifests younger than the age limit (releases synced but maybe not released yet). */
  readonly recentManifests: readonly AssetManifest[];
  readonly keep: number;
  readonly minAgeDays: number;
  readonly now: Date;
}

/** A published version prune would delete. */
export interface VersionToDelete extends PublishedVersion {
  readonly functionId: string;
  readonly functionName: string;
}

export type PrunePlan =
  | { readonly kind: "refuse"; readonly message: string }
  | {
      readonly kind: "plan";
      readonly keptReleases: readonly string[];
      /** Kept versions by function id. */
      readonly keptVersions: Readonly<Record<string, readonly string[]>>;
      readonly deleteAssets: readonly StoredObject[];
      readonly deleteVersions: readonly VersionToDelete[];
    };

/**
 * The last `keep` released ids, plus the release each alias of each function serves (or
 * routes canary traffic to), as the ledger names it.
 */
export function releasesToKeep(index: LedgerIndex, functions: readonly Pick<PruneFunction, "id" | "aliases">[], keep: number): string[] {
  const kept = releasedIds(index).slice(0, keep);
  for (const fn of functions) {
    for (const version of aliasVersions(fn.aliases)) {
      const made = (e: LedgerEntry) => e.versions[fn.id] === version && e.releaseId !== null;
      const id = index.entries.find((e) => isLiveChange(e) && made(e))?.releaseId ?? index.entries.find((e) => e.kind === "release" && made(e))?.releaseId;
      if (id && !kept.includes(id)) kept.push(id);
    }
  }
  return kept;
}

export function planPrune(input: PruneInput): PrunePlan {
  const cutoff = input.now.getTime() - input.minAgeDays * 86_400_000;
  const young = (date: Date | undefined) => date === undefined || date.getTime() > cutoff;
  const keptReleases = releasesToKeep(input.index, input.functions, input.keep);
  const keptRecords = input.index.entries.filter((e) => e.kind === "release" && e.releaseId !== null && keptReleases.includes(e.releaseId));

  for (const fn of input.functions) {
    if (!fn.aliases.some((a) => a.name === fn.liveAlias)) {
      return { kind: "refuse", message: `function ${fn.functionName} (${fn.id}) has no alias ${fn.liveAlias}; refusing to prune without knowing what is live` };
    }
  }
  // Assets are tracked per release, so every version the server's `live` serves must be a known release.
  const server = input.functions[0];
  const live = server.aliases.filter((a) => a.name === server.liveAlias);
  const unnamed = aliasVersions(live).filter((v) => !keptRecords.some((e) => e.versions[server.id] === v));
  if (unnamed.length > 0) {
    return {
      kind: "refuse",
      message:
        `version ${unnamed.join(", ")} of ${server.functionName} (served by alias ${server.liveAlias}) matches no release in the ledger, so its assets are unknown; ` +
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

  const keptVersions: Record<string, string[]> = {};
  const deleteVersions: VersionToDelete[] = [];
  for (const fn of input.functions) {
    const kept = new Set<string>(aliasVersions(fn.aliases));
    for (const record of keptRecords) if (record.versions[fn.id] !== undefined) kept.add(record.versions[fn.id]);
    keptVersions[fn.id] = [...kept].sort((a, b) => Number(a) - Number(b));
    // Versions newer than anything released may be about to be released (Terraform just
    // published them), and the newest is the one Terraform's state points at.
    const newestReleased = Math.max(0, ...input.index.entries.filter(isLiveChange).map((e) => Number(e.versions[fn.id] ?? 0)));
    const newestPublished = latestVersion(fn.versions);
    for (const v of fn.versions) {
      if (/^\d+$/.test(v.version) && !kept.has(v.version) && Number(v.version) <= newestReleased && v.version !== newestPublished && !young(v.lastModified)) {
        deleteVersions.push({ ...v, functionId: fn.id, functionName: fn.functionName });
      }
    }
  }
  return { kind: "plan", keptReleases, keptVersions, deleteAssets, deleteVersions };
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

// ---------------------------------------------------------------------------------------
// outcomes shared by release and rollback

export interface MovedUnrecorded {
  readonly outcome: "moved-unrecorded";
  readonly kind: "release" | "rollback";
  readonly before: ServingTarget;
  /** What the aliases serve now. */
  readonly after: ServingTarget;
  /** Why the record was not written. */
  readonly error: string;
  readonly message: string;
}

/**
 * The aliases moved but the record was not written (PutObject denied or throttled, the ledger
 * key taken too often). Not an exception: the caller must say loudly that the aliases DID
 * move, because a lost rollback record is a lost pin and the next release would move forward.
 * The same command run again with `--moved-from` records it, before and after, without moving
 * anything (the "record-only" path).
 */
export function unrecordedMove(
  functions: readonly ReleaseFunction[],
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
      `${describeAliases(functions)} DID move: ${describeTarget(before)} → ${describeTarget(after)}, ` +
      `but the ledger record of this ${kind} was not written (${why})` +
      (kind === "rollback" ? "; until it is, the environment is NOT pinned and the next release would move it forward" : ""),
  };
}

// ---------------------------------------------------------------------------------------
// wording

export function describeTarget(target: Pick<ServingTarget, "releaseId" | "versions">): string {
  return target.releaseId === null ? describeSet(target.versions) : `release ${target.releaseId} (${describeSet(target.versions)})`;
}

export function describeEntry(entry: Pick<LedgerEntry, "releaseId" | "versions">): string {
  return describeTarget(entry);
}

/** `alias live of acme-web-prod-ssr`, or `the aliases of server (…), image (…)` for several functions. */
export function describeAliases(functions: readonly ReleaseFunction[]): string {
  if (functions.length === 1) return `alias ${functions[0].alias} of ${functions[0].functionName}`;
  return `the aliases of ${functions.map((fn) => `${fn.id} (${fn.functionName}:${fn.alias})`).join(", ")}`;
}

export function formatWeights(weights: RoutingWeights): string {
  const parts = Object.entries(weights).map(([v, w]) => `${v}: ${Math.round(w * 1000) / 10}%`);
  return parts.length === 0 ? "none" : `{${parts.join(", ")}}`;
}
