/**
 * The release ledger: an append-only history of what alias `live` served, kept in the assets
 * bucket under `_releases/<env>/ledger/` (never routed by CloudFront).
 *
 * One immutable JSON object per record. Its key is an index, its body the full record:
 *
 *   _releases/<env>/ledger/<inverted seq>.<kind>.<versions>.<release id or ->.json
 *   e.g. _releases/prod/ledger/999999999957.rollback.12.2024-06-01.3.json          (seq 42)
 *        _releases/prod/ledger/999999999956.release.13_image-7.2024-06-02.1.json   (seq 43)
 *
 * `<versions>` is the server's version, followed by `_<function id>-<version>` for every
 * other function of the release (version-set.ts); a ledger written before releases had
 * several functions holds the server's version alone, and reads the same way. The inverted,
 * zero-padded sequence number makes S3's lexicographic listing return the newest record
 * first, and the key alone carries what rollback needs to choose a target (kind, every
 * function's version, release id), so a rollback reads the whole history with one
 * ListObjectsV2 call and no GETs. Records are written with `If-None-Match: *`, so nothing is
 * ever overwritten; see `nextSequence` for two writers racing.
 *
 * Everything here is pure.
 */
import { z } from "zod";
import { RELEASE_ID_PATTERN } from "../../lib/asset-manifest";
import type { ReleaseFunction } from "./ports";
import { agrees, FUNCTION_ID_PATTERN, SERVER_ID, setIds, type VersionSet } from "./version-set";

export const LEDGER_FORMAT_VERSION = 1;

export const RECORD_KINDS = ["release", "rollback", "canary-abort"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** 12 digits: a trillion records per environment. */
const SEQUENCE_DIGITS = 12;
const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;
const NO_RELEASE = "-";
const FUNCTION_ID = FUNCTION_ID_PATTERN.source.slice(1, -1);
/** `_<function id>-<version>`: one non-server function of the release (the id may hold dashes; the version is the last part). */
const OTHER_FUNCTION = new RegExp(`^(${FUNCTION_ID})-(\\d+)$`);
const KEY_PATTERN = new RegExp(
  `^(\\d{${SEQUENCE_DIGITS}})\\.(${RECORD_KINDS.join("|")})\\.(\\d+(?:_${FUNCTION_ID}-\\d+)*)\\.(${NO_RELEASE}|${RELEASE_ID_PATTERN.source.slice(1, -1)})\\.json$`,
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
  /** The server's Lambda version that `releaseId` runs (for canary-abort: the version that was tried). */
  version: z.string().regex(/^\d+$/),
  /** What the server's `live` served before this record. */
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
  /** The server function and its alias (`version` and `previousVersion` are theirs). */
  functionName: z.string().min(1),
  alias: z.string().min(1),
  /**
   * Every function of the release, the server included, when it has more than the server.
   * Absent from records of single-function releases (and from every record written before
   * releases had several functions): the server fields above say it all.
   */
  functions: z
    .array(
      z.object({
        id: z.string().regex(FUNCTION_ID_PATTERN),
        functionName: z.string().min(1),
        alias: z.string().min(1),
        version: z.string().regex(/^\d+$/),
        previousVersion: z.string().nullable(),
      }),
    )
    .optional(),
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
  /** The server's version (`versions.server`). */
  readonly version: string;
  /** Every function's version: `{ server }` alone for a single-function release. */
  readonly versions: VersionSet;
  readonly releaseId: string | null;
}

/** `_releases/<env>/ledger/<inverted seq>.<kind>.<versions>.<release id>.json` */
export function ledgerKey(prefix: string, entry: Pick<LedgerEntry, "seq" | "kind" | "versions" | "releaseId">): string {
  if (!Number.isInteger(entry.seq) || entry.seq < 1 || entry.seq > MAX_SEQUENCE) {
    throw new RangeError(`ledger sequence out of range: ${entry.seq}`);
  }
  if (entry.versions[SERVER_ID] === undefined) throw new RangeError(`a ledger record needs the ${SERVER_ID}'s version`);
  const inverted = String(MAX_SEQUENCE - entry.seq).padStart(SEQUENCE_DIGITS, "0");
  const others = setIds(entry.versions)
    .filter((id) => id !== SERVER_ID)
    .map((id) => `_${id}-${entry.versions[id]}`);
  return `${prefix}${inverted}.${entry.kind}.${entry.versions[SERVER_ID]}${others.join("")}.${entry.releaseId ?? NO_RELEASE}.json`;
}

/** Reads a key back into an entry; undefined for anything that is not a ledger key. */
export function parseLedgerKey(prefix: string, key: string): LedgerEntry | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = KEY_PATTERN.exec(key.slice(prefix.length));
  if (!match) return undefined;
  const [, inverted, kind, versionsText, releaseId] = match;
  const [server, ...others] = versionsText.split("_");
  const versions: Record<string, string> = { [SERVER_ID]: server };
  for (const other of others) {
    const [, id, version] = OTHER_FUNCTION.exec(other) ?? [];
    if (id === undefined || versions[id] !== undefined) return undefined;
    versions[id] = version;
  }
  return {
    key,
    seq: MAX_SEQUENCE - Number(inverted),
    kind: kind as RecordKind,
    version: server,
    versions,
    releaseId: releaseId === NO_RELEASE ? null : releaseId,
  };
}

/** What every function served before the record (functions that had no version are left out). */
export function recordPreviousVersions(record: Pick<LedgerRecord, "previousVersion" | "functions">): VersionSet {
  const pairs = record.functions ? record.functions.map((f) => [f.id, f.previousVersion] as const) : [[SERVER_ID, record.previousVersion] as const];
  return Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => pair[1] !== null));
}

/** Every function's version a record names: its `functions`, or the server alone. */
export function recordVersions(record: Pick<LedgerRecord, "version" | "functions">): VersionSet {
  if (!record.functions) return { [SERVER_ID]: record.version };
  return Object.fromEntries(record.functions.map((f) => [f.id, f.version]));
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

/**
 * The newest record that made this set live, telling which release it runs: same server
 * version, and no other function at a different version (a function one of them does not
 * name does not count against it).
 */
export function findLiveRecordFor(index: LedgerIndex, set: VersionSet): LedgerEntry | undefined {
  return index.entries.find((e) => isLiveChange(e) && e.version === set[SERVER_ID] && agrees(e.versions, set));
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

/**
 * A record's function fields: the server's version, previous version, name and alias, and,
 * for a release of several functions, `functions` with every one of them.
 */
export function functionFields(
  functions: readonly ReleaseFunction[],
  versions: VersionSet,
  previous: VersionSet,
): Pick<LedgerRecordDraft, "version" | "previousVersion" | "functionName" | "alias" | "functions"> {
  const [server] = functions;
  return {
    version: versions[SERVER_ID],
    previousVersion: previous[SERVER_ID] ?? null,
    functionName: server.functionName,
    alias: server.alias,
    ...(functions.length > 1
      ? {
          functions: functions.map((fn) => ({
            id: fn.id,
            functionName: fn.functionName,
            alias: fn.alias,
            version: versions[fn.id],
            previousVersion: previous[fn.id] ?? null,
          })),
        }
      : {}),
  };
}

/** Where a record goes in the ledger under `prefix`. */
export function recordKey(prefix: string, record: LedgerRecord): string {
  return ledgerKey(prefix, { seq: record.seq, kind: record.kind, releaseId: record.releaseId, versions: recordVersions(record) });
}
