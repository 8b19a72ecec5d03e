/**
 * `releases`: the ledger, newest first, with what every function's alias `live` serves now.
 */
import { pinningRecord, sharedSequences, type LedgerEntry, type LedgerRecord } from "./ledger";
import { ledgerFunctions } from "./plan";
import type { AliasState, ReleasePorts, ReleaseTarget } from "./ports";
import { readLedger, readRecord } from "./store";

export interface ListedRecord {
  readonly entry: LedgerEntry;
  /** The full record, or why it could not be read. */
  readonly record: LedgerRecord | { readonly invalid: string };
}

/** One function's alias as read now. */
export interface ListedAlias {
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  /** undefined when the function or alias does not exist (`problem` says why). */
  readonly state: AliasState | undefined;
  readonly problem: string | undefined;
}

export interface ListResult {
  readonly total: number;
  readonly records: readonly ListedRecord[];
  /** The server's alias; undefined when the function or alias does not exist. */
  readonly live: AliasState | undefined;
  readonly liveProblem: string | undefined;
  /** Every function's alias, the server first. */
  readonly aliases: readonly ListedAlias[];
  readonly pinnedBy: LedgerEntry | undefined;
  readonly warnings: readonly string[];
}

const READ_CONCURRENCY = 16;

export async function listReleases(given: ReleaseTarget, ports: ReleasePorts, options: { readonly limit: number }): Promise<ListResult> {
  const index = await readLedger(ports.storage, given.env);
  const target = { ...given, functions: ledgerFunctions(given, index) };
  const reads = await Promise.all(target.functions.map((fn) => ports.lambda.getAlias(fn.functionName, fn.alias)));
  const shown = index.entries.slice(0, options.limit);
  const records: ListedRecord[] = new Array(shown.length);
  for (let i = 0; i < shown.length; i += READ_CONCURRENCY) {
    const batch = shown.slice(i, i + READ_CONCURRENCY);
    const batchReads = await Promise.all(batch.map((entry) => readRecord(ports.storage, entry.key)));
    batchReads.forEach((read, j) => {
      records[i + j] = { entry: batch[j], record: read.kind === "found" ? read.record : { invalid: read.problem } };
    });
  }
  const aliases = target.functions.map(
    (fn, i): ListedAlias => ({
      id: fn.id,
      functionName: fn.functionName,
      alias: fn.alias,
      state: reads[i].kind === "found" ? (reads[i] as AliasState) : undefined,
      problem: reads[i].kind === "missing" ? (reads[i] as { message: string }).message : undefined,
    }),
  );

  const warnings: string[] = [];
  for (const seq of sharedSequences(index)) {
    warnings.push(`two records share sequence number ${seq}: two writers ran at once (serialise deploys per environment)`);
  }
  for (const key of index.ignoredKeys) warnings.push(`ignored ${key}: not a ledger record key`);
  return {
    total: index.entries.length,
    records,
    live: aliases[0].state,
    liveProblem: aliases[0].problem,
    aliases,
    pinnedBy: pinningRecord(index),
    warnings,
  };
}
