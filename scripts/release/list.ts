/**
 * `releases`: the ledger, newest first, with what alias `live` serves now.
 */
import { pinningRecord, sharedSequences, type LedgerEntry, type LedgerRecord } from "./ledger";
import type { AliasState, ReleasePorts, ReleaseTarget } from "./ports";
import { readLedger, readRecord } from "./store";

export interface ListedRecord {
  readonly entry: LedgerEntry;
  /** The full record, or why it could not be read. */
  readonly record: LedgerRecord | { readonly invalid: string };
}

export interface ListResult {
  readonly total: number;
  readonly records: readonly ListedRecord[];
  /** undefined when the function or alias does not exist. */
  readonly live: AliasState | undefined;
  readonly liveProblem: string | undefined;
  readonly pinnedBy: LedgerEntry | undefined;
  readonly warnings: readonly string[];
}

const READ_CONCURRENCY = 16;

export async function listReleases(target: ReleaseTarget, ports: ReleasePorts, options: { readonly limit: number }): Promise<ListResult> {
  const [index, alias] = await Promise.all([
    readLedger(ports.storage, target.env),
    ports.lambda.getAlias(target.functionName, target.alias),
  ]);
  const shown = index.entries.slice(0, options.limit);
  const records: ListedRecord[] = new Array(shown.length);
  for (let i = 0; i < shown.length; i += READ_CONCURRENCY) {
    const batch = shown.slice(i, i + READ_CONCURRENCY);
    const reads = await Promise.all(batch.map((entry) => readRecord(ports.storage, entry.key)));
    reads.forEach((read, j) => {
      records[i + j] = { entry: batch[j], record: read.kind === "found" ? read.record : { invalid: read.problem } };
    });
  }

  const warnings: string[] = [];
  for (const seq of sharedSequences(index)) {
    warnings.push(`two records share sequence number ${seq}: two writers ran at once (serialise deploys per environment)`);
  }
  for (const key of index.ignoredKeys) warnings.push(`ignored ${key}: not a ledger record key`);
  return {
    total: index.entries.length,
    records,
    live: alias.kind === "found" ? alias : undefined,
    liveProblem: alias.kind === "missing" ? alias.message : undefined,
    pinnedBy: pinningRecord(index),
    warnings,
  };
}
