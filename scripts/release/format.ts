/**
 * Human-readable output of the release tools (stderr). JSON output is the result objects
 * themselves; see cli.ts.
 */
import type { ListResult } from "./list";
import { describeTarget, formatWeights, type ServingTarget } from "./plan";
import type { PruneResult } from "./prune";

export function arrow(before: ServingTarget, after: ServingTarget): string {
  return `${describeTarget(before)} → ${describeTarget(after)}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function releasesTable(result: ListResult, env: string): string[] {
  const lines: string[] = [];
  if (result.live) {
    const weights = Object.keys(result.live.weights).length > 0 ? `, canary weights ${formatWeights(result.live.weights)}` : "";
    lines.push(`${env}: live serves version ${result.live.version}${weights}`);
  } else {
    lines.push(`${env}: cannot read the alias (${result.liveProblem ?? "unknown"})`);
  }
  if (result.pinnedBy) {
    lines.push(
      `pinned by rollback record ${result.pinnedBy.seq}: \`release\` refuses to move forward until it is given --unpin`,
    );
  }
  if (result.total === 0) {
    lines.push("the ledger is empty: no releases yet");
    return lines;
  }
  const header = ["#", "time (UTC)", "kind", "release", "version", "from", "actor", "git", "note"];
  // The newest record that changed what is live, when the alias agrees with it.
  const head = result.records.find((r) => r.entry.kind !== "canary-abort")?.entry;
  const liveEntry = head && result.live?.version === head.version ? head : undefined;
  const rows = result.records.map(({ entry, record }) => {
    if ("invalid" in record) {
      return [String(entry.seq), "?", entry.kind, entry.releaseId ?? "-", entry.version, "?", "?", "?", `unreadable: ${record.invalid}`];
    }
    const note = [
      entry === liveEntry ? "live" : "",
      record.unpinned ? "unpinned" : "",
      record.canary && record.kind === "release" ? `canary ${record.canary.percent}%×${record.canary.steps}` : "",
      record.reason ? `reason: ${record.reason}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return [
      String(record.seq),
      record.time.replace("T", " ").replace(/\.\d+Z$/, "Z"),
      record.kind,
      record.releaseId ?? "-",
      record.version,
      record.previousVersion ?? "-",
      record.actor,
      record.gitSha ? record.gitSha.slice(0, 10) : "-",
      note,
    ];
  });
  lines.push(...table([header, ...rows]));
  if (result.records.length < result.total) {
    lines.push(`… ${result.total - result.records.length} older record(s); pass --limit to see more`);
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

export function pruneLines(result: Exclude<PruneResult, { outcome: "refused" }>, bucket: string, functionName: string): string[] {
  const lines = [
    `keeping releases: ${result.keptReleases.join(", ") || "(none)"}; versions: ${result.keptVersions.join(", ") || "(none)"}`,
  ];
  const verb = result.outcome === "dry-run" ? "would delete" : "deleted";
  lines.push(`${verb} ${result.assets.length} asset(s) from s3://${bucket} and ${result.versions.length} version(s) of ${functionName}`);
  for (const asset of result.assets) lines.push(`  asset   ${asset.key}`);
  for (const version of result.versions) lines.push(`  version ${functionName}:${version.version}`);
  for (const failure of result.failures) lines.push(`  FAILED  ${failure.what}: ${failure.message}`);
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
