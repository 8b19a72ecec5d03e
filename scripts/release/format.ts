/**
 * Human-readable output of the release tools (stderr). JSON output is the result objects
 * themselves; see cli.ts. Everything read back from the ledger or AWS goes through
 * `printable` (reason.ts): no control character reaches the terminal, no secret is shown.
 */
import { isLiveChange, recordPreviousVersions, recordVersions } from "./ledger";
import type { ListResult } from "./list";
import { describeTarget, formatWeights, type ServingTarget } from "./plan";
import type { PruneResult } from "./prune";
import { printable } from "./reason";
import { agrees, formatSet, SERVER_ID, type VersionSet } from "./version-set";

/** Widest a free-text cell of the `releases` table gets (the full text is in --json). */
const NOTE_CHARS = 200;
const CELL_CHARS = 60;

export function arrow(before: ServingTarget, after: ServingTarget): string {
  return `${describeTarget(before)} → ${describeTarget(after)}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function releasesTable(result: ListResult, env: string): string[] {
  const lines: string[] = [];
  const several = result.aliases.length > 1;
  for (const alias of result.aliases) {
    const who = several ? `${env} ${alias.id} (${alias.functionName})` : env;
    if (alias.state) {
      const weights = Object.keys(alias.state.weights).length > 0 ? `, canary weights ${formatWeights(alias.state.weights)}` : "";
      lines.push(`${who}: ${alias.alias} serves version ${alias.state.version}${weights}`);
    } else {
      lines.push(`${who}: cannot read the alias (${printable(alias.problem ?? "unknown")})`);
    }
  }
  if (result.pinnedBy) {
    lines.push(`pinned by rollback record ${result.pinnedBy.seq}: \`release\` refuses to move forward until it is given --unpin`);
  }
  if (result.total === 0) {
    lines.push("the ledger is empty: no releases yet");
    return lines;
  }
  const header = ["#", "time (UTC)", "kind", "release", "version", "from", "actor", "git", "note"];
  // The newest record that changed what is live, when the aliases agree with it.
  const head = result.records.find((r) => isLiveChange(r.entry))?.entry;
  const served: VersionSet = Object.fromEntries(result.aliases.flatMap((a) => (a.state ? [[a.id, a.state.version]] : [])));
  const liveEntry = head && served[SERVER_ID] === head.version && agrees(head.versions, served) ? head : undefined;
  const cell = (text: string | null | undefined, max = CELL_CHARS) => (text ? printable(text, { maxLength: max }) : "-");
  const rows = result.records.map(({ entry, record }) => {
    if ("invalid" in record) {
      return [String(entry.seq), "?", entry.kind, entry.releaseId ?? "-", formatSet(entry.versions), "?", "?", "?", `unreadable: ${cell(record.invalid, NOTE_CHARS)}`];
    }
    const previous = recordPreviousVersions(record);
    const note = [
      entry === liveEntry ? "live" : "",
      record.unpinned ? "unpinned" : "",
      record.canary && record.kind === "release" ? `canary ${record.canary.percent}%×${record.canary.steps}` : "",
      record.reason ? `reason: ${cell(record.reason, NOTE_CHARS)}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return [
      String(record.seq),
      cell(record.time.replace("T", " ").replace(/\.\d+Z$/, "Z")),
      record.kind,
      cell(record.releaseId),
      formatSet(recordVersions(record)),
      previous[SERVER_ID] === undefined ? "-" : formatSet(previous),
      cell(record.actor),
      record.gitSha ? cell(record.gitSha.slice(0, 10)) : "-",
      note,
    ];
  });
  lines.push(...table([header, ...rows]));
  if (result.records.length < result.total) {
    lines.push(`… ${result.total - result.records.length} older record(s); pass --limit to see more`);
  }
  for (const warning of result.warnings) lines.push(`warning: ${printable(warning)}`);
  return lines;
}

export function pruneLines(result: Exclude<PruneResult, { outcome: "refused" }>, bucket: string): string[] {
  const kept = Object.entries(result.keptVersions).map(([id, versions]) => `${id} ${versions.join(", ") || "(none)"}`);
  const lines = [`keeping releases: ${result.keptReleases.join(", ") || "(none)"}; versions: ${kept.join("; ")}`];
  const verb = result.outcome === "dry-run" ? "would delete" : "deleted";
  const functions = [...new Set(result.versions.map((v) => v.functionName))];
  lines.push(
    `${verb} ${result.assets.length} asset(s) from s3://${bucket} and ${result.versions.length} version(s)` +
      (functions.length > 0 ? ` of ${functions.join(", ")}` : ""),
  );
  for (const asset of result.assets) lines.push(`  asset   ${printable(asset.key)}`);
  for (const version of result.versions) lines.push(`  version ${version.functionName}:${version.version}`);
  for (const failure of result.failures) lines.push(`  FAILED  ${printable(failure.what)}: ${printable(failure.message)}`);
  if (result.outcome === "dry-run" && result.assets.length + result.versions.length > 0) {
    lines.push("dry run: nothing was deleted; pass --yes to delete");
  }
  return lines;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]))
      .join("  ")
      .trimEnd(),
  );
}
