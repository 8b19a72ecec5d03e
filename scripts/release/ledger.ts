/**
 * The release ledger: an append-only history of what alias `live` served, kept in the assets
 * bucket under `_releases/<env>/ledger/` (never routed by CloudFront).
 *
 * One immutable JSON object per record. Its key is an index, its body the full record:
 *
 *   _releases/<env>/ledger/<inverted seq>.<kind>.<version>.<release id or ->.json
 *   e.g. _releases/prod/ledger/999999999957.rollback.12.2024-06-01.3.json   (seq 42)
 *
 * The inverted, zero-padded sequence number makes S3's lexicographic listing return the
 * newest record first, and the key alone carries what rollback needs to choose a target
 * (kind, version, release id), so a rollback reads the whole history with one
 * ListObjectsV2 call and no GETs. Records are written with `If-None-Match: *`, so nothing is
 * ever overwritten; see `nextSequence` for two writers racing.
 *
 * Everything here is pure.
 */
import { z } from "zod";
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";

export const LEDGER_FORMAT_VERSION = 1;

export const RECORD_KINDS = ["release", "rollback", "canary-abort"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** 12 digits: a trillion records per environment. */
const SEQUENCE_DIGITS = 12;
const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;
const NO_RELEASE = "-";
const KEY_PATTERN = new RegExp(
  `^(\\d{${SEQUENCE_DIGITS}})\\.(${RECORD_KINDS.join("|")})\\.(\\d+)\\.(${NO_RELEASE}|${RELEASE_ID_PATTERN.source.slice(1, -1)})\\.json$`,
);

export const LedgerRecordSchema = z.object({
  formatVersion: z.literal(LEDGER_FORMAT_VERSION),
  seq: z.number().int().min(1),
  kind: z.enum(RECORD_KINDS),
  env: z.string().min(1),
  /**
   * release / rollback: the release `live` serves after this record (null for a rollback to
   * a bare version no release recorded). canary-abort: the release that was tried.
   */
  releaseId: z.string().nullable(),
  /** The Lambda version that `releaseId` runs (for canary-abort: the version that was tried). */
  version: z.string().regex(/^\d+$/),
  /** What `live` served before this record. */
  previousVersion: z.string().nullable(),
  previousReleaseId: z.string().nullable(),
  /** Asset manifest of `releaseId`, checked before the alias moved. */
  manifestKey: z.string().nullable(),
  gitSha: z.string().nullable(),
  /** ISO-8601 time the record was written. */
  time: z.string().min(1),
  actor: z.string().min(1),
  /** CI run that made the change, when known. */
  runUrl: z.string().nullable().optional(),
  functionName: z.string().min(1),
  alias: z.string().min(1),
  reason: z.string().nullable().optional(),
  /** A release made with `--unpin` after a rollback pinned the environment. */
  unpinned: z.boolean().optional(),
  /** Present when the alias moved through weighted steps. */
  canary: z
    .object({
      percent: z.number(),
      steps: z.number().int(),
      stepSeconds: z.number(),
      /** canary-abort: the alarms found in ALARM, or why the canary stopped. */
      alarms: z.array(z.string()).optional(),
    })
    .optional(),
});

export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;
/** A record before it has a place in the ledger. */
export type LedgerRecordDraft = Omit<LedgerRecord, "seq" | "formatVersion">;

/** What a ledger key says about its record: enough to plan a rollback without reading it. */
export interface LedgerEntry {
  readonly key: string;
  readonly seq: number;
  readonly kind: RecordKind;
  readonly version: string;
  readonly releaseId: string | null;
}

/** `_releases/<env>/ledger/<inverted seq>.<kind>.<version>.<release id>.json` */
export function ledgerKey(prefix: string, entry: Omit<LedgerEntry, "key">): string {
  if (!Number.isInteger(entry.seq) || entry.seq < 1 || entry.seq > MAX_SEQUENCE) {
    throw new RangeError(`ledger sequence out of range: ${entry.seq}`);
  }
  const inverted = String(MAX_SEQUENCE - entry.seq).padStart(SEQUENCE_DIGITS, "0");
  return `${prefix}${inverted}.${entry.kind}.${entry.version}.${entry.releaseId ?? NO_RELEASE}.json`;
}

/** Reads a key back into an entry; undefined for anything that is not a ledger key. */
export function parseLedgerKey(prefix: string, key: string): LedgerEntry | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = KEY_PATTERN.exec(key.slice(prefix.length));
  if (!match) return undefined;
  const [, inverted, kind, version, releaseId] = match;
  return {
    key,
    seq: MAX_SEQUENCE - Number(inverted),
    kind: kind as RecordKind,
    version,
    releaseId: releaseId === NO_RELEASE ? null : releaseId,
  };
}

/** The ledger as read from a listing, newest first. */
export interface LedgerIndex {
  readonly entries: readonly LedgerEntry[];
  /** Keys under the ledger prefix that are not ledger records (reported, never fatal). */
  readonly ignoredKeys: readonly string[];
}

export function indexFromKeys(prefix: string, keys: readonly string[]): LedgerIndex {
  const entries: LedgerEntry[] = [];
  const ignoredKeys: string[] = [];
  for (const key of keys) {
    const entry = parseLedgerKey(prefix, key);
    if (entry) entries.push(entry);
    else ignoredKeys.push(key);
  }
  // Newest first; two records sharing a sequence number (writers that raced, see
  // nextSequence) keep a stable order by key.
  entries.sort((a, b) => b.seq - a.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { entries, ignoredKeys };
}

/** The sequence number the next record takes. */
export function nextSequence(index: LedgerIndex): number {
  return (index.entries[0]?.seq ?? 0) + 1;
}

/** Sequence numbers that more than one record claims (only possible when writers raced). */
export function sharedSequences(index: LedgerIndex): number[] {
  const seen = new Set<number>();
  const shared = new Set<number>();
  for (const entry of index.entries) {
    if (seen.has(entry.seq)) shared.add(entry.seq);
    seen.add(entry.seq);
  }
  return [...shared];
}

/** Records that changed what `live` serves: releases and rollbacks (not aborted canaries). */
export function isLiveChange(entry: Pick<LedgerEntry, "kind">): boolean {
  return entry.kind === "release" || entry.kind === "rollback";
}

/**
 * The newest records that changed what `live` serves: one, or several when racing writers
 * took the same sequence number (their order is then unknown).
 */
function newestLiveChanges(index: LedgerIndex): LedgerEntry[] {
  const first = index.entries.find(isLiveChange);
  return first ? index.entries.filter((e) => isLiveChange(e) && e.seq === first.seq) : [];
}

/**
 * The ledger's idea of what is live: the newest release or rollback. Between records that
 * share a sequence number, the one whose version the alias serves wins, then a rollback.
 */
export function ledgerHead(index: LedgerIndex, aliasVersion?: string): LedgerEntry | undefined {
  const newest = newestLiveChanges(index);
  return newest.find((e) => e.version === aliasVersion) ?? newest.find((e) => e.kind === "rollback") ?? newest[0];
}

/**
 * A rollback pins the environment until a release is made with --unpin. A rollback that
 * raced a release to the same sequence number pins too: when in doubt, stay put.
 */
export function pinningRecord(index: LedgerIndex): LedgerEntry | undefined {
  return newestLiveChanges(index).find((e) => e.kind === "rollback");
}

/** The newest `release` record of a release id. */
export function findRelease(index: LedgerIndex, releaseId: string): LedgerEntry | undefined {
  return index.entries.find((e) => e.kind === "release" && e.releaseId === releaseId);
}

/** The newest record that made `version` live, telling which release it runs. */
export function findLiveRecordForVersion(index: LedgerIndex, version: string): LedgerEntry | undefined {
  return index.entries.find((e) => isLiveChange(e) && e.version === version);
}

/** Release ids in the order they were last released, newest first, each once. */
export function releasedIds(index: LedgerIndex): string[] {
  const ids: string[] = [];
  for (const entry of index.entries) {
    if (entry.kind === "release" && entry.releaseId !== null && !ids.includes(entry.releaseId)) {
      ids.push(entry.releaseId);
    }
  }
  return ids;
}

export function serializeRecord(record: LedgerRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export function recordFromDraft(draft: LedgerRecordDraft, seq: number): LedgerRecord {
  return { formatVersion: LEDGER_FORMAT_VERSION, seq, ...draft };
}
