/** Ledgers, aliases and prune inputs for the release plan tests (pure: no AWS calls, no emulator). */
import type { AssetManifest } from "../../../lib/asset-manifest";
import { indexFromKeys, ledgerKey, type LedgerIndex, type RecordKind } from "../../../scripts/release/ledger";
import type { PruneFunction } from "../../../scripts/release/plan";
import type { AliasInfo, AliasState } from "../../../scripts/release/ports";

export const PREFIX = "_releases/dev/ledger/";

/** A ledger from records listed oldest first: [kind, versions (or the server's version), release id]. */
export function ledger(...records: [RecordKind, string | Record<string, string>, string | null][]): LedgerIndex {
  return indexFromKeys(
    PREFIX,
    records.map(([kind, versions, releaseId], i) =>
      ledgerKey(PREFIX, { seq: i + 1, kind, versions: typeof versions === "string" ? { server: versions } : versions, releaseId }),
    ),
  );
}

export const alias = (version: string, weights: Record<string, number> = {}): AliasState => ({ version, weights, revisionId: "rev" });

/** The server's alias (a single-function release). */
export const served = (version: string, weights: Record<string, number> = {}): Record<string, AliasState> => ({ server: alias(version, weights) });

export const OLD = new Date("2025-01-01T00:00:00Z");
export const NOW = new Date("2025-06-30T00:00:00Z");

export const manifest = (releaseId: string, keys: string[]) =>
  ({ formatVersion: 1, env: "dev", releaseId, createdAt: OLD.toISOString(), assets: keys.map((key) => ({ key })) }) as AssetManifest;

export const LIVE: AliasInfo = { name: "live", version: "3", weights: {} };

/** The server function as prune reads it: alias live on version 3, the given versions published long ago. */
export const serverFunction = (versions: string[]): PruneFunction => ({
  id: "server",
  functionName: "web-ssr",
  liveAlias: "live",
  aliases: [LIVE],
  versions: versions.map((version) => ({ version, lastModified: OLD })),
});
