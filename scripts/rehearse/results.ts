/**
 * What the rehearsal saw and what it concludes, as pure functions over the records the
 * clients and the edge leave: per phase the requests, the failed ones, latency percentiles
 * and the server versions the alias served; the verdict; the table and the `--json` object.
 */

export interface RequestRecord {
  /** The phase in progress when the request was sent. */
  readonly phase: string;
  readonly client: "http" | "browser";
  /** Path and query on the edge. */
  readonly url: string;
  /** Undefined when no response arrived (connection refused or reset, timeout). */
  readonly status: number | undefined;
  /** Why it failed, when it did without a status. */
  readonly error?: string;
  readonly ms: number;
  readonly ok: boolean;
}

/** The server function's version the edge invoked, and in which phase. */
export interface ServedVersion {
  readonly phase: string;
  readonly version: string;
}

export interface PhaseSummary {
  readonly name: string;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  /** Server versions the alias served during the phase, ascending. */
  readonly versions: readonly string[];
}

export interface RehearsalSummary {
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly versionsServed: readonly string[];
  readonly phases: readonly PhaseSummary[];
  readonly oldTabChunkLoaded: boolean;
  readonly failures: readonly RequestRecord[];
}

/** Nearest-rank percentile (p in 0–100) of `values`; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const byVersion = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

export function summarize(input: {
  readonly phases: readonly string[];
  readonly records: readonly RequestRecord[];
  readonly served: readonly ServedVersion[];
  readonly oldTabChunkLoaded: boolean;
}): RehearsalSummary {
  const phases = input.phases.map((name): PhaseSummary => {
    const records = input.records.filter((r) => r.phase === name);
    const latencies = records.map((r) => r.ms);
    return {
      name,
      requests: records.length,
      errors: records.filter((r) => !r.ok).length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      versions: [...new Set(input.served.filter((s) => s.phase === name).map((s) => s.version))].sort(byVersion),
    };
  });
  const failures = input.records.filter((r) => !r.ok);
  const latencies = input.records.map((r) => r.ms);
  return {
    requests: input.records.length,
    errors: failures.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    versionsServed: [...new Set(input.served.map((s) => s.version))].sort(byVersion),
    phases,
    oldTabChunkLoaded: input.oldTabChunkLoaded,
    failures,
  };
}

export interface Verdict {
  readonly ok: boolean;
  /** Each reason the rehearsal failed, one line each. */
  readonly problems: readonly string[];
}

/**
 * Zero downtime shown: no request failed, every phase saw requests, both builds' server
 * versions were served, and (where the scenario asked) the old tab loaded its chunk.
 */
export function verdict(summary: RehearsalSummary, expected: { readonly versions: Readonly<Record<string, string>>; readonly oldTab: boolean }): Verdict {
  const problems: string[] = [];
  if (summary.errors > 0) problems.push(`${summary.errors} of ${summary.requests} requests failed`);
  for (const phase of summary.phases) if (phase.requests === 0) problems.push(`phase "${phase.name}" saw no requests`);
  for (const [build, version] of Object.entries(expected.versions)) {
    if (!summary.versionsServed.includes(version)) problems.push(`build ${build} (server version ${version}) was never served`);
  }
  if (expected.oldTab && !summary.oldTabChunkLoaded) problems.push("the old tab did not load its lazily loaded chunk");
  return { ok: problems.length === 0, problems };
}

/** The `--json` object, exactly the shape the issue gives. */
export function toJson(summary: RehearsalSummary): object {
  return {
    requests: summary.requests,
    errors: summary.errors,
    versionsServed: summary.versionsServed,
    phases: summary.phases.map((p) => ({ name: p.name, requests: p.requests, errors: p.errors })),
    browser: { oldTabChunkLoaded: summary.oldTabChunkLoaded },
  };
}

/** One row per phase and a total; `buildOf` names the build a version belongs to ("A", "B"). */
export function formatTable(summary: RehearsalSummary, buildOf: (version: string) => string | undefined): string {
  const ms = (value: number | undefined) => (value === undefined ? "-" : `${Math.round(value)}`);
  const versions = (list: readonly string[]) => (list.length === 0 ? "-" : list.map((v) => `${v}${buildOf(v) ? ` (${buildOf(v)})` : ""}`).join(", "));
  const rows: string[][] = [
    ["phase", "requests", "errors", "p50 ms", "p99 ms", "versions served"],
    ...summary.phases.map((p) => [p.name, String(p.requests), String(p.errors), ms(p.p50Ms), ms(p.p99Ms), versions(p.versions)]),
  ];
  rows.push(["total", String(summary.requests), String(summary.errors), ms(summary.p50Ms), ms(summary.p99Ms), versions(summary.versionsServed)]);
  const numeric = new Set([1, 2, 3, 4]);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return rows.map(line).join("\n");
}

/** One line per failed request: phase, client, URL, status (or the error); at most `limit`. */
export function formatFailures(failures: readonly RequestRecord[], limit = 20): string[] {
  const lines = failures.slice(0, limit).map((f) => `  ${f.phase}: ${f.client} ${f.url} → ${f.status ?? f.error ?? "no response"}`);
  if (failures.length > limit) lines.push(`  … and ${failures.length - limit} more`);
  return lines;
}
